// Mounts of type "cgroup"/"cgroup2" inside the container.
//
// Unified host (cgroup2 only): a cgroup2 mount; with a new cgroup namespace the container's
// own cgroup is its root. v1 or hybrid host: a tmpfs with one directory per hierarchy (as
// runc), each a fresh cgroup mount when the container has its own cgroup namespace, else a
// bind of the container's cgroup directory from the host. Read-only when "ro" is asked.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <vector>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"

namespace rampart::rootfs {
namespace {

constexpr unsigned long kPropagationFlags = MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE;

struct Hierarchy {
    std::string mountpoint;       // host: /sys/fs/cgroup/cpu,cpuacct
    std::string root;             // root of the mount inside the hierarchy ("/" usually)
    bool v2 = false;
    std::set<std::string> keys;   // controllers and name=...: {"cpu","cpuacct"}
    std::string fresh_options;    // options for a fresh v1 mount: "cpu,cpuacct" / "none,name=systemd"
    std::string own_path;         // this process' cgroup in the hierarchy (/proc/self/cgroup)
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep)) out.push_back(item);
    return out;
}

// Mountinfo escapes spaces etc. as \040.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            int v = 0;
            bool ok = true;
            for (int k = 1; k <= 3; ++k) {
                char c = s[i + k];
                if (c < '0' || c > '7') ok = false;
                v = v * 8 + (c - '0');
            }
            if (ok) {
                out += static_cast<char>(v);
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

bool is_v1_controller_option(const std::string& opt) {
    static const std::set<std::string> kFlags = {
        "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "none",
        "nsdelegate", "memory_recursiveprot", "favordynmods", "memory_localevents",
        "memory_hugetlb_accounting", "pids_localevents"};
    return !kFlags.count(opt) && opt.rfind("release_agent=", 0) != 0;
}

std::vector<Hierarchy> host_hierarchies(const std::string& base) {
    std::vector<Hierarchy> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string id, parent, devno, root, mountpoint, opts, field;
        ls >> id >> parent >> devno >> root >> mountpoint >> opts;
        while (ls >> field && field != "-") {
        }
        std::string fstype, source, super;
        ls >> fstype >> source >> super;
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        mountpoint = unescape(mountpoint);
        if (mountpoint.rfind(base + "/", 0) != 0) continue;
        if (mountpoint.find('/', base.size() + 1) != std::string::npos) continue;
        Hierarchy h;
        h.mountpoint = mountpoint;
        h.root = unescape(root);
        h.v2 = fstype == "cgroup2";
        std::string fresh;
        for (const auto& o : split(super, ',')) {
            if (!is_v1_controller_option(o) || h.v2) continue;
            h.keys.insert(o);
            fresh += (fresh.empty() ? "" : ",") + o;
        }
        if (!h.v2 && fresh.rfind("name=", 0) == 0 && fresh.find(',') == std::string::npos)
            fresh = "none," + fresh;
        h.fresh_options = fresh;
        // Several mounts of the same hierarchy: keep the first.
        bool dup = false;
        for (const auto& o : out) dup = dup || (o.v2 == h.v2 && o.keys == h.keys);
        if (!dup) out.push_back(std::move(h));
    }
    // Attach our own cgroup paths.
    std::ifstream cg("/proc/self/cgroup");
    while (std::getline(cg, line)) {
        size_t a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        std::string ctrls = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        std::set<std::string> keys;
        for (const auto& c : split(ctrls, ',')) keys.insert(c);
        for (auto& h : out)
            if ((h.v2 && ctrls.empty()) || (!h.v2 && !keys.empty() && h.keys == keys))
                h.own_path = path;
    }
    return out;
}

// Host directory to bind for a hierarchy: the mount point plus our cgroup relative to the
// mount's root (a runtime nested in a container sees a non-"/" root).
std::string bind_source(const Hierarchy& h) {
    std::string rel = h.own_path;
    if (h.root != "/" && rel.rfind(h.root, 0) == 0) rel = rel.substr(h.root.size());
    if (rel.empty() || rel == "/") return h.mountpoint;
    std::string candidate = h.mountpoint + rel;
    struct stat st;
    return stat(candidate.c_str(), &st) == 0 ? candidate : h.mountpoint;
}

// Opens the mount target again: after a mount the fd taken before points below it.
using Opener = std::function<UniqueFd()>;

// Mounts one hierarchy on the target: fresh in a new cgroup namespace, else a bind of our
// own cgroup directory from the host; then read-only etc. by a remount when asked.
void mount_hierarchy(const std::string& what, const Hierarchy& h, const Opener& open_target,
                     unsigned long flags, bool fresh) {
    UniqueFd target = open_target();
    if (fresh) {
        const char* type = h.v2 ? "cgroup2" : "cgroup";
        const char* data = h.v2 ? nullptr : h.fresh_options.c_str();
        if (mount(type, fd_path(target.get()).c_str(), type, flags, data) == 0) return;
        if (errno != EPERM && errno != EBUSY && errno != EINVAL)
            do_mount(what, type, fd_path(target.get()), type, flags, data);  // throws
    }
    const std::string source = bind_source(h);
    do_mount(what, source.c_str(), fd_path(target.get()), nullptr, MS_BIND | MS_REC, nullptr);
    if (flags) {
        UniqueFd mounted = open_target();
        remount_bind(what, fd_path(mounted.get()), flags);
    }
}

UniqueFd reopen_target(const RootContext& ctx, const std::string& dest, const std::string& what) {
    UniqueFd fd(open_in_root(ctx.root_fd.get(), dest));
    verify_inside(fd.get(), ctx.root_path, what);
    return fd;
}

}  // namespace

void mount_cgroup(const RootContext& ctx, const oci::Mount& m, const MountOptions& mo,
                  const std::string& what) {
    const unsigned long flags = mo.flags & ~(kPropagationFlags | MS_BIND | MS_REC | MS_REMOUNT);
    const bool fresh = ctx.opts->new_cgroup_ns;
    const std::string base = "/sys/fs/cgroup";

    UniqueFd target;
    try {
        target = open_or_create_in_root(ctx.root_fd.get(), m.destination, false);
    } catch (const oci::Error& e) {
        throw oci::Error(what + ": " + e.what());
    }
    verify_inside(target.get(), ctx.root_path, what);
    check_proc_target(target.get(), ctx.root_path, m.type, what);

    struct statfs sfs;
    bool unified = statfs(base.c_str(), &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
    std::vector<Hierarchy> hs = host_hierarchies(base);

    if (unified || m.type == "cgroup2") {
        Hierarchy h;
        h.v2 = true;
        h.mountpoint = base;
        h.root.assign(1, '/');
        for (const auto& x : hs)
            if (x.v2) h = x;
        if (unified) {
            h.mountpoint = base;
            std::ifstream cg("/proc/self/cgroup");
            std::string line;
            while (std::getline(cg, line))
                if (line.rfind("0::", 0) == 0) h.own_path = line.substr(3);
        }
        target.reset();
        mount_hierarchy(what, h, [&] { return reopen_target(ctx, m.destination, what); }, flags,
                        fresh);
        return;
    }

    // v1 / hybrid: a tmpfs holding one directory per hierarchy.
    do_mount(what, "tmpfs", fd_path(target.get()), "tmpfs", flags & ~MS_RDONLY, "mode=755");
    UniqueFd dir(open_in_root(ctx.root_fd.get(), m.destination));
    verify_inside(dir.get(), ctx.root_path, what);
    for (const auto& h : hs) {
        std::string name = h.mountpoint.substr(base.size() + 1);
        if (name.empty() || name == "." || name == "..") continue;
        if (mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
            throw oci::SysError(what + ": mkdir " + name);
        const std::string hwhat = what + " (" + name + ")";
        auto open_sub = [&] {
            UniqueFd sub(openat(dir.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
            if (!sub.valid()) throw oci::SysError(hwhat + ": open");
            return sub;
        };
        mount_hierarchy(hwhat, h, open_sub, flags, fresh);
        // Co-mounted controllers ("cpu,cpuacct") are also reachable by each name.
        if (h.keys.size() > 1 && name.find(',') != std::string::npos)
            for (const auto& k : h.keys)
                if (k.find('=') == std::string::npos && k != name)
                    (void)symlinkat(name.c_str(), dir.get(), k.c_str());
    }
    if (flags & MS_RDONLY)
        do_mount(what, nullptr, fd_path(dir.get()), nullptr, MS_REMOUNT | flags, "mode=755");
}

}  // namespace rampart::rootfs
