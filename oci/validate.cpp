// Semantic checks of a parsed Spec, with JSON-path errors. Runs before any syscall, so a
// bad config.json is refused with one precise line and nothing is left behind.
#include <algorithm>
#include <set>
#include <string_view>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/linux_names.hpp"

namespace oci {

namespace {

std::string quote(const std::string& s) { return "\"" + s + "\""; }

class Checker {
public:
    explicit Checker(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
        if (path.empty()) throw Error(file_ + ": " + msg);
        throw Error(file_ + ": " + path + ": " + msg);
    }

    void absolute(const std::string& path, const std::string& value) const {
        if (value.empty()) fail(path, "must not be empty");
        if (value[0] != '/') fail(path, "must be an absolute path, got " + quote(value));
    }

    void absolute_list(const std::string& path, const std::vector<std::string>& values) const {
        for (size_t i = 0; i < values.size(); ++i) absolute(idx(path, i), values[i]);
    }

    static std::string idx(const std::string& path, size_t i) {
        return path + "[" + std::to_string(i) + "]";
    }
    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

private:
    const std::string& file_;
};

bool has_component(std::string_view p, std::string_view name) {
    size_t i = 0;
    while (i <= p.size()) {
        size_t j = p.find('/', i);
        if (j == std::string_view::npos) j = p.size();
        if (p.substr(i, j - i) == name) return true;
        i = j + 1;
    }
    return false;
}

bool has_dotdot(std::string_view p) { return has_component(p, ".."); }

void check_capabilities(const Checker& c, const Capabilities& caps, const std::string& path) {
    std::pair<const char*, const std::vector<std::string>*> sets[] = {
        {"bounding", &caps.bounding},       {"effective", &caps.effective},
        {"inheritable", &caps.inheritable}, {"permitted", &caps.permitted},
        {"ambient", &caps.ambient},
    };
    for (const auto& [name, list] : sets)
        for (size_t i = 0; i < list->size(); ++i)
            if (capability_number((*list)[i]) < 0)
                c.fail(Checker::idx(Checker::join(path, name), i),
                       "unknown capability " + quote((*list)[i]));
}

void check_rlimits(const Checker& c, const std::vector<Rlimit>& rlimits, const std::string& path) {
    std::set<std::string> seen;
    for (size_t i = 0; i < rlimits.size(); ++i) {
        const Rlimit& r = rlimits[i];
        std::string p = Checker::idx(path, i);
        if (rlimit_number(r.type) < 0) c.fail(p + ".type", "unknown rlimit " + quote(r.type));
        if (!seen.insert(r.type).second) c.fail(p + ".type", "duplicate rlimit " + quote(r.type));
        if (r.soft > r.hard)
            c.fail(p, "soft limit " + std::to_string(r.soft) + " exceeds hard limit " +
                          std::to_string(r.hard));
    }
}

void check_hooks(const Checker& c, const Hooks& hooks) {
    std::pair<const char*, const std::vector<Hook>*> kinds[] = {
        {"prestart", &hooks.prestart},           {"createRuntime", &hooks.create_runtime},
        {"createContainer", &hooks.create_container}, {"startContainer", &hooks.start_container},
        {"poststart", &hooks.poststart},         {"poststop", &hooks.poststop},
    };
    for (const auto& [name, list] : kinds)
        for (size_t i = 0; i < list->size(); ++i) {
            const Hook& h = (*list)[i];
            std::string p = Checker::idx(std::string("hooks.") + name, i);
            c.absolute(p + ".path", h.path);
            if (h.timeout && *h.timeout <= 0)
                c.fail(p + ".timeout", "must be greater than zero, got " +
                                           std::to_string(*h.timeout));
        }
}

void check_mounts(const Checker& c, const std::vector<Mount>& mounts) {
    for (size_t i = 0; i < mounts.size(); ++i) {
        const Mount& m = mounts[i];
        std::string p = Checker::idx("mounts", i);
        // Relative destinations are accepted (as runc does) and taken relative to "/".
        if (m.destination.empty()) c.fail(p + ".destination", "must not be empty");
        if (!m.uid_mappings.empty() || !m.gid_mappings.empty())
            c.fail(p, "idmapped mounts (uidMappings/gidMappings) are not supported by rampart");
        for (size_t k = 0; k < m.options.size(); ++k)
            if (m.options[k] == "idmap" || m.options[k] == "ridmap")
                c.fail(Checker::idx(p + ".options", k),
                       "idmapped mounts (" + m.options[k] + ") are not supported by rampart");
    }
}

void check_mappings(const Checker& c, const std::vector<IdMapping>& ms, const std::string& path) {
    for (size_t i = 0; i < ms.size(); ++i) {
        const IdMapping& m = ms[i];
        std::string p = Checker::idx(path, i);
        if (m.size == 0) c.fail(p + ".size", "must be greater than zero");
        if (uint64_t(m.container_id) + m.size > (uint64_t(1) << 32) ||
            uint64_t(m.host_id) + m.size > (uint64_t(1) << 32))
            c.fail(p, "range exceeds 32-bit ids");
    }
}

void check_namespaces(const Checker& c, const Linux& l) {
    std::set<std::string> seen;
    for (size_t i = 0; i < l.namespaces.size(); ++i) {
        const Namespace& ns = l.namespaces[i];
        std::string p = Checker::idx("linux.namespaces", i);
        if (namespace_clone_flag(ns.type) == 0)
            c.fail(p + ".type", "unknown namespace type " + quote(ns.type));
        if (!seen.insert(ns.type).second)
            c.fail(p + ".type", "duplicate namespace " + quote(ns.type));
        if (!ns.path.empty()) c.absolute(p + ".path", ns.path);
    }
    const Namespace* user = l.find_namespace("user");
    bool new_user = user && user->path.empty();
    if (new_user) {
        if (l.uid_mappings.empty())
            c.fail("linux.uidMappings", "required when a new user namespace is created");
        if (l.gid_mappings.empty())
            c.fail("linux.gidMappings", "required when a new user namespace is created");
    } else {
        const char* why = user ? "only allowed when a new user namespace is created (the user "
                                 "namespace is joined by path)"
                               : "only allowed when a new user namespace is created (no user "
                                 "namespace in linux.namespaces)";
        if (!l.uid_mappings.empty()) c.fail("linux.uidMappings", why);
        if (!l.gid_mappings.empty()) c.fail("linux.gidMappings", why);
    }
    check_mappings(c, l.uid_mappings, "linux.uidMappings");
    check_mappings(c, l.gid_mappings, "linux.gidMappings");

    const Namespace* time = l.find_namespace("time");
    for (const auto& [k, off] : l.time_offsets) {
        std::string p = "linux.timeOffsets." + k;
        if (k != "monotonic" && k != "boottime")
            c.fail(p, "unknown clock (expected \"monotonic\" or \"boottime\")");
        if (off.nanosecs >= 1000000000u) c.fail(p + ".nanosecs", "must be below 1000000000");
        if (!time || !time->path.empty())
            c.fail("linux.timeOffsets", "only allowed when a new time namespace is created");
    }
}

// Sysctls a container may set, and the namespace that makes them its own (as runc).
const char* sysctl_namespace(const std::string& key) {
    static const char* ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                "kernel.shmmni", "kernel.shm_rmid_forced"};
    for (const char* k : ipc)
        if (key == k) return "ipc";
    if (key.rfind("fs.mqueue.", 0) == 0) return "ipc";
    if (key.rfind("net.", 0) == 0) return "network";
    if (key == "kernel.hostname" || key == "kernel.domainname") return "uts";
    return nullptr;
}

void check_sysctl(const Checker& c, const Linux& l) {
    for (const auto& [raw, value] : l.sysctl) {
        std::string p = "linux.sysctl[" + quote(raw) + "]";
        if (raw.empty()) c.fail(p, "empty sysctl name");
        for (char ch : raw) {
            bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '/' ||
                      ch == '-' || ch == '+';
            if (!ok) c.fail(p, "invalid character in sysctl name");
        }
        if (raw[0] == '.' || raw[0] == '/' || raw.find("..") != std::string::npos ||
            raw.find("//") != std::string::npos)
            c.fail(p, "invalid sysctl name");
        std::string key = raw;
        std::replace(key.begin(), key.end(), '/', '.');
        const char* ns = sysctl_namespace(key);
        if (!ns) c.fail(p, "not namespaced: setting it would change the host; refused");
        if (!l.find_namespace(ns))
            c.fail(p, std::string("requires a ") + ns + " namespace in linux.namespaces");
    }
}

void check_seccomp(const Checker& c, const Seccomp& s) {
    const std::string base = "linux.seccomp";
    if (s.default_action.empty()) c.fail(base + ".defaultAction", "must not be empty");
    if (!is_seccomp_action(s.default_action))
        c.fail(base + ".defaultAction", "unknown seccomp action " + quote(s.default_action));
    if (s.default_action == "SCMP_ACT_NOTIFY")
        c.fail(base + ".defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    if (s.default_errno_ret && s.default_action != "SCMP_ACT_ERRNO" &&
        s.default_action != "SCMP_ACT_TRACE")
        c.fail(base + ".defaultErrnoRet", "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    for (size_t i = 0; i < s.architectures.size(); ++i)
        if (!is_seccomp_arch(s.architectures[i]))
            c.fail(Checker::idx(base + ".architectures", i),
                   "unknown seccomp architecture " + quote(s.architectures[i]));
    for (size_t i = 0; i < s.flags.size(); ++i)
        if (!is_seccomp_flag(s.flags[i]))
            c.fail(Checker::idx(base + ".flags", i), "unknown seccomp flag " + quote(s.flags[i]));
    if (!s.listener_path.empty()) c.absolute(base + ".listenerPath", s.listener_path);
    bool notify = false;
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        const SeccompSyscall& sc = s.syscalls[i];
        std::string p = Checker::idx(base + ".syscalls", i);
        if (sc.names.empty()) c.fail(p + ".names", "must not be empty");
        for (size_t k = 0; k < sc.names.size(); ++k)
            if (sc.names[k].empty()) c.fail(Checker::idx(p + ".names", k), "empty syscall name");
        if (!is_seccomp_action(sc.action))
            c.fail(p + ".action", "unknown seccomp action " + quote(sc.action));
        if (sc.errno_ret && sc.action != "SCMP_ACT_ERRNO" && sc.action != "SCMP_ACT_TRACE")
            c.fail(p + ".errnoRet", "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
        if (sc.action == "SCMP_ACT_NOTIFY") {
            notify = true;
            for (const auto& n : sc.names)
                if (n == "write")
                    c.fail(p, "SCMP_ACT_NOTIFY cannot be used for write (the runtime needs it)");
        }
        for (size_t k = 0; k < sc.args.size(); ++k) {
            const SeccompArg& a = sc.args[k];
            std::string ap = Checker::idx(p + ".args", k);
            if (a.index > 5) c.fail(ap + ".index", "must be 0..5, got " + std::to_string(a.index));
            if (!is_seccomp_operator(a.op))
                c.fail(ap + ".op", "unknown seccomp operator " + quote(a.op));
        }
    }
    if (notify && s.listener_path.empty())
        c.fail(base + ".listenerPath", "required when SCMP_ACT_NOTIFY is used");
}

void check_devices(const Checker& c, const Linux& l) {
    for (size_t i = 0; i < l.devices.size(); ++i) {
        const Device& d = l.devices[i];
        std::string p = Checker::idx("linux.devices", i);
        if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
            c.fail(p + ".type", "unknown device type " + quote(d.type) + " (expected c, b, u or p)");
        c.absolute(p + ".path", d.path);
        if (has_dotdot(d.path)) c.fail(p + ".path", "must not contain \"..\"");
        if (d.type != "p" && (d.major < 0 || d.minor < 0))
            c.fail(p, "major and minor must not be negative");
    }
}

void check_resources(const Checker& c, const Resources& r) {
    const std::string base = "linux.resources";
    for (size_t i = 0; i < r.devices.size(); ++i) {
        const DeviceCgroupRule& d = r.devices[i];
        std::string p = Checker::idx(base + ".devices", i);
        if (!d.type.empty() && d.type != "a" && d.type != "c" && d.type != "b")
            c.fail(p + ".type", "unknown device type " + quote(d.type) + " (expected a, c or b)");
        for (char ch : d.access)
            if (ch != 'r' && ch != 'w' && ch != 'm')
                c.fail(p + ".access", "invalid access " + quote(d.access) + " (subset of \"rwm\")");
    }
    if (r.memory && r.memory->swappiness && *r.memory->swappiness > 100)
        c.fail(base + ".memory.swappiness", "must be 0..100");
    if (r.block_io) {
        auto weight = [&](const std::optional<uint16_t>& w, const std::string& p) {
            if (w && *w != 0 && (*w < 10 || *w > 1000)) c.fail(p, "must be 10..1000");
        };
        weight(r.block_io->weight, base + ".blockIO.weight");
        weight(r.block_io->leaf_weight, base + ".blockIO.leafWeight");
    }
    for (size_t i = 0; i < r.hugepage_limits.size(); ++i)
        if (r.hugepage_limits[i].page_size.empty())
            c.fail(Checker::idx(base + ".hugepageLimits", i) + ".pageSize", "must not be empty");
    for (const auto& [k, v] : r.unified)
        if (k.empty() || k.find('/') != std::string::npos || k.find("..") != std::string::npos)
            c.fail(base + ".unified[" + quote(k) + "]", "invalid cgroup file name");
}

void check_linux(const Checker& c, const Spec& spec, const Linux& l) {
    check_namespaces(c, l);
    check_devices(c, l);
    if (!l.cgroups_path.empty() && has_dotdot(l.cgroups_path))
        c.fail("linux.cgroupsPath", "must not contain \"..\" components");
    // "/." or "/a/./" name the hierarchy's root or a parent: the cgroup every host process
    // lives in, which `delete` would then empty and prune.
    if (has_component(l.cgroups_path, "."))
        c.fail("linux.cgroupsPath", "must not contain \".\" components");
    static const char* propagations[] = {"private", "shared", "slave", "unbindable",
                                         "rprivate", "rshared", "rslave", "runbindable"};
    if (!l.rootfs_propagation.empty() &&
        std::none_of(std::begin(propagations), std::end(propagations),
                     [&](const char* p) { return l.rootfs_propagation == p; }))
        c.fail("linux.rootfsPropagation", "unknown propagation " + quote(l.rootfs_propagation));
    if (l.resources) check_resources(c, *l.resources);
    if (l.seccomp) check_seccomp(c, *l.seccomp);
    check_sysctl(c, l);
    if (l.masked_paths) c.absolute_list("linux.maskedPaths", *l.masked_paths);
    if (l.readonly_paths) c.absolute_list("linux.readonlyPaths", *l.readonly_paths);
    if (l.personality) {
        const PersonalityDomain& pd = *l.personality;
        if (pd.domain != "LINUX" && pd.domain != "LINUX32")
            c.fail("linux.personality.domain",
                   "unknown domain " + quote(pd.domain) + " (expected LINUX or LINUX32)");
        if (!pd.flags.empty())
            c.fail("linux.personality.flags[0]", "unknown flag " + quote(pd.flags[0]));
    }
    if (l.intel_rdt && !(l.intel_rdt->clos_id.empty() && l.intel_rdt->l3_cache_schema.empty() &&
                         l.intel_rdt->mem_bw_schema.empty() && l.intel_rdt->schemata.empty() &&
                         !l.intel_rdt->enable_monitoring))
        c.fail("linux.intelRdt", "Intel RDT is not supported by rampart");
    // Asked-for features that cannot be honoured are refused rather than silently dropped.
    if (!l.net_devices.empty())
        c.fail("linux.netDevices." + l.net_devices.begin()->first,
               "moving network devices into the container is not supported by rampart");
    if (l.memory_policy) c.fail("linux.memoryPolicy", "NUMA memory policy is not supported by rampart");
    (void)spec;
}

}  // namespace

void validate_process(const Process& p, const std::string& file, const std::string& path_prefix) {
    Checker c(file);
    std::string base = path_prefix;
    if (!base.empty() && base.back() == '.') base.pop_back();
    if (p.args.empty()) c.fail(Checker::join(base, "args"), "must not be empty");
    if (p.args[0].empty()) c.fail(Checker::join(base, "args") + "[0]", "must not be empty");
    c.absolute(Checker::join(base, "cwd"), p.cwd);
    // 4294967295 is (uid_t)-1: setresuid/setresgid read it as "leave unchanged", so the
    // process would keep running as root while the config (and a policy) says otherwise.
    const uint32_t kNoId = 4294967295u;
    if (p.user.uid == kNoId)
        c.fail(Checker::join(base, "user.uid"), "4294967295 is not a valid uid ((uid_t)-1 means \"unchanged\": root)");
    if (p.user.gid == kNoId)
        c.fail(Checker::join(base, "user.gid"), "4294967295 is not a valid gid ((gid_t)-1 means \"unchanged\": root)");
    for (size_t i = 0; i < p.user.additional_gids.size(); ++i)
        if (p.user.additional_gids[i] == kNoId)
            c.fail(Checker::idx(Checker::join(base, "user.additionalGids"), i), "4294967295 is not a valid gid");
    if (p.capabilities) check_capabilities(c, *p.capabilities, Checker::join(base, "capabilities"));
    check_rlimits(c, p.rlimits, Checker::join(base, "rlimits"));
    for (size_t i = 0; i < p.env.size(); ++i)
        if (p.env[i].empty() || p.env[i][0] == '=')
            c.fail(Checker::idx(Checker::join(base, "env"), i),
                   "invalid environment entry " + quote(p.env[i]) + " (expected KEY=value)");
    if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
        c.fail(Checker::join(base, "oomScoreAdj"), "must be -1000..1000");
    if (p.io_priority) {
        const std::string& k = p.io_priority->klass;
        if (k != "IOPRIO_CLASS_RT" && k != "IOPRIO_CLASS_BE" && k != "IOPRIO_CLASS_IDLE")
            c.fail(Checker::join(base, "ioPriority.class"), "unknown class " + quote(k));
        if (p.io_priority->priority < 0 || p.io_priority->priority > 7)
            c.fail(Checker::join(base, "ioPriority.priority"), "must be 0..7");
    }
    if (p.scheduler) {
        static const char* policies[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",   "SCHED_BATCH",
                                         "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};
        static const char* flags[] = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
                                      "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
                                      "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN",
                                      "SCHED_FLAG_UTIL_CLAMP_MAX"};
        const Scheduler& s = *p.scheduler;
        if (std::none_of(std::begin(policies), std::end(policies),
                         [&](const char* x) { return s.policy == x; }))
            c.fail(Checker::join(base, "scheduler.policy"), "unknown policy " + quote(s.policy));
        for (size_t i = 0; i < s.flags.size(); ++i)
            if (std::none_of(std::begin(flags), std::end(flags),
                             [&](const char* x) { return s.flags[i] == x; }))
                c.fail(Checker::idx(Checker::join(base, "scheduler.flags"), i),
                       "unknown flag " + quote(s.flags[i]));
        if (s.nice && (*s.nice < -20 || *s.nice > 19))
            c.fail(Checker::join(base, "scheduler.nice"), "must be -20..19");
    }
    if (p.exec_cpu_affinity &&
        !(p.exec_cpu_affinity->initial.empty() && p.exec_cpu_affinity->final.empty()))
        c.fail(Checker::join(base, "execCPUAffinity"), "not supported by rampart");
}

void validate(const Spec& spec, const std::string& file) {
    Checker c(file);
    const std::string& v = spec.oci_version;
    if (v.empty()) c.fail("ociVersion", "missing");
    if (v.size() < 3 || v.compare(0, 2, "1.") != 0 || v[2] < '0' || v[2] > '9')
        c.fail("ociVersion",
               "unsupported version " + quote(v) + " (rampart supports 1.0.0 - 1.3.x)");
    if (!spec.root) c.fail("root", "missing (a bundle needs a root filesystem)");
    if (spec.root->path.empty()) c.fail("root.path", "must not be empty");
    if (spec.process) validate_process(*spec.process, file, "process");
    check_mounts(c, spec.mounts);
    if (spec.hooks) check_hooks(c, *spec.hooks);
    if (!spec.hostname.empty() || !spec.domainname.empty()) {
        const char* field = spec.hostname.empty() ? "domainname" : "hostname";
        if (!spec.linux || !spec.linux->find_namespace("uts"))
            c.fail(field, "setting it requires a uts namespace in linux.namespaces");
    }
    if (spec.linux) check_linux(c, spec, *spec.linux);
    for (const auto& [k, val] : spec.annotations)
        if (k.empty()) c.fail("annotations", "empty annotation key");
}

}  // namespace oci
