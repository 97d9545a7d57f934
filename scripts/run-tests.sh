#!/usr/bin/env bash
# scripts/run-tests.sh BUILD-DIR
# Runs the unit tests (BUILD/rampart_tests) and then every integration suite against
# BUILD/rampart. The last line is the combined summary "TOTAL: N passed, M failed,
# K skipped"; the exit status is non-zero if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
pass=0 fail=0 skipped=0

echo "== unit tests ($build/rampart_tests)"
if [ -x "$build/rampart_tests" ]; then
  log=$(mktemp)
  "$build/rampart_tests" --gtest_color=no 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  total=$(sed -nE 's/^\[==========\] ([0-9]+) tests? from .* ran\..*/\1/p' "$log" | tail -n 1)
  upass=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\..*/\1/p' "$log" | tail -n 1)
  uskip=$(sed -nE 's/^\[  SKIPPED \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -n 1)
  ufail=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -n 1)
  rm -f "$log"
  upass=${upass:-0} uskip=${uskip:-0} ufail=${ufail:-0}
  if [ -z "$total" ] || { [ "$rc" -ne 0 ] && [ "$ufail" -eq 0 ]; }; then
    echo "not ok - unit tests did not complete (exit status $rc)"
    ufail=$((ufail + 1))
  fi
  echo "# unit: $upass passed, $ufail failed, $uskip skipped"
  pass=$((pass + upass)) fail=$((fail + ufail)) skipped=$((skipped + uskip))
else
  echo "not ok - $build/rampart_tests not built"
  fail=$((fail + 1))
fi

echo "== integration tests ($build/rampart)"
log=$(mktemp)
integration/run-all.sh "$build/rampart" 2>&1 | tee "$log"
line=$(tail -n 1 "$log")
rm -f "$log"
if echo "$line" | grep -Eq '^integration: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'; then
  read -r p f s < <(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
  pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
else
  echo "not ok - integration/run-all.sh gave no summary"
  fail=$((fail + 1))
fi

echo "TOTAL: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
