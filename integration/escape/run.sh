#!/usr/bin/env bash
# integration/escape/run.sh RUNTIME — the runtime attacked by a hostile image, a hostile
# bundle and a hostile local user. Complements core/safety.sh (/proc/*/exe from run,
# mount targets and cwd symlinked out of the root) and core/errors.sh (malformed config,
# bad ids, concurrent create): nothing here repeats those.
# Every attack runs only against this suite's own bundles, state root and cgroups.
# Checks marked [rampart] hold only for rampart (its exact refusal rules).
#   ESCAPE_ONLY="cgroups namespaces" escape/run.sh RT   runs only those sections.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
suite_init escape "$1"

BASE=$(new_bundle)
make_bundle "$BASE" /bin/true || { not_ok "busybox bundle built"; finish; }

# cgroup_dirs_named NAME: cgroup directories (any hierarchy) whose name contains NAME.
cgroup_dirs_named() { find /sys/fs/cgroup -maxdepth 6 -type d -name "*$1*" 2>/dev/null; }

# refused NAME ERE BUNDLE: `create` of a fresh id must fail (not time out) with a message;
# for rampart exactly one stderr line matching ERE; and nothing may be left behind: no
# state dir, no cgroup named after the id, no new mount on the host, no process.
refused() {
  local name=$1 ere=$2 b=$3 id rc err
  id=$(new_id hostile)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/refused.out" 2>"$WORK/refused.err"
  rc=$?
  err=$(cat "$WORK/refused.err")
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -ne 137 ] && [ -n "$err" ]; then ok "$name: refused with a message"; else
    not_ok "$name: refused with a message" "exit status $rc" "$(printf '%s' "$err" | head -c 600)"
  fi
  if is_rampart; then
    expect_match "[rampart] $name: stderr names the field" "$ere" "$err"
    expect_eq "[rampart] $name: exactly one stderr line" 1 "$(grep -c . "$WORK/refused.err")"
  fi
  # (the host's mount count is no measure on a shared machine: other containers come and
  # go; mounts of this attack would be at or under the bundle, or name it as a source)
  local left=""
  [ -e "$ROOT/$id" ] && left+="state dir; "
  [ -n "$(cgroup_dirs_named "$id")" ] && left+="cgroups: $(cgroup_dirs_named "$id" | tr '\n' ' '); "
  [ -n "$(mounts_under "$b")" ] && left+="mounts: $(mounts_under "$b" | tr '\n' ' '); "
  grep -qF -- "$b" /proc/self/mountinfo && left+="a mount of the bundle; "
  pgrep -f -- " $id\$" >/dev/null && left+="process: $(pgrep -af -- " $id\$" | head -3); "
  if [ -z "$left" ]; then ok "$name: nothing left behind"; else not_ok "$name: nothing left behind" "$left"; fi
}

source "$here/cgroups.sh"
source "$here/namespaces.sh"
source "$here/config.sh"
source "$here/state.sh"
source "$here/mounts.sh"
source "$here/procs.sh"

sections=${ESCAPE_ONLY:-cgroups namespaces config image state mounts procs}
for s in $sections; do
  echo "# --- $s"
  "section_$s"
done
finish
