#!/usr/bin/env bash
# integration/run-all.sh RUNTIME [SUITE...]
# Runs every integration suite (integration/*/run.sh and integration/*.sh that call
# suite_init) with RUNTIME as the runtime binary, shows each suite's TAP output and ends
# with "N passed, M failed, K skipped". Exit status 1 if anything failed.
#   SUITE: a directory name (core, cgroups, docker...) to run only those.
#   SUITE_TIMEOUT: seconds one suite may take (default 1800).
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
  echo "usage: $0 RUNTIME-BINARY [SUITE...]" >&2
  exit 2
fi
rt=$1
shift
case $rt in /*) ;; */*) rt=$PWD/$rt ;; *) rt=$(command -v "$rt" || echo "$rt") ;; esac

suites=()
for f in "$here"/*/run.sh "$here"/*.sh; do
  [ -f "$f" ] || continue
  case $(basename "$f") in lib.sh | run-all.sh | demo.sh) continue ;; esac
  if [ "$(basename "$f")" != run.sh ]; then grep -q '^[[:space:]]*suite_init' "$f" || continue; fi
  if [ $# -gt 0 ]; then
    name=$(basename "$(dirname "$f")")
    [ "$name" = "$(basename "$here")" ] && name=$(basename "$f" .sh)
    want=0
    for s in "$@"; do [ "$s" = "$name" ] && want=1; done
    [ $want = 1 ] || continue
  fi
  suites+=("$f")
done

pass=0 fail=0 skipped=0 failed_suites=()
for f in "${suites[@]}"; do
  name=${f#"$here"/}
  echo "## $name"
  out=$(mktemp)
  timeout -k 10 "${SUITE_TIMEOUT:-1800}" bash "$f" "$rt" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^# .*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n 1)
  rm -f "$out"
  if [ -z "$line" ]; then
    echo "not ok - $name ended without a summary (exit status $rc)"
    fail=$((fail + 1))
    failed_suites+=("$name")
    continue
  fi
  read -r p f2 s < <(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
  pass=$((pass + p)) fail=$((fail + f2)) skipped=$((skipped + s))
  if [ "$f2" -gt 0 ] || [ "$rc" -ne 0 ]; then
    failed_suites+=("$name")
    [ "$f2" -eq 0 ] && fail=$((fail + 1)) && echo "not ok - $name exited with status $rc"
  fi
done
echo
[ ${#failed_suites[@]} -gt 0 ] && echo "# failed suites: ${failed_suites[*]}"
echo "integration: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
