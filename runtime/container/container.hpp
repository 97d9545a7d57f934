// The container lifecycle (runtime-spec runtime.md): create, start, state, kill, delete,
// and run (= create + start + wait). Library code: throws oci::Error with the one line
// the user sees; never prints.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/json.hpp"
#include "oci/spec.hpp"
#include "runtime/container/fd.hpp"
#include "runtime/container/state.hpp"

namespace rampart::container {

struct CreateOptions {
    std::string id;
    std::string bundle;          // "" = current directory
    std::string pid_file;
    std::string console_socket;
    std::string policy_path;     // --policy / $RAMPART_POLICY ("" = default lookup)
    bool no_pivot = false;
    bool no_new_keyring = false;
    bool systemd_cgroup = false;
    int preserve_fds = 0;
    bool proxy_terminal = false;  // run without --console-socket: the pty master comes back to us
    bool start_immediately = false;  // run: no exec.fifo, the init execs once ready
    std::string seccomp_learn;       // run --seccomp-learn OUT.json ("" = off)
    bool learn_quiet = true;         // the recorder's messages go to /dev/null (detached)
};

struct Created {
    Handle handle;  // still locked
    Record record;
    UniqueFd console_master;  // with proxy_terminal and process.terminal
    bool terminal = false;
    pid_t recorder = -1;   // seccomp learning: the recorder process (writes the profile at the end)
    std::vector<std::string> warnings;  // for the CLI (capabilities the host lacks, Landlock...)
};

// Everything up to "created": the init waits before execve until start.
Created create(const Store& store, const CreateOptions& opts);

// Releases a created container. Returns warnings (failed poststart hooks).
std::vector<std::string> start(const Store& store, const std::string& id);
std::vector<std::string> start_locked(Handle& handle, Record& record);
// After the init was released: poststart hooks (warnings only).
std::vector<std::string> after_start(const Handle& handle, const Record& record);

// The live status: creating, created, running, paused or stopped.
std::string status_of(const Record& r, const Handle& h);

// `state`: the runtime-spec state plus runc's extra fields (rootfs, created, owner).
oci::json::Value state_json(const Record& r, const std::string& status);

// Sends sig to the init, or with `all` to every process of the container's cgroup.
void kill(const Store& store, const std::string& id, int sig, bool all);

// Removes the container (kills it first with `force`). Returns warnings (poststop hooks).
std::vector<std::string> remove(const Store& store, const std::string& id, bool force);
// Removal of a locked container whose processes are already gone or must be killed.
std::vector<std::string> destroy_locked(Handle& handle, const Record& record);

// run: create, start, wait; forwards signals; returns the container's exit status
// (128+n when killed by signal n). With `detach` returns 0 once started.
int run(const Store& store, const CreateOptions& opts, bool detach,
        std::vector<std::string>& warnings);

}  // namespace rampart::container
