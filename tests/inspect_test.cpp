#include "runtime/inspect/inspect.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "oci/error.hpp"

using namespace rampart::inspect;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

struct FakeProc {
    fs::path root;
    FakeProc() {
        char t[] = "/tmp/rampart-proc-XXXXXX";
        root = mkdtemp(t);
    }
    ~FakeProc() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void process(int pid, const std::string& status, const std::string& cmdline) {
        fs::path d = root / std::to_string(pid);
        fs::create_directories(d / "ns");
        std::ofstream(d / "status") << status;
        std::ofstream(d / "cmdline") << cmdline;
        std::ofstream(d / "cgroup") << "0::/rampart/web\n";
        fs::create_symlink("net:[4026532001]", d / "ns/net");
        fs::create_symlink("pid:[4026532002]", d / "ns/pid");
    }
};

const char* kStatus =
    "Name:\tnginx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
    "CapInh:\t0000000000000000\nCapPrm:\t0000000000000400\nCapEff:\t0000000000000400\n"
    "CapBnd:\t0000000000000400\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n"
    "Seccomp:\t2\nSeccomp_filters:\t1\n";

}  // namespace

TEST(Inspect, CapabilityNames) {
    EXPECT_THAT(capability_names(0x400), ElementsAre("cap_net_bind_service"));
    EXPECT_THAT(capability_names(0x1 | 0x20), ElementsAre("cap_chown", "cap_kill"));
    EXPECT_THAT(capability_names(1ULL << 50), ElementsAre("cap_50"));
    EXPECT_EQ(capability_list(0), "");
    EXPECT_EQ(capability_list(0x3), "cap_chown,cap_dac_override");
    // Docker's 14 defaults: 0x00000000a80425fb
    EXPECT_EQ(capability_names(0xa80425fbULL).size(), 14u);
}

TEST(Inspect, ReadsFakeProcess) {
    FakeProc proc;
    proc.process(42, kStatus, std::string("nginx\0-g\0daemon off;\0", 22));
    ProcessInfo p = read_process(42, proc.root);
    EXPECT_EQ(p.pid, 42);
    EXPECT_EQ(p.command, "nginx -g daemon off;");
    EXPECT_EQ(p.caps.effective, 0x400u);
    EXPECT_EQ(p.no_new_privs, 1);
    EXPECT_EQ(p.seccomp_mode, 2);
    EXPECT_EQ(p.seccomp_filters, 1);
    EXPECT_EQ(p.cgroup, "0::/rampart/web");
    EXPECT_THAT(p.namespaces, Contains(std::make_pair(std::string("net"), std::string("net:[4026532001]"))));
    EXPECT_THROW(read_process(43, proc.root), oci::Error);
}

TEST(Inspect, ReadsRealProcessOfAChildUnderNoNewPrivs) {
    int pfd[2];
    ASSERT_EQ(pipe(pfd), 0);
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        close(pfd[1]);
        char c;
        (void)!read(pfd[0], &c, 1);
        _exit(0);
    }
    close(pfd[0]);
    usleep(20000);
    ProcessInfo p = read_process(child);
    EXPECT_EQ(p.no_new_privs, 1);
    EXPECT_EQ(p.seccomp_mode, 0);
    EXPECT_NE(p.caps.bounding, 0u);
    EXPECT_FALSE(p.namespaces.empty());
    close(pfd[1]);
    waitpid(child, nullptr, 0);
}

TEST(Inspect, ContainerFromStateDirRampartAndRuncFormats) {
    FakeProc proc;
    proc.process(42, kStatus, std::string("nginx\0", 6));
    fs::path root = proc.root / "state";
    fs::create_directories(root / "web");
    std::ofstream(root / "web/state.json") << R"({"id":"web","status":"running","pid":42,"bundle":"/b"})";
    std::ofstream(root / "web/landlock.json")
        << R"({"source":"nginx.toml","profile":"nginx-sample","abi":6,"rules":[{}],"warnings":["landlock: LogOnWritePaths"]})";
    std::ofstream(root / "web/decisions.json")
        << R"({"policy":"/etc/rampart/policy.toml","profile":"web","decisions":[{"kind":"fix","rule":"limits.forbidden_capabilities","detail":"CAP_SYS_ADMIN dropped"}]})";
    ContainerInfo c = inspect_container(root, "web", false, proc.root);
    EXPECT_EQ(c.pid, 42);
    EXPECT_EQ(c.bundle, "/b");
    ASSERT_EQ(c.processes.size(), 1u);
    std::string text = to_text(c);
    EXPECT_THAT(text, HasSubstr("  effective   cap_net_bind_service\n"));
    EXPECT_THAT(text, HasSubstr("  ambient     (none)\n"));
    EXPECT_THAT(text, HasSubstr("seccomp       filter (1 filter)\n"));
    EXPECT_THAT(text, HasSubstr("no_new_privs  yes\n"));
    EXPECT_THAT(text, HasSubstr("landlock      nginx-sample from nginx.toml, ABI 6, 1 rules\n"));
    EXPECT_THAT(text, HasSubstr("  warning: landlock: LogOnWritePaths\n"));
    EXPECT_THAT(text, HasSubstr("policy        /etc/rampart/policy.toml, profile web\n"));
    EXPECT_THAT(text, HasSubstr("  fix limits.forbidden_capabilities: CAP_SYS_ADMIN dropped\n"));
    oci::json::Value j = to_json(c);
    EXPECT_EQ(j.find("pid")->as_int(), 42);
    EXPECT_EQ(j.find("processes")->as_array()[0].find("capabilities")->find("effective")->as_array()[0].as_string(),
              "cap_net_bind_service");
    EXPECT_TRUE(j.find("processes")->as_array()[0].find("noNewPrivileges")->as_bool());

    // runc's libcontainer state.json (Docker with the default runtime)
    fs::create_directories(root / "abc");
    std::ofstream(root / "abc/state.json")
        << R"({"id":"abc","init_process_pid":42,"config":{"labels":["bundle=/run/containerd/x"]}})";
    ContainerInfo r = inspect_container(root, "abc", false, proc.root);
    EXPECT_EQ(r.pid, 42);
    EXPECT_EQ(r.bundle, "/run/containerd/x");
    EXPECT_THAT(to_text(r), HasSubstr("landlock      none\n"));

    EXPECT_THROW(inspect_container(root, "nope", false, proc.root), oci::Error);
    EXPECT_THROW(inspect_container(root, "../web", false, proc.root), oci::Error);
    std::ofstream(root / "web/state.json") << R"({"id":"web","status":"stopped","pid":77})";
    try {
        inspect_container(root, "web", false, proc.root);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("is not running"));
    }
}

TEST(Inspect, ContainerPidsIncludeInit) {
    std::vector<int> pids = container_pids(getpid());
    ASSERT_FALSE(pids.empty());
    EXPECT_EQ(pids[0], getpid());
}
