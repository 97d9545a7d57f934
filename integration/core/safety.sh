# core suite: escapes — the runtime binary via /proc/*/exe, mount targets and cwd
# symlinked out of the root (sourced by core/run.sh)

section_safety() {
  local b hd copy sum out outside outside2 payload id hostile

  # /proc/self/exe class: a process inside the container, running while the runtime's
  # init is still pid 1 (a startContainer hook runs there) and the user process after
  # it, try to write to every /proc/*/exe they can see. The runtime used is a copy of the
  # binary, so a vulnerable runtime damages only the copy, which is then compared.
  copy=$(new_dir rtcopy)/$RT_NAME
  cp "$RT" "$copy"
  sum=$(sha256sum <"$copy")
  hd=$(new_dir exehook)
  chmod 777 "$hd"
  b=$(fresh_bundle /bin/sh -c 'for p in /proc/[0-9]*; do echo x 2>/dev/null >>$p/exe && echo "wrote $p/exe"; done 2>/dev/null; echo done')
  cfg_py "$b" 'c["hooks"] = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c",
    "ls -l /proc/1/exe >/hooklog/exe-link 2>&1; for p in 1 $PPID /proc/[0-9]*; do p=${p#/proc/}; echo x 2>/dev/null >>/proc/$p/exe && echo wrote /proc/$p/exe; done >/hooklog/hook.out; cat /proc/1/exe >/dev/null 2>&1 && echo readable >>/hooklog/hook.out; exit 0"]}]}
c["mounts"].append({"destination": "/hooklog", "type": "bind", "source": "'"$hd"'", "options": ["bind", "rw"]})'
  out=$(timeout -k 5 "$T" "$copy" --root "$ROOT" run --bundle "$b" "$(new_id exe)" </dev/null 2>&1)
  expect_eq "container process cannot write any /proc/*/exe" done "$out"
  if [ -e "$hd/hook.out" ]; then
    expect_no_match "a process beside the runtime's init cannot write /proc/1/exe" 'wrote' "$(cat "$hd/hook.out")"
  else skip "a process beside the runtime's init cannot write /proc/1/exe" "startContainer hook did not run"; fi
  diag "inside, /proc/1/exe was: $(cat "$hd/exe-link" 2>/dev/null)"
  expect_eq "the runtime binary on the host is unchanged" "$sum" "$(sha256sum <"$copy")"

  # mount targets symlinked out of the root: absolute and relative links to a host dir,
  # and a link to /etc; the mounts must land inside the rootfs (or fail cleanly) and the
  # host dirs stay untouched.
  outside=$(new_dir outside)
  echo marker >"$outside/marker"
  outside2=$(new_dir outside)
  echo marker >"$outside2/marker"
  payload=$(new_dir payload)
  echo payload >"$payload/file"
  hostile=rampart-it-hostile-$$
  b=$(fresh_bundle /bin/sh -c 'touch /evil/pwned /evil2/pwned2 /etclink/'"$hostile"'/pwned3 2>&1; sleep 1')
  ln -s "$outside" "$b/rootfs/evil"
  ln -s "../../../../../../../../../../..$outside2" "$b/rootfs/evil2"
  ln -s /etc "$b/rootfs/etclink"
  at_cleanup "rm -rf /etc/$hostile"
  cfg_py "$b" 'c["mounts"] += [
      {"destination": "/evil", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]},
      {"destination": "/evil2", "type": "bind", "source": "'"$payload"'", "options": ["bind"]},
      {"destination": "/etclink/'"$hostile"'", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
  id=$(new_id evil)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/evil.out" 2>&1
  diag "hostile bundle: create exit status $? $(head -c 300 "$WORK/evil.out")"
  expect_eq "hostile bundle: no mount on the host dirs while the container exists" "" "$(mounts_under "$outside"; mounts_under "$outside2")"
  rt start "$id" >/dev/null 2>&1
  wait_status "$id" stopped 5
  rt delete --force "$id" >/dev/null 2>&1
  expect_eq "hostile bundle: the host dir is untouched" marker "$(ls -A "$outside" | tr '\n' ' ' | sed 's/ $//')"
  expect_eq "hostile bundle: the relative link's host dir is untouched" marker "$(ls -A "$outside2" | tr '\n' ' ' | sed 's/ $//')"
  if [ -e "/etc/$hostile" ]; then not_ok "hostile bundle: nothing created in the host's /etc" "$(ls -la "/etc/$hostile")"; else
    ok "hostile bundle: nothing created in the host's /etc"
  fi
  expect_eq "hostile bundle: no mount left on the host" "" "$(mounts_under "$outside"; mounts_under "$outside2"; mounts_under "/etc/$hostile")"
  if [ -d "$b/rootfs$outside" ] || [ -d "$b/rootfs/etc/$hostile" ]; then
    ok "hostile bundle: the targets were resolved inside the rootfs"
  elif grep -q . "$WORK/evil.out"; then
    ok "hostile bundle: refused (create failed cleanly)"
  else not_ok "hostile bundle: targets resolved inside the rootfs or refused"; fi

  # cwd through a symlink out of the root stays inside the root
  b=$(fresh_bundle /bin/sh -c 'touch cwd-file 2>&1; pwd')
  ln -s "$outside" "$b/rootfs/cwdlink"
  cfg_py "$b" 'c["process"]["cwd"] = "/cwdlink"'
  rt run --bundle "$b" "$(new_id cwd)" </dev/null >"$WORK/cwd.out" 2>&1
  if [ -e "$outside/cwd-file" ]; then not_ok "cwd symlinked out of the root stays inside the root" "$(cat "$WORK/cwd.out")"; else
    ok "cwd symlinked out of the root stays inside the root"
  fi
}
