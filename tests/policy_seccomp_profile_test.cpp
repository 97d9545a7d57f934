#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "oci/error.hpp"
#include "oci/bundle.hpp"
#include "oci/json.hpp"
#include "policy/docker_default.hpp"
#include "policy/seccomp_profile.hpp"

using namespace rampart::policy;
namespace json = oci::json;

namespace {

SeccompTarget target(std::vector<std::string> caps, std::string arch = "amd64", int maj = 6, int min = 1) {
    return SeccompTarget{std::move(caps), std::move(arch), maj, min};
}

// Is `name` allowed by some rule (any args)?
bool allows(const oci::Seccomp& s, const std::string& name, bool unconditional = false) {
    for (const auto& r : s.syscalls)
        if (seccomp_action_allows(r.action) && (!unconditional || r.args.empty()) &&
            std::find(r.names.begin(), r.names.end(), name) != r.names.end())
            return true;
    return false;
}

}  // namespace

TEST(PolicySeccompProfile, EmbeddedIsDockersProfile) {
    const auto& p = docker_default_seccomp();
    EXPECT_EQ(p.default_action, "SCMP_ACT_ERRNO");
    ASSERT_TRUE(p.default_errno_ret);
    EXPECT_EQ(*p.default_errno_ret, 1u);
    EXPECT_EQ(p.arch_map.size(), 9u);
    EXPECT_GT(p.syscalls.size(), 30u);
    EXPECT_EQ(&p, &docker_default_seccomp());  // parsed once
#ifdef RAMPART_REFERENCE_DIR
    std::ifstream f(RAMPART_REFERENCE_DIR "/docker-default-seccomp.json");
    if (f) {  // the checked-in copy matches the reference when it is around
        std::string ref((std::istreambuf_iterator<char>(f)), {});
        EXPECT_EQ(ref, docker_default_seccomp_json()) << "run scripts/gen-docker-seccomp";
    }
#endif
}

TEST(PolicySeccompProfile, DefaultCapsAmd64) {
    auto s = resolve_docker_profile(docker_default_seccomp(), target(docker_default_capabilities()));
    EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
    EXPECT_EQ(s.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
    EXPECT_TRUE(allows(s, "read", true));
    EXPECT_TRUE(allows(s, "arch_prctl"));          // includes.arches amd64
    EXPECT_FALSE(allows(s, "s390_runtime_instr"));  // s390 only
    EXPECT_FALSE(allows(s, "set_tls"));             // arm only
    EXPECT_FALSE(allows(s, "mount"));               // needs CAP_SYS_ADMIN
    EXPECT_FALSE(allows(s, "reboot"));              // needs CAP_SYS_BOOT
    EXPECT_TRUE(allows(s, "chroot"));               // CAP_SYS_CHROOT is a default cap
    EXPECT_TRUE(allows(s, "ptrace"));               // minKernel 4.8 on 6.1
    EXPECT_TRUE(allows(s, "clone"));                // the masked clone rule (excludes SYS_ADMIN)
    bool clone3_enosys = false;
    for (const auto& r : s.syscalls)
        if (r.names == std::vector<std::string>{"clone3"} && r.action == "SCMP_ACT_ERRNO")
            clone3_enosys = r.errno_ret && *r.errno_ret == 38;
    EXPECT_TRUE(clone3_enosys);
}

TEST(PolicySeccompProfile, SysAdminIncludesMountAndDropsExcludes) {
    auto caps = docker_default_capabilities();
    caps.push_back("CAP_SYS_ADMIN");
    auto s = resolve_docker_profile(docker_default_seccomp(), target(caps));
    EXPECT_TRUE(allows(s, "mount", true));
    EXPECT_TRUE(allows(s, "unshare", true));
    EXPECT_TRUE(allows(s, "clone", true));
    for (const auto& r : s.syscalls)  // clone3 ENOSYS rule excluded for CAP_SYS_ADMIN
        EXPECT_FALSE(r.names == std::vector<std::string>{"clone3"} && r.action == "SCMP_ACT_ERRNO");
}

TEST(PolicySeccompProfile, ArchAndKernelFilters) {
    auto arm = resolve_docker_profile(docker_default_seccomp(), target({}, "arm64"));
    EXPECT_EQ(arm.architectures, (std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
    EXPECT_TRUE(allows(arm, "set_tls"));
    EXPECT_FALSE(allows(arm, "arch_prctl"));
    auto s390 = resolve_docker_profile(docker_default_seccomp(), target({}, "s390x"));
    // the generic clone rule excludes s390; the s390 one (arg 1) applies
    for (const auto& r : s390.syscalls) {
        if (r.names == std::vector<std::string>{"clone"}) {
            EXPECT_EQ(r.args.at(0).index, 1u);
        }
    }
    auto old = resolve_docker_profile(docker_default_seccomp(), target({}, "amd64", 4, 4));
    EXPECT_FALSE(allows(old, "ptrace"));  // minKernel 4.8
    auto riscv = resolve_docker_profile(docker_default_seccomp(), target({}, "riscv64"));
    EXPECT_EQ(riscv.architectures, std::vector<std::string>{"SCMP_ARCH_RISCV64"});
}

TEST(PolicySeccompProfile, ExcludesAndNameForm) {
    auto doc = json::parse(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
      "syscalls":[{"name":"a","action":"SCMP_ACT_ALLOW"},
                  {"names":["b"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_NET_ADMIN"]}},
                  {"names":["c"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["amd64"]}},
                  {"names":["d"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":"5.0"}},
                  {"names":["e"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_NET_ADMIN","CAP_BPF"]}}]})",
                           "p.json");
    ASSERT_TRUE(is_docker_profile(doc));
    auto s = seccomp_from_profile_json(doc, "p.json", target({"CAP_NET_ADMIN"}));
    EXPECT_EQ(s.architectures, std::vector<std::string>{"SCMP_ARCH_X86_64"});
    EXPECT_TRUE(allows(s, "a"));
    EXPECT_FALSE(allows(s, "b"));
    EXPECT_FALSE(allows(s, "c"));
    EXPECT_FALSE(allows(s, "d"));   // kernel 6.1 >= 5.0
    EXPECT_FALSE(allows(s, "e"));   // needs both caps
    auto s2 = seccomp_from_profile_json(doc, "p.json", target({"CAP_NET_ADMIN", "CAP_BPF"}, "arm64", 4, 19));
    EXPECT_TRUE(allows(s2, "c"));
    EXPECT_TRUE(allows(s2, "d"));
    EXPECT_TRUE(allows(s2, "e"));
}

TEST(PolicySeccompProfile, Errors) {
    auto both = json::parse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]})", "x");
    EXPECT_THROW(docker_profile_from_json(both, "x.json"), oci::Error);
    auto bad_cap = json::parse(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_NOPE"]}}]})", "x");
    try {
        docker_profile_from_json(bad_cap, "x.json");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "x.json: syscalls[0].includes.caps[0]: unknown capability \"CAP_NOPE\"");
    }
    auto bad_action = json::parse(R"({"defaultAction":"SCMP_ACT_NOPE","archMap":[]})", "x");
    EXPECT_THROW(docker_profile_from_json(bad_action, "x.json"), oci::Error);
    DockerProfile p;
    p.default_action = "SCMP_ACT_ERRNO";
    p.architectures = {"SCMP_ARCH_X86_64"};
    p.arch_map = {DockerArch{"SCMP_ARCH_X86_64", {}}};
    EXPECT_THROW(resolve_docker_profile(p, target({})), oci::Error);
}

TEST(PolicySeccompProfile, OciFormatDetectedAndRoundTrip) {
    auto doc = json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["bpf"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})", "o");
    EXPECT_FALSE(is_docker_profile(doc));
    auto s = seccomp_from_profile_json(doc, "o.json", target({}));
    EXPECT_EQ(s.default_action, "SCMP_ACT_ALLOW");
    ASSERT_EQ(s.syscalls.size(), 1u);
    EXPECT_EQ(s.syscalls[0].names, std::vector<std::string>{"bpf"});
    // Docker <-> JSON round trip keeps includes/excludes.
    auto back = docker_profile_from_json(docker_profile_to_json(docker_default_seccomp()), "rt");
    auto a = resolve_docker_profile(back, target({"CAP_SYS_ADMIN"}));
    auto b = resolve_docker_profile(docker_default_seccomp(), target({"CAP_SYS_ADMIN"}));
    EXPECT_EQ(json::serialize(oci::seccomp_to_json(a)), json::serialize(oci::seccomp_to_json(b)));
    auto from_oci = docker_profile_from_oci(s);
    EXPECT_EQ(from_oci.syscalls.size(), 1u);
    EXPECT_EQ(scmp_arch_for_go("amd64"), "SCMP_ARCH_X86_64");
    EXPECT_EQ(scmp_arch_for_go("nope"), "");
    EXPECT_FALSE(host_go_arch().empty());
    EXPECT_GT(host_kernel_version().first, 2);
}
