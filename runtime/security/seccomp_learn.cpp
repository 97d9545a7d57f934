// The notify-everything filter and its recorder.
#include "runtime/security/seccomp_learn.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "policy/seccomp_tools.hpp"

namespace rampart::security {
namespace {

bool is_listener(int fd) {
    char path[64], target[128] = {};
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    return n > 0 && std::strstr(target, "seccomp") != nullptr;
}

std::string arch_name(uint32_t arch) {
    switch (arch) {
    case SCMP_ARCH_X86_64: return "SCMP_ARCH_X86_64";
    case SCMP_ARCH_X86: return "SCMP_ARCH_X86";
    case SCMP_ARCH_X32: return "SCMP_ARCH_X32";
    case SCMP_ARCH_AARCH64: return "SCMP_ARCH_AARCH64";
    case SCMP_ARCH_ARM: return "SCMP_ARCH_ARM";
    case SCMP_ARCH_PPC64LE: return "SCMP_ARCH_PPC64LE";
    case SCMP_ARCH_S390X: return "SCMP_ARCH_S390X";
    case SCMP_ARCH_S390: return "SCMP_ARCH_S390";
    case SCMP_ARCH_RISCV64: return "SCMP_ARCH_RISCV64";
    default: return "";
    }
}

}  // namespace

LearnChannel LearnChannel::create() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw oci::SysError("seccomp learning: socketpair");
    LearnChannel ch;
    ch.parent_end.reset(sv[0]);
    ch.child_end.reset(sv[1]);
    return ch;
}

void check_learnable(const oci::Seccomp* configured) {
    if (!configured) return;
    if (!configured->listener_path.empty())
        throw oci::Error("seccomp learning: linux.seccomp.listenerPath is set; a filter chain "
                         "has one listener, so learning cannot be combined with it");
    for (size_t i = 0; i < configured->syscalls.size(); ++i)
        if (configured->syscalls[i].action == "SCMP_ACT_NOTIFY")
            throw oci::Error("seccomp learning: linux.seccomp.syscalls[" + std::to_string(i) +
                             "] uses SCMP_ACT_NOTIFY; learning cannot be combined with it");
}

void start_learning_in_child(int channel_fd) {
    // The listener gets the lowest free descriptor: find it now, while syscalls still run.
    int probe = fcntl(0, F_DUPFD_CLOEXEC, 0);
    if (probe < 0) probe = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (probe < 0) throw oci::SysError("seccomp learning: probe fd");
    int expected = probe;
    ::close(probe);
    if (send(channel_fd, &expected, sizeof expected, MSG_NOSIGNAL) != sizeof expected)
        throw oci::SysError("seccomp learning: announce listener");
    sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
    sock_fprog prog{1, &insn};
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (rc < 0) throw oci::SysError("seccomp learning: install notify filter");
    // From here on every syscall waits for the recorder, which takes fd `rc` (== expected).
}

UniqueFd receive_listener(int channel, int child_pidfd, int timeout_ms) {
    int number = -1;
    ssize_t n;
    do n = recv(channel, &number, sizeof number, 0);
    while (n < 0 && errno == EINTR);
    if (n != sizeof number) return UniqueFd();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        UniqueFd fd(static_cast<int>(syscall(SYS_pidfd_getfd, child_pidfd, number, 0)));
        if (fd && is_listener(fd.get())) return fd;
        if (!fd && errno == ESRCH) return UniqueFd();
        pollfd p{child_pidfd, POLLIN, 0};
        if (poll(&p, 1, 1) > 0) return UniqueFd();  // the child exited
    }
    throw oci::Error("seccomp learning: listener fd " + std::to_string(number) +
                     " did not appear in the container's init");
}

Observed record_syscalls(int listener, int stop_fd) {
    Observed obs;
    seccomp_notif req;
    seccomp_notif_resp resp;
    for (;;) {
        pollfd p[2] = {{listener, POLLIN, 0}, {stop_fd, POLLIN, 0}};
        int r = poll(p, stop_fd >= 0 ? 2 : 1, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (stop_fd >= 0 && (p[1].revents & POLLIN)) break;
        if (p[0].revents & POLLIN) {
            std::memset(&req, 0, sizeof req);
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
                if (errno == EINTR || errno == ENOENT) continue;
                break;
            }
            obs.emplace(req.data.arch, req.data.nr);
            std::memset(&resp, 0, sizeof resp);
            resp.id = req.id;
            resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
            // ENOENT: the task was killed or the syscall interrupted meanwhile; nothing to do.
            ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
            continue;
        }
        if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) break;
    }
    return obs;
}

std::set<std::string> observed_names(const Observed& obs) {
    std::set<std::string> names;
    for (const auto& [arch, nr] : obs) {
        uint32_t a = arch;
        int num = nr;
        if (arch == SCMP_ARCH_X86_64 && (nr & 0x40000000)) a = SCMP_ARCH_X32;  // x32 ABI
        char* name = seccomp_syscall_resolve_num_arch(a, num);
        if (name) {
            names.insert(name);
            std::free(name);
        }
    }
    return names;
}

std::vector<std::string> observed_architectures(const Observed& obs) {
    std::vector<std::string> arches = policy::native_architectures();
    for (const auto& [arch, nr] : obs) {
        std::string n = arch_name(arch);
        if (!n.empty() && std::find(arches.begin(), arches.end(), n) == arches.end()) arches.push_back(n);
    }
    return arches;
}

std::vector<std::string> write_learned_profile(const Observed& obs, const std::string& path,
                                               const oci::Seccomp* configured) {
    std::vector<std::string> notes;
    oci::Seccomp learned = policy::learned_profile(observed_names(obs), observed_architectures(obs),
                                                   configured, &notes);
    std::string text = oci::json::serialize(oci::seccomp_to_json(learned), true) + "\n";
    std::string tmp = path + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw oci::SysError("seccomp learning: " + tmp);
        out << text;
        out.flush();
        if (!out) throw oci::SysError("seccomp learning: write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        std::remove(tmp.c_str());
        throw oci::SysError("seccomp learning: rename to " + path, err);
    }
    return notes;
}

pid_t spawn_recorder(UniqueFd channel, pid_t child, const LearnOptions& opts) {
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
    if (!pidfd) throw oci::SysError("seccomp learning: pidfd_open " + std::to_string(child));
    pid_t pid = fork();
    if (pid < 0) throw oci::SysError("seccomp learning: fork recorder");
    if (pid > 0) return pid;

    // The recorder: keep only what it needs.
    int devnull = ::open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    if (opts.quiet) dup2(devnull, 2);
    int ch = fcntl(channel.get(), F_DUPFD, 100), pf = fcntl(pidfd.get(), F_DUPFD, 100);
    if (ch < 0 || pf < 0 || dup2(ch, 3) < 0 || dup2(pf, 4) < 0) _exit(1);
    syscall(SYS_close_range, 5, ~0U, 0);
    setsid();
    try {
        UniqueFd listener = receive_listener(3, 4);
        if (!listener) _exit(1);
        Observed obs = record_syscalls(listener.get());
        auto notes = write_learned_profile(obs, opts.out_path,
                                           opts.configured ? &*opts.configured : nullptr);
        for (const auto& n : notes) std::fprintf(stderr, "rampart: seccomp learning: %s\n", n.c_str());
        _exit(0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rampart: %s\n", e.what());
        _exit(1);
    }
}

}  // namespace rampart::security
