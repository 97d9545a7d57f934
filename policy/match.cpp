// Choosing the [[profile]] for a container, and what it makes effective.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include "policy/apply.hpp"
#include "policy/glob.hpp"

namespace rampart::policy {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Follows symlinks of an in-container path inside `root` (absolute links restart at the
// root, so nothing escapes it). Returns "" when a component is missing or links loop.
std::string resolve_in_root(const std::string& root, const std::string& path) {
    std::string done;  // resolved prefix, in-container
    std::string rest = clean_path(path);
    for (int links = 0; links < 40;) {
        if (rest.empty() || rest == "/") return done.empty() ? "/" : done;
        size_t start = rest[0] == '/' ? 1 : 0;
        size_t end = rest.find('/', start);
        std::string comp = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
        rest = end == std::string::npos ? std::string() : rest.substr(end);
        std::string cand = done + "/" + comp;
        std::string host = root + cand;
        struct stat st {};
        if (::lstat(host.c_str(), &st) != 0) return {};
        if (!S_ISLNK(st.st_mode)) {
            done = cand;
            continue;
        }
        ++links;
        char buf[PATH_MAX];
        ssize_t n = ::readlink(host.c_str(), buf, sizeof buf - 1);
        if (n < 0) return {};
        std::string target(buf, static_cast<size_t>(n));
        if (target.empty()) return {};
        rest = clean_path((target[0] == '/' ? std::string() : done + "/") + target + rest);
        done.clear();
    }
    return {};
}

std::string root_dir(const oci::Spec& spec, const std::string& bundle) {
    if (!spec.root) return {};
    const std::string& p = spec.root->path;
    if (!p.empty() && p[0] == '/') return p;
    return bundle + "/" + p;
}

bool executable_file(const std::string& root, const std::string& in_root) {
    struct stat st {};
    return !in_root.empty() && ::stat((root + in_root).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string resolve_executable(const oci::Spec& spec, const std::string& bundle) {
    if (!spec.process || spec.process->args.empty()) return {};
    const std::string& name = spec.process->args[0];
    std::string root = root_dir(spec, bundle);
    if (root.empty() || name.empty()) return {};
    if (name.find('/') != std::string::npos) {
        std::string abs = name[0] == '/' ? name : spec.process->cwd + "/" + name;
        std::string r = resolve_in_root(root, abs);
        return executable_file(root, r) ? r : std::string();
    }
    std::string path = kDefaultPath;
    for (const auto& e : spec.process->env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find(':', i);
        if (j == std::string::npos) j = path.size();
        std::string dir = path.substr(i, j - i);
        i = j + 1;
        if (dir.empty() || dir[0] != '/') continue;
        std::string r = resolve_in_root(root, dir + "/" + name);
        if (executable_file(root, r)) return r;
    }
    return {};
}

const Profile* match_profile(const Baseline& b, const oci::Spec& spec, const std::string& bundle) {
    std::string exe_resolved;
    bool resolved = false;
    for (const auto& p : b.profiles) {
        const Match& m = p.match;
        bool ok = true;
        for (const auto& [key, pattern] : m.annotations) {
            auto it = spec.annotations.find(key);
            if (it == spec.annotations.end() || !glob_match(pattern, it->second)) {
                ok = false;
                break;
            }
        }
        if (ok && m.bundle) ok = glob_match(*m.bundle, bundle);
        if (ok && m.executable) {
            const std::string arg0 =
                spec.process && !spec.process->args.empty() ? spec.process->args[0] : std::string();
            ok = !arg0.empty() && glob_match(*m.executable, arg0);
            if (!ok && !arg0.empty()) {
                if (!resolved) {
                    exe_resolved = resolve_executable(spec, bundle);
                    resolved = true;
                }
                ok = !exe_resolved.empty() && glob_match(*m.executable, exe_resolved);
            }
        }
        if (ok) return &p;
    }
    return nullptr;
}

Effective effective_policy(const Baseline& b, const Profile* profile) {
    Effective e;
    e.baseline = &b;
    e.profile = profile;
    e.defaults = b.defaults;
    e.limits = b.limits;
    e.enforcement = b.enforcement;
    if (profile) {
        e.defaults.merge(profile->defaults);
        e.limits.merge(profile->limits);
        e.enforcement.merge(profile->enforcement);
    }
    return e;
}

std::string Effective::where(const std::string& rule) const {
    std::string key = "limits." + rule;
    if (profile && profile->limits.has(rule))
        return "profile \"" + profile->name + "\" " + key + " in " + profile->file;
    auto it = baseline->origin.find(key);
    return key + " in " + (it != baseline->origin.end() ? it->second : baseline->name());
}

}  // namespace rampart::policy
