// runtime/process: executable lookup, environment, rlimits, user, capabilities.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "child_helpers.hpp"
#include "oci/error.hpp"
#include "runtime/process/process.hpp"

using namespace rampart;
using rampart::testing::check;
using rampart::testing::run_in_child;
using rampart::testing::status_hex;
using rampart::testing::TempDir;

namespace {

void write_file(const std::string& path, mode_t mode) {
    std::ofstream(path) << "#!/bin/sh\n";
    chmod(path.c_str(), mode);
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(FindExecutable, SearchesPathInOrder) {
    TempDir a, b;
    write_file(b.path() + "/tool", 0755);
    write_file(a.path() + "/tool", 0644);  // not executable: skipped
    std::vector<std::string> env = {"PATH=" + a.path() + ":" + b.path()};
    EXPECT_EQ(process::find_executable("tool", env), b.path() + "/tool");
}

TEST(FindExecutable, NotFoundMessageIsRuncs) {
    TempDir a;
    std::vector<std::string> env = {"PATH=" + a.path()};
    EXPECT_EQ(error_of([&] { process::find_executable("nope", env); }),
              "executable file `nope` not found in $PATH");
}

TEST(FindExecutable, DefaultPathWhenUnset) {
    EXPECT_EQ(process::find_executable("sh", {"FOO=bar"}).substr(0, 1), "/");
    EXPECT_NE(process::find_executable("sh", {}).find("/sh"), std::string::npos);
}

TEST(FindExecutable, PathWithSlash) {
    TempDir a;
    write_file(a.path() + "/run", 0755);
    EXPECT_EQ(process::find_executable(a.path() + "/run", {}), a.path() + "/run");
    EXPECT_EQ(process::find_executable("./run", {}, a.path()), a.path() + "/run");
    EXPECT_EQ(error_of([&] { process::find_executable("/nonexistent/x", {}); }),
              "exec: \"/nonexistent/x\": no such file or directory");
    EXPECT_EQ(error_of([&] { process::find_executable(a.path(), {}); }),
              "exec: \"" + a.path() + "\": is a directory");
}

TEST(FindExecutable, NotExecutableOnlyIsPermissionDenied) {
    TempDir a;
    write_file(a.path() + "/tool", 0644);
    std::vector<std::string> env = {"PATH=" + a.path()};
    // root passes access(X_OK) only when some x bit is set: 0644 is refused.
    EXPECT_NE(error_of([&] { process::find_executable("tool", env); }).find("permission denied"),
              std::string::npos);
    EXPECT_EQ(error_of([&] { process::find_executable("", env); }),
              "process.args[0]: empty executable name");
}

TEST(CompleteEnv, AddsPathAndHome) {
    auto env = process::complete_env({"A=1"}, 0);
    ASSERT_EQ(env.size(), 3u);
    EXPECT_EQ(env[0], "A=1");
    EXPECT_EQ(env[1].rfind("PATH=/usr/local/sbin:", 0), 0u);
    EXPECT_EQ(env[2], "HOME=/root");  // this host's /etc/passwd
}

TEST(CompleteEnv, KeepsExistingAndDefaultsHomeToRoot) {
    auto env = process::complete_env({"PATH=/x", "HOME=/h"}, 0);
    EXPECT_EQ(env, (std::vector<std::string>{"PATH=/x", "HOME=/h"}));
    auto unknown = process::complete_env({"PATH=/x"}, 4242424);
    EXPECT_EQ(unknown.back(), "HOME=/");
}

TEST(Rlimits, AppliedInChild) {
    auto r = run_in_child([] {
        process::apply_rlimits({{"RLIMIT_NOFILE", 200, 100}, {"RLIMIT_CORE", 0, 0}});
        struct rlimit lim;
        getrlimit(RLIMIT_NOFILE, &lim);
        check(lim.rlim_cur == 100 && lim.rlim_max == 200, "RLIMIT_NOFILE not applied");
        getrlimit(RLIMIT_CORE, &lim);
        check(lim.rlim_cur == 0 && lim.rlim_max == 0, "RLIMIT_CORE not applied");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(Rlimits, ErrorsNameTheEntry) {
    EXPECT_EQ(error_of([] { process::apply_rlimits({{"RLIMIT_NOFILE", 1024, 1024}, {"RLIMIT_FOO", 1, 1}}); }),
              "process.rlimits[1] RLIMIT_FOO: unknown rlimit type");
    EXPECT_EQ(error_of([] { process::apply_rlimits({{"RLIMIT_NOFILE", 10, 20}}); }),
              "process.rlimits[0] RLIMIT_NOFILE: soft limit 20 is above the hard limit 10");
}

TEST(Capabilities, AllFiveSetsApplied) {
    auto r = run_in_child([] {
        oci::Capabilities caps;
        caps.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETPCAP"};
        caps.effective = {"CAP_CHOWN", "CAP_NET_BIND_SERVICE"};
        caps.permitted = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
        caps.inheritable = {"CAP_NET_BIND_SERVICE"};
        caps.ambient = {"CAP_NET_BIND_SERVICE"};
        process::apply_capabilities(&caps);
        const unsigned long long chown = 1ull << CAP_CHOWN, kill = 1ull << CAP_KILL,
                                 nbs = 1ull << CAP_NET_BIND_SERVICE, setpcap = 1ull << CAP_SETPCAP;
        check(status_hex("CapBnd") == (chown | kill | nbs | setpcap), "CapBnd wrong");
        check(status_hex("CapEff") == (chown | nbs), "CapEff wrong");
        check(status_hex("CapPrm") == (chown | kill | nbs), "CapPrm wrong");
        check(status_hex("CapInh") == nbs, "CapInh wrong");
        check(status_hex("CapAmb") == nbs, "CapAmb wrong");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(Capabilities, NullMeansNoneAndUnknownAreIgnored) {
    auto r = run_in_child([] {
        process::apply_capabilities(nullptr);
        check(status_hex("CapEff") == 0 && status_hex("CapBnd") == 0 && status_hex("CapPrm") == 0,
              "capabilities left with nullptr");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
    auto r2 = run_in_child([] {
        oci::Capabilities caps;
        caps.bounding = caps.permitted = caps.effective = {"CAP_KILL", "CAP_NOT_IN_THIS_KERNEL"};
        process::apply_capabilities(&caps);
        check(status_hex("CapEff") == (1ull << CAP_KILL), "CapEff wrong");
    });
    EXPECT_TRUE(r2.ok()) << r2.describe();
}

TEST(Capabilities, ThoseTheRuntimeLacksAreLeftOutAndNamed) {
    // As on a host whose bounding set lacks a capability: --privileged asks for all of
    // them; what the runtime does not hold is skipped (runc fails), the rest granted.
    auto r = run_in_child([] {
        check(prctl(PR_CAPBSET_DROP, CAP_SYS_TIME, 0, 0, 0) == 0, "cannot drop CAP_SYS_TIME");
        oci::Capabilities caps;
        caps.bounding = caps.permitted = caps.effective = caps.inheritable = {"CAP_KILL", "CAP_SYS_TIME"};
        caps.ambient = {"CAP_SYS_TIME"};
        const auto missing = process::apply_capabilities(&caps);
        check(status_hex("CapEff") == (1ull << CAP_KILL), "CapEff wrong");
        check(status_hex("CapPrm") == (1ull << CAP_KILL), "CapPrm wrong");
        check(status_hex("CapAmb") == 0, "CapAmb wrong");
        check(missing == std::vector<std::string>{"CAP_SYS_TIME"}, "unavailable capabilities not named");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(User, SwitchKeepsRequestedCapabilities) {
    auto r = run_in_child([] {
        oci::User u;
        u.uid = 1000;
        u.gid = 1001;
        u.additional_gids = {2000, 3000};
        u.umask = 027;
        process::apply_user(u);
        check(getuid() == 1000 && geteuid() == 1000, "uid not switched");
        check(getgid() == 1001 && getegid() == 1001, "gid not switched");
        gid_t groups[8];
        int n = getgroups(8, groups);
        check(n == 2 && groups[0] == 2000 && groups[1] == 3000, "groups not set");
        mode_t old = umask(0);
        check(old == 027, "umask not set");
        oci::Capabilities caps;
        caps.bounding = caps.permitted = caps.effective = {"CAP_NET_ADMIN"};
        process::apply_capabilities(&caps);
        check(status_hex("CapEff") == (1ull << CAP_NET_ADMIN), "CapEff after uid switch");
        check(status_hex("CapBnd") == (1ull << CAP_NET_ADMIN), "CapBnd after uid switch");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(NoNewPrivs, Set) {
    auto r = run_in_child([] {
        process::set_no_new_privs();
        check(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs not set");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}
