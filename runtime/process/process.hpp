// Process attributes applied in the container's init (and in exec'd processes) right
// before execve: rlimits, user and groups, capabilities, no_new_privs, executable lookup.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace rampart::process {

// setrlimit for each entry. Error: "process.rlimits[1] RLIMIT_NOFILE: Operation not permitted".
void apply_rlimits(const std::vector<oci::Rlimit>& rlimits);

// setgroups(additionalGids), setresgid, setresuid, keeping the permitted capabilities
// across the uid change (PR_SET_KEEPCAPS) so apply_capabilities can set them afterwards;
// umask when set.
void apply_user(const oci::User& user);

// Sets all five sets via libcap-ng (bounding dropped first while CAP_SETPCAP is held).
// nullptr means "no capabilities at all". Unknown names were refused by validation.
// Capabilities the runtime itself does not hold (not in its bounding or permitted set,
// e.g. a host whose bounding set lacks CAP_SYS_RESOURCE) cannot be granted by anyone:
// they are left out of every set instead of failing the container (`--privileged` on
// such a host gets what the host has) and returned, by name, for the caller to report.
std::vector<std::string> apply_capabilities(const oci::Capabilities* caps);
// Parent side, before anything runs: the capabilities of `caps` (any set) that this
// process does not hold and apply_capabilities will leave out, by name ([] when none).
std::vector<std::string> unavailable_capabilities(const oci::Capabilities& caps);

// prctl(PR_SET_NO_NEW_PRIVS).
void set_no_new_privs();

// Resolves args[0] like execvp would, using PATH from `env` (default PATH when unset),
// relative to `cwd` for names with a slash; the file must exist, be regular and
// executable. Throws oci::Error("executable file `x` not found in $PATH").
std::string find_executable(const std::string& name, const std::vector<std::string>& env,
                            const std::string& cwd = "/");

// Adds PATH (and HOME from the user's passwd entry when resolvable, else "/") when missing,
// as runc does.
std::vector<std::string> complete_env(const std::vector<std::string>& env, uint32_t uid);

}  // namespace rampart::process
