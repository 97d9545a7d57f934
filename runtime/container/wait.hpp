// Waiting for a process the runtime started in the foreground (`run`, `exec` without
// --detach): signals are forwarded to it and, with a terminal and no --console-socket,
// the pty master is proxied to our own stdin/stdout (raw mode when stdin is a tty).
#pragma once

#include <sys/types.h>

#include <csignal>

namespace rampart::container {

// Blocks the forwarded signals plus SIGCHLD and SIGWINCH for the object's lifetime, so
// none is lost between starting the process and waiting for it (children reset the mask).
class BlockedSignals {
public:
    BlockedSignals();
    ~BlockedSignals();
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;
    const sigset_t& set() const { return set_; }

private:
    sigset_t set_, old_;
};

// Waits for `pid` (our child, or adopted as subreaper), forwarding the blocked signals to it
// and proxying `master` (-1: no terminal). Returns its wait status.
int wait_process(pid_t pid, const sigset_t& set, int master);

// The exit status a foreground runtime reports: the code, or 128+n when killed by signal n.
int exit_code(int wait_status);

}  // namespace rampart::container
