# core suite: console socket (pty master over SCM_RIGHTS), --preserve-fds, no fd leak
# (sourced by core/run.sh)

section_terminal() {
  local b id sock out rpid spid fds

  if ! command -v python3 >/dev/null; then skip "console socket" "no python3"; else
    sock=$WORK/console.sock
    python3 "$LIB_DIR/console-recv.py" "$sock" "$WORK/console.out" $'typed-input\n' 2>"$WORK/console.err" &
    rpid=$!
    for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
    b=$(fresh_bundle /bin/sh -c 'tty; test -c /dev/console && echo console-ok; read line; echo "read:$line"')
    cfg_py "$b" 'c["process"]["terminal"] = True'
    id=$(new_id tty)
    check "create with --console-socket" rt create --console-socket "$sock" --bundle "$b" "$id"
    check "start the terminal container" rt start "$id"
    wait_status "$id" stopped 10
    timeout 20 tail --pid="$rpid" -f /dev/null
    kill "$rpid" 2>/dev/null
    out=$(tr -d '\r' <"$WORK/console.out" 2>/dev/null)
    expect_match "console socket: tty is /dev/pts/0" '^/dev/pts/0$' "$out"
    expect_match "console socket: /dev/console exists" '^console-ok$' "$out"
    expect_match "console socket: input typed on the master reaches the process" '^read:typed-input$' "$out"
    rt delete --force "$id" >/dev/null 2>&1
    b=$(fresh_bundle true)
    cfg_py "$b" 'c["process"]["terminal"] = True'
    check_fail "terminal=true without --console-socket is refused by create" rt create --bundle "$b" "$(new_id tty)"
  fi

  # --preserve-fds: fd 3 reaches the container; without it, nothing beyond 0 1 2
  b=$(fresh_bundle /bin/sh -c 'echo via-fd3 >&3')
  rt run --preserve-fds 1 --bundle "$b" "$(new_id fds)" 3>"$WORK/fd3.out" </dev/null >/dev/null 2>&1
  expect_eq "--preserve-fds 1: the container writes to fd 3" via-fd3 "$(cat "$WORK/fd3.out")"
  b=$(fresh_bundle ls /proc/self/fd)
  out=$(rt run --bundle "$b" "$(new_id fds)" 3>"$WORK/fd3.out" 4<"$b/config.json" 7>&1 </dev/null 2>&1 | tr '\n' ' ')
  expect_eq "no fd leaked: ls /proc/self/fd inside shows 0 1 2 3 (3 is ls's own)" "0 1 2 3 " "$out"

  # the running process holds nothing of the runtime: only 0 1 2
  b=$(fresh_bundle sleep 100)
  id=$(new_id fds)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/out" 2>&1 5>"$WORK/fd5.out"
  rt start "$id" >/dev/null 2>&1
  spid=$(state_field "$id" pid)
  for _ in $(seq 40); do grep -q sleep "/proc/$spid/cmdline" 2>/dev/null && break; sleep 0.05; done
  fds=$(ls "/proc/$spid/fd" 2>/dev/null | sort -n | tr '\n' ' ')
  expect_eq "the container process has only fds 0 1 2" "0 1 2 " "$fds"
  [ "$fds" = "0 1 2 " ] || diag "$(ls -l "/proc/$spid/fd" 2>&1)"
  rt delete --force "$id" >/dev/null 2>&1
}
