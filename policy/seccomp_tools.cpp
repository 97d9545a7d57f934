// strace import, minimal/learned profiles, merge and diff.
#include "policy/seccomp_tools.hpp"

#include <seccomp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <tuple>

#include "oci/error.hpp"

namespace rampart::policy {
namespace {

bool allows(const std::string& action) {
    return action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG";
}

// One rule about one syscall, comparable.
struct Rule {
    std::string action;
    std::optional<uint32_t> errno_ret;
    std::vector<oci::SeccompArg> args;

    auto key() const {
        std::vector<std::tuple<uint32_t, uint64_t, uint64_t, std::string>> a;
        for (const auto& x : args) a.emplace_back(x.index, x.value, x.value_two, x.op);
        return std::make_tuple(action, errno_ret.value_or(~0u), a);
    }
    bool operator<(const Rule& o) const { return key() < o.key(); }
    bool operator==(const Rule& o) const { return key() == o.key(); }
    std::string describe() const {
        std::string s = action;
        if (errno_ret) s += "(" + std::to_string(*errno_ret) + ")";
        for (size_t i = 0; i < args.size(); ++i) {
            s += i == 0 ? " if " : " && ";
            s += "arg" + std::to_string(args[i].index) + " " + args[i].op + " " +
                 std::to_string(args[i].value);
            if (args[i].op == "SCMP_CMP_MASKED_EQ") s += "/" + std::to_string(args[i].value_two);
        }
        return s;
    }
};

using RuleMap = std::map<std::string, std::set<Rule>>;

RuleMap rules_by_name(const oci::Seccomp& s) {
    RuleMap m;
    for (const auto& sc : s.syscalls)
        for (const auto& n : sc.names) m[n].insert(Rule{sc.action, sc.errno_ret, sc.args});
    return m;
}

bool unconditional_allow(const std::set<Rule>& rules, const Rule** which = nullptr) {
    for (const auto& r : rules)
        if (allows(r.action) && r.args.empty()) {
            if (which) *which = &r;
            return true;
        }
    return false;
}

// Rules back into syscall entries: unconditional rules grouped per action, conditional
// rules grouped when identical.
std::vector<oci::SeccompSyscall> to_syscalls(const RuleMap& m) {
    std::map<Rule, std::vector<std::string>> groups;
    for (const auto& [name, rules] : m)
        for (const auto& r : rules) groups[r].push_back(name);
    std::vector<oci::SeccompSyscall> out;
    for (auto& [rule, names] : groups) {
        oci::SeccompSyscall sc;
        sc.names = names;  // already sorted: map order
        sc.action = rule.action;
        sc.errno_ret = rule.errno_ret;
        sc.args = rule.args;
        out.push_back(std::move(sc));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
        return x.args.empty() && !y.args.empty();
    });
    return out;
}

std::string trim_prefixes(std::string line) {
    size_t i = 0;
    auto skip_spaces = [&]() {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    };
    skip_spaces();
    if (line.compare(i, 5, "[pid ") == 0) {
        size_t close = line.find(']', i);
        if (close == std::string::npos) return "";
        i = close + 1;
        skip_spaces();
    } else {
        size_t j = i;
        while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
        if (j > i && j < line.size() && (line[j] == ' ' || line[j] == '\t')) {
            i = j;
            skip_spaces();
        }
    }
    // timestamps: 12:34:56, 12:34:56.123456, 1700000000.123456, relative 0.000123
    size_t j = i;
    while (j < line.size() &&
           (std::isdigit(static_cast<unsigned char>(line[j])) || line[j] == ':' || line[j] == '.'))
        ++j;
    if (j > i && j < line.size() && (line[j] == ' ' || line[j] == '\t') &&
        line.find_first_of(":.", i) < j) {
        i = j;
        skip_spaces();
    }
    return line.substr(i);
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

StraceSyscalls syscalls_from_strace(std::istream& in) {
    StraceSyscalls out;
    std::set<std::string> unknown;
    std::string line;
    while (std::getline(in, line)) {
        ++out.lines;
        std::string rest = trim_prefixes(line);
        if (rest.empty() || rest.rfind("---", 0) == 0 || rest.rfind("+++", 0) == 0 ||
            rest.rfind("strace:", 0) == 0)
            continue;
        std::string name;
        if (rest.rfind("<... ", 0) == 0) {
            size_t b = 5, e = b;
            while (e < rest.size() && ident_char(rest[e])) ++e;
            if (rest.compare(e, 9, " resumed>") != 0) continue;
            name = rest.substr(b, e - b);
        } else {
            size_t e = 0;
            while (e < rest.size() && ident_char(rest[e])) ++e;
            if (e == 0 || e >= rest.size() || rest[e] != '(') continue;
            name = rest.substr(0, e);
        }
        if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) continue;
        if (seccomp_syscall_resolve_name(name.c_str()) == __NR_SCMP_ERROR) {
            unknown.insert(name);
            continue;
        }
        out.names.insert(name);
    }
    out.unknown.assign(unknown.begin(), unknown.end());
    return out;
}

oci::Seccomp minimal_profile(const std::set<std::string>& names,
                             const std::vector<std::string>& architectures) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.default_errno_ret = 1;
    s.architectures = architectures;
    if (!names.empty()) {
        oci::SeccompSyscall sc;
        sc.names.assign(names.begin(), names.end());
        sc.action = "SCMP_ACT_ALLOW";
        s.syscalls.push_back(std::move(sc));
    }
    return s;
}

oci::Seccomp learned_profile(const std::set<std::string>& observed,
                             const std::vector<std::string>& architectures,
                             const oci::Seccomp* configured, std::vector<std::string>* notes) {
    if (!configured) return minimal_profile(observed, architectures);
    RuleMap conf = rules_by_name(*configured);
    RuleMap out;
    for (const auto& name : observed) {
        auto it = conf.find(name);
        Rule allow{"SCMP_ACT_ALLOW", std::nullopt, {}};
        if (it == conf.end()) {
            if (allows(configured->default_action)) out[name].insert(allow);
            else if (notes)
                notes->push_back(name + ": observed but the configured profile denies it; left out");
            continue;
        }
        if (unconditional_allow(it->second)) {
            out[name].insert(allow);
            continue;
        }
        bool any = false;
        for (const auto& r : it->second)
            if (allows(r.action)) {
                out[name].insert(Rule{"SCMP_ACT_ALLOW", std::nullopt, r.args});
                any = true;
            }
        if (any) {
            if (notes)
                notes->push_back(name + ": allowed only with the configured profile's argument conditions");
        } else if (notes) {
            notes->push_back(name + ": observed but the configured profile denies it; left out");
        }
    }
    oci::Seccomp s = minimal_profile({}, architectures);
    s.syscalls = to_syscalls(out);
    return s;
}

oci::Seccomp merge_profiles(const oci::Seccomp& a, const oci::Seccomp& b) {
    if (a.default_action != b.default_action)
        throw oci::Error("merge: defaultAction differs: " + a.default_action + " vs " +
                         b.default_action + " (merge profiles with the same default)");
    oci::Seccomp out;
    out.default_action = a.default_action;
    out.default_errno_ret = a.default_errno_ret ? a.default_errno_ret : b.default_errno_ret;
    for (const auto* p : {&a, &b}) {
        for (const auto& arch : p->architectures)
            if (std::find(out.architectures.begin(), out.architectures.end(), arch) ==
                out.architectures.end())
                out.architectures.push_back(arch);
        for (const auto& f : p->flags)
            if (std::find(out.flags.begin(), out.flags.end(), f) == out.flags.end())
                out.flags.push_back(f);
    }
    RuleMap ma = rules_by_name(a), mb = rules_by_name(b), m;
    std::set<std::string> names;
    for (const auto& [n, _] : ma) names.insert(n);
    for (const auto& [n, _] : mb) names.insert(n);
    for (const auto& n : names) {
        std::set<Rule> all;
        if (auto it = ma.find(n); it != ma.end()) all.insert(it->second.begin(), it->second.end());
        if (auto it = mb.find(n); it != mb.end()) all.insert(it->second.begin(), it->second.end());
        const Rule* u = nullptr;
        if (unconditional_allow(all, &u)) {
            m[n] = {*u};  // allowed by one of them outright: nothing narrower matters
            continue;
        }
        // A name one side allows (conditionally) and the other denies explicitly: the
        // union lets the allowing rules through and drops the explicit deny.
        bool some_allow = std::any_of(all.begin(), all.end(), [](const Rule& r) { return allows(r.action); });
        for (const auto& r : all)
            if (!some_allow || allows(r.action)) m[n].insert(r);
    }
    out.syscalls = to_syscalls(m);
    return out;
}

std::set<std::string> allowed_names(const oci::Seccomp& s) {
    std::set<std::string> out;
    for (const auto& sc : s.syscalls)
        if (allows(sc.action)) out.insert(sc.names.begin(), sc.names.end());
    return out;
}

std::vector<std::string> diff_profiles(const oci::Seccomp& a, const oci::Seccomp& b) {
    std::vector<std::string> out;
    auto errno_str = [](const oci::Seccomp& s) {
        return s.default_errno_ret ? "(" + std::to_string(*s.default_errno_ret) + ")" : std::string();
    };
    if (a.default_action != b.default_action || a.default_errno_ret != b.default_errno_ret)
        out.push_back("defaultAction: " + a.default_action + errno_str(a) + " -> " +
                      b.default_action + errno_str(b));
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
        return s.empty() ? "(none)" : s;
    };
    if (sorted(a.architectures) != sorted(b.architectures))
        out.push_back("architectures: " + join(a.architectures) + " -> " + join(b.architectures));
    RuleMap ma = rules_by_name(a), mb = rules_by_name(b);
    std::set<std::string> names;
    for (const auto& [n, _] : ma) names.insert(n);
    for (const auto& [n, _] : mb) names.insert(n);
    auto describe = [&](const RuleMap& m, const std::string& n, const oci::Seccomp& p) {
        auto it = m.find(n);
        if (it == m.end()) return "default " + p.default_action;
        std::string s;
        for (const auto& r : it->second) s += (s.empty() ? "" : " | ") + r.describe();
        return s;
    };
    auto lets_run = [&](const RuleMap& m, const std::string& n, const oci::Seccomp& p) {
        auto it = m.find(n);
        if (it == m.end()) return allows(p.default_action);
        return std::any_of(it->second.begin(), it->second.end(),
                           [](const Rule& r) { return allows(r.action); });
    };
    for (const auto& n : names) {
        auto ia = ma.find(n), ib = mb.find(n);
        bool same = ia != ma.end() && ib != mb.end() && ia->second == ib->second;
        if (same) continue;
        bool ra = lets_run(ma, n, a), rb = lets_run(mb, n, b);
        if (ra && !rb) out.push_back("- " + n + " (" + describe(ma, n, a) + " -> " + describe(mb, n, b) + ")");
        else if (!ra && rb) out.push_back("+ " + n + " (" + describe(ma, n, a) + " -> " + describe(mb, n, b) + ")");
        else if (describe(ma, n, a) != describe(mb, n, b))
            out.push_back("~ " + n + ": " + describe(ma, n, a) + " -> " + describe(mb, n, b));
    }
    return out;
}

std::vector<std::string> native_architectures() {
    switch (seccomp_arch_native()) {
    case SCMP_ARCH_X86_64: return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    case SCMP_ARCH_AARCH64: return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
    case SCMP_ARCH_X86: return {"SCMP_ARCH_X86"};
    case SCMP_ARCH_PPC64LE: return {"SCMP_ARCH_PPC64LE"};
    case SCMP_ARCH_S390X: return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
    case SCMP_ARCH_RISCV64: return {"SCMP_ARCH_RISCV64"};
    default: return {};
    }
}

}  // namespace rampart::policy
