# core suite: refusals — malformed config, missing rootfs, bad and duplicate ids, missing
# executable, concurrent creates. Each: non-zero exit, one clear stderr line (exactly one
# for rampart), nothing left behind. (sourced by core/run.sh)

# refused NAME ERE ID BUNDLE [CREATE-ARGS...]: `create` must fail with a message on
# stderr (for rampart: exactly one line, matching ERE).
refused() {
  local name=$1 ere=$2 id=$3 b=$4 rc err
  shift 4
  rt create --bundle "$b" "$@" "$id" </dev/null >"$WORK/refused.out" 2>"$WORK/refused.err"
  rc=$?
  err=$(cat "$WORK/refused.err")
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ -n "$err" ]; then ok "$name: create fails with a message"; else
    not_ok "$name: create fails with a message" "exit status $rc" "$err"
  fi
  if is_rampart; then
    expect_match "[rampart] $name: stderr says why" "$ere" "$err"
    expect_eq "[rampart] $name: exactly one stderr line" 1 "$(grep -c . "$WORK/refused.err")"
  fi
}

section_errors() {
  local b id out n pids rc succ i sp

  # malformed config.json
  b=$(fresh_bundle true)
  head -c 200 "$BASE/config.json" >"$b/config.json"
  id=$(new_id bad)
  refused "truncated config.json" 'config\.json.*([0-9]+:[0-9]+|line|column)' "$id" "$b"
  expect_nothing_left "truncated config.json" "$id" "$b"
  echo '{"ociVersion": "1.0.2", "process": {"args": 7}, "root": {"path": "rootfs"}}' >"$b/config.json"
  id=$(new_id bad)
  refused "wrong type (process.args: 7)" 'process\.args' "$id" "$b"
  expect_nothing_left "wrong type" "$id" "$b"
  rm -f "$b/config.json"
  id=$(new_id bad)
  refused "missing config.json" 'config\.json' "$id" "$b"
  expect_nothing_left "missing config.json" "$id" "$b"
  if is_rampart; then
    b=$(fresh_bundle true)
    cfg_set "$b" ociVersion '"2.0.0"'
    id=$(new_id bad)
    refused "ociVersion 2.0.0" 'ociVersion' "$id" "$b"
    expect_nothing_left "ociVersion 2.0.0" "$id" "$b"
    cfg_set "$b" ociVersion '"1.0.2"'
    cfg_set "$b" process.rlimits '[{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]'
    id=$(new_id bad)
    refused "unknown rlimit" 'process\.rlimits\[0\]\.type.*RLIMIT_FOO' "$id" "$b"
  fi

  # missing rootfs
  b=$(fresh_bundle true)
  rm -rf "$b/rootfs"
  id=$(new_id bad)
  refused "missing rootfs" 'rootfs' "$id" "$b"
  expect_nothing_left "missing rootfs" "$id" "$b"

  # missing executable
  b=$(fresh_bundle nonexistent-cmd)
  id=$(new_id bad)
  refused "missing executable" 'executable file `nonexistent-cmd` not found in \$PATH' "$id" "$b"
  expect_nothing_left "missing executable" "$id" "$b"
  cfg_args "$b" /no/such/program
  id=$(new_id bad)
  refused "missing absolute executable" 'no/such/program' "$id" "$b"
  expect_nothing_left "missing absolute executable" "$id" "$b"

  # bad ids
  b=$(fresh_bundle true)
  for id in "a/b" ".." "." "$(head -c 2000 /dev/zero | tr '\0' x)"; do
    rt create --bundle "$b" "$id" </dev/null >"$WORK/out" 2>"$WORK/err"
    rc=$?
    n="bad id '${id:0:12}$([ ${#id} -gt 12 ] && echo ...)'"
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ -s "$WORK/err" ]; then ok "$n: refused with a message"; else
      not_ok "$n: refused with a message" "exit status $rc" "$(cat "$WORK/err")"
    fi
    if is_rampart; then expect_eq "[rampart] $n: exactly one stderr line" 1 "$(grep -c . "$WORK/err")"; fi
  done
  out=$(find "$ROOT" "$WORK" -maxdepth 1 \( -name a -o -name b -o -name 'xxxxxxxxxx*' \) 2>/dev/null)
  expect_eq "bad ids: nothing created in --root or beside it" "" "$out"
  expect_eq "bad ids: no mounts left under the work dir" "" "$(mounts_under "$WORK")"

  # an id already in use
  b=$(fresh_bundle sleep 100)
  id=$(new_id dup)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/out" 2>&1
  sp=$(state_field "$id" pid)
  refused "id already in use" "container $id already exists" "$id" "$b"
  expect_eq "id already in use: the first container is intact" "created $sp" "$(state_field "$id" status) $(state_field "$id" pid)"
  rt delete --force "$id" >/dev/null 2>&1

  # two concurrent creates of one id: exactly one wins, every time
  for i in 1 2 3 4 5; do
    id=$(new_id race)
    pids=()
    for n in 1 2 3; do
      rt create --bundle "$b" "$id" </dev/null >"$WORK/race.$n.out" 2>&1 &
      pids+=($!)
    done
    succ=0
    for n in "${pids[@]}"; do wait "$n" && succ=$((succ + 1)); done
    expect_eq "concurrent create #$i: exactly one of three succeeds" 1 "$succ"
    expect_eq "concurrent create #$i: state is consistent" created "$(state_field "$id" status)"
    rt delete --force "$id" >/dev/null 2>&1
    expect_nothing_left "concurrent create #$i, after delete" "$id" "$b"
  done

  # unknown command and unknown container
  check_fail "an unknown command fails" rt no-such-command
  check_fail "state of an unknown container fails" rt state no-such-container
  if is_rampart; then
    expect_match "[rampart] state of an unknown container names it" 'no-such-container' "$(rt state no-such-container 2>&1)"
  fi
  check_fail "kill of an unknown container fails" rt kill no-such-container KILL
}
