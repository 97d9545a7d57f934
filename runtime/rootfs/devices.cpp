// /dev inside the container: default devices, linux.devices, symlinks, ptmx, console.
//
// Device nodes are created with mknodat relative to a parent directory resolved inside the
// root; in a user namespace (mknod is not allowed there) the host's node is bind-mounted
// onto an empty file instead, as runc does.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"
#include "runtime/rootfs/rootfs.hpp"

namespace rampart::rootfs {
namespace {

struct DeviceNode {
    std::string path;  // absolute inside the container: "/dev/null"
    char type = 'c';   // c b p (u is treated as c)
    int64_t major = 0;
    int64_t minor = 0;
    uint32_t mode = 0666;
    uint32_t uid = 0;
    uint32_t gid = 0;
};

const DeviceNode kDefaultDevices[] = {
    {"/dev/null", 'c', 1, 3},    {"/dev/zero", 'c', 1, 5},    {"/dev/full", 'c', 1, 7},
    {"/dev/random", 'c', 1, 8},  {"/dev/urandom", 'c', 1, 9}, {"/dev/tty", 'c', 5, 0},
};

std::string normalize(std::string path) {
    if (path.empty() || path[0] != '/') path = "/" + path;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

void split_parent(const std::string& path, std::string& parent, std::string& name) {
    size_t slash = path.rfind('/');
    parent = slash == 0 ? "/" : path.substr(0, slash);
    name = path.substr(slash + 1);
}

mode_t type_bits(char type) {
    switch (type) {
    case 'b': return S_IFBLK;
    case 'p': return S_IFIFO;
    default: return S_IFCHR;
    }
}

void bind_host_device(const RootContext& ctx, const DeviceNode& d, const std::string& what) {
    UniqueFd target = open_or_create_in_root(ctx.root_fd.get(), d.path, true);
    verify_inside(target.get(), ctx.root_path, what);
    do_mount(what, d.path.c_str(), fd_path(target.get()), nullptr, MS_BIND, nullptr);
}

void make_node(const RootContext& ctx, const DeviceNode& d, const std::string& what) {
    if (d.path.size() < 2 || d.path.find("/..") != std::string::npos)
        throw oci::Error(what + ": bad device path \"" + d.path + "\"");
    if (ctx.opts->in_user_ns) {
        bind_host_device(ctx, d, what);
        return;
    }
    std::string parent, name;
    split_parent(d.path, parent, name);
    mkdir_in_root(ctx.root_fd.get(), parent, false);
    UniqueFd dir(open_in_root(ctx.root_fd.get(), parent));
    verify_inside(dir.get(), ctx.root_path, what);

    const mode_t kind = type_bits(d.type);
    const dev_t dev = d.type == 'p' ? 0 : makedev(d.major, d.minor);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (mknodat(dir.get(), name.c_str(), kind | (d.mode & 07777), dev) == 0) break;
        if (errno != EEXIST) throw oci::SysError(what + ": mknod " + d.path);
        // Something is there already (the image's /dev, no tmpfs): replace it unless it is
        // already the right node. Never chmod/chown through a symlink.
        struct stat st;
        if (fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (st.st_mode & S_IFMT) == kind && (d.type == 'p' || st.st_rdev == dev))
            break;
        if (unlinkat(dir.get(), name.c_str(), 0) != 0)
            throw oci::SysError(what + ": replace existing " + d.path);
    }
    UniqueFd node(openat(dir.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!node.valid()) throw oci::SysError(what + ": open " + d.path);
    struct stat st;
    if (fstat(node.get(), &st) != 0 || (st.st_mode & S_IFMT) != kind)
        throw oci::Error(what + ": " + d.path + " is not the device node just created");
    if (fchownat(node.get(), "", d.uid, d.gid, AT_EMPTY_PATH) != 0)
        throw oci::SysError(what + ": chown " + d.path);
    // mknod applied the umask: set the exact mode through the fd.
    if (chmod(fd_path(node.get()).c_str(), d.mode & 07777) != 0)
        throw oci::SysError(what + ": chmod " + d.path);
}

}  // namespace

void create_devices(const RootContext& ctx, const oci::Spec& spec) {
    mkdir_in_root(ctx.root_fd.get(), "/dev", false);
    std::vector<std::string> listed;
    if (spec.linux)
        for (const auto& d : spec.linux->devices) listed.push_back(normalize(d.path));

    for (const auto& d : kDefaultDevices) {
        bool overridden = false;
        for (const auto& p : listed) overridden = overridden || p == d.path;
        if (!overridden) make_node(ctx, d, "default device " + d.path);
    }
    if (!spec.linux) return;
    for (size_t i = 0; i < spec.linux->devices.size(); ++i) {
        const oci::Device& src = spec.linux->devices[i];
        std::string what = "linux.devices[" + std::to_string(i) + "] " + src.path;
        if (src.type != "c" && src.type != "b" && src.type != "u" && src.type != "p")
            throw oci::Error(what + ": type \"" + src.type + "\" is not one of c, b, u, p");
        DeviceNode d;
        d.path = normalize(src.path);
        d.type = src.type[0];
        d.major = src.major;
        d.minor = src.minor;
        d.mode = src.file_mode.value_or(0666);
        d.uid = src.uid.value_or(0);
        d.gid = src.gid.value_or(0);
        make_node(ctx, d, what);
    }
}

void setup_dev_symlinks(const RootContext& ctx) {
    UniqueFd dev(open_in_root(ctx.root_fd.get(), "/dev"));
    verify_inside(dev.get(), ctx.root_path, "/dev");
    struct Link {
        const char* name;
        const char* target;
    };
    static const Link kLinks[] = {
        {"fd", "/proc/self/fd"},         {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"},   {"stderr", "/proc/self/fd/2"},
    };
    for (const auto& l : kLinks)
        if (symlinkat(l.target, dev.get(), l.name) != 0 && errno != EEXIST)
            throw oci::SysError(std::string("/dev/") + l.name + ": symlink");
    if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev.get(), "core") != 0 &&
        errno != EEXIST)
        throw oci::SysError("/dev/core: symlink");
    // /dev/ptmx must be the devpts instance of the container (newinstance), not the host's.
    if (unlinkat(dev.get(), "ptmx", 0) != 0 && errno != ENOENT) {
        // A directory or a mount point: leave it (a bind-mounted /dev/ptmx is deliberate).
        return;
    }
    if (symlinkat("pts/ptmx", dev.get(), "ptmx") != 0 && errno != EEXIST)
        throw oci::SysError("/dev/ptmx: symlink to pts/ptmx");
}

void setup_console(const RootContext& ctx) {
    const std::string what = "/dev/console (terminal)";
    UniqueFd target = open_or_create_in_root(ctx.root_fd.get(), "/dev/console", true);
    verify_inside(target.get(), ctx.root_path, what);
    do_mount(what, ctx.opts->console_path.c_str(), fd_path(target.get()), nullptr, MS_BIND,
             nullptr);
}

}  // namespace rampart::rootfs
