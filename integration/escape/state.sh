# escape suite: a hostile local user and the state root (sourced by escape/run.sh)

section_state() {
  local b id victim vdir vpid sp out pidfile

  # The container's state dir replaced by a symlink to a host directory: delete must not
  # remove (or follow into) the host directory.
  b=$(fresh_bundle true)
  id=$(new_id statelink)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/sl.out" 2>&1
  rt delete --force "$id" >/dev/null 2>&1
  vdir=$(new_dir hostetc)
  echo precious >"$vdir/passwd"
  echo precious >"$vdir/state.json"
  ln -s "$vdir" "$ROOT/$id"
  rt delete --force "$id" >"$WORK/sl.del" 2>&1
  rt delete "$id" >/dev/null 2>&1
  expect_eq "state dir symlinked to a host dir: delete leaves the host files" "passwd state.json" \
    "$(ls -A "$vdir" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
  rt kill "$id" KILL >/dev/null 2>&1
  rm -f "$ROOT/$id"

  # pid reuse: a stopped container whose recorded pid now belongs to a host process.
  # Simulated by pointing state.json's pid at a host `sleep` (the recorded start time
  # stays the container's): kill, delete --force and kill --all must not signal it.
  b=$(fresh_bundle sleep 300)
  id=$(new_id pidreuse)
  rt run -d --bundle "$b" "$id" </dev/null >"$WORK/pr.out" 2>&1
  sp=$(state_field "$id" pid)
  sleep 300 &
  victim=$!
  disown "$victim"
  at_cleanup "kill -9 $victim"
  if [ -f "$ROOT/$id/state.json" ] && [ -n "$sp" ] && [ "$sp" != 0 ]; then
    # the container's init exits (its pid namespace goes with it) ...
    kill -9 "$sp"
    wait_status "$id" stopped 5
    # ... and its pid is "reused" by a host process
    python3 - "$ROOT/$id/state.json" "$victim" <<'PY'
import json, sys
p, pid = sys.argv[1], int(sys.argv[2])
s = json.load(open(p))
s["pid"] = pid
json.dump(s, open(p, "w"))
PY
    expect_eq "pid reused by a host process: state says stopped" stopped "$(state_field "$id" status)"
    rt kill "$id" KILL >/dev/null 2>&1
    sleep 0.2
    expect_match "pid reused: kill does not signal the host process" '^[RS]$' "$(cut -d' ' -f3 "/proc/$victim/stat" 2>/dev/null)"
    # the same, with the start time gone from state.json (nothing to compare with)
    python3 - "$ROOT/$id/state.json" <<'PY'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
s.pop("pidStart", None)
json.dump(s, open(p, "w"))
PY
    if is_rampart; then
      rt kill "$id" KILL >/dev/null 2>&1
      sleep 0.2
      expect_match "[rampart] no recorded start time: kill does not signal the pid's process" '^[RS]$' \
        "$(cut -d' ' -f3 "/proc/$victim/stat" 2>/dev/null)"
    fi
    rt delete --force "$id" >/dev/null 2>&1
    sleep 0.2
    expect_match "pid reused: delete --force does not signal the host process" '^[RS]$' "$(cut -d' ' -f3 "/proc/$victim/stat" 2>/dev/null)"
  else
    not_ok "pid reuse: container runs" "$(cat "$WORK/pr.out")"
  fi
  kill -9 "$victim" 2>/dev/null
  expect_nothing_left "pid reuse" "$id" "$b"
}
