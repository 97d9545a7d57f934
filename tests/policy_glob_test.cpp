#include <gtest/gtest.h>

#include "policy/glob.hpp"

using namespace rampart::policy;

TEST(PolicyGlob, ShellStyle) {
    EXPECT_TRUE(glob_match("*nginx*", "docker.io/library/nginx:1.25"));
    EXPECT_FALSE(glob_match("*nginx*", "docker.io/library/redis"));
    EXPECT_TRUE(glob_match("/usr/*", "/usr/sbin/nginx"));  // '*' crosses '/' here (fnmatch)
    EXPECT_TRUE(glob_match("net.*", "net.ipv4.ip_forward"));
    EXPECT_TRUE(glob_match("a?c", "abc"));
    EXPECT_FALSE(glob_match("a?c", "ac"));
    EXPECT_TRUE(glob_match("v[0-9]", "v7"));
    EXPECT_FALSE(glob_match("v[!0-9]", "v7"));
    EXPECT_TRUE(glob_match("a\\*", "a*"));
    EXPECT_FALSE(glob_match("a\\*", "ab"));
    EXPECT_TRUE(glob_match("", ""));
    EXPECT_FALSE(glob_match("", "x"));
    EXPECT_TRUE(glob_match("*", ""));
}

TEST(PolicyGlob, PathStyle) {
    EXPECT_TRUE(path_glob_match("/etc/**", "/etc/ssl/certs/a.pem"));
    EXPECT_TRUE(path_glob_match("/etc/**", "/etc"));
    EXPECT_FALSE(path_glob_match("/etc/**", "/etcetera"));
    EXPECT_TRUE(path_glob_match("/etc/*", "/etc/passwd"));
    EXPECT_FALSE(path_glob_match("/etc/*", "/etc/ssl/certs"));
    EXPECT_TRUE(path_glob_match("/", "/"));
    EXPECT_FALSE(path_glob_match("/", "/etc"));
    EXPECT_TRUE(path_glob_match("/var/run/docker.sock", "/var/run/docker.sock"));
    EXPECT_TRUE(path_glob_match("/proc/**/mem", "/proc/1/task/2/mem"));
    EXPECT_TRUE(path_glob_match("/dev/sd?", "/dev/sda"));
    EXPECT_FALSE(path_glob_match("/dev/sd?", "/dev/sda1"));
    EXPECT_TRUE(path_glob_match("/**", "/anything/at/all"));
}

TEST(PolicyGlob, LiteralPrefix) {
    EXPECT_EQ(glob_literal_prefix("/etc/**"), "/etc");
    EXPECT_EQ(glob_literal_prefix("/var/run/docker.sock"), "/var/run/docker.sock");
    EXPECT_EQ(glob_literal_prefix("/*"), "/");
    EXPECT_EQ(glob_literal_prefix("/dev/sd?"), "/dev");
}

TEST(PolicyGlob, CleanPath) {
    EXPECT_EQ(clean_path("/a/./b/../c//"), "/a/c");
    EXPECT_EQ(clean_path("/../.."), "/");
    EXPECT_EQ(clean_path("/var//run/docker.sock"), "/var/run/docker.sock");
    EXPECT_EQ(clean_path(""), "/");
}
