// The policy layer: a baseline file merged into every spec and enforced at create/exec.
//
// Data flow: load() -> Baseline; apply(spec, baseline, ctx) rewrites the spec in place
// and returns the Decisions made. Library code: never prints; a refusal throws
// policy::Refused whose message is the one line the user sees.
#pragma once

#include <string>
#include <vector>

#include "oci/error.hpp"
#include "oci/json.hpp"
#include "oci/spec.hpp"

namespace rampart::policy {

struct Baseline;  // the parsed policy (baseline.hpp)

// Where the policy comes from: --policy FILE, else $RAMPART_POLICY, else
// /etc/rampart/policy.toml (plus policy.d/*.toml), else the embedded default.
// A malformed or unreadable file throws oci::Error "policy.toml:12: ..." (fail closed).
struct Source {
    std::string path;  // "" = default lookup
};

class Refused : public oci::Error {
public:
    using oci::Error::Error;
};

enum class Action { Deny, Fix, Warn };

struct Decision {
    std::string kind;    // "default" | "fix" | "refuse" | "warn"
    std::string rule;    // "limits.forbidden_capabilities", "defaults.seccomp"
    std::string detail;  // "CAP_SYS_ADMIN dropped from bounding, effective, permitted"
};

struct Decisions {
    std::string container_id;
    std::string bundle;
    std::string policy_file;  // "(embedded)" when none
    std::string profile;      // matched [[profile]] name, "" when none
    std::string landlock;     // Landlock TOML selected by profile/annotation, "" when none
    std::string seccomp_learn;  // profile's seccomp_learn output file, "" when none
    bool exec = false;        // an exec's process, not a create
    std::string time;         // RFC 3339 UTC, set when the record is written
    std::string refusal;      // the one line the user sees; "" when allowed
    std::vector<Decision> items;
    bool refused() const { return !refusal.empty(); }
    // {"time","container_id","bundle","policy","profile","exec","decisions":[{"kind",
    //  "rule","detail"}],"result":"allowed"|"refused"} (+ "landlock", "refusal" when set)
    oci::json::Value to_json() const;
};

struct Context {
    std::string container_id;
    std::string bundle;
    bool exec = false;  // checking an exec's process.json
};

}  // namespace rampart::policy

namespace rampart::policy {

// The runtime's entry points. Load the policy (once per process), apply it to the spec
// (or to an exec's process, checked against the container's spec), append the decision
// record to the decision log. Throw Refused (the one line the user sees) or oci::Error.
Decisions enforce_create(oci::Spec& spec, const Context& ctx, const Source& src);
Decisions enforce_exec(oci::Process& process, const oci::Spec& container_spec,
                       const Context& ctx, const Source& src);

}  // namespace rampart::policy
