// to_toml: a baseline written back as a policy file (`rampart policy show`).
#include <cctype>
#include <cstdio>

#include "policy/baseline.hpp"

namespace rampart::policy {
namespace {

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// TOML bare keys are [A-Za-z0-9_-]+; anything else is quoted.
std::string key(std::string_view k) {
    bool bare = !k.empty();
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) bare = false;
    return bare ? std::string(k) : quote(k);
}

std::string list(const std::vector<std::string>& v) {
    if (v.empty()) return "[]";
    std::string out = "[";
    size_t width = 1;
    for (size_t i = 0; i < v.size(); ++i) {
        std::string q = quote(v[i]);
        if (i) {
            out += ",";
            if (width + q.size() > 90) {
                out += "\n    ";
                width = 4;
            } else {
                out += " ";
                ++width;
            }
        }
        out += q;
        width += q.size() + 1;
    }
    return out + "]";
}

void line(std::string& out, const char* k, const std::string& v) { out += std::string(k) + " = " + v + "\n"; }

void named(std::string& out, const char* k, const std::optional<NamedList>& v) {
    if (!v) return;
    line(out, k, v->preset.empty() ? list(v->items) : quote(v->preset));
}

void emit_defaults(std::string& out, const Defaults& d) {
    named(out, "capabilities", d.capabilities);
    if (d.seccomp) line(out, "seccomp", quote(*d.seccomp));
    if (d.apparmor) line(out, "apparmor", quote(*d.apparmor));
    if (d.selinux_label) line(out, "selinux_label", quote(*d.selinux_label));
    if (d.mount_label) line(out, "mount_label", quote(*d.mount_label));
    if (d.no_new_privileges) line(out, "no_new_privileges", *d.no_new_privileges ? "true" : "false");
    named(out, "masked_paths", d.masked_paths);
    named(out, "readonly_paths", d.readonly_paths);
    if (d.rlimits) {
        std::string v = "{ ";
        for (size_t i = 0; i < d.rlimits->size(); ++i) {
            const auto& r = (*d.rlimits)[i];
            v += (i ? ", " : "") + r.type + " = { soft = " + std::to_string(r.soft) +
                 ", hard = " + std::to_string(r.hard) + " }";
        }
        line(out, "rlimits", d.rlimits->empty() ? "{}" : v + " }");
    }
}

void emit_limits(std::string& out, const Limits& l) {
    auto b = [&](const char* k, const std::optional<bool>& v) {
        if (v) line(out, k, *v ? "true" : "false");
    };
    auto s = [&](const char* k, const std::optional<std::vector<std::string>>& v) {
        if (v) line(out, k, list(*v));
    };
    auto i = [&](const char* k, const std::optional<int64_t>& v) {
        if (v) line(out, k, std::to_string(*v));
    };
    b("forbid_privileged", l.forbid_privileged);
    s("allowed_capabilities", l.allowed_capabilities);
    s("forbidden_capabilities", l.forbidden_capabilities);
    b("require_seccomp", l.require_seccomp);
    s("forbidden_syscalls", l.forbidden_syscalls);
    b("require_no_new_privileges", l.require_no_new_privileges);
    b("forbid_root_user", l.forbid_root_user);
    b("require_readonly_rootfs", l.require_readonly_rootfs);
    s("forbidden_host_namespaces", l.forbidden_host_namespaces);
    s("forbidden_mount_sources", l.forbidden_mount_sources);
    s("forbidden_devices", l.forbidden_devices);
    s("allowed_sysctls", l.allowed_sysctls);
    s("required_masked_paths", l.required_masked_paths);
    b("require_memory_limit", l.require_memory_limit);
    i("max_memory", l.max_memory);
    i("max_pids", l.max_pids);
}

void emit_enforcement(std::string& out, const Enforcement& e) {
    if (e.default_action) line(out, "default", quote(action_name(*e.default_action)));
    for (const auto& name : limit_names())
        if (auto it = e.rules.find(name); it != e.rules.end())
            line(out, name.c_str(), quote(action_name(it->second)));
}

bool empty(const Defaults& d) {
    return !d.capabilities && !d.seccomp && !d.apparmor && !d.selinux_label && !d.mount_label &&
           !d.no_new_privileges && !d.masked_paths && !d.readonly_paths && !d.rlimits;
}

}  // namespace

std::string to_toml(const Baseline& b) {
    std::string out = "# effective policy: " + b.name() + "\n";
    line(out, "decision_log", quote(b.decision_log));
    out += "\n[enforcement]\n";
    emit_enforcement(out, b.enforcement);
    out += "\n[defaults]\n";
    emit_defaults(out, b.defaults);
    out += "\n[limits]\n";
    emit_limits(out, b.limits);
    for (const auto& p : b.profiles) {
        out += "\n[[profile]]  # " + p.file + ":" + std::to_string(p.line) + "\n";
        line(out, "name", quote(p.name));
        if (!p.landlock.empty()) line(out, "landlock", quote(p.landlock));
        if (!p.seccomp_learn.empty()) line(out, "seccomp_learn", quote(p.seccomp_learn));
        std::string m;
        if (!p.match.annotations.empty()) {
            m += "annotations = {";
            bool first = true;
            for (const auto& [k, v] : p.match.annotations) {
                m += (first ? " " : ", ") + key(k) + " = " + quote(v);
                first = false;
            }
            m += " }";
        }
        if (p.match.executable) m += (m.empty() ? "" : ", ") + std::string("executable = ") + quote(*p.match.executable);
        if (p.match.bundle) m += (m.empty() ? "" : ", ") + std::string("bundle = ") + quote(*p.match.bundle);
        line(out, "match", m.empty() ? "{}" : "{ " + m + " }");
        if (!empty(p.defaults)) {
            out += "[profile.defaults]\n";
            emit_defaults(out, p.defaults);
        }
        std::string l;
        emit_limits(l, p.limits);
        if (!l.empty()) out += "[profile.limits]\n" + l;
        std::string e;
        emit_enforcement(e, p.enforcement);
        if (!e.empty()) out += "[profile.enforcement]\n" + e;
    }
    return out;
}

}  // namespace rampart::policy
