#include "runtime/container/child_setup.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "oci/error.hpp"
#include "runtime/container/fd.hpp"

namespace rampart::container {

void reset_signals() noexcept {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction sa{};
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &sa, nullptr);
}

void begin_child(const std::vector<int>& close_fds, const std::vector<int>& cgroup_tasks_fds) {
    reset_signals();
    for (int fd : close_fds) ::close(fd);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    for (int fd : cgroup_tasks_fds) {
        if (::write(fd, "0", 1) != 1) throw oci::SysError("cgroups: join the container's cgroup");
        ::close(fd);
    }
}

void prepare_fds(int preserve) noexcept {
    for (int fd = 3; fd < 3 + preserve; ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    }
    if (::syscall(SYS_close_range, 3 + preserve, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (int fd = 3 + preserve; fd < 65536; ++fd) {
            int flags = ::fcntl(fd, F_GETFD);
            if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
        }
    }
}

void join_session_keyring(const std::string& id) {
    long key = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, id.c_str());
    if (key < 0) {
        if (errno == ENOSYS) return;
        throw oci::SysError("join session keyring");
    }
    char desc[512];
    long n = ::syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof desc - 1);
    if (n <= 0) return;
    desc[std::min<long>(n, sizeof desc - 1)] = 0;
    // "type;uid;gid;perm;description": allow "search" to the user (runc's 0x080000).
    const char* p = desc;
    for (int i = 0; i < 3 && p; ++i) {
        p = std::strchr(p, ';');
        if (p) ++p;
    }
    if (!p) return;
    unsigned long perm = std::strtoul(p, nullptr, 16);
    ::syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm | 0x080000UL);
}

void reserve_preserved_slots(int n) {
    for (int fd = 3; fd < 3 + n; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0) continue;
        int nul = ::open("/dev/null", O_RDWR);
        if (nul < 0) throw oci::SysError("open /dev/null");
        if (nul != fd) {
            ::dup2(nul, fd);
            ::close(nul);
        }
    }
}

void write_pid_file(const std::string& path, pid_t pid) {
    std::string tmp = path + ".rampart-tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) throw oci::SysError("--pid-file " + path);
    std::string s = std::to_string(pid);
    if (::write(fd.get(), s.data(), s.size()) != static_cast<ssize_t>(s.size()))
        throw oci::SysError("--pid-file " + path);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw oci::SysError("--pid-file " + path);
    }
}

}  // namespace rampart::container
