// Bundles (config.json + rootfs), the default spec, container IDs and state.json.
#include "oci/bundle.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "oci/error.hpp"
#include "oci/json_reader.hpp"

namespace oci {

using detail::field;
using detail::put;
using json::Value;

Spec load_bundle(const std::string& bundle_dir) {
    std::string dir = bundle_dir.empty() ? "." : bundle_dir;
    std::string config = dir + "/config.json";
    Value doc;
    try {
        doc = json::parse_file(config);
    } catch (const SysError& e) {
        if (e.code() == ENOENT) throw Error(config + ": no such file (is " + dir + " a bundle?)");
        throw;
    } catch (const Error& e) {
        // parse errors name the file by the path they were read from; callers and users
        // know it as config.json.
        std::string m = e.what();
        if (m.rfind(config + ":", 0) == 0) m = "config.json" + m.substr(config.size());
        throw Error(m);
    }
    Spec spec = spec_from_json(doc, "config.json");
    validate(spec, "config.json");
    const std::string& rp = spec.root->path;  // validate() guarantees root.path
    std::string root = rp[0] == '/' ? rp : dir + "/" + rp;
    struct stat st;
    if (::stat(root.c_str(), &st) != 0) {
        if (errno == ENOENT) throw Error("config.json: root.path: " + root + ": no such directory");
        throw SysError("config.json: root.path: " + root);
    }
    if (!S_ISDIR(st.st_mode)) throw Error("config.json: root.path: " + root + ": not a directory");
    return spec;
}

namespace {

Mount mount(const char* dest, const char* type, const char* source,
            std::vector<std::string> options) {
    Mount m;
    m.destination = dest;
    m.type = type;
    m.source = source;
    m.options = std::move(options);
    return m;
}

}  // namespace

Spec default_spec(bool rootless) {
    Spec s;
    s.oci_version = "1.2.0";
    Process p;
    p.terminal = true;
    p.args = {"sh"};
    p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p.cwd = "/";
    Capabilities caps;
    caps.bounding = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    caps.effective = caps.bounding;
    caps.permitted = caps.bounding;
    caps.ambient = caps.bounding;
    p.capabilities = caps;
    p.rlimits = {Rlimit{"RLIMIT_NOFILE", 1024, 1024}};
    p.rlimits_set = true;
    p.no_new_privileges = true;
    s.process = std::move(p);
    s.root = Root{"rootfs", true};
    s.hostname = "rampart";
    s.mounts = {
        mount("/proc", "proc", "proc", {}),
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount("/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };
    Linux l;
    Resources res;
    res.devices = {DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "rwm"}};
    l.resources = std::move(res);
    for (const char* t : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
        l.namespaces.push_back(Namespace{t, ""});
    l.masked_paths = std::vector<std::string>{
        "/proc/acpi",      "/proc/asound",      "/proc/kcore",       "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/sys/firmware",   "/proc/scsi"};
    l.readonly_paths = std::vector<std::string>{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                "/proc/sysrq-trigger"};
    if (rootless) {
        // As `runc spec --rootless`: no network namespace (no way to configure one without
        // privileges), a user namespace mapping the caller to root, /sys bind-mounted, no
        // devpts gid (gid 5 is not mapped), no device cgroup rules.
        std::erase_if(l.namespaces, [](const Namespace& ns) { return ns.type == "network"; });
        l.namespaces.push_back(Namespace{"user", ""});
        l.uid_mappings = {IdMapping{0, static_cast<uint32_t>(::getuid()), 1}};
        l.gid_mappings = {IdMapping{0, static_cast<uint32_t>(::getgid()), 1}};
        l.resources.reset();
        for (auto& m : s.mounts) {
            if (m.destination == "/sys") m = mount("/sys", "none", "/sys",
                                                   {"rbind", "nosuid", "noexec", "nodev", "ro"});
            if (m.destination == "/dev/pts") std::erase(m.options, std::string("gid=5"));
        }
    }
    s.linux = std::move(l);
    return s;
}

void validate_container_id(const std::string& id) {
    auto bad = [&](const std::string& why) {
        std::string shown;
        for (char c : id.substr(0, 64)) {
            unsigned char u = static_cast<unsigned char>(c);
            if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
                static const char hex[] = "0123456789abcdef";
                shown += "\\x";
                shown += hex[u >> 4];
                shown += hex[u & 15];
            } else {
                shown += c;
            }
        }
        if (id.size() > 64) shown += "...";
        throw Error("invalid container id \"" + shown + "\": " + why);
    };
    if (id.empty()) bad("must not be empty");
    if (id.size() > 1024) bad("longer than 1024 characters");
    if (id == "." || id == "..") bad("must not be \".\" or \"..\"");
    // "-x" would be read as a flag by every later command (delete, kill, state).
    if (id[0] == '-') bad("must not start with '-'");
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '+' || c == '-';
        if (ok) continue;
        if (c == '/') bad("must not contain '/'");
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) bad("must not contain control characters");
        bad("only letters, digits and _ . + - are allowed");
    }
}

Value state_to_json(const State& s) {
    Value o = detail::object();
    put(o, "ociVersion", s.oci_version);
    put(o, "id", s.id);
    put(o, "status", s.status);
    if (s.pid > 0) put(o, "pid", s.pid);
    put(o, "bundle", s.bundle);
    if (!s.annotations.empty()) put(o, "annotations", detail::string_object(s.annotations));
    return o;
}

State state_from_json(const Value& doc, const std::string& file) {
    detail::Reader r(file);
    r.object(doc, "");
    State s;
    for (const char* required : {"ociVersion", "id", "status", "bundle"})
        if (!field(doc, required)) r.fail(required, "missing");
    r.get(doc, "ociVersion", "", s.oci_version);
    r.get(doc, "id", "", s.id);
    r.get(doc, "status", "", s.status);
    r.get(doc, "pid", "", s.pid);
    if (s.pid < 0) r.fail("pid", "must not be negative");
    r.get(doc, "bundle", "", s.bundle);
    if (auto* f = field(doc, "annotations")) s.annotations = r.string_map(*f, "annotations");
    return s;
}

}  // namespace oci
