# core suite: seccomp — mode, actions, errnoRet, argument conditions, flags (sourced)

# seccomp_run BUNDLE PROFILE-PYTHON SCRIPT: set linux.seccomp and args, run; output on stdout,
# the exit status in $WORK/seccomp.rc.
seccomp_run() {
  cfg_py "$1" "c['linux']['seccomp'] = $2"
  cfg_sh "$1" "$3"
  rt run --bundle "$1" "$(new_id sc)" </dev/null 2>&1
  echo $? >"$WORK/seccomp.rc"
}

section_seccomp() {
  local b out
  # mode 2, errnoRet, argument conditions
  b=$(fresh_bundle /bin/sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d; kill -0 $$ || echo kill0-denied; kill -CONT $$ && echo cont-allowed')
  cfg_py "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
      {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
       "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
  out=$(run_in "$b")
  expect_match "seccomp: Seccomp mode 2" '^Seccomp:[[:space:]]+2' "$out"
  expect_match "seccomp: denied mkdir fails with errnoRet 13 (Permission denied)" "can't create directory '/tmp/d': Permission denied" "$out"
  expect_match "seccomp: kill(pid, 0) denied by an argument condition" 'kill0-denied' "$out"
  expect_match "seccomp: kill(pid, SIGCONT) still allowed" 'cont-allowed' "$out"
  cfg_py "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  cfg_sh "$b" 'echo start; exec mkdir /tmp/d; echo survived'
  out=$(run_in "$b")
  expect_eq "seccomp: SCMP_ACT_KILL_PROCESS kills (exit 159 = 128+SIGSYS)" 159 "$(rt run --bundle "$b" "$(new_id)" </dev/null >/dev/null 2>&1; echo $?)"
  expect_no_match "seccomp: nothing runs after the killing syscall" 'survived' "$out"
  cfg_py "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": [
      {"names": ["nosuchsyscall_x"], "action": "SCMP_ACT_ALLOW"}]}'
  check_fail "seccomp: an allow-nothing profile cannot start the process" rt run --bundle "$b" "$(new_id)"


  # other actions: LOG allows, TRAP and KILL_THREAD stop the process with SIGSYS
  b=$(fresh_bundle true)
  out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}' \
    'mkdir /tmp/logged && echo made')
  expect_eq "seccomp: SCMP_ACT_LOG lets the call through" made "$out"
  out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRAP"}]}' \
    'exec mkdir /tmp/trapped')
  expect_eq "seccomp: SCMP_ACT_TRAP delivers SIGSYS (exit 159)" 159 "$(cat "$WORK/seccomp.rc")"
  out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_THREAD"}]}' \
    'exec mkdir /tmp/killed')
  expect_eq "seccomp: SCMP_ACT_KILL_THREAD kills the single-threaded process (exit 159)" 159 "$(cat "$WORK/seccomp.rc")"
  # architectures and flags
  if [ "$(uname -m)" = x86_64 ]; then
    out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30}]}' 'mkdir /tmp/x 2>&1')
    expect_match "seccomp: architectures accepted, errnoRet 30 (EROFS)" "Read-only file system" "$out"
  else skip "seccomp: architectures" "x86_64 only"; fi
  if is_rampart; then
    out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30}]}' 'mkdir /tmp/x 2>&1')
    expect_match "[rampart] seccomp: flags accepted" "Read-only file system" "$out"
  else skip "[rampart] seccomp: flags" "runc 1.1 does not support seccomp flags"; fi
  out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}' \
    'mkdir /tmp/x 2>&1')
  expect_match "seccomp: ERRNO without errnoRet gives EPERM" "Operation not permitted" "$out"
  out=$(seccomp_run "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat", "no_such_syscall_rampart"], "action": "SCMP_ACT_ERRNO"}]}' \
    'mkdir /tmp/x 2>&1')
  expect_match "seccomp: an unknown syscall name is ignored, the rest applies" "Operation not permitted" "$out"
}
