#include "runtime/container/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include <csignal>
#include <cerrno>
#include <string>
#include <vector>

#include "oci/error.hpp"
#include "runtime/container/fd.hpp"

namespace rampart::container {
namespace {

long now_ms() {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

std::string last_line(std::string out) {
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' '))
        out.pop_back();
    if (auto nl = out.rfind('\n'); nl != std::string::npos) out = out.substr(nl + 1);
    if (out.size() > 400) out = out.substr(out.size() - 400);
    return out;
}

class SpawnAttrs {
public:
    SpawnAttrs() {
        ::posix_spawnattr_init(&attr_);
        ::posix_spawn_file_actions_init(&actions_);
    }
    ~SpawnAttrs() {
        ::posix_spawnattr_destroy(&attr_);
        ::posix_spawn_file_actions_destroy(&actions_);
    }
    posix_spawnattr_t attr_;
    posix_spawn_file_actions_t actions_;
};

// fork + execve for when posix_spawn is refused; rc as posix_spawn's (the exec error
// comes back through a close-on-exec pipe).
int fork_exec(const std::string& path, std::vector<char*>& argv, std::vector<char*>& envp,
              int in_fd, int out_fd, pid_t& pid) {
    int ep[2];
    if (::pipe2(ep, O_CLOEXEC) != 0) return errno;
    UniqueFd err_read(ep[0]), err_write(ep[1]);
    pid = ::fork();
    if (pid < 0) return errno;
    if (pid == 0) {
        sigset_t empty;
        sigemptyset(&empty);
        for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
        ::sigprocmask(SIG_SETMASK, &empty, nullptr);
        if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(out_fd, 2) < 0) ::_exit(127);
        // Nothing but the state and the output pipe reaches a hook: fds the runtime's own
        // caller leaked to it (without close-on-exec) are closed at execve.
        (void)::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);
        ::execve(path.c_str(), argv.data(), envp.data());
        int e = errno;
        (void)!::write(err_write.get(), &e, sizeof e);
        ::_exit(127);
    }
    err_write.reset();
    int e = 0;
    ssize_t r;
    while ((r = ::read(err_read.get(), &e, sizeof e)) < 0 && errno == EINTR) {
    }
    if (r == static_cast<ssize_t>(sizeof e)) {
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        pid = -1;
        return e ? e : EINVAL;
    }
    return 0;
}

}  // namespace

void run_hook(const oci::Hook& hook, const std::string& state_json, const std::string& phase) {
    const std::string who = phase + " hook " + hook.path;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw oci::SysError(who + ": socketpair");
    UniqueFd in_parent(sv[0]), in_child(sv[1]);
    int pp[2];
    if (::pipe2(pp, O_CLOEXEC) != 0) throw oci::SysError(who + ": pipe");
    UniqueFd out_read(pp[0]), out_write(pp[1]);

    SpawnAttrs sa;
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    ::posix_spawnattr_setsigmask(&sa.attr_, &empty);
    ::posix_spawnattr_setsigdefault(&sa.attr_, &all);
    ::posix_spawnattr_setflags(&sa.attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    ::posix_spawn_file_actions_adddup2(&sa.actions_, in_child.get(), 0);
    ::posix_spawn_file_actions_adddup2(&sa.actions_, out_write.get(), 1);
    ::posix_spawn_file_actions_adddup2(&sa.actions_, out_write.get(), 2);
    // Only the state (stdin) and the output pipe reach a hook, not fds the runtime's own
    // caller leaked to it.
    ::posix_spawn_file_actions_addclosefrom_np(&sa.actions_, 3);

    std::vector<std::string> args = hook.args;
    if (args.empty()) args.push_back(hook.path);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = hook.env;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, hook.path.c_str(), &sa.actions_, &sa.attr_, argv.data(),
                           envp.data());
    // A startContainer hook runs under the container's seccomp filter, which may refuse
    // clone3 (what posix_spawn uses) with EPERM: fall back to fork (the clone syscall).
    if (rc == EPERM || rc == ENOSYS) rc = fork_exec(hook.path, argv, envp, in_child.get(),
                                                    out_write.get(), pid);
    if (rc != 0) throw oci::SysError(who, rc);
    in_child.reset();
    out_write.reset();

    // The state is small (well under a socket buffer); a hook that does not read it is fine.
    size_t off = 0;
    while (off < state_json.size()) {
        ssize_t n = ::send(in_parent.get(), state_json.data() + off, state_json.size() - off,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        off += static_cast<size_t>(n);
    }
    in_parent.reset();

    // Without a pidfd (pidfd_open refused by a seccomp filter, old kernel) the exit is
    // found by polling waitpid.
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    const long deadline = hook.timeout ? now_ms() + *hook.timeout * 1000L : -1;
    std::string output;
    bool timed_out = false;
    bool out_open = true;
    int status = 0;
    bool reaped = false;
    for (;;) {
        if (pidfd.get() < 0) {
            pid_t w = ::waitpid(pid, &status, WNOHANG);
            if (w == pid || (w < 0 && errno != EINTR)) {
                reaped = w == pid;
                break;
            }
        }
        pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
        long wait = -1;
        if (deadline >= 0) {
            wait = deadline - now_ms();
            if (wait <= 0) {
                timed_out = true;
                break;
            }
        }
        if (pidfd.get() < 0 && (wait < 0 || wait > 20)) wait = 20;
        pollfd* set = out_open ? fds : fds + 1;
        int count = (out_open ? 1 : 0) + (pidfd.get() >= 0 ? 1 : 0);
        int n = count ? ::poll(set, count, static_cast<int>(wait))
                      : ::poll(nullptr, 0, static_cast<int>(wait));
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (n == 0) continue;
        if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) {
            char buf[4096];
            ssize_t r = ::read(out_read.get(), buf, sizeof buf);
            if (r <= 0) out_open = false;
            else {
                output.append(buf, static_cast<size_t>(r));
                if (output.size() > 16384) output.erase(0, output.size() - 8192);
            }
        }
        if (pidfd.get() >= 0 && (fds[1].revents & POLLIN)) break;
    }
    if (timed_out) ::kill(pid, SIGKILL);
    while (!reaped && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // Drain what is left (non-blocking: a grandchild may still hold the pipe).
    ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
    char buf[4096];
    ssize_t r;
    while (out_open && (r = ::read(out_read.get(), buf, sizeof buf)) > 0) output.append(buf, r);

    if (timed_out) throw oci::Error(who + ": timed out after " + std::to_string(*hook.timeout) + "s");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string msg = who + ": ";
    if (WIFEXITED(status)) msg += "exited with status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) msg += "killed by signal " + std::to_string(WTERMSIG(status));
    else msg += "failed";
    std::string tail = last_line(output);
    if (!tail.empty()) msg += ": " + tail;
    throw oci::Error(msg);
}

std::vector<std::string> run_hooks(const std::vector<oci::Hook>& hooks,
                                   const std::string& state_json, const std::string& phase,
                                   bool warn_only) {
    std::vector<std::string> failures;
    for (const auto& h : hooks) {
        try {
            run_hook(h, state_json, phase);
        } catch (const oci::Error& e) {
            if (!warn_only) throw;
            failures.push_back(e.what());
        }
    }
    return failures;
}

}  // namespace rampart::container
