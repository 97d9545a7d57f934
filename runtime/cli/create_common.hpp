// Flags and options shared by `create` and `run`.
#pragma once

#include <vector>

#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"

namespace rampart::cli {

inline std::vector<FlagSpec> create_flags() {
    return {
        {{"bundle", "b"}, FlagKind::String, "path to the root of the bundle directory, defaults to the current directory"},
        {{"console-socket"}, FlagKind::String, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal"},
        {{"pid-file"}, FlagKind::String, "specify the file to write the process id to"},
        {{"no-pivot"}, FlagKind::Bool, "do not use pivot root to jail process inside rootfs"},
        {{"no-new-keyring"}, FlagKind::Bool, "do not create a new session keyring for the container"},
        {{"preserve-fds"}, FlagKind::Int, "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)"},
    };
}

inline container::CreateOptions create_options(const GlobalOptions& g, const ParseResult& r) {
    container::CreateOptions o;
    o.id = r.positional.at(0);
    o.bundle = r.flags.str("bundle");
    o.console_socket = r.flags.str("console-socket");
    o.pid_file = r.flags.str("pid-file");
    o.no_pivot = r.flags.flag("no-pivot");
    o.no_new_keyring = r.flags.flag("no-new-keyring");
    long long n = r.flags.num("preserve-fds", 0);
    if (n < 0 || n > 65000) throw oci::Error("--preserve-fds: invalid number " + std::to_string(n));
    o.preserve_fds = static_cast<int>(n);
    o.policy_path = g.policy;
    o.systemd_cgroup = g.systemd_cgroup;
    return o;
}

}  // namespace rampart::cli
