// tmpcopyup: the new tmpfs starts with what the image had in that directory.
//
// Works on fds only: the source directory is opened before the tmpfs is mounted over it,
// so nothing is ever resolved by path (no symlink can point the copy elsewhere).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"

namespace rampart::rootfs {
namespace {

constexpr int kMaxDepth = 64;

void copy_file(int src_dir, int dst_dir, const char* name, const struct stat& st,
               const std::string& what) {
    // O_NONBLOCK + the S_ISREG check: a file swapped for a FIFO after the directory scan
    // must not block the setup forever.
    UniqueFd in(openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!in.valid()) throw oci::SysError(what + ": open " + name);
    struct stat now;
    if (fstat(in.get(), &now) != 0 || !S_ISREG(now.st_mode))
        throw oci::Error(what + ": " + name + " changed while being copied (no longer a regular file)");
    UniqueFd out(openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        st.st_mode & 07777));
    if (!out.valid()) throw oci::SysError(what + ": create " + name);
    char buf[65536];
    for (;;) {
        ssize_t n = read(in.get(), buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw oci::SysError(what + ": read " + name);
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out.get(), buf + off, n - off);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) throw oci::SysError(what + ": write " + name);
            off += w;
        }
    }
}

void copy_dir(int src, int dst, const std::string& what, int depth) {
    if (depth > kMaxDepth) throw oci::Error(what + ": directory tree deeper than 64 levels");
    int dup_fd = fcntl(src, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) throw oci::SysError(what + ": dup");
    DIR* dir = fdopendir(dup_fd);
    if (!dir) {
        close(dup_fd);
        throw oci::SysError(what + ": opendir");
    }
    struct Closer {
        DIR* d;
        ~Closer() { closedir(d); }
    } closer{dir};
    rewinddir(dir);

    while (struct dirent* e = readdir(dir)) {
        const char* name = e->d_name;
        if (std::string_view(name) == "." || std::string_view(name) == "..") continue;
        struct stat st;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw oci::SysError(what + ": stat " + name);
        if (S_ISDIR(st.st_mode)) {
            if (mkdirat(dst, name, st.st_mode & 07777) != 0 && errno != EEXIST)
                throw oci::SysError(what + ": mkdir " + name);
            UniqueFd s(openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            UniqueFd d(openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!s.valid() || !d.valid()) throw oci::SysError(what + ": open " + name);
            copy_dir(s.get(), d.get(), what, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(src, dst, name, st, what);
        } else if (S_ISLNK(st.st_mode)) {
            std::string target(st.st_size + 1, '\0');
            ssize_t n = readlinkat(src, name, target.data(), target.size());
            if (n < 0) throw oci::SysError(what + ": readlink " + name);
            target.resize(n);
            if (symlinkat(target.c_str(), dst, name) != 0)
                throw oci::SysError(what + ": symlink " + name);
        } else {
            if (mknodat(dst, name, st.st_mode, st.st_rdev) != 0)
                throw oci::SysError(what + ": mknod " + name);
        }
        if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0 && errno != EPERM &&
            errno != EINVAL)
            throw oci::SysError(what + ": chown " + name);
        if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) != 0)
            throw oci::SysError(what + ": chmod " + name);
    }
}

}  // namespace

void copy_tree(int src, int dst, const std::string& what) { copy_dir(src, dst, what, 0); }

}  // namespace rampart::rootfs
