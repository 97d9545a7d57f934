# escape suite: hostile linux.namespaces[].path (sourced by escape/run.sh)

section_namespaces() {
  local b f fifo rc start

  # a regular file is no namespace
  b=$(fresh_bundle true)
  f=$(new_dir nsfile)/not-a-namespace
  echo x >"$f"
  cfg_py "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "'"$f"'"} for n in c["linux"]["namespaces"]]'
  refused "network namespace path is a regular file" 'linux\.namespaces\[[0-9]+\]\.path' "$b"

  # a FIFO: opening it to read would block forever (the create must not hang)
  fifo=$(new_dir nsfifo)/fifo
  mkfifo "$fifo"
  cfg_py "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "'"$fifo"'"} for n in c["linux"]["namespaces"]]'
  start=$(date +%s)
  T=8 refused "network namespace path is a FIFO (no hang)" 'linux\.namespaces\[[0-9]+\]\.path' "$b"
  diag "FIFO namespace path: create took $(($(date +%s) - start))s"

  # a namespace of another type: a uts namespace given as the network namespace
  cfg_py "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "/proc/'"$$"'/ns/uts"} for n in c["linux"]["namespaces"]]'
  refused "network namespace path names a uts namespace" 'linux\.namespaces\[[0-9]+\]\.path' "$b"

  # the runtime's own mount namespace (/proc/self/ns/mnt is opened by the runtime: the
  # host's). A runtime that joins it sets up the rootfs and pivot_roots on the host's
  # mount table, so this runs against rampart only (where it is refused up front).
  if is_rampart; then
    b=$(fresh_bundle true)
    for f in /proc/self/ns/mnt /proc/1/ns/mnt; do
      cfg_py "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "mount" else {"type": "mount", "path": "'"$f"'"} for n in c["linux"]["namespaces"]]'
      refused "mount namespace path $f (the host's)" 'linux\.namespaces\[[0-9]+\]\.path' "$b"
    done
  else
    skip "mount namespace path of the host" "would reconfigure the host's mounts if the runtime joined it"
  fi
  rc=$(findmnt -no PROPAGATION / 2>/dev/null)
  diag "host / propagation after the attacks: $rc"
}
