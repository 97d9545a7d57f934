// Resolving paths inside the container root without ever leaving it.
//
// Fast path: openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), where the kernel treats
// root_fd as "/" for every absolute symlink and clamps "..". Fallback (old kernels, or a
// seccomp filter denying openat2) and creation of missing components: a manual walk, one
// component at a time with O_NOFOLLOW, interpreting symlinks ourselves against the root.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "oci/error.hpp"
#include "runtime/rootfs/internal.hpp"
#include "runtime/rootfs/rootfs.hpp"

namespace rampart::rootfs {
namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's MAXSYMLINKS

enum class Create { None, Dirs, DirsAndFile };

std::deque<std::string> split(const std::string& path) {
    std::deque<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string part = path.substr(i, j - i);
        if (!part.empty() && part != ".") out.push_back(std::move(part));
        i = j + 1;
    }
    return out;
}

std::string read_link(int fd, const std::string& path) {
    std::string buf(256, '\0');
    for (;;) {
        ssize_t n = readlinkat(fd, "", buf.data(), buf.size());
        if (n < 0) throw oci::SysError("readlink " + path);
        if (static_cast<size_t>(n) < buf.size()) {
            buf.resize(n);
            return buf;
        }
        if (buf.size() >= 65536) throw oci::SysError("readlink " + path, ENAMETOOLONG);
        buf.resize(buf.size() * 2);
    }
}

// Creates `name` in dir_fd (a directory, or an empty file); an existing entry is fine.
void create_entry(int dir_fd, const std::string& name, bool as_file, const std::string& path) {
    if (as_file) {
        int fd = openat(dir_fd, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                        0644);
        if (fd >= 0) {
            close(fd);
            return;
        }
    } else if (mkdirat(dir_fd, name.c_str(), 0755) == 0) {
        return;
    }
    if (errno != EEXIST) throw oci::SysError("create " + path + " inside the root");
}

UniqueFd walk(int root_fd, const std::string& path, Create create) {
    std::vector<UniqueFd> stack;  // directories below the root; empty: at the root
    std::deque<std::string> todo = split(path);
    int links = 0;
    std::string walked;  // for error messages: the resolved path so far, inside the root
    auto pop_walked = [&] { walked.erase(walked.empty() ? 0 : walked.rfind('/')); };
    auto cur = [&] { return stack.empty() ? root_fd : stack.back().get(); };

    while (!todo.empty()) {
        std::string name = std::move(todo.front());
        todo.pop_front();
        if (name == "..") {
            if (!stack.empty()) stack.pop_back();  // ".." at the root stays at the root
            pop_walked();
            continue;
        }
        walked += "/" + name;
        UniqueFd fd(openat(cur(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!fd.valid() && errno == ENOENT && create != Create::None) {
            bool as_file = todo.empty() && create == Create::DirsAndFile;
            create_entry(cur(), name, as_file, walked);
            fd.reset(openat(cur(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        }
        if (!fd.valid()) throw oci::SysError("resolve " + path + " inside the root: " + walked);

        struct stat st;
        if (fstat(fd.get(), &st) != 0) throw oci::SysError("stat " + walked);
        if (S_ISLNK(st.st_mode)) {
            if (++links > kMaxSymlinks)
                throw oci::SysError("resolve " + path + " inside the root", ELOOP);
            std::string target = read_link(fd.get(), walked);
            if (target.empty())
                throw oci::SysError("resolve " + path + ": empty symlink " + walked, ENOENT);
            pop_walked();  // the link is replaced by its target
            if (target[0] == '/') {  // absolute: relative to the container root
                stack.clear();
                walked.clear();
            }
            std::deque<std::string> parts = split(target);
            todo.insert(todo.begin(), parts.begin(), parts.end());
            continue;
        }
        if (!todo.empty() && !S_ISDIR(st.st_mode))
            throw oci::SysError("resolve " + path + " inside the root: " + walked, ENOTDIR);
        stack.push_back(std::move(fd));
    }
    if (stack.empty()) {
        UniqueFd fd(openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd.valid()) throw oci::SysError("open the root directory");
        return fd;
    }
    return std::move(stack.back());
}

}  // namespace

int open_in_root_walk(int root_fd, const std::string& path) {
    return walk(root_fd, path, Create::None).release();
}

int open_in_root(int root_fd, const std::string& path) {
    std::string rel = path;
    while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    if (rel.empty()) rel.assign(1, '.');

    struct open_how how {};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (int attempt = 0; attempt < 16; ++attempt) {
        long fd = syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
        if (fd >= 0) return static_cast<int>(fd);
        if (errno == EAGAIN || errno == EINTR) continue;  // a concurrent rename: retry
        break;
    }
    // No openat2 (kernel < 5.6) or a filter refusing it: walk by hand.
    if (errno == ENOSYS || errno == EPERM || errno == E2BIG || errno == EAGAIN)
        return open_in_root_walk(root_fd, path);
    throw oci::SysError("resolve " + path + " inside the root");
}

UniqueFd open_or_create_in_root(int root_fd, const std::string& path, bool last_is_file) {
    try {
        return UniqueFd(open_in_root(root_fd, path));
    } catch (const oci::SysError& e) {
        if (e.code() != ENOENT) throw;
    }
    return walk(root_fd, path, last_is_file ? Create::DirsAndFile : Create::Dirs);
}

void mkdir_in_root(int root_fd, const std::string& path, bool last_is_file) {
    walk(root_fd, path, last_is_file ? Create::DirsAndFile : Create::Dirs);
}

}  // namespace rampart::rootfs
