// process.terminal: the init opens a pty in the container's own devpts, binds the slave on
// /dev/console, sends the master over the console socket (SCM_RIGHTS, like runc) and makes
// the slave its controlling terminal and stdio.
#pragma once

#include <optional>
#include <string>

#include "oci/spec.hpp"
#include "runtime/container/fd.hpp"

namespace rampart::container {

// Parent side: connects to --console-socket (a unix stream socket path).
UniqueFd connect_console_socket(const std::string& path);

// Where the container's pty master goes: the --console-socket when given (`console`
// connected to it), else a socketpair whose `peer` end brings it back to the runtime
// (run/exec without --console-socket proxy the terminal themselves).
void open_console_channel(const std::string& console_socket, UniqueFd& console, UniqueFd& peer);

// Init side, after the root filesystem is in place (pivoted): see above. `console_sock`
// is closed afterwards. Errors name the step ("terminal: open /dev/ptmx: ...").
// exec'd processes get a pty of their own without touching /dev/console (`bind_console`).
void setup_terminal(int console_sock, const std::optional<oci::ConsoleSize>& size,
                    bool bind_console = true);

// Receives one fd sent with SCM_RIGHTS (the pty master); throws when none arrives.
UniqueFd receive_fd(int sock);

// Puts a terminal into raw mode for the lifetime of the object (run with a tty).
class RawMode {
public:
    explicit RawMode(int fd);
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    int fd_;
    bool active_ = false;
    char saved_[64];  // struct termios (kept opaque here)
};

// Copies the window size of `from` (a tty) to `to` (the pty master); ignores errors.
void copy_window_size(int from, int to);

}  // namespace rampart::container
