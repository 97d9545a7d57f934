// The CVE-2019-5736 protection sealed in place: after seal_exe_in_place() no mapping of
// this binary and not /proc/self/exe itself can be opened for writing, and the process
// runs on with its data intact. Runs in a forked child (the change is for good).
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/container/sealed_exe.hpp"
#include "tests/child_helpers.hpp"

namespace {

using rampart::testing::check;
using rampart::testing::run_in_child;

// Written before the seal, read and written after: the data segment must come along.
int g_data_marker = 41;
std::string g_heap_marker;  // NOLINT: a global with a constructor on purpose

bool on_readonly_mount(int fd) {
    struct statvfs sv;
    return ::fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

struct FileMapping {
    std::string range;
    bool readonly_mount = false;
};

// Every mapping of the file with this (dev, ino), through /proc/self/map_files.
std::vector<FileMapping> mappings_of(dev_t dev, ino_t ino) {
    std::vector<FileMapping> out;
    DIR* d = ::opendir("/proc/self/map_files");
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.') continue;
        const std::string p = std::string("/proc/self/map_files/") + e->d_name;
        const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat st;
        if (::fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
            out.push_back({e->d_name, on_readonly_mount(fd)});
        ::close(fd);
    }
    ::closedir(d);
    return out;
}

TEST(SealedExe, InPlaceLeavesNothingWritable) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (open_tree, prctl PR_SET_MM)";
    {
        const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0);
        const bool ro = on_readonly_mount(fd);
        ::close(fd);
        if (ro) GTEST_SKIP() << "the test binary is already on a read-only mount";
    }
    auto r = run_in_child([] {
        struct stat before;
        check(::stat("/proc/self/exe", &before) == 0, "stat /proc/self/exe");
        const auto pre = mappings_of(before.st_dev, before.st_ino);
        check(!pre.empty(), "the binary's own mappings are listed in map_files");
        for (const auto& m : pre) check(!m.readonly_mount, "before: " + m.range + " already read-only");
        g_heap_marker = "written before the seal";
        g_data_marker = 42;

        check(rampart::container::seal_exe_in_place(), "seal_exe_in_place() failed");

        const int exe = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        check(exe >= 0, "/proc/self/exe opens for reading");
        struct stat after;
        check(::fstat(exe, &after) == 0, "fstat exe");
        check(after.st_ino == before.st_ino && after.st_dev == before.st_dev, "same binary (dev, ino)");
        check(on_readonly_mount(exe), "/proc/self/exe is on a read-only mount");
        ::close(exe);
        // ETXTBSY alone would hold without the seal too (a running binary); the mount
        // checks above and below are what the seal adds.
        errno = 0;
        const int w = ::open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
        check(w < 0 && (errno == EROFS || errno == ETXTBSY),
              std::string("opening /proc/self/exe for writing: ") + (w >= 0 ? "succeeded" : std::strerror(errno)));
        const auto post = mappings_of(after.st_dev, after.st_ino);
        check(!post.empty(), "the code is still mapped from the binary");
        for (const auto& m : post) check(m.readonly_mount, "after: mapping " + m.range + " still on a writable mount");

        check(g_data_marker == 42, "a global written before the seal kept its value");
        g_data_marker = 43;  // still writable
        check(g_data_marker == 43, "a global is writable after the seal");
        check(g_heap_marker == "written before the seal", "heap data kept");
        g_heap_marker += ", and after";  // allocation still works
        (void)rampart::container::seal_exe_in_place();  // a second time: harmless
        check(g_data_marker == 43 && g_heap_marker == "written before the seal, and after",
              "data kept through a second seal");
        for (const auto& m : mappings_of(after.st_dev, after.st_ino))
            check(m.readonly_mount, "after a second seal: mapping " + m.range + " on a writable mount");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

}  // namespace
