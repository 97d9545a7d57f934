# Docker scenarios for the policy layer (issue 5). Sourced by integration/docker/run.sh
# before the daemon starts. Registers three extra runtimes, all the same rampart binary
# with RAMPART_POLICY set by a wrapper (the shim passes no environment of ours):
#   rampart-deny    a strict policy, enforcement "deny"
#   rampart-fix     the same limits, enforcement "fix"
#   rampart-broken  a malformed policy file: every create must be refused (fail closed)
# The policy files are written once the daemon runs (they name its socket). Only run
# when the runtime under test is rampart; with runc/crun they are skipped.

POLICY_DIR=$WRAPDIR/policy
mkdir -p "$POLICY_DIR"
for _p in deny fix broken; do
  cat >"$WRAPDIR/rampart-$_p" <<EOF
#!/bin/sh
RAMPART_POLICY="$POLICY_DIR/$_p.toml" exec "$reg" "\$@"
EOF
  chmod 755 "$WRAPDIR/rampart-$_p"
  [ "$KIND" = rampart ] && DOCKERD_EXTRA_RUNTIMES+=("rampart-$_p=$WRAPDIR/rampart-$_p")
done
unset _p
EXTRA_SCENARIOS+=(t_policy)

_policy_write() { # MODE
  cat <<EOF
decision_log = "$POLICY_DIR/decisions.log"

[enforcement]
default = "$1"

[limits]
forbid_privileged = true
forbidden_capabilities = ["CAP_SYS_ADMIN", "CAP_SYS_MODULE"]
require_seccomp = true
forbidden_mount_sources = ["$DOCKERD_DIR/docker.sock", "/var/run/docker.sock", "/run/docker.sock"]
EOF
}

# pr RUNTIME ARGS...: docker run --rm with a policy runtime
pr() { local r=$1; shift; dk run --rm --runtime "$r" --network none "$@"; }

# refused NAME WORD: RC != 0 and the error line is the policy's and names WORD
# (docker exec prints the runtime's error on stdout, docker run on stderr)
refused() {
  local msg="$ERR$OUT"
  if [ "$RC" != 0 ] && printf '%s' "$msg" | grep -q 'policy:' && printf '%s' "$msg" | grep -qi -- "$2"; then
    e2e_ok "$1 ($(printf '%s' "$msg" | grep -o 'policy:.*' | head -n1 | cut -c1-120))"
  else
    e2e_fail "$1" "expected: refused with a 'policy: ...' line naming $2" "got: rc=$RC out=$OUT" "stderr: $ERR"
  fi
}

t_policy() {
  if [ "$KIND" != rampart ]; then
    e2e_skip "policy scenarios" "need rampart (runtime under test: $KIND)"
    return
  fi
  _policy_write deny >"$POLICY_DIR/deny.toml"
  _policy_write fix >"$POLICY_DIR/fix.toml"
  printf '[limits\nforbid_privileged = yes\n' >"$POLICY_DIR/broken.toml"

  # deny mode
  pr rampart-deny $IMG cat /proc/self/status
  e2e_check "policy deny: a default container runs (Docker's 14 caps)" 00000000a80425fb "$(status_field "$OUT" CapEff)" "$(diag)"
  pr rampart-deny --privileged $IMG true
  refused "policy deny: --privileged refused" privileged
  pr rampart-deny --cap-add SYS_ADMIN $IMG true
  refused "policy deny: --cap-add SYS_ADMIN refused" CAP_SYS_ADMIN
  pr rampart-deny --security-opt seccomp=unconfined $IMG true
  refused "policy deny: seccomp=unconfined refused" seccomp
  pr rampart-deny -v "$DOCKERD_DIR/docker.sock:/s" $IMG true
  refused "policy deny: -v <docker socket>:/s refused" docker.sock
  dk run -d --runtime rampart-deny --network none $IMG sleep 300
  local c=$OUT
  if [ "$RC" = 0 ] && [ -n "$c" ]; then
    dk exec --privileged "$c" true
    refused "policy deny: docker exec --privileged refused" privileged
    dk exec "$c" echo plain-exec
    e2e_check "policy deny: plain docker exec still works" plain-exec "$OUT" "$(diag)"
    rmc "$c"
  else
    e2e_fail "policy deny: detached container for exec" "$(diag)"
  fi
  if [ -s "$POLICY_DIR/decisions.log" ] && grep -q 'forbidden_capabilities' "$POLICY_DIR/decisions.log"; then
    e2e_ok "policy: decisions logged as JSON lines ($(wc -l <"$POLICY_DIR/decisions.log") records)"
  else
    e2e_fail "policy: decisions logged" "$POLICY_DIR/decisions.log: $(head -c 300 "$POLICY_DIR/decisions.log" 2>&1)"
  fi

  # fix mode: the same containers run, brought inside the limits
  pr rampart-fix --cap-add SYS_ADMIN $IMG cat /proc/self/status
  e2e_check "policy fix: --cap-add SYS_ADMIN runs without it" 00000000a80425fb "$(status_field "$OUT" CapEff)" "$(diag)"
  pr rampart-fix --security-opt seccomp=unconfined $IMG cat /proc/self/status
  e2e_check "policy fix: seccomp=unconfined gets the default profile" 2 "$(status_field "$OUT" Seccomp)" "$(diag)"
  pr rampart-fix --privileged $IMG cat /proc/self/status
  if [ "$RC" = 0 ] && [ "$(status_field "$OUT" Seccomp)" = 2 ] &&
     [ "$(status_field "$OUT" CapEff)" = 00000000a80425fb ]; then
    e2e_ok "policy fix: --privileged runs with the default 14 capabilities and Seccomp 2"
  else
    e2e_fail "policy fix: --privileged runs unprivileged" "CapEff $(status_field "$OUT" CapEff) Seccomp $(status_field "$OUT" Seccomp)" "$(diag)"
  fi

  # a malformed policy fails closed
  pr rampart-broken $IMG true
  if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -q 'broken.toml'; then
    e2e_ok "policy malformed: every create refused, naming the file ($(printf '%s' "$ERR" | grep -o '[^:]*broken.toml.*' | head -n1 | cut -c1-100))"
  else
    e2e_fail "policy malformed: create refused naming the file" "rc=$RC" "stderr: $ERR"
  fi
}
