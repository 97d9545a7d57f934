// Small mount helpers: fd paths, containment check, mount/remount with clear errors.
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"

namespace rampart::rootfs {

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

std::string fd_real_path(int fd) {
    char buf[4096];
    ssize_t n = readlink(fd_path(fd).c_str(), buf, sizeof(buf) - 1);
    if (n < 0) return {};
    return std::string(buf, n);
}

void verify_inside(int fd, const std::string& root, const std::string& what) {
    std::string real = fd_real_path(fd);
    if (real.empty()) return;  // no /proc: nothing to compare against, the resolver decided
    if (root == "/") return;
    if (real == root || (real.size() > root.size() && real.compare(0, root.size(), root) == 0 &&
                         real[root.size()] == '/'))
        return;
    throw oci::Error(what + ": resolved to " + real + ", outside the container root " + root +
                     " (refusing to mount there)");
}

void check_proc_target(int fd, const std::string& root, const std::string& type,
                       const std::string& what) {
    struct statfs sfs;
    if (fstatfs(fd, &sfs) != 0) throw oci::SysError(what + ": statfs");
    if (sfs.f_type != PROC_SUPER_MAGIC) return;
    std::string real = fd_real_path(fd);
    std::string rel = real.compare(0, root.size(), root) == 0 ? real.substr(root.size()) : real;
    if (root == "/") rel = real;
    // Files that procfs emulators (LXCFS) legitimately cover, as runc allows.
    static const char* const kAllowed[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
        "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
        "/proc/sys/kernel/ns_last_pid"};
    if (type != "proc")
        for (const char* ok : kAllowed)
            if (rel == ok) return;
    throw oci::Error(what + ": the target resolves to " + rel +
                     " on procfs; mounting there is refused (it could disable security "
                     "settings such as /proc/self/attr)");
}

void do_mount(const std::string& what, const char* source, const std::string& target,
              const char* fstype, unsigned long flags, const char* data) {
    if (mount(source, target.c_str(), fstype, flags, data) == 0) return;
    int err = errno;
    std::string desc;
    if (flags & MS_REMOUNT)
        desc = "remount";
    else if (flags & MS_BIND)
        desc = std::string("bind ") + (source ? source : "");
    else if (flags & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE))
        desc = "set propagation";
    else if (flags & MS_MOVE)
        desc = std::string("move ") + (source ? source : "");
    else
        desc = std::string("mount ") + (fstype ? fstype : "") +
               (data && *data ? std::string(" (") + data + ")" : "");
    throw oci::SysError(what + ": " + desc, err);
}

void remount_bind(const std::string& what, const std::string& target, unsigned long flags) {
    // In a user namespace the kernel refuses to drop nosuid/nodev/noexec/atime flags the
    // source mount has (they are "locked"): carry them over.
    struct statvfs sv;
    if (statvfs(target.c_str(), &sv) == 0) {
        if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
        if (!(flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))) {
            if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
            if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
        }
        if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    }
    do_mount(what, nullptr, target, nullptr, flags | MS_BIND | MS_REMOUNT, nullptr);
}

}  // namespace rampart::rootfs
