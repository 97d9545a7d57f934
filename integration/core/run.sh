#!/usr/bin/env bash
# integration/core/run.sh RUNTIME — the core runtime checked with real containers:
# lifecycle, process attributes seen from inside, mounts, hooks, terminal, safety and
# error handling. Written against the runc command line: `core/run.sh $(command -v runc)`
# is the reference run; checks marked [rampart] hold only for rampart (exact messages).
#   CORE_ONLY="lifecycle hooks" core/run.sh RT   runs only those sections.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
suite_init core "$1"

for part in cli lifecycle process seccomp mounts hooks terminal safety errors; do
  source "$here/$part.sh"
done

# One bundle per section; tests copy it when they change config.json.
BASE=$(new_bundle)
make_bundle "$BASE" /bin/true || { not_ok "busybox bundle built"; finish; }

# run_in BUNDLE: `run` a fresh container of BUNDLE; its stdout+stderr on stdout.
run_in() { rt run --bundle "$1" "$(new_id)" </dev/null 2>&1; }

sections=${CORE_ONLY:-cli lifecycle lifecycle_flags process seccomp mounts hooks terminal safety errors}
for s in $sections; do
  echo "# --- $s"
  "section_$s"
done
finish
