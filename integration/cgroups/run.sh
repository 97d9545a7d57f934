#!/usr/bin/env bash
# integration/cgroups/run.sh RUNTIME: resource limits seen from the host and from inside,
# pause/resume, update, events, ps, OOM reporting and cgroup cleanup, with real containers.
# Works on v1, hybrid and v2 hosts (paths are looked up per layout).
source "$(dirname "$0")/../lib.sh"
suite_init cgroups "$1"

# Host directory of a container's cgroup for a controller (default cgroupsPath
# /rampart/<id>): the v1 hierarchy when the controller is mounted there, else the v2 tree.
cg_dir() { # ID CONTROLLER
  local v2
  if [ -d "/sys/fs/cgroup/$2" ] && grep -qw "$2" /proc/self/cgroup 2>/dev/null; then
    printf '/sys/fs/cgroup/%s/rampart/%s\n' "$2" "$1"
    return
  fi
  v2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
  printf '%s/rampart/%s\n' "$v2" "$1"
}
v1() { [ -d "/sys/fs/cgroup/$1" ] && grep -qw "$1" /proc/self/cgroup; }
rd() { cat "$1" 2>/dev/null | head -n 1; }

# utime of a process (field 14 of /proc/PID/stat).
utime() { awk '{sub(/.*\) /, ""); print $12}' "/proc/$1/stat" 2>/dev/null; }

# json_get JSON PYTHON-EXPR (with d = the parsed document)
json_get() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>&1; }

# ------------------------------------------------------------ limits: host files and inside
B=$(new_bundle)
make_bundle "$B" sleep 1000
cfg_set "$B" linux.resources.memory '{"limit": 67108864, "swap": 67108864}'
cfg_set "$B" linux.resources.cpu '{"shares": 512, "quota": 20000, "period": 100000, "cpus": "0"}'
cfg_set "$B" linux.resources.pids '{"limit": 32}'
id=$(new_id lim)
if check "create with limits" rt create --bundle "$B" "$id"; then
  mem=$(cg_dir "$id" memory)
  if v1 memory; then
    expect_eq "host memory.limit_in_bytes" 67108864 "$(rd "$mem/memory.limit_in_bytes")"
    [ -e "$mem/memory.memsw.limit_in_bytes" ] && expect_eq "host memory.memsw.limit_in_bytes" 67108864 "$(rd "$mem/memory.memsw.limit_in_bytes")"
  else
    expect_eq "host memory.max" 67108864 "$(rd "$mem/memory.max")"
  fi
  if v1 cpu; then
    expect_eq "host cpu.shares" 512 "$(rd "$(cg_dir "$id" cpu)/cpu.shares")"
    expect_eq "host cpu.cfs_quota_us" 20000 "$(rd "$(cg_dir "$id" cpu)/cpu.cfs_quota_us")"
  else
    expect_eq "host cpu.max" "20000 100000" "$(rd "$(cg_dir "$id" cpu)/cpu.max")"
  fi
  expect_eq "host pids.max" 32 "$(rd "$(cg_dir "$id" pids)/pids.max")"
  expect_eq "host cpuset.cpus" 0 "$(rd "$(cg_dir "$id" cpuset)/cpuset.cpus")"
  pid=$(state_field "$id" pid)
  expect_eq "init is in the container's cgroup" "yes" \
    "$(grep -q "^$pid\$" "$(cg_dir "$id" pids)/cgroup.procs" && echo yes || echo no)"
  rt delete --force "$id" >/dev/null 2>&1
  expect_eq "delete removed every cgroup dir" "" "$(ls -d /sys/fs/cgroup/*/rampart/"$id" /sys/fs/cgroup/rampart/"$id" 2>/dev/null)"
fi

# From inside: run in the foreground and capture what the container prints.
B2=$(new_bundle)
make_bundle "$B2" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; grep -m1 -E "memory|^0::" /proc/self/cgroup'
cfg_set "$B2" linux.resources.memory '{"limit": 67108864}'
cfg_set "$B2" linux.resources.pids '{"limit": 32}'
out=$(rt run --bundle "$B2" "$(new_id in)" 2>&1 </dev/null)
expect_match "inside: memory limit visible" '^67108864$' "$out"
expect_match "inside: pids limit visible" '^32$' "$out"
expect_match "inside: own cgroup is the root (cgroup namespace)" ':/$' "$out"

# ------------------------------------------------------------ nested absolute cgroupsPath
B8=$(new_bundle)
make_bundle "$B8" sleep 100
top="rampart-it-$$"
at_cleanup "for d in /sys/fs/cgroup/*/$top/nested /sys/fs/cgroup/*/$top /sys/fs/cgroup/$top/nested /sys/fs/cgroup/$top; do rmdir \$d; done"
id=$(new_id nest)
cfg_set "$B8" linux.cgroupsPath "\"/$top/nested/$id\""
if check "create with a nested cgroupsPath" rt create --bundle "$B8" "$id"; then
  pid=$(state_field "$id" pid)
  expect_match "init placed at the nested path" ":/$top/nested/$id\$" "$(grep pids /proc/"$pid"/cgroup)"
  rt delete --force "$id" >/dev/null 2>&1
  expect_eq "delete removes the leaf" "" "$(ls -d /sys/fs/cgroup/*/"$top"/nested/"$id" 2>/dev/null)"
  expect_ne "delete keeps parents it does not own" "" "$(ls -d /sys/fs/cgroup/*/"$top"/nested 2>/dev/null)"
fi

# ------------------------------------------------------------ device rules (v1 devices.list)
if v1 devices; then
  B7=$(new_bundle)
  make_bundle "$B7" sleep 100
  cfg_py "$B7" 'c["linux"].setdefault("resources", {})["devices"] = []; c["linux"]["devices"] = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 384}]'
  id=$(new_id dev)
  if check "create with linux.devices and no device rules" rt create --bundle "$B7" "$id"; then
    list=$(cat "$(cg_dir "$id" devices)/devices.list")
    expect_no_match "no rules means deny-all first (not a *:* rwm)" '^a \*:\* rwm$' "$list"
    expect_match "linux.devices entry allowed" '^c 1:11 rwm$' "$list"
    expect_match "runc's default devices allowed" '^c 1:3 rwm$' "$list"
    rt delete --force "$id" >/dev/null 2>&1
  fi
fi

# ------------------------------------------------------------ unsupported value: clear error
B3=$(new_bundle)
make_bundle "$B3" true
if v1 net_cls; then
  skip "net_cls classID refused when missing" "net_cls is mounted here"
else
  cfg_set "$B3" linux.resources.network '{"classID": 1048577}'
  id=$(new_id bad)
  rt create --bundle "$B3" "$id" >"$WORK/bad.out" 2>&1 </dev/null
  expect_match "network.classID without net_cls: clear error" 'linux.resources.network.classID: net_cls controller' "$(cat "$WORK/bad.out")"
  expect_eq "failed create leaves no cgroup" "" "$(ls -d /sys/fs/cgroup/*/rampart/"$id" /sys/fs/cgroup/rampart/"$id" 2>/dev/null)"
fi

# ------------------------------------------------------------ pause / resume a busy process
B4=$(new_bundle)
make_bundle "$B4" sh -c 'while :; do :; done'
id=$(new_id busy)
if check "create busy container" rt create --bundle "$B4" "$id" && check "start busy container" rt start "$id"; then
  pid=$(state_field "$id" pid)
  sleep 0.3
  check "pause" rt pause "$id"
  expect_eq "state reports paused" paused "$(state_field "$id" status)"
  a=$(utime "$pid"); sleep 0.5; b=$(utime "$pid")
  expect_eq "paused process gets no CPU" "$a" "$b"
  rt pause "$id" >"$WORK/pp.out" 2>&1
  rc=$?
  expect_match "pausing a paused container fails clearly" 'already paused' "$(cat "$WORK/pp.out") rc=$rc"
  check "resume" rt resume "$id"
  expect_eq "state reports running" running "$(state_field "$id" status)"
  a=$(utime "$pid"); sleep 0.5; b=$(utime "$pid")
  expect_ne "resumed process runs again" "$a" "$b"
  check_fail "resume a running container fails" rt resume "$id"

  # ---------------------------------------------------------- ps
  json=$(rt ps --format json "$id" 2>&1)
  expect_eq "ps --format json lists the init" "True" "$(json_get "$json" "$pid in d")"
  table=$(rt ps "$id" 2>&1)
  expect_match "ps table has the ps header" 'PID' "$(printf '%s\n' "$table" | head -n 1)"
  expect_match "ps table lists the init" "^[^ ]+ +$pid " "$table"

  # ---------------------------------------------------------- update
  check "update --memory --pids-limit --cpu-share" rt update --memory 128m --memory-swap 256m --pids-limit 10 --cpu-share 256 "$id"
  if v1 memory; then
    expect_eq "update: memory.limit_in_bytes" 134217728 "$(rd "$(cg_dir "$id" memory)/memory.limit_in_bytes")"
  else
    expect_eq "update: memory.max" 134217728 "$(rd "$(cg_dir "$id" memory)/memory.max")"
  fi
  expect_eq "update: pids.max" 10 "$(rd "$(cg_dir "$id" pids)/pids.max")"
  v1 cpu && expect_eq "update: cpu.shares" 256 "$(rd "$(cg_dir "$id" cpu)/cpu.shares")"
  printf '%s' '{"pids":{"limit":20},"memory":{"limit":100663296,"swap":201326592}}' >"$WORK/res.json"
  check "update --resources FILE" rt update --resources "$WORK/res.json" "$id"
  expect_eq "update --resources: pids.max" 20 "$(rd "$(cg_dir "$id" pids)/pids.max")"
  out=$(printf '%s' '{"pids":{"limit":-1}}' | rt update -r - "$id" 2>&1)
  expect_eq "update --resources -: pids unlimited" max "$(rd "$(cg_dir "$id" pids)/pids.max")"
  check_fail "update with a bad size fails" rt update --memory 12x "$id"

  # ---------------------------------------------------------- events --stats
  ev=$(rt events --stats "$id" 2>&1)
  expect_eq "events --stats: type" stats "$(json_get "$ev" 'd["type"]')"
  expect_eq "events --stats: id" "$id" "$(json_get "$ev" 'd["id"]')"
  expect_eq "events --stats: pids.current >= 1" True "$(json_get "$ev" 'd["data"]["pids"]["current"] >= 1')"
  expect_eq "events --stats: memory usage > 0" True "$(json_get "$ev" 'd["data"]["memory"]["usage"]["usage"] > 0')"
  expect_eq "events --stats: cpu usage > 0" True "$(json_get "$ev" 'd["data"]["cpu"]["usage"]["total"] > 0')"
  rt events --interval 200ms "$id" >"$WORK/ev.out" 2>&1 &
  evpid=$!
  sleep 1
  rt kill "$id" KILL >/dev/null 2>&1
  for _ in $(seq 50); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$evpid" 2>/dev/null; then
    kill "$evpid"
    not_ok "events ends when the container stops"
  else
    ok "events ends when the container stops"
  fi
  n=$(grep -c '"type":"stats"' "$WORK/ev.out")
  expect_eq "events streams stats every interval" True "$([ "$n" -ge 3 ] && echo True || echo "False ($n lines)")"
  rt delete --force "$id" >/dev/null 2>&1
  expect_eq "delete removed the cgroup" "" "$(ls -d "$(cg_dir "$id" pids)" "$(cg_dir "$id" memory)" 2>/dev/null)"
fi

# ------------------------------------------------------------ OOM kill is reported
B5=$(new_bundle)
make_bundle "$B5" sh -c 'sleep 1; x=0123456789; while :; do x=$x$x; done'
cfg_set "$B5" linux.resources.memory '{"limit": 33554432, "swap": 33554432}'
id=$(new_id oom)
if check "create OOM container" rt create --bundle "$B5" "$id"; then
  rt events --interval 1s "$id" >"$WORK/oom.out" 2>&1 &
  evpid=$!
  check "start OOM container" rt start "$id"
  wait_status "$id" stopped 20
  expect_eq "OOM container stopped" stopped "$(state_field "$id" status)"
  for _ in $(seq 30); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.1; done
  kill "$evpid" 2>/dev/null
  expect_match "events reports the OOM kill" '"type":"oom"' "$(cat "$WORK/oom.out")"
  if v1 memory; then
    expect_match "host memory.oom_control counts the kill" '^oom_kill [1-9]' "$(cat "$(cg_dir "$id" memory)/memory.oom_control")"
  fi
  check "delete after OOM" rt delete "$id"
  expect_eq "no cgroup left after OOM" "" "$(ls -d "$(cg_dir "$id" memory)" 2>/dev/null)"
fi

# ------------------------------------------------------------ 100 create/delete cycles
B6=$(new_bundle)
make_bundle "$B6" sleep 100
cfg_set "$B6" linux.resources.pids '{"limit": 16}'
prefix="cyc-$$-"
failed=0
for i in $(seq 100); do
  rt create --bundle "$B6" "$prefix$i" >/dev/null 2>&1 </dev/null || failed=$((failed + 1))
  rt delete --force "$prefix$i" >/dev/null 2>&1 || failed=$((failed + 1))
done
expect_eq "100 create/delete cycles succeed" 0 "$failed"
left=$(ls -d /sys/fs/cgroup/*/rampart/"$prefix"* /sys/fs/cgroup/rampart/"$prefix"* 2>/dev/null | head)
expect_eq "no cgroup of the cycles left on any hierarchy" "" "$left"

finish
