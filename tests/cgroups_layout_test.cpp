// Layout detection against fake mountinfo text for v1, v2 and hybrid hosts.
#include <gtest/gtest.h>

#include "oci/error.hpp"
#include "runtime/cgroups/cgroups.hpp"

using namespace rampart::cgroups;

namespace {

const char* kHybrid =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// Debian 10 style v1: combined mounts, release_agent, xattr, a named hierarchy.
const char* kV1 =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid shared:5 - cgroup cgroup rw,xattr,name=systemd,release_agent=/lib/systemd/systemd-cgroups-agent\n"
    "29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:7 - cgroup cgroup rw,cpu,cpuacct\n"
    "30 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid shared:8 - cgroup cgroup rw,net_cls,net_prio\n"
    "31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid shared:9 - cgroup cgroup rw,memory\n"
    "32 25 0:29 / /sys/fs/cgroup/hugetlb rw,nosuid shared:10 - cgroup cgroup rw,hugetlb\n";

const char* kV2 =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
    // a bind mount of a sub-tree elsewhere must not win over the root mount
    "90 22 0:23 /user.slice /mnt/with\\040space rw - cgroup2 cgroup2 rw\n";

}  // namespace

TEST(CgroupsLayout, Hybrid) {
    Layout l = parse_layout(kHybrid, "hugetlb\n");
    EXPECT_EQ(l.mode, Mode::Hybrid);
    EXPECT_EQ(l.v2_root, "/sys/fs/cgroup/unified");
    EXPECT_EQ(v1_mount(l, "memory"), "/sys/fs/cgroup/memory");
    EXPECT_EQ(v1_mount(l, "cpuacct"), "/sys/fs/cgroup/cpuacct");
    EXPECT_EQ(v1_mount(l, "name=systemd"), "/sys/fs/cgroup/systemd");
    EXPECT_EQ(v1_mount(l, "hugetlb"), "");
    EXPECT_TRUE(on_v2(l, "hugetlb"));
    EXPECT_FALSE(on_v2(l, "memory"));  // mounted on v1: used there
    EXPECT_FALSE(on_v2(l, "io"));      // not offered by the v2 root
    EXPECT_STREQ(mode_name(l.mode), "hybrid");
}

TEST(CgroupsLayout, V1CombinedMounts) {
    Layout l = parse_layout(kV1, "");
    EXPECT_EQ(l.mode, Mode::V1);
    EXPECT_EQ(l.v2_root, "");
    EXPECT_EQ(v1_mount(l, "cpu"), "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(v1_mount(l, "cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(v1_mount(l, "net_prio"), "/sys/fs/cgroup/net_cls,net_prio");
    EXPECT_EQ(v1_mount(l, "name=systemd"), "/sys/fs/cgroup/systemd");
    EXPECT_EQ(v1_mount(l, "xattr"), "");
    EXPECT_EQ(v1_mount(l, "release_agent=/lib/systemd/systemd-cgroups-agent"), "");
    EXPECT_FALSE(on_v2(l, "memory"));
}

TEST(CgroupsLayout, V2) {
    Layout l = parse_layout(kV2, "cpuset cpu io memory hugetlb pids rdma misc\n");
    EXPECT_EQ(l.mode, Mode::V2);
    EXPECT_EQ(l.v2_root, "/sys/fs/cgroup");
    EXPECT_TRUE(l.v1.empty());
    EXPECT_EQ(l.v2_controllers.size(), 8u);
    EXPECT_TRUE(on_v2(l, "memory"));
    EXPECT_TRUE(on_v2(l, "io"));
    EXPECT_FALSE(on_v2(l, "blkio"));
}

TEST(CgroupsLayout, V2WithOnlyNamedV1HierarchyIsV2) {
    std::string text = std::string(kV2) +
                       "40 26 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n";
    EXPECT_EQ(parse_layout(text, "memory pids").mode, Mode::V2);
}

TEST(CgroupsLayout, EscapedMountPoint) {
    Layout l = parse_layout("1 0 0:1 / /a\\040b rw - cgroup2 cgroup2 rw\n", "pids");
    EXPECT_EQ(l.v2_root, "/a b");
}

TEST(CgroupsLayout, NoCgroupsIsAnError) {
    EXPECT_THROW(parse_layout("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", ""), oci::Error);
}

TEST(CgroupsLayout, DetectReadsAFile) {
    char path[] = "/tmp/rampart-mountinfo-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, kV1, strlen(kV1)), static_cast<ssize_t>(strlen(kV1)));
    close(fd);
    Layout l = detect(path);
    unlink(path);
    EXPECT_EQ(l.mode, Mode::V1);
    EXPECT_THROW(detect("/nonexistent/mountinfo"), oci::Error);
}

TEST(CgroupsLayout, ThisHost) {
    Layout l = detect();
    // Any layout is fine; it must name where memory lives.
    EXPECT_TRUE(!v1_mount(l, "memory").empty() || on_v2(l, "memory") || l.mode == Mode::V2);
}

TEST(CgroupsPath, Resolve) {
    EXPECT_EQ(resolve_cgroups_path("", "abc"), "/rampart/abc");
    EXPECT_EQ(resolve_cgroups_path("/docker/abc", "abc"), "/docker/abc");
    EXPECT_EQ(resolve_cgroups_path("//a//b/", "x"), "/a/b");
    EXPECT_EQ(resolve_cgroups_path("a/b", "x"), "a/b");
    EXPECT_THROW(resolve_cgroups_path("/a/../b", "x"), oci::Error);
    EXPECT_THROW(resolve_cgroups_path("/", "x"), oci::Error);
    EXPECT_THROW(resolve_cgroups_path("", "../x"), oci::Error);
    try {
        resolve_cgroups_path("system.slice:docker:abc", "abc");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("systemd"), std::string::npos);
    }
}

TEST(CgroupsPath, RelativeJoinsOwnCgroupPerHierarchy) {
    Layout l = parse_layout(kHybrid, "hugetlb");
    auto m = Manager::open("sub/c1", "c1", l, "4:memory:/session/x\n1:cpu:/\n0::/u\n");
    EXPECT_EQ(m->path("memory"), "/sys/fs/cgroup/memory/session/x/sub/c1");
    EXPECT_EQ(m->path("cpu"), "/sys/fs/cgroup/cpu/sub/c1");
    EXPECT_EQ(m->path("hugetlb"), "/sys/fs/cgroup/unified/u/sub/c1");
    EXPECT_EQ(m->path(), "/sys/fs/cgroup/unified/u/sub/c1");
    auto a = Manager::open("", "c1", l, "");
    EXPECT_EQ(a->path("pids"), "/sys/fs/cgroup/pids/rampart/c1");
    // named hierarchies are not joined; v2 tree is
    auto d = a->dirs();
    EXPECT_EQ(d.size(), 9u);  // 8 v1 controllers + unified
    EXPECT_EQ(std::count(d.begin(), d.end(), "/sys/fs/cgroup/systemd/rampart/c1"), 0);
}

TEST(CgroupsPath, CombinedV1MountIsOneDirectory) {
    Layout l = parse_layout(kV1, "");
    auto m = Manager::open("/x", "x", l, "");
    EXPECT_EQ(m->path("cpu"), m->path("cpuacct"));
    EXPECT_EQ(m->dirs().size(), 4u);  // cpu,cpuacct  net_cls,net_prio  memory  hugetlb
}
