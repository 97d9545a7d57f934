# core suite: mounts, options, masked/readonly paths, root.readonly, devices (sourced)

# mount_line OUT MOUNTPOINT: the /proc/mounts line for MOUNTPOINT in OUT (last one wins).
mount_line() { printf '%s\n' "$1" | awk -v mp="$2" '$2 == mp' | tail -n 1; }

section_mounts() {
  local b out line hd

  hd=$(new_dir hostdir)
  echo hello >"$hd/hello"
  cp /bin/busybox "$hd/busybox"

  b=$(fresh_bundle cat /proc/mounts)
  cfg_py "$b" 'c["mounts"] += [
      {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noexec", "size=1m", "mode=750"]},
      {"destination": "/ro", "type": "bind", "source": "'"$hd"'", "options": ["rbind", "ro"]},
      {"destination": "/rw", "type": "bind", "source": "'"$hd"'", "options": ["bind", "rw"]},
      {"destination": "/ne", "type": "none", "source": "'"$hd"'", "options": ["bind", "nosuid", "nodev", "noexec"]},
      {"destination": "/a/b/c", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]},
      {"destination": "/a/b/c/inner", "type": "bind", "source": "'"$hd"'", "options": ["bind", "ro"]}]'
  out=$(run_in "$b")
  line=$(mount_line "$out" /data)
  expect_match "tmpfs /data mounted" '^[^ ]+ /data tmpfs ' "$line"
  expect_match "tmpfs /data: nosuid,nodev,noexec" '[ ,]nosuid,nodev,noexec[ ,]' "$line"
  expect_match "tmpfs /data: size=1m" '[ ,]size=1024k[ ,]' "$line"
  expect_match "tmpfs /data: mode=750" '[ ,]mode=750[ ,]' "$line"
  expect_match "bind /ro is read-only" ' /ro [^ ]+ ro[ ,]' "$(mount_line "$out" /ro)"
  expect_match "bind /rw is read-write" ' /rw [^ ]+ rw[ ,]' "$(mount_line "$out" /rw)"
  expect_match "bind /ne: nosuid,nodev,noexec" ' /ne [^ ]+ rw,nosuid,nodev,noexec[ ,]' "$(mount_line "$out" /ne)"
  expect_match "missing target /a/b/c created and mounted" ' /a/b/c tmpfs ' "$(mount_line "$out" /a/b/c)"
  expect_match "mounts applied in order (/a/b/c/inner over the tmpfs)" ' /a/b/c/inner [^ ]+ ro[ ,]' "$(mount_line "$out" /a/b/c/inner)"
  expect_match "proc at /proc" '^proc /proc proc ' "$(mount_line "$out" /proc)"
  expect_match "devpts at /dev/pts" ' /dev/pts devpts ' "$(mount_line "$out" /dev/pts)"
  expect_match "mqueue at /dev/mqueue" ' /dev/mqueue mqueue ' "$(mount_line "$out" /dev/mqueue)"
  expect_match "sysfs at /sys, read-only" ' /sys sysfs ro[ ,]' "$(mount_line "$out" /sys)"

  # the same mounts, used
  cfg_sh "$b" 'stat -c %a /data; cat /ro/hello; touch /ro/x 2>&1; echo rw >/rw/written && echo wrote;
    /ne/busybox true 2>&1 || echo noexec-refused; cat /a/b/c/inner/hello'
  out=$(run_in "$b")
  if is_rampart; then
    expect_eq "[rampart] tmpfs root directory has mode 750" 750 "$(printf '%s\n' "$out" | head -n 1)"
  else skip "[rampart] tmpfs root directory has mode 750" "runc 1.1 chmods it to the target's mode"; fi
  expect_eq "ro bind read, ro write refused, rw write, noexec refused, nested bind" "hello
touch: /ro/x: Read-only file system
wrote
noexec-refused
hello" "$(printf '%s\n' "$out" | sed 1d | grep -v 'Permission denied')"
  expect_eq "rw bind: the write reached the host dir" rw "$(cat "$hd/written" 2>/dev/null)"
  if [ -e "$hd/x" ]; then not_ok "ro bind: nothing written on the host"; else ok "ro bind: nothing written on the host"; fi

  # masked and readonly paths (the spec defaults include /proc/kcore and /proc/sys)
  b=$(fresh_bundle /bin/sh -c 'echo "kcore $(wc -c </proc/kcore 2>/dev/null || echo unreadable)";
    echo "keys $(cat /proc/keys 2>/dev/null | wc -l)"; echo "fw $(ls /sys/firmware 2>/dev/null | wc -l)";
    echo x >/proc/sys/kernel/hostname 2>/dev/null && echo sys-writable || echo sys-readonly;
    echo x >/proc/sysrq-trigger 2>/dev/null && echo sysrq-writable || echo sysrq-readonly;
    touch /proc/kcore 2>/dev/null && echo kcore-touched')
  cfg_py "$b" 'c["linux"]["maskedPaths"] = ["/proc/kcore", "/proc/keys", "/sys/firmware", "/does/not/exist"]
c["linux"]["readonlyPaths"] = ["/proc/sys", "/proc/sysrq-trigger", "/does/not/exist/either"]'
  out=$(run_in "$b")
  expect_match "masked /proc/kcore reads empty" '^kcore (0|unreadable)$' "$out"
  expect_match "masked /proc/keys reads empty" '^keys 0$' "$out"
  expect_match "masked directory /sys/firmware is empty" '^fw 0$' "$out"
  expect_match "readonly /proc/sys refuses writes" '^sys-readonly$' "$out"
  expect_match "readonly /proc/sysrq-trigger refuses writes" '^sysrq-readonly$' "$out"
  expect_no_match "masked /proc/kcore cannot be written" 'kcore-touched' "$out"

  # root.readonly
  b=$(fresh_bundle /bin/sh -c 'touch /newfile 2>&1; grep " / " /proc/mounts; echo tmp >/tmp/t 2>&1 || echo tmp-readonly')
  cfg_py "$b" 'c["root"]["readonly"] = True'
  out=$(run_in "$b")
  expect_match "root.readonly: writes to / fail" 'Read-only file system' "$out"
  expect_match "root.readonly: / mounted ro" ' / [^ ]+ ro[ ,]' "$out"
  if [ -e "$b/rootfs/newfile" ]; then not_ok "root.readonly: nothing written"; else ok "root.readonly: nothing written"; fi

  # /dev: default devices and links, linux.devices
  b=$(fresh_bundle /bin/sh -c 'for d in null zero full random urandom tty; do test -c /dev/$d && echo -n "$d "; done; echo;
    for l in fd stdin stdout stderr ptmx; do test -L /dev/$l && echo -n "$l->$(readlink /dev/$l) "; done; echo;
    echo x >/dev/null && echo null-writable; stat -c "%t %T %a" /dev/mynull; echo x >/dev/mynull && echo mynull-writable;
    echo x >/dev/sda 2>/dev/null; test -e /dev/mem && echo mem-present')
  cfg_py "$b" 'c["linux"]["devices"] = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 0, "gid": 0}]
c["linux"].setdefault("resources", {}).setdefault("devices", []).append({"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"})'
  out=$(run_in "$b")
  expect_eq "default devices, /dev links, linux.devices" "null zero full random urandom tty 
fd->/proc/self/fd stdin->/proc/self/fd/0 stdout->/proc/self/fd/1 stderr->/proc/self/fd/2 ptmx->pts/ptmx 
null-writable
1 3 666
mynull-writable" "$out"
}
