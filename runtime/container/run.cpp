// `run`: create + start + wait, forwarding signals to the container and, with a terminal
// and no --console-socket, proxying the pty to our own stdin/stdout (raw mode).
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>

#include "oci/error.hpp"
#include "runtime/container/container.hpp"
#include "runtime/container/terminal.hpp"
#include "runtime/container/timing.hpp"
#include "runtime/container/wait.hpp"

namespace rampart::container {
namespace {

bool write_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                pollfd pf{fd, POLLOUT, 0};
                ::poll(&pf, 1, 100);
                continue;
            }
            return false;
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

}  // namespace

BlockedSignals::BlockedSignals() {
    static constexpr int kForwarded[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                         SIGCONT, SIGALRM, SIGPWR,  SIGTSTP, SIGTTIN, SIGTTOU};
    sigemptyset(&set_);
    for (int s : kForwarded) sigaddset(&set_, s);
    sigaddset(&set_, SIGCHLD);
    sigaddset(&set_, SIGWINCH);
    ::sigprocmask(SIG_BLOCK, &set_, &old_);
}

BlockedSignals::~BlockedSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }

int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

int wait_process(pid_t init, const sigset_t& set, int master) {
    UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!sfd.valid()) throw oci::SysError("signalfd");
    bool in_open = master >= 0;
    bool out_open = master >= 0;
    std::optional<RawMode> raw;
    if (master >= 0 && ::isatty(0)) {
        raw.emplace(0);
        copy_window_size(0, master);
    }
    int status = 0;
    bool exited = false;
    char buf[16384];
    while (!exited || out_open) {
        pollfd fds[3] = {{sfd.get(), POLLIN, 0}, {out_open ? master : -1, POLLIN, 0},
                         {in_open ? 0 : -1, POLLIN, 0}};
        // Once the init exited, drain what is left of the pty output and stop.
        int n = ::poll(fds, 3, exited ? 50 : -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw oci::SysError("poll");
        }
        if (n == 0 && exited) break;
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo si;
            while (::read(sfd.get(), &si, sizeof si) == sizeof si) {
                int sig = static_cast<int>(si.ssi_signo);
                if (sig == SIGCHLD) {
                    int st;
                    pid_t p;
                    while ((p = ::waitpid(-1, &st, WNOHANG)) > 0)
                        if (p == init) {
                            status = st;
                            exited = true;
                        }
                } else if (sig == SIGWINCH) {
                    if (master >= 0) copy_window_size(0, master);
                } else if (!exited) {
                    ::kill(init, sig);
                }
            }
        }
        if (out_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = ::read(master, buf, sizeof buf);
            if (r <= 0) {
                if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
                out_open = false;
            } else if (!write_all(1, buf, static_cast<size_t>(r))) {
                out_open = false;
            }
        }
        if (in_open && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = ::read(0, buf, sizeof buf);
            if (r <= 0) {
                if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
                in_open = false;
                // EOF on our stdin: send the terminal's EOF character (^D).
                write_all(master, "\x04", 1);
            } else if (!write_all(master, buf, static_cast<size_t>(r))) {
                in_open = false;
            }
        }
        if (!exited && n > 0 && !(fds[0].revents & POLLIN)) {
            // Cheap check in case SIGCHLD was coalesced away.
            int st;
            if (::waitpid(init, &st, WNOHANG) == init) {
                status = st;
                exited = true;
            }
        }
    }
    return status;
}

int run(const Store& store, const CreateOptions& opts, bool detach,
        std::vector<std::string>& warnings) {
    if (detach) {
        CreateOptions o = opts;
        o.start_immediately = true;
        Created c = create(store, o);
        warnings.insert(warnings.end(), c.warnings.begin(), c.warnings.end());
        auto w = after_start(c.handle, c.record);
        warnings.insert(warnings.end(), w.begin(), w.end());
        return 0;
    }
    BlockedSignals blocked;
    // A pid-namespace fork leaves the init as our grandchild: adopt it.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    CreateOptions o = opts;
    o.proxy_terminal = opts.console_socket.empty();
    o.start_immediately = true;
    o.learn_quiet = false;
    Created c = create(store, o);
    warnings.insert(warnings.end(), c.warnings.begin(), c.warnings.end());
    const pid_t init = c.record.pid;
    int status;
    try {
        auto w = after_start(c.handle, c.record);
        warnings.insert(warnings.end(), w.begin(), w.end());
        // Let other commands (kill, state, delete --force) in while we wait.
        Handle unlocked = store.open(opts.id, false);
        c.handle = std::move(unlocked);
        status = wait_process(init, blocked.set(), c.console_master.get());
    } catch (...) {
        try {
            Handle h = store.open(opts.id, true);
            destroy_locked(h, h.read());
        } catch (...) {
        }
        throw;
    }
    c.console_master.reset();
    timing_mark("exited");
    // Seccomp learning: the profile is written once the last process using the filter is
    // gone; wait so that it exists when run returns (ECHILD: reaped above, already done).
    if (c.recorder > 0) {
        int st;
        while (::waitpid(c.recorder, &st, 0) < 0 && errno == EINTR) {
        }
    }
    try {
        Handle h = store.open(opts.id, true);
        Record r = h.read();
        auto w = destroy_locked(h, r);
        warnings.insert(warnings.end(), w.begin(), w.end());
    } catch (const oci::Error&) {
        // Deleted meanwhile by someone else: nothing left to do.
    }
    timing_mark("destroyed");
    return exit_code(status);
}

}  // namespace rampart::container
