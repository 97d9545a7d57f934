// AppArmor and SELinux label handling (runtime/security/apparmor.hpp, selinux.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "oci/error.hpp"
#include "runtime/security/apparmor.hpp"
#include "runtime/security/selinux.hpp"

using namespace rampart::security;
using ::testing::HasSubstr;

namespace {
std::string param_file(const char* content) {
    char t[] = "/tmp/rampart-aa-param-XXXXXX";
    int fd = mkstemp(t);
    close(fd);
    std::ofstream(t) << content;
    return t;
}
}  // namespace

TEST(Apparmor, EnabledReadsParameter) {
    std::string y = param_file("Y\n"), n = param_file("N\n");
    EXPECT_TRUE(apparmor_enabled(y));
    EXPECT_FALSE(apparmor_enabled(n));
    EXPECT_FALSE(apparmor_enabled("/nonexistent/enabled"));
    std::remove(y.c_str());
    std::remove(n.c_str());
}

TEST(Apparmor, DisabledHostGivesClearErrorOrSkip) {
    try {
        apply_apparmor("docker-default", WhenDisabled::Error, "/nonexistent/enabled");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(),
                     "process.apparmorProfile \"docker-default\": AppArmor is not enabled on this host");
    }
    EXPECT_FALSE(apply_apparmor("docker-default", WhenDisabled::Skip, "/nonexistent/enabled"));
    EXPECT_FALSE(apply_apparmor("", WhenDisabled::Error, "/nonexistent/enabled"));
}

TEST(Apparmor, LoadRefusedWhereNotEnabled) {
    try {
        load_apparmor_profile("docker-x", "profile docker-x {}\n", "/nonexistent/enabled");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("AppArmor is not enabled on this host: cannot load profile docker-x"));
    }
}

TEST(Apparmor, CheckProfileUsesRealParser) {
    if (access("/usr/sbin/apparmor_parser", X_OK) != 0 && access("/sbin/apparmor_parser", X_OK) != 0)
        GTEST_SKIP() << "apparmor_parser missing";
    EXPECT_EQ(check_apparmor_profile("profile ok {\n  /tmp/** rw,\n}\n"), "");
    EXPECT_THAT(check_apparmor_profile("profile bad {\n  /tmp/** rw\n"), HasSubstr("error"));
}

TEST(Selinux, LabelShape) {
    EXPECT_NO_THROW(validate_selinux_label("f", "system_u:system_r:container_t:s0:c1,c2"));
    EXPECT_NO_THROW(validate_selinux_label("f", "user_u:role_r:type_t"));
    EXPECT_THROW(validate_selinux_label("f", "container_t"), oci::Error);
    EXPECT_THROW(validate_selinux_label("f", "a::t"), oci::Error);
    EXPECT_THROW(validate_selinux_label("f", ":r:t"), oci::Error);
    EXPECT_THROW(validate_selinux_label("f", "u:r:"), oci::Error);
    EXPECT_THROW(validate_selinux_label("f", "u:r:t s0"), oci::Error);
    try {
        validate_selinux_label("process.selinuxLabel", "bogus");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "process.selinuxLabel \"bogus\": not an SELinux context (user:role:type[:level])");
    }
}

TEST(Selinux, DisabledHostGivesClearErrorOrSkip) {
    try {
        apply_selinux_label("system_u:system_r:container_t:s0", false);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "process.selinuxLabel \"system_u:system_r:container_t:s0\": "
                               "SELinux is not enabled on this host");
    }
    EXPECT_FALSE(apply_selinux_label("system_u:system_r:container_t:s0", false, WhenDisabled::Skip));
    EXPECT_FALSE(apply_selinux_label("", false));
    EXPECT_THROW(apply_selinux_label("garbage", false, WhenDisabled::Skip), oci::Error);
}

TEST(Selinux, MountOptionFormatting) {
    EXPECT_EQ(selinux_mount_option("system_u:object_r:container_file_t:s0:c1,c2"),
              "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
    EXPECT_EQ(add_mount_label("mode=755,size=65536k", "u:object_r:t:s0", true),
              "mode=755,size=65536k,context=\"u:object_r:t:s0\"");
    EXPECT_EQ(add_mount_label("", "u:object_r:t:s0", true), "context=\"u:object_r:t:s0\"");
    EXPECT_EQ(add_mount_label("mode=755", "u:object_r:t:s0", false), "mode=755");
    EXPECT_EQ(add_mount_label("mode=755", "", true), "mode=755");
    EXPECT_THROW(selinux_mount_option("u:r:t\",uid=0"), oci::Error);
    EXPECT_THROW(selinux_mount_option("u:r:t\nx"), oci::Error);
}

TEST(Selinux, EnabledMatchesHost) {
    // No SELinux on these hosts: /sys/fs/selinux absent means disabled.
    if (access("/sys/fs/selinux/enforce", F_OK) != 0) {
        EXPECT_FALSE(selinux_enabled());
    }
}
