# Docker scenarios for the policy authoring tools (issue 6). Sourced by
# integration/docker/run.sh before the daemon starts. Only with rampart under test.
#   - Landlock through Docker: a runtime `rampart-ll` (rampart with a policy whose
#     [[profile]] matches /usr/sbin/nginx and names bane's sample TOML) runs an image whose
#     /usr/sbin/nginx is a small static stand-in that performs the "malicious activity" of
#     bane's walk-through on request: exec /bin/sh and touch /root/hello are denied, a
#     write to the WritablePaths entry succeeds; `docker exec` gets the same ruleset.
#   - learned seccomp through Docker: a runtime `rampart-learn` whose policy profile sets
#     seccomp_learn; the workload then runs under the learned profile, mkdir is denied.
#   - inspect of containers Docker started: `rampart --root <the shim's root> inspect ID`
#     shows Docker's default capabilities, --privileged's full set and
#     --cap-drop=all --cap-add=net_bind_service as that capability alone, with busybox
#     httpd serving on port 80 (loopback) under it.

TOOLS_DIR=$WRAPDIR/tools
mkdir -p "$TOOLS_DIR"
cat >"$WRAPDIR/rampart-ll" <<EOF
#!/bin/sh
RAMPART_POLICY="$TOOLS_DIR/ll.toml" exec "$reg" "\$@"
EOF
chmod 755 "$WRAPDIR/rampart-ll"
[ "$KIND" = rampart ] && DOCKERD_EXTRA_RUNTIMES+=("rampart-ll=$WRAPDIR/rampart-ll")
# rampart-learn: a policy whose profile learns a seccomp profile of every container
# (dockerd 20.10 cannot pass annotations, so the policy selects the learning)
cat >"$WRAPDIR/rampart-learn" <<EOF
#!/bin/sh
RAMPART_POLICY="$TOOLS_DIR/learn.toml" exec "$reg" "\$@"
EOF
chmod 755 "$WRAPDIR/rampart-learn"
[ "$KIND" = rampart ] && DOCKERD_EXTRA_RUNTIMES+=("rampart-learn=$WRAPDIR/rampart-learn")
EXTRA_SCENARIOS+=(t_tools)

_tools_sample() {
  local s
  for s in "$here/../../../shared/reference/bane-sample.toml" "$here/../../shared/reference/bane-sample.toml"; do
    [ -f "$s" ] && { echo "$s"; return 0; }
  done
  return 1
}

# _tools_image: rampart-nginx:test = the busybox rootfs + the static stand-in as
# /usr/sbin/nginx and /var/run -> /run (as in Debian's nginx images).
_tools_image() {
  command -v cc >/dev/null || return 1
  local d=$TOOLS_DIR/img
  mkdir -p "$d"
  e2e_rootfs "$d/rootfs" || return 1
  mkdir -p "$d/rootfs/usr/sbin"
  cc -static -O2 -o "$d/rootfs/usr/sbin/nginx" "$here/../tools/nginx-sim.c" 2>"$TOOLS_DIR/cc.err" || return 1
  rmdir "$d/rootfs/var" 2>/dev/null; mkdir -p "$d/rootfs/var"
  ln -s /run "$d/rootfs/var/run"
  tar --numeric-owner -C "$d/rootfs" -cf "$d/rootfs.tar" . || return 1
  docker import -c 'CMD ["/usr/sbin/nginx", "sleep", "300"]' "$d/rootfs.tar" rampart-nginx:test >/dev/null || return 1
  rm -rf "$d"
}

# _tools_root CID: the --root under which the shim keeps the runtime's state for CID
_tools_root() {
  local f
  f=$(find "$DOCKERD_DIR" /run/docker /var/run/docker /run/containerd -maxdepth 6 -path "*/$1/state.json" 2>/dev/null | head -n 1)
  [ -n "$f" ] && dirname "$(dirname "$f")"
}

t_tools() {
  if [ "$KIND" != rampart ]; then
    e2e_skip "tools scenarios" "need rampart (runtime under test: $KIND)"
    return
  fi
  local sample c root out
  # ---------------------------------------------------------------- inspect
  for variant in default privileged netbind; do
    case $variant in
      default) drd $IMG sleep 60 ;;
      privileged) drd --privileged $IMG sleep 60 ;;
      netbind) drd --cap-drop=all --cap-add=net_bind_service $IMG httpd -f -p 80 -h /etc ;;
    esac
    c=$CID
    if [ -z "$c" ]; then
      e2e_fail "inspect ($variant): container started" "$(diag)"
      continue
    fi
    root=$(_tools_root "$c")
    if [ -z "$root" ]; then
      e2e_fail "inspect ($variant): runtime state of $c found" "no state.json for it under $DOCKERD_DIR"
      rmc "$c"
      continue
    fi
    out=$("$RAMPART" --root "$root" inspect "$c" 2>&1)
    case $variant in
      default)
        e2e_match "inspect of a Docker container: Docker's 14 default capabilities" \
          '^  effective   cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service,cap_net_raw,cap_sys_chroot,cap_mknod,cap_audit_write,cap_setfcap$' "$out"
        e2e_match "inspect of a Docker container: seccomp filter" '^seccomp       filter' "$out"
        out=$("$RAMPART" --root "$root" inspect --format json "$c" 2>&1)
        e2e_check "inspect --format json of a Docker container" ok \
          "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ok" if d["processes"][0]["pid"] > 0 else "bad")' 2>&1)" ;;
      privileged)
        # what the host's bounding set has of Docker 20.10's request (caps 0-37)
        local want
        want=$(printf '%016x' $(( 0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) & 0x3fffffffff )))
        local pid
        pid=$(docker inspect -f '{{.State.Pid}}' "$c" 2>/dev/null)
        e2e_check "inspect --privileged: CapEff is all the host has of Docker's request" "$want" \
          "$(awk '/^CapEff/ {print $2}' "/proc/${pid:-0}/status" 2>&1)"
        e2e_match "inspect --privileged: cap_sys_admin listed" '^  effective   .*cap_sys_admin' "$out"
        e2e_match "inspect --privileged: seccomp disabled" '^seccomp       disabled' "$out" ;;
      netbind)
        e2e_match "inspect --cap-drop=all --cap-add=net_bind_service: only that capability" \
          '^  effective   cap_net_bind_service$' "$out"
        # busybox httpd bound port 80 with that capability alone (loopback inside the container)
        local got=""
        for _ in 1 2 3 4 5 6 7 8 9 10; do
          dk exec "$c" wget -qO- http://127.0.0.1:80/hostname
          got=$OUT
          [ -n "$got" ] && break
          sleep 0.2
        done
        e2e_check "httpd on port 80 with only cap_net_bind_service serves (loopback)" "$(docker exec "$c" cat /etc/hostname 2>&1)" "$got" "$(diag)" ;;
    esac
    rmc "$c"
  done

  # ---------------------------------------------------------------- learned seccomp via Docker
  cat >"$TOOLS_DIR/learn.toml" <<EOF
decision_log = "$TOOLS_DIR/decisions.log"

[[profile]]
name = "learn"
match = { bundle = "/**" }
seccomp_learn = "$TOOLS_DIR/learned.json"
EOF
  dk run --rm --runtime rampart-learn --network none $IMG sh -c 'echo learned-run; ls / >/dev/null'
  for _ in $(seq 1 50); do [ -s "$TOOLS_DIR/learned.json" ] && break; sleep 0.1; done
  if [ "$OUT" = learned-run ] && [ -s "$TOOLS_DIR/learned.json" ]; then
    e2e_ok "learned seccomp via Docker: profile written by the policy's seccomp_learn"
    dr --security-opt "seccomp=$TOOLS_DIR/learned.json" $IMG sh -c 'echo learned-run; ls / >/dev/null'
    e2e_check "learned seccomp via Docker: the workload runs under its learned profile" learned-run "$OUT" "$(diag)"
    dr --security-opt "seccomp=$TOOLS_DIR/learned.json" $IMG mkdir /tmp/never
    e2e_match "learned seccomp via Docker: mkdir, never made, is denied" \
      "mkdir: can't create directory '/tmp/never': Operation not permitted" "$OUT$ERR" "$(diag)"
  else
    e2e_fail "learned seccomp via Docker: profile written by the policy's seccomp_learn" "$(diag)" "out: $OUT"
  fi

  # ---------------------------------------------------------------- Landlock via Docker
  if ! sample=$(_tools_sample); then
    e2e_skip "landlock through Docker" "bane-sample.toml not found (../shared/reference)"
    return
  fi
  if ! _tools_image; then
    e2e_skip "landlock through Docker" "cannot build the nginx stand-in image (no C compiler?): $(cat "$TOOLS_DIR/cc.err" 2>/dev/null)"
    return
  fi
  cp "$sample" "$TOOLS_DIR/nginx.toml"
  cat >"$TOOLS_DIR/ll.toml" <<EOF
decision_log = "$TOOLS_DIR/decisions.log"

[[profile]]
name = "nginx"
match = { executable = "/usr/sbin/nginx" }
landlock = "$TOOLS_DIR/nginx.toml"
EOF
  local ll=(--runtime rampart-ll --network none rampart-nginx:test /usr/sbin/nginx)
  dk run --rm "${ll[@]}" touch /root/hello
  e2e_match "landlock via Docker: touch /root/hello is denied" 'touch /root/hello: Permission denied' "$OUT$ERR"
  dk run --rm "${ll[@]}" exec /bin/sh -c true
  e2e_match "landlock via Docker: exec /bin/sh is denied" 'exec /bin/sh: Permission denied' "$OUT$ERR"
  dk run --rm "${ll[@]}" touch /var/run/nginx.pid
  e2e_match "landlock via Docker: the WritablePaths entry is writable" 'touch /var/run/nginx.pid: ok' "$OUT$ERR"
  dk run --rm --network none rampart-nginx:test /usr/sbin/nginx touch /root/hello
  e2e_match "control: without the profile (runtime $RT) the same touch succeeds" 'touch /root/hello: ok' "$OUT$ERR"
  dk run -d "${ll[@]}" sleep 120
  c=$OUT
  if [ "$RC" = 0 ] && [ -n "$c" ]; then
    if "$RAMPART" exec --help >/dev/null 2>&1; then
      dk exec "$c" /usr/sbin/nginx exec /bin/sh -c true
      e2e_match "landlock via Docker: docker exec gets the same ruleset (exec /bin/sh denied)" 'exec /bin/sh: Permission denied' "$OUT$ERR"
      dk exec "$c" /usr/sbin/nginx touch /root/hello
      e2e_match "landlock via Docker: docker exec cannot touch /root/hello" 'touch /root/hello: Permission denied' "$OUT$ERR"
    else
      e2e_skip "landlock via Docker: docker exec" "this rampart has no exec command"
    fi
    root=$(_tools_root "$c")
    out=$("$RAMPART" --root "${root:-/nonexistent}" inspect "$c" 2>&1)
    e2e_match "inspect via Docker: the Landlock profile is shown" '^landlock      nginx-sample' "$out"
    rmc "$c"
  else
    e2e_fail "landlock via Docker: detached container" "$(diag)"
  fi
}
