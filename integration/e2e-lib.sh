# shellcheck shell=bash
# Shared helpers for the client end-to-end suites (docker, containerd, podman).
# Sourced, not run. Self-contained (integration/lib.sh may set options/traps these
# suites do not want); the names are prefixed e2e_ so both can be sourced together.
#
#   e2e_ok NAME / e2e_fail NAME [WHY...] / e2e_skip NAME WHY   TAP lines + counters
#   e2e_check NAME EXPECTED GOT                                compare and report
#   e2e_summary SUITE                                          "# SUITE: N passed, M failed, K skipped"
#   e2e_skip_suite SUITE WHY                                   loud skip of a whole suite, exit 0

E2E_PASS=0
E2E_FAIL=0
E2E_SKIP=0
E2E_FAILED_NAMES=()

e2e_ok() { E2E_PASS=$((E2E_PASS + 1)); echo "ok - $*"; }

e2e_fail() {
  local name=$1; shift
  E2E_FAIL=$((E2E_FAIL + 1))
  E2E_FAILED_NAMES+=("$name")
  echo "not ok - $name"
  local line
  for line in "$@"; do
    printf '%s\n' "$line" | sed 's/^/#   /'
  done
}

e2e_skip() { E2E_SKIP=$((E2E_SKIP + 1)); echo "ok - $1 # SKIP $2"; }

# e2e_check NAME EXPECTED GOT [EXTRA-DIAGNOSTIC...]
e2e_check() {
  local name=$1 want=$2 got=$3; shift 3
  if [ "$want" = "$got" ]; then
    e2e_ok "$name"
  else
    e2e_fail "$name" "expected: $want" "got:      $got" "$@"
  fi
}

# e2e_match NAME REGEX GOT  (grep -E on GOT)
e2e_match() {
  local name=$1 re=$2 got=$3; shift 3
  if printf '%s\n' "$got" | grep -Eq -- "$re"; then
    e2e_ok "$name"
  else
    e2e_fail "$name" "expected to match: $re" "got:      $got" "$@"
  fi
}

e2e_summary() {
  local suite=$1
  echo "# $suite: $E2E_PASS passed, $E2E_FAIL failed, $E2E_SKIP skipped"
  if [ "$E2E_FAIL" -gt 0 ]; then
    local n
    echo "# $suite failed:"
    for n in "${E2E_FAILED_NAMES[@]}"; do echo "#   $n"; done
    return 1
  fi
  return 0
}

e2e_skip_suite() {
  local suite=$1; shift
  echo "#"
  echo "# ######## SKIPPING THE WHOLE $suite SUITE ########"
  echo "# $*"
  echo "# ##################################################"
  echo "ok - $suite # SKIP $*"
  echo "# $suite: 0 passed, 0 failed, 1 skipped"
  exit 0
}

# e2e_rootfs DIR: a busybox-static root filesystem with users root, nobody (65534), u1000.
e2e_rootfs() {
  local r=$1 bb a
  bb=$(command -v busybox) || return 1
  mkdir -p "$r"/{bin,sbin,etc,tmp,proc,sys,dev,root,run,var,home/u1000,usr/bin}
  chmod 1777 "$r/tmp"
  cp "$bb" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    [ "$a" = busybox ] && continue
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
  cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
u1000:x:1000:1000:u1000:/home/u1000:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$r/etc/group" <<'EOF'
root:x:0:
u1000:x:1000:
nogroup:x:65534:
EOF
  chown 1000:1000 "$r/home/u1000"
  echo rampart-e2e >"$r/etc/hostname"
  : >"$r/etc/hosts"
  : >"$r/etc/resolv.conf"
}

# e2e_rootfs_tar TARFILE: rootfs as an uncompressed tar (for docker import / podman import).
e2e_rootfs_tar() {
  local out=$1 d
  d=$(mktemp -d)
  e2e_rootfs "$d/rootfs" && tar --numeric-owner -C "$d/rootfs" -cf "$out" .
  local rc=$?
  rm -rf "$d"
  return $rc
}

# e2e_oci_image WORKDIR OUT.tar ARCH NAME: an OCI image layout (one layer: the busybox
# rootfs; CMD sh) as a tar that `ctr images import` and `podman load` accept.
e2e_oci_image() {
  local D=$1 arch=$3 IMG=$4
  local L=$D/oci blobs ldig lsize cfg cdig csize man mdig msize
  blobs=$L/blobs/sha256
  mkdir -p "$blobs"
  e2e_rootfs_tar "$D/layer.tar" || return 1
  ldig=$(sha256sum "$D/layer.tar" | cut -d' ' -f1); lsize=$(stat -c %s "$D/layer.tar")
  mv "$D/layer.tar" "$blobs/$ldig"
  cfg='{"architecture":"'$arch'","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:'$ldig'"]}}'
  printf '%s' "$cfg" >"$D/cfg"; cdig=$(sha256sum "$D/cfg" | cut -d' ' -f1); csize=$(stat -c %s "$D/cfg")
  mv "$D/cfg" "$blobs/$cdig"
  man='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'$cdig'","size":'$csize'},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'$ldig'","size":'$lsize'}]}'
  printf '%s' "$man" >"$D/man"; mdig=$(sha256sum "$D/man" | cut -d' ' -f1); msize=$(stat -c %s "$D/man")
  mv "$D/man" "$blobs/$mdig"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"test"}}]}' \
    "$mdig" "$msize" "$arch" "$IMG" >"$L/index.json"
  tar -C "$L" -cf "$2" oci-layout index.json blobs
}

# e2e_tty TIMEOUT COMMAND-STRING: run COMMAND under script(1) so it has a terminal of its
# own; prints its output without \r, NULs and the "^@" the pty may echo when script's
# stdin (/dev/null) ends before the command has started (a harness race, runc too).
e2e_tty() {
  timeout -k 5 "$1" script -qec "$2" /dev/null </dev/null 2>&1 | tr -d '\r\0' | sed 's/\^@//g'
}
