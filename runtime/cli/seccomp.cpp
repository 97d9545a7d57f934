// rampart seccomp from-strace|merge|diff: seccomp profile tools (Docker format out).
#include <cstdio>
#include <fstream>
#include <iostream>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "policy/seccomp_tools.hpp"
#include "runtime/cli/registry.hpp"
#if __has_include("policy/seccomp_profile.hpp")
#include "policy/seccomp_profile.hpp"
#define RAMPART_HAVE_DOCKER_PROFILES 1
#endif

namespace rampart::cli {
namespace {

// Docker's default capability set: what Docker-format includes/excludes resolve against
// unless --cap is given.
const std::vector<std::string> kDockerDefaultCaps = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};

oci::Seccomp load_profile(const std::string& path, const std::vector<std::string>& caps) {
#ifdef RAMPART_HAVE_DOCKER_PROFILES
    policy::SeccompTarget target;
    target.capabilities = caps;
    target.arch = policy::host_go_arch();
    return policy::load_seccomp_profile(path, target);
#else
    (void)caps;
    oci::json::Value doc = oci::json::parse_file(path);
    for (const char* k : {"archMap"})
        if (doc.find(k)) throw oci::Error(path + ": Docker's " + k + " is not supported by this build");
    return oci::seccomp_from_json(doc, path);
#endif
}

void write_profile(const oci::Seccomp& s, const std::string& out) {
    std::string text = oci::json::serialize(oci::seccomp_to_json(s), true) + "\n";
    if (out.empty() || out == "-") {
        std::fputs(text.c_str(), stdout);
        return;
    }
    std::ofstream f(out, std::ios::trunc);
    f << text;
    if (!f.flush()) throw oci::SysError("seccomp: write " + out);
}

int run_seccomp(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command(
        "seccomp",
        {{{"output", "o"}, FlagKind::String, "write the profile to FILE (default stdout)", "FILE"},
         {{"cap"}, FlagKind::List, "capabilities Docker-format includes/excludes resolve against (default: Docker's 14)", "CAP"}},
        args);
    if (!r) return 0;
    if (r->positional.empty()) return fail(g, "seccomp: missing subcommand (from-strace, merge, diff)");
    const std::string verb = r->positional[0];
    std::vector<std::string> caps = r->flags.has("cap") ? r->flags.list("cap") : kDockerDefaultCaps;
    for (auto& c : caps)
        if (c.rfind("CAP_", 0) != 0) c = "CAP_" + c;

    if (verb == "from-strace") {
        expect_args("seccomp", *r, 2, 2);
        const std::string& file = r->positional[1];
        policy::StraceSyscalls found;
        if (file == "-") {
            found = policy::syscalls_from_strace(std::cin);
        } else {
            std::ifstream in(file);
            if (!in) throw oci::SysError(file);
            found = policy::syscalls_from_strace(in);
        }
        for (const auto& u : found.unknown) warn(g, "seccomp: " + file + ": unknown syscall \"" + u + "\" skipped");
        if (found.names.empty()) return fail(g, "seccomp: " + file + ": no syscalls found (is it `strace -f` output?)");
        write_profile(policy::minimal_profile(found.names, policy::native_architectures()), r->flags.str("output"));
        return 0;
    }
    if (verb == "merge") {
        expect_args("seccomp", *r, 3, 3);
        write_profile(policy::merge_profiles(load_profile(r->positional[1], caps), load_profile(r->positional[2], caps)),
                      r->flags.str("output"));
        return 0;
    }
    if (verb == "diff") {
        expect_args("seccomp", *r, 3, 3);
        auto lines = policy::diff_profiles(load_profile(r->positional[1], caps), load_profile(r->positional[2], caps));
        for (const auto& l : lines) std::printf("%s\n", l.c_str());
        return lines.empty() ? 0 : 1;
    }
    return fail(g, "seccomp: unknown subcommand \"" + verb + "\" (from-strace, merge, diff)");
}

Registrar reg({"seccomp", "seccomp profile tools: import strace output, merge, diff",
               "seccomp from-strace FILE|- [-o OUT] | seccomp merge A B [-o OUT] | seccomp diff A B",
               run_seccomp});

}  // namespace
}  // namespace rampart::cli
