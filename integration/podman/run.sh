#!/usr/bin/env bash
# End-to-end: podman (conmon) driving the runtime with `podman --runtime RAMPART`.
#   integration/podman/run.sh RAMPART
# RAMPART may be /usr/sbin/runc (the reference). TAP output, summary
# "# podman: N passed, M failed, K skipped", exit 1 on a failure. Skips loudly only when
# podman cannot be installed or run here. Everything (storage root, runroot, tmpdir,
# containers.conf, storage.conf, events log, cgroup parent) is private to a temp dir.
#
# Podman invokes the runtime as: create --bundle B --pid-file F ID; start ID;
# exec --pid-file F --process P --detach ID; kill ID SIG; delete --force ID (no --root,
# cgroupfs manager so no --systemd-cgroup). E2E_TRACE=1 logs every invocation.
#
# Note: rootful podman 4 asks for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 by
# default; on a host whose bounding set lacks CAP_SYS_RESOURCE no runtime can raise a
# hard limit, so the private containers.conf sets default_ulimits within the caller's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$here/../e2e-lib.sh"
SUITE=podman
RAMPART=${1:-}
if [ -z "$RAMPART" ] || [ ! -x "$RAMPART" ]; then
  echo "usage: $0 RAMPART   (an executable runtime: got '${RAMPART}')" >&2
  exit 2
fi
RAMPART=$(readlink -f "$RAMPART")
T=${E2E_TIMEOUT:-60}

[ "$(id -u)" = 0 ] || e2e_skip_suite "$SUITE" "needs root (rootful podman with a private storage root)"
if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
  echo "# podman: installing podman" >&2
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman conmon >/dev/null; } ||
    e2e_skip_suite "$SUITE" "podman is missing and could not be installed"
fi

# podman keeps a blob-info cache in /var/lib/containers/cache whatever --root says:
# note what exists now, to remove what this run creates.
PRE_DIRS=()
for _d in /var/lib/containers /var/lib/containers/cache; do [ -e "$_d" ] || PRE_DIRS+=("$_d"); done
D=$(mktemp -d /tmp/rampart-podman.XXXXXX)
CGP=rampart-e2e-podman-${D##*.}
had_lock=
[ -e /dev/shm/libpod_lock ] && had_lock=1
mkdir -p "$D/tmp" "$D/net"
hn=$(ulimit -Hn); [ "$hn" = unlimited ] && hn=1048576
sn=1024; [ "$hn" -lt 1024 ] && sn=$hn
cat >"$D/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$sn:$hn", "nproc=8192:8192"]
[network]
network_config_dir = "$D/net"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$D/events.log"
tmp_dir = "$D/tmp"
EOF
cat >"$D/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$D/root"
runroot = "$D/runroot"
EOF
export CONTAINERS_CONF=$D/containers.conf CONTAINERS_STORAGE_CONF=$D/storage.conf
# --runtime-flag root=: the runtime's state (and rampart's seccomp cache) in $D too
P=(podman --root "$D/root" --runroot "$D/runroot" --cgroup-manager cgroupfs --tmpdir "$D/tmp"
   --runtime-flag "root=$D/rt")

cleanup() {
  local p cmd m i
  timeout 60 "${P[@]}" rm -a -f -t 0 >/dev/null 2>&1
  timeout 60 "${P[@]}" system reset -f >/dev/null 2>&1
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
  for m in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
    [ -d "$m" ] && find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  [ -z "$had_lock" ] && rm -f /dev/shm/libpod_lock
  if [ -n "${PODMAN_KEEP:-}" ]; then echo "# kept $D" >&2; else rm -rf "$D"; fi
  for ((i = ${#PRE_DIRS[@]} - 1; i >= 0; i--)); do
    rm -f "${PRE_DIRS[$i]}/blob-info-cache-v1.boltdb"
    rmdir "${PRE_DIRS[$i]}" 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RT=$RAMPART
if [ -n "${E2E_TRACE:-}" ]; then
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/invocations.log"\nexec "%s" "$@"\n' "$D" "$RAMPART" >"$D/rampart-trace"
  chmod 755 "$D/rampart-trace"
  RT=$D/rampart-trace
fi

pk() { # OUT ERR RC
  local e o
  e=$(mktemp); o=$(mktemp)
  timeout -k 5 "$T" "${P[@]}" "$@" >"$o" 2>"$e" </dev/null
  RC=$?
  OUT=$(tr -d '\r' <"$o"); ERR=$(cat "$e")
  rm -f "$e" "$o"
}
diag() {
  printf 'rc=%s\nstderr: %s\n' "$RC" "$ERR"
  if [ -f "$D/invocations.log" ]; then echo "last runtime invocations:"; tail -n 4 "$D/invocations.log"; fi
}
status_field() { printf '%s\n' "$1" | awk -v k="$2:" '$1 == k {print $2}'; }
IMG=localhost/rampart-busybox:test
prun() { pk run --rm --runtime "$RT" --network none --cgroup-parent "/$CGP" "$@"; }

e2e_rootfs_tar "$D/rootfs.tar" || { e2e_fail "image: busybox rootfs"; e2e_summary "$SUITE"; exit 1; }
pk import --change CMD=sh "$D/rootfs.tar" "$IMG"
if [ "$RC" != 0 ]; then
  printf '%s\n' "$ERR" | tail -n 5 | sed 's/^/# /'
  e2e_skip_suite "$SUITE" "podman cannot import an image on this machine (podman $(podman --version 2>/dev/null))"
fi
e2e_ok "image: podman import of the busybox rootfs"
echo "# podman suite: runtime $RAMPART, $(podman --version), dir $D"

prun "$IMG" echo hello from podman
e2e_check "podman run: output" "hello from podman" "$OUT" "$(diag)"
prun "$IMG" sh -c 'exit 3'
e2e_check "podman run: exit code 3" 3 "$RC" "$(diag)"
prun --user 1000:1000 "$IMG" sh -c 'echo $(id -u):$(id -g)'
e2e_check "podman run --user 1000:1000" 1000:1000 "$OUT" "$(diag)"
prun --hostname phost -e FOO=bar -w /tmp "$IMG" sh -c 'echo $(hostname) $FOO $(pwd)'
e2e_check "podman run --hostname -e -w" "phost bar /tmp" "$OUT" "$(diag)"
prun "$IMG" cat /proc/self/status
e2e_check "podman run: default CapEff (the 14 of containers-common's defaults)" 00000000a80425fb "$(status_field "$OUT" CapEff)" "$(diag)"
e2e_check "podman run: Seccomp 2" 2 "$(status_field "$OUT" Seccomp)" "$(diag)"
prun --cap-drop all --cap-add net_bind_service "$IMG" cat /proc/self/status
e2e_check "podman run --cap-drop all --cap-add net_bind_service: CapEff 0x400" 0000000000000400 "$(status_field "$OUT" CapEff)" "$(diag)"
prun --memory 64m --pids-limit 20 "$IMG" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
e2e_check "podman run --memory 64m --pids-limit 20: read inside" "67108864
20" "$OUT" "$(diag)"
prun --security-opt no-new-privileges --security-opt seccomp=unconfined "$IMG" cat /proc/self/status
e2e_check "podman run --security-opt no-new-privileges,seccomp=unconfined: NoNewPrivs 1, Seccomp 0" "1 0" \
  "$(status_field "$OUT" NoNewPrivs) $(status_field "$OUT" Seccomp)" "$(diag)"
HOST_CAPBND=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
prun --privileged "$IMG" cat /proc/self/status
# podman asks only for the capabilities it holds itself: runc passes this too
e2e_check "podman run --privileged: CapEff = the host's bounding set, Seccomp 0" "$HOST_CAPBND 0" \
  "$(status_field "$OUT" CapEff) $(status_field "$OUT" Seccomp)" "$(diag)"
prun --read-only "$IMG" touch /x
if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -qi 'read-only'; then e2e_ok "podman run --read-only: write fails"; else e2e_fail "podman run --read-only: write fails" "$(diag)"; fi
OUT=$(echo hi-stdin | timeout -k 5 "$T" "${P[@]}" run -i --rm --runtime "$RT" --network none --cgroup-parent "/$CGP" "$IMG" cat 2>&1); RC=$?; ERR=$OUT
e2e_check "podman run -i: stdin" hi-stdin "$OUT" "$(diag)"
OUT=$(e2e_tty "$T" "${P[*]} run -t --rm --runtime $RT --network none --cgroup-parent /$CGP $IMG tty"); RC=$?; ERR=$OUT
e2e_match "podman run -t: a tty" '/dev/pts/[0-9]+$' "$OUT" "$(diag)"

pk run -d --runtime "$RT" --network none --cgroup-parent "/$CGP" "$IMG" sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done'
CID=$OUT
if [ "$RC" != 0 ] || [ -z "$CID" ]; then
  e2e_fail "podman run -d: starts" "$(diag)"
else
  e2e_ok "podman run -d: starts"
  pk exec "$CID" echo exec-ok
  e2e_check "podman exec: output" exec-ok "$OUT" "$(diag)"
  pk exec "$CID" sh -c 'exit 5'
  e2e_check "podman exec: exit code 5" 5 "$RC" "$(diag)"
  pk exec -u 65534 "$CID" id -u
  e2e_check "podman exec -u 65534" 65534 "$OUT" "$(diag)"
  pk exec "$CID" cat /proc/self/status
  e2e_check "podman exec: CapEff as the container" 00000000a80425fb "$(status_field "$OUT" CapEff)" "$(diag)"
  e2e_check "podman exec: Seccomp 2 as the container" 2 "$(status_field "$OUT" Seccomp)" "$(diag)"
  pk exec -u 1000 "$CID" cat /proc/self/status
  e2e_check "podman exec -u 1000: Uid 1000, CapEff 0" "1000 0000000000000000" \
    "$(status_field "$OUT" Uid) $(status_field "$OUT" CapEff)" "$(diag)"
  pk logs "$CID"
  e2e_check "podman logs" started "$OUT" "$(diag)"
  pk pause "$CID"
  e2e_check "podman pause: paused" paused "$("${P[@]}" inspect -f '{{.State.Status}}' "$CID" 2>&1)" "$(diag)"
  pk unpause "$CID"
  e2e_check "podman unpause: running" running "$("${P[@]}" inspect -f '{{.State.Status}}' "$CID" 2>&1)" "$(diag)"
  pk top "$CID"
  e2e_match "podman top: lists the process" 'sleep|sh -c' "$OUT" "$(diag)"
  pk stop -t 5 "$CID"
  e2e_check "podman stop: trapping sh exits 0" 0 "$("${P[@]}" inspect -f '{{.State.ExitCode}}' "$CID" 2>&1)" "$(diag)"
  pk rm -f -t 0 "$CID"
  e2e_check "podman rm" 0 "$RC" "$(diag)"
fi

# A learned seccomp profile through podman (the annotation; issue 6), then the workload
# under it: what it did runs, what it never did (mkdir) is denied.
case "$(basename "$RAMPART")" in
  runc* | crun*) e2e_skip "podman: seccomp learning by annotation" "rampart only" ;;
  *)
    LF=podman-e2e-$$.json
    LOUT=/var/lib/rampart/seccomp-learned/$LF
    rm -f "$LOUT"
    prun --annotation "run.rampart.seccomp.learn=$LF" "$IMG" sh -c 'echo learned-run; ls / >/dev/null'
    for _ in $(seq 1 50); do [ -s "$LOUT" ] && break; sleep 0.1; done
    if [ -s "$LOUT" ] && python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert any("execve" in s["names"] for s in p["syscalls"])' "$LOUT" 2>/dev/null; then
      e2e_ok "podman --annotation run.rampart.seccomp.learn: profile written ($LOUT)"
      prun --security-opt "seccomp=$LOUT" "$IMG" sh -c 'echo learned-run; ls / >/dev/null'
      e2e_check "podman: the workload runs under its learned profile" learned-run "$OUT" "$(diag)"
      prun --security-opt "seccomp=$LOUT" "$IMG" mkdir /tmp/never
      e2e_match "podman: a syscall the workload never made (mkdir) is denied" "mkdir: can't create directory '/tmp/never': Operation not permitted" "$OUT$ERR" "$(diag)"
    else
      e2e_fail "podman --annotation run.rampart.seccomp.learn: profile written" "no valid profile at $LOUT" "$(diag)"
    fi
    rm -f "$LOUT"
    ;;
esac
e2e_summary "$SUITE"
