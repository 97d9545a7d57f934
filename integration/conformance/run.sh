#!/usr/bin/env bash
# integration/conformance/run.sh RUNTIME — OCI runtime-spec conformance.
#
# Part 1, "upstream": the opencontainers/runtime-tools validation programs
# (validation/<name>/ + cmd/runtimetest), built from source into a cache
# ($CONFORMANCE_CACHE, default /var/cache/rampart-conformance, keyed by the sources'
# version) and run as upstream does: `RUNTIME=<runtime> ./<name>.t` in a directory
# holding runtimetest and rootfs-amd64.tar.gz (a busybox-static rootfs). Each TAP line
# a program prints becomes one check here ("<name>: <its description>").
# Sources are looked for in $RUNTIME_TOOLS_SRC, Debian's
# /usr/share/gocode/src/github.com/opencontainers/runtime-tools and
# $CONFORMANCE_CACHE/src/github.com/opencontainers/runtime-tools. Debian's
# golang-github-opencontainers-runtime-tools-dev ships only the library packages
# (generate, validate, specerror...), not validation/ nor cmd/runtimetest, so on a
# stock machine this part is skipped with that reason (loudly: one SKIP line).
#
# Part 2, "spec": the same requirements checked by this suite's own programs
# (ocigen.go prints the runtime-tools generator's default config — the one the
# upstream programs start from — with Debian's library; incheck.py writes an
# in-container check script in place of runtimetest). Bundle layout as upstream:
# the bundle directory is the rootfs, root.path ".".
#
# The runtime is called through a wrapper adding `--root $ROOT` (a private state dir).
#   CONFORMANCE_ONLY="spec" run.sh RT    runs one part (upstream | spec).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
T=${T:-30}
suite_init conformance "$1"

CACHE=${CONFORMANCE_CACHE:-/var/cache/rampart-conformance}
GOSRC=/usr/share/gocode/src/github.com/opencontainers/runtime-tools
mkdir -p "$CACHE"

# The runtime as the validation programs call it: no global flags of theirs, our --root.
W=$WORK/bin/oci-runtime
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$RT" "$ROOT" >"$W"
chmod 755 "$W"

# ---------------------------------------------------------------- tools

_apt_updated=0
apt_install() { # PKG...: install the missing ones (apt-get update once first)
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || return 1
  if [ $_apt_updated = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
    _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$WORK/apt.log" 2>&1
}

# Go and runtime-tools' library packages (its Depends bring the specs, gojsonschema,
# multierror... it needs). The upstream sources vendor their own dependencies (tap-go and
# gocapability are not packaged in Debian).
apt_install busybox-static
apt_install golang-go golang-github-opencontainers-runtime-tools-dev ||
  diag "apt-get install of golang-go / golang-github-opencontainers-runtime-tools-dev failed: $(tail -n 3 "$WORK/apt.log" 2>/dev/null)"
GO=$(command -v go || ls /usr/lib/go-*/bin/go 2>/dev/null | tail -n 1)
SRCVER=$(dpkg-query -W -f '${Version}' golang-github-opencontainers-runtime-tools-dev 2>/dev/null)

# rootfs-amd64.tar.gz: busybox-static + applet links (lib.sh's template), once per cache.
ROOTFS_TGZ=$CACHE/rootfs-$(uname -m)-$(sha256sum /bin/busybox 2>/dev/null | cut -c1-12).tar.gz
if [ ! -s "$ROOTFS_TGZ" ]; then
  d=$(new_dir rootfs)
  if make_rootfs "$d" 2>"$WORK/rootfs.err"; then
    tar -C "$d" -czf "$ROOTFS_TGZ.tmp" . && mv "$ROOTFS_TGZ.tmp" "$ROOTFS_TGZ"
  fi
fi
if [ ! -s "$ROOTFS_TGZ" ]; then
  not_ok "busybox rootfs tarball built" "$(cat "$WORK/rootfs.err")"
  finish
fi

# ---------------------------------------------------------------- part 1: upstream

# tests skipped on purpose: NAME -> reason (printed as "# SKIP reason")
declare -A UPSTREAM_SKIP=(
  [linux_process_apparmor_profile]="this kernel has no AppArmor (the test needs an apparmor profile loaded)"
  [linux_mount_label]="this kernel has no SELinux (mountLabel needs it)"
  [linux_cgroups_hugetlb]="hugetlb cgroup limits need preallocated huge pages; this VM has none"
  [linux_cgroups_relative_hugetlb]="hugetlb cgroup limits need preallocated huge pages; this VM has none"
)

upstream_src() {
  local d
  for d in "${RUNTIME_TOOLS_SRC:-}" "$GOSRC" "$CACHE/src/github.com/opencontainers/runtime-tools"; do
    [ -n "$d" ] && [ -d "$d/validation" ] && [ -d "$d/cmd/runtimetest" ] && { printf '%s\n' "$d"; return 0; }
  done
  return 1
}

# upstream_build SRC: build runtimetest and validation/*/ into $CACHE/upstream-KEY; prints the dir.
upstream_build() {
  local src=$1 key out gp name
  key=$( (cd "$src" && { "$GO" version; find . -name '*.go' -printf '%P %s %T@\n'; } | sort | sha256sum) | cut -c1-16)
  out=$CACHE/upstream-$key
  if [ ! -e "$out/.built" ]; then
    rm -rf "$out"
    gp=$out/gopath
    mkdir -p "$gp/src/github.com/opencontainers"
    cp -a "$src" "$gp/src/github.com/opencontainers/runtime-tools"
    (
      cd "$gp/src/github.com/opencontainers/runtime-tools" || exit 1
      export GOPATH=$gp:/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=$CACHE/gocache
      "$GO" build -o "$out/runtimetest" ./cmd/runtimetest || exit 1
      for name in validation/*/; do
        name=$(basename "$name")
        [ "$name" = util ] && continue
        ls "validation/$name"/*.go >/dev/null 2>&1 || continue
        "$GO" build -o "$out/$name.t" "./validation/$name" || echo "build of $name failed" >&2
      done
    ) >"$WORK/upstream-build.log" 2>&1 || return 1
    touch "$out/.built"
  fi
  printf '%s\n' "$out"
}

section_upstream() {
  local src dir t name line n=0 rc
  if [ -z "$GO" ] || ! src=$(upstream_src); then
    skip "upstream runtime-tools validation suite" "sources not on this machine: Debian's golang-github-opencontainers-runtime-tools-dev ${SRCVER:-(not installed)} ships only the library packages, not validation/ nor cmd/runtimetest; set RUNTIME_TOOLS_SRC to a checkout to run it (part 2 checks the same requirements)"
    echo "# conformance: UPSTREAM VALIDATION SUITE NOT RUN (no sources); see the SKIP line" >&2
    return
  fi
  if ! dir=$(upstream_build "$src"); then
    not_ok "upstream validation suite builds" "$(tail -n 20 "$WORK/upstream-build.log")"
    return
  fi
  cp "$ROOTFS_TGZ" "$dir/rootfs-amd64.tar.gz"
  for t in "$dir"/*.t; do
    name=$(basename "$t" .t)
    if [ -n "${UPSTREAM_SKIP[$name]:-}" ]; then
      skip "$name" "${UPSTREAM_SKIP[$name]}"
      continue
    fi
    (cd "$dir" && RUNTIME=$W timeout -k 5 120 "./$name.t") >"$WORK/$name.tap" 2>"$WORK/$name.err" </dev/null
    rc=$?
    n=0
    while IFS= read -r line; do
      case $line in
        "ok "*"# SKIP"* | "ok "*"# skip"*)
          skip "$name: $(sed -E 's/^ok [0-9]+ ?-? ?//; s/ *# (SKIP|skip) *.*$//' <<<"$line")" "$(sed -E 's/^.*# (SKIP|skip) *//' <<<"$line")"
          n=$((n + 1)) ;;
        "ok "*) ok "$name: $(sed -E 's/^ok [0-9]+ ?-? ?//' <<<"$line")"; n=$((n + 1)) ;;
        "not ok "*)
          not_ok "$name: $(sed -E 's/^not ok [0-9]+ ?-? ?//' <<<"$line")" "$(grep -v -E '^(not )?ok ' "$WORK/$name.tap" | head -n 20)" "$(head -c 1500 "$WORK/$name.err")"
          n=$((n + 1)) ;;
      esac
    done <"$WORK/$name.tap"
    if [ $n = 0 ]; then
      if [ $rc = 0 ] && ! grep -q . "$WORK/$name.err"; then ok "$name: ran (no TAP points)"; else
        not_ok "$name: ran" "exit status $rc" "$(head -c 1500 "$WORK/$name.err")" "$(head -c 1500 "$WORK/$name.tap")"
      fi
    elif [ $rc = 124 ] || [ $rc = 137 ]; then
      not_ok "$name: finished in 120 s"
    fi
  done
}

# ---------------------------------------------------------------- part 2: spec

OCIGEN= CGCHECK=
# build_gotool NAME: build NAME.go (beside this script) against Debian's Go libraries
# into the cache (keyed by the file and the library's version); prints the binary.
build_gotool() {
  local out=$CACHE/$1-$(sha256sum "$here/$1.go" | cut -c1-12)-${SRCVER:-none}
  if [ ! -x "$out" ]; then
    (cd "$here" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=$CACHE/gocache \
      "$GO" build -o "$out.tmp" "$1.go") >"$WORK/$1.log" 2>&1 && mv "$out.tmp" "$out"
  fi
  [ -x "$out" ] && printf '%s\n' "$out"
}
build_ocigen() { OCIGEN=$(build_gotool ocigen); }

# report_lines PREFIX FILE: "ok - X" / "not ok - X: detail" lines of FILE as checks.
report_lines() {
  local line
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok "$1: ${line#ok - }" ;;
      "not ok - "*) line=${line#not ok - }; not_ok "$1: ${line%%: *}" "${line#*: }" ;;
    esac
  done <"$2"
}

# obundle [ARGS...]: a fresh upstream-style bundle (rootfs in the bundle dir, root.path ".")
# with the generator's default config and process.args = ARGS (default: true).
obundle() {
  local b
  b=$(mktemp -d "$WORK/ocitest.XXXXXX")
  chmod 755 "$b"
  tar -C "$b" -xzf "$ROOTFS_TGZ"
  [ $# -gt 0 ] || set -- true
  "$OCIGEN" "$@" >"$b/config.json"
  printf '%s\n' "$b"
}

ort() { timeout -k 5 "$T" "$W" "$@"; }
ostate() { ort state "$1" 2>/dev/null | python3 -c 'import json,sys
try: print(json.load(sys.stdin).get(sys.argv[1], ""))
except Exception: print("")' "$2"; }
owait() { # ID STATUS [SECONDS]
  local i
  for ((i = 0; i < ${3:-10} * 10; i++)); do
    [ "$(ostate "$1" status)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# wait_ready BUNDLE: until the container's process made /ready (its traps are set)
wait_ready() {
  local i
  for ((i = 0; i < 100; i++)); do [ -e "$1/ready" ] && return 0; sleep 0.05; done
  return 1
}
# ocreate BUNDLE ID: create with stdout/stderr in BUNDLE/stdout, BUNDLE/stderr (as upstream)
ocreate() { ort create --bundle "$1" "$2" >"$1/stdout" 2>"$1/stderr" </dev/null; }
ocleanup() { ort kill "$1" KILL >/dev/null 2>&1; sleep 0.1; ort delete --force "$1" >/dev/null 2>&1; }

# incontainer NAME BUNDLE: run incheck.py's script in a container of BUNDLE (create, start,
# wait for stopped, read its stdout) and report each of its lines as a check "NAME: WHAT".
incontainer() {
  local name=$1 b=$2 id line n=0
  python3 "$here/incheck.py" "$b"
  id=$(new_id conf)
  if ! ocreate "$b" "$id"; then
    not_ok "$name: create" "$(head -c 2000 "$b/stderr")"
    return
  fi
  if ! ort start "$id" >"$WORK/start.out" 2>&1; then
    not_ok "$name: start" "$(cat "$WORK/start.out")"
    ocleanup "$id"
    return
  fi
  owait "$id" stopped 10 || { not_ok "$name: container stops" "status: $(ostate "$id" status)"; }
  report_lines "$name" "$b/stdout"
  grep -q '^checks-done$' "$b/stdout" || not_ok "$name: check script ran to its end" "stdout: $(head -c 1500 "$b/stdout")" "stderr: $(head -c 1500 "$b/stderr")"
  ocleanup "$id"
}

spec_lifecycle() {
  local b id id2 st1 st2 pid out
  # pid 1 of a pid namespace ignores signals it has no handler for: trap TERM
  b=$(obundle sh -c 'trap "exit 0" TERM; touch /ready; while :; do sleep 0.1; done')
  id=$(new_id conf)
  check_fail "create without an id fails" ort create --bundle "$b"
  check_fail "state without an id fails" ort state
  check_fail "start without an id fails" ort start
  check_fail "kill without an id fails" ort kill
  check_fail "delete without an id fails" ort delete
  check_fail "state of an unknown container fails" ort state "$id"
  check_fail "kill of an unknown container fails" ort kill "$id" KILL
  check_fail "start of an unknown container fails" ort start "$id"

  if ocreate "$b" "$id"; then ok "create makes a new container"; else
    not_ok "create makes a new container" "$(cat "$b/stderr")"
    return
  fi
  out=$(ort state "$id" 2>&1)
  if python3 - "$out" "$id" "$b" <<'PY'
import json, sys
s = json.loads(sys.argv[1])
assert isinstance(s.get("ociVersion"), str) and s["ociVersion"], "ociVersion"
assert s.get("id") == sys.argv[2], "id"
assert s.get("status") == "created", "status"
assert isinstance(s.get("pid"), int) and s["pid"] > 0, "pid"
assert s.get("bundle") == sys.argv[3], "bundle"
PY
  then ok "state of a created container: ociVersion, id, status created, pid, bundle"; else
    not_ok "state of a created container: ociVersion, id, status created, pid, bundle" "$out"
  fi
  check_fail "create with an id in use fails" ort create --bundle "$b" "$id"
  expect_eq "the first container is untouched by the refused create" created "$(ostate "$id" status)"
  # The spec says a delete of a container that is not stopped MUST fail; runc deletes a
  # created one (killing its init), and containerd 1.6 relies on that (it deletes created
  # tasks without --force). A runtime that follows runc gets a SKIP here, not a pass.
  if ort delete "$id" >"$WORK/del.out" 2>&1; then
    skip "delete of a created container without --force fails (not stopped)" "the runtime deleted it, as runc does (containerd 1.6 deletes created tasks without --force); upstream delete.t fails runc on this too"
    ocreate "$b" "$id" # go on with a new one
  else
    ok "delete of a created container without --force fails (not stopped)"
    expect_eq "refused delete of a created container has no effect" created "$(ostate "$id" status)"
  fi
  check "start" ort start "$id"
  expect_eq "state after start is running" running "$(ostate "$id" status)"
  check_fail "start of a running container fails" ort start "$id"
  check_fail "delete of a running container fails" ort delete "$id"
  expect_eq "refused delete of a running container has no effect" running "$(ostate "$id" status)"
  wait_ready "$b"
  check "kill TERM (the default signal) of a running container" ort kill "$id" TERM
  if owait "$id" stopped 5; then ok "the container stops on TERM"; else not_ok "the container stops on TERM" "status: $(ostate "$id" status)"; fi
  st1=$(ort state "$id" 2>&1)
  check_fail "kill of a stopped container fails" ort kill "$id" KILL
  st2=$(ort state "$id" 2>&1)
  expect_eq "kill of a stopped container has no effect on its state" "$st1" "$st2"
  check_fail "start of a stopped container fails" ort start "$id"
  check "delete of a stopped container" ort delete "$id"
  check_fail "state after delete fails" ort state "$id"
  check "the id is free again after delete" ocreate "$b" "$id"
  ocleanup "$id"

  # kill of a created container: the signal reaches the init, the container stops
  id=$(new_id conf)
  b=$(obundle true)
  ocreate "$b" "$id"
  check "kill KILL of a created container" ort kill "$id" KILL
  if owait "$id" stopped 5; then ok "a created container stops on KILL"; else not_ok "a created container stops on KILL" "status: $(ostate "$id" status)"; fi
  check "delete after kill of a created container" ort delete "$id"

  # the user process does not run before start; runs after
  b=$(obundle sh -c 'touch /output')
  id=$(new_id conf)
  ocreate "$b" "$id"
  sleep 0.5
  if [ -e "$b/output" ]; then not_ok "create does not run the user process"; else ok "create does not run the user process"; fi
  ort start "$id" >/dev/null 2>&1
  owait "$id" stopped 5
  if [ -e "$b/output" ]; then ok "start runs the user process"; else not_ok "start runs the user process" "$(cat "$b/stderr")"; fi
  ocleanup "$id"

  # pid file
  b=$(obundle sleep 30)
  id=$(new_id conf)
  if ort create --pid-file "$b/pidfile" --bundle "$b" "$id" >"$b/stdout" 2>"$b/stderr"; then
    expect_eq "--pid-file holds the state pid" "$(ostate "$id" pid)" "$(cat "$b/pidfile" 2>/dev/null)"
  else not_ok "create --pid-file" "$(cat "$b/stderr")"; fi
  ocleanup "$id"

  # killsig: TERM and KILL by name, with SIG prefix and by number
  for sig in TERM SIGKILL 9; do
    b=$(obundle sh -c 'trap "exit 0" TERM; touch /ready; while :; do sleep 0.1; done')
    id=$(new_id conf)
    ocreate "$b" "$id" && ort start "$id" >/dev/null 2>&1
    wait_ready "$b"
    check "kill $sig of a running container" ort kill "$id" "$sig"
    if owait "$id" stopped 5; then ok "stopped after kill $sig"; else not_ok "stopped after kill $sig"; fi
    ocleanup "$id"
  done

  # killsig: the signal reaches the process (its trap runs)
  for sig in TERM USR1 USR2; do
    b=$(obundle sh -c "trap 'touch /$sig' $sig; touch /ready; sleep 10 & wait \$!")
    id=$(new_id conf)
    ocreate "$b" "$id" && ort start "$id" >/dev/null 2>&1
    wait_ready "$b"
    check "kill $sig of a running container" ort kill "$id" "$sig"
    owait "$id" stopped 5
    if [ -e "$b/$sig" ]; then ok "kill $sig: the process got $sig"; else not_ok "kill $sig: the process got $sig" "status: $(ostate "$id" status)"; fi
    ocleanup "$id"
  done

  # linux.seccomp (upstream linux_seccomp): default allow, getcwd answered with an errno
  b=$(obundle sh -c 'cd /tmp; if [ "$(pwd -P 2>/dev/null)" = /tmp ]; then echo getcwd-allowed; else echo getcwd-refused; fi; ls / >/dev/null && echo ls-ok')
  id=$(new_id conf)
  cfg_py "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}'
  if ocreate "$b" "$id" && ort start "$id" >/dev/null 2>&1; then
    owait "$id" stopped 10
    expect_eq "linux.seccomp: getcwd refused, the rest allowed" "getcwd-refused ls-ok" "$(grep -E '^(getcwd|ls)-' "$b/stdout" | tr '\n' ' ' | sed 's/ $//')"
  else not_ok "linux.seccomp: create and start" "$(cat "$b/stderr")"; fi
  ocleanup "$id"

  # config updates after create do not affect the container
  b=$(obundle sleep 30)
  id=$(new_id conf)
  ocreate "$b" "$id"
  cfg_py "$b" 'c["process"]["args"] = ["sh", "-c", "touch /changed"]'
  ort start "$id" >/dev/null 2>&1
  sleep 0.5
  if [ -e "$b/changed" ]; then not_ok "config.json changes after create do not affect the container"; else
    ok "config.json changes after create do not affect the container"
  fi
  ocleanup "$id"
}

hook_json() { # PATH SCRIPT [TIMEOUT]: a hook running busybox sh -c SCRIPT
  python3 -c 'import json,sys
h={"path": sys.argv[1], "args": ["sh", "-c", sys.argv[2]]}
if len(sys.argv) > 3: h["timeout"] = int(sys.argv[3])
print(json.dumps(h))' "$@"
}

spec_hooks() {
  local b id pid name f
  # state on the hooks' stdin
  b=$(obundle true)
  id=$(new_id conf)
  cfg_py "$b" "
c.setdefault('annotations', {})['org.opencontainers.runtime-tools'] = 'hook stdin test'
c['hooks'] = {k: [{'path': '$b/bin/sh', 'args': ['sh', '-c', 'cat > $b/' + k], 'timeout': 1}] for k in ('prestart', 'poststart', 'poststop')}"
  ocreate "$b" "$id" || not_ok "create with prestart/poststart/poststop hooks" "$(cat "$b/stderr")"
  pid=$(ostate "$id" pid)
  ort start "$id" >/dev/null 2>&1
  owait "$id" stopped 10
  ort delete "$id" >/dev/null 2>&1
  for name in prestart poststart poststop; do
    f=$b/$name
    if out=$(python3 - "$f" "$name" "$id" "$b" "$pid" <<'PY' 2>&1
import json, sys
f, name, cid, bundle, pid = sys.argv[1:]
s = json.load(open(f))
errs = []
if s.get("id") != cid: errs.append("id %r" % s.get("id"))
if s.get("bundle") != bundle: errs.append("bundle %r" % s.get("bundle"))
if name != "poststop" and str(s.get("pid")) != pid: errs.append("pid %r (state said %s)" % (s.get("pid"), pid))
if s.get("annotations") != {"org.opencontainers.runtime-tools": "hook stdin test"}: errs.append("annotations %r" % s.get("annotations"))
want = {"prestart": "created", "poststart": "running"}.get(name)
if want and s.get("status") != want: errs.append("status %r, want %r" % (s.get("status"), want))
if not s.get("status"): errs.append("empty status")
if not s.get("ociVersion"): errs.append("no ociVersion")
if errs: sys.exit("; ".join(errs))
PY
    ); then ok "the state is passed to the $name hook on stdin"; else
      not_ok "the state is passed to the $name hook on stdin" "$out" "$(cat "$f" 2>&1)"
    fi
  done

  # order of the hooks. createContainer runs before pivot_root (paths as the runtime sees
  # them), startContainer in the container before the process; poststart after the process
  # was executed (its line may come before or after the process's own line).
  b=$(obundle true)
  id=$(new_id conf)
  cfg_py "$b" "
c['hooks'] = {}
for k in ('prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop'):
    c['hooks'][k] = [{'path': '$b/bin/sh', 'args': ['sh', '-c', 'echo ' + k + ' >> $b/hooks.log']}]
c['hooks']['startContainer'] = [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo startContainer >> /hooks.log']}]
c['process']['args'] = ['sh', '-c', 'echo process >> /hooks.log']"
  ocreate "$b" "$id" || not_ok "create with every kind of hook" "$(cat "$b/stderr")"
  ort start "$id" >/dev/null 2>&1
  owait "$id" stopped 10
  ort delete "$id" >/dev/null 2>&1
  expect_match "hooks run in order: prestart createRuntime createContainer startContainer process+poststart poststop" \
    '^prestart createRuntime createContainer startContainer (process poststart|poststart process) poststop$' \
    "$(tr '\n' ' ' <"$b/hooks.log" 2>/dev/null | sed 's/ $//')"

  # a failing prestart hook: error, the process never runs, the container is gone
  b=$(obundle sh -c 'touch /output')
  id=$(new_id conf)
  cfg_py "$b" "c['hooks'] = {'prestart': [{'path': '$b/bin/false', 'args': ['false']}]}"
  if ocreate "$b" "$id" && ort start "$id" >/dev/null 2>&1; then
    not_ok "a failing prestart hook makes create or start fail"
  else ok "a failing prestart hook makes create or start fail"; fi
  sleep 0.3
  if [ -e "$b/output" ]; then not_ok "a failing prestart hook: the process does not run"; else ok "a failing prestart hook: the process does not run"; fi
  # upstream: the runtime MUST stop the container and continue at step 9 (delete); runc
  # leaves it in state "stopped" for `delete`; either way it must not run.
  st=$(ostate "$id" status)
  case $st in "" | stopped) ok "a failing prestart hook: the container is stopped or gone ($st)" ;;
    *) not_ok "a failing prestart hook: the container is stopped or gone" "status: $st" ;; esac
  ocleanup "$id"

  # failing poststart / poststop hooks: a warning, the rest continues
  for name in poststart poststop; do
    b=$(obundle true)
    id=$(new_id conf)
    cfg_py "$b" "c['hooks'] = {'$name': [{'path': '$b/bin/false', 'args': ['false']},
      {'path': '$b/bin/sh', 'args': ['sh', '-c', 'echo $name called >> $b/output']}]}"
    rc=0
    ocreate "$b" "$id" || rc=1
    ort start "$id" >"$WORK/start.out" 2>&1 || rc=2
    owait "$id" stopped 10
    ort delete "$id" >"$WORK/delete.out" 2>&1 || rc=3
    if [ $rc = 0 ]; then ok "a failing $name hook: create, start and delete still succeed"; else
      not_ok "a failing $name hook: create, start and delete still succeed" "step $rc failed" "$(cat "$b/stderr" "$WORK/start.out" "$WORK/delete.out")"
    fi
    expect_eq "a failing $name hook: the remaining hooks run" "$name called" "$(cat "$b/output" 2>/dev/null)"
    ocleanup "$id"
  done

  # hook timeout
  b=$(obundle true)
  id=$(new_id conf)
  cfg_py "$b" "c['hooks'] = {'prestart': [{'path': '$b/bin/sh', 'args': ['sh', '-c', 'sleep 20'], 'timeout': 1}]}"
  t0=$(date +%s)
  if ocreate "$b" "$id" && ort start "$id" >/dev/null 2>&1; then not_ok "a prestart hook over its timeout fails the container"; else
    ok "a prestart hook over its timeout fails the container"
  fi
  t1=$(date +%s)
  if [ $((t1 - t0)) -lt 10 ]; then ok "the hook timeout is enforced ($((t1 - t0)) s)"; else not_ok "the hook timeout is enforced" "$((t1 - t0)) s"; fi
  ocleanup "$id"
}

spec_incontainer() {
  local b
  b=$(obundle) && incontainer "default config" "$b"

  b=$(obundle)
  cfg_py "$b" 'c["hostname"] = "hostname-specific"' && incontainer "hostname" "$b"

  b=$(obundle)
  cfg_py "$b" 'c["root"]["readonly"] = True' && incontainer "root.readonly" "$b"

  b=$(obundle)
  cfg_py "$b" '
c["process"]["cwd"] = "/tmp"
c["process"]["env"].append("OCI_TEST=conformance")
c["process"]["user"] = {"uid": 1, "gid": 1, "additionalGids": [5, 6]}
c["process"]["noNewPrivileges"] = True
c["process"]["oomScoreAdj"] = 500
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]' \
    && incontainer "process" "$b"

  b=$(obundle)
  cfg_py "$b" '
caps = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"]
c["process"]["capabilities"] = {"bounding": caps, "effective": caps, "permitted": caps, "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}' \
    && incontainer "process.capabilities" "$b"

  b=$(obundle)
  cfg_py "$b" 'c["process"]["capabilities"] = {}' && incontainer "process.capabilities empty" "$b"

  b=$(obundle)
  cfg_py "$b" '
c["linux"]["devices"] = [
  {"path": "/dev/test-char", "type": "c", "major": 1, "minor": 3, "fileMode": 0o640, "uid": 10, "gid": 11},
  {"path": "/dev/test-u", "type": "u", "major": 1, "minor": 5},
  {"path": "/dev/test-block", "type": "b", "major": 7, "minor": 2, "fileMode": 0o600},
  {"path": "/dev/test-fifo", "type": "p"}]' && incontainer "linux.devices" "$b"

  b=$(obundle)
  mkdir -p "$b/masked-dir"
  echo secret >"$b/masked-file"
  echo data >"$b/masked-dir/f"
  cfg_py "$b" 'c["linux"]["maskedPaths"] = ["/masked-dir", "/masked-file", "/proc/kcore", "/does-not-exist"]' \
    && incontainer "linux.maskedPaths" "$b"

  # nested masked paths (inside a masked directory they no longer exist: skipped) and
  # masked device nodes and a FIFO (masked without being opened)
  b=$(obundle)
  mkdir -p "$b/masked-dir/masked-subdir"
  echo secrets >"$b/masked-dir/masked-file"
  echo secrets >"$b/masked-dir/masked-subdir/masked-file"
  echo secrets >"$b/masked-file"
  mknod "$b/masked-blk" b 7 0 && mknod "$b/masked-chr" c 1 3 && mkfifo "$b/masked-fifo"
  cfg_py "$b" 'c["linux"]["maskedPaths"] = ["/masked-dir", "/masked-file", "/masked-dir/masked-subdir", "/masked-dir/masked-file", "/masked-dir/masked-subdir/masked-file", "/masked-blk", "/masked-chr", "/masked-fifo"]' \
    && incontainer "linux.maskedPaths nested, devices, fifo" "$b"

  for prop in shared slave private unbindable; do
    b=$(obundle)
    cfg_py "$b" "c['linux']['rootfsPropagation'] = '$prop'" && incontainer "linux.rootfsPropagation $prop" "$b"
  done

  b=$(obundle)
  mkdir -p "$b/ro-dir"
  echo data >"$b/ro-file"
  cfg_py "$b" 'c["linux"]["readonlyPaths"] = ["/ro-dir", "/ro-file", "/proc/sys", "/does-not-exist"]' \
    && incontainer "linux.readonlyPaths" "$b"

  b=$(obundle)
  cfg_py "$b" 'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "net.core.somaxconn": "256", "kernel.shmmax": "1234567", "kernel.msgmax": "4096"}' \
    && incontainer "linux.sysctl" "$b"

  b=$(obundle)
  cfg_py "$b" '
c["mounts"].append({"destination": "/tmp/tmpfs-mount", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]})
c["mounts"].append({"destination": "/mnt/bind", "type": "bind", "source": "/tmp", "options": ["rbind", "ro"]})' \
    && incontainer "mounts" "$b"

  # user namespace with uid/gid mappings; the rootfs is chowned to the mapped root
  b=$(obundle)
  chown -R 100000:100000 "$b"
  cfg_py "$b" '
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    && incontainer "linux.uidMappings/gidMappings" "$b"
}

# namespaces: listed without a path -> new; not listed -> the runtime's; with a path -> that one
spec_namespaces() {
  local b id pid ns host cont
  b=$(obundle sleep 30)
  id=$(new_id conf)
  cfg_py "$b" 'c["linux"]["namespaces"] = [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount", "cgroup")]'
  if ocreate "$b" "$id"; then
    pid=$(ostate "$id" pid)
    for ns in pid net ipc uts mnt cgroup; do
      host=$(readlink /proc/self/ns/$ns)
      cont=$(readlink /proc/"$pid"/ns/$ns)
      [ $ns = pid ] && { host=$(readlink /proc/self/ns/pid); cont=$(readlink /proc/"$pid"/ns/pid); }
      expect_ne "namespace $ns without a path is a new one" "$host" "$cont"
    done
    cont=$(readlink /proc/"$pid"/ns/user)
    expect_eq "user namespace not listed: the runtime's own" "$(readlink /proc/self/ns/user)" "$cont"
  else not_ok "create with every namespace" "$(cat "$b/stderr")"; fi

  # join the namespaces of that container by path
  local b2 id2 pid2
  b2=$(obundle sleep 30)
  id2=$(new_id conf)
  cfg_py "$b2" "c['linux']['namespaces'] = [{'type': t, 'path': '/proc/$pid/ns/' + n} for t, n in (('network', 'net'), ('ipc', 'ipc'), ('uts', 'uts'))] + [{'type': 'pid'}, {'type': 'mount'}]"
  if [ -n "$pid" ] && ocreate "$b2" "$id2"; then
    pid2=$(ostate "$id2" pid)
    for ns in net ipc uts; do
      expect_eq "namespace $ns with a path joins it" "$(readlink /proc/"$pid"/ns/$ns)" "$(readlink /proc/"$pid2"/ns/$ns)"
    done
  else not_ok "create joining namespaces by path" "$(cat "$b2/stderr" 2>/dev/null)"; fi
  ocleanup "$id2"
  ocleanup "$id"

  # no namespace at all (upstream linux_ns_itype): every one inherited, the mount
  # namespace too. Run from a private throwaway mount namespace: a runtime that honours
  # this mounts the rootfs in its caller's mount namespace (runc leaves those mounts behind).
  b=$(obundle sleep 30)
  id=$(new_id conf)
  cfg_py "$b" 'c["linux"]["namespaces"] = []; c.pop("hostname", None)'
  if unshare -m --propagation private sh -c 'readlink /proc/self/ns/mnt >"$1/host-mnt"; exec "$2" create --bundle "$1" "$3" >"$1/stdout" 2>"$1/stderr" </dev/null' \
    sh "$b" "$W" "$id"; then
    pid=$(ostate "$id" pid)
    for ns in ipc net pid uts cgroup user; do
      expect_eq "no namespaces listed: $ns inherited" "$(readlink /proc/self/ns/$ns)" "$(readlink /proc/"$pid"/ns/$ns)"
    done
    expect_eq "no namespaces listed: mnt inherited" "$(cat "$b/host-mnt")" "$(readlink /proc/"$pid"/ns/mnt)"
  elif grep -q "a mount namespace is required" "$b/stderr"; then
    skip "no namespaces listed: all inherited" "refused: this runtime requires a mount namespace (a container chrooted in the runtime's own mount namespace can leave the chroot with CAP_SYS_CHROOT, and its mounts stay behind there)"
  else not_ok "no namespaces listed: create" "$(cat "$b/stderr")"; fi
  ocleanup "$id"

  # a namespace path of another type is refused (upstream linux_ns_path_type)
  local pair want wrong rtype
  for pair in cgroup:ipc ipc:mnt mnt:net net:pid pid:user user:uts uts:cgroup; do
    want=${pair%%:*} wrong=${pair#*:}
    case $want in mnt) rtype=mount ;; net) rtype=network ;; *) rtype=$want ;; esac
    b=$(obundle sleep 30)
    id=$(new_id conf)
    cfg_py "$b" "ns = [n for n in c['linux']['namespaces'] if n['type'] != '$rtype']
ns.append({'type': '$rtype', 'path': '/proc/self/ns/$wrong'})
if '$rtype' != 'mount' and not any(n['type'] == 'mount' for n in ns): ns.append({'type': 'mount'})
c['linux']['namespaces'] = ns"
    if ocreate "$b" "$id"; then not_ok "a $rtype namespace path that is a $wrong namespace is refused"; else
      ok "a $rtype namespace path that is a $wrong namespace is refused"
    fi
    ocleanup "$id"
  done

  # join namespaces made by unshare(1) by path (upstream linux_ns_path; pid through
  # /proc/PID/ns/pid_for_children)
  local opt upid nspath
  for pair in ipc:--ipc mnt:--mount net:--net pid:--pid uts:--uts; do
    want=${pair%%:*} opt=${pair#*:}
    case $want in mnt) rtype=mount ;; net) rtype=network ;; *) rtype=$want ;; esac
    setsid unshare "$opt" --fork sleep 60 </dev/null >/dev/null 2>&1 &
    upid=$!
    at_cleanup "kill -9 -$upid"
    nspath=/proc/$upid/ns/$want
    [ "$want" = pid ] && nspath=/proc/$upid/ns/pid_for_children
    for _ in $(seq 50); do [ "$(readlink "$nspath" 2>/dev/null)" != "$(readlink /proc/self/ns/$want)" ] && break; sleep 0.05; done
    b=$(obundle sleep 30)
    id=$(new_id conf)
    cfg_py "$b" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != '$rtype'] + [{'type': '$rtype', 'path': '$nspath'}]"
    if ocreate "$b" "$id"; then
      pid=$(ostate "$id" pid)
      expect_eq "$rtype namespace joined by path ($nspath)" "$(readlink "$nspath")" "$(readlink /proc/"$pid"/ns/$want)"
    else not_ok "$rtype namespace joined by path ($nspath)" "$(cat "$b/stderr")"; fi
    ocleanup "$id"
    kill -9 -- -"$upid" 2>/dev/null
    wait "$upid" 2>/dev/null
  done

  # no namespace at all (except mount): the runtime's own
  b=$(obundle sleep 30)
  id=$(new_id conf)
  cfg_py "$b" 'c["linux"]["namespaces"] = [{"type": "mount"}]; c.pop("hostname", None)'
  if ocreate "$b" "$id"; then
    pid=$(ostate "$id" pid)
    for ns in net ipc uts; do
      expect_eq "namespace $ns not listed: the runtime's own" "$(readlink /proc/self/ns/$ns)" "$(readlink /proc/"$pid"/ns/$ns)"
    done
  else not_ok "create with only a mount namespace" "$(cat "$b/stderr")"; fi
  ocleanup "$id"
}

# linux.resources read back from the v1 hierarchies (absolute cgroupsPath, as upstream's
# linux_cgroups_* programs), and delete_resources / delete_only_create_resources.
spec_cgroups() {
  local b id pid case path res mine ctl
  if [ ! -d /sys/fs/cgroup/pids ] || [ ! -d /sys/fs/cgroup/memory ]; then
    skip "cgroups v1 resources" "no cgroup v1 pids/memory hierarchy here (upstream's reader handles only v1)"
    return
  fi
  CGCHECK=$(build_gotool cgcheck) || { not_ok "cgcheck builds" "$(tail -n 5 "$WORK/cgcheck.log")"; return; }
  for case in pids memory cpu devices blkio network; do
    path=/rampart-conformance-$$-$case
    ctl=$case
    case $case in
      pids) res='{"pids": {"limit": 1000}}' ;;
      memory) res='{"memory": {"limit": 50593792, "reservation": 50593792, "swap": 50593792, "kernelTCP": 50593792, "swappiness": 50, "disableOOMKiller": true}}' ;;
      cpu) res='{"cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}}' ;;
      devices) res='{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}, {"allow": true, "type": "b", "major": 8, "minor": 0, "access": "r"}]}' ;;
      blkio)
        if [ ! -e /sys/fs/cgroup/blkio/blkio.weight ]; then
          skip "cgroups blkio: linux.resources.blockIO" "no blkio.weight here (the kernel's I/O scheduler has no v1 weight); upstream's reader needs it"
          continue
        fi
        res='{"blockIO": {"weight": 500}}' ;;
      network)
        if [ ! -d /sys/fs/cgroup/net_cls ]; then
          skip "cgroups network: linux.resources.network" "no net_cls/net_prio v1 hierarchy mounted on this machine"
          continue
        fi
        ctl=net_cls
        res='{"network": {"classID": 1048577}}' ;;
    esac
    b=$(obundle sleep 30)
    id=$(new_id conf)
    RES=$res cfg_py "$b" "import os; c['linux']['cgroupsPath'] = '$path'; c['linux']['resources'] = json.loads(os.environ['RES'])"
    if ! ocreate "$b" "$id"; then
      not_ok "cgroups $case: create with linux.resources.$case" "$(cat "$b/stderr")"
      continue
    fi
    pid=$(ostate "$id" pid)
    "$CGCHECK" "$b/config.json" "$pid" >"$WORK/cg.out" 2>&1
    report_lines "cgroups $case" "$WORK/cg.out"
    ocleanup "$id"
    if [ -d "/sys/fs/cgroup/$ctl$path" ]; then
      not_ok "cgroups $case: delete removes the cgroup it created ($path)"
    else ok "cgroups $case: delete removes the cgroup it created ($path)"; fi
  done

  # a cgroup made by someone else that the container was put in survives delete
  mine=/sys/fs/cgroup/pids/rampart-conformance-own-$$
  mkdir -p "$mine"
  at_cleanup "rmdir $mine"
  b=$(obundle true)
  id=$(new_id conf)
  if ocreate "$b" "$id"; then
    echo "$(ostate "$id" pid)" >"$mine/cgroup.procs"
    ort start "$id" >/dev/null 2>&1
    owait "$id" stopped 10
    check "delete after the init was moved to a foreign cgroup" ort delete "$id"
    if [ -d "$mine" ]; then ok "delete leaves a cgroup it did not create"; else not_ok "delete leaves a cgroup it did not create"; fi
  else not_ok "create (foreign cgroup case)" "$(cat "$b/stderr")"; fi

  skip "cgroups with a relative cgroupsPath" "a relative path lands under the cgroup of the runtime's caller, here the test session's own cgroup, which this suite must not touch"
}

# config.json handling: unknown annotations and properties are accepted, invalid values refused
spec_config() {
  local b id bad
  b=$(obundle true)
  id=$(new_id conf)
  cfg_py "$b" 'c.setdefault("annotations", {})["org.rampart-conformance.unknown"] = ""'
  check "an unknown annotation key is accepted" ocreate "$b" "$id"
  ocleanup "$id"
  b=$(obundle true)
  id=$(new_id conf)
  cfg_py "$b" 'c["unknown"] = "unknown"; c["process"]["unknownProcessField"] = 1'
  check "unknown properties are accepted" ocreate "$b" "$id"
  ocleanup "$id"
  for bad in 'c["ociVersion"] = "invalid"' \
    'c["process"]["rlimits"] = [{"type": "RLIMIT_TEST", "soft": 1, "hard": 1}]' \
    'c["process"]["capabilities"]["bounding"].append("CAP_TEST")' \
    'c["linux"]["namespaces"].append({"type": "pid"})' \
    'c["linux"]["namespaces"].append({"type": "nosuchns"})' \
    'c["root"]["path"] = "does-not-exist"' \
    'c["process"]["args"] = []'; do
    b=$(obundle true)
    id=$(new_id conf)
    cfg_py "$b" "$bad"
    if ocreate "$b" "$id"; then
      ort start "$id" >"$WORK/start.out" 2>&1
      if [ "$(ostate "$id" status)" = stopped ] && ! grep -q . "$b/stderr" "$WORK/start.out"; then
        not_ok "invalid config refused: $bad" "create and start succeeded"
      else ok "invalid config refused: $bad (at start)"; fi
    else ok "invalid config refused: $bad"; fi
    ocleanup "$id"
    if ort state "$id" >/dev/null 2>&1 || [ -e "$ROOT/$id" ]; then not_ok "refused config leaves no container: $bad"; fi
  done
}

section_spec() {
  if [ -z "$GO" ] || ! build_ocigen; then
    skip "spec checks" "Go or Debian's runtime-tools library not installable here: $(tail -n 3 "$WORK/ocigen.log" "$WORK/apt.log" 2>/dev/null | tr '\n' ' ')"
    return
  fi
  echo "# --- lifecycle"
  spec_lifecycle
  echo "# --- hooks"
  spec_hooks
  echo "# --- in-container (runtimetest's checks)"
  spec_incontainer
  echo "# --- namespaces"
  spec_namespaces
  echo "# --- config.json handling"
  spec_config
  echo "# --- cgroups"
  spec_cgroups
}

for part in ${CONFORMANCE_ONLY:-upstream spec}; do
  echo "# === $part"
  "section_$part"
done
finish
