# core suite: spec, features, --version, list (sourced by core/run.sh)

section_cli() {
  local d out rc id b before

  # spec writes a default config.json that parses and names the rootfs
  d=$(new_dir spec)
  (cd "$d" && rt spec) >"$WORK/spec.out" 2>&1
  rc=$?
  expect_eq "spec exits 0" 0 "$rc"
  if python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["ociVersion"].startswith("1."); assert c["root"]["path"]; assert c["process"]["args"]' "$d/config.json" 2>/dev/null; then
    ok "spec writes a config.json with ociVersion 1.x, root.path and process.args"
  else
    not_ok "spec writes a config.json with ociVersion 1.x, root.path and process.args" "$(head -c 400 "$d/config.json" 2>&1)"
  fi
  before=$(md5sum <"$d/config.json")
  (cd "$d" && rt spec) >"$WORK/spec.out" 2>&1
  rc=$?
  if [ $rc -ne 0 ] && [ "$(md5sum <"$d/config.json")" = "$before" ]; then
    ok "spec refuses to overwrite an existing config.json"
  else
    not_ok "spec refuses to overwrite an existing config.json" "exit status $rc" "$(cat "$WORK/spec.out")"
  fi
  d=$(new_dir spec)
  rt spec --bundle "$d" >/dev/null 2>&1
  if [ -s "$d/config.json" ]; then ok "spec --bundle DIR writes DIR/config.json"; else
    not_ok "spec --bundle DIR writes DIR/config.json"
  fi

  # features prints JSON with the documented keys
  out=$(rt features 2>&1)
  if json_get "$out" ociVersionMin >/dev/null && json_get "$out" hooks >/dev/null && json_get "$out" linux.namespaces >/dev/null; then
    ok "features prints JSON with ociVersionMin, hooks, linux.namespaces"
  else
    not_ok "features prints JSON with ociVersionMin, hooks, linux.namespaces" "$(printf '%s' "$out" | head -c 600)"
  fi

  out=$("$RT" --version 2>&1)
  expect_match "--version prints a version and the spec version" '[0-9]+\.[0-9]+' "$out"
  out=$("$RT" --help 2>&1)
  expect_match "--help lists the commands" 'create' "$out"

  # list: table with a header and the container, and JSON
  b=$(fresh_bundle sleep 100)
  id=$(new_id list)
  rt create --bundle "$b" "$id" >"$WORK/list.out" 2>&1
  out=$(rt list 2>&1)
  expect_match "list prints the table header" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER' "$out"
  expect_match "list shows the created container" "^$id +[0-9]+ +created +$b " "$out"
  out=$(rt list -q 2>&1)
  expect_match "list -q prints ids only" "^$id\$" "$out"
  out=$(rt list --format json 2>&1)
  if python3 -c '
import json, sys
l = json.loads(sys.argv[1]); i = sys.argv[2]
m = [c for c in l if c["id"] == i]
assert m and m[0]["status"] == "created" and m[0]["pid"] > 0 and m[0]["bundle"] == sys.argv[3]
' "$out" "$id" "$b" 2>/dev/null; then
    ok "list --format json has id, pid, status, bundle"
  else
    not_ok "list --format json has id, pid, status, bundle" "$(printf '%s' "$out" | head -c 600)"
  fi
  rt delete --force "$id" >/dev/null 2>&1
  out=$(ROOT=$WORK/empty-root rt list --format json 2>&1)
  if python3 -c 'import json, sys; assert json.loads(sys.argv[1]) in ([], None)' "$out" 2>/dev/null; then
    ok "list --format json of an empty root is [] or null"
  else not_ok "list --format json of an empty root is [] or null" "$out"; fi
}
