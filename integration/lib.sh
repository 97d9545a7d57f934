# integration/lib.sh — shared helpers for every integration suite (source it, don't run it).
#
#   #!/usr/bin/env bash
#   source "$(dirname "$0")/../lib.sh"        # or "$(dirname "$0")/lib.sh" from integration/
#   suite_init mysuite "$1"                   # $1: runtime binary (rampart, runc, crun...)
#   B=$(new_bundle) ; make_bundle "$B" /bin/echo hi
#   id=$(new_id)
#   check "run prints hi" rt run --bundle "$B" "$id"
#   expect_eq "output" "hi" "$(rt run --bundle "$B" "$(new_id)")"
#   finish                                   # prints "# mysuite: N passed, M failed, K skipped"
#
# Output is TAP: "ok N - name", "not ok N - name" (+ "# " diagnostics), "ok N - name # SKIP why".
# Everything a suite creates lives under $WORK (a temp dir); containers live in a private
# --root ($ROOT). The EXIT trap deletes --force every container made with new_id, runs the
# registered cleanups (at_cleanup), unmounts leftovers under $WORK and removes $WORK,
# also when the suite fails or is interrupted.
#
# Beware: `create` and `run --detach` hand the container the runtime's stdout/stderr.
# Never capture them with $(...) or a pipe (the container keeps the pipe open and the
# shell waits for it): redirect to a file, e.g. `rt create ... >"$WORK/out" 2>&1`.
# `check` already does that (output goes to a file, stdin is /dev/null).
#
# Variables: RT (runtime binary), RT_NAME (its basename), ROOT, WORK, SUITE,
#            T (per-command timeout in seconds, default 20).
# Requires: bash, coreutils, util-linux, python3 (scripts/install-deps installs them).

T=${T:-20}
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------- setup / teardown

# suite_init NAME RUNTIME: set up $WORK, $ROOT and the cleanup trap.
suite_init() {
  SUITE=$1
  RT=${2:-}
  if [ -z "$RT" ]; then
    echo "usage: $0 RUNTIME-BINARY" >&2
    exit 2
  fi
  if [ "${RT#*/}" = "$RT" ]; then RT=$(command -v "$RT" || echo "$RT"); fi
  case $RT in /*) ;; *) RT=$PWD/$RT ;; esac
  RT_NAME=$(basename "$RT")
  if [ "$(id -u)" != 0 ]; then
    echo "# $SUITE: needs root"
    echo "1..0 # SKIP not root"
    echo "# $SUITE: 0 passed, 0 failed, 1 skipped"
    exit 0
  fi
  WORK=$(mktemp -d "/tmp/rampart-it.$SUITE.XXXXXX")
  chmod 755 "$WORK"
  ROOT=$WORK/state
  mkdir -p "$ROOT"
  : >"$WORK/.ids"
  : >"$WORK/.cleanup"
  : >"$WORK/.tap"
  trap _lib_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "# $SUITE: runtime $RT"
  if [ ! -x "$RT" ]; then
    not_ok "runtime binary $RT is executable" "not found or not executable"
    finish
  fi
}

# at_cleanup CMD...: run CMD (one shell string) when the suite exits, newest first.
at_cleanup() { printf '%s\n' "$*" >>"$WORK/.cleanup"; }

_lib_cleanup() {
  local rc=$? id line
  trap - EXIT
  [ -n "${WORK:-}" ] && [ -d "$WORK" ] || exit $rc
  set +e
  while read -r id; do
    [ -n "$id" ] || continue
    timeout -k 2 "$T" "$RT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
  done <"$WORK/.ids"
  # state dirs of containers we never heard of (a suite may call the runtime directly)
  for id in "$ROOT"/*/; do
    [ -d "$id" ] || continue
    id=$(basename "$id")
    timeout -k 2 "$T" "$RT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
  done
  # processes and cgroups a broken runtime left behind for our (unique) ids
  while read -r id; do
    [ -n "$id" ] || continue
    find /sys/fs/cgroup -maxdepth 5 -depth -type d -name "*$id*" 2>/dev/null | while IFS= read -r line; do
      echo "# cleanup: leftover cgroup $line" >&2
      xargs -r kill -9 <"$line/cgroup.procs" 2>/dev/null
      sleep 0.1
      rmdir "$line" 2>/dev/null
    done
  done <"$WORK/.ids"
  tac "$WORK/.cleanup" | while IFS= read -r line; do
    [ -n "$line" ] && (eval "$line") >/dev/null 2>&1
  done
  _lib_umount_under "$WORK"
  rm -rf --one-file-system "$WORK" 2>/dev/null
  if [ -d "$WORK" ]; then echo "# $SUITE: could not remove $WORK" >&2; fi
  exit $rc
}

# Mount points at or under DIR, deepest first (mountinfo field 5, octal escapes decoded).
mounts_under() {
  python3 - "$1" <<'PY'
import sys, re
d = sys.argv[1].rstrip('/')
out = []
for line in open('/proc/self/mountinfo'):
    mp = re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), line.split()[4])
    if mp == d or mp.startswith(d + '/'):
        out.append(mp)
for mp in sorted(set(out), key=len, reverse=True):
    print(mp)
PY
}

_lib_umount_under() {
  local mp i
  for i in 1 2 3; do
    mounts_under "$1" | while IFS= read -r mp; do umount -l "$mp" 2>/dev/null; done
    [ -z "$(mounts_under "$1")" ] && break
  done
}

# ---------------------------------------------------------------- TAP results

_lib_record() { # STATUS NAME [SUFFIX]
  local n
  n=$(($(wc -l <"$WORK/.tap") + 1))
  printf '%s\n' "$1" >>"$WORK/.tap"
  if [ "$1" = fail ]; then
    echo "not ok $n - $2${3:-}"
  else
    echo "ok $n - $2${3:-}"
  fi
}

# diag TEXT...: a TAP diagnostic line (each line prefixed by "# ").
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }

ok() { _lib_record pass "$1"; }
# not_ok NAME [DIAGNOSTIC...]
not_ok() {
  local name=$1
  shift
  _lib_record fail "$name"
  [ $# -gt 0 ] && diag "$@"
  return 0
}
# skip NAME REASON
skip() { _lib_record skip "$1" " # SKIP ${2:-}"; }

# run_t CMD...: run CMD with the per-command timeout (functions run as they are; the
# runtime wrapper `rt` bounds itself).
run_t() {
  if [ "$(type -t "$1")" = file ]; then
    timeout -k 5 "$T" "$@"
  else
    "$@"
  fi
}

# check NAME CMD...: pass if CMD exits 0; on failure show its exit status and output.
check() {
  local name=$1 out rc
  shift
  run_t "$@" >"$WORK/.out" 2>&1 </dev/null
  rc=$?
  out=$(tail -c 4000 "$WORK/.out")
  if [ $rc -eq 0 ]; then ok "$name"; else
    not_ok "$name" "command: $*" "exit status $rc" ${out:+"$(printf '%s' "$out" | tail -n 15)"}
  fi
  return $rc
}

# check_fail NAME CMD...: pass if CMD exits non-zero (and not by timeout).
check_fail() {
  local name=$1 out rc
  shift
  run_t "$@" >"$WORK/.out" 2>&1 </dev/null
  rc=$?
  out=$(tail -c 4000 "$WORK/.out")
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -ne 137 ]; then ok "$name"; else
    not_ok "$name" "command: $*" "expected failure, got exit status $rc" ${out:+"$(printf '%s' "$out" | tail -n 15)"}
  fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else
    not_ok "$1" "expected: $(printf '%q' "$2")" "     got: $(printf '%q' "$3")"
    return 1
  fi
}

# expect_ne NAME UNEXPECTED ACTUAL
expect_ne() {
  if [ "$2" != "$3" ]; then ok "$1"; else
    not_ok "$1" "expected anything but: $(printf '%q' "$2")"
    return 1
  fi
}

# expect_match NAME ERE ACTUAL: ACTUAL (any line) matches the extended regex.
expect_match() {
  if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else
    not_ok "$1" "expected to match: $2" "got: $(printf '%s' "$3" | head -c 2000)"
    return 1
  fi
}

# expect_no_match NAME ERE ACTUAL
expect_no_match() {
  if ! printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else
    not_ok "$1" "expected NOT to match: $2" "got: $(printf '%s' "$3" | head -c 2000)"
    return 1
  fi
}

# finish: print the plan and the summary line, exit 1 if anything failed.
finish() {
  local pass fail skipn total
  pass=$(grep -c '^pass$' "$WORK/.tap")
  fail=$(grep -c '^fail$' "$WORK/.tap")
  skipn=$(grep -c '^skip$' "$WORK/.tap")
  total=$((pass + fail + skipn))
  echo "1..$total"
  echo "# $SUITE: $pass passed, $fail failed, $skipn skipped"
  [ "$fail" -eq 0 ] && exit 0
  exit 1
}

# ---------------------------------------------------------------- runtime wrapper

# rt ARGS...: the runtime with the private --root and a timeout.
rt() { timeout -k 5 "$T" "$RT" --root "$ROOT" "$@"; }

# new_id [PREFIX]: a unique container id, registered for delete --force at exit.
new_id() {
  local id
  id="${1:-it}-$$-$(date +%s%N | tail -c 7)-$RANDOM"
  printf '%s\n' "$id" >>"$WORK/.ids"
  printf '%s\n' "$id"
}

# state_field ID FIELD: a top-level field of `rt state ID` (empty if state fails).
state_field() {
  rt state "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    v = json.load(sys.stdin).get(sys.argv[1], "")
except Exception:
    v = ""
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$2"
}

# wait_status ID STATUS [SECONDS]: wait until `state` reports STATUS.
wait_status() {
  local i n=$((${3:-5} * 20))
  for ((i = 0; i < n; i++)); do
    [ "$(state_field "$1" status)" = "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# ---------------------------------------------------------------- rootfs and bundles

# new_dir [NAME]: a fresh directory under $WORK.
new_dir() {
  local d
  d=$(mktemp -d "$WORK/${1:-d}.XXXXXX") && chmod 755 "$d" && printf '%s\n' "$d"
}

# new_bundle: a fresh (empty) bundle directory under $WORK.
new_bundle() { new_dir bundle; }

_lib_rootfs_template() {
  local t=$WORK/.rootfs-template bb applet
  [ -d "$t" ] && { printf '%s\n' "$t"; return 0; }
  bb=${BUSYBOX:-/bin/busybox}
  if ! [ -x "$bb" ] || ! "$bb" --list-full >/dev/null 2>&1; then
    echo "make_rootfs: $bb missing; install busybox-static (scripts/install-deps)" >&2
    return 1
  fi
  if ldd "$bb" >/dev/null 2>&1; then
    echo "make_rootfs: $bb is dynamically linked; install busybox-static" >&2
    return 1
  fi
  mkdir -p "$t.tmp"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,home,var,run,mnt}
  cp "$bb" "$t.tmp/bin/busybox"
  chmod 755 "$t.tmp/bin/busybox"
  "$bb" --list-full | while read -r applet; do
    [ -e "$t.tmp/$applet" ] || [ -L "$t.tmp/$applet" ] || ln -s /bin/busybox "$t.tmp/$applet"
  done
  [ -e "$t.tmp/bin/sh" ] || ln -s /bin/busybox "$t.tmp/bin/sh"
  chmod 1777 "$t.tmp/tmp"
  chmod 700 "$t.tmp/root"
  cat >"$t.tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$t.tmp/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
  echo "rampart-test" >"$t.tmp/etc/hostname"
  : >"$t.tmp/etc/hosts"
  : >"$t.tmp/etc/resolv.conf"
  mv "$t.tmp" "$t"
  printf '%s\n' "$t"
}

# make_rootfs DIR: a busybox root filesystem in DIR (bin/busybox + applet links,
# /etc/passwd with root and nobody (65534), /etc/group, /tmp 1777).
make_rootfs() {
  local t
  t=$(_lib_rootfs_template) || return 1
  mkdir -p "$1"
  cp -a "$t/." "$1/"
}

# make_bundle DIR [ARGS...]: rootfs + config.json made by `$RT spec`, then terminal=false
# root.readonly=false and process.args=ARGS (default: sh). If `spec` itself fails, a built-in default is used
# (the failure is reported once as a diagnostic; the spec command has its own tests).
make_bundle() {
  local dir=$1 out
  shift
  mkdir -p "$dir"
  make_rootfs "$dir/rootfs" || return 1
  rm -f "$dir/config.json"
  if ! out=$(cd "$dir" && timeout -k 5 "$T" "$RT" spec 2>&1) || ! [ -s "$dir/config.json" ]; then
    if [ ! -e "$WORK/.spec-warned" ]; then
      diag "make_bundle: '$RT_NAME spec' failed (${out:-no config.json}); using the built-in default config"
      : >"$WORK/.spec-warned"
    fi
    _lib_default_config >"$dir/config.json"
  fi
  cfg_py "$dir" 'c["process"]["terminal"] = False; c.setdefault("root", {}).update(path="rootfs", readonly=False)'
  [ $# -gt 0 ] || set -- sh
  cfg_args "$dir" "$@"
}

# ---------------------------------------------------------------- config.json editing

# cfg_py DIR PYTHON: run PYTHON with `c` bound to config.json's object and write it back.
# Helpers in scope: json, get(path), put(path, value), delete(path) with paths like
# "process.capabilities.bounding" or "linux.namespaces[0].type".
#   cfg_py "$B" 'c["hostname"] = "box"'
cfg_py() {
  python3 - "$1/config.json" "$2" <<'PY'
import json, re, sys
path, code = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
def _walk(p, create):
    parts = [x for x in re.split(r'\.|(\[\d+\])', p) if x]
    cur = c
    for i, part in enumerate(parts[:-1]):
        key = int(part[1:-1]) if part.startswith('[') else part
        nxt = parts[i + 1]
        if isinstance(cur, dict) and key not in cur:
            if not create:
                raise KeyError(p)
            cur[key] = [] if nxt.startswith('[') else {}
        cur = cur[key]
    last = parts[-1]
    return cur, (int(last[1:-1]) if last.startswith('[') else last)
def get(p, default=None):
    try:
        o, k = _walk(p, False)
        return o[k]
    except (KeyError, IndexError, TypeError):
        return default
def put(p, v):
    o, k = _walk(p, True)
    if isinstance(o, list) and k == len(o):
        o.append(v)
    else:
        o[k] = v
def delete(p):
    try:
        o, k = _walk(p, False)
        del o[k]
    except (KeyError, IndexError, TypeError):
        pass
exec(code)
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
    f.write('\n')
PY
}

# cfg_set DIR PATH JSON: set a field (created with its parents when missing).
#   cfg_set "$B" process.cwd '"/tmp"'      cfg_set "$B" linux.sysctl '{"kernel.shmmax":"1"}'
cfg_set() {
  python3 - "$1/config.json" "$2" "$3" <<'PY'
import json, re, sys
path, p, v = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
c = json.load(open(path))
parts = [x for x in re.split(r'\.|(\[\d+\])', p) if x]
cur = c
for i, part in enumerate(parts):
    key = int(part[1:-1]) if part.startswith('[') else part
    if i == len(parts) - 1:
        if isinstance(cur, list) and key == len(cur):
            cur.append(v)
        else:
            cur[key] = v
    else:
        if isinstance(cur, dict) and key not in cur:
            cur[key] = [] if parts[i + 1].startswith('[') else {}
        cur = cur[key]
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
    f.write('\n')
PY
}

# cfg_del DIR PATH: remove a field if present.
cfg_del() {
  python3 - "$1/config.json" "$2" <<'PY'
import json, re, sys
path, p = sys.argv[1], sys.argv[2]
c = json.load(open(path))
parts = [x for x in re.split(r'\.|(\[\d+\])', p) if x]
cur = c
try:
    for part in parts[:-1]:
        cur = cur[int(part[1:-1]) if part.startswith('[') else part]
    last = parts[-1]
    del cur[int(last[1:-1]) if last.startswith('[') else last]
except (KeyError, IndexError, TypeError):
    pass
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
    f.write('\n')
PY
}

# cfg_get DIR PATH: print a field as JSON.
cfg_get() {
  python3 - "$1/config.json" "$2" <<'PY'
import json, re, sys
c = json.load(open(sys.argv[1]))
for part in [x for x in re.split(r'\.|(\[\d+\])', sys.argv[2]) if x]:
    c = c[int(part[1:-1]) if part.startswith('[') else part]
print(json.dumps(c))
PY
}

# cfg_args DIR ARGS...: process.args = ARGS.
# fresh_bundle [ARGS...]: a copy of the suite's base bundle $BASE (made once with
# make_bundle) with process.args = ARGS.
fresh_bundle() {
  local b
  b=$(new_bundle)
  cp -a "$BASE/." "$b/"
  [ $# -gt 0 ] && cfg_args "$b" "$@"
  printf '%s\n' "$b"
}

cfg_args() {
  local dir=$1
  shift
  python3 - "$dir/config.json" "$@" <<'PY'
import json, sys
path = sys.argv[1]
c = json.load(open(path))
c.setdefault("process", {})["args"] = sys.argv[2:]
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
    f.write('\n')
PY
}

# cfg_sh DIR SCRIPT: process.args = sh -c SCRIPT.
cfg_sh() { cfg_args "$1" /bin/sh -c "$2"; }

# json_get JSON-TEXT PATH: a field of a JSON document given as text (prints JSON for
# objects/lists, the bare value for strings/numbers; empty and status 1 when absent).
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, re, sys
try:
    c = json.loads(sys.argv[1])
    for part in [x for x in re.split(r'\.|(\[\d+\])', sys.argv[2]) if x]:
        c = c[int(part[1:-1]) if part.startswith('[') else part]
except Exception:
    sys.exit(1)
print(c if isinstance(c, str) else json.dumps(c))
PY
}

# A config.json equal in substance to `runc spec`'s default (used when spec fails).
_lib_default_config() {
  cat <<'EOF'
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": ["sh"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "runc",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
  ],
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  }
}
EOF
}

# ---------------------------------------------------------------- misc

# is_rampart: true when the runtime under test is rampart (for rampart-only checks).
is_rampart() { case $RT_NAME in rampart*) return 0 ;; *) return 1 ;; esac; }

# expect_nothing_left WHAT ID [DIR]: no state dir for ID in $ROOT, ID not listed, no
# mount at or under DIR (e.g. the bundle), no cgroup directory named after ID.
expect_nothing_left() {
  local what=$1 id=$2 dir=${3:-} left=""
  [ -e "$ROOT/$id" ] && left="state dir $ROOT/$id; "
  rt list -q 2>/dev/null | grep -qxF -- "$id" && left+="listed; "
  [ -n "$dir" ] && [ -n "$(mounts_under "$dir")" ] && left+="mounts: $(mounts_under "$dir" | tr '\n' ' '); "
  left+=$(find /sys/fs/cgroup -maxdepth 5 -type d -name "*$id*" 2>/dev/null | sed 's/$/; /' | tr -d '\n')
  if [ -z "$left" ]; then ok "$what: nothing left (state, mounts, cgroups)"; else
    not_ok "$what: nothing left (state, mounts, cgroups)" "$left"
  fi
}

# host_mount_count: number of lines in the host's mountinfo (leak checks).
host_mount_count() { wc -l </proc/self/mountinfo; }
