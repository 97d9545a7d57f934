#!/usr/bin/env bash
# integration/demo.sh RAMPART — a first container, end to end:
# builds a busybox bundle with `rampart spec` in a temp dir, runs it with `rampart run`
# under the default policy (printing its id, hostname, capabilities and seccomp mode from
# inside), cleans up.
set -euo pipefail
rt=${1:-build/rampart}
case $rt in /*) ;; */*) rt=$PWD/$rt ;; *) rt=$(command -v "$rt" || echo "$rt") ;; esac
[ -x "$rt" ] || { echo "demo: $rt not found (build first: make build)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "demo: run as root (containers need it)" >&2; exit 1; }
bb=/bin/busybox
[ -x "$bb" ] || { echo "demo: $bb missing: apt-get install busybox-static" >&2; exit 1; }

work=$(mktemp -d /tmp/rampart-demo.XXXXXX)
root=$work/state
id=demo-$$
cleanup() {
  "$rt" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [ -t 1 ]; then step() { printf "\n\033[1m==> %s\033[0m\n" "$*"; }; else step() { printf "\n==> %s\n" "$*"; }; fi

step "building a busybox root filesystem in $work/bundle/rootfs"
mkdir -p "$work/bundle/rootfs"/{bin,etc,tmp,proc,sys,dev,root}
cp "$bb" "$work/bundle/rootfs/bin/busybox"
for a in sh cat grep hostname id echo; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$work/bundle/rootfs/etc/passwd"
echo 'root:x:0:' >"$work/bundle/rootfs/etc/group"
chmod 1777 "$work/bundle/rootfs/tmp"

step "$(basename "$rt") spec  (writes a default config.json)"
(cd "$work/bundle" && "$rt" spec)
python3 - "$work/bundle/config.json" "$id" <<'PY'
import json, sys
path, cid = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["terminal"] = False
c["hostname"] = "rampart-demo"
c["process"]["args"] = ["/bin/sh", "-c",
    'echo "container id:  ' + cid + '"; echo "hostname:      $(hostname)"; '
    'echo "user:          $(id)"; grep -E "^(Cap|Seccomp|NoNewPrivs)" /proc/self/status']
# No security settings of its own: the policy (/etc/rampart/policy.toml, or the embedded
# default equal to Docker's) fills in capabilities and the seccomp profile.
c["process"].pop("capabilities", None)
c.get("linux", {}).pop("seccomp", None)
json.dump(c, open(path, "w"), indent=2)
PY
echo "config.json: process.args set to print what the container sees;"
echo "process.capabilities removed: the default policy fills in Docker's defaults"

step "$(basename "$rt") run $id"
set +e
"$rt" --root "$root" run --bundle "$work/bundle" "$id" </dev/null >"$work/out"
rc=$?
set -e
# the same output, with capability masks decoded to names
python3 - "$work/out" <<'PY'
import sys
names = ["chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
         "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
         "net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
         "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
         "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
         "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
         "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"]
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("Cap") and ":" in line:
        mask = int(line.split(":", 1)[1].strip() or "0", 16)
        caps = [n for i, n in enumerate(names) if mask >> i & 1]
        line += "   " + (" ".join(caps) if caps else "(none)")
    elif line.startswith("Seccomp:"):
        mode = line.split(":", 1)[1].strip()
        line += "   " + {"0": "(no filter)", "1": "(strict)", "2": "(filter)"}.get(mode, "")
    print(line)
PY
echo "(exit status $rc)"

step "cleaning up"
"$rt" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
# (.seccomp-cache: compiled filters shared by containers, not container state)
left=$(ls -A "$root" 2>/dev/null | grep -vx '.seccomp-cache' || true)
[ -z "$left" ] && echo "no container state left in $root" || echo "left in $root: $left"
exit $rc
