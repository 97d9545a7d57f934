#include "policy/baseline.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"

namespace rampart::policy {

namespace {

template <class T>
void take(std::optional<T>& into, const std::optional<T>& over) {
    if (over) into = over;
}

constexpr std::string_view kEmbedded = R"toml(# rampart's embedded default: what Docker gives a container, and no limits.
decision_log = "/var/log/rampart/decisions.log"

[enforcement]
default = "deny"

[defaults]
capabilities = "docker-default"
seccomp = "docker-default"
apparmor = "docker-default"
selinux_label = ""
mount_label = ""
no_new_privileges = false
masked_paths = "docker-default"
readonly_paths = "docker-default"

[limits]
)toml";

std::string read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw oci::Error(path + ": cannot read: " + std::strerror(errno));
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw oci::Error(path + ": cannot read: " + std::strerror(err));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > (1u << 20)) {
            ::close(fd);
            throw oci::Error(path + ": cannot read: larger than 1 MiB");
        }
    }
    ::close(fd);
    return out;
}

}  // namespace

void Defaults::merge(const Defaults& o) {
    take(capabilities, o.capabilities);
    take(seccomp, o.seccomp);
    take(apparmor, o.apparmor);
    take(selinux_label, o.selinux_label);
    take(mount_label, o.mount_label);
    take(no_new_privileges, o.no_new_privileges);
    take(masked_paths, o.masked_paths);
    take(readonly_paths, o.readonly_paths);
    take(rlimits, o.rlimits);
}

void Limits::merge(const Limits& o) {
    take(forbid_privileged, o.forbid_privileged);
    take(allowed_capabilities, o.allowed_capabilities);
    take(forbidden_capabilities, o.forbidden_capabilities);
    take(require_seccomp, o.require_seccomp);
    take(forbidden_syscalls, o.forbidden_syscalls);
    take(require_no_new_privileges, o.require_no_new_privileges);
    take(forbid_root_user, o.forbid_root_user);
    take(require_readonly_rootfs, o.require_readonly_rootfs);
    take(forbidden_host_namespaces, o.forbidden_host_namespaces);
    take(forbidden_mount_sources, o.forbidden_mount_sources);
    take(forbidden_devices, o.forbidden_devices);
    take(allowed_sysctls, o.allowed_sysctls);
    take(required_masked_paths, o.required_masked_paths);
    take(require_memory_limit, o.require_memory_limit);
    take(max_memory, o.max_memory);
    take(max_pids, o.max_pids);
}

bool Limits::has(const std::string& r) const {
    if (r == "forbid_privileged") return forbid_privileged.has_value();
    if (r == "allowed_capabilities") return allowed_capabilities.has_value();
    if (r == "forbidden_capabilities") return forbidden_capabilities.has_value();
    if (r == "require_seccomp") return require_seccomp.has_value();
    if (r == "forbidden_syscalls") return forbidden_syscalls.has_value();
    if (r == "require_no_new_privileges") return require_no_new_privileges.has_value();
    if (r == "forbid_root_user") return forbid_root_user.has_value();
    if (r == "require_readonly_rootfs") return require_readonly_rootfs.has_value();
    if (r == "forbidden_host_namespaces") return forbidden_host_namespaces.has_value();
    if (r == "forbidden_mount_sources") return forbidden_mount_sources.has_value();
    if (r == "forbidden_devices") return forbidden_devices.has_value();
    if (r == "allowed_sysctls") return allowed_sysctls.has_value();
    if (r == "required_masked_paths") return required_masked_paths.has_value();
    if (r == "require_memory_limit") return require_memory_limit.has_value();
    if (r == "max_memory") return max_memory.has_value();
    if (r == "max_pids") return max_pids.has_value();
    return false;
}

const std::vector<std::string>& limit_names() {
    static const std::vector<std::string> names = {
        "forbid_privileged",         "allowed_capabilities",    "forbidden_capabilities",
        "require_seccomp",           "forbidden_syscalls",      "require_no_new_privileges",
        "forbid_root_user",          "require_readonly_rootfs", "forbidden_host_namespaces",
        "forbidden_mount_sources",   "forbidden_devices",       "allowed_sysctls",
        "required_masked_paths",     "require_memory_limit",    "max_memory",
        "max_pids"};
    return names;
}

void Enforcement::merge(const Enforcement& o) {
    take(default_action, o.default_action);
    for (const auto& [k, v] : o.rules) rules[k] = v;
}

Action Enforcement::action_for(const std::string& rule) const {
    if (auto it = rules.find(rule); it != rules.end()) return it->second;
    return default_action.value_or(Action::Deny);
}

const char* action_name(Action a) {
    switch (a) {
        case Action::Fix: return "fix";
        case Action::Warn: return "warn";
        default: return "deny";
    }
}

std::string Baseline::name() const {
    if (files.empty()) return "(embedded)";
    std::string s;
    for (const auto& f : files) s += (s.empty() ? "" : ", ") + f;
    return s;
}

std::string canonical_capability(std::string_view name) {
    std::string up;
    up.reserve(name.size() + 4);
    for (char c : name) up.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (up.rfind("CAP_", 0) != 0) up.insert(0, "CAP_");
    return oci::capability_number(up) >= 0 ? up : std::string();
}

std::string_view embedded_policy_toml() { return kEmbedded; }

Baseline embedded_baseline() {
    static const Baseline base = [] {
        Baseline b;
        merge_policy_toml(b, kEmbedded, "(embedded)");
        return b;
    }();
    return base;
}

Baseline parse_policy(std::string_view text, const std::string& file) {
    Baseline b = embedded_baseline();
    merge_policy_toml(b, text, file);
    return b;
}

void merge_policy_file(Baseline& into, const std::string& path) {
    merge_policy_toml(into, read_file(path), path);
}

Baseline load(const Source& src, const std::string& etc_dir) {
    std::string path = src.path;
    if (path.empty())
        if (const char* env = std::getenv("RAMPART_POLICY"); env && *env) path = env;
    Baseline b = embedded_baseline();
    if (!path.empty()) {
        merge_policy_file(b, path);
        return b;
    }
    std::string main_file = etc_dir + "/policy.toml";
    struct stat st {};
    if (::stat(main_file.c_str(), &st) == 0) merge_policy_file(b, main_file);
    else if (errno != ENOENT) throw oci::Error(main_file + ": cannot read: " + std::strerror(errno));

    std::string dir = etc_dir + "/policy.d";
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR) return b;
        throw oci::Error(dir + ": cannot read: " + std::strerror(errno));
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n.empty() || n[0] == '.' || n.size() <= 5 || n.substr(n.size() - 5) != ".toml") continue;
        names.emplace_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) merge_policy_file(b, dir + "/" + n);
    return b;
}

}  // namespace rampart::policy
