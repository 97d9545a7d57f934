#!/usr/bin/env bash
# integration/exec/run.sh RUNTIME — `exec` into running containers, checked from inside and
# from the host: the exec'd process shares every namespace and the cgroup of the init and
# gets the same security envelope (capabilities, no_new_privs, seccomp filter, rlimits),
# user/env/cwd flags, exit status, --detach/--pid-file, --process with a console socket,
# fd hygiene, refusals, and the policy at exec. `exec/run.sh $(command -v runc)` is the
# reference run; checks marked [rampart] hold only for rampart (exact messages, policy).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
suite_init exec "$1"

is_rampart() { "$RT" policy --help >/dev/null 2>&1; }
status_field() { printf '%s\n' "$1" | sed -n "s/^$2:[[:space:]]*//p" | head -n 1; }
host_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | head -n 1; }
# ex ARGS...: `exec` with the per-command timeout, stdin from /dev/null, stdout+stderr.
ex() { rt exec "$@" </dev/null 2>&1; }

# The container every check execs into: a long sleep with a seccomp profile that denies
# mkdir (EACCES), a small capability set, no_new_privs, an rlimit and an oom_score_adj.
B=$(new_bundle)
make_bundle "$B" sleep 1000 || { not_ok "busybox bundle built"; finish; }
cfg_py "$B" '
c["process"]["capabilities"] = {k: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID", "CAP_CHOWN"]
                                for k in ("bounding", "effective", "permitted")}
c["process"]["noNewPrivileges"] = True
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 1000, "soft": 900}]
c["process"]["oomScoreAdj"] = 123
c["process"]["env"] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FROM_SPEC=yes"]
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
A=$(new_id ex)
rt run -d --bundle "$B" "$A" </dev/null >"$WORK/run-a.out" 2>&1
if ! wait_status "$A" running 10; then
  not_ok "the target container runs" "$(cat "$WORK/run-a.out")"
  finish
fi
IPID=$(state_field "$A" pid)
ok "the target container runs (init pid $IPID)"

echo "# --- envelope"
out=$(ex "$A" cat /proc/self/status)
expect_eq "CapEff equals the init's" "$(host_field "$IPID" CapEff)" "$(status_field "$out" CapEff)"
expect_eq "CapBnd equals the init's" "$(host_field "$IPID" CapBnd)" "$(status_field "$out" CapBnd)"
expect_eq "CapPrm equals the init's" "$(host_field "$IPID" CapPrm)" "$(status_field "$out" CapPrm)"
expect_eq "NoNewPrivs 1 like the init" "1 1" "$(host_field "$IPID" NoNewPrivs) $(status_field "$out" NoNewPrivs)"
expect_eq "Seccomp mode 2 like the init" "2 2" "$(host_field "$IPID" Seccomp) $(status_field "$out" Seccomp)"
expect_eq "as many seccomp filters as the init" "$(host_field "$IPID" Seccomp_filters)" "$(status_field "$out" Seccomp_filters)"
out=$(ex "$A" mkdir /tmp/d)
expect_match "the container's filter applies: mkdir denied with EACCES" "Permission denied" "$out"
out=$(ex "$A" sh -c 'mkdir /tmp/d2 || echo mkdir-failed; touch /tmp/f && echo touch-ok')
expect_eq "only the denied syscall fails" $'mkdir: can\'t create directory \'/tmp/d2\': Permission denied\nmkdir-failed\ntouch-ok' "$out"
out=$(ex "$A" sh -c 'ulimit -n; ulimit -Hn')
expect_eq "rlimits are the container's (RLIMIT_NOFILE 900/1000)" $'900\n1000' "$out"
expect_eq "oomScoreAdj is the container's" 123 "$(ex "$A" cat /proc/self/oom_score_adj)"

echo "# --- namespaces and cgroup"
rm -f "$WORK/sleep.pid"
check "exec --detach --pid-file returns at once" rt exec -d --pid-file "$WORK/sleep.pid" "$A" sleep 300
P=$(cat "$WORK/sleep.pid" 2>/dev/null)
if [ -z "$P" ] || ! [ -d "/proc/$P" ]; then
  not_ok "--pid-file names a live process" "pid file: '${P}'"
else
  ok "--pid-file names a live process"
  expect_eq "the pid file's process is the exec'd command" "sleep 300" "$(tr '\0' ' ' <"/proc/$P/cmdline" | sed 's/ $//')"
  for ns in pid mnt net uts ipc cgroup user; do
    expect_eq "same $ns namespace as the init" "$(readlink "/proc/$IPID/ns/$ns")" "$(readlink "/proc/$P/ns/$ns")"
  done
  expect_eq "same cgroup as the init (every hierarchy)" "$(cat "/proc/$IPID/cgroup")" "$(cat "/proc/$P/cgroup")"
  nspid=$(host_field "$P" NSpid)
  expect_match "the process sits in the container's pid namespace (NSpid has 2 levels)" '^[0-9]+[[:space:]]+[0-9]+$' "$nspid"
  expect_eq "the detached process keeps the container's filter" 2 "$(host_field "$P" Seccomp)"
  out=$(ex "$A" ps -o pid,args)
  expect_match "the container sees the detached process" "sleep 300" "$out"
  kill -9 "$P" 2>/dev/null
fi
expect_match "the exec'd process sees the container's hostname/uts" "^$(ex "$A" hostname)$" "$(nsenter -t "$IPID" -u hostname)"

echo "# --- process flags"
out=$(ex -u 1000:1000 "$A" id)
expect_match "-u 1000:1000" '^uid=1000 gid=1000' "$out"
out=$(ex -u 1000:1000 "$A" cat /proc/self/status)
expect_eq "-u 1000: the effective set is cleared as for any non-root uid" 0000000000000000 "$(status_field "$out" CapEff)"
out=$(ex -u 1000 --additional-gids 4242 --additional-gids 4343 "$A" cat /proc/self/status)
expect_match "--additional-gids" '^Groups:[[:space:]]+4242 4343' "$out"
out=$(ex -e FOO=bar -e FROM_SPEC=override "$A" env)
expect_match "-e FOO=bar" '^FOO=bar$' "$out"
expect_match "-e overrides the container's variable" '^FROM_SPEC=override$' "$out"
expect_match "the container's PATH" '^PATH=/usr/sbin:/usr/bin:/sbin:/bin$' "$out"
expect_match "HOME defaults from /etc/passwd" '^HOME=/root$' "$out"
expect_eq "--cwd /tmp" /tmp "$(ex --cwd /tmp "$A" pwd)"
expect_eq "default cwd is the container's" / "$(ex "$A" pwd)"
expect_eq "stdin reaches the process" piped "$(echo piped | rt exec "$A" cat 2>&1)"
ex "$A" sh -c 'exit 7' >/dev/null
expect_eq "exit status propagates (7)" 7 "$?"
ex "$A" sh -c 'kill -9 $$' >/dev/null
expect_eq "killed by SIGKILL: 137" 137 "$?"
out=$(ex "$A" nonexistent-binary)
rc=$?
expect_ne "a missing executable fails" 0 "$rc"
expect_match "a missing executable is named" 'nonexistent-binary' "$out"
out=$(ex --cap CAP_SYS_TIME "$A" cat /proc/self/status)
expect_eq "--cap adds to the effective set" "$(printf '%016x' $((0x$(host_field "$IPID" CapEff) | (1 << 25))))" "$(status_field "$out" CapEff)"
out=$(ex --no-new-privs "$A" cat /proc/self/status)
expect_eq "--no-new-privs" 1 "$(status_field "$out" NoNewPrivs)"

# Signals reach the foreground process: SIGTERM to the runtime ends `sleep` with 143.
"$RT" --root "$ROOT" exec "$A" sleep 60 </dev/null >/dev/null 2>&1 &
rpid=$!
sleep 1
kill -TERM "$rpid" 2>/dev/null
wait "$rpid"
expect_eq "a signal to the runtime is forwarded (SIGTERM: 143)" 143 "$?"

echo "# --- fds"
out=$(rt exec "$A" sh -c 'ls /proc/$$/fd; true' </dev/null 2>&1 3>/dev/null 4>/dev/null)
expect_eq "only 0 1 2 reach the process" $'0\n1\n2' "$out"
echo preserved-data >"$WORK/fd3"
out=$(rt exec --preserve-fds 1 "$A" sh -c 'ls /proc/$$/fd; cat <&3; true' </dev/null 2>&1 3<"$WORK/fd3" 4>/dev/null)
expect_eq "--preserve-fds 1 passes fd 3 (and only it)" $'0\n1\n2\n3\npreserved-data' "$out"

echo "# --- tty"
# Under script(1), so the runtime's own stdin is a terminal (runc requires one for -t).
out=$(timeout 20 script -qec "$RT --root $ROOT exec -t $A sh -c 'tty; echo TERM=\$TERM; stty size'" /dev/null </dev/null 2>&1 | tr -d '\r\0' | sed 's/\^@//g')
expect_match "-t gives the process a pty" '^/dev/pts/[0-9]+$' "$out"
is_rampart && expect_match "[rampart] -t: TERM defaults to xterm" '^TERM=xterm$' "$out"
out=$(rt exec -t "$A" tty </dev/null 2>&1 | tr -d '\r')
if is_rampart; then
  expect_match "[rampart] -t without a terminal of our own still gives a pty" '^/dev/pts/[0-9]+$' "$out"
fi

# The shim's way: --process FILE, a console socket, --detach, --pid-file.
cat >"$WORK/process.json" <<'EOF'
{"terminal": true, "consoleSize": {"height": 33, "width": 101},
 "args": ["sh", "-c", "tty; stty size; read line; echo \"read:$line\"; id; pwd; grep -E '^(CapEff|Seccomp):' /proc/self/status"],
 "env": ["PATH=/bin:/usr/bin"], "cwd": "/tmp", "user": {"uid": 1000, "gid": 1000},
 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]},
 "noNewPrivileges": true}
EOF
sock=$WORK/console.sock
python3 "$LIB_DIR/console-recv.py" "$sock" "$WORK/console.out" $'typed-input\n' 2>"$WORK/console.err" &
recv=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
rm -f "$WORK/tty.pid"
check "exec --process --console-socket --detach --pid-file (the shim's call)" \
  rt --log "$WORK/exec.log" --log-format json exec --process "$WORK/process.json" --console-socket "$sock" --detach --pid-file "$WORK/tty.pid" "$A"
timeout 20 tail --pid="$recv" -f /dev/null
out=$(tr -d '\r' <"$WORK/console.out")
expect_match "--process: the pty reaches the console socket" '^/dev/pts/[0-9]+$' "$out"
expect_match "--process: consoleSize applied" '^33 101$' "$out"
expect_match "--process: typed input read back" '^read:typed-input$' "$out"
expect_match "--process: user 1000:1000" '^uid=1000 gid=1000' "$out"
expect_match "--process: cwd /tmp" '^/tmp$' "$out"
expect_match "--process: its own capabilities (CAP_KILL only; uid 1000 clears CapEff)" '^CapEff:[[:space:]]+0000000000000000$' "$out"
expect_match "--process: the container's seccomp filter" '^Seccomp:[[:space:]]+2$' "$out"
[ -s "$WORK/tty.pid" ] && ok "--process: pid file written" || not_ok "--process: pid file written"

echo "# --- refusals and errors"
out=$(ex nonexistent-container-$$ true)
rc=$?
expect_ne "exec on an unknown id fails" 0 "$rc"
expect_match "exec on an unknown id: says so" 'does not exist' "$out"
S=$(new_id stopped)
sb=$(new_bundle)
cp -a "$B/." "$sb/"
cfg_args "$sb" true
rt run -d --bundle "$sb" "$S" </dev/null >"$WORK/run-s.out" 2>&1
wait_status "$S" stopped 10
out=$(ex "$S" true)
rc=$?
expect_ne "exec in a stopped container fails" 0 "$rc"
expect_match "exec in a stopped container: clear message" 'cannot exec in a stopped container' "$out"
printf '{"args": ["true"], "cwd": "relative"}' >"$WORK/bad-cwd.json"
out=$(ex -p "$WORK/bad-cwd.json" "$A")
expect_ne "a malformed process.json is refused" 0 "$?"
printf '{"args": ["true"], "user": {"uid": "root"}}' >"$WORK/bad-type.json"
out2=$(ex -p "$WORK/bad-type.json" "$A")
printf '{"args": ["true"' >"$WORK/bad-syntax.json"
out3=$(ex -p "$WORK/bad-syntax.json" "$A")
if is_rampart; then
  expect_eq "[rampart] malformed process.json: file and JSON path named" "rampart: $WORK/bad-cwd.json: cwd: must be an absolute path, got \"relative\"" "$out"
  expect_eq "[rampart] wrong type: file and JSON path named" "rampart: $WORK/bad-type.json: user.uid: string where integer expected" "$out2"
  expect_match "[rampart] JSON syntax error: file and position named" "^rampart: $WORK/bad-syntax.json:1:[0-9]+: " "$out3"
  expect_eq "[rampart] unknown id: one line" "rampart: container nonexistent-container-x does not exist" \
    "$(ex nonexistent-container-x true)"
  out=$(rt --log "$WORK/err.log" --log-format json exec "$S" true 2>&1 </dev/null)
  expect_eq "[rampart] one stderr line" "rampart: cannot exec in a stopped container" "$out"
  expect_match "[rampart] --log-format json gets the error" '^\{"level":"error","msg":"cannot exec in a stopped container","time":"[^"]+"\}$' "$(cat "$WORK/err.log")"
  out=$(ex -t -d "$A" true)
  expect_eq "[rampart] -t --detach without a console socket is refused" "rampart: cannot allocate tty if rampart will detach without setting console socket" "$out"
  out=$(rt checkpoint "$A" 2>&1)
  rc=$?
  expect_eq "[rampart] checkpoint refuses with exit 1" "1 rampart: checkpoint/restore is not supported by rampart" "$rc $out"
  out=$(rt restore --image-path /x "$A" 2>&1)
  rc=$?
  expect_eq "[rampart] restore refuses with exit 1" "1 rampart: checkpoint/restore is not supported by rampart" "$rc $out"
  expect_match "[rampart] --help lists exec" '^   exec ' "$("$RT" --help)"
  expect_match "[rampart] exec --help shows its flags" '--process value, -p value' "$("$RT" exec --help)"
else
  skip "[rampart] exact error messages" "$RT_NAME"
fi

echo "# --- container states"
C=$(new_id created)
rt create --bundle "$B" "$C" </dev/null >"$WORK/create-c.out" 2>&1
if wait_status "$C" created 5; then
  out=$(ex "$C" sh -c 'echo in-created; grep -c "sleep" /proc/1/cmdline')
  expect_eq "exec in a created container works (the init still waits, not yet sleep)" $'in-created\n0' "$out"
  expect_eq "the created container stays created" created "$(state_field "$C" status)"
else
  not_ok "create a container" "$(cat "$WORK/create-c.out")"
fi
if rt pause "$A" >/dev/null 2>&1; then
  out=$(ex "$A" true)
  rc=$?
  expect_ne "exec in a paused container is refused" 0 "$rc"
  expect_match "paused: clear message" 'paused' "$out"
  rt resume "$A" >/dev/null 2>&1
else
  skip "exec in a paused container" "pause failed (no freezer?)"
fi

echo "# --- user namespace"
U=$(new_id userns)
ub=$(new_bundle)
cp -a "$B/." "$ub/"
chown -R 100000:100000 "$ub/rootfs"
cfg_py "$ub" '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["maskedPaths"] = []
c["linux"]["readonlyPaths"] = []'
rt run -d --bundle "$ub" "$U" </dev/null >"$WORK/run-u.out" 2>&1
if wait_status "$U" running 10; then
  UPID=$(state_field "$U" pid)
  rm -f "$WORK/u.pid"
  rt exec -d --pid-file "$WORK/u.pid" "$U" sleep 200 </dev/null >"$WORK/exec-u.out" 2>&1
  UP=$(cat "$WORK/u.pid" 2>/dev/null)
  if [ -n "$UP" ] && [ -d "/proc/$UP" ]; then
    expect_eq "userns: same user namespace as the init" "$(readlink "/proc/$UPID/ns/user")" "$(readlink "/proc/$UP/ns/user")"
    expect_eq "userns: same mount namespace as the init" "$(readlink "/proc/$UPID/ns/mnt")" "$(readlink "/proc/$UP/ns/mnt")"
    expect_eq "userns: root in the container is uid 100000 on the host" 100000 "$(awk '/^Uid:/ {print $2}' "/proc/$UP/status")"
    kill -9 "$UP" 2>/dev/null
  else
    not_ok "userns: exec --detach" "$(cat "$WORK/exec-u.out")"
  fi
  expect_match "userns: id inside is root" '^uid=0\(root\)' "$(ex "$U" id)"
else
  skip "user namespace exec" "the userns container did not start: $(head -c 300 "$WORK/run-u.out")"
fi

echo "# --- landlock"
if is_rampart; then
  mkdir -p /etc/rampart/landlock
  ll=rampart-exec-it-$$.toml
  printf 'Name = "exec-it"\n[Filesystem]\nReadOnlyPaths = ["/**"]\nWritablePaths = ["/tmp/**"]\nAllowExec = ["/bin/**"]\n' \
    >"/etc/rampart/landlock/$ll"
  at_cleanup "rm -f /etc/rampart/landlock/$ll"
  L=$(new_id ll)
  lb=$(new_bundle)
  cp -a "$B/." "$lb/"
  cfg_py "$lb" "c.setdefault('annotations', {})['run.rampart.landlock'] = '$ll'"
  rt run -d --bundle "$lb" "$L" </dev/null >"$WORK/run-l.out" 2>&1
  if wait_status "$L" running 10; then
    expect_eq "[rampart] without Landlock /root is writable" root-ok "$(ex "$A" sh -c 'touch /root/x && echo root-ok')"
    out=$(ex "$L" sh -c 'touch /root/x 2>&1; touch /tmp/y && echo tmp-ok')
    expect_eq "[rampart] the container's Landlock ruleset applies to exec" $'touch: /root/x: Permission denied\ntmp-ok' "$out"
  else
    not_ok "[rampart] Landlock container runs" "$(cat "$WORK/run-l.out")"
  fi
else
  skip "[rampart] landlock at exec" "$RT_NAME"
fi

echo "# --- policy at exec"
if is_rampart; then
  PD=$(new_dir policies)
  for mode in deny fix; do
    cat >"$PD/$mode.toml" <<EOT
decision_log = "$PD/decisions.log"
[enforcement]
default = "$mode"
[limits]
forbidden_capabilities = ["CAP_SYS_ADMIN"]
EOT
  done
  Q=$(new_id pol)
  rt --policy "$PD/deny.toml" run -d --bundle "$B" "$Q" </dev/null >"$WORK/run-q.out" 2>&1
  if wait_status "$Q" running 10; then
    out=$(rt --policy "$PD/deny.toml" exec --cap CAP_SYS_ADMIN "$Q" cat /proc/self/status </dev/null 2>&1)
    rc=$?
    expect_eq "[rampart] policy deny: exec --cap CAP_SYS_ADMIN refused" \
      "1 rampart: policy: CAP_SYS_ADMIN is not allowed (limits.forbidden_capabilities in $PD/deny.toml)" "$rc $out"
    out=$(rt --policy "$PD/fix.toml" exec --cap CAP_SYS_ADMIN "$Q" cat /proc/self/status </dev/null 2>&1)
    capeff=$(status_field "$out" CapEff)
    expect_eq "[rampart] policy fix: CAP_SYS_ADMIN dropped, the container's set kept" "$(host_field "$(state_field "$Q" pid)" CapEff)" "$capeff"
    expect_match "[rampart] policy: the exec decision is logged" "\"container_id\":\"$Q\".*\"exec\":true" "$(cat "$PD/decisions.log")"
    printf '{"args":["true"],"cwd":"/","capabilities":{"bounding":["CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_SYS_ADMIN"]}}' >"$WORK/admin.json"
    out=$(rt --policy "$PD/deny.toml" exec -p "$WORK/admin.json" "$Q" </dev/null 2>&1)
    expect_match "[rampart] policy deny: --process asking for CAP_SYS_ADMIN refused" 'CAP_SYS_ADMIN is not allowed' "$out"
  else
    not_ok "[rampart] policy container runs" "$(cat "$WORK/run-q.out")"
  fi
else
  skip "[rampart] policy at exec" "$RT_NAME has no policy"
fi

finish
