#!/usr/bin/env bash
# integration/policy/run.sh RUNTIME: the policy layer through `rampart run` / `create`.
# Embedded default on a bundle that leaves the envelope unset, strict policies in deny
# and fix mode, a malformed policy (fail closed), and the `policy` command.
source "$(dirname "$0")/../lib.sh"
suite_init policy "${1:-}"

if ! "$RT" policy --help >/dev/null 2>&1; then
  skip "policy suite" "$RT_NAME has no policy command (not rampart)"
  finish
fi

status_field() { printf '%s\n' "$1" | sed -n "s/^$2:[[:space:]]*//p" | head -n 1; }
# cap_mask NAME...: /proc/PID/status hex mask of the capabilities (CAP_ prefix optional)
cap_mask() {
  python3 - "$@" <<'PY'
import sys
names = ["CHOWN","DAC_OVERRIDE","DAC_READ_SEARCH","FOWNER","FSETID","KILL","SETGID","SETUID",
  "SETPCAP","LINUX_IMMUTABLE","NET_BIND_SERVICE","NET_BROADCAST","NET_ADMIN","NET_RAW","IPC_LOCK",
  "IPC_OWNER","SYS_MODULE","SYS_RAWIO","SYS_CHROOT","SYS_PTRACE","SYS_PACCT","SYS_ADMIN","SYS_BOOT",
  "SYS_NICE","SYS_RESOURCE","SYS_TIME","SYS_TTY_CONFIG","MKNOD","LEASE","AUDIT_WRITE","AUDIT_CONTROL",
  "SETFCAP","MAC_OVERRIDE","MAC_ADMIN","SYSLOG","WAKE_ALARM","BLOCK_SUSPEND","AUDIT_READ","PERFMON","BPF",
  "CHECKPOINT_RESTORE"]
m = 0
for a in sys.argv[1:]:
    m |= 1 << names.index(a.removeprefix("CAP_"))
print("%016x" % m)
PY
}
DOCKER14="CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE"

# A bundle that leaves the security envelope to the policy: no capabilities, no
# maskedPaths/readonlyPaths, no noNewPrivileges.
bare_bundle() {
  local b
  b=$(new_bundle)
  make_bundle "$b" "$@" || return 1
  cfg_py "$b" 'delete("process.capabilities"); delete("process.noNewPrivileges"); delete("linux.maskedPaths"); delete("linux.readonlyPaths"); delete("linux.seccomp")'
  printf '%s\n' "$b"
}
# run_out BUNDLE [RT-ARGS...]: `run` the bundle, output in $OUT, exit status in $RC
run_out() {
  local b=$1 id
  shift
  id=$(new_id pol)
  rt "$@" run --bundle "$b" "$id" >"$WORK/run.out" 2>&1 </dev/null
  RC=$?
  OUT=$(cat "$WORK/run.out")
  LAST_ID=$id
}
left_behind() { # ID: prints what a refused create left (state dir), nothing when clean
  [ -e "$ROOT/$1" ] && echo "state dir $ROOT/$1"
  find /sys/fs/cgroup -maxdepth 4 -type d -name "*$1*" 2>/dev/null | head -n 3
}

P=$(new_dir policies)
LOG=$P/decisions.log
printf 'decision_log = "%s"\n' "$LOG" >"$P/embedded.toml"
strict() { # MODE
  cat <<EOT
decision_log = "$LOG"
[enforcement]
default = "$1"
[limits]
forbid_privileged = true
forbidden_capabilities = ["CAP_SYS_ADMIN", "CAP_SYS_MODULE"]
require_seccomp = true
forbidden_mount_sources = ["/var/run/docker.sock", "/run/docker.sock", "/etc/**"]
EOT
}
strict deny >"$P/deny.toml"
strict fix >"$P/fix.toml"
printf '[limits]\nforbid_privileged = true\nforbiden_capabilities = ["CAP_SYS_ADMIN"]\n' >"$P/broken.toml"

# ---- embedded default
B=$(bare_bundle cat /proc/self/status) || { not_ok "bare bundle"; finish; }
run_out "$B" --policy "$P/embedded.toml"
expect_eq "embedded default: run succeeds" 0 "$RC" || diag "$OUT"
expect_eq "embedded default: CapEff is Docker's 14" "$(cap_mask $DOCKER14)" "$(status_field "$OUT" CapEff)"
expect_eq "embedded default: CapBnd is Docker's 14" "$(cap_mask $DOCKER14)" "$(status_field "$OUT" CapBnd)"
expect_eq "embedded default: CapInh empty" 0000000000000000 "$(status_field "$OUT" CapInh)"
expect_eq "embedded default: Seccomp 2 (Docker's profile)" 2 "$(status_field "$OUT" Seccomp)"
expect_match "decision log has the create" "\"container_id\":\"$LAST_ID\".*\"defaults.seccomp\".*\"result\":\"allowed\"" "$(cat "$LOG" 2>&1)"

if [ -e /proc/keys ]; then
  B=$(bare_bundle cat /proc/keys) || true
  run_out "$B" --policy "$P/embedded.toml"
  expect_eq "embedded default: /proc/keys masked (reads empty)" "0:" "$RC:$OUT"
else
  skip "embedded default: /proc/keys masked" "no /proc/keys on this host"
fi

# RAMPART_POLICY is honoured like --policy
B=$(bare_bundle true)
cfg_py "$B" 'c["process"]["capabilities"] = {k: ["CAP_SYS_ADMIN"] for k in ("bounding", "effective", "permitted")}'
id=$(new_id pol)
RAMPART_POLICY=$P/deny.toml timeout -k 5 "$T" "$RT" --root "$ROOT" run --bundle "$B" "$id" >"$WORK/env.out" 2>&1 </dev/null
expect_match "RAMPART_POLICY: refused by the strict policy" 'policy: CAP_SYS_ADMIN is not allowed' "$(cat "$WORK/env.out")"

# ---- deny mode
B=$(bare_bundle true)
cfg_py "$B" 'c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_SYS_ADMIN"] for k in ("bounding", "effective", "permitted")}'
run_out "$B" --policy "$P/deny.toml"
expect_ne "deny: CAP_SYS_ADMIN refused (exit status)" 0 "$RC"
expect_eq "deny: the refusal line" \
  "rampart: policy: CAP_SYS_ADMIN is not allowed (limits.forbidden_capabilities in $P/deny.toml)" \
  "$(grep 'policy:' <<<"$OUT" | head -n1)"
expect_eq "deny: nothing left behind" "" "$(left_behind "$LAST_ID")"
expect_match "deny: decision log records the refusal" "\"container_id\":\"$LAST_ID\".*\"result\":\"refused\"" "$(cat "$LOG")"

B=$(bare_bundle true)
cfg_py "$B" '
import subprocess
allc = ["CAP_" + n for n in """CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE""".split()]
last = int(open("/proc/sys/kernel/cap_last_cap").read())
allc = allc[:last + 1]
c["process"]["capabilities"] = {k: allc for k in ("bounding", "effective", "permitted")}
c["linux"]["resources"] = {"devices": [{"allow": True, "access": "rwm"}]}'
run_out "$B" --policy "$P/deny.toml"
expect_match "deny: privileged shape refused" '^rampart: policy: privileged containers are not allowed \(limits.forbid_privileged in ' "$OUT"
expect_eq "deny: privileged: nothing left behind" "" "$(left_behind "$LAST_ID")"

B=$(bare_bundle true)
cfg_py "$B" 'c["mounts"].append({"destination": "/s", "type": "bind", "source": "/var/run/docker.sock", "options": ["rbind"]})'
run_out "$B" --policy "$P/deny.toml"
expect_match "deny: docker.sock bind refused" '^rampart: policy: mounting /var/run/docker.sock is not allowed \(limits.forbidden_mount_sources in ' "$OUT"

B=$(bare_bundle true)
cfg_py "$B" 'c["mounts"].append({"destination": "/e", "type": "bind", "source": "/etc/../etc/ssl", "options": ["rbind", "ro"]})'
run_out "$B" --policy "$P/deny.toml"
expect_match "deny: /etc/** bind refused (cleaned path)" 'policy: mounting /etc/../etc/ssl is not allowed' "$OUT"

B=$(bare_bundle cat /proc/self/status)
run_out "$B" --policy "$P/deny.toml"
expect_eq "deny: a compliant bundle runs" 0 "$RC" || diag "$OUT"

# ---- fix mode
B=$(bare_bundle cat /proc/self/status)
cfg_py "$B" 'c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_KILL"] for k in ("bounding", "effective", "permitted")}'
run_out "$B" --policy "$P/fix.toml"
expect_eq "fix: CAP_SYS_ADMIN bundle runs" 0 "$RC" || diag "$OUT"
expect_eq "fix: CapEff without CAP_SYS_ADMIN" "$(cap_mask CHOWN KILL)" "$(status_field "$OUT" CapEff)"
expect_eq "fix: CapBnd without CAP_SYS_ADMIN" "$(cap_mask CHOWN KILL)" "$(status_field "$OUT" CapBnd)"
expect_eq "fix: the default seccomp installed (require_seccomp)" 2 "$(status_field "$OUT" Seccomp)"
expect_match "fix: decision log records the fix" "\"container_id\":\"$LAST_ID\".*\"kind\":\"fix\",\"rule\":\"limits.forbidden_capabilities\"" "$(cat "$LOG")"

# ---- malformed policy: fail closed
B=$(bare_bundle true)
run_out "$B" --policy "$P/broken.toml"
expect_ne "malformed: create refused" 0 "$RC"
expect_match "malformed: the error names file:line and the key" \
  "$P/broken.toml:3: unknown key \"forbiden_capabilities\" in \[limits\] \(did you mean forbidden_capabilities\?\)" "$OUT"
expect_eq "malformed: nothing left behind" "" "$(left_behind "$LAST_ID")"
id=$(new_id pol)
rt --policy "$P/broken.toml" create --bundle "$B" "$id" >"$WORK/c.out" 2>&1 </dev/null
expect_ne "malformed: create (not run) refused too" 0 "$?"
expect_eq "malformed: create left no state" "" "$(left_behind "$id")"
check_fail "malformed: unreadable policy refuses" rt --policy "$P/does-not-exist.toml" run --bundle "$B" "$(new_id pol)"

# ---- the policy command
check "policy validate: a good file" "$RT" policy validate "$P/deny.toml"
out=$("$RT" policy validate "$P/broken.toml" 2>&1)
expect_eq "policy validate: a bad file, one line with file:line" \
  "rampart: $P/broken.toml:3: unknown key \"forbiden_capabilities\" in [limits] (did you mean forbidden_capabilities?)" "$out"
out=$("$RT" --policy "$P/deny.toml" policy show 2>&1)
expect_match "policy show: the effective limits" '^forbidden_capabilities = \["CAP_SYS_ADMIN", "CAP_SYS_MODULE"\]$' "$out"
out=$("$RT" policy show --policy "$P/embedded.toml" 2>&1)
expect_match "policy show: embedded defaults" '^seccomp = "docker-default"$' "$out"
B=$(bare_bundle true)
out=$("$RT" --policy "$P/embedded.toml" policy check --bundle "$B" 2>&1)
expect_match "policy check: decisions" '^default	defaults.capabilities	docker-default \(14\)$' "$out"
expect_match "policy check: config diff" '^\+ process.capabilities.bounding = \["CAP_CHOWN"' "$out"
cfg_py "$B" 'c["process"]["capabilities"] = {"bounding": ["CAP_SYS_ADMIN"]}'
"$RT" --policy "$P/deny.toml" policy check --bundle "$B" >"$WORK/chk.out" 2>&1
expect_eq "policy check: exit 1 when it would be refused" 1 "$?"
expect_match "policy check: the refusal" 'policy: CAP_SYS_ADMIN is not allowed' "$(cat "$WORK/chk.out")"
expect_eq "policy check: creates nothing" "" "$(ls "$ROOT")"

# ---- decisions kept for inspect
B=$(bare_bundle sleep 30)
id=$(new_id pol)
rt --policy "$P/embedded.toml" create --bundle "$B" "$id" >"$WORK/c2.out" 2>&1 </dev/null
if [ -f "$ROOT/$id/decisions.json" ]; then
  expect_match "state dir keeps decisions.json" '"defaults.seccomp"' "$(cat "$ROOT/$id/decisions.json")"
  expect_match "state dir config.json is the rewritten spec" 'CAP_AUDIT_WRITE' "$(cat "$ROOT/$id/config.json")"
else
  not_ok "state dir keeps decisions.json" "$(ls "$ROOT/$id" 2>&1)" "$(cat "$WORK/c2.out")"
fi
rt delete --force "$id" >/dev/null 2>&1

finish
