# escape suite: a hostile linux.cgroupsPath (sourced by escape/run.sh)

section_cgroups() {
  local victim vb vpid vcg b x rc out mcg

  # Another container's cgroup as cgroupsPath: the attacker would share the victim's
  # cgroup, so its `kill --all` would kill the victim and its `delete` remove the victim's
  # cgroup. The runtime must refuse to create in a cgroup that already has processes.
  vb=$(fresh_bundle sleep 300)
  victim=$(new_id victim)
  rt run -d --bundle "$vb" "$victim" </dev/null >"$WORK/victim.out" 2>&1
  vpid=$(state_field "$victim" pid)
  if [ -z "$vpid" ] || [ "$vpid" = 0 ]; then
    not_ok "victim container runs" "$(cat "$WORK/victim.out")"
    return
  fi
  # its cgroup path, from the first controller hierarchy that is not the named one
  vcg=$(awk -F: '$2 != "" && $2 !~ /^name=/ {print $3; exit}' "/proc/$vpid/cgroup")
  [ -n "$vcg" ] && [ "$vcg" != / ] || vcg=$(awk -F: '$1 == 0 {print $3}' "/proc/$vpid/cgroup")
  diag "victim pid $vpid in cgroup $vcg"
  b=$(fresh_bundle sleep 300)
  cfg_py "$b" 'c["linux"]["cgroupsPath"] = "'"$vcg"'"'
  x=$(new_id attacker)
  rt run -d --bundle "$b" "$x" </dev/null >"$WORK/attacker.out" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    # the attack goes on: kill everything "in the attacker's cgroup", then delete it
    rt kill --all "$x" KILL >/dev/null 2>&1
    sleep 0.3
    rt delete --force "$x" >/dev/null 2>&1
    not_ok "a cgroupsPath naming another container's (populated) cgroup is refused" "create succeeded"
  else
    ok "a cgroupsPath naming another container's (populated) cgroup is refused"
    is_rampart && expect_match "[rampart] the refusal names linux.cgroupsPath" 'linux\.cgroupsPath' "$(cat "$WORK/attacker.out")"
  fi
  expect_eq "the victim container still runs" running "$(state_field "$victim" status)"
  expect_match "the victim's process is alive (not killed, not a zombie)" '^[RSD]$' \
    "$(cut -d' ' -f3 "/proc/$vpid/stat" 2>/dev/null)"
  if [ -d "/sys/fs/cgroup/pids$vcg" ] || [ -d "/sys/fs/cgroup/unified$vcg" ] || [ -d "/sys/fs/cgroup$vcg" ]; then
    ok "the victim's cgroup still exists"
  else not_ok "the victim's cgroup still exists" "$vcg"; fi
  expect_nothing_left "refused attacker" "$x"
  rt delete --force "$victim" >/dev/null 2>&1

  # "." components name the hierarchy root or a parent (every host process): refused.
  # (Kept harmless for a runtime without the check: "/<ours>/." resolves to a new cgroup
  # of our own, which the check then finds.)
  b=$(fresh_bundle true)
  mcg=rampart-it-dot-$$-$RANDOM
  printf '%s\n' "$mcg" >>"$WORK/.ids"
  cfg_py "$b" 'c["linux"]["cgroupsPath"] = "/'"$mcg"'/."'
  refused "cgroupsPath \"/X/.\"" 'linux\.cgroupsPath.*"\."' "$b"
  expect_eq "cgroupsPath \"/X/.\": no cgroup created" "" "$(cgroup_dirs_named "$mcg")"

  # ".." components: refused before anything is created
  cfg_py "$b" 'c["linux"]["cgroupsPath"] = "/'"$mcg"'/../'"$mcg"'-up"'
  refused "cgroupsPath with \"..\"" 'linux\.cgroupsPath' "$b"
  expect_eq "cgroupsPath with \"..\": no cgroup created" "" "$(cgroup_dirs_named "$mcg")"
}
