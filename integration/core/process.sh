# core suite: the process as seen from inside — capabilities, seccomp, user, rlimits,
# env, cwd, hostname, sysctl, namespaces (sourced by core/run.sh)

# cap_mask NAME...: the hex mask (16 digits, as in /proc/self/status) of capability names.
cap_mask() {
  python3 - "$@" <<'PY'
import sys
caps = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
        "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
        "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
        "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
        "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
        "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"]
m = 0
for n in sys.argv[1:]:
    m |= 1 << caps.index(n.removeprefix("CAP_"))
print("%016x" % m)
PY
}

# status_field TEXT NAME: the value of "NAME:\t..." in a /proc/PID/status dump.
status_field() { printf '%s\n' "$1" | sed -n "s/^$2:[[:space:]]*//p" | head -n 1; }

section_process() {
  local b out host n link inode ns name

  # capabilities: the default spec's set
  b=$(fresh_bundle cat /proc/self/status)
  out=$(run_in "$b")
  expect_eq "default CapEff matches config's effective set" \
    "$(cap_mask $(cfg_get "$b" process.capabilities.effective | tr -d '[],"'))" "$(status_field "$out" CapEff)"
  expect_eq "default CapBnd matches config's bounding set" \
    "$(cap_mask $(cfg_get "$b" process.capabilities.bounding | tr -d '[],"'))" "$(status_field "$out" CapBnd)"

  # all five sets, as root: the kernel gives root permitted = effective = bounding at exec
  cfg_py "$b" 'c["process"]["capabilities"] = {
      "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID", "CAP_AUDIT_WRITE"],
      "effective": ["CAP_CHOWN", "CAP_KILL"],
      "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_NET_BIND_SERVICE"]}'
  cfg_py "$b" 'c["process"]["noNewPrivileges"] = True'
  out=$(run_in "$b")
  expect_eq "root: CapBnd = bounding" "$(cap_mask CHOWN KILL NET_BIND_SERVICE SETUID SETGID AUDIT_WRITE)" "$(status_field "$out" CapBnd)"
  expect_eq "root: CapInh = inheritable" "$(cap_mask KILL NET_BIND_SERVICE)" "$(status_field "$out" CapInh)"
  expect_eq "root: CapAmb = ambient" "$(cap_mask NET_BIND_SERVICE)" "$(status_field "$out" CapAmb)"
  # (uid 0 would gain the bounding set at exec; no_new_privs keeps it to permitted)
  expect_eq "root, noNewPrivileges: CapPrm = permitted" "$(cap_mask CHOWN KILL NET_BIND_SERVICE)" "$(status_field "$out" CapPrm)"
  expect_eq "root, noNewPrivileges: CapEff = permitted" "$(cap_mask CHOWN KILL NET_BIND_SERVICE)" "$(status_field "$out" CapEff)"
  # as uid 1000: permitted = effective = ambient after exec
  cfg_py "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}'
  out=$(run_in "$b")
  expect_eq "uid 1000: CapBnd = bounding" "$(cap_mask CHOWN KILL NET_BIND_SERVICE SETUID SETGID AUDIT_WRITE)" "$(status_field "$out" CapBnd)"
  expect_eq "uid 1000: CapInh = inheritable" "$(cap_mask KILL NET_BIND_SERVICE)" "$(status_field "$out" CapInh)"
  expect_eq "uid 1000: CapEff = ambient" "$(cap_mask NET_BIND_SERVICE)" "$(status_field "$out" CapEff)"
  expect_eq "uid 1000: CapPrm = ambient" "$(cap_mask NET_BIND_SERVICE)" "$(status_field "$out" CapPrm)"
  cfg_py "$b" 'c["process"]["capabilities"] = {}'
  cfg_py "$b" 'c["process"]["user"] = {"uid": 0, "gid": 0}'
  out=$(run_in "$b")
  expect_eq "empty capability sets: CapEff 0" 0000000000000000 "$(status_field "$out" CapEff)"
  expect_eq "empty capability sets: CapBnd 0" 0000000000000000 "$(status_field "$out" CapBnd)"
  # a capability really works: chown needs CAP_CHOWN
  b=$(fresh_bundle /bin/sh -c 'touch /tmp/f && chown 65534 /tmp/f && echo chowned')
  cfg_py "$b" 'c["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "permitted")}'
  out=$(run_in "$b")
  expect_match "chown fails without CAP_CHOWN" 'Operation not permitted' "$out"

  # noNewPrivileges, oomScoreAdj
  b=$(fresh_bundle cat /proc/self/status /proc/self/oom_score_adj)
  cfg_py "$b" 'c["process"]["noNewPrivileges"] = True; c["process"]["oomScoreAdj"] = 123'
  out=$(run_in "$b")
  expect_eq "noNewPrivileges true: NoNewPrivs 1" 1 "$(status_field "$out" NoNewPrivs)"
  expect_eq "oomScoreAdj 123" 123 "$(printf '%s\n' "$out" | tail -n 1)"
  cfg_py "$b" 'c["process"]["noNewPrivileges"] = False'
  out=$(run_in "$b")
  expect_eq "noNewPrivileges false: NoNewPrivs 0" 0 "$(status_field "$out" NoNewPrivs)"
  expect_eq "no seccomp in the config: Seccomp 0" 0 "$(status_field "$out" Seccomp)"

  # hostname, domainname
  b=$(fresh_bundle /bin/sh -c 'hostname; cat /proc/sys/kernel/domainname')
  cfg_py "$b" 'c["hostname"] = "box1"'
  expect_eq "hostname" "box1" "$(run_in "$b" | head -n 1)"
  if is_rampart; then
    cfg_py "$b" 'c["domainname"] = "example.org"'
    expect_eq "[rampart] domainname" "example.org" "$(run_in "$b" | tail -n 1)"
  else skip "[rampart] domainname" "runc 1.1 ignores domainname"; fi

  # user, additionalGids, umask
  b=$(fresh_bundle /bin/sh -c 'id -u; id -g; grep ^Groups: /proc/self/status; umask; id -un')
  cfg_py "$b" 'c["process"]["user"] = {"uid": 65534, "gid": 65534, "additionalGids": [5, 100], "umask": 23}'
  out=$(run_in "$b")
  expect_eq "uid, gid, additionalGids, umask" "65534
65534
Groups:	5 100 
0027
nobody" "$(printf '%s\n' "$out" | sed 's/[[:space:]]*$/ /; 1,2s/ $//; 4,5s/ $//')"

  # rlimits
  b=$(fresh_bundle /bin/sh -c 'grep -E "^Max (open files|processes|core file size)" /proc/self/limits')
  cfg_py "$b" 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
      {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096}]'
  out=$(run_in "$b")
  expect_match "rlimit NOFILE soft 123 hard 456" '^Max open files +123 +456 ' "$out"
  expect_match "rlimit CORE soft 0 hard 4096" '^Max core file size +0 +4096 ' "$out"

  # env and cwd
  b=$(fresh_bundle /bin/sh -c 'echo "$FOO|$PATH"; pwd')
  cfg_py "$b" 'c["process"]["env"] = ["PATH=/bin:/usr/bin", "FOO=bar baz"]; c["process"]["cwd"] = "/tmp"'
  out=$(run_in "$b")
  expect_eq "env and cwd" "bar baz|/bin:/usr/bin
/tmp" "$out"
  cfg_py "$b" 'c["process"]["cwd"] = "/does/not/exist/yet"'
  out=$(run_in "$b")
  expect_match "a missing cwd is created inside the root" '^/does/not/exist/yet$' "$out"
  if [ -d "/does/not/exist/yet" ]; then not_ok "cwd is created inside the root, not on the host"; rm -rf /does; else
    ok "cwd is created inside the root, not on the host"
  fi

  # sysctl
  b=$(fresh_bundle cat /proc/sys/net/ipv4/ip_forward)
  cfg_py "$b" 'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}'
  expect_eq "sysctl net.ipv4.ip_forward=1 in the container's netns" 1 "$(run_in "$b")"

  # namespaces: every one the config asks for differs from the host's; user is shared
  b=$(fresh_bundle /bin/sh -c 'for n in pid net ipc uts mnt cgroup user; do echo "$n $(readlink /proc/self/ns/$n)"; done')
  out=$(run_in "$b")
  for ns in $(cfg_get "$b" linux.namespaces | python3 -c 'import json,sys; print(" ".join(n["type"] for n in json.load(sys.stdin)))'); do
    case $ns in network) ns=net ;; mount) ns=mnt ;; esac
    link=$(printf '%s\n' "$out" | sed -n "s/^$ns //p")
    expect_ne "namespace $ns differs from the host's" "$(readlink /proc/self/ns/$ns)" "${link:-missing}"
  done
  link=$(printf '%s\n' "$out" | sed -n "s/^user //p")
  expect_eq "no user namespace asked: the host's" "$(readlink /proc/self/ns/user)" "$link"
  b=$(fresh_bundle readlink /proc/self/ns/cgroup)
  cfg_py "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"] + [{"type": "cgroup"}]'
  expect_ne "cgroup namespace asked: differs from the host's" "$(readlink /proc/self/ns/cgroup)" "$(run_in "$b")"

  # joining an existing network namespace by path
  if command -v ip >/dev/null; then
    name=rampart-it-$$
    if ip netns add "$name" 2>/dev/null; then
      at_cleanup "ip netns del $name"
      inode=$(stat -L -c %i "/var/run/netns/$name")
      b=$(fresh_bundle readlink /proc/self/ns/net)
      cfg_py "$b" 'for n in c["linux"]["namespaces"]:
    if n["type"] == "network": n["path"] = "/var/run/netns/'"$name"'"'
      expect_eq "joins an existing netns by path" "net:[$inode]" "$(run_in "$b")"
    else skip "joins an existing netns by path" "ip netns add failed"; fi
  else skip "joins an existing netns by path" "no ip command"; fi

  # time namespace (runc 1.1 does not know it)
  b=$(fresh_bundle readlink /proc/self/ns/time)
  cfg_py "$b" 'c["linux"]["namespaces"].append({"type": "time"})'
  if [ -e /proc/self/ns/time ] && is_rampart; then
    expect_ne "[rampart] time namespace differs from the host's" "$(readlink /proc/self/ns/time)" "$(run_in "$b")"
  else skip "[rampart] time namespace" "runtime $RT_NAME or kernel without it"; fi

  # user namespace with mappings
  b=$(fresh_bundle /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u')
  cfg_py "$b" 'c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["mounts"] = [m for m in c["mounts"] if m["type"] not in ("cgroup", "sysfs")]'
  out=$(run_in "$b")
  expect_eq "user namespace: uid/gid maps written, uid 0 inside" "0 100000 65536
0 100000 65536
0" "$(printf '%s\n' "$out" | awk 'NF==3{print $1, $2, $3; next}{print}')"
}
