// The container's root filesystem, built in the child inside its new mount namespace.
//
// Invariant: every mount target, device node and masked/readonly path is resolved INSIDE
// the root (a symlink in the image pointing to /etc must not redirect a mount to the host).
#pragma once

#include <string>

#include "oci/spec.hpp"

namespace rampart::rootfs {

struct Options {
    std::string rootfs;        // absolute host path of root.path (already resolved vs bundle)
    std::string bundle;        // bundle directory: relative bind sources resolve against it
    bool no_pivot = false;     // chroot instead of pivot_root (--no-pivot)
    std::string console_path;  // host path of the pty slave to bind on /dev/console, "" none
    bool in_user_ns = false;   // a new user namespace: devices are bind-mounted, not mknod'ed
    bool new_cgroup_ns = false;
};

// Child side, after unshare(CLONE_NEWNS) (and after joining/creating the other namespaces):
// sets rootfsPropagation (default rslave), makes the rootfs a mount point, performs
// spec.mounts in order (every runc option: bind/rbind, ro, nosuid, nodev, noexec, atime
// flags, propagation flags, data options; proc, sysfs, tmpfs, devpts, mqueue, cgroup;
// missing targets created inside the root), process.cwd created when missing (inside the
// root, as runc does), default devices + linux.devices, /dev
// symlinks (fd, stdin, stdout, stderr, ptmx, core), /dev/console when console_path is set,
// then pivot_root (or chroot when no_pivot) and chdir("/").
// Errors: "mounts[3] /data: bind /srv/x: No such file or directory".
void setup(const oci::Spec& spec, const Options& opts);

// After setup (still before the user's process starts, before capabilities are dropped):
// maskedPaths, readonlyPaths, then root.readonly (remount / read-only).
void finalize(const oci::Spec& spec);

// Opens `path` (absolute, relative to the root) inside the directory `root_fd` with every
// symlink resolved within it (openat2 RESOLVE_IN_ROOT, or an equivalent manual walk).
// Returns an O_PATH|O_CLOEXEC fd (caller owns it). Throws oci::SysError on failure.
int open_in_root(int root_fd, const std::string& path);

// Creates the missing components of `path` inside `root_fd` (directories, and when
// `last_is_file` the last component as an empty file), resolving symlinks inside the root.
void mkdir_in_root(int root_fd, const std::string& path, bool last_is_file);

// The manual walk open_in_root falls back to when openat2 is unavailable; same contract.
// Exposed so tests cover both resolvers.
int open_in_root_walk(int root_fd, const std::string& path);

}  // namespace rampart::rootfs
