// The container's init, in the cloned child: namespaces, rootfs, process attributes,
// seccomp last; then it waits for `start` and execs the user's process. Every error goes
// back to the parent over the sync socket as one line; the child then exits.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/security/envelope.hpp"
#include "runtime/security/seccomp.hpp"

namespace rampart::container {

struct InitConfig {
    const oci::Spec* spec = nullptr;
    const NamespacePlan* plan = nullptr;
    const security::SeccompProgram* seccomp = nullptr;  // nullptr: no filter
    std::string id;
    std::string bundle;
    std::string rootfs;   // absolute host path
    bool no_pivot = false;
    bool no_new_keyring = false;
    int sync_fd = -1;     // SOCK_SEQPACKET to the parent
    int console_fd = -1;  // connected console socket (process.terminal) or -1
    int fifo_fd = -1;     // exec.fifo, O_RDWR: start writes one byte into it
    int preserve_fds = 0; // fds 3 .. 3+n-1 stay open in the container
    std::vector<std::string> extra_env;  // LISTEN_FDS=..., LISTEN_PID=1
    std::vector<int> close_fds;          // parent-only fds (the state lock!) to close at once
    const security::Envelope* envelope = nullptr;  // MAC labels, Landlock (nullptr: none)
    int learn_fd = -1;  // seccomp learning channel (-1: not learning)
    std::vector<int> cgroup_tasks_fds;   // v1 `tasks` files: the init writes "0" (moves itself)
    bool wait_for_go = true;     // maps, hooks or parent-side cgroup placement pending
    bool wait_for_start = true;  // false for `run`: exec right after reporting ready
};

// Never returns: execs the user's process or _exits(1) after reporting the error.
[[noreturn]] void init_main(const InitConfig& cfg) noexcept;

}  // namespace rampart::container
