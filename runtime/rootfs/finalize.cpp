// finalize(): maskedPaths, readonlyPaths and root.readonly, after pivot_root.
//
// Runs inside the new root, so "/" is the container's root and no path can leave it; paths
// are still opened with open_in_root and mounted through their fd so the object checked is
// the object mounted over.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"
#include "runtime/rootfs/rootfs.hpp"

namespace rampart::rootfs {
namespace {

// Opens `path` inside "/", or returns an invalid fd when it does not exist.
UniqueFd open_optional(int root_fd, const std::string& path, const std::string& what) {
    try {
        return UniqueFd(open_in_root(root_fd, path));
    } catch (const oci::SysError& e) {
        if (e.code() == ENOENT || e.code() == ENOTDIR) return UniqueFd();
        throw oci::Error(what + ": " + e.what());
    }
}

// A mount target for fd: its /proc/self/fd path when /proc is mounted, else the plain path
// (inside the new root either resolves within it).
std::string target_of(int fd, const std::string& path) {
    std::string p = fd_path(fd);
    return access(p.c_str(), F_OK) == 0 ? p : path;
}

void mask_path(int root_fd, const std::string& path, const std::string& what) {
    UniqueFd fd = open_optional(root_fd, path, what);
    if (!fd.valid()) return;
    struct stat st;
    if (fstat(fd.get(), &st) != 0) throw oci::SysError(what + ": stat");
    const std::string target = target_of(fd.get(), path);
    if (S_ISDIR(st.st_mode)) {
        do_mount(what, "tmpfs", target, "tmpfs", MS_RDONLY, nullptr);
    } else {
        do_mount(what, "/dev/null", target, nullptr, MS_BIND, nullptr);
    }
}

void readonly_path(int root_fd, const std::string& path, const std::string& what) {
    UniqueFd fd = open_optional(root_fd, path, what);
    if (!fd.valid()) return;
    do_mount(what, target_of(fd.get(), path).c_str(), target_of(fd.get(), path), nullptr,
             MS_BIND | MS_REC, nullptr);
    UniqueFd mounted = open_optional(root_fd, path, what);
    if (!mounted.valid()) throw oci::Error(what + ": vanished after the bind mount");
    remount_bind(what, target_of(mounted.get(), path), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

}  // namespace

void finalize(const oci::Spec& spec) {
    UniqueFd root(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root.valid()) throw oci::SysError("open /");
    if (spec.linux && spec.linux->masked_paths) {
        const auto& paths = *spec.linux->masked_paths;
        for (size_t i = 0; i < paths.size(); ++i)
            mask_path(root.get(), paths[i],
                      "linux.maskedPaths[" + std::to_string(i) + "] " + paths[i]);
    }
    if (spec.linux && spec.linux->readonly_paths) {
        const auto& paths = *spec.linux->readonly_paths;
        for (size_t i = 0; i < paths.size(); ++i)
            readonly_path(root.get(), paths[i],
                          "linux.readonlyPaths[" + std::to_string(i) + "] " + paths[i]);
    }
    if (spec.root && spec.root->readonly) remount_bind("root.readonly", "/", MS_RDONLY);
}

}  // namespace rampart::rootfs
