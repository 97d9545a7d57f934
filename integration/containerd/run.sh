#!/usr/bin/env bash
# End-to-end: containerd + containerd-shim-runc-v2 driving the runtime (the path
# Kubernetes uses), through `ctr run --runc-binary RAMPART`.
#   integration/containerd/run.sh RAMPART
# RAMPART may be /usr/sbin/runc (the reference). TAP output, summary
# "# containerd: N passed, M failed, K skipped", exit 1 on a failure. Skips loudly only
# when containerd cannot be installed or started. A private containerd (own root, state,
# socket, config) is started and stopped; the image is an OCI layout built by hand from
# busybox-static and imported with `ctr images import`.
# CTRD_KEEP=1 keeps the temp dir. E2E_TRACE=1 logs every runtime invocation.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$here/../e2e-lib.sh"
SUITE=containerd
RAMPART=${1:-}
if [ -z "$RAMPART" ] || [ ! -x "$RAMPART" ]; then
  echo "usage: $0 RAMPART   (an executable runtime: got '${RAMPART}')" >&2
  exit 2
fi
RAMPART=$(readlink -f "$RAMPART")
T=${E2E_TIMEOUT:-60}

[ "$(id -u)" = 0 ] || e2e_skip_suite "$SUITE" "needs root to start a private containerd"
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null ||
   ! command -v containerd-shim-runc-v2 >/dev/null; then
  echo "# containerd: installing containerd" >&2
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd >/dev/null; } ||
    e2e_skip_suite "$SUITE" "containerd is missing and could not be installed"
fi

# containerd 1.6 puts shim sockets in /run/containerd/s whatever its config says: note
# which of those directories exist now, to remove (empty) the ones this run creates.
PRE_RUN_DIRS=()
for _d in /run/containerd /run/containerd/s /run/containerd/fifo /run/containerd/runc; do
  [ -e "$_d" ] || PRE_RUN_DIRS+=("$_d")
done
D=$(mktemp -d /tmp/rampart-ctrd.XXXXXX)
NS=rampart-e2e-${D##*.}
SOCK=$D/containerd.sock
CTRD_PID=
cleanup() {
  local ids i m
  if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
    for i in $(ctr -a "$SOCK" -n "$NS" tasks ls -q 2>/dev/null); do
      timeout 20 ctr -a "$SOCK" -n "$NS" tasks kill -s SIGKILL "$i" >/dev/null 2>&1
      sleep 0.2
      timeout 20 ctr -a "$SOCK" -n "$NS" tasks delete -f "$i" >/dev/null 2>&1
    done
    for i in $(ctr -a "$SOCK" -n "$NS" containers ls -q 2>/dev/null); do
      timeout 20 ctr -a "$SOCK" -n "$NS" containers delete "$i" >/dev/null 2>&1
    done
    kill -TERM "$CTRD_PID" 2>/dev/null
    for i in $(seq 1 50); do kill -0 "$CTRD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CTRD_PID" 2>/dev/null
  fi
  # shims and anything else started under our dir (by pid)
  local p cmd
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    cmd=$( { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null) || continue
    case "$cmd" in *"$D"*) kill -KILL "$p" 2>/dev/null ;; esac
  done
  for i in 1 2 3; do
    m=$(awk -v d="$D" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r)
    [ -z "$m" ] && break
    for mp in $m; do umount -l "$mp" 2>/dev/null; done
  done
  for m in /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS"; do
    [ -d "$m" ] && find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  if [ -n "${CTRD_KEEP:-}" ]; then echo "# kept $D" >&2; else rm -rf "$D"; fi
  # directories under /run/containerd this run created (only if left empty: another
  # containerd may be using them); deepest first
  for ((i = ${#PRE_RUN_DIRS[@]} - 1; i >= 0; i--)); do rmdir "${PRE_RUN_DIRS[$i]}" 2>/dev/null; done
  [ -n "${tracedir:-}" ] && rm -rf "$tracedir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RT=$RAMPART
if [ -n "${E2E_TRACE:-}" ]; then
  tracedir=$(mktemp -d /tmp/rampart-trace.XXXXXX)
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/invocations.log"\nexec "%s" "$@"\n' "$tracedir" "$RAMPART" >"$tracedir/rampart"
  chmod 755 "$tracedir/rampart"
  RT=$tracedir/rampart
fi

cat >"$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.opt",
  "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$D/containerd.sock.ttrpc"
[debug]
  address = "$D/debug.sock"
  level = "debug"
[metrics]
  address = ""
EOF
setsid containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 </dev/null &
CTRD_PID=$!
ok=
for i in $(seq 1 100); do
  kill -0 "$CTRD_PID" 2>/dev/null || break
  ctr -a "$SOCK" version >/dev/null 2>&1 && { ok=1; break; }
  sleep 0.1
done
if [ -z "$ok" ]; then
  tail -n 20 "$D/containerd.log" | sed 's/^/# /'
  e2e_skip_suite "$SUITE" "the private containerd could not start on this machine (log above)"
fi

c() { ctr -a "$SOCK" -n "$NS" "$@"; }
# ck ARGS...: ctr with a timeout; OUT (\r stripped), ERR, RC
ck() {
  local e o
  e=$(mktemp); o=$(mktemp)
  timeout -k 5 "$T" ctr -a "$SOCK" -n "$NS" "$@" >"$o" 2>"$e" </dev/null
  RC=$?
  OUT=$(tr -d '\r' <"$o"); ERR=$(cat "$e")
  rm -f "$e" "$o"
}
diag() {
  printf 'rc=%s\nstderr: %s\n' "$RC" "$ERR"
  echo "containerd/shim log (errors):"
  grep -Ei 'level=(error|warning)' "$D/containerd.log" | grep -v 'cleanup warnings' | tail -n 4
  if [ -n "${tracedir:-}" ] && [ -f "$tracedir/invocations.log" ]; then
    echo "last runtime invocations:"; tail -n 5 "$tracedir/invocations.log"
  fi
}
status_field() { printf '%s\n' "$1" | awk -v k="$2:" '$1 == k {print $2}'; }
task_status() { c tasks ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }

# ------------------------------------------------------------------ the image
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
IMG=docker.io/library/rampart-busybox:test
if ! e2e_oci_image "$D" "$D/image.tar" "$arch" "$IMG"; then
  e2e_fail "image: build an OCI layout from busybox-static"; e2e_summary "$SUITE"; exit 1
fi
ck images import "$D/image.tar"
if [ "$RC" != 0 ] || ! c images ls -q | grep -qx "$IMG"; then
  e2e_fail "image: ctr images import" "$(diag)" "images: $(c images ls -q)"
  e2e_summary "$SUITE"; exit 1
fi
e2e_ok "image: OCI layout imported as $IMG"
echo "# containerd suite: runtime $RAMPART, containerd $(containerd --version | awk '{print $3}'), namespace $NS, dir $D"

# crun ID ARGS...: ctr run --rm through the runc shim with BinaryName = the runtime
# RUNARGS: the runtime's --root and the IO fifos live in $D, not /run/containerd/{runc,fifo}
RUNARGS=(--runc-binary "$RT" --runc-root "$D/runc" --fifo-dir "$D/fifo")
crun_rm() { local id=$1; shift; ck run "${RUNARGS[@]}" --rm "$@"; }

# ------------------------------------------------------------------ scenarios
crun_rm t1 "$IMG" t1 echo hello from containerd
e2e_check "ctr run --rm: output" "hello from containerd" "$OUT" "$(diag)"
crun_rm t2 "$IMG" t2 sh -c 'exit 3'
e2e_check "ctr run --rm: exit code 3" 3 "$RC" "$(diag)"
crun_rm t3 --env FOO=bar --cwd /tmp "$IMG" t3 sh -c 'echo $FOO $(pwd)'
e2e_check "ctr run --env --cwd" "bar /tmp" "$OUT" "$(diag)"
crun_rm t4 --cap-add CAP_SYS_ADMIN --cap-drop CAP_CHOWN "$IMG" t4 cat /proc/self/status
e2e_check "ctr run --cap-add CAP_SYS_ADMIN --cap-drop CAP_CHOWN" 00000000a82425fa "$(status_field "$OUT" CapEff)" "$(diag)"
crun_rm t5 "$IMG" t5 cat /proc/self/status
e2e_check "ctr run: CapEff is containerd's default 14 capabilities" 00000000a80425fb "$(status_field "$OUT" CapEff)" "$(diag)"
sc=$(status_field "$OUT" Seccomp)
# ctr sets capabilities but no seccomp unless --seccomp: rampart's policy treats a bundle
# that sets capabilities as having made its own choices (no default seccomp filled), so
# every runtime gives 0 here. A stricter policy (require_seccomp) may refuse or fix it.
e2e_check "ctr run (no --seccomp): Seccomp 0, as runc" 0 "$sc" "$(diag)"
crun_rm t6 --seccomp "$IMG" t6 cat /proc/self/status
e2e_check "ctr run --seccomp: Seccomp 2" 2 "$(status_field "$OUT" Seccomp)" "$(diag)"
crun_rm t8 --read-only "$IMG" t8 touch /x
if [ "$RC" != 0 ] && printf '%s' "$ERR$OUT" | grep -qi 'read-only'; then e2e_ok "ctr run --read-only: write fails"; else e2e_fail "ctr run --read-only: write fails" "$(diag)"; fi

OUT=$(e2e_tty "$T" "ctr -a $SOCK -n $NS run ${RUNARGS[*]} --rm -t $IMG t9 tty"); RC=$?; ERR=$OUT
e2e_match "ctr run -t: a tty" '/dev/pts/[0-9]+$' "$OUT" "$(diag)"
OUT=$(echo hi-stdin | timeout -k 5 "$T" ctr -a "$SOCK" -n "$NS" run "${RUNARGS[@]}" --rm "$IMG" t10 head -n1 2>&1); RC=$?; ERR=$OUT
e2e_check "ctr run: stdin" hi-stdin "$OUT" "$(diag)"

# a long-running task
ID=long
ck run -d "${RUNARGS[@]}" --seccomp --memory-limit 67108864 "$IMG" "$ID" sh -c 'trap "echo got-usr1 >/tmp/usr1" USR1; i=0; while :; do i=$((i+1)); echo $i >/tmp/tick; sleep 0.1; done'
if [ "$RC" != 0 ]; then
  e2e_fail "ctr run -d: starts" "$(diag)"
else
  e2e_check "ctr run -d: task RUNNING" RUNNING "$(task_status "$ID")" "$(diag)"
  e2e_check "ctr run --memory-limit 64m: host memory.limit_in_bytes" 67108864 \
    "$(cat "/sys/fs/cgroup/memory/$NS/$ID/memory.limit_in_bytes" 2>&1)"
  ck tasks exec --fifo-dir "$D/fifo" --exec-id e1 "$ID" sh -c 'echo exec-ok; id -u'
  e2e_check "ctr task exec: output" "exec-ok
0" "$OUT" "$(diag)"
  ck tasks exec --fifo-dir "$D/fifo" --exec-id e2 "$ID" sh -c 'exit 7'
  e2e_check "ctr task exec: exit code 7" 7 "$RC" "$(diag)"
  ck tasks exec --fifo-dir "$D/fifo" --exec-id e3 --user 65534 "$ID" cat /proc/self/status
  e2e_check "ctr task exec --user 65534" 65534 "$(status_field "$OUT" Uid)" "$(diag)"
  ck tasks exec --fifo-dir "$D/fifo" --exec-id e4 "$ID" cat /proc/self/status
  e2e_check "ctr task exec: CapEff as the container" 00000000a80425fb "$(status_field "$OUT" CapEff)" "$(diag)"
  e2e_check "ctr task exec: Seccomp 2 as the (--seccomp) container" 2 "$(status_field "$OUT" Seccomp)" "$(diag)"
  OUT=$(e2e_tty "$T" "ctr -a $SOCK -n $NS tasks exec --fifo-dir $D/fifo -t --exec-id e5 $ID tty"); RC=$?; ERR=$OUT
  e2e_match "ctr task exec -t: a tty" '/dev/pts/[0-9]+$' "$OUT" "$(diag)"
  ck tasks kill -s SIGUSR1 "$ID"
  hp=$(c tasks ls | awk -v id="$ID" '$1 == id {print $2}')
  got=
  for i in $(seq 1 50); do   # read from the host: does not depend on exec
    got=$(cat "/proc/$hp/root/tmp/usr1" 2>&1)
    [ "$got" = got-usr1 ] && break
    sleep 0.1
  done
  e2e_check "ctr task kill -s SIGUSR1: delivered" got-usr1 "$got" "$(diag)"
  ck tasks ps "$ID"
  n=$(printf '%s\n' "$OUT" | awk 'NR > 1 && $1 ~ /^[0-9]+$/' | wc -l)
  if [ "$RC" = 0 ] && [ "$n" -ge 1 ]; then e2e_ok "ctr task ps: lists $n process(es)"
  else e2e_fail "ctr task ps: lists the processes" "out: $OUT" "$(diag)"; fi
  ck tasks pause "$ID"
  e2e_check "ctr task pause: PAUSED" PAUSED "$(task_status "$ID")" "$(diag)"
  fz=$(cat "/sys/fs/cgroup/freezer/$NS/$ID/freezer.state" 2>/dev/null)
  e2e_check "ctr task pause: host freezer FROZEN" FROZEN "$fz"
  hp=$(c tasks ls | awk -v id="$ID" '$1 == id {print $2}')
  sleep 0.3   # read the tick from the host: exec is refused while paused
  t1=$(cat "/proc/$hp/root/tmp/tick" 2>&1)
  sleep 0.5
  t2=$(cat "/proc/$hp/root/tmp/tick" 2>&1)
  paused_ok=$RC
  ck tasks resume "$ID"
  if [ "$paused_ok" = 0 ]; then e2e_check "ctr task resume: RUNNING" RUNNING "$(task_status "$ID")" "$(diag)"
  else e2e_fail "ctr task resume: RUNNING (after a failed pause)" "$(diag)"; fi
  for i in $(seq 1 30); do
    t3=$(cat "/proc/$hp/root/tmp/tick" 2>&1)
    [ "$t3" != "$t1" ] && break
    sleep 0.1
  done
  if [ "$t1" = "$t2" ] && [ "$t3" != "$t1" ] 2>/dev/null; then e2e_ok "ctr task pause/resume: frozen then progressing (tick $t1 -> $t3)"
  else e2e_fail "ctr task pause/resume: frozen then progressing" "tick paused $t1 / $t2, after resume $t3"; fi
  ck tasks metrics "$ID"
  mem=$(printf '%s\n' "$OUT" | awk '$1 == "memory.usage_in_bytes" || $1 == "memory.usage" {print $2; exit}')
  pids=$(printf '%s\n' "$OUT" | awk '$1 == "pids.current" {print $2; exit}')
  if [ "${mem:-0}" -gt 0 ] 2>/dev/null && [ "${pids:-0}" -ge 1 ] 2>/dev/null; then
    e2e_ok "ctr task metrics: memory $mem bytes, pids $pids"
  else e2e_fail "ctr task metrics: memory and pids" "out: $OUT" "$(diag)"; fi
  ck tasks kill -s SIGKILL "$ID"
  for i in $(seq 1 50); do [ "$(task_status "$ID")" = STOPPED ] && break; sleep 0.1; done
  e2e_check "ctr task kill -s SIGKILL: STOPPED" STOPPED "$(task_status "$ID")" "$(diag)"
  ck tasks delete "$ID"
  e2e_match "ctr task delete: exit status 137" '137' "$OUT $ERR" "$(diag)"
  ck containers delete "$ID"
  e2e_check "ctr container delete" 0 "$RC" "$(diag)"
  if [ -d "/sys/fs/cgroup/memory/$NS/$ID" ]; then e2e_fail "delete: cgroup removed" "/sys/fs/cgroup/memory/$NS/$ID remains"
  else e2e_ok "delete: cgroup removed"; fi
fi

# the runtime sees exactly what the shim asks: BinaryName through runtime options (the
# containerd config path Kubernetes uses) is covered by --runc-binary, which sets the same
# io.containerd.runc.v2 option.
if [ -n "${tracedir:-}" ] && [ -f "$tracedir/invocations.log" ]; then
  echo "# runtime invocations (command, counted):"
  awk '{ for (i = 1; i <= NF; i++) { if ($i ~ /^--(root|log|log-format)$/) { i++; continue }
         print $i; break } }' "$tracedir/invocations.log" | sort | uniq -c | sort -rn | sed 's/^/#   /'
fi
if [ "$E2E_FAIL" -gt 0 ]; then
  echo "# containerd log (last errors):"
  grep -Ei 'level=error' "$D/containerd.log" | tail -n 10 | sed 's/^/#   /'
fi
e2e_summary "$SUITE"
