# core suite: create/start/state/kill/delete/run semantics (sourced by core/run.sh)

# run_bg BUNDLE ID OUTFILE: `run` in the background; sets RUN_PID.
run_bg() {
  timeout -k 5 "$T" "$RT" --root "$ROOT" run --bundle "$1" "$2" </dev/null >"$3" 2>&1 &
  RUN_PID=$!
}

section_lifecycle() {
  local b id pid spid out rc t0 t1 sig name

  # create -> created, pid file == state pid, user process not started yet
  b=$(fresh_bundle /bin/sh -c 'echo started >/tmp/started; exec sleep 100')
  id=$(new_id life)
  check "create" rt create --bundle "$b" --pid-file "$WORK/$id.pid" "$id"
  expect_eq "state after create is created" created "$(state_field "$id" status)"
  spid=$(state_field "$id" pid)
  pid=$(cat "$WORK/$id.pid" 2>/dev/null)
  expect_match "state pid is a number" '^[1-9][0-9]*$' "$spid"
  expect_eq "pid file holds the state pid" "$spid" "$pid"
  expect_eq "state id" "$id" "$(state_field "$id" id)"
  expect_eq "state bundle is the bundle path" "$b" "$(state_field "$id" bundle)"
  expect_match "state ociVersion" '^1\.' "$(state_field "$id" ociVersion)"
  if [ -e "$b/rootfs/tmp/started" ]; then not_ok "process not started before start"; else
    ok "process not started before start"
  fi
  check_fail "kill of a created container with a bogus signal fails" rt kill "$id" NOSUCHSIG

  # start returns at once, process runs
  t0=$(date +%s%N)
  check "start" rt start "$id"
  t1=$(date +%s%N)
  if [ $(((t1 - t0) / 1000000)) -lt 3000 ]; then ok "start returns at once ($(((t1 - t0) / 1000000)) ms)"; else
    not_ok "start returns at once" "took $(((t1 - t0) / 1000000)) ms"
  fi
  expect_eq "state after start is running" running "$(state_field "$id" status)"
  for _ in $(seq 50); do [ -e "$b/rootfs/tmp/started" ] && break; sleep 0.05; done
  if [ -e "$b/rootfs/tmp/started" ]; then ok "process runs after start"; else not_ok "process runs after start"; fi
  expect_match "process is the user's program after start" 'sleep' "$(tr '\0' ' ' </proc/"$spid"/cmdline 2>/dev/null)"
  check_fail "start of a running container fails" rt start "$id"
  check_fail "delete of a running container without --force fails" rt delete "$id"
  expect_eq "still running after refused delete" running "$(state_field "$id" status)"

  # kill -> stopped -> delete
  check "kill KILL" rt kill "$id" KILL
  if wait_status "$id" stopped 5; then ok "state after kill is stopped"; else
    not_ok "state after kill is stopped" "status: $(state_field "$id" status)"
  fi
  check_fail "start of a stopped container fails" rt start "$id"
  check "delete a stopped container" rt delete "$id"
  check_fail "state after delete fails" rt state "$id"
  if [ -e "$ROOT/$id" ]; then not_ok "delete removes the state dir" "$(ls -la "$ROOT/$id")"; else
    ok "delete removes the state dir"
  fi
  check_fail "delete of an unknown container fails" rt delete "$id"
  check "delete --force of an unknown container succeeds" rt delete --force "$id"

  # delete --force of a running container; delete of a created one
  id=$(new_id life)
  rt create --bundle "$b" "$id" >"$WORK/out" 2>&1 && rt start "$id" >/dev/null 2>&1
  spid=$(state_field "$id" pid)
  check "delete --force of a running container" rt delete --force "$id"
  sleep 0.2
  if [ -n "$spid" ] && [ -d "/proc/$spid" ] && ! grep -q '^State:.*Z' "/proc/$spid/status" 2>/dev/null; then
    not_ok "delete --force kills the process" "pid $spid still alive"
  else ok "delete --force kills the process"; fi
  id=$(new_id life)
  rt create --bundle "$b" "$id" >"$WORK/out" 2>&1
  spid=$(state_field "$id" pid)
  check "delete of a created container" rt delete --force "$id"
  sleep 0.2
  if [ -n "$spid" ] && [ -d "/proc/$spid" ] && ! grep -q '^State:.*Z' "/proc/$spid/status" 2>/dev/null; then
    not_ok "delete of a created container kills its init" "pid $spid still alive"
  else ok "delete of a created container kills its init"; fi

  # kill with names: TERM, SIGTERM, 15 reach a process that traps them
  b=$(fresh_bundle /bin/sh -c 'trap "echo got-term; exit 7" TERM; echo ready >/tmp/ready; while :; do sleep 0.1; done')
  for sig in TERM SIGTERM 15; do
    id=$(new_id kill)
    rm -f "$b/rootfs/tmp/ready"
    run_bg "$b" "$id" "$WORK/$id.out"
    for _ in $(seq 100); do [ -e "$b/rootfs/tmp/ready" ] && break; sleep 0.05; done
    rt kill "$id" "$sig" >"$WORK/kill.out" 2>&1
    wait "$RUN_PID"
    rc=$?
    expect_eq "kill $sig: run exits with the trap's status 7" 7 "$rc"
    expect_eq "kill $sig: process saw SIGTERM" got-term "$(cat "$WORK/$id.out")"
  done

  # exit status of run: exit 3 -> 3; SIGKILL -> 137; SIGTERM to a non-init -> 143
  b=$(fresh_bundle /bin/sh -c 'exit 3')
  rt run --bundle "$b" "$(new_id run)" </dev/null >/dev/null 2>&1
  expect_eq "run exits with the process's status (3)" 3 "$?"
  b=$(fresh_bundle /bin/sh -c 'echo out; echo err >&2')
  out=$(rt run --bundle "$b" "$(new_id run)" </dev/null 2>"$WORK/err")
  expect_eq "run passes stdout" out "$out"
  expect_eq "run passes stderr" err "$(cat "$WORK/err")"
  b=$(fresh_bundle /bin/sh -c 'read line; echo "got $line"')
  out=$(echo hello | rt run --bundle "$b" "$(new_id run)" 2>&1)
  expect_eq "run passes stdin" "got hello" "$out"

  b=$(fresh_bundle /bin/sh -c 'echo ready >/tmp/ready; exec sleep 100')
  id=$(new_id run)
  run_bg "$b" "$id" "$WORK/$id.out"
  for _ in $(seq 100); do [ -e "$b/rootfs/tmp/ready" ] && break; sleep 0.05; done
  rt kill "$id" KILL >/dev/null 2>&1
  wait "$RUN_PID"
  expect_eq "run of a SIGKILLed container exits 137" 137 "$?"
  check_fail "run removes the container when it ends" rt state "$id"

  b=$(fresh_bundle /bin/sh -c 'echo ready >/tmp/ready; exec sleep 100')
  cfg_py "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
  id=$(new_id run)
  run_bg "$b" "$id" "$WORK/$id.out"
  for _ in $(seq 100); do [ -e "$b/rootfs/tmp/ready" ] && break; sleep 0.05; done
  rt kill "$id" TERM >/dev/null 2>&1
  wait "$RUN_PID"
  expect_eq "run of a SIGTERMed (non-init) process exits 143" 143 "$?"

  # run --detach returns while the container runs
  b=$(fresh_bundle sleep 100)
  id=$(new_id run)
  check "run --detach" rt run --detach --bundle "$b" --pid-file "$WORK/$id.pid" "$id"
  expect_eq "run --detach leaves it running" running "$(state_field "$id" status)"
  expect_eq "run --detach writes the pid file" "$(state_field "$id" pid)" "$(cat "$WORK/$id.pid" 2>/dev/null)"
  rt delete --force "$id" >/dev/null 2>&1

  # the container's process is stopped when it exits by itself
  b=$(fresh_bundle /bin/sh -c 'exit 0')
  id=$(new_id life)
  rt create --bundle "$b" "$id" >"$WORK/out" 2>&1
  rt start "$id" >/dev/null 2>&1
  if wait_status "$id" stopped 5; then ok "a process that exits leaves the container stopped"; else
    not_ok "a process that exits leaves the container stopped" "status: $(state_field "$id" status)"
  fi
  check "delete after the process exited" rt delete "$id"

  # the default bundle directory is the current directory
  b=$(fresh_bundle /bin/echo cwd-bundle)
  out=$(cd "$b" && rt run "$(new_id run)" </dev/null 2>&1)
  expect_eq "run without --bundle uses the current directory" cwd-bundle "$out"
}

# More of the command line: --no-pivot, --no-new-keyring, relative --pid-file,
# annotations in state, --log with --log-format json, --systemd-cgroup without systemd.
section_lifecycle_flags() {
  local b id out

  b=$(fresh_bundle /bin/echo pivot-less)
  expect_eq "run --no-pivot" pivot-less "$(rt run --no-pivot --bundle "$b" "$(new_id flags)" </dev/null 2>&1)"
  expect_eq "run --no-new-keyring" pivot-less "$(rt run --no-new-keyring --bundle "$b" "$(new_id flags)" </dev/null 2>&1)"

  b=$(fresh_bundle sleep 100)
  cfg_set "$b" annotations '{"org.rampart.test": "yes"}'
  id=$(new_id flags)
  (cd "$WORK" && rt create --bundle "$b" --pid-file rel.pid "$id" </dev/null >"$WORK/out" 2>&1)
  expect_eq "relative --pid-file is relative to the caller's cwd" "$(state_field "$id" pid)" "$(cat "$WORK/rel.pid" 2>/dev/null)"
  expect_eq "state carries the config's annotations" '{"org.rampart.test": "yes"}' "$(state_field "$id" annotations)"
  rt delete --force "$id" >/dev/null 2>&1

  b=$(fresh_bundle true)
  rm -rf "$b/rootfs"
  rt --log "$WORK/json.log" --log-format json create --bundle "$b" "$(new_id flags)" </dev/null >/dev/null 2>&1
  if python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert any(l.get("level") == "error" and l.get("msg") and l.get("time") for l in lines)
' "$WORK/json.log" 2>/dev/null; then
    ok "--log FILE --log-format json: the error is a JSON line with level, msg, time"
  else not_ok "--log FILE --log-format json: the error is a JSON line with level, msg, time" "$(head -c 600 "$WORK/json.log" 2>&1)"; fi

  if [ ! -d /run/systemd/system ]; then
    b=$(fresh_bundle true)
    cfg_set "$b" linux.cgroupsPath '"system.slice:rampart:it"'
    rt --systemd-cgroup run --bundle "$b" "$(new_id flags)" </dev/null >"$WORK/out" 2>"$WORK/err"
    if [ $? -ne 0 ] && grep -qi systemd "$WORK/err"; then ok "--systemd-cgroup without systemd: a clear error naming systemd"; else
      not_ok "--systemd-cgroup without systemd: a clear error naming systemd" "$(cat "$WORK/err")"
    fi
  else skip "--systemd-cgroup without systemd" "systemd runs here"; fi
}
