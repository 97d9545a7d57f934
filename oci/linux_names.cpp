// Name tables for capabilities, rlimits, namespaces and seccomp.
#include "oci/linux_names.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

namespace oci {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view name) {
    return std::find(v.begin(), v.end(), name) != v.end();
}

int index_of(const std::vector<std::string>& v, std::string_view name) {
    auto it = std::find(v.begin(), v.end(), name);
    return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

}  // namespace

const std::vector<std::string>& all_capability_names() {
    // Index == capability number (linux/capability.h).
    static const std::vector<std::string> names = {
        "CAP_CHOWN",            "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",           "CAP_FSETID",         "CAP_KILL",
        "CAP_SETGID",           "CAP_SETUID",         "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",        "CAP_NET_RAW",        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",        "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",       "CAP_SYS_PTRACE",     "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",        "CAP_SYS_BOOT",       "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",     "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",            "CAP_LEASE",          "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",    "CAP_SETFCAP",        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",        "CAP_SYSLOG",         "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",    "CAP_AUDIT_READ",     "CAP_PERFMON",
        "CAP_BPF",              "CAP_CHECKPOINT_RESTORE",
    };
    return names;
}

int capability_number(std::string_view name) { return index_of(all_capability_names(), name); }

const std::vector<std::string>& all_rlimit_names() {
    // Index == RLIMIT_* value on Linux (asm-generic/resource.h; same on x86 and arm).
    static const std::vector<std::string> names = {
        "RLIMIT_CPU",     "RLIMIT_FSIZE",   "RLIMIT_DATA",       "RLIMIT_STACK",
        "RLIMIT_CORE",    "RLIMIT_RSS",     "RLIMIT_NPROC",      "RLIMIT_NOFILE",
        "RLIMIT_MEMLOCK", "RLIMIT_AS",      "RLIMIT_LOCKS",      "RLIMIT_SIGPENDING",
        "RLIMIT_MSGQUEUE", "RLIMIT_NICE",   "RLIMIT_RTPRIO",     "RLIMIT_RTTIME",
    };
    return names;
}

int rlimit_number(std::string_view name) {
    static_assert(RLIMIT_NOFILE == 7 && RLIMIT_RTTIME == 15 && RLIMIT_AS == 9,
                  "rlimit table assumes the generic Linux numbering");
    return index_of(all_rlimit_names(), name);
}

const std::vector<std::string>& all_namespace_types() {
    static const std::vector<std::string> types = {"pid",  "network", "mount", "ipc",
                                                   "uts",  "user",    "cgroup", "time"};
    return types;
}

int namespace_clone_flag(std::string_view type) {
    if (type == "pid") return CLONE_NEWPID;
    if (type == "network") return CLONE_NEWNET;
    if (type == "mount") return CLONE_NEWNS;
    if (type == "ipc") return CLONE_NEWIPC;
    if (type == "uts") return CLONE_NEWUTS;
    if (type == "user") return CLONE_NEWUSER;
    if (type == "cgroup") return CLONE_NEWCGROUP;
    if (type == "time") return CLONE_NEWTIME;
    return 0;
}

std::string namespace_proc_name(std::string_view type) {
    if (type == "network") return "net";
    if (type == "mount") return "mnt";
    if (namespace_clone_flag(type) != 0) return std::string(type);
    return "";
}

const std::vector<std::string>& seccomp_action_names() {
    static const std::vector<std::string> v = {
        "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
        "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};
    return v;
}

const std::vector<std::string>& seccomp_operator_names() {
    static const std::vector<std::string> v = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
                                               "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                               "SCMP_CMP_MASKED_EQ"};
    return v;
}

const std::vector<std::string>& seccomp_arch_names() {
    static const std::vector<std::string> v = {
        "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",
        "SCMP_ARCH_ARM",      "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K",     "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64",
        "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",     "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",      "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
        "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",        "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64"};
    return v;
}

const std::vector<std::string>& seccomp_flag_names() {
    static const std::vector<std::string> v = {
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    return v;
}

bool is_seccomp_action(std::string_view n) { return contains(seccomp_action_names(), n); }
bool is_seccomp_operator(std::string_view n) { return contains(seccomp_operator_names(), n); }
bool is_seccomp_arch(std::string_view n) { return contains(seccomp_arch_names(), n); }
bool is_seccomp_flag(std::string_view n) { return contains(seccomp_flag_names(), n); }

}  // namespace oci
