// Reading policy files with toml++: every key and type checked, errors as file:line.
#include <toml++/toml.h>  // Debian ships toml.h (toml.hpp upstream)

#include <algorithm>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"
#include "policy/baseline.hpp"
#include "policy/docker_default.hpp"

namespace rampart::policy {
namespace {

using Keys = std::vector<std::string_view>;

const Keys kTopKeys = {"decision_log", "enforcement", "defaults", "limits", "profile"};
const Keys kDefaultsKeys = {"capabilities",  "seccomp",           "apparmor",
                                "selinux_label", "mount_label",       "no_new_privileges",
                                "masked_paths",  "readonly_paths",    "rlimits"};
const Keys kProfileKeys = {"name",     "match",       "landlock", "apparmor",
                               "defaults", "limits",      "enforcement", "seccomp_learn"};
const Keys kMatchKeys = {"annotations", "executable", "bundle"};
const Keys kRlimitKeys = {"soft", "hard"};
constexpr std::string_view kNamespaceTypes[] = {"pid", "network", "mount", "ipc",
                                                "uts", "user",    "cgroup", "time"};

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                               prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

const char* type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        default: return "nothing";
    }
}

class Reader {
public:
    explicit Reader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const toml::source_region& where, const std::string& msg) const {
        throw oci::Error(file_ + ":" + std::to_string(where.begin.line) + ": " + msg);
    }
    [[noreturn]] void wrong_type(const toml::node& n, const std::string& path,
                                 const char* expected) const {
        fail(n.source(), path + ": expected " + expected + ", got " + type_name(n));
    }

    // Refuses keys outside `allowed`; `where` names the table ("[limits]").
    void check_keys(const toml::table& t, const Keys& allowed, const std::string& where) const {
        for (auto&& [k, v] : t) {
            (void)v;
            std::string_view key = k.str();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            std::string msg = "unknown key \"" + std::string(key) + "\" in " + where;
            std::string_view best;
            size_t best_d = SIZE_MAX;
            for (auto cand : allowed) {
                size_t d = edit_distance(key, cand);
                if (d < best_d) best_d = d, best = cand;
            }
            if (!best.empty() && best_d <= std::max<size_t>(2, best.size() / 3))
                msg += " (did you mean " + std::string(best) + "?)";
            fail(k.source(), msg);
        }
    }

    const toml::table& table(const toml::node& n, const std::string& path) const {
        if (!n.is_table()) wrong_type(n, path, "a table");
        return *n.as_table();
    }
    bool boolean(const toml::node& n, const std::string& path) const {
        if (!n.is_boolean()) wrong_type(n, path, "a boolean (true or false)");
        return n.as_boolean()->get();
    }
    int64_t integer(const toml::node& n, const std::string& path, int64_t min = 0) const {
        if (!n.is_integer()) wrong_type(n, path, "an integer");
        int64_t v = n.as_integer()->get();
        if (v < min) fail(n.source(), path + ": must be at least " + std::to_string(min));
        return v;
    }
    std::string string(const toml::node& n, const std::string& path) const {
        if (!n.is_string()) wrong_type(n, path, "a string");
        return n.as_string()->get();
    }
    // An array of strings; `check` validates/normalizes each element (may throw via fail).
    template <class F>
    std::vector<std::string> strings(const toml::node& n, const std::string& path, F check) const {
        if (!n.is_array()) wrong_type(n, path, "an array of strings");
        std::vector<std::string> out;
        size_t i = 0;
        for (const auto& el : *n.as_array()) {
            std::string p = path + "[" + std::to_string(i++) + "]";
            if (!el.is_string()) wrong_type(el, p, "a string");
            out.push_back(check(el, p, el.as_string()->get()));
        }
        return out;
    }
    std::vector<std::string> strings(const toml::node& n, const std::string& path) const {
        return strings(n, path, [](const toml::node&, const std::string&, const std::string& s) {
            return s;
        });
    }

    std::vector<std::string> capabilities(const toml::node& n, const std::string& path) const {
        return strings(n, path, [&](const toml::node& el, const std::string& p, const std::string& s) {
            std::string c = canonical_capability(s);
            if (c.empty()) fail(el.source(), p + ": unknown capability \"" + s + "\"");
            return c;
        });
    }
    std::vector<std::string> abs_paths(const toml::node& n, const std::string& path) const {
        return strings(n, path, [&](const toml::node& el, const std::string& p, const std::string& s) {
            if (s.empty() || s[0] != '/') fail(el.source(), p + ": \"" + s + "\" is not an absolute path");
            return s;
        });
    }
    std::vector<std::string> nonempty(const toml::node& n, const std::string& path) const {
        return strings(n, path, [&](const toml::node& el, const std::string& p, const std::string& s) {
            if (s.empty()) fail(el.source(), p + ": empty");
            return s;
        });
    }
    std::vector<std::string> namespaces(const toml::node& n, const std::string& path) const {
        return strings(n, path, [&](const toml::node& el, const std::string& p, const std::string& s) {
            std::string t = s == "net" ? "network" : s == "mnt" ? "mount" : s;
            if (std::find(std::begin(kNamespaceTypes), std::end(kNamespaceTypes), t) ==
                std::end(kNamespaceTypes))
                fail(el.source(), p + ": unknown namespace type \"" + s +
                                      "\" (pid, network, mount, ipc, uts, user, cgroup, time)");
            return t;
        });
    }

    // "docker-default" or a list.
    template <class F>
    NamedList named_list(const toml::node& n, const std::string& path,
                         const std::vector<std::string>& preset, F list) const {
        if (n.is_string()) {
            std::string s = n.as_string()->get();
            if (s != kDockerDefault)
                fail(n.source(), path + ": unknown preset \"" + s + "\" (expected \"docker-default\" or a list)");
            return NamedList{s, preset};
        }
        if (!n.is_array()) wrong_type(n, path, "\"docker-default\" or an array of strings");
        return NamedList{"", list(n, path)};
    }

    Action action(const toml::node& n, const std::string& path) const {
        std::string s = string(n, path);
        if (s == "deny") return Action::Deny;
        if (s == "fix") return Action::Fix;
        if (s == "warn") return Action::Warn;
        fail(n.source(), path + ": bad enforcement value \"" + s + "\" (expected \"deny\", \"fix\" or \"warn\")");
    }

    void defaults(const toml::table& t, const std::string& prefix, Defaults& d,
                  std::map<std::string, std::string>* origin) const {
        check_keys(t, kDefaultsKeys, "[" + prefix + "]");
        auto path = [&](const char* k) { return prefix + "." + k; };
        auto mark = [&](const char* k) {
            if (origin) (*origin)["defaults." + std::string(k)] = file_;
        };
        if (auto* n = t.get("capabilities")) {
            d.capabilities = named_list(*n, path("capabilities"), docker_default_capabilities(),
                                        [&](const toml::node& x, const std::string& p) { return capabilities(x, p); });
            mark("capabilities");
        }
        if (auto* n = t.get("seccomp")) {
            d.seccomp = string(*n, path("seccomp"));
            if (d.seccomp->empty() ||
                (*d.seccomp != kDockerDefault && *d.seccomp != "unconfined" && (*d.seccomp)[0] != '/'))
                fail(n->source(), path("seccomp") + ": expected \"docker-default\", \"unconfined\" or an absolute path, got \"" + *d.seccomp + "\"");
            mark("seccomp");
        }
        for (auto [key, field] : {std::pair{"apparmor", &d.apparmor},
                                  std::pair{"selinux_label", &d.selinux_label},
                                  std::pair{"mount_label", &d.mount_label}}) {
            if (auto* n = t.get(key)) {
                *field = string(*n, path(key));
                mark(key);
            }
        }
        if (auto* n = t.get("no_new_privileges")) {
            d.no_new_privileges = boolean(*n, path("no_new_privileges"));
            mark("no_new_privileges");
        }
        if (auto* n = t.get("masked_paths")) {
            d.masked_paths = named_list(*n, path("masked_paths"), docker_masked_paths(),
                                        [&](const toml::node& x, const std::string& p) { return abs_paths(x, p); });
            mark("masked_paths");
        }
        if (auto* n = t.get("readonly_paths")) {
            d.readonly_paths = named_list(*n, path("readonly_paths"), docker_readonly_paths(),
                                          [&](const toml::node& x, const std::string& p) { return abs_paths(x, p); });
            mark("readonly_paths");
        }
        if (auto* n = t.get("rlimits")) {
            d.rlimits = rlimits(*n, path("rlimits"));
            mark("rlimits");
        }
    }

    std::vector<oci::Rlimit> rlimits(const toml::node& n, const std::string& path) const {
        std::vector<oci::Rlimit> out;
        for (auto&& [k, v] : table(n, path)) {
            std::string name(k.str());
            std::string p = path + "." + name;
            if (oci::rlimit_number(name) < 0) fail(k.source(), p + ": unknown rlimit \"" + name + "\"");
            oci::Rlimit r;
            r.type = name;
            if (v.is_integer()) {
                r.soft = r.hard = static_cast<uint64_t>(integer(v, p));
            } else {
                if (!v.is_table()) wrong_type(v, p, "an integer or { soft = N, hard = N }");
                const auto& rt = *v.as_table();
                check_keys(rt, kRlimitKeys, "[" + p + "]");
                auto* soft = rt.get("soft");
                auto* hard = rt.get("hard");
                if (!soft || !hard) fail(v.source(), p + ": needs both soft and hard");
                r.soft = static_cast<uint64_t>(integer(*soft, p + ".soft"));
                r.hard = static_cast<uint64_t>(integer(*hard, p + ".hard"));
                if (r.soft > r.hard) fail(v.source(), p + ": soft is above hard");
            }
            out.push_back(std::move(r));
        }
        return out;
    }

    void limits(const toml::table& t, const std::string& prefix, Limits& l,
                std::map<std::string, std::string>* origin) const {
        Keys names(limit_names().begin(), limit_names().end());
        check_keys(t, names, "[" + prefix + "]");
        for (auto&& [k, v] : t) {
            std::string key(k.str());
            std::string p = prefix + "." + key;
            if (key == "forbid_privileged") l.forbid_privileged = boolean(v, p);
            else if (key == "allowed_capabilities") l.allowed_capabilities = capabilities(v, p);
            else if (key == "forbidden_capabilities") l.forbidden_capabilities = capabilities(v, p);
            else if (key == "require_seccomp") l.require_seccomp = boolean(v, p);
            else if (key == "forbidden_syscalls") l.forbidden_syscalls = nonempty(v, p);
            else if (key == "require_no_new_privileges") l.require_no_new_privileges = boolean(v, p);
            else if (key == "forbid_root_user") l.forbid_root_user = boolean(v, p);
            else if (key == "require_readonly_rootfs") l.require_readonly_rootfs = boolean(v, p);
            else if (key == "forbidden_host_namespaces") l.forbidden_host_namespaces = namespaces(v, p);
            else if (key == "forbidden_mount_sources") l.forbidden_mount_sources = abs_paths(v, p);
            else if (key == "forbidden_devices") l.forbidden_devices = abs_paths(v, p);
            else if (key == "allowed_sysctls") l.allowed_sysctls = nonempty(v, p);
            else if (key == "required_masked_paths") l.required_masked_paths = abs_paths(v, p);
            else if (key == "require_memory_limit") l.require_memory_limit = boolean(v, p);
            else if (key == "max_memory") l.max_memory = integer(v, p);
            else if (key == "max_pids") l.max_pids = integer(v, p);
            if (origin) (*origin)["limits." + key] = file_;
        }
    }

    void enforcement(const toml::table& t, const std::string& prefix, Enforcement& e,
                     std::map<std::string, std::string>* origin) const {
        Keys names(limit_names().begin(), limit_names().end());
        names.insert(names.begin(), "default");
        check_keys(t, names, "[" + prefix + "]");
        for (auto&& [k, v] : t) {
            std::string key(k.str());
            Action a = action(v, prefix + "." + key);
            if (key == "default") e.default_action = a;
            else e.rules[key] = a;
            if (origin) (*origin)["enforcement." + key] = file_;
        }
    }

    Profile profile(const toml::node& n, size_t index) const {
        std::string where = "profile[" + std::to_string(index) + "]";
        const auto& t = table(n, where);
        check_keys(t, kProfileKeys, "[[profile]]");
        Profile p;
        p.file = file_;
        p.line = static_cast<int>(n.source().begin.line);
        auto* name = t.get("name");
        if (!name) fail(n.source(), where + ": missing key \"name\"");
        p.name = string(*name, where + ".name");
        if (p.name.empty()) fail(name->source(), where + ".name: empty");
        where = "profile \"" + p.name + "\"";
        if (auto* m = t.get("match")) {
            const auto& mt = table(*m, where + " match");
            check_keys(mt, kMatchKeys, "profile.match");
            if (auto* a = mt.get("annotations")) {
                for (auto&& [k, v] : table(*a, where + " match.annotations"))
                    p.match.annotations[std::string(k.str())] =
                        string(v, where + " match.annotations." + std::string(k.str()));
            }
            if (auto* x = mt.get("executable")) p.match.executable = string(*x, where + " match.executable");
            if (auto* x = mt.get("bundle")) p.match.bundle = string(*x, where + " match.bundle");
        }
        if (auto* x = t.get("landlock")) p.landlock = string(*x, where + " landlock");
        if (auto* x = t.get("seccomp_learn")) {
            p.seccomp_learn = string(*x, where + " seccomp_learn");
            if (p.seccomp_learn.empty() || p.seccomp_learn[0] != '/')
                fail(x->source(), where + " seccomp_learn: an absolute path of the profile to write is expected");
        }
        if (auto* x = t.get("defaults")) defaults(table(*x, where + " defaults"), "profile.defaults", p.defaults, nullptr);
        if (auto* x = t.get("apparmor")) p.defaults.apparmor = string(*x, where + " apparmor");
        if (auto* x = t.get("limits")) limits(table(*x, where + " limits"), "profile.limits", p.limits, nullptr);
        if (auto* x = t.get("enforcement"))
            enforcement(table(*x, where + " enforcement"), "profile.enforcement", p.enforcement, nullptr);
        return p;
    }

    void document(const toml::table& root, Baseline& b) const {
        check_keys(root, kTopKeys, "the top level");
        if (auto* n = root.get("decision_log")) {
            b.decision_log = string(*n, "decision_log");
            if (!b.decision_log.empty() && b.decision_log[0] != '/')
                fail(n->source(), "decision_log: \"" + b.decision_log + "\" is not an absolute path");
            b.origin["decision_log"] = file_;
        }
        if (auto* n = root.get("enforcement"))
            enforcement(table(*n, "enforcement"), "enforcement", b.enforcement, &b.origin);
        if (auto* n = root.get("defaults")) defaults(table(*n, "defaults"), "defaults", b.defaults, &b.origin);
        if (auto* n = root.get("limits")) limits(table(*n, "limits"), "limits", b.limits, &b.origin);
        if (auto* n = root.get("profile")) {
            if (!n->is_array()) wrong_type(*n, "profile", "an array of tables ([[profile]])");
            size_t i = 0;
            for (const auto& el : *n->as_array()) b.profiles.push_back(profile(el, i++));
        }
    }

private:
    const std::string& file_;
};

}  // namespace

void merge_policy_toml(Baseline& into, std::string_view text, const std::string& file) {
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        throw oci::Error(file + ":" + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
    }
    Reader(file).document(root, into);
    if (file != "(embedded)") into.files.push_back(file);
}

}  // namespace rampart::policy
