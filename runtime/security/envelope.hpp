// The security envelope beyond capabilities and seccomp: AppArmor and SELinux exec labels,
// the Landlock ruleset and seccomp learning. Decided in the parent (so a create that cannot
// be honoured fails early, with one clear line), applied in the container's init and in
// every exec'd process after capabilities and right before seccomp.
//
// Landlock is selected by the policy's matched [[profile]] (landlock = FILE.toml) or by the
// annotation run.rampart.landlock=NAME.toml. Annotations can come from anyone who can start
// a container (e.g. pod authors through CRI), so an annotation may only name a file in
// /etc/rampart/landlock/ (or an absolute path under /etc/rampart/); the policy file, written
// by the administrator, may name any path.
//
// Seccomp learning is selected by `rampart run --seccomp-learn OUT.json` (any path: the
// caller is root on the host) or the annotation run.rampart.seccomp.learn=NAME.json, which
// for the same reason may only name a file, written to /var/lib/rampart/seccomp-learned/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/json.hpp"
#include "oci/spec.hpp"
#include "runtime/security/apparmor.hpp"
#include "runtime/security/landlock.hpp"

namespace rampart::security {

inline constexpr const char* kLandlockAnnotation = "run.rampart.landlock";
inline constexpr const char* kSeccompLearnAnnotation = "run.rampart.seccomp.learn";
inline constexpr const char* kLandlockDir = "/etc/rampart/landlock";
inline constexpr const char* kLearnDir = "/var/lib/rampart/seccomp-learned";

struct Envelope {
    std::optional<LandlockPlan> landlock;
    std::string landlock_toml;     // where the plan came from ("" none)
    std::string apparmor_profile;  // process.apparmorProfile ("" none)
    std::string selinux_label;     // process.selinuxLabel ("" none)
    std::string learn_path;        // seccomp learning output ("" off)
    std::vector<std::string> warnings;  // for the decision record
};

// Resolves an annotation's file name against `dir` ("nginx.toml" -> dir/nginx.toml; an
// absolute path must lie under `allowed_root`). Throws oci::Error naming the annotation.
std::string annotation_path(const std::string& annotation, const std::string& value,
                            const std::string& dir, const std::string& allowed_root);

// Parent side, at create. `policy_landlock`: Decisions::landlock ("" none). `learn_flag`:
// --seccomp-learn ("" none). `rootfs`: host path of the root. Throws oci::Error when the
// host cannot honour what the spec asks: "process.apparmorProfile \"x\": AppArmor is not
// enabled on this host", the SELinux equivalent, "Landlock is not supported by this
// kernel: ...", a malformed TOML ("nginx.toml:7: ..."), learning with a NOTIFY profile.
Envelope prepare_envelope(const oci::Spec& spec, const std::string& policy_landlock,
                          const std::string& rootfs, const std::string& learn_flag);

// Parent side, at exec: the container's recorded Landlock plan (landlock.json in the state
// dir, null when none) and the exec'd process's labels.
// `source` names where the process came from in errors (the --process file, or the
// container's config.json whose process the exec flags modified).
Envelope exec_envelope(const oci::Process& process, const oci::json::Value& landlock_record,
                       const std::string& source = "config.json");

// Child side, after capabilities and before seccomp: AppArmor change-onexec, SELinux exec
// context, Landlock. Throws oci::Error / oci::SysError.
void apply_envelope(const Envelope& env);

// landlock.json back into a plan (for exec). Throws oci::Error on a malformed record.
LandlockPlan landlock_plan_from_json(const oci::json::Value& v);

}  // namespace rampart::security
