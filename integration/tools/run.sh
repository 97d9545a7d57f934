#!/usr/bin/env bash
# integration/tools: the policy authoring tools end to end (issue 6).
#   apparmor generate/load from bane's TOML, checked with the real apparmor_parser
#   landlock: bane's sample profile enforced by the kernel through `rampart run`
#     (exec /bin/sh denied, touch /root/hello denied, WritablePaths entry writable)
#   seccomp: from-strace, merge, diff; run --seccomp-learn: the learned profile runs its
#     workload and denies a syscall the workload never made
#   inspect: capabilities/seccomp/landlock of a running container, --format json, --all
# Usage: integration/tools/run.sh RUNTIME-BINARY
source "$(dirname "$0")/../lib.sh"
suite_init tools "$1"
HERE=$(cd "$(dirname "$0")" && pwd)
SAMPLE=$(cd "$HERE/../../.." && pwd)/shared/reference/bane-sample.toml
[ -f "$SAMPLE" ] || SAMPLE=$HERE/../../../shared/reference/bane-sample.toml
if [ ! -f "$SAMPLE" ]; then
  # No reference data beside this checkout: a profile of the same shape, written here.
  echo "# tools: $SAMPLE not found; using the suite's own nginx-sample profile"
  SAMPLE=$WORK/nginx-sample.toml
  cat >"$SAMPLE" <<'T'
Name = "nginx-sample"

[Filesystem]
ReadOnlyPaths = ["/bin/**", "/etc/**", "/root/**", "/sbin/**", "/usr/**", "/proc/sys/**", "/sys/**"]
LogOnWritePaths = ["/**"]
WritablePaths = ["/var/run/nginx.pid"]
AllowExec = ["/usr/sbin/nginx"]
DenyExec = ["/bin/dash", "/bin/sh", "/usr/bin/top"]

[Capabilities]
Allow = ["chown", "dac_override", "setuid", "setgid", "net_bind_service"]

[Network]
Raw = false
Packet = false
Protocols = ["tcp", "udp", "icmp"]
T
fi

# ------------------------------------------------------------------ AppArmor from TOML
out=$("$RT" apparmor generate "$SAMPLE" 2>&1)
expect_match "apparmor generate: profile docker-nginx-sample" '^profile docker-nginx-sample flags=\(attach_disconnected,mediate_deleted\) \{' "$out"
expect_match "apparmor generate: DenyExec /bin/sh" '^  deny /bin/sh mrwklx,$' "$out"
if command -v apparmor_parser >/dev/null; then
  printf '%s\n' "$out" >"$WORK/nginx.aa"
  check "apparmor_parser -Q -K -T accepts the generated profile" apparmor_parser -Q -K -T "$WORK/nginx.aa"
  check "apparmor generate --check" "$RT" apparmor generate --check -o "$WORK/nginx2.aa" "$SAMPLE"
  cat >"$WORK/odd.toml" <<'T'
Name = "odd"
[Filesystem]
WritablePaths = ["/data/my files/**", "/srv/{a,b}/log"]
DenyExec = ["/usr/bin/*sh"]
T
  check "hostile paths are quoted and still compile" "$RT" apparmor generate --check "$WORK/odd.toml"
else
  skip "apparmor_parser accepts the generated profile" "apparmor_parser missing"
fi
printf 'Name = "q"\n[Filesystem]\nWritablePaths = ["/a\\" rw,"]\n' >"$WORK/quote.toml"
out=$("$RT" apparmor generate "$WORK/quote.toml" 2>&1)
expect_match "a quote in a path is refused with file and line" 'quote.toml:3: Filesystem.WritablePaths\[0\].*quote' "$out"
printf 'Name = "t"\n[Filesystem]\nWriteablePaths = []\n' >"$WORK/typo.toml"
out=$("$RT" apparmor generate "$WORK/typo.toml" 2>&1)
expect_match "a typo is named with its line" 'typo.toml:3: unknown key "WriteablePaths"' "$out"
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
  out=$("$RT" apparmor load "$SAMPLE" 2>&1)
  expect_match "apparmor load: clear error where AppArmor is not enabled" 'AppArmor is not enabled on this host' "$out"
else
  skip "apparmor load error" "AppArmor is enabled here"
fi

# ------------------------------------------------------------------ seccomp tools
if command -v strace >/dev/null; then
  strace -f -o "$WORK/strace.txt" /bin/busybox sh -c 'ls / >/dev/null; echo hi >/dev/null' >/dev/null 2>&1
  check "seccomp from-strace" "$RT" seccomp from-strace -o "$WORK/strace.json" "$WORK/strace.txt"
  names=$(python3 -c 'import json,sys; print(" ".join(sorted(n for s in json.load(open(sys.argv[1]))["syscalls"] for n in s["names"])))' "$WORK/strace.json" 2>&1)
  expect_match "from-strace found execve and getdents64" 'execve.*getdents64' "$names"
  out=$("$RT" seccomp from-strace - <"$WORK/strace.txt" 2>&1)
  expect_match "from-strace reads stdin" '"defaultAction": "SCMP_ACT_ERRNO"' "$out"
else
  skip "seccomp from-strace" "strace missing"
fi
cat >"$WORK/a.json" <<'J'
{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}
J
cat >"$WORK/b.json" <<'J'
{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["write","openat"],"action":"SCMP_ACT_ALLOW"}]}
J
out=$("$RT" seccomp merge "$WORK/a.json" "$WORK/b.json" 2>&1)
expect_match "seccomp merge: union" '"openat",' "$out"
out=$("$RT" seccomp diff "$WORK/a.json" "$WORK/b.json" 2>&1)
expect_eq "seccomp diff" "+ openat (default SCMP_ACT_ERRNO -> SCMP_ACT_ALLOW)
- read (SCMP_ACT_ALLOW -> default SCMP_ACT_ERRNO)" "$out"
check "seccomp diff of identical profiles exits 0" "$RT" seccomp diff "$WORK/a.json" "$WORK/a.json"

# ------------------------------------------------------------------ containers
if ! "$RT" run --help >/dev/null 2>&1; then
  skip "containers" "$RT_NAME has no run command"
  finish
fi

# learned seccomp: learn, then run the same workload under the learned profile
B=$(new_bundle)
make_bundle "$B" sh -c 'echo hi; ls / >/dev/null'
cfg_py "$B" 'c["process"]["noNewPrivileges"] = True'
id=$(new_id learn)
check "run --seccomp-learn" rt run --seccomp-learn "$WORK/learned.json" --bundle "$B" "$id"
if [ -s "$WORK/learned.json" ]; then
  ok "learned profile written"
  B2=$(new_bundle)
  make_bundle "$B2" sh -c 'echo hi; ls / >/dev/null'
  cfg_py "$B2" "import json; c['linux']['seccomp'] = json.load(open('$WORK/learned.json')); c['process']['noNewPrivileges'] = True"
  out=$(rt run --bundle "$B2" "$(new_id learned)" 2>&1)
  expect_eq "the workload runs under its learned profile" "hi" "$out"
  cfg_args "$B2" mkdir /tmp/never
  out=$(rt run --bundle "$B2" "$(new_id learned)" 2>&1)
  expect_match "a syscall it never made (mkdir) is denied" "Operation not permitted" "$out"
else
  not_ok "learned profile written" "$(tail -n 5 "$WORK/.out")"
fi

# Landlock with bane's sample profile
helper=""
if command -v cc >/dev/null; then
  cc -static -O2 -o "$WORK/nginx-sim" "$HERE/nginx-sim.c" 2>"$WORK/cc.err" && helper=$WORK/nginx-sim
fi
if [ -z "$helper" ]; then
  skip "landlock scenario" "no C compiler for the static nginx stand-in"
else
  mkdir -p /etc/rampart/landlock
  ll=rampart-it-$$.toml
  cp "$SAMPLE" "/etc/rampart/landlock/$ll"
  at_cleanup "rm -f /etc/rampart/landlock/$ll"
  LB=$(new_bundle)
  make_bundle "$LB" /usr/sbin/nginx touch /root/hello
  install -m 755 "$helper" "$LB/rootfs/usr/sbin/nginx"
  ln -s /run "$LB/rootfs/var/run"
  cfg_py "$LB" "c.setdefault('annotations', {})['run.rampart.landlock'] = '$ll'"
  # A bare bundle (no capabilities of its own): the embedded policy gives it Docker's
  # default capabilities and seccomp profile, as `docker run` would.
  cfg_py "$LB" "c['process'].pop('capabilities', None)"
  out=$(rt run --bundle "$LB" "$(new_id ll)" 2>&1)
  expect_match "landlock: touch /root/hello is denied" 'touch /root/hello: Permission denied' "$out"
  cfg_args "$LB" /usr/sbin/nginx exec /bin/sh -c true
  out=$(rt run --bundle "$LB" "$(new_id ll)" 2>&1)
  expect_match "landlock: exec /bin/sh is denied" 'exec /bin/sh: Permission denied' "$out"
  cfg_args "$LB" /usr/sbin/nginx touch /var/run/nginx.pid
  out=$(rt run --bundle "$LB" "$(new_id ll)" 2>&1)
  expect_match "landlock: the WritablePaths entry is writable" 'touch /var/run/nginx.pid: ok' "$out"
  cfg_args "$LB" /bin/sh -c true
  check_fail "landlock: a container process outside AllowExec cannot start" rt run --bundle "$LB" "$(new_id ll)"

  # inspect a running container under the profile
  cfg_args "$LB" /usr/sbin/nginx sleep 30
  lid=$(new_id inspect)
  rt run -d --bundle "$LB" "$lid" >"$WORK/run-d.out" 2>&1
  if wait_status "$lid" running; then
    out=$(rt inspect "$lid" 2>&1)
    expect_match "inspect: effective capabilities decoded" '^  effective   cap_chown,' "$out"
    expect_match "inspect: seccomp filter" '^seccomp       filter' "$out"
    expect_match "inspect: landlock profile shown" '^landlock      nginx-sample' "$out"
    expect_match "inspect: landlock warnings shown" 'warning: landlock: LogOnWritePaths' "$out"
    out=$(rt inspect --format json "$lid" 2>&1)
    expect_match "inspect --format json parses" '^ok$' "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ok" if d["processes"][0]["pid"] > 0 else "bad")' 2>&1)"
    out=$(rt inspect --all "$lid" 2>&1)
    expect_match "inspect --all lists the init" '^process       [0-9]+  /usr/sbin/nginx sleep 30' "$out"
    rt kill "$lid" KILL >/dev/null 2>&1
  else
    not_ok "inspect: container running" "$(cat "$WORK/run-d.out")"
  fi
fi

# inspect: capabilities as asked (the seed's walk-through)
CB=$(new_bundle)
make_bundle "$CB" sleep 30
cfg_py "$CB" 'c["process"]["capabilities"] = {k: ["CAP_NET_BIND_SERVICE"] for k in ("bounding", "effective", "permitted")}'
cid=$(new_id caps)
rt run -d --bundle "$CB" "$cid" >"$WORK/run-d2.out" 2>&1
if wait_status "$cid" running; then
  out=$(rt inspect "$cid" 2>&1)
  expect_match "inspect: --cap-drop=all --cap-add=net_bind_service shows only that" '^  effective   cap_net_bind_service$' "$out"
  rt kill "$cid" KILL >/dev/null 2>&1
else
  not_ok "inspect: caps container running" "$(cat "$WORK/run-d2.out")"
fi
check_fail "inspect of an unknown container fails" rt inspect no-such-container

finish
