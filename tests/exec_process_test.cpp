// runtime/container/exec: how the exec'd process is built from the container's process,
// the command-line flags or a --process file (runc's rules), and exec's refusals that need
// no container (unknown id).
#include <gtest/gtest.h>

#include <fstream>

#include "child_helpers.hpp"
#include "oci/error.hpp"
#include "runtime/container/exec.hpp"

using namespace rampart;
using rampart::testing::TempDir;

namespace {

oci::Spec container_spec() {
    oci::Spec s;
    s.oci_version = "1.2.0";
    oci::Process p;
    p.args = {"sleep", "1000"};
    p.env = {"PATH=/bin", "A=1"};
    p.cwd = "/srv";
    p.user.uid = 5;
    p.user.gid = 6;
    p.user.additional_gids = {7};
    p.capabilities = oci::Capabilities{{"CAP_KILL"}, {"CAP_KILL"}, {}, {"CAP_KILL"}, {}};
    p.rlimits = {{"RLIMIT_NOFILE", 1000, 900}};
    p.rlimits_set = true;
    p.no_new_privileges = true;
    p.apparmor_profile = "container-profile";
    p.oom_score_adj = 123;
    s.process = p;
    return s;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string write(const TempDir& d, const std::string& name, const std::string& text) {
    std::string path = d.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST(ExecProcess, ArgsStartFromTheContainersProcess) {
    container::ExecOptions o;
    o.args = {"ls", "-l"};
    oci::Process p = container::build_exec_process(container_spec(), o);
    EXPECT_EQ(p.args, (std::vector<std::string>{"ls", "-l"}));
    EXPECT_EQ(p.env, (std::vector<std::string>{"PATH=/bin", "A=1"}));
    EXPECT_EQ(p.cwd, "/srv");
    EXPECT_EQ(p.user.uid, 5u);
    EXPECT_EQ(p.user.gid, 6u);
    ASSERT_TRUE(p.capabilities);
    EXPECT_EQ(p.capabilities->effective, std::vector<std::string>{"CAP_KILL"});
    EXPECT_EQ(p.rlimits.size(), 1u);
    EXPECT_EQ(p.no_new_privileges, true);
    EXPECT_EQ(p.apparmor_profile, "container-profile");
    EXPECT_EQ(p.oom_score_adj, 123);
    EXPECT_FALSE(p.terminal);
}

TEST(ExecProcess, FlagsOverride) {
    container::ExecOptions o;
    o.args = {"id"};
    o.tty = true;
    o.cwd = "/tmp";
    o.env = {"B=2", "A=override"};
    o.user = "1000:1001";
    o.additional_gids = {"42"};
    o.caps = {"CAP_SYS_TIME", "CAP_KILL"};
    o.no_new_privs = true;
    o.apparmor = "other";
    o.process_label = "system_u:system_r:container_t:s0";
    oci::Process p = container::build_exec_process(container_spec(), o);
    EXPECT_TRUE(p.terminal);
    EXPECT_EQ(p.cwd, "/tmp");
    // Appended: the last A= wins when the environment is read.
    EXPECT_EQ(p.env, (std::vector<std::string>{"PATH=/bin", "A=1", "B=2", "A=override"}));
    EXPECT_EQ(p.user.uid, 1000u);
    EXPECT_EQ(p.user.gid, 1001u);
    EXPECT_EQ(p.user.additional_gids, (std::vector<uint32_t>{7, 42}));
    ASSERT_TRUE(p.capabilities);
    EXPECT_EQ(p.capabilities->bounding, (std::vector<std::string>{"CAP_KILL", "CAP_SYS_TIME"}));
    EXPECT_EQ(p.capabilities->effective, (std::vector<std::string>{"CAP_KILL", "CAP_SYS_TIME"}));
    EXPECT_EQ(p.capabilities->permitted, (std::vector<std::string>{"CAP_KILL", "CAP_SYS_TIME"}));
    EXPECT_TRUE(p.capabilities->ambient.empty());  // no inheritable set in the container
    EXPECT_EQ(p.apparmor_profile, "other");
    EXPECT_EQ(p.selinux_label, "system_u:system_r:container_t:s0");
}

TEST(ExecProcess, UserWithoutGroupKeepsTheContainersGid) {
    container::ExecOptions o;
    o.args = {"id"};
    o.user = "1000";
    oci::Process p = container::build_exec_process(container_spec(), o);
    EXPECT_EQ(p.user.uid, 1000u);
    EXPECT_EQ(p.user.gid, 6u);
}

TEST(ExecProcess, BadFlagsAreNamed) {
    container::ExecOptions o;
    o.args = {"id"};
    o.user = "root";
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              "--user root: invalid id \"root\" (numbers only)");
    o.user = "1:x";
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              "--user 1:x: invalid id \"x\" (numbers only)");
    o.user = "99999999999";
    EXPECT_NE(error_of([&] { container::build_exec_process(container_spec(), o); }), "(no error)");
    o.user.reset();
    o.cwd = "tmp";
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              "--cwd \"tmp\": must be an absolute path");
    o.cwd.reset();
    o.caps = {"CAP_NOPE"};
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              "--cap \"CAP_NOPE\": unknown capability");
    o.caps.clear();
    o.additional_gids = {"-1"};
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              "--additional-gids -1: invalid id \"-1\" (numbers only)");
    o.additional_gids.clear();
    o.env = {"=x"};
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              "exec: process.env[2]: invalid environment entry \"=x\" (expected KEY=value)");
    container::ExecOptions none;
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), none); }),
              "exec: a command to run is required (or --process FILE)");
}

TEST(ExecProcess, ProcessFileIsTakenAsWritten) {
    TempDir d;
    container::ExecOptions o;
    o.process_file = write(d, "p.json",
                           R"({"args":["sh"],"cwd":"/","env":["X=1"],"user":{"uid":1,"gid":2},)"
                           R"("capabilities":{"bounding":["CAP_CHOWN"]},"terminal":true})");
    oci::Process p = container::build_exec_process(container_spec(), o);
    EXPECT_EQ(p.args, std::vector<std::string>{"sh"});
    EXPECT_EQ(p.env, std::vector<std::string>{"X=1"});
    EXPECT_EQ(p.user.uid, 1u);
    EXPECT_TRUE(p.terminal);
    ASSERT_TRUE(p.capabilities);
    EXPECT_EQ(p.capabilities->bounding, std::vector<std::string>{"CAP_CHOWN"});
    // Unset in the file: rlimits and oomScoreAdj are the container's (as runc does);
    // capabilities/nnp/labels are defaulted by the policy step.
    EXPECT_EQ(p.rlimits.size(), 1u);
    EXPECT_EQ(p.oom_score_adj, 123);
    EXPECT_FALSE(p.no_new_privileges.has_value());
}

TEST(ExecProcess, ProcessFileErrorsNameFileAndPath) {
    TempDir d;
    container::ExecOptions o;
    o.process_file = write(d, "p.json", R"({"args":[],"cwd":"/"})");
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }),
              o.process_file + ": args: must not be empty");
    o.process_file = write(d, "q.json", R"({"args":["x"],"cwd":"/","rlimits":[{"type":"RLIMIT_FOO","hard":1,"soft":1}]})");
    EXPECT_NE(error_of([&] { container::build_exec_process(container_spec(), o); })
                  .find(o.process_file + ": rlimits[0].type: "),
              std::string::npos);
    o.process_file = write(d, "r.json", R"({"args":["x"], )");
    EXPECT_EQ(error_of([&] { container::build_exec_process(container_spec(), o); }).rfind(o.process_file + ":", 0), 0u);
    o.process_file = d.path() + "/missing.json";
    EXPECT_NE(error_of([&] { container::build_exec_process(container_spec(), o); }).find("missing.json"),
              std::string::npos);
}

TEST(ExecProcess, UnknownContainer) {
    TempDir d;
    container::Store store(d.path());
    container::ExecOptions o;
    o.id = "nope";
    o.args = {"true"};
    std::vector<std::string> warnings;
    EXPECT_EQ(error_of([&] { container::exec(store, o, warnings); }), "container nope does not exist");
    o.id = "../x";
    EXPECT_NE(error_of([&] { container::exec(store, o, warnings); }), "(no error)");
}
