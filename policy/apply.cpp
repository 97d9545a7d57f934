// apply(): profile, defaults, then the limits in order (limits.cpp).
#include "policy/apply.hpp"

#include <algorithm>

#include "policy/docker_default.hpp"
#include "policy/enforcer.hpp"
#include "policy/seccomp_profile.hpp"

namespace rampart::policy {
namespace detail {

namespace {
constexpr const char* kSetNames[5] = {"bounding", "effective", "inheritable", "permitted", "ambient"};

std::vector<std::string>* sets(oci::Capabilities& c, int i) {
    switch (i) {
        case 0: return &c.bounding;
        case 1: return &c.effective;
        case 2: return &c.inheritable;
        case 3: return &c.permitted;
        default: return &c.ambient;
    }
}
}  // namespace

bool Enforcer::violation(const std::string& rule, const std::string& what, const char* unfixable) {
    Action a = eff.enforcement.action_for(rule);
    if (a == Action::Warn) {
        record("warn", "limits." + rule, what);
        return false;
    }
    if (a == Action::Fix && !unfixable) return true;
    std::string detail = what;
    if (a == Action::Fix) detail += " (" + std::string(unfixable) + ")";
    record("refuse", "limits." + rule, detail);
    if (out.refusal.empty()) {
        out.refusal = "policy: " + what + " (" + eff.where(rule);
        if (a == Action::Fix) out.refusal += "; " + std::string(unfixable);
        out.refusal += ")";
    }
    return false;
}

std::vector<std::string> Enforcer::default_capabilities() const {
    const auto& d = eff.defaults.capabilities;
    return d ? d->items : docker_default_capabilities();
}

oci::Seccomp Enforcer::default_seccomp(const std::vector<std::string>& bounding) const {
    SeccompTarget t{bounding, host.arch, host.kernel_major, host.kernel_minor};
    const std::string& name = eff.defaults.seccomp ? *eff.defaults.seccomp : std::string();
    if (name.empty() || name == kDockerDefault || name == "unconfined")
        return resolve_docker_profile(docker_default_seccomp(), t);
    return load_seccomp_profile(name, t);
}

std::vector<std::string> caps_in_any_set(const oci::Capabilities& c) {
    std::vector<std::string> out;
    auto& cc = const_cast<oci::Capabilities&>(c);
    for (int i = 0; i < 5; ++i)
        for (const auto& cap : *sets(cc, i))
            if (std::find(out.begin(), out.end(), cap) == out.end()) out.push_back(cap);
    return out;
}

std::string drop_capability(oci::Capabilities& c, const std::string& cap) {
    std::string from;
    for (int i = 0; i < 5; ++i)
        if (std::erase(*sets(c, i), cap)) from += (from.empty() ? "" : ", ") + std::string(kSetNames[i]);
    return cap + " dropped from " + from;
}

namespace {

std::string describe(const NamedList& l) {
    if (!l.preset.empty()) return l.preset + " (" + std::to_string(l.items.size()) + ")";
    std::string s;
    for (const auto& x : l.items) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "(none)" : s;
}

// A bundle that sets process.capabilities has made its own security choices (Docker,
// containerd, podman always do): for it a missing seccomp, maskedPaths, AppArmor profile...
// means "none", as runc reads it, and only a bare bundle gets those defaults.
void fill_defaults(Enforcer& e, oci::Spec& spec, bool bare) {
    const Defaults& d = e.eff.defaults;
    if (spec.process) {
        auto& p = *spec.process;
        if (!p.capabilities && d.capabilities) {
            const auto& c = d.capabilities->items;
            p.capabilities = oci::Capabilities{c, c, {}, c, {}};
            e.record("default", "defaults.capabilities", describe(*d.capabilities));
        }
        if (bare) {
            if (!p.no_new_privileges && d.no_new_privileges) {
                p.no_new_privileges = *d.no_new_privileges;
                if (*d.no_new_privileges) e.record("default", "defaults.no_new_privileges", "true");
            }
            if (!p.apparmor_profile && d.apparmor && !d.apparmor->empty()) {
                if (!e.host.apparmor_enabled) {
                    e.record("default", "defaults.apparmor", "skipped: AppArmor not enabled");
                } else if (e.host.apparmor_profile_loaded && !e.host.apparmor_profile_loaded(*d.apparmor)) {
                    e.record("default", "defaults.apparmor", "skipped: profile " + *d.apparmor + " not loaded");
                } else {
                    p.apparmor_profile = *d.apparmor;
                    e.record("default", "defaults.apparmor", *d.apparmor);
                }
            }
            if (!p.selinux_label && d.selinux_label && !d.selinux_label->empty()) {
                if (!e.host.selinux_enabled) {
                    e.record("default", "defaults.selinux_label", "skipped: SELinux not enabled");
                } else {
                    p.selinux_label = *d.selinux_label;
                    e.record("default", "defaults.selinux_label", *d.selinux_label);
                }
            }
            if (d.rlimits)
                for (const auto& r : *d.rlimits) {
                    auto same = [&](const oci::Rlimit& x) { return x.type == r.type; };
                    if (std::any_of(p.rlimits.begin(), p.rlimits.end(), same)) continue;
                    p.rlimits.push_back(r);
                    p.rlimits_set = true;
                    e.record("default", "defaults.rlimits",
                             r.type + " " + std::to_string(r.soft) + ":" + std::to_string(r.hard));
                }
        }
    }
    if (!bare) return;
    if (!spec.linux) spec.linux.emplace();
    auto& l = *spec.linux;
    if (!l.masked_paths && d.masked_paths) {
        l.masked_paths = d.masked_paths->items;
        e.record("default", "defaults.masked_paths", describe(*d.masked_paths));
    }
    if (!l.readonly_paths && d.readonly_paths) {
        l.readonly_paths = d.readonly_paths->items;
        e.record("default", "defaults.readonly_paths", describe(*d.readonly_paths));
    }
    if (!l.mount_label && d.mount_label && !d.mount_label->empty()) {
        if (!e.host.selinux_enabled) {
            e.record("default", "defaults.mount_label", "skipped: SELinux not enabled");
        } else {
            l.mount_label = *d.mount_label;
            e.record("default", "defaults.mount_label", *d.mount_label);
        }
    }
}

// Seccomp is filled after the capability rules so it is resolved for the final set.
void fill_seccomp(Enforcer& e, oci::Spec& spec, bool bare) {
    const auto& s = e.eff.defaults.seccomp;
    if (!bare || !s || *s == "unconfined") return;
    if (!spec.linux) spec.linux.emplace();
    if (spec.linux->seccomp) return;
    std::vector<std::string> bounding;
    if (spec.process && spec.process->capabilities) bounding = spec.process->capabilities->bounding;
    spec.linux->seccomp = e.default_seccomp(bounding);
    e.record("default", "defaults.seccomp",
             *s + " for " + e.host.arch + " (" + std::to_string(spec.linux->seccomp->syscalls.size()) + " rules)");
}

void start(Decisions& d, const Baseline& b, const Profile* profile, const Context& ctx) {
    d.container_id = ctx.container_id;
    d.bundle = ctx.bundle;
    d.policy_file = b.name();
    d.exec = ctx.exec;
    if (profile) {
        d.profile = profile->name;
        d.landlock = profile->landlock;
        d.seccomp_learn = profile->seccomp_learn;
    }
}

}  // namespace
}  // namespace detail

using namespace detail;

Decisions apply(oci::Spec& spec, const Baseline& b, const Context& ctx, const Host& host) {
    const Profile* profile = match_profile(b, spec, ctx.bundle);
    Effective eff = effective_policy(b, profile);
    Decisions out;
    start(out, b, profile, ctx);
    Enforcer e(eff, host, out, ctx.bundle);
    const bool bare = !spec.process || !spec.process->capabilities;
    fill_defaults(e, spec, bare);
    check_privileged(e, spec);
    if (spec.process) check_capabilities(e, *spec.process);
    fill_seccomp(e, spec, bare);
    check_seccomp(e, spec);
    if (spec.process) {
        check_no_new_privileges(e, *spec.process);
        check_root_user(e, *spec.process, spec.linux ? &*spec.linux : nullptr);
    }
    check_readonly_rootfs(e, spec);
    check_host_namespaces(e, spec);
    check_mounts_and_devices(e, spec);
    check_sysctls(e, spec);
    check_masked_paths(e, spec);
    check_resources(e, spec);
    return out;
}

Decisions apply_exec(oci::Process& process, const oci::Spec& container, const Baseline& b,
                     const Context& ctx, const Host& host) {
    const Profile* profile = match_profile(b, container, ctx.bundle);
    Effective eff = effective_policy(b, profile);
    Decisions out;
    Context c = ctx;
    c.exec = true;
    start(out, b, profile, c);
    Enforcer e(eff, host, out, ctx.bundle);
    const oci::Process* cp = container.process ? &*container.process : nullptr;
    if (cp) {
        if (!process.capabilities && cp->capabilities) {
            process.capabilities = cp->capabilities;
            e.record("default", "exec.capabilities", "the container's");
        }
        if (!process.no_new_privileges && cp->no_new_privileges) {
            process.no_new_privileges = cp->no_new_privileges;
            e.record("default", "exec.no_new_privileges", *cp->no_new_privileges ? "true" : "false");
        }
        if (!process.apparmor_profile && cp->apparmor_profile) {
            process.apparmor_profile = cp->apparmor_profile;
            e.record("default", "exec.apparmor", *cp->apparmor_profile);
        }
        if (!process.selinux_label && cp->selinux_label) {
            process.selinux_label = cp->selinux_label;
            e.record("default", "exec.selinux_label", *cp->selinux_label);
        }
    }
    check_exec_privileged(e, process, cp);
    check_capabilities(e, process);
    check_no_new_privileges(e, process);
    check_root_user(e, process, container.linux ? &*container.linux : nullptr);
    return out;
}

}  // namespace rampart::policy
