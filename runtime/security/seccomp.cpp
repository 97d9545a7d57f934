// linux.seccomp -> BPF with libseccomp. The caller caches the program; compiling is one
// pass over the rules plus one export.
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "oci/error.hpp"
#include "runtime/security/seccomp.hpp"

#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace rampart::security {
namespace {

constexpr unsigned kMaxArgs = 6;  // syscall arguments a condition can test

class FilterCtx {
public:
    explicit FilterCtx(uint32_t def) : ctx_(seccomp_init(def)) {
        if (!ctx_) throw oci::Error("linux.seccomp.defaultAction: seccomp_init failed");
    }
    ~FilterCtx() { seccomp_release(ctx_); }
    FilterCtx(const FilterCtx&) = delete;
    FilterCtx& operator=(const FilterCtx&) = delete;
    scmp_filter_ctx get() const { return ctx_; }

private:
    scmp_filter_ctx ctx_;
};

uint32_t parse_action(const std::string& name, std::optional<uint32_t> errno_ret,
                      const std::string& field, bool& notify) {
    const uint32_t ret = errno_ret.value_or(EPERM);
    if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(ret);
    if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
    if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(ret);
    if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    if (name == "SCMP_ACT_NOTIFY") {
        notify = true;
        return SCMP_ACT_NOTIFY;
    }
    throw oci::Error(field + ": unknown seccomp action \"" + name +
                     "\" (expected SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_PROCESS, _KILL_THREAD, "
                     "_TRAP, _TRACE, _LOG or _NOTIFY)");
}

scmp_compare parse_op(const std::string& op, const std::string& field) {
    static const std::pair<std::string_view, scmp_compare> kOps[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (const auto& [name, value] : kOps)
        if (name == op) return value;
    throw oci::Error(field + ": unknown operator \"" + op + "\"");
}

// "SCMP_ARCH_X86_64" -> libseccomp token; 0 when this libseccomp does not know it.
uint32_t arch_token(const std::string& name, const std::string& field) {
    constexpr std::string_view kPrefix = "SCMP_ARCH_";
    if (name.compare(0, kPrefix.size(), kPrefix) != 0 || name.size() == kPrefix.size())
        throw oci::Error(field + ": architecture \"" + name + "\" must look like SCMP_ARCH_X86_64");
    std::string s = name.substr(kPrefix.size());
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return seccomp_arch_resolve_name(s.c_str());
}

unsigned int parse_flag(const std::string& flag, const std::string& field) {
    if (flag == "SECCOMP_FILTER_FLAG_TSYNC") return SECCOMP_FILTER_FLAG_TSYNC;
    if (flag == "SECCOMP_FILTER_FLAG_LOG") return SECCOMP_FILTER_FLAG_LOG;
    if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
        return SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    throw oci::Error(field + ": unknown seccomp flag \"" + flag + "\"");
}

void add_rules(const FilterCtx& ctx, const oci::SeccompSyscall& sc, uint32_t action,
               const std::string& field) {
    std::vector<scmp_arg_cmp> conds;
    std::array<unsigned, kMaxArgs> per_index{};
    bool repeated = false;
    for (size_t j = 0; j < sc.args.size(); ++j) {
        const oci::SeccompArg& a = sc.args[j];
        const std::string afield = field + ".args[" + std::to_string(j) + "]";
        if (a.index >= kMaxArgs)
            throw oci::Error(afield + ".index: " + std::to_string(a.index) +
                             " is out of range (0-5)");
        repeated = repeated || ++per_index[a.index] > 1;
        conds.push_back(scmp_arg_cmp{a.index, parse_op(a.op, afield + ".op"), a.value,
                                     a.value_two});
    }
    for (const auto& name : sc.names) {
        int nr = seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) continue;  // unknown to libseccomp: skipped, as runc does
        auto fail = [&](int rc) {
            throw oci::Error(field + ": syscall \"" + name + "\": seccomp_rule_add: " +
                             std::strerror(-rc));
        };
        if (!repeated) {
            int rc = seccomp_rule_add_array(ctx.get(), action, nr, conds.size(),
                                            conds.empty() ? nullptr : conds.data());
            if (rc < 0) fail(rc);
            continue;
        }
        // Several conditions on one argument cannot be ANDed by libseccomp: each becomes
        // its own rule (an OR), which is what runc does.
        for (const auto& c : conds) {
            int rc = seccomp_rule_add_array(ctx.get(), action, nr, 1, &c);
            if (rc < 0) fail(rc);
        }
    }
}

std::vector<sock_filter> export_bpf(const FilterCtx& ctx) {
    int fd = memfd_create("rampart-seccomp", MFD_CLOEXEC);
    if (fd < 0) throw oci::SysError("linux.seccomp: memfd_create");
    struct Closer {
        int fd;
        ~Closer() { close(fd); }
    } closer{fd};
    int rc = seccomp_export_bpf(ctx.get(), fd);
    if (rc < 0) throw oci::SysError("linux.seccomp: seccomp_export_bpf", -rc);
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0) throw oci::SysError("linux.seccomp: lseek");
    if (size % sizeof(sock_filter) != 0)
        throw oci::Error("linux.seccomp: exported BPF has a truncated instruction");
    std::vector<sock_filter> insns(size / sizeof(sock_filter));
    size_t done = 0;
    char* out = reinterpret_cast<char*>(insns.data());
    while (done < static_cast<size_t>(size)) {
        ssize_t n = pread(fd, out + done, size - done, done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw oci::SysError("linux.seccomp: read exported BPF", n < 0 ? errno : EIO);
        done += n;
    }
    return insns;
}

}  // namespace

SeccompProgram compile_seccomp(const oci::Seccomp& seccomp) {
    SeccompProgram prog;
    if (seccomp.default_action.empty())
        throw oci::Error("linux.seccomp.defaultAction: missing");
    bool notify = false;
    const uint32_t def = parse_action(seccomp.default_action, seccomp.default_errno_ret,
                                      "linux.seccomp.defaultAction", notify);
    if (notify)
        throw oci::Error("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
                         "action (the runtime itself would block)");
    FilterCtx ctx(def);
    // We load the program ourselves: no implicit no_new_privs from libseccomp.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
    // A binary search tree over syscall numbers: cheaper per syscall for large profiles.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);

    for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
        const std::string field = "linux.seccomp.architectures[" + std::to_string(i) + "]";
        uint32_t arch = arch_token(seccomp.architectures[i], field);
        if (arch == 0) continue;  // unknown to this libseccomp: cannot be this machine's arch
        int rc = seccomp_arch_add(ctx.get(), arch);
        if (rc < 0 && rc != -EEXIST)
            throw oci::Error(field + ": seccomp_arch_add: " + std::strerror(-rc));
    }
    for (size_t i = 0; i < seccomp.flags.size(); ++i)
        prog.flags |= parse_flag(seccomp.flags[i], "linux.seccomp.flags[" + std::to_string(i) + "]");

    for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
        const oci::SeccompSyscall& sc = seccomp.syscalls[i];
        const std::string field = "linux.seccomp.syscalls[" + std::to_string(i) + "]";
        uint32_t action = parse_action(sc.action, sc.errno_ret, field + ".action", prog.notify);
        if (action == def) continue;  // libseccomp refuses rules that repeat the default
        add_rules(ctx, sc, action, field);
    }
    if (prog.notify && seccomp.listener_path.empty())
        throw oci::Error("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
    prog.insns = export_bpf(ctx);
    return prog;
}

}  // namespace rampart::security
