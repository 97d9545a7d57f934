# escape suite: masked/readonly paths, symlinks in the image, mount propagation, devices
# (sourced by escape/run.sh)

section_mounts() {
  local b id out hd o2 before mp host_mp

  # masked and readonly paths, attacked from inside without CAP_SYS_ADMIN (the default
  # capability set): reads, opening for write (harmless: nothing is written), remounts, unmounts
  b=$(fresh_bundle /bin/sh -c '
    for f in /proc/kcore /proc/keys /proc/sched_debug /proc/timer_list; do
      [ -e $f ] && echo "$f $(head -c 64 $f 2>/dev/null | wc -c)"; done
    echo "fw $(ls -A /sys/firmware 2>/dev/null | wc -l)"
    umount /proc/kcore 2>/dev/null && echo umount-kcore
    umount -l /sys/firmware 2>/dev/null && echo umount-fw
    mount -o remount,rw /proc/sys 2>/dev/null && echo remount-sys
    mount -o remount,rw,bind /proc/sys 2>/dev/null && echo remount-sys-bind
    mount -o remount,rw /sys 2>/dev/null && echo remount-sysfs
    for f in /proc/sys/kernel/sysrq /proc/sysrq-trigger /proc/sys/vm/drop_caches /sys/kernel/uevent_helper /proc/sys/kernel/core_pattern; do
      [ -e $f ] && (: 2>/dev/null >>$f) 2>/dev/null && echo opened-for-write-$f; done
    mount -t proc proc /tmp 2>/dev/null && echo mounted-proc
    mount -t sysfs sysfs /mnt 2>/dev/null && echo mounted-sysfs
    echo end')
  out=$(rt run --bundle "$b" "$(new_id masked)" </dev/null 2>&1)
  expect_match "/proc/kcore reads nothing (if the kernel has it)" '^(/proc/kcore 0|)$' "$(printf '%s\n' "$out" | grep kcore)"
  expect_match "/proc/keys reads nothing" '^/proc/keys 0$' "$out"
  expect_match "/proc/sched_debug reads nothing" '^(/proc/sched_debug 0|)$' "$(printf '%s\n' "$out" | grep sched_debug)"
  expect_match "/sys/firmware is empty" '^fw 0$' "$out"
  expect_eq "no unmount, remount, write to /proc/sys, sysrq or sysfs, no new proc/sysfs mount" end \
    "$(printf '%s\n' "$out" | grep -Ev '^(/proc/|fw )')"

  # maskedPaths / readonlyPaths entries that are symlinks in the image pointing out of
  # the root (absolute, ../ chains, a loop): the mask/ro bind must land inside the root
  # or be skipped; never on the host dir
  hd=$(new_dir maskhost)
  echo secret >"$hd/secret"
  b=$(fresh_bundle /bin/sh -c 'cat /proc/self/mountinfo')
  ln -s "$hd" "$b/rootfs/mlink"
  ln -s "../../../../../../../../..$hd" "$b/rootfs/rlink"
  ln -s loop1 "$b/rootfs/loop2"
  ln -s loop2 "$b/rootfs/loop1"
  ln -s "$hd/secret" "$b/rootfs/flink"
  cfg_py "$b" 'c["linux"]["maskedPaths"] += ["/mlink", "/flink", "/loop1"]
c["linux"]["readonlyPaths"] += ["/rlink", "/loop2/x"]'
  id=$(new_id masklink)
  rt create --bundle "$b" "$id" </dev/null >"$WORK/masklink.out" 2>&1
  expect_eq "masked/readonly symlinks: nothing mounted on the host dir" "" "$(mounts_under "$hd")"
  rt start "$id" >/dev/null 2>&1
  wait_status "$id" stopped 5
  rt delete --force "$id" >/dev/null 2>&1
  expect_eq "masked/readonly symlinks: the host dir is untouched" "secret" "$(cat "$hd/secret" 2>/dev/null)"
  expect_eq "masked/readonly symlinks: no mount left" "" "$(mounts_under "$hd"; mounts_under "$b")"

  # a linux.devices entry whose parent is a symlink out of the root
  o2=$(new_dir devhost)
  b=$(fresh_bundle true)
  ln -s "$o2" "$b/rootfs/devlink"
  cfg_py "$b" 'c["linux"]["devices"] = [{"path": "/devlink/evilnull", "type": "c", "major": 1, "minor": 3}, {"path": "/dev/../devlink/x", "type": "c", "major": 1, "minor": 3}][:1]'
  rt run --bundle "$b" "$(new_id devlink)" </dev/null >"$WORK/devlink.out" 2>&1
  expect_eq "device through a symlinked parent: no node on the host" "" "$(ls -A "$o2")"
  # /dev itself a symlink out of the root, with no /dev mount: default devices and links
  # must not be made in the host dir
  b=$(fresh_bundle true)
  rm -rf "$b/rootfs/dev"
  ln -s "$o2" "$b/rootfs/dev"
  cfg_py "$b" 'c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/dev")]'
  rt run --bundle "$b" "$(new_id devroot)" </dev/null >"$WORK/devroot.out" 2>&1
  expect_eq "/dev symlinked out of the root: no node or link on the host" "" "$(ls -A "$o2")"

  # mount propagation: a mount made inside (CAP_SYS_ADMIN) on a bind of a host dir must
  # not appear on the host (rprivate by default) ...
  hd=$(new_dir prophost)
  mkdir -p "$hd/sub"
  b=$(fresh_bundle /bin/sh -c 'mount -t tmpfs inner /shared/sub && echo mounted-inside; sleep 2')
  cfg_py "$b" 'c["mounts"].append({"destination": "/shared", "type": "bind", "source": "'"$hd"'", "options": ["rbind", "rw"]})
for k in ("bounding", "effective", "permitted"): c["process"]["capabilities"][k].append("CAP_SYS_ADMIN")'
  id=$(new_id prop)
  rt run -d --bundle "$b" "$id" </dev/null >"$WORK/prop.out" 2>&1
  sleep 1
  expect_eq "a mount made inside does not propagate to the host" "" "$(mounts_under "$hd")"
  rt delete --force "$id" >/dev/null 2>&1
  # ... and host mounts made after start reach the container only with rslave/rshared
  hd=$(new_dir prophost2)
  mkdir -p "$hd/later"
  mount --bind "$hd" "$hd" && mount --make-shared "$hd"
  at_cleanup "umount -l $hd"
  # (with no propagation option the runtime's default applies: rslave, as runc)
  for mp in "rbind,rprivate" "rbind,rslave"; do
    b=$(fresh_bundle /bin/sh -c 'sleep 1.5; grep -c " /shared/later " /proc/self/mountinfo')
    cfg_py "$b" 'c["mounts"].append({"destination": "/shared", "type": "bind", "source": "'"$hd"'", "options": "'"$mp"'".split(",")})'
    id=$(new_id prop)
    rt run --bundle "$b" "$id" </dev/null >"$WORK/prop2.out" 2>&1 &
    sleep 0.7
    mount -t tmpfs later "$hd/later"
    wait
    umount "$hd/later"
    if [ "$mp" = rbind,rprivate ]; then
      expect_eq "a host mount after start does not leak into an rprivate bind" 0 "$(tail -n 1 "$WORK/prop2.out")"
    else
      expect_eq "a host mount after start reaches an rslave bind" 1 "$(tail -n 1 "$WORK/prop2.out")"
    fi
  done
}
