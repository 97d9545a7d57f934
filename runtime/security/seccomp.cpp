// linux.seccomp -> BPF with libseccomp. The caller caches the program; compiling is one
// pass over the rules plus one export.
#include <seccomp.h>
#include <sys/mman.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "oci/error.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/security/seccomp_link.hpp"

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

// One rule of linux.seccomp.syscalls, validated and converted once for every section.
struct Rule {
    std::vector<std::string> names;
    uint32_t action = 0;
    std::vector<scmp_arg_cmp> conds;
    bool split = false;  // several conditions on one argument: one libseccomp rule each
    std::string field;
};

struct Parsed {
    uint32_t def = 0;
    std::vector<uint32_t> arches;  // native first, then the listed ones (deduplicated)
    std::vector<Rule> rules;
    unsigned int flags = 0;
    bool notify = false;
};

Rule parse_rule(const oci::SeccompSyscall& sc, uint32_t action, const std::string& field) {
    Rule r;
    r.names = sc.names;
    r.action = action;
    r.field = field;
    std::array<unsigned, kMaxArgs> per_index{};
    for (size_t j = 0; j < sc.args.size(); ++j) {
        const oci::SeccompArg& a = sc.args[j];
        const std::string afield = field + ".args[" + std::to_string(j) + "]";
        if (a.index >= kMaxArgs)
            throw oci::Error(afield + ".index: " + std::to_string(a.index) +
                             " is out of range (0-5)");
        r.split = r.split || ++per_index[a.index] > 1;
        r.conds.push_back(scmp_arg_cmp{a.index, parse_op(a.op, afield + ".op"), a.value,
                                       a.value_two});
    }
    return r;
}

Parsed parse(const oci::Seccomp& seccomp) {
    Parsed p;
    if (seccomp.default_action.empty())
        throw oci::Error("linux.seccomp.defaultAction: missing");
    bool notify = false;
    p.def = parse_action(seccomp.default_action, seccomp.default_errno_ret,
                         "linux.seccomp.defaultAction", notify);
    if (notify)
        throw oci::Error("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
                         "action (the runtime itself would block)");
    p.arches.push_back(seccomp_arch_native());
    for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
        const std::string field = "linux.seccomp.architectures[" + std::to_string(i) + "]";
        uint32_t arch = arch_token(seccomp.architectures[i], field);
        // Unknown to this libseccomp: cannot be this machine's architecture either.
        if (arch != 0 && std::find(p.arches.begin(), p.arches.end(), arch) == p.arches.end())
            p.arches.push_back(arch);
    }
    for (size_t i = 0; i < seccomp.flags.size(); ++i)
        p.flags |= parse_flag(seccomp.flags[i], "linux.seccomp.flags[" + std::to_string(i) + "]");
    for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
        const oci::SeccompSyscall& sc = seccomp.syscalls[i];
        const std::string field = "linux.seccomp.syscalls[" + std::to_string(i) + "]";
        uint32_t action = parse_action(sc.action, sc.errno_ret, field + ".action", p.notify);
        if (action == p.def) continue;  // libseccomp refuses rules that repeat the default
        p.rules.push_back(parse_rule(sc, action, field));
    }
    if (p.notify && seccomp.listener_path.empty())
        throw oci::Error("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
    return p;
}

// `only` == 0: every architecture of p in one filter; else a filter for that one only.
void add_rules(const FilterCtx& ctx, const Rule& r, uint32_t only) {
    for (const auto& name : r.names) {
        int nr = seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) continue;  // unknown to libseccomp: skipped, as runc does
        // A syscall this architecture does not have at all: nothing to filter in its
        // section (negative "pseudo" numbers, e.g. socket via socketcall on x86, are kept:
        // libseccomp expands them).
        if (only != 0 && seccomp_syscall_resolve_name_arch(only, name.c_str()) == __NR_SCMP_ERROR)
            continue;
        auto fail = [&](int rc) {
            throw oci::Error(r.field + ": syscall \"" + name + "\": seccomp_rule_add: " +
                             std::strerror(-rc));
        };
        if (!r.split) {
            int rc = seccomp_rule_add_array(ctx.get(), r.action, nr, r.conds.size(),
                                            r.conds.empty() ? nullptr : r.conds.data());
            if (rc < 0) fail(rc);
            continue;
        }
        // Several conditions on one argument cannot be ANDed by libseccomp: each becomes
        // its own rule (an OR), which is what runc does.
        for (const auto& c : r.conds) {
            int rc = seccomp_rule_add_array(ctx.get(), r.action, nr, 1, &c);
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

std::vector<sock_filter> build(const Parsed& p, uint32_t only) {
    FilterCtx ctx(p.def);
    // We load the program ourselves: no implicit no_new_privs from libseccomp.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
    // A binary search tree over syscall numbers: cheaper per syscall for large profiles.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
    const uint32_t native = seccomp_arch_native();
    for (uint32_t arch : p.arches) {
        if ((only != 0 && arch != only) || arch == native) continue;
        int rc = seccomp_arch_add(ctx.get(), arch);
        if (rc < 0 && rc != -EEXIST)
            throw oci::Error("linux.seccomp.architectures: seccomp_arch_add: " + std::string(std::strerror(-rc)));
    }
    if (only != 0 && only != native) {
        int rc = seccomp_arch_remove(ctx.get(), native);
        if (rc < 0) throw oci::Error("linux.seccomp: seccomp_arch_remove: " + std::string(std::strerror(-rc)));
    }
    for (const Rule& r : p.rules) add_rules(ctx, r, only);
    return export_bpf(ctx);
}

}  // namespace

SeccompProgram compile_seccomp_reference(const oci::Seccomp& seccomp) {
    Parsed p = parse(seccomp);
    SeccompProgram prog;
    prog.flags = p.flags;
    prog.notify = p.notify;
    prog.insns = build(p, 0);
    return prog;
}

SeccompProgram compile_seccomp(const oci::Seccomp& seccomp) {
    Parsed p = parse(seccomp);
    SeccompProgram prog;
    prog.flags = p.flags;
    prog.notify = p.notify;
    if (p.arches.size() == 1) {
        prog.insns = build(p, 0);
        return prog;
    }
    // libseccomp's export grows much faster than linearly with the number of
    // architectures (x86_64+x86+x32: ~10x one architecture). Build one program per
    // architecture and join them behind a small dispatcher on seccomp_data.arch.
    std::vector<SeccompSection> sections;
    for (uint32_t arch : p.arches) sections.push_back(SeccompSection{arch, build(p, arch)});
    prog.insns = link_sections(sections, SECCOMP_RET_KILL_THREAD);
    return prog;
}

}  // namespace rampart::security
