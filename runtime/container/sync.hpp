// The parent <-> init channel: a SOCK_SEQPACKET socketpair, one message per packet,
// optionally carrying one fd (SCM_RIGHTS). Errors in the init travel back as text so
// `create` fails with exactly the init's one line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rampart::container {

enum class Msg : uint32_t {
    Error = 1,    // init -> parent: text is the error line
    MapsNeeded,   // init -> parent: write uid/gid maps of `value` (pid)
    MapsDone,     // parent -> init
    InitPid,      // init -> parent: value is the init pid (after the pid-namespace fork)
    Go,           // parent -> init: cgroup placed, createRuntime hooks ran
    SeccompFd,    // init -> parent: the seccomp listener fd
    Ready,        // init -> parent: set up, waiting for start
};

struct Message {
    Msg type = Msg::Error;
    int value = 0;
    std::string text;
    int fd = -1;  // received fd (caller owns) or -1
};

// Throws oci::SysError on failure (EPIPE when the peer is gone).
void send_msg(int sock, Msg type, int value = 0, std::string_view text = {}, int fd = -1);
// Returns false on EOF (the peer closed its end / exited).
bool recv_msg(int sock, Message& out);

}  // namespace rampart::container
