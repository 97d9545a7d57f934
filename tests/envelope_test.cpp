#include "tests/reference.hpp"
#include "runtime/security/envelope.hpp"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oci/error.hpp"
#include "runtime/security/selinux.hpp"

using namespace rampart::security;
using ::testing::Contains;
using ::testing::HasSubstr;

namespace {
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "";
}
oci::Spec spec_with_process() {
    oci::Spec s;
    s.process.emplace();
    s.process->args = {"/bin/sh"};
    return s;
}
}  // namespace

TEST(Envelope, AnnotationPathsConfined) {
    EXPECT_EQ(annotation_path("a", "nginx.toml", "/etc/rampart/landlock", "/etc/rampart"),
              "/etc/rampart/landlock/nginx.toml");
    EXPECT_EQ(annotation_path("a", "/etc/rampart/profiles/x.toml", "/etc/rampart/landlock", "/etc/rampart"),
              "/etc/rampart/profiles/x.toml");
    EXPECT_THAT(error_of([] { annotation_path("a", "/etc/shadow", "/etc/rampart/landlock", "/etc/rampart"); }),
                HasSubstr("annotation a=\"/etc/shadow\": must name a file in /etc/rampart/landlock"));
    EXPECT_THAT(error_of([] { annotation_path("a", "/etc/rampart/../shadow", "/d", "/etc/rampart"); }),
                HasSubstr("must name a file"));
    EXPECT_THAT(error_of([] { annotation_path("a", "../x.toml", "/d", "/etc/rampart"); }),
                HasSubstr("must be a file name"));
    EXPECT_THAT(error_of([] { annotation_path("a", "", "/d", "/etc/rampart"); }), HasSubstr("empty"));
}

TEST(Envelope, NothingAskedNothingApplied) {
    Envelope env = prepare_envelope(spec_with_process(), "", "", "");
    EXPECT_FALSE(env.landlock);
    EXPECT_TRUE(env.apparmor_profile.empty());
    EXPECT_TRUE(env.learn_path.empty());
    EXPECT_NO_THROW(apply_envelope(env));
}

TEST(Envelope, LabelsNeedTheirLsm) {
    if (apparmor_enabled()) GTEST_SKIP() << "AppArmor is enabled here";
    oci::Spec s = spec_with_process();
    s.process->apparmor_profile = "docker-default";
    EXPECT_EQ(error_of([&] { prepare_envelope(s, "", "", ""); }),
              "config.json: process.apparmorProfile \"docker-default\": AppArmor is not enabled on this host "
              "(leave the field out, or use Landlock through the policy or the run.rampart.landlock annotation)");
    s.process->apparmor_profile = "unconfined";
    EXPECT_NO_THROW(prepare_envelope(s, "", "", ""));
    s.process->selinux_label = "system_u:system_r:container_t:s0";
    if (!selinux_enabled()) {
        EXPECT_EQ(error_of([&] { prepare_envelope(s, "", "", ""); }),
                  "config.json: process.selinuxLabel \"system_u:system_r:container_t:s0\": SELinux is not enabled "
                  "on this host (leave the field out)");
    }
}

TEST(Envelope, LandlockFromPolicyAndPlanRoundTrip) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    if (landlock_abi() < 1) GTEST_SKIP() << "no Landlock";
    oci::Spec s = spec_with_process();
    Envelope env = prepare_envelope(s, RAMPART_REFERENCE_DIR "/bane-sample.toml", "", "");
    ASSERT_TRUE(env.landlock);
    EXPECT_EQ(env.landlock->profile, "nginx-sample");
    EXPECT_THAT(env.warnings, Contains(HasSubstr("LogOnWritePaths")));
    EXPECT_THAT(env.warnings, Contains(HasSubstr("no_new_privs will be set")));
    LandlockPlan back = landlock_plan_from_json(env.landlock->to_json());
    EXPECT_EQ(back.abi, env.landlock->abi);
    EXPECT_EQ(back.handled_fs, env.landlock->handled_fs);
    EXPECT_EQ(back.handled_net, env.landlock->handled_net);
    ASSERT_EQ(back.rules.size(), env.landlock->rules.size());
    for (size_t i = 0; i < back.rules.size(); ++i) {
        EXPECT_EQ(back.rules[i].path, env.landlock->rules[i].path);
        EXPECT_EQ(back.rules[i].access, env.landlock->rules[i].access);
    }
    EXPECT_EQ(back.warnings, env.landlock->warnings);
    Envelope ex = exec_envelope(*s.process, env.landlock->to_json());
    ASSERT_TRUE(ex.landlock);
    EXPECT_EQ(ex.landlock->rules.size(), env.landlock->rules.size());
    EXPECT_FALSE(exec_envelope(*s.process, oci::json::Value()).landlock);
}

TEST(Envelope, MalformedLandlockRecordRefused) {
    oci::json::Value v = oci::json::parse(
        R"({"source":"x","profile":"p","abi":3,"handled_fs":"read_file,fly","handled_net":"","rules":[]})", "t");
    EXPECT_THAT(error_of([&] { landlock_plan_from_json(v); }), HasSubstr("unknown right \"fly\""));
    EXPECT_THROW(landlock_plan_from_json(oci::json::parse("[]", "t")), oci::Error);
}

TEST(Envelope, LearningChecks) {
    oci::Spec s = spec_with_process();
    s.annotations[kSeccompLearnAnnotation] = "../../etc/passwd";
    EXPECT_THAT(error_of([&] { prepare_envelope(s, "", "", ""); }), HasSubstr("must be a file name"));
    s.annotations.clear();
    Envelope env = prepare_envelope(s, "", "", "/tmp/learned-test.json");
    EXPECT_EQ(env.learn_path, "/tmp/learned-test.json");
    s.linux.emplace();
    s.linux->seccomp.emplace();
    s.linux->seccomp->default_action = "SCMP_ACT_ALLOW";
    s.linux->seccomp->listener_path = "/run/l.sock";
    EXPECT_THAT(error_of([&] { prepare_envelope(s, "", "", "/tmp/x.json"); }), HasSubstr("listenerPath"));
    EXPECT_THROW(prepare_envelope(s, "", "", "/nonexistent-dir/x.json"), oci::Error);
}
