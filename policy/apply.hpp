// Applying a baseline to one container: pick the profile, fill defaults, check limits.
//
// Pure with respect to the host: everything it needs to know about the machine comes in
// a Host (detect_host() reads the real one; tests build their own).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "policy/baseline.hpp"
#include "policy/policy.hpp"

namespace rampart::policy {

struct Host {
    std::string arch = "amd64";  // Go name, for Docker profiles' arches
    int kernel_major = 0;
    int kernel_minor = 0;
    std::vector<std::string> capabilities;  // every capability the kernel knows
    bool apparmor_enabled = false;          // /sys/module/apparmor/parameters/enabled == Y
    bool selinux_enabled = false;           // selinuxfs mounted
    // Is this AppArmor profile loaded? (Docker loads "docker-default" itself.)
    std::function<bool(const std::string&)> apparmor_profile_loaded;
    // Symlinks of a host path resolved; "" when it does not exist.
    std::function<std::string(const std::string&)> resolve_path;
    // Is `path` (a namespace file) the host's namespace of this spec type?
    std::function<bool(const std::string& path, const std::string& type)> is_host_namespace;
};

// The running machine. Cheap: lazy parts are functions.
Host detect_host();

// What the rules see after a profile is chosen.
struct Effective {
    const Baseline* baseline = nullptr;
    const Profile* profile = nullptr;  // nullptr: the global sections
    Defaults defaults;
    Limits limits;
    Enforcement enforcement;
    // "limits.forbid_root_user in /etc/rampart/policy.toml", or with `profile "web" `.
    std::string where(const std::string& rule) const;
};

// First [[profile]] whose match holds (annotations, executable, bundle), else nullptr.
const Profile* match_profile(const Baseline& b, const oci::Spec& spec, const std::string& bundle);
Effective effective_policy(const Baseline& b, const Profile* profile);

// args[0] resolved inside the container's root the way execvp would (PATH from the
// process env, symlinks followed inside the root). Returns the in-container path, "" when
// it cannot be found.
std::string resolve_executable(const oci::Spec& spec, const std::string& bundle);

// Rewrites `spec` (defaults, fixes) and returns the decisions; decisions.refusal is set
// when some rule in deny mode (or an unfixable fix) refuses. Throws oci::Error only for a
// broken policy input (e.g. an unreadable seccomp profile file named by [defaults]).
Decisions apply(oci::Spec& spec, const Baseline& b, const Context& ctx, const Host& host);
// An exec's process against the container's (already rewritten) spec: the container's
// envelope fills what the process omits, then the process limits are checked.
Decisions apply_exec(oci::Process& process, const oci::Spec& container, const Baseline& b,
                     const Context& ctx, const Host& host);

// "2026-12-03T19:07:26.123456Z", for Decisions::time.
std::string now_rfc3339();

// Appends one JSON line (stamping the time when unset); returns "" or the reason it could not (never throws).
std::string append_decision_log(const std::string& path, const Decisions& d);

}  // namespace rampart::policy
