// Internal to policy/: the state one apply() run carries, shared by apply.cpp (defaults,
// orchestration) and limits.cpp (one function per rule).
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "policy/apply.hpp"

namespace rampart::policy::detail {

class Enforcer {
public:
    Enforcer(const Effective& eff, const Host& host, Decisions& out, std::string bundle)
        : eff(eff), host(host), out(out), bundle(std::move(bundle)) {}

    void record(const char* kind, std::string rule, std::string detail) {
        out.items.push_back(Decision{kind, std::move(rule), std::move(detail)});
    }
    // A rule is broken: `what` says how ("CAP_SYS_ADMIN is not allowed"). Records a warn or
    // a refusal and returns false, or returns true when the caller must fix it (and record
    // the fix with fixed()). `unfixable` says why fix mode cannot fix (then it refuses).
    bool violation(const std::string& rule, const std::string& what, const char* unfixable = nullptr);
    void fixed(const std::string& rule, std::string detail) {
        record("fix", "limits." + rule, std::move(detail));
    }

    // The seccomp profile [defaults] names (docker-default when it names none), resolved
    // for these bounding capabilities and the host.
    oci::Seccomp default_seccomp(const std::vector<std::string>& bounding) const;
    std::vector<std::string> default_capabilities() const;

    const Effective& eff;
    const Host& host;
    Decisions& out;
    std::string bundle;
};

// Capability helpers over the five sets.
std::vector<std::string> caps_in_any_set(const oci::Capabilities& c);
// Removes `cap` from every set; returns "CAP_X dropped from bounding, effective".
std::string drop_capability(oci::Capabilities& c, const std::string& cap);
bool has_all_host_caps(const oci::Process& p, const Host& host);
bool allows_all_devices(const oci::Linux& l);

// The rules (limits.cpp). Process rules take the process and, for root-user checks, the
// container's linux section (user namespace mappings).
void check_privileged(Enforcer& e, oci::Spec& spec);
void check_exec_privileged(Enforcer& e, oci::Process& p, const oci::Process* container);
void check_capabilities(Enforcer& e, oci::Process& p);
void check_seccomp(Enforcer& e, oci::Spec& spec);
void check_no_new_privileges(Enforcer& e, oci::Process& p);
void check_root_user(Enforcer& e, const oci::Process& p, const oci::Linux* l);
void check_readonly_rootfs(Enforcer& e, oci::Spec& spec);
void check_host_namespaces(Enforcer& e, oci::Spec& spec);
void check_mounts_and_devices(Enforcer& e, oci::Spec& spec);
void check_sysctls(Enforcer& e, oci::Spec& spec);
void check_masked_paths(Enforcer& e, oci::Spec& spec);
void check_resources(Enforcer& e, oci::Spec& spec);

}  // namespace rampart::policy::detail
