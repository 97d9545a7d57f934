// config.json <-> oci::Spec: the top level, process, root, mounts, hooks and linux.
// linux.resources and linux.seccomp live in resources_json.cpp.
#include <utility>

#include "oci/bundle.hpp"
#include "oci/json_reader.hpp"

namespace oci {

using detail::field;
using detail::index;
using detail::join;
using detail::put;
using detail::put_nonempty;
using detail::put_opt;
using detail::Reader;
using json::Value;

namespace {

// ---- reading ---------------------------------------------------------------------------

User read_user(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    User u;
    r.get(v, "uid", path, u.uid);
    r.get(v, "gid", path, u.gid);
    r.get(v, "umask", path, u.umask);
    if (auto* f = field(v, "additionalGids")) {
        std::string p = join(path, "additionalGids");
        const json::Array& a = r.array(*f, p);
        for (size_t i = 0; i < a.size(); ++i)
            u.additional_gids.push_back(r.integer<uint32_t>(a[i], index(p, i)));
    }
    r.get(v, "username", path, u.username);
    return u;
}

Capabilities read_capabilities(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    Capabilities c;
    r.get(v, "bounding", path, c.bounding);
    r.get(v, "effective", path, c.effective);
    r.get(v, "inheritable", path, c.inheritable);
    r.get(v, "permitted", path, c.permitted);
    r.get(v, "ambient", path, c.ambient);
    return c;
}

std::vector<IdMapping> read_mappings(const Reader& r, const Value& v, const std::string& path) {
    std::vector<IdMapping> out;
    const json::Array& a = r.array(v, path);
    out.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = index(path, i);
        r.object(a[i], p);
        IdMapping m;
        r.get(a[i], "containerID", p, m.container_id);
        r.get(a[i], "hostID", p, m.host_id);
        r.get(a[i], "size", p, m.size);
        out.push_back(m);
    }
    return out;
}

std::vector<Hook> read_hooks(const Reader& r, const Value& v, const std::string& path) {
    std::vector<Hook> out;
    const json::Array& a = r.array(v, path);
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = index(path, i);
        r.object(a[i], p);
        Hook h;
        r.get(a[i], "path", p, h.path);
        r.get(a[i], "args", p, h.args);
        r.get(a[i], "env", p, h.env);
        r.get(a[i], "timeout", p, h.timeout);
        out.push_back(std::move(h));
    }
    return out;
}

Hooks read_all_hooks(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    Hooks h;
    std::pair<const char*, std::vector<Hook>*> kinds[] = {
        {"prestart", &h.prestart},
        {"createRuntime", &h.create_runtime},
        {"createContainer", &h.create_container},
        {"startContainer", &h.start_container},
        {"poststart", &h.poststart},
        {"poststop", &h.poststop},
    };
    for (auto& [name, list] : kinds)
        if (auto* f = field(v, name)) *list = read_hooks(r, *f, join(path, name));
    return h;
}

std::vector<Mount> read_mounts(const Reader& r, const Value& v, const std::string& path) {
    std::vector<Mount> out;
    const json::Array& a = r.array(v, path);
    out.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = index(path, i);
        r.object(a[i], p);
        Mount m;
        r.get(a[i], "destination", p, m.destination);
        r.get(a[i], "type", p, m.type);
        r.get(a[i], "source", p, m.source);
        r.get(a[i], "options", p, m.options);
        if (auto* f = field(a[i], "uidMappings"))
            m.uid_mappings = read_mappings(r, *f, join(p, "uidMappings"));
        if (auto* f = field(a[i], "gidMappings"))
            m.gid_mappings = read_mappings(r, *f, join(p, "gidMappings"));
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<Namespace> read_namespaces(const Reader& r, const Value& v, const std::string& path) {
    std::vector<Namespace> out;
    const json::Array& a = r.array(v, path);
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = index(path, i);
        r.object(a[i], p);
        Namespace ns;
        r.get(a[i], "type", p, ns.type);
        r.get(a[i], "path", p, ns.path);
        out.push_back(std::move(ns));
    }
    return out;
}

std::vector<Device> read_devices(const Reader& r, const Value& v, const std::string& path) {
    std::vector<Device> out;
    const json::Array& a = r.array(v, path);
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = index(path, i);
        r.object(a[i], p);
        Device d;
        r.get(a[i], "type", p, d.type);
        r.get(a[i], "path", p, d.path);
        r.get(a[i], "major", p, d.major);
        r.get(a[i], "minor", p, d.minor);
        r.get(a[i], "fileMode", p, d.file_mode);
        r.get(a[i], "uid", p, d.uid);
        r.get(a[i], "gid", p, d.gid);
        out.push_back(std::move(d));
    }
    return out;
}

Linux read_linux(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    Linux l;
    if (auto* f = field(v, "namespaces")) l.namespaces = read_namespaces(r, *f, join(path, "namespaces"));
    if (auto* f = field(v, "uidMappings")) l.uid_mappings = read_mappings(r, *f, join(path, "uidMappings"));
    if (auto* f = field(v, "gidMappings")) l.gid_mappings = read_mappings(r, *f, join(path, "gidMappings"));
    if (auto* f = field(v, "timeOffsets")) {
        std::string p = join(path, "timeOffsets");
        for (const auto& [k, off] : r.object(*f, p)) {
            std::string kp = join(p, k);
            r.object(off, kp);
            TimeOffset t;
            r.get(off, "secs", kp, t.secs);
            r.get(off, "nanosecs", kp, t.nanosecs);
            l.time_offsets[k] = t;
        }
    }
    if (auto* f = field(v, "devices")) l.devices = read_devices(r, *f, join(path, "devices"));
    r.get(v, "cgroupsPath", path, l.cgroups_path);
    if (auto* f = field(v, "resources"))
        l.resources = detail::read_resources(r, *f, join(path, "resources"));
    r.get(v, "rootfsPropagation", path, l.rootfs_propagation);
    if (auto* f = field(v, "seccomp")) l.seccomp = detail::read_seccomp(r, *f, join(path, "seccomp"));
    if (auto* f = field(v, "sysctl")) l.sysctl = r.string_map(*f, join(path, "sysctl"));
    if (auto* f = field(v, "maskedPaths")) l.masked_paths = r.strings(*f, join(path, "maskedPaths"));
    if (auto* f = field(v, "readonlyPaths"))
        l.readonly_paths = r.strings(*f, join(path, "readonlyPaths"));
    r.get(v, "mountLabel", path, l.mount_label);
    if (auto* f = field(v, "intelRdt")) {
        std::string p = join(path, "intelRdt");
        r.object(*f, p);
        IntelRdt rdt;
        r.get(*f, "closID", p, rdt.clos_id);
        r.get(*f, "l3CacheSchema", p, rdt.l3_cache_schema);
        r.get(*f, "memBwSchema", p, rdt.mem_bw_schema);
        r.get(*f, "schemata", p, rdt.schemata);
        r.get(*f, "enableMonitoring", p, rdt.enable_monitoring);
        l.intel_rdt = std::move(rdt);
    }
    if (auto* f = field(v, "personality")) {
        std::string p = join(path, "personality");
        r.object(*f, p);
        PersonalityDomain pd;
        r.get(*f, "domain", p, pd.domain);
        r.get(*f, "flags", p, pd.flags);
        l.personality = std::move(pd);
    }
    if (auto* f = field(v, "netDevices")) {
        std::string p = join(path, "netDevices");
        for (const auto& [k, dev] : r.object(*f, p)) {
            std::string kp = join(p, k);
            r.object(dev, kp);
            NetDevice nd;
            r.get(dev, "name", kp, nd.name);
            l.net_devices[k] = std::move(nd);
        }
    }
    if (auto* f = field(v, "memoryPolicy")) {
        std::string p = join(path, "memoryPolicy");
        r.object(*f, p);
        MemoryPolicy mp;
        r.get(*f, "mode", p, mp.mode);
        r.get(*f, "nodes", p, mp.nodes);
        r.get(*f, "flags", p, mp.flags);
        l.memory_policy = std::move(mp);
    }
    return l;
}

// ---- writing ---------------------------------------------------------------------------

Value write_mappings(const std::vector<IdMapping>& ms) {
    json::Array a;
    for (const auto& m : ms) {
        Value o = detail::object();
        put(o, "containerID", m.container_id);
        put(o, "hostID", m.host_id);
        put(o, "size", m.size);
        a.push_back(std::move(o));
    }
    return Value(std::move(a));
}

Value write_hooks(const std::vector<Hook>& hs) {
    json::Array a;
    for (const auto& h : hs) {
        Value o = detail::object();
        put(o, "path", h.path);
        put_nonempty(o, "args", h.args);
        put_nonempty(o, "env", h.env);
        put_opt(o, "timeout", h.timeout);
        a.push_back(std::move(o));
    }
    return Value(std::move(a));
}

Value write_linux(const Linux& l) {
    Value o = detail::object();
    if (!l.uid_mappings.empty()) put(o, "uidMappings", write_mappings(l.uid_mappings));
    if (!l.gid_mappings.empty()) put(o, "gidMappings", write_mappings(l.gid_mappings));
    if (!l.sysctl.empty()) put(o, "sysctl", detail::string_object(l.sysctl));
    if (l.resources) put(o, "resources", detail::write_resources(*l.resources));
    put_nonempty(o, "cgroupsPath", l.cgroups_path);
    if (!l.namespaces.empty()) {
        json::Array a;
        for (const auto& ns : l.namespaces) {
            Value n = detail::object();
            put(n, "type", ns.type);
            put_nonempty(n, "path", ns.path);
            a.push_back(std::move(n));
        }
        put(o, "namespaces", Value(std::move(a)));
    }
    if (!l.time_offsets.empty()) {
        Value t = detail::object();
        for (const auto& [k, off] : l.time_offsets) {
            Value x = detail::object();
            put(x, "secs", off.secs);
            put(x, "nanosecs", off.nanosecs);
            put(t, k.c_str(), std::move(x));
        }
        put(o, "timeOffsets", std::move(t));
    }
    if (!l.devices.empty()) {
        json::Array a;
        for (const auto& d : l.devices) {
            Value x = detail::object();
            put(x, "path", d.path);
            put(x, "type", d.type);
            put(x, "major", d.major);
            put(x, "minor", d.minor);
            put_opt(x, "fileMode", d.file_mode);
            put_opt(x, "uid", d.uid);
            put_opt(x, "gid", d.gid);
            a.push_back(std::move(x));
        }
        put(o, "devices", Value(std::move(a)));
    }
    put_nonempty(o, "rootfsPropagation", l.rootfs_propagation);
    if (l.seccomp) put(o, "seccomp", detail::write_seccomp(*l.seccomp));
    if (l.masked_paths) put(o, "maskedPaths", detail::string_array(*l.masked_paths));
    if (l.readonly_paths) put(o, "readonlyPaths", detail::string_array(*l.readonly_paths));
    put_opt(o, "mountLabel", l.mount_label);
    if (l.intel_rdt) {
        Value x = detail::object();
        put_nonempty(x, "closID", l.intel_rdt->clos_id);
        put_nonempty(x, "l3CacheSchema", l.intel_rdt->l3_cache_schema);
        put_nonempty(x, "memBwSchema", l.intel_rdt->mem_bw_schema);
        put_nonempty(x, "schemata", l.intel_rdt->schemata);
        if (l.intel_rdt->enable_monitoring) put(x, "enableMonitoring", true);
        put(o, "intelRdt", std::move(x));
    }
    if (l.personality) {
        Value x = detail::object();
        put(x, "domain", l.personality->domain);
        put_nonempty(x, "flags", l.personality->flags);
        put(o, "personality", std::move(x));
    }
    if (!l.net_devices.empty()) {
        Value x = detail::object();
        for (const auto& [k, nd] : l.net_devices) {
            Value y = detail::object();
            put_nonempty(y, "name", nd.name);
            put(x, k.c_str(), std::move(y));
        }
        put(o, "netDevices", std::move(x));
    }
    if (l.memory_policy) {
        Value x = detail::object();
        put(x, "mode", l.memory_policy->mode);
        put_nonempty(x, "nodes", l.memory_policy->nodes);
        put_nonempty(x, "flags", l.memory_policy->flags);
        put(o, "memoryPolicy", std::move(x));
    }
    return o;
}

}  // namespace

// ---- process (shared with exec --process) ------------------------------------------------

namespace detail {

Process read_process(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    Process p;
    r.get(v, "terminal", path, p.terminal);
    if (auto* f = field(v, "consoleSize")) {
        std::string cp = join(path, "consoleSize");
        r.object(*f, cp);
        ConsoleSize cs;
        r.get(*f, "height", cp, cs.height);
        r.get(*f, "width", cp, cs.width);
        p.console_size = cs;
    }
    r.get(v, "cwd", path, p.cwd);
    r.get(v, "env", path, p.env);
    r.get(v, "args", path, p.args);
    r.get(v, "commandLine", path, p.command_line);
    if (auto* f = field(v, "user")) p.user = read_user(r, *f, join(path, "user"));
    if (auto* f = field(v, "capabilities"))
        p.capabilities = read_capabilities(r, *f, join(path, "capabilities"));
    if (auto* f = field(v, "rlimits")) {
        std::string rp = join(path, "rlimits");
        const json::Array& a = r.array(*f, rp);
        p.rlimits_set = true;
        for (size_t i = 0; i < a.size(); ++i) {
            std::string ip = index(rp, i);
            r.object(a[i], ip);
            Rlimit rl;
            r.get(a[i], "type", ip, rl.type);
            r.get(a[i], "hard", ip, rl.hard);
            r.get(a[i], "soft", ip, rl.soft);
            p.rlimits.push_back(std::move(rl));
        }
    }
    r.get(v, "noNewPrivileges", path, p.no_new_privileges);
    r.get(v, "apparmorProfile", path, p.apparmor_profile);
    r.get(v, "oomScoreAdj", path, p.oom_score_adj);
    r.get(v, "selinuxLabel", path, p.selinux_label);
    if (auto* f = field(v, "ioPriority")) {
        std::string ip = join(path, "ioPriority");
        r.object(*f, ip);
        IOPriority io;
        r.get(*f, "class", ip, io.klass);
        r.get(*f, "priority", ip, io.priority);
        p.io_priority = std::move(io);
    }
    if (auto* f = field(v, "scheduler")) {
        std::string sp = join(path, "scheduler");
        r.object(*f, sp);
        Scheduler s;
        r.get(*f, "policy", sp, s.policy);
        r.get(*f, "nice", sp, s.nice);
        r.get(*f, "priority", sp, s.priority);
        r.get(*f, "flags", sp, s.flags);
        r.get(*f, "runtime", sp, s.runtime);
        r.get(*f, "deadline", sp, s.deadline);
        r.get(*f, "period", sp, s.period);
        p.scheduler = std::move(s);
    }
    if (auto* f = field(v, "execCPUAffinity")) {
        std::string ap = join(path, "execCPUAffinity");
        r.object(*f, ap);
        ExecCPUAffinity a;
        r.get(*f, "initial", ap, a.initial);
        r.get(*f, "final", ap, a.final);
        p.exec_cpu_affinity = std::move(a);
    }
    return p;
}

Value write_process(const Process& p) {
    Value o = detail::object();
    put(o, "terminal", p.terminal);
    if (p.console_size) {
        Value cs = detail::object();
        put(cs, "height", p.console_size->height);
        put(cs, "width", p.console_size->width);
        put(o, "consoleSize", std::move(cs));
    }
    Value u = detail::object();
    put(u, "uid", p.user.uid);
    put(u, "gid", p.user.gid);
    put_opt(u, "umask", p.user.umask);
    if (!p.user.additional_gids.empty()) {
        json::Array a;
        for (auto g : p.user.additional_gids) a.emplace_back(g);
        put(u, "additionalGids", Value(std::move(a)));
    }
    put_nonempty(u, "username", p.user.username);
    put(o, "user", std::move(u));
    put(o, "args", detail::string_array(p.args));
    put_opt(o, "commandLine", p.command_line);
    put_nonempty(o, "env", p.env);
    put(o, "cwd", p.cwd);
    if (p.capabilities) {
        Value c = detail::object();
        // An absent set means an empty one; omit empty sets as `runc spec` does.
        put_nonempty(c, "bounding", p.capabilities->bounding);
        put_nonempty(c, "effective", p.capabilities->effective);
        put_nonempty(c, "inheritable", p.capabilities->inheritable);
        put_nonempty(c, "permitted", p.capabilities->permitted);
        put_nonempty(c, "ambient", p.capabilities->ambient);
        put(o, "capabilities", std::move(c));
    }
    if (p.rlimits_set || !p.rlimits.empty()) {
        json::Array a;
        for (const auto& rl : p.rlimits) {
            Value x = detail::object();
            put(x, "type", rl.type);
            put(x, "hard", rl.hard);
            put(x, "soft", rl.soft);
            a.push_back(std::move(x));
        }
        put(o, "rlimits", Value(std::move(a)));
    }
    put_opt(o, "noNewPrivileges", p.no_new_privileges);
    put_opt(o, "apparmorProfile", p.apparmor_profile);
    put_opt(o, "oomScoreAdj", p.oom_score_adj);
    put_opt(o, "selinuxLabel", p.selinux_label);
    if (p.io_priority) {
        Value x = detail::object();
        put(x, "class", p.io_priority->klass);
        put(x, "priority", p.io_priority->priority);
        put(o, "ioPriority", std::move(x));
    }
    if (p.scheduler) {
        const Scheduler& s = *p.scheduler;
        Value x = detail::object();
        put(x, "policy", s.policy);
        put_opt(x, "nice", s.nice);
        put_opt(x, "priority", s.priority);
        put_nonempty(x, "flags", s.flags);
        put_opt(x, "runtime", s.runtime);
        put_opt(x, "deadline", s.deadline);
        put_opt(x, "period", s.period);
        put(o, "scheduler", std::move(x));
    }
    if (p.exec_cpu_affinity) {
        Value x = detail::object();
        put_nonempty(x, "initial", p.exec_cpu_affinity->initial);
        put_nonempty(x, "final", p.exec_cpu_affinity->final);
        put(o, "execCPUAffinity", std::move(x));
    }
    return o;
}

}  // namespace detail

// ---- public entry points -----------------------------------------------------------------

Spec spec_from_json(const Value& doc, const std::string& file) {
    Reader r(file);
    r.object(doc, "");
    Spec s;
    r.get(doc, "ociVersion", "", s.oci_version);  // top level: the path is just the key
    if (auto* f = field(doc, "process")) s.process = detail::read_process(r, *f, "process");
    if (auto* f = field(doc, "root")) {
        r.object(*f, "root");
        Root root;
        r.get(*f, "path", "root", root.path);
        r.get(*f, "readonly", "root", root.readonly);
        s.root = std::move(root);
    }
    r.get(doc, "hostname", "", s.hostname);
    r.get(doc, "domainname", "", s.domainname);
    if (auto* f = field(doc, "mounts")) s.mounts = read_mounts(r, *f, "mounts");
    if (auto* f = field(doc, "hooks")) s.hooks = read_all_hooks(r, *f, "hooks");
    if (auto* f = field(doc, "annotations")) s.annotations = r.string_map(*f, "annotations");
    if (auto* f = field(doc, "linux")) s.linux = read_linux(r, *f, "linux");
    return s;
}

Value spec_to_json(const Spec& s) {
    Value o = detail::object();
    put(o, "ociVersion", s.oci_version);
    if (s.process) put(o, "process", detail::write_process(*s.process));
    if (s.root) {
        Value root = detail::object();
        put(root, "path", s.root->path);
        if (s.root->readonly) put(root, "readonly", true);
        put(o, "root", std::move(root));
    }
    put_nonempty(o, "hostname", s.hostname);
    put_nonempty(o, "domainname", s.domainname);
    if (!s.mounts.empty()) {
        json::Array a;
        for (const auto& m : s.mounts) {
            Value x = detail::object();
            put(x, "destination", m.destination);
            put_nonempty(x, "type", m.type);
            put_nonempty(x, "source", m.source);
            put_nonempty(x, "options", m.options);
            if (!m.uid_mappings.empty()) put(x, "uidMappings", write_mappings(m.uid_mappings));
            if (!m.gid_mappings.empty()) put(x, "gidMappings", write_mappings(m.gid_mappings));
            a.push_back(std::move(x));
        }
        put(o, "mounts", Value(std::move(a)));
    }
    if (s.hooks) {
        Value h = detail::object();
        const Hooks& hk = *s.hooks;
        if (!hk.prestart.empty()) put(h, "prestart", write_hooks(hk.prestart));
        if (!hk.create_runtime.empty()) put(h, "createRuntime", write_hooks(hk.create_runtime));
        if (!hk.create_container.empty())
            put(h, "createContainer", write_hooks(hk.create_container));
        if (!hk.start_container.empty()) put(h, "startContainer", write_hooks(hk.start_container));
        if (!hk.poststart.empty()) put(h, "poststart", write_hooks(hk.poststart));
        if (!hk.poststop.empty()) put(h, "poststop", write_hooks(hk.poststop));
        put(o, "hooks", std::move(h));
    }
    if (!s.annotations.empty()) put(o, "annotations", detail::string_object(s.annotations));
    if (s.linux) put(o, "linux", write_linux(*s.linux));
    return o;
}

Process process_from_json(const Value& doc, const std::string& file) {
    Reader r(file);
    return detail::read_process(r, doc, "");
}

Value process_to_json(const Process& p) { return detail::write_process(p); }

}  // namespace oci
