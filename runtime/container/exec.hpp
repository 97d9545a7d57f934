// `exec`: a new process in an existing container (runtime-spec `process` semantics, runc's
// command line). The process joins every namespace of the container's init (user first,
// one setns through a pidfd where the kernel allows), the container's cgroup in every
// hierarchy, and gets the container's security envelope: capabilities, rlimits, user and
// groups, no_new_privs, AppArmor/SELinux label, Landlock and the container's seccomp
// filter (installed in the same order as the init does). The policy is enforced first.
//
// Processes: the runtime forks a helper that places itself in the cgroup and joins the
// namespaces; when the pid (or time) namespace differs, it forks once more so the process
// lands in the container's pid namespace, reports that pid (as the host sees it) and exits.
// Library code: throws oci::Error with the one line the user sees.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/container/state.hpp"

namespace rampart::container {

struct ExecOptions {
    std::string id;
    std::string process_file;           // --process FILE ("" = build from args and flags)
    std::vector<std::string> args;      // CMD [ARGS...] (without --process)
    bool tty = false;                   // -t
    std::optional<std::string> cwd;     // --cwd
    std::vector<std::string> env;       // -e K=V (appended: later wins)
    std::optional<std::string> user;    // -u uid[:gid]
    std::vector<std::string> additional_gids;  // --additional-gids
    std::vector<std::string> caps;      // --cap CAP (added to bounding, effective, permitted)
    bool no_new_privs = false;          // --no-new-privs
    std::optional<std::string> process_label;  // --process-label
    std::optional<std::string> apparmor;       // --apparmor
    bool detach = false;                // -d
    std::string pid_file;
    std::string console_socket;
    int preserve_fds = 0;
    bool ignore_paused = false;
    std::string policy_path;            // --policy / $RAMPART_POLICY ("" = default lookup)
};

// The process to run, built as runc does: the --process file (parsed and validated, errors
// name the file and the JSON path) or the container's own process with args and flags
// applied. Where the file leaves them unset, rlimits and oomScoreAdj come from the
// container (capabilities, no_new_privs and labels are defaulted by the policy step).
oci::Process build_exec_process(const oci::Spec& container_spec, const ExecOptions& o);

// "uid[:gid]" (numbers only, as runc takes it). Throws oci::Error naming --user.
void parse_exec_user(const std::string& text, oci::User& user);

// Runs the process. With `detach` returns 0 once it was started; otherwise waits, forwarding
// signals (and proxying the tty for -t without --console-socket), and returns its exit
// status (128+n when killed by signal n). `warnings` gets what the CLI should report.
int exec(const Store& store, const ExecOptions& o, std::vector<std::string>& warnings);

}  // namespace rampart::container
