// runtime/rootfs setup()/finalize() on a real busybox rootfs, each run in a forked child
// with its own mount namespace (every mount disappears with the child).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "child_helpers.hpp"
#include "oci/error.hpp"
#include "runtime/process/process.hpp"
#include "runtime/rootfs/rootfs.hpp"

using namespace rampart;
using rampart::testing::check;
using rampart::testing::read_text;
using rampart::testing::run_in_child;
using rampart::testing::TempDir;

namespace {

bool exists(const std::string& p) {
    struct stat st;
    return lstat(p.c_str(), &st) == 0;
}

long fs_type(const std::string& p) {
    struct statfs s;
    return statfs(p.c_str(), &s) == 0 ? static_cast<long>(s.f_type) : -1;
}

bool is_mountpoint(const std::string& p) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string id, parent, dev, root, mp;
        ls >> id >> parent >> dev >> root >> mp;
        if (mp == p) return true;
    }
    return false;
}

int mkdir_errno(const std::string& p) {
    if (mkdir(p.c_str(), 0755) == 0) {
        rmdir(p.c_str());
        return 0;
    }
    return errno;
}

oci::Mount mnt(std::string dest, std::string type, std::string source,
               std::vector<std::string> options) {
    oci::Mount m;
    m.destination = std::move(dest);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

// A temp dir with rootfs/ (busybox and a few dirs), outside/ (host-only) and src/ (bind source).
class RootfsSetup : public ::testing::Test {
protected:
    void SetUp() override {
        if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "busybox-static not installed";
        rootfs_ = tmp_.path() + "/rootfs";
        outside_ = tmp_.path() + "/outside";
        src_ = tmp_.path() + "/src";
        for (const char* d : {"", "/bin", "/etc", "/proc", "/sys", "/dev", "/tmp", "/copy"})
            mkdir((rootfs_ + d).c_str(), 0755);
        mkdir(outside_.c_str(), 0755);
        mkdir(src_.c_str(), 0755);
        std::string cp = "cp /bin/busybox '" + rootfs_ + "/bin/busybox'";
        ASSERT_EQ(std::system(cp.c_str()), 0);
        std::ofstream(rootfs_ + "/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
        std::ofstream(rootfs_ + "/copy/keep") << "kept";
        std::ofstream(src_ + "/file") << "from the host";
        std::ofstream(tmp_.path() + "/single") << "one file";
        symlink("/etc", (rootfs_ + "/hostetc").c_str());
        symlink(outside_.c_str(), (rootfs_ + "/data").c_str());  // absolute host path
        symlink("../../../../../../../tmp", (rootfs_ + "/uptmp").c_str());
    }

    oci::Spec base_spec() {
        oci::Spec s;
        s.oci_version = "1.2.0";
        s.root = oci::Root{rootfs_, false};
        s.linux = oci::Linux{};
        s.mounts = {
            mnt("/proc", "proc", "proc", {}),
            mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
            mnt("/dev/pts", "devpts", "devpts",
                {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
            mnt("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
            mnt("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
            mnt("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
        };
        return s;
    }

    rootfs::Options options() {
        rootfs::Options o;
        o.rootfs = rootfs_;
        o.bundle = tmp_.path();
        return o;
    }

    static void enter_mount_namespace() {
        if (unshare(CLONE_NEWNS) != 0) throw oci::SysError("unshare(CLONE_NEWNS)");
        if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            throw oci::SysError("make / private");
    }

    TempDir tmp_;
    std::string rootfs_, outside_, src_;
};

}  // namespace

TEST_F(RootfsSetup, StandardMountsDevicesAndPivot) {
    oci::Spec spec = base_spec();
    oci::Device fuse;
    fuse.type = "c";
    fuse.path = "/dev/fuse";
    fuse.major = 10;
    fuse.minor = 229;
    fuse.file_mode = 0600;
    fuse.uid = 1;
    fuse.gid = 2;
    spec.linux->devices.push_back(fuse);
    rootfs::Options opts = options();

    auto r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
        rootfs::finalize(spec);
        char cwd[256];
        check(getcwd(cwd, sizeof(cwd)) && std::string(cwd) == "/", "cwd is not /");
        check(exists("/bin/busybox") && !exists(opts.rootfs), "not inside the new root");
        check(fs_type("/proc") == PROC_SUPER_MAGIC && exists("/proc/self/status"), "/proc");
        check(fs_type("/dev") == TMPFS_MAGIC, "/dev is not a tmpfs");
        check(fs_type("/dev/pts") == DEVPTS_SUPER_MAGIC, "/dev/pts");
        check(fs_type("/dev/shm") == TMPFS_MAGIC, "/dev/shm");
        check(fs_type("/sys") == SYSFS_MAGIC, "/sys");
        check(mkdir_errno("/sys/rampart") == EROFS, "/sys is writable");
        struct stat st;
        check(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) &&
                  (st.st_mode & 0777) == 0666,
              "/dev/null");
        for (const char* d : {"/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"})
            check(stat(d, &st) == 0 && S_ISCHR(st.st_mode), std::string(d) + " missing");
        check(stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode) &&
                  st.st_rdev == makedev(10, 229) && (st.st_mode & 0777) == 0600 &&
                  st.st_uid == 1 && st.st_gid == 2,
              "/dev/fuse (linux.devices) wrong");
        char link[64] = {};
        check(readlink("/dev/ptmx", link, sizeof(link)) > 0 && std::string(link) == "pts/ptmx",
              "/dev/ptmx is not a symlink to pts/ptmx");
        check(exists("/dev/fd") && exists("/dev/stdin") && exists("/dev/stderr"), "/dev symlinks");
        int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);
        check(fd >= 0, "cannot open /dev/ptmx");
        close(fd);
        int null = open("/dev/null", O_WRONLY);
        check(null >= 0 && write(null, "x", 1) == 1, "/dev/null not writable");
        close(null);
        // cgroup: something sensible, read-only.
        check(!read_text("/proc/self/cgroup").empty(), "no /proc/self/cgroup");
        check(exists("/sys/fs/cgroup/cgroup.controllers") || exists("/sys/fs/cgroup/memory") ||
                  exists("/sys/fs/cgroup/unified"),
              "/sys/fs/cgroup is empty");
        check(mkdir_errno("/sys/fs/cgroup/rampart-test") == EROFS, "/sys/fs/cgroup is writable");
        check(process::find_executable("busybox", {"PATH=/bin"}) == "/bin/busybox", "busybox lookup");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST_F(RootfsSetup, HostileSymlinkTargetsMountInsideTheRoot) {
    oci::Spec spec = base_spec();
    spec.mounts.push_back(mnt("/hostetc", "tmpfs", "tmpfs", {"size=1m"}));
    spec.mounts.push_back(mnt("/data", "bind", src_, {"rbind", "ro"}));
    spec.mounts.push_back(mnt("/uptmp/single", "bind", "single", {"bind"}));  // relative to bundle
    spec.mounts.push_back(mnt("/copy", "tmpfs", "tmpfs", {"tmpcopyup", "mode=700"}));
    symlink((tmp_.path() + "/elsewhere").c_str(), (rootfs_ + "/cwdlink").c_str());
    spec.process = oci::Process{};
    spec.process->cwd = "/cwdlink/work";  // a missing cwd is created, inside the root
    rootfs::Options opts = options();
    const std::string outside = outside_;

    auto r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
        // /hostetc -> /etc: the tmpfs covers the root's /etc.
        check(is_mountpoint("/etc") && fs_type("/etc") == TMPFS_MAGIC, "tmpfs not on the root's /etc");
        check(!exists("/etc/passwd"), "/etc not covered");
        // /data -> <outside> (an absolute host path): mounted at that path inside the root.
        check(is_mountpoint(outside), "bind not at " + outside + " inside the root");
        check(read_text("/data/file") == "from the host", "bind content");
        int fd = open("/data/new", O_CREAT | O_WRONLY, 0644);
        check(fd < 0 && errno == EROFS, "ro bind is writable");
        // /uptmp -> ../../../tmp: clamped to the root's /tmp.
        check(read_text("/tmp/single") == "one file", "file bind through ../ link");
        check(fs_type("/copy") == TMPFS_MAGIC && read_text("/copy/keep") == "kept",
              "tmpcopyup did not copy");
        struct stat st;
        check(stat("/copy", &st) == 0 && (st.st_mode & 0777) == 0700, "tmpfs mode option");
        check(chdir("/cwdlink/work") == 0, "process.cwd not created");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
    // Nothing was created or mounted on the host side; the root got the directories.
    EXPECT_FALSE(exists(outside_ + "/file"));
    EXPECT_TRUE(exists(rootfs_ + outside_));
    EXPECT_FALSE(exists("/etc/rampart-test-dir"));
    EXPECT_TRUE(exists(rootfs_ + "/tmp/single"));
    EXPECT_FALSE(exists(tmp_.path() + "/elsewhere"));
    EXPECT_TRUE(exists(rootfs_ + tmp_.path() + "/elsewhere/work"));
}

TEST_F(RootfsSetup, MaskedReadonlyPathsAndReadonlyRoot) {
    oci::Spec spec = base_spec();
    spec.root->readonly = true;
    spec.linux->masked_paths =
        std::vector<std::string>{"/proc/kcore", "/proc/version", "/proc/acpi", "/proc/does-not-exist", "/sys/firmware"};
    spec.linux->readonly_paths = std::vector<std::string>{"/proc/sys", "/proc/sysrq-trigger", "/nope"};
    rootfs::Options opts = options();
    opts.no_pivot = true;  // also covers the chroot path

    auto r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
        rootfs::finalize(spec);
        struct stat st;
        // /proc/kcore may not exist on this kernel: a missing masked path is skipped.
        check(stat("/proc/version", &st) == 0 && st.st_rdev == makedev(1, 3), "/proc/version not masked");
        check(read_text("/proc/version").empty(), "/proc/version readable");
        if (exists("/proc/acpi"))
            check(fs_type("/proc/acpi") == TMPFS_MAGIC, "/proc/acpi not masked by a tmpfs");
        check(fs_type("/sys/firmware") == TMPFS_MAGIC, "/sys/firmware not masked");
        int fd = open("/proc/sys/kernel/hostname", O_WRONLY);
        check(fd < 0 && errno == EROFS, "/proc/sys writable");
        check(mkdir_errno("/newdir") == EROFS, "root not read-only");
        check(mkdir_errno("/dev/shm/ok") == 0, "/dev/shm must stay writable");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST_F(RootfsSetup, ErrorsNameTheMount) {
    oci::Spec spec = base_spec();
    spec.mounts.push_back(mnt("/x", "bind", "/nonexistent-source", {"bind"}));
    rootfs::Options opts = options();
    auto r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, "mounts[6] /x: bind source /nonexistent-source: No such file or directory");

    spec = base_spec();
    spec.mounts.push_back(mnt("/y", "nosuchfs", "none", {"ro"}));
    r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
    });
    EXPECT_EQ(r.error, "mounts[6] /y: mount nosuchfs: No such device");
    EXPECT_FALSE(exists(outside_ + "/y"));
}

TEST_F(RootfsSetup, ConsoleAndFreshCgroupNamespace) {
    oci::Spec spec = base_spec();
    rootfs::Options opts = options();
    const std::string console = tmp_.path() + "/console";
    std::ofstream(console) << "pty stand-in";
    opts.console_path = console;
    opts.new_cgroup_ns = true;

    auto r = run_in_child([&] {
        enter_mount_namespace();
        if (unshare(CLONE_NEWCGROUP) != 0) throw oci::SysError("unshare(CLONE_NEWCGROUP)");
        rootfs::setup(spec, opts);
        check(read_text("/dev/console") == "pty stand-in", "/dev/console not bound");
        // Our own cgroup is the root of every hierarchy in the new namespace.
        std::istringstream in(read_text("/proc/self/cgroup"));
        std::string line;
        while (std::getline(in, line))
            check(line.substr(line.rfind(':') + 1) == "/", "cgroup path not / in " + line);
        check(exists("/sys/fs/cgroup/cgroup.controllers") || exists("/sys/fs/cgroup/memory/tasks") ||
                  exists("/sys/fs/cgroup/pids/cgroup.procs"),
              "no hierarchy mounted under /sys/fs/cgroup");
        check(mkdir_errno("/sys/fs/cgroup/x") == EROFS, "/sys/fs/cgroup writable");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST_F(RootfsSetup, RootfsPropagationShared) {
    oci::Spec spec = base_spec();
    spec.linux->rootfs_propagation = "rshared";
    rootfs::Options opts = options();
    auto r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
        std::istringstream in(read_text("/proc/self/mountinfo"));
        std::string line;
        bool shared_root = false;
        while (std::getline(in, line)) {
            std::istringstream ls(line);
            std::string id, parent, dev, root, mp, mopts, opt;
            ls >> id >> parent >> dev >> root >> mp >> mopts >> opt;
            if (mp == "/") shared_root = opt.rfind("shared:", 0) == 0;
        }
        check(shared_root, "/ is not shared");
    });
    EXPECT_TRUE(r.ok()) << r.describe();

    spec.linux->rootfs_propagation = "sideways";
    r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
    });
    EXPECT_EQ(r.error.rfind("linux.rootfsPropagation: unknown value \"sideways\"", 0), 0u) << r.error;
}

TEST_F(RootfsSetup, UserNamespaceBindsDevicesAndKeepsLockedFlags) {
    // A bind source on a nosuid,nodev mount: in a user namespace those flags are locked and
    // a read-only remount must carry them over.
    const std::string locked = tmp_.path() + "/locked";
    mkdir(locked.c_str(), 0755);
    oci::Spec spec = base_spec();
    spec.mounts = {
        mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "mode=755"}),
        mnt("/data", "bind", locked, {"rbind", "ro"}),
        // No network namespace of its own: sysfs falls back to a bind of the host's /sys.
        mnt("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
    };
    rootfs::Options opts = options();
    opts.in_user_ns = true;
    auto r = run_in_child([&] {
        enter_mount_namespace();
        if (mount("tmpfs", locked.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0)
            throw oci::SysError("tmpfs on " + locked);
        std::ofstream(locked + "/f") << "locked";
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) throw oci::SysError("unshare(CLONE_NEWUSER)");
        std::ofstream("/proc/self/setgroups") << "deny";
        std::ofstream("/proc/self/uid_map") << "0 0 1";
        std::ofstream("/proc/self/gid_map") << "0 0 1";
        rootfs::setup(spec, opts);
        struct stat st;
        check(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
              "/dev/null not bound from the host");
        check(read_text("/data/f") == "locked", "bind content");
        int fd = open("/data/g", O_CREAT | O_WRONLY, 0644);
        check(fd < 0 && errno == EROFS, "ro bind writable in the user namespace");
        check(fs_type("/sys") == SYSFS_MAGIC && mkdir_errno("/sys/x") == EROFS, "/sys fallback");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST_F(RootfsSetup, TargetsOnProcfsAreRefusedExceptLxcfsFiles) {
    symlink("/proc/self/attr", (rootfs_ + "/attrlink").c_str());
    oci::Spec spec = base_spec();
    spec.mounts.push_back(mnt("/proc/uptime", "bind", tmp_.path() + "/single", {"bind", "ro"}));
    spec.mounts.push_back(mnt("/attrlink", "tmpfs", "tmpfs", {}));
    rootfs::Options opts = options();
    auto r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error.rfind("mounts[7] /attrlink: the target resolves to /proc/", 0), 0u) << r.error;

    spec.mounts.pop_back();
    r = run_in_child([&] {
        enter_mount_namespace();
        rootfs::setup(spec, opts);
        check(read_text("/proc/uptime") == "one file", "LXCFS-style bind on /proc/uptime");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST_F(RootfsSetup, SetupIsFast) {
    oci::Spec spec = base_spec();
    spec.linux->masked_paths = std::vector<std::string>{"/proc/acpi", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/proc/scsi", "/sys/firmware"};
    spec.linux->readonly_paths = std::vector<std::string>{"/proc/asound", "/proc/bus", "/proc/fs",
        "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    spec.mounts.push_back(mnt("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    rootfs::Options opts = options();
    auto r = run_in_child([&] {
        enter_mount_namespace();
        auto t0 = std::chrono::steady_clock::now();
        rootfs::setup(spec, opts);
        auto t1 = std::chrono::steady_clock::now();
        rootfs::finalize(spec);
        auto t2 = std::chrono::steady_clock::now();
        std::printf("[ info ] setup %.2f ms, finalize %.2f ms\n",
                    std::chrono::duration<double, std::milli>(t1 - t0).count(),
                    std::chrono::duration<double, std::milli>(t2 - t1).count());
        std::fflush(stdout);
        check(std::chrono::duration<double, std::milli>(t2 - t0).count() < 500, "setup too slow");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST_F(RootfsSetup, RecursiveReadOnlyAndPropagationOptions) {
    mkdir((src_ + "/sub").c_str(), 0755);
    oci::Spec spec = base_spec();
    spec.mounts.push_back(mnt("/rr", "bind", src_, {"rbind", "rro", "rprivate"}));
    spec.mounts.push_back(mnt("/plain", "bind", src_, {"rbind", "ro", "rslave"}));
    rootfs::Options opts = options();
    const std::string sub = src_ + "/sub";
    auto r = run_in_child([&] {
        enter_mount_namespace();
        if (mount("tmpfs", sub.c_str(), "tmpfs", 0, "size=1m") != 0) throw oci::SysError("tmpfs on sub");
        rootfs::setup(spec, opts);
        check(mkdir_errno("/rr/sub/x") == EROFS, "rro did not reach the submount");
        check(mkdir_errno("/rr/x") == EROFS, "rro top not read-only");
        check(mkdir_errno("/plain/x") == EROFS, "ro top not read-only");
        check(mkdir_errno("/plain/sub/x") == 0, "plain ro must not be recursive (as runc)");
        std::string mi = read_text("/proc/self/mountinfo");
        std::istringstream in(mi);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream ls(line);
            std::string id, parent, dev, root, mp, mopts, opt;
            ls >> id >> parent >> dev >> root >> mp >> mopts >> opt;
            if (mp == "/rr") check(opt == "-", "/rr not private: " + line);
            if (mp == "/plain") check(opt.rfind("master:", 0) == 0 || opt == "-", "/plain: " + line);
        }
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}
