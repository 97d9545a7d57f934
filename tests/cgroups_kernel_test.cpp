// Manager against the real kernel: cgroups under /rampart-test-<pid>/ in every hierarchy
// (and a v2 "root" that is our own directory in the v2 tree), removed again even when a
// test fails. Skipped when not root.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>
#include <thread>

#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/fs.hpp"

using namespace rampart::cgroups;

namespace {

std::string test_top() { return "/rampart-test-" + std::to_string(getpid()); }

// Removes /rampart-test-<pid> (and anything left below it) from every hierarchy.
struct TopGuard {
    Layout layout;
    ~TopGuard() {
        std::vector<std::string> roots;
        for (auto& [n, mp] : layout.v1) roots.push_back(mp);
        if (!layout.v2_root.empty()) roots.push_back(layout.v2_root);
        for (auto& r : roots) {
            std::string top = r + test_top();
            // depth-first: test dirs are at most three levels deep
            for (int pass = 0; pass < 3; ++pass) {
                if (auto d = opendir(top.c_str())) {
                    while (auto* e = readdir(d)) {
                        if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
                        std::string sub = top + "/" + e->d_name;
                        if (auto d2 = opendir(sub.c_str())) {
                            while (auto* e2 = readdir(d2))
                                if (e2->d_type == DT_DIR && e2->d_name[0] != '.') rmdir((sub + "/" + e2->d_name).c_str());
                            closedir(d2);
                        }
                        rmdir(sub.c_str());
                    }
                    closedir(d);
                }
                rmdir(top.c_str());
            }
        }
    }
};

struct Child {
    pid_t pid = -1;
    int go = -1;  // write end: child continues when a byte arrives
    ~Child() {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (go >= 0) close(go);
    }
    // Runs fn in a child after the parent calls release(); fn's return is the exit code.
    template <class F>
    void start(F fn) {
        int p[2];
        ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        if (pid == 0) {
            close(p[1]);
            char c;
            if (read(p[0], &c, 1) != 1) _exit(100);
            _exit(fn());
        }
        close(p[0]);
        go = p[1];
    }
    void release() {
        ASSERT_EQ(write(go, "x", 1), 1);
    }
    int wait_exit() {
        int st = 0;
        waitpid(pid, &st, 0);
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
};

bool kernel_ok(Layout& l) {
    if (geteuid() != 0) return false;
    try {
        l = detect();
    } catch (const oci::Error&) {
        return false;
    }
    return true;
}

std::string rd(const std::string& path) { return trim(read_file(path).value_or("<missing>")); }

std::vector<oci::DeviceCgroupRule> null_only() {
    oci::DeviceCgroupRule deny_all;
    deny_all.access = "rwm";
    oci::DeviceCgroupRule null_dev{true, "c", 1, 3, "rw"};
    return {deny_all, null_dev};
}

// Child body: 0 when /dev/null opens and /dev/kmsg (1:11, not in the default allow
// list) is refused with EPERM.
int probe_devices() {
    int a = open("/dev/null", O_RDWR);
    if (a < 0) return 1;
    close(a);
    int b = open("/dev/kmsg", O_RDONLY);
    if (b >= 0) return 2;
    return errno == EPERM ? 0 : 3;
}

}  // namespace

TEST(CgroupsKernel, HostLifecycle) {
    Layout l;
    if (!kernel_ok(l)) GTEST_SKIP() << "needs root and cgroups";
    TopGuard guard{l};
    auto m = Manager::open(test_top() + "/c1", "c1", l);
    auto t0 = std::chrono::steady_clock::now();
    m->create();
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 64 << 20;
    r.memory->swap = 64 << 20;
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 512;
    r.cpu->quota = 20000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0";
    r.pids = oci::PidsResources{20};
    r.devices = null_only();
    m->apply(r);
    auto t1 = std::chrono::steady_clock::now();
    std::cerr << "create+apply: " << std::chrono::duration<double, std::micro>(t1 - t0).count() << " us\n";
    for (auto& d : m->dirs()) EXPECT_TRUE(path_exists(d)) << d;

    std::string mem = m->path("memory"), cpu = m->path("cpu");
    if (!v1_mount(l, "memory").empty()) {
        EXPECT_EQ(rd(mem + "/memory.limit_in_bytes"), std::to_string(64 << 20));
        if (path_exists(mem + "/memory.memsw.limit_in_bytes")) {
            EXPECT_EQ(rd(mem + "/memory.memsw.limit_in_bytes"), std::to_string(64 << 20));
        }
        EXPECT_EQ(rd(cpu + "/cpu.shares"), "512");
        EXPECT_EQ(rd(cpu + "/cpu.cfs_quota_us"), "20000");
        EXPECT_EQ(rd(m->path("pids") + "/pids.max"), "20");
        EXPECT_EQ(rd(m->path("cpuset") + "/cpuset.cpus"), "0");
        std::string list = read_file(m->path("devices") + "/devices.list").value_or("");
        EXPECT_NE(list.find("c 1:3 rw"), std::string::npos) << list;
        EXPECT_NE(list.find("c *:* m"), std::string::npos) << list;  // runc's defaults appended
        EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << list;
    } else {
        EXPECT_EQ(rd(mem + "/memory.max"), std::to_string(64 << 20));
    }

    Child c;
    c.start([] { return probe_devices(); });
    auto t2 = std::chrono::steady_clock::now();
    m->add_pid(c.pid);
    auto t3 = std::chrono::steady_clock::now();
    std::cerr << "add_pid: " << std::chrono::duration<double, std::micro>(t3 - t2).count() << " us\n";
    EXPECT_EQ(m->pids(), std::vector<pid_t>{c.pid});
    m->freeze();
    EXPECT_TRUE(m->frozen());
    m->freeze();  // idempotent at this level; the CLI refuses pausing a paused container
    m->thaw();
    EXPECT_FALSE(m->frozen());
    auto s = m->stats();
    EXPECT_EQ(s.find("pids")->find("current")->as_uint(), 1u);
    EXPECT_EQ(s.find("pids")->find("limit")->as_uint(), 20u);
    EXPECT_NE(s.find("memory")->find("usage"), nullptr);
    c.release();
    EXPECT_EQ(c.wait_exit(), 0);  // /dev/null allowed, /dev/zero denied by the cgroup
    EXPECT_EQ(m->oom_kills(), 0u);

    // memory + swap updates in both directions need the right write order on v1
    if (!v1_mount(l, "memory").empty() && path_exists(mem + "/memory.memsw.limit_in_bytes")) {
        oci::Resources up;
        up.memory = oci::MemoryResources{};
        up.memory->limit = 128 << 20;
        up.memory->swap = 256 << 20;
        m->apply(up);
        EXPECT_EQ(rd(mem + "/memory.limit_in_bytes"), std::to_string(128 << 20));
        EXPECT_EQ(rd(mem + "/memory.memsw.limit_in_bytes"), std::to_string(256 << 20));
        up.memory->limit = 32 << 20;
        up.memory->swap = 32 << 20;
        m->apply(up);
        EXPECT_EQ(rd(mem + "/memory.limit_in_bytes"), std::to_string(32 << 20));
        EXPECT_EQ(rd(mem + "/memory.memsw.limit_in_bytes"), std::to_string(32 << 20));
        up.memory->limit = -1;
        up.memory->swap.reset();
        m->apply(up);  // unlimited memory lifts the swap limit too (runc)
        EXPECT_EQ(rd(mem + "/memory.memsw.limit_in_bytes"), rd(v1_mount(l, "memory") + "/memory.memsw.limit_in_bytes"));
    }

    // update: only what is given changes
    oci::Resources u;
    u.pids = oci::PidsResources{-1};
    m->apply(u);
    EXPECT_EQ(rd(m->path("pids") + "/pids.max"), "max");

    m->destroy();
    for (auto& d : m->dirs()) EXPECT_FALSE(path_exists(d)) << d;
    m->destroy();  // idempotent
}

TEST(CgroupsKernel, FreezeStopsABusyProcess) {
    Layout l;
    if (!kernel_ok(l)) GTEST_SKIP() << "needs root and cgroups";
    TopGuard guard{l};
    auto m = Manager::open(test_top() + "/busy", "busy", l);
    m->create();
    Child c;
    c.start([] {
        volatile uint64_t i = 0;
        for (;;) i = i + 1;
        return 0;
    });
    m->add_pid(c.pid);
    c.release();
    auto cpu_ticks = [&] {
        std::string st = read_file("/proc/" + std::to_string(c.pid) + "/stat").value_or("");
        auto p = st.rfind(')');
        std::istringstream in(st.substr(p + 2));
        std::string f;
        for (int i = 0; i < 11; ++i) in >> f;  // fields 3..13
        uint64_t utime = 0;
        in >> utime;
        return utime;
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m->freeze();
    uint64_t a = cpu_ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(cpu_ticks(), a);
    m->thaw();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_GT(cpu_ticks(), a);
    kill(c.pid, SIGKILL);
    c.wait_exit();
    m->destroy();
    for (auto& d : m->dirs()) EXPECT_FALSE(path_exists(d)) << d;
}

TEST(CgroupsKernel, OomKillIsCounted) {
    Layout l;
    if (!kernel_ok(l)) GTEST_SKIP() << "needs root and cgroups";
    TopGuard guard{l};
    auto m = Manager::open(test_top() + "/oom", "oom", l);
    m->create();
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 16 << 20;
    r.memory->swap = 16 << 20;
    m->apply(r);
    Child c;
    c.start([] {
        std::vector<std::unique_ptr<char[]>> keep;
        for (int i = 0; i < 64; ++i) {
            keep.emplace_back(new char[1 << 20]);
            memset(keep.back().get(), 1, 1 << 20);
        }
        return 0;
    });
    m->add_pid(c.pid);
    c.release();
    EXPECT_EQ(c.wait_exit(), 128 + SIGKILL);
    EXPECT_GE(m->oom_kills(), 1u);
    m->destroy();
    for (auto& d : m->dirs()) EXPECT_FALSE(path_exists(d)) << d;
}

TEST(CgroupsKernel, V2TreeWithEbpfDevicesAndFreeze) {
    Layout host;
    if (!kernel_ok(host) || host.v2_root.empty()) GTEST_SKIP() << "needs root and a cgroup2 mount";
    TopGuard guard{host};
    // A pure-v2 layout whose root is our own directory in the v2 tree.
    std::string root = host.v2_root + test_top();
    ASSERT_EQ(mkdir(root.c_str(), 0755), 0) << strerror(errno);
    Layout l{Mode::V2, root, {}, {}};
    auto m = Manager::open("/a/c", "c", l);
    m->create();
    EXPECT_EQ(m->path(), root + "/a/c");
    oci::Resources r;
    r.devices = null_only();
    m->apply(r);
    Child c;
    c.start([] { return probe_devices(); });
    m->add_pid(c.pid);
    EXPECT_EQ(m->pids(), std::vector<pid_t>{c.pid});
    m->freeze();
    EXPECT_TRUE(m->frozen());
    m->thaw();
    EXPECT_FALSE(m->frozen());
    c.release();
    EXPECT_EQ(c.wait_exit(), 0);

    // An update replaces the program: now /dev/kmsg too.
    oci::DeviceCgroupRule kmsg{true, "c", 1, 11, "r"};
    r.devices = {kmsg};
    m->apply(r);
    Child d;
    d.start([] {
        int a = open("/dev/kmsg", O_RDONLY);
        int b = open("/dev/null", O_RDONLY);  // default allow list
        return a >= 0 && b >= 0 ? 0 : 1;
    });
    m->add_pid(d.pid);
    d.release();
    EXPECT_EQ(d.wait_exit(), 0);

    m->destroy();
    EXPECT_FALSE(path_exists(root + "/a/c"));
    EXPECT_TRUE(path_exists(root + "/a"));  // not under /rampart: not ours to remove
}

TEST(CgroupsKernel, DefaultPathCyclesLeaveNothing) {
    Layout l;
    if (!kernel_ok(l)) GTEST_SKIP() << "needs root and cgroups";
    std::string id = "unit-" + std::to_string(getpid());
    for (int i = 0; i < 20; ++i) {
        auto m = Manager::open("", id + "-" + std::to_string(i), l);
        m->create();
        oci::Resources r;
        r.pids = oci::PidsResources{10};
        m->apply(r);
        m->destroy();
        for (auto& d : m->dirs()) ASSERT_FALSE(path_exists(d)) << d;
    }
}

TEST(CgroupsKernel, FailedCreateRemovesWhatItMade) {
    Layout l;
    if (!kernel_ok(l)) GTEST_SKIP() << "needs root and cgroups";
    TopGuard guard{l};
    // An invalid cpuset makes apply fail; destroy() (what create's caller does) cleans up.
    auto m = Manager::open(test_top() + "/bad", "bad", l);
    m->create();
    oci::Resources r;
    r.cpu = oci::CpuResources{};
    r.cpu->cpus = "999";
    EXPECT_THROW(m->apply(r), oci::Error);
    m->destroy();
    for (auto& d : m->dirs()) EXPECT_FALSE(path_exists(d)) << d;
}

TEST(CgroupsKernel, DestroyRefusesACgroupWithLiveProcesses) {
    Layout l;
    if (!kernel_ok(l)) GTEST_SKIP() << "needs root and cgroups";
    TopGuard guard{l};
    auto m = Manager::open(test_top() + "/live", "live", l);
    m->create();
    Child c;
    c.start([] { return 0; });
    m->add_pid(c.pid);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(m->destroy(), oci::Error);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
    for (auto& d : m->dirs()) EXPECT_TRUE(path_exists(d)) << d;
    c.release();
    c.wait_exit();
    m->destroy();
    for (auto& d : m->dirs()) EXPECT_FALSE(path_exists(d)) << d;
}
