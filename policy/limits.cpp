// One function per [limits] rule, in the order apply() calls them.
#include <algorithm>
#include <cerrno>

#include "oci/linux_names.hpp"
#include "policy/docker_default.hpp"
#include "policy/enforcer.hpp"
#include "policy/glob.hpp"
#include "policy/seccomp_profile.hpp"

namespace rampart::policy::detail {
namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

oci::Linux& linux_of(oci::Spec& spec) {
    if (!spec.linux) spec.linux.emplace();
    return *spec.linux;
}

bool is_bind(const oci::Mount& m) {
    return m.type == "bind" || contains(m.options, "bind") || contains(m.options, "rbind");
}

// A seccomp profile that filters nothing is no profile.
bool unconfined(const std::optional<oci::Seccomp>& s) {
    if (!s) return true;
    if (!seccomp_action_allows(s->default_action)) return false;
    return std::all_of(s->syscalls.begin(), s->syscalls.end(),
                       [](const oci::SeccompSyscall& r) { return seccomp_action_allows(r.action); });
}

// Forbidden syscall names the profile lets run, in the order the policy lists them.
std::vector<std::string> allowed_syscalls(const oci::Seccomp& s, const std::vector<std::string>& names) {
    std::vector<std::string> out;
    const bool default_allows = seccomp_action_allows(s.default_action);
    for (const auto& n : names) {
        bool allowed = false, blocked = false;
        for (const auto& r : s.syscalls) {
            if (!contains(r.names, n)) continue;
            if (seccomp_action_allows(r.action)) allowed = true;
            else if (r.args.empty()) blocked = true;
        }
        if (allowed || (default_allows && !blocked)) out.push_back(n);
    }
    return out;
}

// Removes `name` from every allow rule; when the default allows, adds an EPERM rule.
void forbid_syscall(oci::Seccomp& s, const std::string& name) {
    for (auto& r : s.syscalls)
        if (seccomp_action_allows(r.action)) std::erase(r.names, name);
    std::erase_if(s.syscalls, [](const oci::SeccompSyscall& r) { return r.names.empty(); });
    if (seccomp_action_allows(s.default_action)) {
        oci::SeccompSyscall r;
        r.names = {name};
        r.action = "SCMP_ACT_ERRNO";
        r.errno_ret = EPERM;
        s.syscalls.push_back(std::move(r));
    }
}

// Pattern variants: the pattern itself and, when its literal prefix is a symlink on the
// host, the same pattern over the resolved prefix (/var/run/docker.sock -> /run/...).
std::vector<std::string> pattern_variants(const Host& host, const std::string& pattern) {
    std::vector<std::string> v{pattern};
    std::string lit(glob_literal_prefix(pattern));
    if (!lit.empty() && host.resolve_path) {
        std::string r = host.resolve_path(lit);
        if (!r.empty() && r != lit) v.push_back(r + pattern.substr(lit.size()));
    }
    return v;
}

// Does mounting `src` expose something a pattern forbids? Either it matches, or it is a
// directory above the pattern's literal part (binding /run exposes /run/docker.sock).
bool source_forbidden(const std::string& src, const std::vector<std::string>& variants) {
    for (const auto& p : variants) {
        if (path_glob_match(p, src)) return true;
        std::string_view lit = glob_literal_prefix(p);
        if (lit.size() > 1 && lit != src &&
            (src == "/" || (lit.substr(0, src.size()) == src && lit[src.size()] == '/')))
            return true;
    }
    return false;
}

// The cleaned absolute source of a bind mount and its host-resolved form.
std::pair<std::string, std::string> mount_source(const Enforcer& e, const oci::Mount& m) {
    std::string src = m.source.empty() || m.source[0] == '/' ? m.source : e.bundle + "/" + m.source;
    src = clean_path(src);
    std::string real = e.host.resolve_path ? e.host.resolve_path(src) : std::string();
    return {src, real.empty() ? src : real};
}

}  // namespace

// "All capabilities" as a client asks for them: every capability of the host up to
// CAP_AUDIT_READ (37). Newer ones (CAP_PERFMON, CAP_BPF, CAP_CHECKPOINT_RESTORE) are not
// required: clients built against an older list (Docker 20.10's --privileged) omit them.
bool has_all_host_caps(const oci::Process& p, const Host& host) {
    if (!p.capabilities || host.capabilities.empty()) return false;
    const auto& b = p.capabilities->bounding;
    constexpr int kLastClassicCap = 37;  // CAP_AUDIT_READ
    return std::all_of(host.capabilities.begin(), host.capabilities.end(), [&](const std::string& c) {
        const int n = oci::capability_number(c);
        return (n < 0 || n > kLastClassicCap) || contains(b, c);
    });
}

bool allows_all_devices(const oci::Linux& l) {
    if (!l.resources) return false;
    for (const auto& r : l.resources->devices)
        if (r.allow && (r.type.empty() || r.type == "a") && !r.major && !r.minor &&
            (r.access.empty() || r.access.find_first_not_of("rwm") == std::string::npos) &&
            (r.access.empty() || r.access.size() >= 3))
            return true;
    return false;
}

void check_privileged(Enforcer& e, oci::Spec& spec) {
    if (!e.eff.limits.forbid_privileged.value_or(false) || !spec.process) return;
    if (!has_all_host_caps(*spec.process, e.host)) return;
    const oci::Linux* l = spec.linux ? &*spec.linux : nullptr;
    bool no_seccomp = !l || unconfined(l->seccomp);
    bool no_masks = !l || !l->masked_paths || l->masked_paths->empty();
    bool all_devices = l && allows_all_devices(*l);
    if (!no_seccomp && !no_masks && !all_devices) return;
    if (!e.violation("forbid_privileged", "privileged containers are not allowed")) return;
    // Fix: what an unprivileged container gets.
    auto& p = *spec.process;
    auto caps = e.default_capabilities();
    p.capabilities = oci::Capabilities{caps, caps, {}, caps, {}};
    auto& lx = linux_of(spec);
    std::string detail = "capabilities reduced to the default set (" + std::to_string(caps.size()) + ")";
    if (unconfined(lx.seccomp)) {
        lx.seccomp = e.default_seccomp(caps);
        detail += ", default seccomp installed";
    }
    if (!lx.masked_paths || lx.masked_paths->empty()) {
        const auto& d = e.eff.defaults.masked_paths;
        lx.masked_paths = d ? d->items : docker_masked_paths();
        detail += ", masked paths set";
    }
    if (!lx.readonly_paths || lx.readonly_paths->empty()) {
        const auto& d = e.eff.defaults.readonly_paths;
        lx.readonly_paths = d ? d->items : docker_readonly_paths();
        detail += ", read-only paths set";
    }
    if (lx.resources && allows_all_devices(lx)) {
        std::erase_if(lx.resources->devices, [](const oci::DeviceCgroupRule& r) {
            return r.allow && (r.type.empty() || r.type == "a") && !r.major && !r.minor;
        });
        lx.resources->devices.insert(lx.resources->devices.begin(),
                                     oci::DeviceCgroupRule{false, "a", std::nullopt, std::nullopt, "rwm"});
        detail += ", device access allow-all removed";
    }
    e.fixed("forbid_privileged", detail);
}

void check_exec_privileged(Enforcer& e, oci::Process& p, const oci::Process* container) {
    if (!e.eff.limits.forbid_privileged.value_or(false) || !has_all_host_caps(p, e.host)) return;
    if (container && has_all_host_caps(*container, e.host)) return;  // no more than the container
    if (!e.violation("forbid_privileged", "privileged exec is not allowed")) return;
    if (container && container->capabilities) p.capabilities = container->capabilities;
    else {
        auto caps = e.default_capabilities();
        p.capabilities = oci::Capabilities{caps, caps, {}, caps, {}};
    }
    e.fixed("forbid_privileged", "capabilities reduced to the container's");
}

void check_capabilities(Enforcer& e, oci::Process& p) {
    if (!p.capabilities) return;
    const auto& allowed = e.eff.limits.allowed_capabilities;
    if (allowed && !allowed->empty()) {
        for (const auto& cap : caps_in_any_set(*p.capabilities))
            if (!contains(*allowed, cap) && e.violation("allowed_capabilities", cap + " is not allowed"))
                e.fixed("allowed_capabilities", drop_capability(*p.capabilities, cap));
    }
    if (const auto& forbidden = e.eff.limits.forbidden_capabilities) {
        for (const auto& cap : caps_in_any_set(*p.capabilities))
            if (contains(*forbidden, cap) && e.violation("forbidden_capabilities", cap + " is not allowed"))
                e.fixed("forbidden_capabilities", drop_capability(*p.capabilities, cap));
    }
}

void check_seccomp(Enforcer& e, oci::Spec& spec) {
    const auto& L = e.eff.limits;
    auto bounding = [&] {
        return spec.process && spec.process->capabilities ? spec.process->capabilities->bounding
                                                           : std::vector<std::string>{};
    };
    if (L.require_seccomp.value_or(false) && unconfined(spec.linux ? spec.linux->seccomp : std::nullopt) &&
        e.violation("require_seccomp", "a seccomp profile is required")) {
        linux_of(spec).seccomp = e.default_seccomp(bounding());
        e.fixed("require_seccomp", "default seccomp profile installed (" +
                                       e.eff.defaults.seccomp.value_or(std::string(kDockerDefault)) + ")");
    }
    if (!L.forbidden_syscalls || L.forbidden_syscalls->empty()) return;
    auto& lx = linux_of(spec);
    if (!lx.seccomp) {
        std::string what = "syscalls " + join(*L.forbidden_syscalls) + " are allowed (no seccomp profile)";
        if (!e.violation("forbidden_syscalls", what)) return;
        lx.seccomp = e.default_seccomp(bounding());
        e.fixed("forbidden_syscalls", "default seccomp profile installed");
    }
    for (const auto& n : allowed_syscalls(*lx.seccomp, *L.forbidden_syscalls))
        if (e.violation("forbidden_syscalls", "syscall " + n + " is allowed by the seccomp profile")) {
            forbid_syscall(*lx.seccomp, n);
            e.fixed("forbidden_syscalls", "syscall " + n + " removed from the seccomp allow rules");
        }
}

void check_no_new_privileges(Enforcer& e, oci::Process& p) {
    if (!e.eff.limits.require_no_new_privileges.value_or(false) || p.no_new_privileges.value_or(false)) return;
    if (!e.violation("require_no_new_privileges", "noNewPrivileges is required")) return;
    p.no_new_privileges = true;
    e.fixed("require_no_new_privileges", "noNewPrivileges set");
}

void check_root_user(Enforcer& e, const oci::Process& p, const oci::Linux* l) {
    if (!e.eff.limits.forbid_root_user.value_or(false) || p.user.uid != 0) return;
    // uid 0 inside a new user namespace that maps it to an unprivileged host uid is fine.
    if (l) {
        const auto* userns = l->find_namespace("user");
        if (userns && userns->path.empty())
            for (const auto& m : l->uid_mappings)
                if (m.container_id == 0 && m.size > 0 && m.host_id != 0) return;
    }
    e.violation("forbid_root_user", "running as root (uid 0) is not allowed",
                "fix cannot choose a user, so it refuses");
}

void check_readonly_rootfs(Enforcer& e, oci::Spec& spec) {
    if (!e.eff.limits.require_readonly_rootfs.value_or(false) || (spec.root && spec.root->readonly)) return;
    if (!e.violation("require_readonly_rootfs", "a read-only root filesystem is required")) return;
    if (!spec.root) spec.root.emplace();
    spec.root->readonly = true;
    e.fixed("require_readonly_rootfs", "root.readonly set");
}

void check_host_namespaces(Enforcer& e, oci::Spec& spec) {
    const auto& types = e.eff.limits.forbidden_host_namespaces;
    if (!types) return;
    auto& lx = linux_of(spec);
    for (const auto& t : *types) {
        auto it = std::find_if(lx.namespaces.begin(), lx.namespaces.end(),
                               [&](const oci::Namespace& n) { return n.type == t; });
        bool missing = it == lx.namespaces.end();
        if (!missing) {
            if (it->path.empty()) continue;
            bool host_ns = it->path.rfind("/proc/1/ns/", 0) == 0 ||
                           (e.host.is_host_namespace && e.host.is_host_namespace(it->path, t));
            if (!host_ns) continue;
        }
        const char* unfixable = t == "user" ? "fix cannot invent uid/gid mappings, so it refuses" : nullptr;
        if (!e.violation("forbidden_host_namespaces", "the host's " + t + " namespace is not allowed", unfixable))
            continue;
        if (missing) lx.namespaces.push_back(oci::Namespace{t, ""});
        else it->path.clear();
        e.fixed("forbidden_host_namespaces", "a new " + t + " namespace instead of the host's");
    }
}

void check_mounts_and_devices(Enforcer& e, oci::Spec& spec) {
    const auto& L = e.eff.limits;
    auto variants = [&](const std::optional<std::vector<std::string>>& pats) {
        std::vector<std::string> v;
        if (pats)
            for (const auto& p : *pats)
                for (auto& x : pattern_variants(e.host, p)) v.push_back(std::move(x));
        return v;
    };
    const auto mount_pats = variants(L.forbidden_mount_sources);
    const auto device_pats = variants(L.forbidden_devices);
    auto matches_device = [&](const std::string& path) {
        return std::any_of(device_pats.begin(), device_pats.end(),
                           [&](const std::string& p) { return path_glob_match(p, path); });
    };
    if (!mount_pats.empty() || !device_pats.empty()) {
        for (size_t i = 0; i < spec.mounts.size();) {
            const auto& m = spec.mounts[i];
            bool remove = false;
            if (is_bind(m)) {
                auto [src, real] = mount_source(e, m);
                const char* rule = nullptr;
                std::string what;
                if (!mount_pats.empty() && (source_forbidden(src, mount_pats) || source_forbidden(real, mount_pats))) {
                    rule = "forbidden_mount_sources";
                    what = "mounting " + m.source + " is not allowed";
                } else if (matches_device(src) || matches_device(real)) {
                    rule = "forbidden_devices";
                    what = "device " + m.source + " is not allowed";
                }
                if (rule && e.violation(rule, what)) {
                    e.fixed(rule, "mount of " + m.source + " at " + m.destination + " removed");
                    remove = true;
                }
            }
            if (remove) spec.mounts.erase(spec.mounts.begin() + static_cast<long>(i));
            else ++i;
        }
    }
    if (device_pats.empty() || !spec.linux) return;
    auto& devs = spec.linux->devices;
    for (size_t i = 0; i < devs.size();) {
        if (matches_device(clean_path(devs[i].path)) &&
            e.violation("forbidden_devices", "device " + devs[i].path + " is not allowed")) {
            e.fixed("forbidden_devices", "device " + devs[i].path + " removed");
            devs.erase(devs.begin() + static_cast<long>(i));
        } else {
            ++i;
        }
    }
}

void check_sysctls(Enforcer& e, oci::Spec& spec) {
    const auto& allowed = e.eff.limits.allowed_sysctls;
    if (!allowed || allowed->empty() || !spec.linux) return;
    auto& sys = spec.linux->sysctl;
    for (auto it = sys.begin(); it != sys.end();) {
        std::string name = it->first;
        std::replace(name.begin(), name.end(), '/', '.');
        bool ok = std::any_of(allowed->begin(), allowed->end(),
                              [&](const std::string& p) { return glob_match(p, name); });
        if (!ok && e.violation("allowed_sysctls", "sysctl " + name + " is not allowed")) {
            e.fixed("allowed_sysctls", "sysctl " + name + " removed");
            it = sys.erase(it);
        } else {
            ++it;
        }
    }
}

void check_masked_paths(Enforcer& e, oci::Spec& spec) {
    const auto& req = e.eff.limits.required_masked_paths;
    if (!req) return;
    auto& lx = linux_of(spec);
    for (const auto& p : *req) {
        if (lx.masked_paths && contains(*lx.masked_paths, p)) continue;
        if (!e.violation("required_masked_paths", p + " must be masked")) continue;
        if (!lx.masked_paths) lx.masked_paths.emplace();
        lx.masked_paths->push_back(p);
        e.fixed("required_masked_paths", p + " added to maskedPaths");
    }
}

void check_resources(Enforcer& e, oci::Spec& spec) {
    const auto& L = e.eff.limits;
    auto& lx = linux_of(spec);
    auto memory_limit = [&]() -> std::optional<int64_t> {
        if (lx.resources && lx.resources->memory && lx.resources->memory->limit &&
            *lx.resources->memory->limit > 0)
            return lx.resources->memory->limit;
        return std::nullopt;
    };
    auto set_memory = [&](int64_t v) {
        if (!lx.resources) lx.resources.emplace();
        if (!lx.resources->memory) lx.resources->memory.emplace();
        lx.resources->memory->limit = v;
    };
    const int64_t max_mem = L.max_memory.value_or(0);
    if (L.require_memory_limit.value_or(false) && !memory_limit()) {
        if (e.violation("require_memory_limit", "a memory limit is required",
                        max_mem > 0 ? nullptr : "fix needs limits.max_memory to choose one, so it refuses")) {
            set_memory(max_mem);
            e.fixed("require_memory_limit", "memory limit set to " + std::to_string(max_mem));
        }
    }
    if (max_mem > 0) {
        auto cur = memory_limit();
        if (!cur || *cur > max_mem) {
            std::string what = cur ? "memory limit " + std::to_string(*cur) + " is above " + std::to_string(max_mem)
                                   : "a memory limit of at most " + std::to_string(max_mem) + " is required";
            if (e.violation("max_memory", what)) {
                set_memory(max_mem);
                e.fixed("max_memory", "memory limit set to " + std::to_string(max_mem));
            }
        }
    }
    const int64_t max_pids = L.max_pids.value_or(0);
    if (max_pids > 0) {
        std::optional<int64_t> cur;
        if (lx.resources && lx.resources->pids && lx.resources->pids->limit && *lx.resources->pids->limit > 0)
            cur = lx.resources->pids->limit;
        if (!cur || *cur > max_pids) {
            std::string what = "a pids limit of at most " + std::to_string(max_pids) + " is required" +
                               (cur ? " (got " + std::to_string(*cur) + ")" : std::string());
            if (e.violation("max_pids", what)) {
                if (!lx.resources) lx.resources.emplace();
                if (!lx.resources->pids) lx.resources->pids.emplace();
                lx.resources->pids->limit = max_pids;
                e.fixed("max_pids", "pids limit set to " + std::to_string(max_pids));
            }
        }
    }
}

}  // namespace rampart::policy::detail
