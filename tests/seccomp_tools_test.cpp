#include "policy/seccomp_tools.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "oci/error.hpp"

using namespace rampart::policy;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                         std::vector<oci::SeccompArg> args = {}) {
    oci::SeccompSyscall s;
    s.names = std::move(names);
    s.action = std::move(action);
    s.args = std::move(args);
    return s;
}

oci::Seccomp profile(std::vector<oci::SeccompSyscall> rules, std::string def = "SCMP_ACT_ERRNO") {
    oci::Seccomp s;
    s.default_action = std::move(def);
    s.default_errno_ret = 1;
    s.architectures = {"SCMP_ARCH_X86_64"};
    s.syscalls = std::move(rules);
    return s;
}

}  // namespace

TEST(SeccompTools, StraceFollowForks) {
    std::istringstream in(
        "execve(\"/bin/sh\", [\"sh\", \"-c\", \"ls\"], 0x7ffc /* 20 vars */) = 0\n"
        "brk(NULL)                               = 0x55d0c3a4f000\n"
        "[pid  1234] openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n"
        "[pid  1234] wait4(-1,  <unfinished ...>\n"
        "[pid  1235] <... clone3 resumed>)        = 0\n"
        "[pid  1234] <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 1235\n"
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=1235} ---\n"
        "[pid  1235] +++ exited with 0 +++\n"
        "+++ killed by SIGKILL +++\n"
        "strace: Process 1235 attached\n"
        "1236  12:34:56.123456 read(0, \"\", 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n"
        "1236  1700000000.123456 newfstatat(3, \"\", {st_mode=S_IFREG|0644}, AT_EMPTY_PATH) = 0\n"
        "12:00:01 exit_group(0)                  = ?\n"
        "syscall_0x1b4(0x1, 0x2)                 = -1 ENOSYS (Function not implemented)\n"
        "   rt_sigreturn({mask=[]})              = 0\n"
        "garbage line without a call\n"
        "\n");
    StraceSyscalls s = syscalls_from_strace(in);
    EXPECT_THAT(s.names, ElementsAre("brk", "clone3", "execve", "exit_group", "newfstatat", "openat",
                                     "read", "rt_sigreturn", "wait4"));
    EXPECT_THAT(s.unknown, ElementsAre("syscall_0x1b4"));
    EXPECT_EQ(s.lines, 17u);
}

TEST(SeccompTools, MinimalProfile) {
    oci::Seccomp s = minimal_profile({"write", "read"}, {"SCMP_ARCH_X86_64"});
    EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
    EXPECT_EQ(s.default_errno_ret, 1u);
    ASSERT_EQ(s.syscalls.size(), 1u);
    EXPECT_THAT(s.syscalls[0].names, ElementsAre("read", "write"));
    EXPECT_EQ(s.syscalls[0].action, "SCMP_ACT_ALLOW");
    EXPECT_THAT(s.architectures, ElementsAre("SCMP_ARCH_X86_64"));
}

TEST(SeccompTools, LearnedNeverWiderThanConfigured) {
    oci::SeccompArg a{0, 2114060288, 0, "SCMP_CMP_MASKED_EQ"};
    oci::Seccomp conf = profile({rule({"read", "write", "openat"}, "SCMP_ACT_ALLOW"),
                                 rule({"clone"}, "SCMP_ACT_ALLOW", {a}),
                                 rule({"mount"}, "SCMP_ACT_ERRNO")});
    std::vector<std::string> notes;
    oci::Seccomp s = learned_profile({"read", "clone", "mount", "ptrace"}, {"SCMP_ARCH_X86_64"}, &conf, &notes);
    ASSERT_EQ(s.syscalls.size(), 2u);
    EXPECT_THAT(s.syscalls[0].names, ElementsAre("read"));
    EXPECT_TRUE(s.syscalls[0].args.empty());
    EXPECT_THAT(s.syscalls[1].names, ElementsAre("clone"));
    ASSERT_EQ(s.syscalls[1].args.size(), 1u);
    EXPECT_EQ(s.syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
    EXPECT_THAT(notes, Contains("mount: observed but the configured profile denies it; left out"));
    EXPECT_THAT(notes, Contains("ptrace: observed but the configured profile denies it; left out"));
    // default-allow profile: anything observed and not listed is allowed
    oci::Seccomp open = profile({rule({"kexec_load"}, "SCMP_ACT_ERRNO")}, "SCMP_ACT_ALLOW");
    notes.clear();
    s = learned_profile({"read", "kexec_load"}, {}, &open, &notes);
    EXPECT_EQ(allowed_names(s), std::set<std::string>{"read"});
    // unconfined
    s = learned_profile({"read", "kexec_load"}, {}, nullptr, nullptr);
    EXPECT_EQ(allowed_names(s), (std::set<std::string>{"kexec_load", "read"}));
}

TEST(SeccompTools, MergeIsUnion) {
    oci::SeccompArg a{0, 1, 0, "SCMP_CMP_EQ"};
    oci::Seccomp x = profile({rule({"read", "write"}, "SCMP_ACT_ALLOW"), rule({"personality"}, "SCMP_ACT_ALLOW", {a})});
    oci::Seccomp y = profile({rule({"write", "openat", "personality"}, "SCMP_ACT_ALLOW"), rule({"mount"}, "SCMP_ACT_ERRNO")});
    y.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
    oci::Seccomp m = merge_profiles(x, y);
    EXPECT_EQ(allowed_names(m), (std::set<std::string>{"openat", "personality", "read", "write"}));
    ASSERT_GE(m.syscalls.size(), 1u);
    EXPECT_THAT(m.syscalls[0].names, ElementsAre("openat", "personality", "read", "write"));
    EXPECT_TRUE(m.syscalls[0].args.empty());  // personality: allowed outright by y
    EXPECT_THAT(m.architectures, ElementsAre("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"));
    EXPECT_THAT(diff_profiles(merge_profiles(x, x), x), IsEmpty());
    oci::Seccomp k = profile({}, "SCMP_ACT_KILL");
    EXPECT_THROW(merge_profiles(x, k), oci::Error);
}

TEST(SeccompTools, Diff) {
    oci::SeccompArg a{0, 1, 0, "SCMP_CMP_EQ"};
    oci::Seccomp x = profile({rule({"read", "write", "bpf"}, "SCMP_ACT_ALLOW")});
    oci::Seccomp y = profile({rule({"read", "openat"}, "SCMP_ACT_ALLOW"), rule({"bpf"}, "SCMP_ACT_ALLOW", {a})});
    y.default_errno_ret = 38;
    EXPECT_THAT(diff_profiles(x, y),
                ElementsAre("defaultAction: SCMP_ACT_ERRNO(1) -> SCMP_ACT_ERRNO(38)",
                            "~ bpf: SCMP_ACT_ALLOW -> SCMP_ACT_ALLOW if arg0 SCMP_CMP_EQ 1",
                            "+ openat (default SCMP_ACT_ERRNO -> SCMP_ACT_ALLOW)",
                            "- write (SCMP_ACT_ALLOW -> default SCMP_ACT_ERRNO)"));
    EXPECT_THAT(diff_profiles(x, x), IsEmpty());
}

TEST(SeccompTools, NativeArchitectures) {
#if defined(__x86_64__)
    EXPECT_THAT(native_architectures(), ElementsAre("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
#else
    EXPECT_FALSE(native_architectures().empty());
#endif
}
