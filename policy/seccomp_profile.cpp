#include "policy/seccomp_profile.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/linux_names.hpp"

namespace rampart::policy {
namespace json = oci::json;

namespace {

constexpr std::string_view kActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",        "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY"};
constexpr std::string_view kOps[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
                                     "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                     "SCMP_CMP_MASKED_EQ"};

struct GoArch {
    std::string_view go, scmp, machine;
};
constexpr GoArch kArches[] = {
    {"amd64", "SCMP_ARCH_X86_64", "x86_64"},     {"386", "SCMP_ARCH_X86", "i686"},
    {"arm64", "SCMP_ARCH_AARCH64", "aarch64"},   {"arm", "SCMP_ARCH_ARM", "armv7l"},
    {"ppc64le", "SCMP_ARCH_PPC64LE", "ppc64le"}, {"ppc64", "SCMP_ARCH_PPC64", "ppc64"},
    {"s390x", "SCMP_ARCH_S390X", "s390x"},       {"riscv64", "SCMP_ARCH_RISCV64", "riscv64"},
    {"mips64", "SCMP_ARCH_MIPS64", "mips64"},    {"mips64le", "SCMP_ARCH_MIPSEL64", "mips64el"},
    {"loong64", "SCMP_ARCH_LOONGARCH64", "loongarch64"},
};

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& msg) {
    throw oci::Error(file + ": " + path + ": " + msg);
}

const std::string& get_string(const json::Value& v, const std::string& file, const std::string& path) {
    if (!v.is_string()) fail(file, path, std::string(v.type_name()) + " where string expected");
    return v.as_string();
}

std::vector<std::string> get_strings(const json::Value* v, const std::string& file,
                                     const std::string& path) {
    std::vector<std::string> out;
    if (!v || v->is_null()) return out;  // Docker writes "subArchitectures": null
    if (!v->is_array()) fail(file, path, std::string(v->type_name()) + " where array expected");
    const auto& a = v->as_array();
    out.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i)
        out.push_back(get_string(a[i], file, path + "[" + std::to_string(i) + "]"));
    return out;
}

uint64_t get_uint(const json::Value& v, const std::string& file, const std::string& path) {
    if (!v.is_integer()) fail(file, path, std::string(v.type_name()) + " where integer expected");
    try {
        return v.as_uint();
    } catch (const oci::Error& e) {
        fail(file, path, e.what());
    }
}

std::optional<uint32_t> get_errno(const json::Value* v, const std::string& file,
                                  const std::string& path) {
    if (!v || v->is_null()) return std::nullopt;
    uint64_t n = get_uint(*v, file, path);
    if (n > UINT32_MAX) fail(file, path, "out of range");
    return static_cast<uint32_t>(n);
}

void check_action(const std::string& a, const std::string& file, const std::string& path) {
    if (std::find(std::begin(kActions), std::end(kActions), a) == std::end(kActions))
        fail(file, path, "unknown seccomp action \"" + a + "\"");
}

DockerFilter filter_from_json(const json::Value* v, const std::string& file, const std::string& path) {
    DockerFilter f;
    if (!v || v->is_null()) return f;
    if (!v->is_object()) fail(file, path, std::string(v->type_name()) + " where object expected");
    f.caps = get_strings(v->find("caps"), file, path + ".caps");
    for (size_t i = 0; i < f.caps.size(); ++i)
        if (oci::capability_number(f.caps[i]) < 0)
            fail(file, path + ".caps[" + std::to_string(i) + "]",
                 "unknown capability \"" + f.caps[i] + "\"");
    f.arches = get_strings(v->find("arches"), file, path + ".arches");
    if (const auto* k = v->find("minKernel"); k && !k->is_null()) {
        f.min_kernel = get_string(*k, file, path + ".minKernel");
        int a = 0, b = 0;
        if (std::sscanf(f.min_kernel.c_str(), "%d.%d", &a, &b) < 1)
            fail(file, path + ".minKernel", "invalid kernel version \"" + f.min_kernel + "\"");
    }
    return f;
}

std::vector<oci::SeccompArg> args_from_json(const json::Value* v, const std::string& file,
                                            const std::string& path) {
    std::vector<oci::SeccompArg> out;
    if (!v || v->is_null()) return out;
    if (!v->is_array()) fail(file, path, std::string(v->type_name()) + " where array expected");
    const auto& a = v->as_array();
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = path + "[" + std::to_string(i) + "]";
        if (!a[i].is_object()) fail(file, p, std::string(a[i].type_name()) + " where object expected");
        oci::SeccompArg arg;
        const auto* index = a[i].find("index");
        if (!index) fail(file, p + ".index", "missing");
        uint64_t idx = get_uint(*index, file, p + ".index");
        if (idx > 5) fail(file, p + ".index", "must be 0..5");
        arg.index = static_cast<uint32_t>(idx);
        if (const auto* x = a[i].find("value")) arg.value = get_uint(*x, file, p + ".value");
        if (const auto* x = a[i].find("valueTwo")) arg.value_two = get_uint(*x, file, p + ".valueTwo");
        const auto* op = a[i].find("op");
        if (!op) fail(file, p + ".op", "missing");
        arg.op = get_string(*op, file, p + ".op");
        if (std::find(std::begin(kOps), std::end(kOps), arg.op) == std::end(kOps))
            fail(file, p + ".op", "unknown seccomp operator \"" + arg.op + "\"");
        out.push_back(std::move(arg));
    }
    return out;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::pair<int, int> parse_version(const std::string& s) {
    int a = 0, b = 0;
    std::sscanf(s.c_str(), "%d.%d", &a, &b);
    return {a, b};
}

json::Value strings_json(const std::vector<std::string>& v) {
    json::Array a;
    a.reserve(v.size());
    for (const auto& s : v) a.emplace_back(s);
    return json::Value(std::move(a));
}

json::Value filter_json(const DockerFilter& f) {
    json::Value o = json::Object{};
    if (!f.caps.empty()) o.set("caps", strings_json(f.caps));
    if (!f.arches.empty()) o.set("arches", strings_json(f.arches));
    if (!f.min_kernel.empty()) o.set("minKernel", f.min_kernel);
    return o;
}

}  // namespace

std::string host_go_arch() {
    struct utsname u {};
    if (uname(&u) != 0) return "amd64";
    for (const auto& a : kArches)
        if (a.machine == u.machine) return std::string(a.go);
    std::string_view m = u.machine;
    if (m.size() == 4 && m[0] == 'i' && m.substr(2) == "86") return "386";
    if (m.substr(0, 3) == "arm") return "arm";
    return std::string(m);
}

std::pair<int, int> host_kernel_version() {
    struct utsname u {};
    if (uname(&u) != 0) return {0, 0};
    return parse_version(u.release);
}

std::string scmp_arch_for_go(std::string_view go_arch) {
    for (const auto& a : kArches)
        if (a.go == go_arch) return std::string(a.scmp);
    return {};
}

bool seccomp_action_allows(std::string_view action) {
    return action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG";
}

bool is_docker_profile(const json::Value& doc) {
    if (!doc.is_object()) return false;
    if (doc.find("archMap")) return true;
    const auto* sc = doc.find("syscalls");
    if (!sc || !sc->is_array()) return false;
    for (const auto& r : sc->as_array())
        if (r.is_object() &&
            (r.find("includes") || r.find("excludes") || r.find("name") || r.find("comment")))
            return true;
    return false;
}

DockerProfile docker_profile_from_json(const json::Value& doc, const std::string& file) {
    if (!doc.is_object()) fail(file, "(root)", std::string(doc.type_name()) + " where object expected");
    DockerProfile p;
    const auto* da = doc.find("defaultAction");
    if (!da) fail(file, "defaultAction", "missing");
    p.default_action = get_string(*da, file, "defaultAction");
    check_action(p.default_action, file, "defaultAction");
    p.default_errno_ret = get_errno(doc.find("defaultErrnoRet"), file, "defaultErrnoRet");
    p.architectures = get_strings(doc.find("architectures"), file, "architectures");
    p.flags = get_strings(doc.find("flags"), file, "flags");
    if (const auto* x = doc.find("listenerPath")) p.listener_path = get_string(*x, file, "listenerPath");
    if (const auto* x = doc.find("listenerMetadata"))
        p.listener_metadata = get_string(*x, file, "listenerMetadata");
    if (const auto* am = doc.find("archMap"); am && !am->is_null()) {
        if (!am->is_array()) fail(file, "archMap", std::string(am->type_name()) + " where array expected");
        const auto& a = am->as_array();
        for (size_t i = 0; i < a.size(); ++i) {
            std::string path = "archMap[" + std::to_string(i) + "]";
            if (!a[i].is_object()) fail(file, path, std::string(a[i].type_name()) + " where object expected");
            DockerArch arch;
            const auto* name = a[i].find("architecture");
            if (!name) fail(file, path + ".architecture", "missing");
            arch.arch = get_string(*name, file, path + ".architecture");
            arch.sub_arches = get_strings(a[i].find("subArchitectures"), file, path + ".subArchitectures");
            p.arch_map.push_back(std::move(arch));
        }
    }
    if (const auto* sc = doc.find("syscalls"); sc && !sc->is_null()) {
        if (!sc->is_array()) fail(file, "syscalls", std::string(sc->type_name()) + " where array expected");
        const auto& a = sc->as_array();
        p.syscalls.reserve(a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            std::string path = "syscalls[" + std::to_string(i) + "]";
            const auto& r = a[i];
            if (!r.is_object()) fail(file, path, std::string(r.type_name()) + " where object expected");
            DockerSyscall s;
            const auto* name = r.find("name");
            const auto* names = r.find("names");
            if (name && !name->is_null() && names && !names->is_null())
                fail(file, path, "use either 'name' or 'names'");
            if (name && !name->is_null()) s.names.push_back(get_string(*name, file, path + ".name"));
            else s.names = get_strings(names, file, path + ".names");
            const auto* action = r.find("action");
            if (!action) fail(file, path + ".action", "missing");
            s.action = get_string(*action, file, path + ".action");
            check_action(s.action, file, path + ".action");
            s.errno_ret = get_errno(r.find("errnoRet"), file, path + ".errnoRet");
            s.args = args_from_json(r.find("args"), file, path + ".args");
            if (const auto* c = r.find("comment"); c && c->is_string()) s.comment = c->as_string();
            s.includes = filter_from_json(r.find("includes"), file, path + ".includes");
            s.excludes = filter_from_json(r.find("excludes"), file, path + ".excludes");
            p.syscalls.push_back(std::move(s));
        }
    }
    return p;
}

json::Value docker_profile_to_json(const DockerProfile& p) {
    json::Value o = json::Object{};
    o.set("defaultAction", p.default_action);
    if (p.default_errno_ret) o.set("defaultErrnoRet", *p.default_errno_ret);
    if (!p.architectures.empty()) o.set("architectures", strings_json(p.architectures));
    if (!p.arch_map.empty()) {
        json::Array am;
        for (const auto& a : p.arch_map) {
            json::Value e = json::Object{};
            e.set("architecture", a.arch);
            e.set("subArchitectures", a.sub_arches.empty() ? json::Value() : strings_json(a.sub_arches));
            am.push_back(std::move(e));
        }
        o.set("archMap", json::Value(std::move(am)));
    }
    if (!p.flags.empty()) o.set("flags", strings_json(p.flags));
    if (!p.listener_path.empty()) o.set("listenerPath", p.listener_path);
    if (!p.listener_metadata.empty()) o.set("listenerMetadata", p.listener_metadata);
    json::Array rules;
    rules.reserve(p.syscalls.size());
    for (const auto& s : p.syscalls) {
        json::Value r = json::Object{};
        r.set("names", strings_json(s.names));
        r.set("action", s.action);
        if (s.errno_ret) r.set("errnoRet", *s.errno_ret);
        if (!s.args.empty()) {
            json::Array args;
            for (const auto& a : s.args) {
                json::Value v = json::Object{};
                v.set("index", a.index);
                v.set("value", static_cast<unsigned long long>(a.value));
                if (a.value_two) v.set("valueTwo", static_cast<unsigned long long>(a.value_two));
                v.set("op", a.op);
                args.push_back(std::move(v));
            }
            r.set("args", json::Value(std::move(args)));
        }
        if (!s.comment.empty()) r.set("comment", s.comment);
        if (!s.includes.empty()) r.set("includes", filter_json(s.includes));
        if (!s.excludes.empty()) r.set("excludes", filter_json(s.excludes));
        rules.push_back(std::move(r));
    }
    o.set("syscalls", json::Value(std::move(rules)));
    return o;
}

DockerProfile docker_profile_from_oci(const oci::Seccomp& s) {
    DockerProfile p;
    p.default_action = s.default_action;
    p.default_errno_ret = s.default_errno_ret;
    p.architectures = s.architectures;
    p.flags = s.flags;
    p.listener_path = s.listener_path;
    p.listener_metadata = s.listener_metadata;
    for (const auto& r : s.syscalls) {
        DockerSyscall d;
        d.names = r.names;
        d.action = r.action;
        d.errno_ret = r.errno_ret;
        d.args = r.args;
        p.syscalls.push_back(std::move(d));
    }
    return p;
}

oci::Seccomp resolve_docker_profile(const DockerProfile& p, const SeccompTarget& target) {
    if (!p.architectures.empty() && !p.arch_map.empty())
        throw oci::Error("seccomp profile: both 'architectures' and 'archMap' are specified");
    oci::Seccomp out;
    out.default_action = p.default_action;
    out.default_errno_ret = p.default_errno_ret;
    out.flags = p.flags;
    out.listener_path = p.listener_path;
    out.listener_metadata = p.listener_metadata;
    if (!p.arch_map.empty()) {
        std::string native = scmp_arch_for_go(target.arch);
        for (const auto& a : p.arch_map)
            if (a.arch == native) {
                out.architectures.push_back(a.arch);
                out.architectures.insert(out.architectures.end(), a.sub_arches.begin(),
                                         a.sub_arches.end());
            }
    } else {
        out.architectures = p.architectures;
    }
    const bool kernel_known = target.kernel_major > 0;
    auto kernel_at_least = [&](const std::string& v) {
        auto [a, b] = parse_version(v);
        return std::pair(target.kernel_major, target.kernel_minor) >= std::pair(a, b);
    };
    out.syscalls.reserve(p.syscalls.size());
    for (const auto& r : p.syscalls) {
        const auto& in = r.includes;
        if (!in.arches.empty() && !contains(in.arches, target.arch)) continue;
        if (!in.caps.empty() &&
            !std::all_of(in.caps.begin(), in.caps.end(),
                         [&](const std::string& c) { return contains(target.capabilities, c); }))
            continue;
        if (!in.min_kernel.empty() && kernel_known && !kernel_at_least(in.min_kernel)) continue;
        const auto& ex = r.excludes;
        if (!ex.arches.empty() && contains(ex.arches, target.arch)) continue;
        if (std::any_of(ex.caps.begin(), ex.caps.end(),
                        [&](const std::string& c) { return contains(target.capabilities, c); }))
            continue;
        if (!ex.min_kernel.empty() && kernel_known && kernel_at_least(ex.min_kernel)) continue;
        oci::SeccompSyscall s;
        s.names = r.names;
        s.action = r.action;
        s.errno_ret = r.errno_ret;
        s.args = r.args;
        out.syscalls.push_back(std::move(s));
    }
    return out;
}

oci::Seccomp seccomp_from_profile_json(const json::Value& doc, const std::string& file,
                                       const SeccompTarget& target) {
    if (is_docker_profile(doc)) {
        try {
            return resolve_docker_profile(docker_profile_from_json(doc, file), target);
        } catch (const oci::Error& e) {
            std::string m = e.what();
            if (m.rfind("seccomp profile: ", 0) == 0) throw oci::Error(file + ": " + m.substr(17));
            throw;
        }
    }
    return oci::seccomp_from_json(doc, file);
}

oci::Seccomp load_seccomp_profile(const std::string& path, const SeccompTarget& target) {
    return seccomp_from_profile_json(json::parse_file(path), path, target);
}

}  // namespace rampart::policy
