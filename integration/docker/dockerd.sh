# shellcheck shell=bash
# A private dockerd for the end-to-end suites and the latency bench. Source it:
#
#   . integration/docker/dockerd.sh
#   dockerd_start /path/to/rampart || exit   # sets DOCKER_HOST, DOCKERD_DIR; traps cleanup
#   docker run --rm --runtime rampart --network none rampart-busybox:test true
#   dockerd_cleanup                          # also runs from the EXIT trap
#
# Everything lives under one temp dir (data-root, exec-root, pidfile, socket, config,
# client config); the system dockerd/containerd (if any) are never used or touched:
# the daemon gets its own --config-file and --containerd is left unset only when no
# system containerd socket exists (otherwise a private containerd is started first).
# Runtimes registered: rampart=<path given>, crun=/usr/bin/crun (when installed); runc is
# dockerd's built-in default.
#
# Environment: DOCKERD_KEEP=1 keeps the temp dir for debugging (daemon still stopped).
# DOCKERD_EXTRA_RUNTIMES (bash array of name=path) registers more runtimes, e.g. wrappers
# that run rampart with RAMPART_POLICY set.

DOCKERD_IMAGE=${DOCKERD_IMAGE:-rampart-busybox:test}
DOCKERD_NEW_PATHS=()
_dockerd_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1091
. "$_dockerd_here/../e2e-lib.sh"

# dockerd_install: docker.io + containerd from Debian when a binary is missing.
dockerd_install() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v docker >/dev/null || need+=(docker.io)
  command -v containerd >/dev/null || need+=(containerd)
  command -v containerd-shim-runc-v2 >/dev/null || need+=(containerd)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "dockerd.sh: ${need[*]} missing and not root" >&2
    return 1
  fi
  echo "dockerd.sh: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
}

# _dockerd_kill_tree_under DIR: stop every process whose command line names DIR
# (the managed containerd and its shims), by pid.
_dockerd_kill_under() {
  local dir=$1 sig=$2 p cmd
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$$" ] && continue
    cmd=$( { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null) || continue
    case "$cmd" in
      *"$dir"*) kill "-$sig" "$p" 2>/dev/null ;;
    esac
  done
}

dockerd_cleanup() {
  [ -n "${DOCKERD_DIR:-}" ] && [ -d "$DOCKERD_DIR" ] || return 0
  local d=$DOCKERD_DIR pid i m mp
  if [ -S "$d/docker.sock" ] && [ -n "${DOCKERD_PID:-}" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    # containers first, so their runtime state and cgroups go away through the runtime
    local ids
    ids=$(timeout 20 docker ps -aq 2>/dev/null)
    [ -n "$ids" ] && timeout 60 docker rm -f $ids >/dev/null 2>&1
  fi
  pid=${DOCKERD_PID:-$(cat "$d/docker.pid" 2>/dev/null)}
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  _dockerd_kill_under "$d" TERM
  sleep 0.5
  _dockerd_kill_under "$d" KILL
  # mounts (overlay, shm, netns, container rootfs) the daemon left under the temp dir
  for i in 1 2 3; do
    m=$(awk -v d="$d" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r)
    [ -z "$m" ] && break
    for mp in $m; do umount -l "$mp" 2>/dev/null; done
  done
  # the cgroup parent this daemon used (empty directories only)
  if [ -n "${DOCKERD_CGROUP_PARENT:-}" ]; then
    for m in /sys/fs/cgroup/*/"$DOCKERD_CGROUP_PARENT" /sys/fs/cgroup/"$DOCKERD_CGROUP_PARENT"; do
      [ -d "$m" ] || continue
      find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  fi
  # what dockerd writes outside its data/exec roots whatever the flags (its trust key in
  # /etc/docker, the plugin socket dir /run/docker/plugins): removed when this run made it
  for ((i = ${#DOCKERD_NEW_PATHS[@]} - 1; i >= 0; i--)); do
    m=${DOCKERD_NEW_PATHS[$i]}
    if [ -d "$m" ]; then rmdir "$m" 2>/dev/null; else rm -f "$m"; fi
  done
  DOCKERD_NEW_PATHS=()
  if [ -n "${DOCKERD_KEEP:-}" ]; then
    echo "dockerd.sh: kept $d" >&2
  else
    rm -rf "$d" 2>/dev/null || { sleep 1; rm -rf "$d"; }
  fi
  DOCKERD_DIR=
  DOCKERD_PID=
}

# dockerd_start RAMPART_PATH: start the daemon, wait until it answers, import the image.
# Returns 1 when the daemon cannot start here, 3 when it runs but the image cannot be made.
dockerd_start() {
  local rampart=${1:-}
  dockerd_install || return 1
  [ -n "$rampart" ] && rampart=$(readlink -f "$rampart")
  DOCKERD_NEW_PATHS=()
  local p
  for p in /etc/docker /etc/docker/key.json /run/docker /run/docker/plugins \
           /run/containerd /run/containerd/s /run/containerd/fifo /run/containerd/runc; do
    [ -e "$p" ] || DOCKERD_NEW_PATHS+=("$p")
  done
  DOCKERD_DIR=$(mktemp -d /tmp/rampart-dockerd.XXXXXX) || return 1
  chmod 711 "$DOCKERD_DIR"
  DOCKERD_CGROUP_PARENT=rampart-e2e-${DOCKERD_DIR##*.}
  trap dockerd_cleanup EXIT
  trap 'exit 130' INT TERM
  local d=$DOCKERD_DIR
  mkdir -p "$d/data" "$d/exec" "$d/client"
  echo '{}' >"$d/daemon.json"
  local args=(--data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/docker.pid"
              -H "unix://$d/docker.sock" --config-file "$d/daemon.json"
              --bridge=none --iptables=false --ip6tables=false --ip-forward=false
              --ip-masq=false --userland-proxy=false
              --cgroup-parent "/$DOCKERD_CGROUP_PARENT" --log-level info)
  [ -n "$rampart" ] && args+=(--add-runtime "rampart=$rampart")
  command -v crun >/dev/null && args+=(--add-runtime "crun=$(command -v crun)")
  local extra
  for extra in ${DOCKERD_EXTRA_RUNTIMES[@]+"${DOCKERD_EXTRA_RUNTIMES[@]}"}; do
    args+=(--add-runtime "$extra")
  done
  if [ -S /run/containerd/containerd.sock ]; then
    # a system containerd exists: do not let dockerd share it; run a private one
    mkdir -p "$d/ctd"
    cat >"$d/ctd/config.toml" <<EOF
version = 2
root = "$d/ctd/root"
state = "$d/ctd/state"
[grpc]
  address = "$d/ctd/containerd.sock"
[debug]
  address = "$d/ctd/debug.sock"
[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
EOF
    setsid containerd --config "$d/ctd/config.toml" >"$d/ctd/log" 2>&1 </dev/null &
    local i
    for i in $(seq 1 100); do [ -S "$d/ctd/containerd.sock" ] && break; sleep 0.1; done
    args+=(--containerd "$d/ctd/containerd.sock")
  fi
  export DOCKER_HOST="unix://$d/docker.sock"
  export DOCKER_CONFIG="$d/client"
  setsid dockerd "${args[@]}" >"$d/dockerd.log" 2>&1 </dev/null &
  DOCKERD_PID=$!
  local i ok=
  for i in $(seq 1 150); do
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      echo "dockerd.sh: dockerd exited during start; its log:" >&2
      tail -n 30 "$d/dockerd.log" >&2
      return 1
    fi
    if docker version >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    echo "dockerd.sh: dockerd did not answer within 30s; its log:" >&2
    tail -n 30 "$d/dockerd.log" >&2
    return 1
  fi
  e2e_rootfs_tar "$d/rootfs.tar" || { echo "dockerd.sh: cannot build the busybox rootfs" >&2; return 3; }
  docker import -c 'CMD ["sh"]' "$d/rootfs.tar" "$DOCKERD_IMAGE" >/dev/null || {
    echo "dockerd.sh: docker import failed" >&2; return 3; }
  return 0
}

# dockerd_log [N]: the last N lines of the daemon's log (for diagnostics)
dockerd_log() { tail -n "${1:-40}" "$DOCKERD_DIR/dockerd.log"; }
