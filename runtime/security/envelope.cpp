// Deciding and applying the MAC/Landlock envelope.
#include "runtime/security/envelope.hpp"

#include <unistd.h>

#include <filesystem>

#include "oci/error.hpp"
#include "policy/bane_toml.hpp"
#include "runtime/process/process.hpp"
#include "runtime/security/seccomp_learn.hpp"
#include "runtime/security/selinux.hpp"

namespace rampart::security {
namespace {

uint64_t access_from_names(const std::string& names, const std::string& where) {
    static const char* const kNames[] = {"execute",    "write_file", "read_file", "read_dir",
                                         "remove_dir", "remove_file", "make_char", "make_dir",
                                         "make_reg",   "make_sock",  "make_fifo", "make_block",
                                         "make_sym",   "refer",      "truncate",  "ioctl_dev"};
    uint64_t access = 0;
    size_t start = 0;
    while (start < names.size()) {
        size_t end = names.find(',', start);
        if (end == std::string::npos) end = names.size();
        std::string n = names.substr(start, end - start);
        bool found = false;
        for (int i = 0; i < 16; ++i)
            if (n == kNames[i]) {
                access |= 1ULL << i;
                found = true;
            }
        if (!found) throw oci::Error("landlock.json: " + where + ": unknown right \"" + n + "\"");
        start = end + 1;
    }
    return access;
}

const std::string& str(const oci::json::Value& v, const char* key, const std::string& where) {
    const auto* x = v.find(key);
    if (!x || !x->is_string()) throw oci::Error("landlock.json: " + where + key + ": string expected");
    return x->as_string();
}

// process.apparmorProfile / process.selinuxLabel into `env`; a label the host cannot honour
// is refused naming the file (`source`), the field and the way out.
void take_labels(const oci::Process& p, const std::string& source, Envelope& env) {
    if (p.apparmor_profile && !p.apparmor_profile->empty() && *p.apparmor_profile != "unconfined") {
        if (!apparmor_enabled())
            throw oci::Error(source + ": process.apparmorProfile \"" + *p.apparmor_profile +
                             "\": AppArmor is not enabled on this host (leave the field out, or use "
                             "Landlock through the policy or the run.rampart.landlock annotation)");
        env.apparmor_profile = *p.apparmor_profile;
    }
    if (p.selinux_label && !p.selinux_label->empty()) {
        validate_selinux_label(source + ": process.selinuxLabel", *p.selinux_label);
        if (!selinux_enabled())
            throw oci::Error(source + ": process.selinuxLabel \"" + *p.selinux_label +
                             "\": SELinux is not enabled on this host (leave the field out)");
        env.selinux_label = *p.selinux_label;
    }
}

}  // namespace

std::string annotation_path(const std::string& annotation, const std::string& value,
                            const std::string& dir, const std::string& allowed_root) {
    const std::string what = "annotation " + annotation + "=\"" + value + "\"";
    if (value.empty()) throw oci::Error(what + ": empty");
    std::string path;
    if (value[0] == '/') {
        std::string norm = std::filesystem::path(value).lexically_normal().string();
        if (norm.rfind(allowed_root + "/", 0) != 0)
            throw oci::Error(what + ": must name a file in " + dir + " (or under " + allowed_root +
                             "); set other paths in the policy file");
        path = norm;
    } else {
        if (value.find('/') != std::string::npos || value == "." || value == "..")
            throw oci::Error(what + ": must be a file name (resolved in " + dir + ")");
        path = dir + "/" + value;
    }
    return path;
}

namespace {
// `--privileged` on a host whose bounding set lacks some capability: the init gets what
// the host has (process::apply_capabilities); say which were left out.
void note_unavailable_capabilities(const oci::Process* proc, Envelope& env) {
    if (!proc || !proc->capabilities) return;
    std::string names;
    for (const auto& n : process::unavailable_capabilities(*proc->capabilities))
        names += (names.empty() ? "" : ", ") + n;
    if (!names.empty())
        env.warnings.push_back("capabilities not granted (the host's bounding set lacks them): " + names);
}
}  // namespace

Envelope prepare_envelope(const oci::Spec& spec, const std::string& policy_landlock,
                          const std::string& rootfs, const std::string& learn_flag) {
    Envelope env;
    const oci::Process* proc = spec.process ? &*spec.process : nullptr;
    if (proc) take_labels(*proc, "config.json", env);

    std::string toml = policy_landlock;
    if (toml.empty()) {
        auto it = spec.annotations.find(kLandlockAnnotation);
        if (it != spec.annotations.end())
            toml = annotation_path(kLandlockAnnotation, it->second, kLandlockDir, "/etc/rampart");
    }
    if (!toml.empty()) {
        env.landlock_toml = toml;
        env.landlock = plan_landlock(policy::load_bane_toml(toml), landlock_abi(), rootfs, proc);
        env.warnings = env.landlock->warnings;
    }

    if (!learn_flag.empty()) {
        env.learn_path = std::filesystem::absolute(learn_flag).lexically_normal().string();
    } else if (auto it = spec.annotations.find(kSeccompLearnAnnotation); it != spec.annotations.end()) {
        if (it->second.empty() || it->second.find('/') != std::string::npos || it->second[0] == '.')
            throw oci::Error("annotation " + std::string(kSeccompLearnAnnotation) + "=\"" + it->second +
                             "\": must be a file name (written to " + kLearnDir + ")");
        std::filesystem::create_directories(kLearnDir);
        env.learn_path = std::string(kLearnDir) + "/" + it->second;
    }
    if (!env.learn_path.empty()) {
        check_learnable(spec.linux && spec.linux->seccomp ? &*spec.linux->seccomp : nullptr);
        std::string dir = std::filesystem::path(env.learn_path).parent_path().string();
        if (access(dir.c_str(), W_OK) != 0)
            throw oci::SysError("--seccomp-learn " + env.learn_path + ": directory " + dir);
        env.warnings.push_back("seccomp learning: every syscall is recorded to " + env.learn_path +
                               " (stacked on the configured profile)");
    }
    note_unavailable_capabilities(proc, env);
    return env;
}

Envelope exec_envelope(const oci::Process& process, const oci::json::Value& landlock_record,
                       const std::string& source) {
    Envelope env;
    take_labels(process, source, env);
    if (landlock_record.is_object()) {
        env.landlock = landlock_plan_from_json(landlock_record);
        env.landlock_toml = env.landlock->source;
    }
    note_unavailable_capabilities(&process, env);
    return env;
}

void apply_envelope(const Envelope& env) {
    if (!env.apparmor_profile.empty()) apply_apparmor(env.apparmor_profile);
    if (!env.selinux_label.empty()) apply_selinux_label(env.selinux_label, true);
    if (env.landlock) apply_landlock(*env.landlock);
}

LandlockPlan landlock_plan_from_json(const oci::json::Value& v) {
    if (!v.is_object()) throw oci::Error("landlock.json: object expected");
    LandlockPlan p;
    p.source = str(v, "source", "");
    p.profile = str(v, "profile", "");
    const auto* abi = v.find("abi");
    if (!abi || !abi->is_integer()) throw oci::Error("landlock.json: abi: integer expected");
    p.abi = static_cast<int>(abi->as_int());
    p.handled_fs = access_from_names(str(v, "handled_fs", ""), "handled_fs");
    const std::string& net = str(v, "handled_net", "");
    if (net.find("bind_tcp") != std::string::npos) p.handled_net |= ll::kBindTcp;
    if (net.find("connect_tcp") != std::string::npos) p.handled_net |= ll::kConnectTcp;
    const auto* rules = v.find("rules");
    if (!rules || !rules->is_array()) throw oci::Error("landlock.json: rules: array expected");
    for (size_t i = 0; i < rules->as_array().size(); ++i) {
        const auto& r = rules->as_array()[i];
        const std::string where = "rules[" + std::to_string(i) + "].";
        p.rules.push_back({str(r, "path", where), access_from_names(str(r, "access", where), where + "access"),
                           str(r, "origin", where)});
    }
    if (const auto* w = v.find("warnings"); w && w->is_array())
        for (const auto& x : w->as_array())
            if (x.is_string()) p.warnings.push_back(x.as_string());
    return p;
}

}  // namespace rampart::security
