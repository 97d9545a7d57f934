#include "tests/reference.hpp"
#include "runtime/security/landlock.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "oci/error.hpp"

using namespace rampart::security;
using rampart::policy::BaneProfile;
using rampart::policy::load_bane_toml;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

BaneProfile sample() { return load_bane_toml(RAMPART_REFERENCE_DIR "/bane-sample.toml"); }

const LandlockPathRule* find_rule(const LandlockPlan& plan, const std::string& path) {
    for (const auto& r : plan.rules)
        if (r.path == path) return &r;
    return nullptr;
}

bool warned(const LandlockPlan& plan, const std::string& needle) {
    for (const auto& w : plan.warnings)
        if (w.find(needle) != std::string::npos) return true;
    return false;
}

struct TempDir {
    fs::path path;
    TempDir() {
        char t[] = "/tmp/rampart-ll-XXXXXX";
        path = mkdtemp(t);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write_file(const fs::path& p, const std::string& text, mode_t mode = 0644) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    chmod(p.c_str(), mode);
}

}  // namespace

TEST(Landlock, FsRightsGrowWithAbi) {
    EXPECT_EQ(landlock_fs_rights(0), 0u);
    EXPECT_EQ(landlock_fs_rights(1), (1u << 13) - 1);
    EXPECT_EQ(landlock_fs_rights(2), (1u << 14) - 1);
    EXPECT_EQ(landlock_fs_rights(3), (1u << 15) - 1);
    EXPECT_EQ(landlock_fs_rights(4), (1u << 15) - 1);
    EXPECT_EQ(landlock_fs_rights(5), (1u << 16) - 1);
    EXPECT_EQ(landlock_access_names(ll::kReadFile | ll::kExecute), "execute,read_file");
}

TEST(Landlock, NoAbiRefused) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    try {
        plan_landlock(sample(), 0);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("Landlock is not supported by this kernel"));
    }
}

TEST(Landlock, SamplePlan) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    LandlockPlan plan = plan_landlock(sample(), 5);
    EXPECT_EQ(plan.profile, "nginx-sample");
    EXPECT_EQ(plan.handled_fs, landlock_fs_rights(5));
    EXPECT_EQ(plan.handled_net, 0u);  // tcp is listed
    const auto* root = find_rule(plan, "/");
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(root->access, ll::kReadFile | ll::kReadDir);
    const auto* pid = find_rule(plan, "/var/run/nginx.pid");
    ASSERT_NE(pid, nullptr);
    EXPECT_TRUE(pid->access & ll::kWriteFile);
    EXPECT_FALSE(pid->access & ll::kExecute);
    EXPECT_FALSE(pid->access & ll::kMakeChar);
    const auto* nginx = find_rule(plan, "/usr/sbin/nginx");
    ASSERT_NE(nginx, nullptr);
    EXPECT_TRUE(nginx->access & ll::kExecute);
    EXPECT_EQ(find_rule(plan, "/bin/sh"), nullptr);  // DenyExec: no grant at all
    for (const auto& r : plan.rules)
        if (r.path != "/usr/sbin/nginx") {
            EXPECT_FALSE(r.access & ll::kExecute) << r.path;
        }
    const auto* null = find_rule(plan, "/dev/null");
    ASSERT_NE(null, nullptr);
    EXPECT_TRUE(null->access & ll::kIoctlDev);
    EXPECT_TRUE(warned(plan, "LogOnWritePaths (/**): Landlock cannot log writes"));
    EXPECT_TRUE(warned(plan, "DenyExec: Landlock denies execution only"));
    EXPECT_TRUE(warned(plan, "ReadOnlyPaths[2] /dev/**: /dev/null"));
    EXPECT_TRUE(warned(plan, "Network.Raw = false"));
    EXPECT_TRUE(warned(plan, "Capabilities.Allow"));
    EXPECT_FALSE(warned(plan, "lacks udp"));
}

TEST(Landlock, OldAbiMasksRights) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    LandlockPlan plan = plan_landlock(sample(), 1);
    for (const auto& r : plan.rules) {
        EXPECT_FALSE(r.access & ll::kRefer) << r.path;
        EXPECT_FALSE(r.access & ll::kTruncate) << r.path;
        EXPECT_FALSE(r.access & ll::kIoctlDev) << r.path;
    }
}

TEST(Landlock, TcpDeniedWhenNotListed) {
    BaneProfile p;
    p.source = "n.toml";
    p.name = "n";
    p.has_network = true;
    p.protocols = {"udp"};
    EXPECT_EQ(plan_landlock(p, 4).handled_net, ll::kBindTcp | ll::kConnectTcp);
    LandlockPlan old = plan_landlock(p, 3);
    EXPECT_EQ(old.handled_net, 0u);
    EXPECT_TRUE(warned(old, "cannot restrict TCP"));
    EXPECT_TRUE(warned(old, "lacks icmp"));
    p.has_network = false;
    EXPECT_EQ(plan_landlock(p, 6).handled_net, 0u);
}

TEST(Landlock, GlobsAndConflictsWarned) {
    BaneProfile p;
    p.source = "g.toml";
    p.name = "g";
    p.writable_paths = {"/srv/*/log", "/data/*", "/var/**"};
    p.read_only_paths = {"/var/lib/**", "/srv/**"};
    p.allow_exec = {"/usr/bin/**"};
    p.deny_exec = {"/usr/bin/top", "/usr/bin/*sh"};
    LandlockPlan plan = plan_landlock(p, 3);
    EXPECT_TRUE(warned(plan, "WritablePaths[0] /srv/*/log: glob not expressible"));
    EXPECT_TRUE(warned(plan, "WritablePaths[1] /data/*: granted on everything beneath /data"));
    EXPECT_NE(find_rule(plan, "/data"), nullptr);
    EXPECT_NE(find_rule(plan, "/var"), nullptr);
    EXPECT_TRUE(warned(plan, "ReadOnlyPaths[0] /var/lib/** lies beneath writable /var"));
    EXPECT_TRUE(warned(plan, "DenyExec[0] /usr/bin/top lies beneath AllowExec /usr/bin"));
    EXPECT_TRUE(warned(plan, "DenyExec[1] /usr/bin/*sh lies beneath AllowExec /usr/bin"));
}

TEST(Landlock, RootfsAwarePlan) {
    TempDir root;
    fs::create_directories(root.path / "run");
    fs::create_directories(root.path / "var");
    fs::create_directory_symlink("/run", root.path / "var/run");
    write_file(root.path / "usr/sbin/app.sh", "#!/bin/busybox sh\necho hi\n", 0755);
    fs::create_directories(root.path / "bin");
    fs::copy_file("/bin/true", root.path / "bin/true");
    BaneProfile p;
    p.source = "r.toml";
    p.name = "r";
    p.writable_paths = {"/var/run/nginx.pid", "/nonexistent/dir/file"};
    p.allow_exec = {"/usr/sbin/app.sh", "/bin/true"};
    LandlockPlan plan = plan_landlock(p, 3, root.path);
    EXPECT_NE(find_rule(plan, "/var/run"), nullptr);
    EXPECT_TRUE(warned(plan, "all of /var/run is writable"));
    EXPECT_NE(find_rule(plan, "/"), nullptr);
    EXPECT_TRUE(warned(plan, "all of / is writable"));
    const auto* interp = find_rule(plan, "/bin/busybox");
    ASSERT_NE(interp, nullptr);
    EXPECT_EQ(interp->origin, "interpreter of /usr/sbin/app.sh");
    bool elf_interp = false;
    for (const auto& r : plan.rules)
        if (r.origin == "interpreter of /bin/true" && r.path.find("ld-linux") != std::string::npos)
            elf_interp = true;
    EXPECT_TRUE(elf_interp);
}

TEST(Landlock, WarnsWhenNoNewPrivsWillBeSet) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    oci::Process proc;
    proc.no_new_privileges = false;
    EXPECT_TRUE(warned(plan_landlock(sample(), 3, "", &proc), "no_new_privs will be set"));
    proc.no_new_privileges = true;
    EXPECT_FALSE(warned(plan_landlock(sample(), 3, "", &proc), "no_new_privs"));
}

TEST(Landlock, PlanToJson) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    oci::json::Value v = plan_landlock(sample(), 4).to_json();
    EXPECT_EQ(v.find("profile")->as_string(), "nginx-sample");
    EXPECT_EQ(v.find("abi")->as_int(), 4);
    EXPECT_GT(v.find("rules")->as_array().size(), 5u);
    EXPECT_EQ(v.find("rules")->as_array()[0].find("access")->as_string(), "read_file,read_dir");
    EXPECT_FALSE(v.find("warnings")->as_array().empty());
}

// The kernel enforces the plan: a forked child applies it over a temp tree and tries
// read, write, create and exec; the parent checks each outcome.
TEST(Landlock, KernelEnforcesPlan) {
    int abi = landlock_abi();
    if (abi < 1) GTEST_SKIP() << "Landlock not available on this kernel";
    TempDir t;
    write_file(t.path / "ro/file", "data");
    fs::create_directories(t.path / "rw");
    write_file(t.path / "rw/existing", "x");
    fs::create_directories(t.path / "bin");
    fs::copy_file("/bin/busybox", t.path / "bin/ok");
    fs::copy_file("/bin/busybox", t.path / "bin/no");
    BaneProfile p;
    p.source = "test.toml";
    p.name = "test";
    p.read_only_paths = {(t.path / "ro/**").string()};
    p.writable_paths = {(t.path / "rw/**").string()};
    p.allow_exec = {(t.path / "bin/ok").string()};
    p.deny_exec = {(t.path / "bin/no").string()};
    LandlockPlan plan = plan_landlock(p, abi);

    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        close(pipefd[0]);
        std::string r;
        try {
            apply_landlock(plan);
        } catch (...) {
            _exit(99);
        }
        auto open_ok = [](const fs::path& f, int flags) {
            int fd = open(f.c_str(), flags | O_CLOEXEC, 0644);
            if (fd < 0) return errno == EACCES ? 'D' : 'E';
            close(fd);
            return 'Y';
        };
        auto run_ok = [](const fs::path& f) {
            pid_t c = fork();
            if (c == 0) {
                int devnull = open("/dev/null", O_WRONLY);
                dup2(devnull, 1);
                execl(f.c_str(), "true", static_cast<char*>(nullptr));
                _exit(errno == EACCES ? 126 : 127);
            }
            int st = 0;
            waitpid(c, &st, 0);
            return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 'Y' : WEXITSTATUS(st) == 126 ? 'D' : 'E';
        };
        r += open_ok(t.path / "ro/file", O_RDONLY);                 // read ro: Y
        r += open_ok(t.path / "ro/file", O_WRONLY);                 // write ro: D
        r += open_ok(t.path / "ro/new", O_WRONLY | O_CREAT);        // create in ro: D
        r += open_ok(t.path / "rw/existing", O_WRONLY);             // write rw: Y
        r += open_ok(t.path / "rw/new", O_WRONLY | O_CREAT);        // create in rw: Y
        r += open_ok("/dev/null", O_WRONLY);                        // base device: Y
        r += open_ok(t.path / "unlisted", O_WRONLY | O_CREAT);      // unlisted: D
        r += run_ok(t.path / "bin/ok");                             // AllowExec: Y
        r += run_ok(t.path / "bin/no");                             // DenyExec: D
        r += run_ok("/bin/true");                                   // not allowed: D
        if (write(pipefd[1], r.data(), r.size()) != static_cast<ssize_t>(r.size())) _exit(98);
        _exit(0);
    }
    close(pipefd[1]);
    char buf[64] = {};
    ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    close(pipefd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st));
    ASSERT_EQ(WEXITSTATUS(st), 0);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf), "YDDYYYDYDD")
        << "read-ro write-ro create-ro write-rw create-rw devnull unlisted exec-ok exec-denied exec-other";
}
