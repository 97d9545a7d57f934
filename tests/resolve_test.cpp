// runtime/rootfs/resolve.cpp: open_in_root / mkdir_in_root never leave the root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "child_helpers.hpp"
#include "oci/error.hpp"
#include "runtime/rootfs/rootfs.hpp"

using rampart::testing::TempDir;
namespace rootfs = rampart::rootfs;

namespace {

std::string real_path_of(int fd) {
    char buf[4096];
    ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof(buf) - 1);
    return n < 0 ? "" : std::string(buf, n);
}

bool exists(const std::string& p) {
    struct stat st;
    return lstat(p.c_str(), &st) == 0;
}

// A hostile image: symlinks pointing at the host's /etc, above the root, in loops, chains.
class Resolve : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        root_ = tmp_.path() + "/root";
        outside_ = tmp_.path() + "/outside";
        mkdir(root_.c_str(), 0755);
        mkdir(outside_.c_str(), 0755);
        mkdir((root_ + "/etc").c_str(), 0755);
        std::ofstream(root_ + "/etc/passwd") << "inside\n";
        std::ofstream(outside_ + "/secret") << "outside\n";
        mkdir((root_ + "/a").c_str(), 0755);
        mkdir((root_ + "/a/b").c_str(), 0755);
        std::ofstream(root_ + "/a/b/file") << "x";
        symlink("/etc", (root_ + "/hostetc").c_str());
        symlink("../../../../../..", (root_ + "/up").c_str());
        symlink(outside_.c_str(), (root_ + "/out").c_str());           // absolute host path
        symlink("../outside", (root_ + "/rel_out").c_str());            // relative escape
        symlink("loop2", (root_ + "/loop1").c_str());
        symlink("loop1", (root_ + "/loop2").c_str());
        symlink("chain2", (root_ + "/chain1").c_str());
        symlink("/chain3", (root_ + "/chain2").c_str());
        symlink("a/b", (root_ + "/chain3").c_str());
        symlink("../b/file", (root_ + "/a/b/self").c_str());
        symlink("/proc/self/root", (root_ + "/magic").c_str());
        symlink("/etc/passwd", (root_ + "/a/passwd_link").c_str());
        root_fd_ = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        ASSERT_GE(root_fd_, 0);
    }
    void TearDown() override { close(root_fd_); }

    // Resolves with the resolver under test and returns the real path (or "ERR:<errno>").
    std::string resolve(const std::string& path) {
        try {
            int fd = GetParam() ? rootfs::open_in_root_walk(root_fd_, path)
                                : rootfs::open_in_root(root_fd_, path);
            std::string real = real_path_of(fd);
            close(fd);
            return real;
        } catch (const oci::SysError& e) {
            return "ERR:" + std::to_string(e.code());
        }
    }

    TempDir tmp_;
    std::string root_, outside_;
    int root_fd_ = -1;
};

}  // namespace

TEST_P(Resolve, PlainPaths) {
    EXPECT_EQ(resolve("/"), root_);
    EXPECT_EQ(resolve(""), root_);
    EXPECT_EQ(resolve("/etc/passwd"), root_ + "/etc/passwd");
    EXPECT_EQ(resolve("a/b/file"), root_ + "/a/b/file");
    EXPECT_EQ(resolve("//a///b/./file"), root_ + "/a/b/file");
    EXPECT_EQ(resolve("/nope"), "ERR:" + std::to_string(ENOENT));
    EXPECT_EQ(resolve("/a/b/file/x"), "ERR:" + std::to_string(ENOTDIR));
}

TEST_P(Resolve, AbsoluteSymlinkToHostEtcStaysInside) {
    EXPECT_EQ(resolve("/hostetc"), root_ + "/etc");
    EXPECT_EQ(resolve("/hostetc/passwd"), root_ + "/etc/passwd");
    EXPECT_EQ(resolve("/a/passwd_link"), root_ + "/etc/passwd");
    // Host-only names do not exist in the root.
    EXPECT_EQ(resolve("/hostetc/hostname"), "ERR:" + std::to_string(ENOENT));
}

TEST_P(Resolve, DotDotIsClampedAtTheRoot) {
    EXPECT_EQ(resolve("../../../../etc/passwd"), root_ + "/etc/passwd");
    EXPECT_EQ(resolve("/up"), root_);
    EXPECT_EQ(resolve("/up/etc/passwd"), root_ + "/etc/passwd");
    EXPECT_EQ(resolve("/a/b/../../../../a/b/file"), root_ + "/a/b/file");
    EXPECT_EQ(resolve("/rel_out/secret"), "ERR:" + std::to_string(ENOENT));
    EXPECT_EQ(resolve("/out/secret"), "ERR:" + std::to_string(ENOENT));
}

TEST_P(Resolve, LoopsChainsAndMagicLinks) {
    EXPECT_EQ(resolve("/loop1"), "ERR:" + std::to_string(ELOOP));
    EXPECT_EQ(resolve("/loop1/x"), "ERR:" + std::to_string(ELOOP));
    EXPECT_EQ(resolve("/chain1/file"), root_ + "/a/b/file");
    EXPECT_EQ(resolve("/chain1/self"), root_ + "/a/b/file");
    // /proc/self/root inside the root is just a path there (no proc mounted): not found.
    std::string magic = resolve("/magic");
    EXPECT_TRUE(magic == "ERR:" + std::to_string(ENOENT)) << magic;
}

INSTANTIATE_TEST_SUITE_P(Openat2AndWalk, Resolve, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "walk" : "openat2"; });

TEST_F(Resolve, MkdirInRootCreatesInsideThroughHostileLinks) {
    rootfs::mkdir_in_root(root_fd_, "/new/dir/deep", false);
    EXPECT_TRUE(exists(root_ + "/new/dir/deep"));

    // Through a symlink to the host's /etc: created in the root's /etc.
    rootfs::mkdir_in_root(root_fd_, "/hostetc/rampart-test-dir", false);
    EXPECT_TRUE(exists(root_ + "/etc/rampart-test-dir"));
    EXPECT_FALSE(exists("/etc/rampart-test-dir"));

    // A dangling absolute link to a host directory: its target is created inside.
    rootfs::mkdir_in_root(root_fd_, "/out/sub", false);
    EXPECT_TRUE(exists(root_ + outside_ + "/sub"));
    EXPECT_FALSE(exists(outside_ + "/sub"));

    rootfs::mkdir_in_root(root_fd_, "/rel_out/sub2", false);
    EXPECT_TRUE(exists(root_ + "/outside/sub2"));
    EXPECT_FALSE(exists(outside_ + "/sub2"));

    rootfs::mkdir_in_root(root_fd_, "/up/../files/f", true);
    struct stat st;
    ASSERT_EQ(stat((root_ + "/files/f").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));

    // Existing paths are fine; a file in the middle is not.
    EXPECT_NO_THROW(rootfs::mkdir_in_root(root_fd_, "/a/b", false));
    EXPECT_THROW(rootfs::mkdir_in_root(root_fd_, "/a/b/file/sub", false), oci::SysError);
    EXPECT_THROW(rootfs::mkdir_in_root(root_fd_, "/loop1/sub", false), oci::SysError);
    // Errors name the path as resolved inside the root.
    try {
        rootfs::mkdir_in_root(root_fd_, "/chain1/file/sub", false);
        ADD_FAILURE() << "created below a regular file";
    } catch (const oci::SysError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "resolve /chain1/file/sub inside the root: /a/b/file: Not a directory");
    }
}
