#!/usr/bin/env python3
"""incheck.py BUNDLE: write BUNDLE/check.sh, a busybox sh script that checks from inside
the container what BUNDLE/config.json asks for (the runtime-spec's requirements that the
upstream runtimetest program verifies), and point process.args at it.

The script prints one TAP-like line per property: "ok - WHAT" or "not ok - WHAT: detail".
Expected values are computed here, on the host, from config.json; the script only reads
/proc, stats files and compares.
"""
import json
import re
import shlex
import sys

CAPS = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
        "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
        "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
        "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
        "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
        "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"]

# /proc/self/limits row labels
RLIMITS = {
    "RLIMIT_CPU": "Max cpu time", "RLIMIT_FSIZE": "Max file size",
    "RLIMIT_DATA": "Max data size", "RLIMIT_STACK": "Max stack size",
    "RLIMIT_CORE": "Max core file size", "RLIMIT_RSS": "Max resident set",
    "RLIMIT_NPROC": "Max processes", "RLIMIT_NOFILE": "Max open files",
    "RLIMIT_MEMLOCK": "Max locked memory", "RLIMIT_AS": "Max address space",
    "RLIMIT_LOCKS": "Max file locks", "RLIMIT_SIGPENDING": "Max pending signals",
    "RLIMIT_MSGQUEUE": "Max msgqueue size", "RLIMIT_NICE": "Max nice priority",
    "RLIMIT_RTPRIO": "Max realtime priority", "RLIMIT_RTTIME": "Max realtime timeout",
}


def q(s):
    return shlex.quote(str(s))


def main():
    bundle = sys.argv[1]
    path = bundle + "/config.json"
    c = json.load(open(path))
    try:
        last_cap = int(open("/proc/sys/kernel/cap_last_cap").read())
    except OSError:
        last_cap = 40
    p = c.get("process", {})
    lx = c.get("linux", {})
    out = ['#!/bin/sh',
           'ok() { echo "ok - $1"; }',
           'nok() { echo "not ok - $1: $2"; }',
           'eq() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "expected [$2] got [$3]"; fi; }',
           'st() { grep "^$1:" /proc/self/status | awk \'{print $2}\'; }']

    # process
    if p.get("cwd"):
        out.append('eq "process.cwd" %s "$(pwd)"' % q(p["cwd"]))
    for e in p.get("env", []):
        k, _, v = e.partition("=")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
            out.append('eq %s %s "${%s-}"' % (q("process.env " + k), q(v), k))
    u = p.get("user", {})
    # the in-container shell may see its uid through the user-namespace mapping; ids are
    # the container's view
    out.append('eq "process.user.uid" %s "$(st Uid | head -n1)"' % q(u.get("uid", 0)))
    out.append('eq "process.user.gid" %s "$(st Gid | head -n1)"' % q(u.get("gid", 0)))
    for g in u.get("additionalGids", []):
        out.append('case " $(grep ^Groups: /proc/self/status | cut -d: -f2 | tr "\\t" " ") " in *" %d "*) ok "additionalGids %d";; '
                   '*) nok "additionalGids %d" "$(grep ^Groups: /proc/self/status)";; esac' % (g, g, g))
    out.append('eq "process.noNewPrivileges" %s "$(st NoNewPrivs)"' % q(1 if p.get("noNewPrivileges") else 0))
    caps = p.get("capabilities") or {}
    for field, row in (("bounding", "CapBnd"), ("effective", "CapEff"), ("inheritable", "CapInh"),
                       ("permitted", "CapPrm"), ("ambient", "CapAmb")):
        mask = 0
        for name in caps.get(field, []):
            n = name[4:] if name.startswith("CAP_") else name
            if n in CAPS and CAPS.index(n) <= last_cap:
                mask |= 1 << CAPS.index(n)
        out.append('eq %s %s "$(st %s)"' % (q("process.capabilities." + field), q("%016x" % mask), row))
    for r in p.get("rlimits", []):
        label = RLIMITS.get(r["type"])
        if not label:
            continue

        def fmt(v):
            return "unlimited" if v >= 2**64 - 1 else str(v)
        out.append('eq %s %s "$(grep %s /proc/self/limits | sed %s | awk \'{print $1, $2}\')"'
                   % (q("process.rlimits " + r["type"]), q(fmt(r["soft"]) + " " + fmt(r["hard"])), q("^" + label),
                      q("s/^" + label + "//")))
    if "oomScoreAdj" in p:
        out.append('eq "process.oomScoreAdj" %s "$(cat /proc/self/oom_score_adj)"' % q(p["oomScoreAdj"]))

    # hostname, root
    if c.get("hostname"):
        out.append('eq "hostname" %s "$(hostname)"' % q(c["hostname"]))
    if c.get("root", {}).get("readonly"):
        out.append('if touch /.rw-probe 2>/dev/null; then rm -f /.rw-probe; nok "root.readonly" "/ is writable"; '
                   'else ok "root.readonly"; fi')

    # mounts (non-bind: destination, type and source as /proc/self/mountinfo shows them)
    for m in c.get("mounts", []):
        if m.get("type") in ("bind", "rbind", None) or "bind" in m.get("options", []) or "rbind" in m.get("options", []):
            continue
        d = m["destination"].rstrip("/") or "/"
        out.append('if awk -v d=%s -v t=%s -v s=%s \'{for(i=7;i<=NF;i++) if($i=="-") break; '
                   'if($5==d && $(i+1)==t && $(i+2)==s) f=1} END{exit !f}\' /proc/self/mountinfo; '
                   'then ok %s; else nok %s "$(awk -v d=%s \'$5==d\' /proc/self/mountinfo)"; fi'
                   % (q(d), q(m.get("type", "")), q(m.get("source", "")), q("mount " + d), q("mount " + d), q(d)))

    # mounts appear in config order (runtimetest's MountsInOrder)
    seq = []
    for m in c.get("mounts", []):
        if m.get("type") in ("bind", "rbind", None) or "bind" in m.get("options", []) or "rbind" in m.get("options", []):
            continue
        seq.append("%s %s %s" % (m["destination"].rstrip("/") or "/", m.get("type", ""), m.get("source", "")))
    if seq:
        out.append("if awk -v want=%s 'BEGIN{n=split(want, w, \"|\"); k=1} "
                   "{for(i=7;i<=NF;i++) if($i==\"-\") break; if (k<=n && ($5 \" \" $(i+1) \" \" $(i+2)) == w[k]) k++} "
                   "END{exit !(k>n)}' /proc/self/mountinfo; then ok \"mounts in config order\"; "
                   "else nok \"mounts in config order\" \"$(awk '{print $5}' /proc/self/mountinfo | tr '\\n' ' ')\"; fi"
                   % q("|".join(seq)))
    # default filesystems
    for d, t in (("/proc", "proc"), ("/sys", "sysfs"), ("/dev/pts", "devpts"), ("/dev/shm", "tmpfs")):
        out.append('if awk -v d=%s -v t=%s \'{for(i=7;i<=NF;i++) if($i=="-") break; if($5==d && $(i+1)==t) f=1} END{exit !f}\' /proc/self/mountinfo; '
                   'then ok %s; else nok %s "not mounted"; fi' % (q(d), q(t), q("default filesystem " + d), q("default filesystem " + d)))
    if not c.get("root", {}).get("readonly"):
        out.append('if touch /.rw-probe 2>/dev/null; then rm -f /.rw-probe; ok "root writable (root.readonly false)"; '
                   'else nok "root writable (root.readonly false)" "cannot create a file in /"; fi')

    # default devices and symlinks
    devs = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"]
    if p.get("terminal"):
        devs.append("/dev/console")
    for d in devs:
        out.append('if [ -c %s ]; then ok %s; else nok %s "$(ls -la %s 2>&1)"; fi' % (q(d), q("default device " + d), q("default device " + d), q(d)))
    for link, dest in (("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"),
                       ("/dev/stdout", "/proc/self/fd/1"), ("/dev/stderr", "/proc/self/fd/2")):
        out.append('eq %s %s "$(readlink %s)"' % (q("default symlink " + link), q(dest), q(link)))

    # linux.devices
    for d in lx.get("devices", []):
        kind = {"c": "character special file", "u": "character special file", "b": "block special file",
                "p": "fifo"}.get(d["type"], "?")
        want = kind
        got = '$(stat -c %%F %s 2>&1)' % q(d["path"])
        if d["type"] != "p":
            want += " %x:%x" % (d["major"], d["minor"])
            got = '$(stat -c "%%F %%t:%%T" %s 2>&1)' % q(d["path"])
        out.append('eq %s %s "%s"' % (q("linux.devices " + d["path"]), q(want), got))
        if "fileMode" in d:
            out.append('eq %s %s "$(stat -c %%a %s)"' % (q("linux.devices " + d["path"] + " fileMode"), q("%o" % (d["fileMode"] & 0o777)), q(d["path"])))
        if "uid" in d:
            out.append('eq %s %s "$(stat -c %%u %s)"' % (q("linux.devices " + d["path"] + " uid"), q(d["uid"]), q(d["path"])))
        if "gid" in d:
            out.append('eq %s %s "$(stat -c %%g %s)"' % (q("linux.devices " + d["path"] + " gid"), q(d["gid"]), q(d["path"])))

    # sysctl
    for k, v in (lx.get("sysctl") or {}).items():
        f = "/proc/sys/" + k.replace(".", "/")
        out.append('eq %s %s "$(cat %s 2>&1)"' % (q("linux.sysctl " + k), q(v), q(f)))

    # masked paths: reads give nothing (files) or an empty directory
    for m in lx.get("maskedPaths", []):
        out.append('if [ ! -e %s ]; then ok %s; elif [ -d %s ]; then '
                   '[ -z "$(ls -A %s 2>/dev/null)" ] && ok %s || nok %s "directory not empty"; '
                   'elif [ "$(head -c 1 %s 2>/dev/null | wc -c)" = 0 ]; then ok %s; else nok %s "readable"; fi'
                   % (q(m), q("maskedPaths " + m), q(m), q(m), q("maskedPaths " + m), q("maskedPaths " + m),
                      q(m), q("maskedPaths " + m), q("maskedPaths " + m)))
    # readonly paths: no write
    for r in lx.get("readonlyPaths", []):
        out.append('if [ ! -e %s ]; then ok %s; elif [ -d %s ]; then '
                   'if touch %s/.ro-probe 2>/dev/null; then rm -f %s/.ro-probe; nok %s "writable"; else ok %s; fi; '
                   'elif (echo x >>%s) 2>/dev/null; then nok %s "writable"; else ok %s; fi'
                   % (q(r), q("readonlyPaths " + r), q(r), q(r), q(r), q("readonlyPaths " + r), q("readonlyPaths " + r),
                      q(r), q("readonlyPaths " + r), q("readonlyPaths " + r)))

    # rootfsPropagation: the optional fields of the root mount in /proc/self/mountinfo
    prop = lx.get("rootfsPropagation")
    if prop:
        # slave: "master:N" only when the host's root is shared; in any case not shared
        want = {"shared": "shared:", "rshared": "shared:",
                "unbindable": "unbindable", "runbindable": "unbindable"}.get(prop)
        opt = "awk '$5==\"/\" {for(i=7;i<=NF;i++){if($i==\"-\")break; printf \"%s \", $i}; print \"\"}' /proc/self/mountinfo | tail -n 1"
        if want:
            out.append('case " $(%s)" in *" %s"*) ok %s;; *) nok %s "root mount fields: $(%s)";; esac'
                       % (opt, want, q("linux.rootfsPropagation " + prop), q("linux.rootfsPropagation " + prop), opt))
        elif prop in ("slave", "rslave"):
            out.append('case " $(%s)" in *" shared:"* | *" unbindable"*) nok %s "root mount fields: $(%s)";; *) ok %s;; esac'
                       % (opt, q("linux.rootfsPropagation " + prop), opt, q("linux.rootfsPropagation " + prop)))
        else:  # private: no peer group, no master, not unbindable
            out.append('case " $(%s)" in *" shared:"* | *" master:"* | *" unbindable"*) nok %s "root mount fields: $(%s)";; *) ok %s;; esac'
                       % (opt, q("linux.rootfsPropagation " + prop), opt, q("linux.rootfsPropagation " + prop)))

    # id mappings
    for field, f in (("uidMappings", "/proc/self/uid_map"), ("gidMappings", "/proc/self/gid_map")):
        for m in lx.get(field, []):
            out.append('if awk -v c=%d -v h=%d -v s=%d \'$1==c && $2==h && $3==s {f=1} END{exit !f}\' %s; '
                       'then ok %s; else nok %s "$(cat %s)"; fi'
                       % (m["containerID"], m["hostID"], m["size"], f, q("linux." + field), q("linux." + field), f))

    out.append('echo checks-done')
    with open(bundle + "/check.sh", "w") as f:
        f.write("\n".join(out) + "\n")
    p["args"] = ["/bin/sh", "/check.sh"]
    c["process"] = p
    with open(path, "w") as f:
        json.dump(c, f, indent=2)


main()
