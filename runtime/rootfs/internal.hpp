// Helpers shared by the rootfs implementation files (not a public interface).
#pragma once

#include <unistd.h>

#include <string>
#include <utility>

#include "oci/spec.hpp"
#include "runtime/rootfs/mount_options.hpp"
#include "runtime/rootfs/rootfs.hpp"

namespace rampart::rootfs {

// Owns one file descriptor.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// "/proc/self/fd/N": a path naming exactly the object behind fd (used as mount target so
// the kernel never re-resolves a user-controlled path).
std::string fd_path(int fd);

// Where a mount target or device really is: readlink of fd_path. Empty when unknown.
std::string fd_real_path(int fd);

// Throws unless the object behind fd lies inside `root` (an absolute, symlink-free host
// path). `what` prefixes the error. Defense in depth after open_in_root.
void verify_inside(int fd, const std::string& root, const std::string& what);

// Refuses a target on procfs (a symlink in the image pointing into /proc/self/attr and
// the like) unless it is one of the files runc lets LXCFS-style binds cover.
void check_proc_target(int fd, const std::string& root, const std::string& type,
                       const std::string& what);

// mount(2) with an error naming the step: "<what>: mount <type> on <dest>: <errno>".
void do_mount(const std::string& what, const char* source, const std::string& target,
              const char* fstype, unsigned long flags, const char* data);

// Remounts a bind mount with `flags` (MS_RDONLY, MS_NOSUID, ...) keeping the flags the
// kernel locks in a user namespace (nosuid/nodev/noexec/atime of the source mount).
void remount_bind(const std::string& what, const std::string& target, unsigned long flags);

// State that travels through setup(): the root directory fd and its real host path.
struct RootContext {
    UniqueFd root_fd;       // O_PATH|O_DIRECTORY on the rootfs
    std::string root_path;  // realpath of the rootfs
    const Options* opts = nullptr;
};

// resolve.cpp: open_in_root, creating what is missing (directories, and the last
// component as an empty file when last_is_file). A dangling symlink is followed inside the
// root and its target created there.
UniqueFd open_or_create_in_root(int root_fd, const std::string& path, bool last_is_file);

// copyup.cpp: copies the tree under directory fd `src` into directory fd `dst` (regular
// files, directories, symlinks, device nodes, fifos; owner and mode kept). For tmpcopyup.
void copy_tree(int src, int dst, const std::string& what);

// devices.cpp: default devices, linux.devices, /dev symlinks, /dev/ptmx, /dev/console.
void create_devices(const RootContext& ctx, const oci::Spec& spec);
void setup_dev_symlinks(const RootContext& ctx);
void setup_console(const RootContext& ctx);

// cgroup_mount.cpp: a mount of type "cgroup" or "cgroup2".
void mount_cgroup(const RootContext& ctx, const oci::Mount& m, const MountOptions& mo,
                  const std::string& what);

}  // namespace rampart::rootfs
