// Learning a profile from a real process tree, then enforcing it.
#include "runtime/security/seccomp_learn.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "policy/seccomp_tools.hpp"
#include "runtime/security/seccomp.hpp"

using namespace rampart::security;
using ::testing::Contains;
using ::testing::HasSubstr;

namespace {

int wait_status(pid_t pid) {
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// Runs `busybox ARGS` in a forked child that learns, with a recorder; returns the profile.
oci::Seccomp learn(const std::vector<std::string>& args, const std::string& out) {
    LearnChannel ch = LearnChannel::create();
    pid_t child = fork();
    if (child == 0) {
        ch.parent_end.reset();
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        try {
            start_learning_in_child(ch.child_end.get());
        } catch (...) {
            _exit(90);
        }
        std::vector<char*> argv{const_cast<char*>("busybox")};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv("/bin/busybox", argv.data());
        _exit(91);
    }
    ch.child_end.reset();
    LearnOptions opts;
    opts.out_path = out;
    opts.quiet = true;
    pid_t rec = spawn_recorder(std::move(ch.parent_end), child, opts);
    EXPECT_EQ(wait_status(child), 0);
    EXPECT_EQ(wait_status(rec), 0);
    return oci::seccomp_from_json(oci::json::parse_file(out), out);
}

// Runs `busybox ARGS` under `profile` in a forked child; returns its exit status.
int run_under(const oci::Seccomp& profile, const std::vector<std::string>& args) {
    SeccompProgram prog = compile_seccomp(profile);
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        std::vector<char*> argv{const_cast<char*>("busybox")};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        try {
            install_seccomp(prog);
        } catch (...) {
            _exit(92);
        }
        execv("/bin/busybox", argv.data());
        _exit(93);
    }
    return wait_status(child);
}

}  // namespace

TEST(SeccompLearn, RecordsChildrenAndGrandchildren) {
    LearnChannel ch = LearnChannel::create();
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        try {
            start_learning_in_child(ch.child_end.get());
        } catch (...) {
            _exit(90);
        }
        syscall(SYS_getppid);
        pid_t g = fork();
        if (g == 0) {
            syscall(SYS_getpriority, 0, 0);
            _exit(0);
        }
        waitpid(g, nullptr, 0);
        _exit(0);
    }
    ch.child_end.reset();
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
    ASSERT_TRUE(pidfd);
    UniqueFd listener = receive_listener(ch.parent_end.get(), pidfd.get());
    ASSERT_TRUE(listener);
    Observed obs = record_syscalls(listener.get());
    EXPECT_EQ(wait_status(child), 0);
    auto names = observed_names(obs);
    EXPECT_THAT(names, Contains("getppid"));
    EXPECT_THAT(names, Contains("getpriority"));  // made by the grandchild
    EXPECT_THAT(names, Contains("wait4"));
    EXPECT_THAT(names, Contains("exit_group"));
    EXPECT_THAT(observed_architectures(obs), Contains("SCMP_ARCH_X86_64"));
}

TEST(SeccompLearn, ChannelClosedWithoutLearningGivesNoListener) {
    LearnChannel ch = LearnChannel::create();
    pid_t child = fork();
    if (child == 0) _exit(0);
    ch.child_end.reset();
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
    wait_status(child);
    EXPECT_FALSE(receive_listener(ch.parent_end.get(), pidfd.get()));
}

TEST(SeccompLearn, LearnedProfileRunsWorkloadAndDeniesTheRest) {
    char dir[] = "/tmp/rampart-learn-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    std::string out = std::string(dir) + "/learned.json";
    oci::Seccomp learned = learn({"sh", "-c", "echo hi; ls / >/dev/null"}, out);
    EXPECT_EQ(learned.default_action, "SCMP_ACT_ERRNO");
    EXPECT_EQ(learned.default_errno_ret, 1u);
    auto names = rampart::policy::allowed_names(learned);
    EXPECT_THAT(names, Contains("execve"));
    EXPECT_THAT(names, Contains("getdents64"));
    EXPECT_FALSE(names.count("ptrace"));
    // the same workload runs under the learned profile
    EXPECT_EQ(run_under(learned, {"sh", "-c", "echo hi; ls / >/dev/null"}), 0);
    // a syscall it never made is denied (EPERM: busybox reports the failure)
    ASSERT_FALSE(names.count("sethostname"));
    ASSERT_FALSE(names.count("mkdir"));
    EXPECT_NE(run_under(learned, {"mkdir", std::string(dir) + "/never"}), 0);
    EXPECT_NE(access((std::string(dir) + "/never").c_str(), F_OK), 0);
    std::remove(out.c_str());
    rmdir(dir);
}

TEST(SeccompLearn, RefusesNotifyProfiles) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    oci::SeccompSyscall n;
    n.names = {"mount"};
    n.action = "SCMP_ACT_NOTIFY";
    s.syscalls.push_back(n);
    try {
        check_learnable(&s);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("syscalls[0] uses SCMP_ACT_NOTIFY"));
    }
    s.syscalls.clear();
    EXPECT_NO_THROW(check_learnable(&s));
    EXPECT_NO_THROW(check_learnable(nullptr));
    s.listener_path = "/run/x.sock";
    EXPECT_THROW(check_learnable(&s), oci::Error);
}
