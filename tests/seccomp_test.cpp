// runtime/security/seccomp: compile with libseccomp, install in a forked child, observe.
#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>

#include "child_helpers.hpp"
#include "oci/error.hpp"
#include "policy/docker_default.hpp"
#include "policy/seccomp_profile.hpp"
#include "runtime/process/process.hpp"
#include "runtime/security/seccomp.hpp"

using namespace rampart;
using rampart::testing::check;
using rampart::testing::run_in_child;

namespace {

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                         std::optional<uint32_t> errno_ret = std::nullopt,
                         std::vector<oci::SeccompArg> args = {}) {
    oci::SeccompSyscall s;
    s.names = std::move(names);
    s.action = std::move(action);
    s.errno_ret = errno_ret;
    s.args = std::move(args);
    return s;
}

oci::Seccomp allow_by_default() {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    return s;
}

std::string error_of(const oci::Seccomp& s) {
    try {
        security::compile_seccomp(s);
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(Seccomp, ErrnoRulesAndArgumentConditions) {
    oci::Seccomp s = allow_by_default();
    s.syscalls.push_back(rule({"getcwd", "no_such_syscall_name"}, "SCMP_ACT_ERRNO", 42));
    s.syscalls.push_back(rule({"uname"}, "SCMP_ACT_ERRNO"));  // default EPERM
    s.syscalls.push_back(rule({"dup"}, "SCMP_ACT_ERRNO", 77, {{0, 999, 0, "SCMP_CMP_EQ"}}));
    // Two conditions on the same argument: split into two rules, either matches.
    s.syscalls.push_back(rule({"dup2"}, "SCMP_ACT_ERRNO", 88,
                              {{0, 500, 0, "SCMP_CMP_EQ"}, {0, 501, 0, "SCMP_CMP_EQ"}}));
    s.syscalls.push_back(
        rule({"dup3"}, "SCMP_ACT_ERRNO", 66, {{2, 0x80000, 0x80000, "SCMP_CMP_MASKED_EQ"}}));
    auto prog = security::compile_seccomp(s);
    ASSERT_FALSE(prog.insns.empty());
    EXPECT_FALSE(prog.notify);

    auto r = run_in_child([&] {
        process::set_no_new_privs();
        check(security::install_seccomp(prog) == -1, "no listener expected");
        char buf[256];
        check(getcwd(buf, sizeof(buf)) == nullptr && errno == 42, "getcwd not denied with 42");
        struct utsname u;
        check(uname(&u) == -1 && errno == EPERM, "uname not denied with EPERM");
        check(dup(999) == -1 && errno == 77, "dup(999) not denied");
        int fd = dup(0);
        check(fd >= 0, "dup(0) denied");
        close(fd);
        check(dup2(500, 600) == -1 && errno == 88, "dup2(500) not denied");
        check(dup2(501, 600) == -1 && errno == 88, "dup2(501) not denied");
        check(dup2(502, 600) == -1 && errno == EBADF, "dup2(502) wrongly denied");
        check(dup3(0, 600, O_CLOEXEC) == -1 && errno == 66, "dup3 O_CLOEXEC not denied");
        check(dup3(0, 600, 0) == 600, "dup3 without O_CLOEXEC denied");
        check(getpid() > 0, "getpid");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(Seccomp, KillProcessKillsWithSigsys) {
    oci::Seccomp s = allow_by_default();
    s.syscalls.push_back(rule({"getppid"}, "SCMP_ACT_KILL_PROCESS"));
    auto prog = security::compile_seccomp(s);
    auto r = run_in_child([&] {
        process::set_no_new_privs();
        security::install_seccomp(prog);
        (void)getppid();
        throw std::runtime_error("still alive after getppid");
    });
    EXPECT_TRUE(r.killed_by(SIGSYS)) << r.describe();
}

TEST(Seccomp, DefaultErrnoWithAllowList) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.default_errno_ret = 38;  // ENOSYS
    s.syscalls.push_back(rule({"write", "exit_group", "exit", "getpid", "brk", "mmap", "munmap",
                               "futex", "rt_sigprocmask", "rt_sigreturn", "close"},
                              "SCMP_ACT_ALLOW"));
    auto prog = security::compile_seccomp(s);
    auto r = run_in_child([&] {
        process::set_no_new_privs();
        security::install_seccomp(prog);
        if (getpid() <= 0) _exit(3);
        long rc = syscall(SYS_getppid);  // glibc's getppid() does not set errno
        if (rc != -1) _exit(4);
        if (errno != 38) _exit(5);
        _exit(0);
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(Seccomp, NotifyReturnsListener) {
    oci::Seccomp s = allow_by_default();
    s.listener_path = "/run/nonexistent.sock";
    s.syscalls.push_back(rule({"mknodat"}, "SCMP_ACT_NOTIFY"));
    auto prog = security::compile_seccomp(s);
    EXPECT_TRUE(prog.notify);
    auto r = run_in_child([&] {
        process::set_no_new_privs();
        int fd = security::install_seccomp(prog);
        check(fd >= 0, "no listener fd");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
    s.listener_path.clear();
    EXPECT_EQ(error_of(s),
              "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
}

TEST(Seccomp, FlagsAndErrorsNameTheField) {
    oci::Seccomp s = allow_by_default();
    s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    EXPECT_EQ(security::compile_seccomp(s).flags, 2u | 4u);

    s.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
    EXPECT_EQ(error_of(s), "linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_BOGUS\"");

    s = allow_by_default();
    s.syscalls.push_back(rule({"read"}, "SCMP_ACT_ERRNO"));
    s.syscalls.push_back(rule({"write"}, "SCMP_ACT_EXPLODE"));
    EXPECT_EQ(error_of(s).rfind("linux.seccomp.syscalls[1].action: unknown seccomp action", 0), 0u);

    s = allow_by_default();
    s.syscalls.push_back(rule({"read"}, "SCMP_ACT_ERRNO", 1, {{6, 0, 0, "SCMP_CMP_EQ"}}));
    EXPECT_EQ(error_of(s), "linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0-5)");

    s = allow_by_default();
    s.syscalls.push_back(rule({"read"}, "SCMP_ACT_ERRNO", 1, {{0, 0, 0, "SCMP_CMP_ALMOST"}}));
    EXPECT_EQ(error_of(s), "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_ALMOST\"");

    s = allow_by_default();
    s.architectures = {"X86_64"};
    EXPECT_NE(error_of(s).find("linux.seccomp.architectures[0]"), std::string::npos);

    s = allow_by_default();
    s.default_action = "SCMP_ACT_NOTIFY";
    EXPECT_NE(error_of(s).find("linux.seccomp.defaultAction"), std::string::npos);
}

TEST(Seccomp, LargeProfileCompilesFast) {
    // Every syscall this libseccomp knows as an allow rule plus conditions: the size of
    // Docker's default profile and more.
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    std::vector<std::string> names;
    for (int nr = 0; nr < 460; ++nr) {
        char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (!name) continue;
        if (std::string(name) != "personality") names.push_back(name);
        free(name);
    }
    ASSERT_GT(names.size(), 300u);
    s.syscalls.push_back(rule(names, "SCMP_ACT_ALLOW"));
    for (uint64_t v : {0x0ull, 0x8ull, 0x20000ull, 0x20008ull, 0xffffffffull})
        s.syscalls.push_back(rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt,
                                  {{0, v, 0, "SCMP_CMP_EQ"}}));
    auto t0 = std::chrono::steady_clock::now();
    auto prog = security::compile_seccomp(s);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_GT(prog.insns.size(), 100u);
    EXPECT_LT(ms, 200.0) << "compile took " << ms << " ms";
    std::printf("[ info ] %zu syscalls -> %zu BPF instructions in %.2f ms\n", names.size(),
                prog.insns.size(), ms);
}

TEST(Seccomp, ListenerFdSentWithTheState) {
    rampart::testing::TempDir dir;
    const std::string path = dir.path() + "/listener.sock";
    int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(srv, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(listen(srv, 1), 0);

    int pipefd[2];
    ASSERT_EQ(pipe2(pipefd, O_CLOEXEC), 0);
    oci::State st;
    st.oci_version = "1.2.0";
    st.id = "ctr1";
    st.status = "creating";
    st.pid = 4242;
    st.bundle = "/b";
    security::send_seccomp_listener(path, "meta-data", st, pipefd[0]);

    int conn = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(conn, 0);
    char buf[8192];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    iovec iov{buf, sizeof(buf)};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    ASSERT_GT(n, 0);
    std::string text(buf, n);
    cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    ASSERT_NE(cm, nullptr);
    ASSERT_EQ(cm->cmsg_type, SCM_RIGHTS);
    int got;
    std::memcpy(&got, CMSG_DATA(cm), sizeof(int));
    // The received fd is the pipe's read end: write on ours, read on theirs.
    ASSERT_EQ(write(pipefd[1], "z", 1), 1);
    char c = 0;
    EXPECT_EQ(read(got, &c, 1), 1);
    EXPECT_EQ(c, 'z');
    EXPECT_NE(text.find("\"fds\":[\"seccompFd\"]"), std::string::npos) << text;
    EXPECT_NE(text.find("\"pid\":4242"), std::string::npos) << text;
    EXPECT_NE(text.find("\"metadata\":\"meta-data\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"id\":\"ctr1\""), std::string::npos) << text;
    for (int fd : {got, conn, srv, pipefd[0], pipefd[1]}) close(fd);

    EXPECT_THROW(security::send_seccomp_listener(dir.path() + "/nobody.sock", "", st, 0), oci::Error);
}

TEST(Seccomp, DockerDefaultProfileCompilesAndDenies) {
    policy::SeccompTarget target;
    target.capabilities = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
                           "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
                           "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
    target.arch = policy::host_go_arch();
    std::tie(target.kernel_major, target.kernel_minor) = policy::host_kernel_version();
    oci::Seccomp s = policy::resolve_docker_profile(policy::docker_default_seccomp(), target);

    auto t0 = std::chrono::steady_clock::now();
    auto prog = security::compile_seccomp(s);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[ info ] docker default profile: %zu rules -> %zu BPF instructions in %.2f ms\n",
                s.syscalls.size(), prog.insns.size(), ms);
    EXPECT_LT(ms, 200.0);

    auto r = run_in_child([&] {
        process::set_no_new_privs();
        security::install_seccomp(prog);
        check(getpid() > 0, "getpid denied");
        check(syscall(SYS_mount, "none", "/", "tmpfs", 0, nullptr) == -1 && errno == EPERM,
              "mount allowed without CAP_SYS_ADMIN");
        check(syscall(SYS_kexec_load, 0, 0, nullptr, 0) == -1 && errno == EPERM, "kexec_load allowed");
        check(syscall(SYS_unshare, CLONE_NEWUSER) == -1 && errno == EPERM, "unshare allowed");
        // personality(PER_LINUX) is allowed by an argument rule, other values are not.
        check(syscall(SYS_personality, 0) >= 0, "personality(0) denied");
        check(syscall(SYS_personality, 0x0040000) == -1 && errno == EPERM,
              "personality(ADDR_NO_RANDOMIZE) allowed");
    });
    EXPECT_TRUE(r.ok()) << r.describe();
}

#if defined(__x86_64__)
namespace {
// A 32-bit (i386 ABI) system call from a 64-bit process: seccomp sees AUDIT_ARCH_I386.
long int80(long nr) {
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
    return ret;
}
}  // namespace

TEST(Seccomp, CompatArchitectureGoesThroughItsSection) {
    if (access("/proc/sys/abi/vsyscall32", F_OK) != 0 && int80(20) == -ENOSYS)
        GTEST_SKIP() << "no IA32 emulation";
    oci::Seccomp s = allow_by_default();
    s.syscalls.push_back(rule({"getpid"}, "SCMP_ACT_ERRNO", 42));
    auto prog = security::compile_seccomp(s);
    auto r = run_in_child([&] {
        process::set_no_new_privs();
        security::install_seccomp(prog);
        check(syscall(SYS_getpid) == -1 && errno == 42, "native getpid not denied");
        check(int80(20) == -42, "i386 getpid (int 0x80) not denied with 42");
        check(int80(64) > 0, "i386 getppid (int 0x80) denied");
    });
    EXPECT_TRUE(r.ok()) << r.describe();

    // Without SCMP_ARCH_X86 in the profile a 32-bit call is a bad architecture: killed.
    s.architectures = {"SCMP_ARCH_X86_64"};
    prog = security::compile_seccomp(s);
    r = run_in_child([&] {
        process::set_no_new_privs();
        security::install_seccomp(prog);
        (void)int80(64);
        throw std::runtime_error("survived a 32-bit syscall with no x86 section");
    });
    EXPECT_TRUE(r.killed_by(SIGSYS)) << r.describe();
}
#endif
