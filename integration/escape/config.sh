# escape suite: hostile config.json values and hostile ids (sourced by escape/run.sh)

section_config() {
  local b id rc n pids succ i out big

  # (uid_t)-1 means "leave unchanged" to setresuid: the process would stay root
  b=$(fresh_bundle /bin/sh -c 'id -u; id -g')
  cfg_py "$b" 'c["process"]["user"]["uid"] = 4294967295'
  id=$(new_id uidmax)
  out=$(rt run --bundle "$b" "$id" </dev/null 2>&1)
  expect_no_match "uid 4294967295 does not run as root" '^0$' "$(printf '%s\n' "$out" | head -n 1)"
  is_rampart && refused "[rampart] process.user.uid 4294967295" 'process\.user\.uid' "$b"
  cfg_py "$b" 'c["process"]["user"]["uid"] = 1000; c["process"]["user"]["gid"] = 4294967295'
  out=$(rt run --bundle "$b" "$(new_id gidmax)" </dev/null 2>&1)
  expect_no_match "gid 4294967295 does not keep gid 0" '^0$' "$(printf '%s\n' "$out" | sed -n 2p)"
  is_rampart && refused "[rampart] process.user.gid 4294967295" 'process\.user\.gid' "$b"

  # values out of range, names that do not exist, paths that escape
  b=$(fresh_bundle true)
  cfg_py "$b" 'c["process"]["user"]["uid"] = -1'
  refused "negative uid" 'process\.user\.uid' "$b"
  cfg_py "$b" 'c["process"]["user"]["uid"] = 0; c["process"]["oomScoreAdj"] = 5000'
  refused "oomScoreAdj 5000" 'process\.oomScoreAdj' "$b"
  cfg_py "$b" 'del c["process"]["oomScoreAdj"]; c["process"]["capabilities"]["bounding"].append("CAP_EVERYTHING")'
  refused "unknown capability" 'process\.capabilities\.bounding\[[0-9]+\].*CAP_EVERYTHING' "$b"
  b=$(fresh_bundle true)
  cfg_py "$b" 'c["linux"]["sysctl"] = {"net/../../sysrq-trigger": "h"}'
  refused "sysctl name with ../ (would reach /proc/sysrq-trigger)" 'linux\.sysctl' "$b"
  cfg_py "$b" 'c["linux"]["sysctl"] = {"kernel.core_pattern": "|/tmp/evil"}'
  refused "sysctl that is not namespaced (kernel.core_pattern)" 'linux\.sysctl' "$b"
  cfg_py "$b" 'c["linux"]["sysctl"] = {}; c["linux"]["devices"] = [{"path": "/dev/../etc/evil", "type": "c", "major": 1, "minor": 3}]'
  refused "device path with .." 'linux\.devices\[0\]\.path' "$b"
  cfg_py "$b" 'c["linux"]["devices"] = []; c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 1000}, {"containerID": 500, "hostID": 300000, "size": 10}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 1000}]; c["linux"]["namespaces"].append({"type": "user"})'
  refused "overlapping uidMappings" 'linux\.uidMappings' "$b"

  # a duplicate key (the second value could slip past a checker that reads the first)
  b=$(fresh_bundle true)
  python3 - "$b/config.json" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
t = t.replace('"noNewPrivileges": true', '"noNewPrivileges": true, "noNewPrivileges": false', 1)
open(p, "w").write(t)
PY
  refused "duplicate key noNewPrivileges" 'noNewPrivileges' "$b"

  # invalid UTF-8 in a string
  b=$(fresh_bundle true)
  python3 - "$b/config.json" <<'PY'
import sys
p = sys.argv[1]
t = open(p, "rb").read()
t = t.replace(b'"args": [', b'"args": ["/bin/true\xff\xfe", ', 1)
open(p, "wb").write(t)
PY
  refused "invalid UTF-8" 'config\.json' "$b"

  # 100000 levels of nesting (a recursive parser overflows its stack)
  b=$(fresh_bundle true)
  python3 - "$b/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
t = json.dumps(c)[:-1] + ', "annotations": {"x": ' + "[" * 100000 + "]" * 100000 + "}}"
open(p, "w").write(t)
PY
  refused "100000 nested arrays" 'config\.json' "$b"

  # a 100 MB config.json (an annotation of 100 MB): refused or run, but in bounded time
  # and without being killed
  b=$(fresh_bundle true)
  python3 - "$b/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["annotations"] = {"big": "x" * (100 << 20)}
json.dump(c, open(p, "w"))
PY
  id=$(new_id big)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/big.out" 2>&1
  rc=$?
  if [ $rc -eq 0 ] || { [ $rc -ne 124 ] && [ $rc -lt 128 ] && [ -s "$WORK/big.out" ]; }; then
    ok "100 MB config.json: created or refused with a message (exit $rc)"
  else not_ok "100 MB config.json: created or refused with a message" "exit $rc: $(head -c 300 "$WORK/big.out")"; fi
  rt delete --force "$id" >/dev/null 2>&1
  expect_nothing_left "100 MB config.json, after delete" "$id" "$b"
  rm -f "$b/config.json"

  # hostile ids: leading dash (read as a flag by every later command), newline, space
  for id in -x --help "$(printf 'a\nb')" "a b" "x/../y"; do
    n="id '$(printf '%q' "$id")'"
    rt create --bundle "$BASE" -- "$id" </dev/null >"$WORK/id.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
      not_ok "$n: refused" "created"
      ( cd "$ROOT" && "$RT" --root "$ROOT" delete --force -- "$id" ) >/dev/null 2>&1
    else ok "$n: refused"; fi
  done
  expect_eq "hostile ids: nothing in --root" "" "$(ls -A "$ROOT" | grep -E '^-|[[:space:]]' )"

  # ten concurrent creates of one id: exactly one wins, the state stays readable
  b=$(fresh_bundle sleep 100)
  for i in 1 2; do
    id=$(new_id race10)
    pids=()
    for n in $(seq 10); do
      rt create --bundle "$b" "$id" </dev/null >"$WORK/race.$n.out" 2>&1 &
      pids+=($!)
    done
    succ=0
    for n in "${pids[@]}"; do wait "$n" && succ=$((succ + 1)); done
    expect_eq "10 concurrent creates #$i: exactly one succeeds" 1 "$succ"
    expect_eq "10 concurrent creates #$i: state is created" created "$(state_field "$id" status)"
    expect_eq "10 concurrent creates #$i: one cgroup per hierarchy, one process in it" 1 \
      "$(cat "$(cgroup_dirs_named "$id" | head -n 1)/cgroup.procs" 2>/dev/null | wc -l)"
    # delete racing kill and state
    rt kill "$id" KILL >/dev/null 2>&1 &
    rt state "$id" >/dev/null 2>&1 &
    rt delete --force "$id" >"$WORK/race.del" 2>&1 &
    rt state "$id" >/dev/null 2>&1 &
    wait
    expect_nothing_left "delete racing kill/state #$i" "$id" "$b"
  done
}

# escape suite: files of the image the runtime itself reads (sourced by escape/run.sh)
section_image() {
  local b start rc out id

  # /etc/passwd (read for HOME) made a FIFO: opening it would block forever
  b=$(fresh_bundle /bin/sh -c 'echo "HOME=$HOME"')
  cfg_py "$b" 'c["process"]["env"] = ["PATH=/bin"]'
  rm -f "$b/rootfs/etc/passwd"
  mkfifo "$b/rootfs/etc/passwd"
  start=$(date +%s)
  T=10 rt run --bundle "$b" "$(new_id passwdfifo)" </dev/null >"$WORK/pwfifo.out" 2>&1
  rc=$?
  diag "FIFO /etc/passwd: exit $rc after $(($(date +%s) - start))s: $(head -c 200 "$WORK/pwfifo.out")"
  expect_eq "/etc/passwd a FIFO: the container runs (no hang), HOME defaults to /" "0 HOME=/" "$rc $(cat "$WORK/pwfifo.out")"

  # /etc/passwd a link to /dev/zero: an endless line (the reader must not eat memory);
  # a memory limit makes a vulnerable runtime fail instead of exhausting the host
  rm -f "$b/rootfs/etc/passwd"
  ln -s /dev/zero "$b/rootfs/etc/passwd"
  cfg_py "$b" 'c["linux"].setdefault("resources", {})["memory"] = {"limit": 268435456}'
  T=10 rt run --bundle "$b" "$(new_id passwdzero)" </dev/null >"$WORK/pwzero.out" 2>&1
  rc=$?
  expect_eq "/etc/passwd -> /dev/zero: the container runs, HOME defaults to /" "0 HOME=/" "$rc $(head -c 300 "$WORK/pwzero.out")"

  # the same for exec (it reads the container's /etc/passwd too)
  b=$(fresh_bundle sleep 30)
  rm -f "$b/rootfs/etc/passwd"
  mkfifo "$b/rootfs/etc/passwd"
  id=$(new_id passwdexec)
  rt run -d --bundle "$b" "$id" </dev/null >"$WORK/pwexec.out" 2>&1
  out=$(T=10 rt exec --env PATH=/bin "$id" /bin/sh -c 'echo "HOME=$HOME"' </dev/null 2>&1)
  expect_eq "exec with /etc/passwd a FIFO: no hang, HOME defaults to /" "HOME=/" "$out"
  rt delete --force "$id" >/dev/null 2>&1
}
