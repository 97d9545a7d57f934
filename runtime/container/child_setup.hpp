// Small steps shared by every process the runtime starts inside a container (the init and
// exec'd processes): signal state, file descriptors, the session keyring, pid files.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rampart::container {

// clone3(2) arguments (linux/sched.h's struct clone_args, which glibc does not export).
struct CloneArgs {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};
constexpr uint64_t kCloneIntoCgroup = 0x200000000ULL;

// Child side: empty signal mask, every disposition back to SIG_DFL (the runtime blocks
// signals to forward them and ignores SIGPIPE).
void reset_signals() noexcept;

// Child side, first thing after the clone (init and exec helper alike): signals reset,
// the parent-only fds closed, not dumpable until execve (no process of the container can
// open its /proc/PID/exe or fds: CVE-2019-5736), killed with the runtime, and moved into
// the container's v1 cgroups by writing "0" to each `tasks` fd (a thread moving itself
// skips the kernel's global cgroup lock). Throws oci::SysError naming the cgroup step.
void begin_child(const std::vector<int>& close_fds, const std::vector<int>& cgroup_tasks_fds);

// Child side, right before execve: fds 3 .. 3+preserve-1 stay open (CLOEXEC cleared), every
// other fd of the runtime is marked close-on-exec.
void prepare_fds(int preserve) noexcept;

// Child side: a session keyring of its own named after the container (as runc does), so the
// process never sees the host's keys.
void join_session_keyring(const std::string& id);

// Parent side: slots 3..3+n-1 that are not open would otherwise be taken by the runtime's
// own fds, which would then leak into the container: fills them with /dev/null.
void reserve_preserved_slots(int n);

// Parent side: writes pid to path atomically (tmp + rename). Errors name --pid-file.
void write_pid_file(const std::string& path, pid_t pid);

}  // namespace rampart::container
