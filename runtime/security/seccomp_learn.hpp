// Learning a seccomp profile from what a container actually does (seccomp-gen without
// strace in the image).
//
// The container's init installs, as its very last step before execve and after the
// configured seccomp filter, a filter that returns SECCOMP_RET_USER_NOTIF for every
// syscall. A recorder process (forked by the runtime, outside the container) answers each
// notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE after noting (arch, nr); children and
// exec'd programs inherit the filter, so everything the container runs is recorded. When
// the last process using the filter is gone, the recorder writes a minimal Docker-format
// profile (policy/seccomp_tools.hpp learned_profile) and exits.
//
// Never wider than the configured profile: the kernel runs every filter and keeps the
// strongest verdict (KILL > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW), so a syscall
// the configured profile denies is never notified, never runs, never recorded; and
// learned_profile keeps the configured argument conditions. A configured profile that
// itself uses SCMP_ACT_NOTIFY cannot be combined (one listener per filter chain): refused.
//
// Handing the listener over without a deadlock: after installing, every syscall of the
// child waits for the recorder, so the child cannot send the fd. It writes the fd number
// the listener will get (the lowest free one) on a channel *before* installing, and the
// recorder takes the fd from the child with pidfd_getfd(2).
//
// What is recorded includes the few syscalls the runtime itself makes between installing
// the filter and execve (execve itself among them), which the workload needs anyway.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/security/unique_fd.hpp"

namespace rampart::security {

// A socketpair: the parent keeps parent_end (handed to the recorder), the container's init
// keeps child_end (close-on-exec).
struct LearnChannel {
    UniqueFd parent_end;
    UniqueFd child_end;
    static LearnChannel create();
};

// Child side: the last call before execve. Announces the listener's fd number on
// `channel_fd`, then installs the notify-everything filter. Needs no_new_privs or
// CAP_SYS_ADMIN. Throws oci::SysError when the filter cannot be installed (nothing
// recorded then: the recorder sees the channel close).
void start_learning_in_child(int channel_fd);

// Throws oci::Error when the configured profile cannot be learned under (uses
// SCMP_ACT_NOTIFY or a listenerPath).
void check_learnable(const oci::Seccomp* configured);

using Observed = std::set<std::pair<uint32_t, int>>;  // (AUDIT_ARCH_*, syscall number)

// Answers notifications on `listener` until every process using the filter is gone (or
// `stop_fd` becomes readable), recording (arch, nr) of each.
Observed record_syscalls(int listener, int stop_fd = -1);

// Names and SCMP_ARCH_* architectures of what was observed (native companions included).
std::set<std::string> observed_names(const Observed& obs);
std::vector<std::string> observed_architectures(const Observed& obs);

// Receives the fd number from `channel`, takes the listener out of `child` (a pidfd), waits
// until it is a seccomp listener. Returns an invalid fd when the channel closed without a
// number (the child died or failed before learning).
UniqueFd receive_listener(int channel, int child_pidfd, int timeout_ms = 10000);

struct LearnOptions {
    std::string out_path;                 // OUT.json
    std::optional<oci::Seccomp> configured;  // the container's final linux.seccomp, if any
    bool quiet = false;                   // detached: stdio to /dev/null
};

// Forks the recorder: it receives the listener for `child` over `channel`, records, then
// writes the learned profile to opts.out_path (temp file + rename) and exits 0 (1 when
// nothing could be recorded or written; messages on stderr unless quiet). All other fds are
// closed in the recorder. Returns its pid; `rampart run` waits for it so OUT.json exists
// when run returns.
pid_t spawn_recorder(UniqueFd channel, pid_t child, const LearnOptions& opts);

// Writes the learned profile for `obs` to `path` (temp + rename); returns the notes.
std::vector<std::string> write_learned_profile(const Observed& obs, const std::string& path,
                                               const oci::Seccomp* configured);

}  // namespace rampart::security
