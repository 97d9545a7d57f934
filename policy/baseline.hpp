// The baseline file: policy.toml (+ policy.d/*.toml drop-ins) or the embedded default.
//
// Layers, each overriding the keys of the one before: the embedded default (Docker's
// defaults, no limits), then the main file, then each drop-in in name order. Keys
// override; [[profile]] sections append. Every key is checked: unknown keys (with a
// "did you mean"), wrong types, unknown capability names, bad enforcement values are
// errors naming file:line. A file that cannot be read or parsed fails closed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"
#include "policy/policy.hpp"

namespace rampart::policy {

// A list given by a preset name ("docker-default") or explicitly.
struct NamedList {
    std::string preset;              // "docker-default"; "" when given as a list
    std::vector<std::string> items;  // always the resolved list
    bool operator==(const NamedList&) const = default;
};

// [defaults]: filled in only where the bundle leaves the field unset. An unset optional
// here means "fill nothing".
struct Defaults {
    std::optional<NamedList> capabilities;      // bounding, effective, permitted
    std::optional<std::string> seccomp;         // "docker-default" | "unconfined" | path
    std::optional<std::string> apparmor;        // profile name; "" none
    std::optional<std::string> selinux_label;   // "" none
    std::optional<std::string> mount_label;     // "" none
    std::optional<bool> no_new_privileges;
    std::optional<NamedList> masked_paths;
    std::optional<NamedList> readonly_paths;
    std::optional<std::vector<oci::Rlimit>> rlimits;  // per type, where the type is unset
    void merge(const Defaults& over);
};

// [limits]: the rule name is the key. Unset: no limit.
struct Limits {
    std::optional<bool> forbid_privileged;
    std::optional<std::vector<std::string>> allowed_capabilities;  // empty: no upper bound
    std::optional<std::vector<std::string>> forbidden_capabilities;
    std::optional<bool> require_seccomp;
    std::optional<std::vector<std::string>> forbidden_syscalls;
    std::optional<bool> require_no_new_privileges;
    std::optional<bool> forbid_root_user;
    std::optional<bool> require_readonly_rootfs;
    std::optional<std::vector<std::string>> forbidden_host_namespaces;  // spec types
    std::optional<std::vector<std::string>> forbidden_mount_sources;    // path globs
    std::optional<std::vector<std::string>> forbidden_devices;          // path globs
    std::optional<std::vector<std::string>> allowed_sysctls;            // globs; empty: any
    std::optional<std::vector<std::string>> required_masked_paths;
    std::optional<bool> require_memory_limit;
    std::optional<int64_t> max_memory;  // bytes; 0: no maximum (extra key)
    std::optional<int64_t> max_pids;    // 0: no requirement
    void merge(const Limits& over);
    bool has(const std::string& rule) const;  // is this limit set?
};

// The rule names, in the order apply() checks them.
const std::vector<std::string>& limit_names();

struct Enforcement {
    std::optional<Action> default_action;
    std::map<std::string, Action> rules;  // keyed by limit name
    void merge(const Enforcement& over);
    Action action_for(const std::string& rule) const;  // rule, else default, else Deny
};

const char* action_name(Action a);  // "deny" | "fix" | "warn"

struct Match {
    std::map<std::string, std::string> annotations;  // key -> glob; all must match
    std::optional<std::string> executable;           // glob on args[0] or its resolved path
    std::optional<std::string> bundle;               // glob on the bundle directory
};

struct Profile {
    std::string name;
    std::string file;  // where it is defined
    int line = 0;
    Match match;
    std::string landlock;  // Landlock TOML path; "" none
    std::string seccomp_learn;  // learn a seccomp profile into this file; "" off
    Defaults defaults;     // `apparmor = ".."` at profile level lands in defaults.apparmor
    Limits limits;
    Enforcement enforcement;
};

struct Baseline {
    std::vector<std::string> files;  // loaded, in order; empty: the embedded default only
    std::string decision_log = "/var/log/rampart/decisions.log";  // "" disables
    Defaults defaults;
    Limits limits;
    Enforcement enforcement;
    std::vector<Profile> profiles;
    // "limits.max_pids" / "defaults.seccomp" / "enforcement.default" -> the file that set it
    // ("(embedded)" for the embedded default).
    std::map<std::string, std::string> origin;

    std::string name() const;  // files joined with ", ", or "(embedded)"
};

// The embedded default's TOML text and its parsed form.
std::string_view embedded_policy_toml();
Baseline embedded_baseline();

// Parses `text` (named `file` in errors) over `into`: keys override, profiles append.
void merge_policy_toml(Baseline& into, std::string_view text, const std::string& file);
// The embedded default with `text` merged over it (what a single policy file yields).
Baseline parse_policy(std::string_view text, const std::string& file);
// Reads a file and merges it; unreadable -> oci::Error "<file>: cannot read: <reason>".
void merge_policy_file(Baseline& into, const std::string& path);

// --policy FILE, else $RAMPART_POLICY, else <etc_dir>/policy.toml (absent: embedded) +
// <etc_dir>/policy.d/*.toml in name order.
Baseline load(const Source& src, const std::string& etc_dir = "/etc/rampart");

// The baseline as a policy file (what `rampart policy show` prints); parses back to an
// equal baseline.
std::string to_toml(const Baseline& b);

// "CAP_SYS_ADMIN", "sys_admin", "SYS_ADMIN" -> "CAP_SYS_ADMIN"; "" when unknown.
std::string canonical_capability(std::string_view name);

}  // namespace rampart::policy
