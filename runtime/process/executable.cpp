// Executable lookup (like execvp) and the environment defaults runc adds.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "oci/error.hpp"
#include "runtime/process/process.hpp"

namespace rampart::process {
namespace {

constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A file of the image, read defensively: the image may make it a FIFO (open/read would
// block forever), a link to /dev/zero (endless) or a huge file. Only a regular file is
// read, at most `limit` bytes; anything else reads as empty.
std::string read_image_file(const char* path, size_t limit) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return {};
    std::string out;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        char buf[8192];
        while (out.size() < limit) {
            ssize_t n = ::read(fd, buf, std::min(sizeof buf, limit - out.size()));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return out;
}

const std::string* find_var(const std::vector<std::string>& env, const std::string& name) {
    const std::string prefix = name + "=";
    const std::string* found = nullptr;
    for (const auto& e : env)
        if (e.compare(0, prefix.size(), prefix) == 0) found = &e;  // the last one wins
    return found;
}

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir == ".") return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string absolute(const std::string& path, const std::string& cwd) {
    if (!path.empty() && path[0] == '/') return path;
    std::string base = cwd.empty() ? "/" : cwd;
    return join(base, path.rfind("./", 0) == 0 ? path.substr(2) : path);
}

// 0 when `path` is an executable regular file, else the errno describing why not.
int check_executable(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return EACCES;
    if (access(path.c_str(), X_OK) != 0) return errno;
    return 0;
}

// "No such file or directory" -> "no such file or directory" (Go's style, as runc prints).
std::string describe(int err) {
    std::string s = std::strerror(err);
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

}  // namespace

std::string find_executable(const std::string& name, const std::vector<std::string>& env,
                            const std::string& cwd) {
    if (name.empty()) throw oci::Error("process.args[0]: empty executable name");
    if (name.find('/') != std::string::npos) {
        const std::string path = absolute(name, cwd);
        if (int err = check_executable(path))
            throw oci::Error("exec: \"" + name + "\": " + describe(err));
        return path;
    }
    const std::string* var = find_var(env, "PATH");
    const std::string path_list = var ? var->substr(5) : kDefaultPath;
    int first_err = 0;
    size_t start = 0;
    for (;;) {
        size_t colon = path_list.find(':', start);
        std::string dir = path_list.substr(start, colon == std::string::npos ? std::string::npos
                                                                           : colon - start);
        const std::string candidate = absolute(join(dir, name), cwd);
        int err = check_executable(candidate);
        if (err == 0) return candidate;
        if (err != ENOENT && err != ENOTDIR && first_err == 0) first_err = err;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    if (first_err == EACCES)
        throw oci::Error("exec: \"" + name + "\": permission denied (found in $PATH but not "
                         "executable)");
    throw oci::Error("executable file `" + name + "` not found in $PATH");
}

std::vector<std::string> complete_env(const std::vector<std::string>& env, uint32_t uid) {
    std::vector<std::string> out = env;
    if (!find_var(out, "PATH")) out.push_back(std::string("PATH=") + kDefaultPath);
    if (!find_var(out, "HOME")) {
        std::string home = "/";
        // The container's /etc/passwd (we run after pivot_root); no NSS in a static binary.
        std::istringstream in(read_image_file("/etc/passwd", 4u << 20));
        std::string line;
        while (std::getline(in, line)) {
            // name:passwd:uid:gid:gecos:home:shell
            size_t f[6];
            size_t pos = 0;
            int n = 0;
            for (; n < 6; ++n) {
                pos = line.find(':', pos);
                if (pos == std::string::npos) break;
                f[n] = pos++;
            }
            if (n < 6) continue;
            if (line.substr(f[1] + 1, f[2] - f[1] - 1) != std::to_string(uid)) continue;
            std::string dir = line.substr(f[4] + 1, f[5] - f[4] - 1);
            if (!dir.empty()) home = dir;
            break;
        }
        out.push_back("HOME=" + home);
    }
    return out;
}

}  // namespace rampart::process
