// setup(): the container's mounts, devices and pivot_root, in the child's mount namespace.
//
// Every target is resolved inside the root with open_in_root and mounted through its
// /proc/self/fd/N path, so a symlink in the image (rootfs/etc -> /etc, ../../..) can never
// redirect a mount onto the host. After each mount the target is opened again (the fd
// taken before the mount points below it) for remounts and propagation changes.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"
#include "runtime/rootfs/mount_options.hpp"
#include "runtime/rootfs/rootfs.hpp"

namespace rampart::rootfs {
namespace {

// MS_* flags that only make sense on the initial mount(2), not on a bind remount.
constexpr unsigned long kNotRemountable = MS_BIND | MS_REC | MS_REMOUNT | MS_SHARED |
                                          MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE;

unsigned long rootfs_propagation(const oci::Spec& spec) {
    if (!spec.linux || spec.linux->rootfs_propagation.empty()) return MS_SLAVE | MS_REC;
    const std::string& name = spec.linux->rootfs_propagation;
    unsigned long flag = propagation_flag(name);
    if (flag == 0)
        throw oci::Error("linux.rootfsPropagation: unknown value \"" + name +
                         "\" (expected shared, slave, private, unbindable or their r* forms)");
    return flag;
}

std::string join_bundle(const Options& opts, const std::string& source) {
    if (source.empty() || source[0] == '/' || opts.bundle.empty()) return source;
    return opts.bundle + "/" + source;
}

bool needs_dev_setup(const oci::Spec& spec) {
    for (const auto& m : spec.mounts) {
        if (m.destination != "/dev" && m.destination != "dev") continue;
        if (m.type == "bind") return false;
        for (const auto& o : m.options)
            if (o == "bind" || o == "rbind") return false;
    }
    return true;
}

// Reopens `dest` after something was mounted on it and checks it stayed inside.
UniqueFd reopen(const RootContext& ctx, const std::string& dest, const std::string& what) {
    UniqueFd fd;
    try {
        fd = UniqueFd(open_in_root(ctx.root_fd.get(), dest));
    } catch (const oci::Error& e) {
        throw oci::Error(what + ": " + e.what());
    }
    verify_inside(fd.get(), ctx.root_path, what);
    return fd;
}

void apply_after_mount(const RootContext& ctx, const std::string& dest, const MountOptions& mo,
                       const std::string& what) {
    if (mo.attr_set == 0 && mo.attr_clr == 0 && mo.propagation.empty()) return;
    UniqueFd fd = reopen(ctx, dest, what);
    if (mo.attr_set || mo.attr_clr) {
        struct mount_attr attr {};
        attr.attr_set = mo.attr_set;
        attr.attr_clr = mo.attr_clr;
        if (syscall(SYS_mount_setattr, fd.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
                    sizeof(attr)) != 0)
            throw oci::SysError(what + ": mount_setattr (recursive options)");
    }
    for (unsigned long p : mo.propagation)
        do_mount(what, nullptr, fd_path(fd.get()), nullptr, p, nullptr);
}

void mount_bind(const RootContext& ctx, const oci::Mount& m, const MountOptions& mo,
                const std::string& what) {
    std::string source = join_bundle(*ctx.opts, m.source);
    if (source.empty()) throw oci::Error(what + ": bind mount without a source");
    struct stat st;
    if (stat(source.c_str(), &st) != 0) throw oci::SysError(what + ": bind source " + source);

    UniqueFd target;
    try {
        target = open_or_create_in_root(ctx.root_fd.get(), m.destination, !S_ISDIR(st.st_mode));
    } catch (const oci::Error& e) {
        throw oci::Error(what + ": " + e.what());
    }
    verify_inside(target.get(), ctx.root_path, what);
    check_proc_target(target.get(), ctx.root_path, "bind", what);
    do_mount(what, source.c_str(), fd_path(target.get()), nullptr, MS_BIND | (mo.flags & MS_REC),
             nullptr);

    unsigned long extra = mo.flags & ~kNotRemountable;
    if (extra != 0) {
        UniqueFd mounted = reopen(ctx, m.destination, what);
        remount_bind(what, fd_path(mounted.get()), extra);
    }
    apply_after_mount(ctx, m.destination, mo, what);
}

void mount_fs(const RootContext& ctx, const oci::Mount& m, const MountOptions& mo,
              const std::string& what) {
    UniqueFd target;
    try {
        target = open_or_create_in_root(ctx.root_fd.get(), m.destination, false);
    } catch (const oci::Error& e) {
        throw oci::Error(what + ": " + e.what());
    }
    verify_inside(target.get(), ctx.root_path, what);
    check_proc_target(target.get(), ctx.root_path, m.type, what);
    std::string source = m.source.empty() ? m.type : m.source;
    unsigned long flags = mo.flags & ~(MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE);
    const std::string tpath = fd_path(target.get());

    UniqueFd lower;  // tmpcopyup: the directory under the new tmpfs, still reachable by fd
    if (mo.copy_up && m.type == "tmpfs") {
        lower.reset(openat(target.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!lower.valid()) throw oci::SysError(what + ": tmpcopyup: open " + m.destination);
    }

    if (mount(source.c_str(), tpath.c_str(), m.type.c_str(), flags,
              mo.data.empty() ? nullptr : mo.data.c_str()) != 0) {
        int err = errno;
        // In a user namespace without its own network namespace sysfs cannot be mounted,
        // and mqueue without its own ipc namespace: bind the host's instead (as runc does).
        const char* host = m.type == "sysfs" ? "/sys" : m.type == "mqueue" ? "/dev/mqueue" : nullptr;
        if (ctx.opts->in_user_ns && (err == EPERM || err == EBUSY) && host &&
            access(host, F_OK) == 0) {
            do_mount(what, host, tpath, nullptr, MS_BIND | MS_REC, nullptr);
            if (flags & ~kNotRemountable) {
                UniqueFd mounted = reopen(ctx, m.destination, what);
                remount_bind(what, fd_path(mounted.get()), flags & ~kNotRemountable);
            }
        } else {
            throw oci::SysError(
                what + ": mount " + m.type + (mo.data.empty() ? "" : " (" + mo.data + ")"), err);
        }
    }
    if (lower.valid()) {
        UniqueFd mounted = reopen(ctx, m.destination, what);
        UniqueFd upper(openat(mounted.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!upper.valid()) throw oci::SysError(what + ": tmpcopyup: open the new tmpfs");
        copy_tree(lower.get(), upper.get(), what + ": tmpcopyup");
    }
    apply_after_mount(ctx, m.destination, mo, what);
}

void mount_one(const RootContext& ctx, const oci::Mount& m, size_t index) {
    const std::string what = "mounts[" + std::to_string(index) + "] " + m.destination;
    if (m.destination.empty()) throw oci::Error(what + ": destination is empty");
    MountOptions mo =
        parse_mount_options(m.options, "mounts[" + std::to_string(index) + "].options");
    if (!m.uid_mappings.empty() || !m.gid_mappings.empty())
        throw oci::Error(what + ": uidMappings/gidMappings (idmapped mounts) are not supported");
    if (m.type == "bind") mo.flags |= MS_BIND;

    if (m.type == "cgroup" || m.type == "cgroup2") {
        mount_cgroup(ctx, m, mo, what);
    } else if (mo.bind()) {
        mount_bind(ctx, m, mo, what);
    } else {
        if (m.type.empty()) throw oci::Error(what + ": type is empty (and not a bind mount)");
        mount_fs(ctx, m, mo, what);
    }
}

// The mount point of the mount holding `path` (longest matching mountinfo entry).
std::string mount_point_of(const std::string& path) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line, best = "/";
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string id, parent, dev, root, mp;
        ls >> id >> parent >> dev >> root >> mp;
        bool covers = mp == "/" || path == mp ||
                      (path.compare(0, mp.size(), mp) == 0 && path[mp.size()] == '/');
        if (covers && mp.size() > best.size()) best = mp;
    }
    return best;
}

void prepare_root(RootContext& ctx, const oci::Spec& spec) {
    unsigned long prop = rootfs_propagation(spec);
    // Our mounts must not reach the host: every mount becomes a slave (or what
    // rootfsPropagation asks) before anything is mounted. An unbindable tree would refuse
    // the rootfs bind below: private until setup() makes the new root unbindable.
    const unsigned long initial = (prop & MS_UNBINDABLE) ? static_cast<unsigned long>(MS_PRIVATE) : prop;
    do_mount("linux.rootfsPropagation", nullptr, "/", nullptr, initial | MS_REC, nullptr);

    char real[PATH_MAX];
    if (!realpath(ctx.opts->rootfs.c_str(), real))
        throw oci::SysError("root.path " + ctx.opts->rootfs);
    ctx.root_path = real;
    if (prop & MS_SHARED) {
        // pivot_root refuses a shared parent mount, and a bind under a shared parent would
        // propagate: make the mount holding the rootfs private (as runc does).
        do_mount("linux.rootfsPropagation", nullptr, mount_point_of(ctx.root_path), nullptr,
                 MS_PRIVATE, nullptr);
    }
    // The rootfs must be a mount point for pivot_root.
    do_mount("root.path " + ctx.root_path, ctx.root_path.c_str(), ctx.root_path, nullptr,
             MS_BIND | MS_REC, nullptr);
    ctx.root_fd.reset(open(ctx.root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!ctx.root_fd.valid()) throw oci::SysError("root.path " + ctx.root_path);
}

void pivot_into(const RootContext& ctx) {
    UniqueFd old_root(open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!old_root.valid()) throw oci::SysError("pivot_root: open /");
    if (fchdir(ctx.root_fd.get()) != 0) throw oci::SysError("pivot_root: chdir " + ctx.root_path);
    if (syscall(SYS_pivot_root, ".", ".") != 0)
        throw oci::SysError("pivot_root " + ctx.root_path +
                            " (use --no-pivot when the root is on a ramfs)");
    // The old root is now stacked under "."; detach it without propagating the unmount.
    if (fchdir(old_root.get()) != 0) throw oci::SysError("pivot_root: chdir old root");
    do_mount("pivot_root", nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr);
    if (umount2(".", MNT_DETACH) != 0) throw oci::SysError("pivot_root: unmount the old root");
    if (chdir("/") != 0) throw oci::SysError("pivot_root: chdir /");
}

void chroot_into(const RootContext& ctx) {
    if (chdir(ctx.root_path.c_str()) != 0) throw oci::SysError("chdir " + ctx.root_path);
    do_mount("--no-pivot", ctx.root_path.c_str(), "/", nullptr, MS_MOVE, nullptr);
    if (chroot(".") != 0) throw oci::SysError("chroot " + ctx.root_path);
    if (chdir("/") != 0) throw oci::SysError("chdir / after chroot");
}

}  // namespace

void setup(const oci::Spec& spec, const Options& opts) {
    RootContext ctx;
    ctx.opts = &opts;
    if (opts.rootfs.empty()) throw oci::Error("root.path: empty");
    prepare_root(ctx, spec);

    for (size_t i = 0; i < spec.mounts.size(); ++i) mount_one(ctx, spec.mounts[i], i);

    // Like runc, a missing process.cwd is created (inside the root, after the mounts so it
    // is not hidden under one).
    if (spec.process && !spec.process->cwd.empty() && spec.process->cwd != "/") {
        try {
            mkdir_in_root(ctx.root_fd.get(), spec.process->cwd, false);
        } catch (const oci::Error& e) {
            throw oci::Error("process.cwd " + spec.process->cwd + ": " + e.what());
        }
    }

    if (needs_dev_setup(spec)) {
        create_devices(ctx, spec);
        setup_dev_symlinks(ctx);
    }
    if (!opts.console_path.empty()) setup_console(ctx);

    if (opts.no_pivot)
        chroot_into(ctx);
    else
        pivot_into(ctx);

    if (spec.linux && !spec.linux->rootfs_propagation.empty())
        do_mount("linux.rootfsPropagation", nullptr, "/", nullptr, rootfs_propagation(spec),
                 nullptr);
}

}  // namespace rampart::rootfs
