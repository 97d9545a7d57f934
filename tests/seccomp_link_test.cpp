// The per-architecture seccomp program must decide exactly like libseccomp's single
// multi-architecture program. Both are run through a classic-BPF interpreter over many
// (arch, nr, args) inputs.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <chrono>
#include <cstring>
#include <random>

#include "oci/error.hpp"
#include "policy/docker_default.hpp"
#include "policy/seccomp_profile.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/security/seccomp_link.hpp"

using namespace rampart;

namespace {

// Classic BPF over struct seccomp_data, as the kernel's seccomp checker allows it.
uint32_t run_bpf(const std::vector<sock_filter>& prog, const seccomp_data& d) {
    uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {};
    const auto* data = reinterpret_cast<const unsigned char*>(&d);
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const sock_filter& f = prog[pc];
        const uint32_t k = f.k;
        switch (BPF_CLASS(f.code)) {
        case BPF_LD:
            if (BPF_MODE(f.code) == BPF_ABS) {
                if (k + 4 > sizeof(d)) throw std::runtime_error("load out of range");
                std::memcpy(&A, data + k, 4);
            } else if (BPF_MODE(f.code) == BPF_IMM) {
                A = k;
            } else if (BPF_MODE(f.code) == BPF_MEM) {
                A = M[k];
            } else if (BPF_MODE(f.code) == BPF_LEN) {
                A = sizeof(d);
            } else {
                throw std::runtime_error("bad ld");
            }
            break;
        case BPF_LDX:
            if (BPF_MODE(f.code) == BPF_IMM) X = k;
            else if (BPF_MODE(f.code) == BPF_MEM) X = M[k];
            else if (BPF_MODE(f.code) == BPF_LEN) X = sizeof(d);
            else throw std::runtime_error("bad ldx");
            break;
        case BPF_ST: M[k] = A; break;
        case BPF_STX: M[k] = X; break;
        case BPF_ALU: {
            const uint32_t v = BPF_SRC(f.code) == BPF_X ? X : k;
            switch (BPF_OP(f.code)) {
            case BPF_ADD: A += v; break;
            case BPF_SUB: A -= v; break;
            case BPF_MUL: A *= v; break;
            case BPF_DIV: A = v ? A / v : 0; break;
            case BPF_MOD: A = v ? A % v : 0; break;
            case BPF_OR: A |= v; break;
            case BPF_AND: A &= v; break;
            case BPF_XOR: A ^= v; break;
            case BPF_LSH: A <<= v; break;
            case BPF_RSH: A >>= v; break;
            case BPF_NEG: A = -A; break;
            default: throw std::runtime_error("bad alu");
            }
            break;
        }
        case BPF_JMP: {
            if (BPF_OP(f.code) == BPF_JA) {
                pc += k;
                break;
            }
            const uint32_t v = BPF_SRC(f.code) == BPF_X ? X : k;
            bool cond = false;
            switch (BPF_OP(f.code)) {
            case BPF_JEQ: cond = A == v; break;
            case BPF_JGT: cond = A > v; break;
            case BPF_JGE: cond = A >= v; break;
            case BPF_JSET: cond = (A & v) != 0; break;
            default: throw std::runtime_error("bad jmp");
            }
            pc += cond ? f.jt : f.jf;
            break;
        }
        case BPF_RET: return BPF_RVAL(f.code) == BPF_A ? A : k;
        case BPF_MISC:
            if (BPF_MISCOP(f.code) == BPF_TAX) X = A;
            else A = X;
            break;
        default: throw std::runtime_error("bad class");
        }
    }
    throw std::runtime_error("fell off the end of the program");
}

// Compares both programs on every syscall number of every architecture (and a spread of
// argument values), returns the number of inputs checked.
size_t expect_same_decisions(const oci::Seccomp& s) {
    const auto fast = security::compile_seccomp(s).insns;
    const auto ref = security::compile_seccomp_reference(s).insns;
    const uint32_t arches[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0};
    std::vector<uint64_t> values = {0, 1, 2, 8, 0x20000, 0x20008, 0xffffffff, 0x10000000,
                                    0x7e020000, 0x40000000, 0xffffffffffffffffull, 42};
    for (const auto& sc : s.syscalls)
        for (const auto& a : sc.args) values.push_back(a.value), values.push_back(a.value_two);
    std::mt19937_64 rng(7);
    size_t checked = 0;
    for (uint32_t arch : arches) {
        for (uint32_t base : {0u, 0x40000000u}) {
            for (uint32_t nr = base; nr < base + 560; ++nr) {
                for (int round = 0; round < 6; ++round) {
                    seccomp_data d{};
                    d.nr = static_cast<int>(nr);
                    d.arch = arch;
                    for (auto& a : d.args) a = values[rng() % values.size()];
                    if (round == 0)
                        for (auto& a : d.args) a = 0;
                    uint32_t want = run_bpf(ref, d), got = run_bpf(fast, d);
                    if (want != got) {
                        ADD_FAILURE() << "arch " << std::hex << arch << " nr " << nr << " arg0 "
                                      << d.args[0] << ": reference " << want << " linked " << got;
                        return checked;
                    }
                    ++checked;
                }
            }
        }
    }
    return checked;
}

oci::Seccomp docker_default() {
    policy::SeccompTarget target;
    target.capabilities = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
                           "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
                           "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
                           "CAP_AUDIT_WRITE"};
    target.arch = policy::host_go_arch();
    std::tie(target.kernel_major, target.kernel_minor) = policy::host_kernel_version();
    return policy::resolve_docker_profile(policy::docker_default_seccomp(), target);
}

double best_ms(const std::function<void()>& fn, int runs) {
    double best = 1e9;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        fn();
        best = std::min(best, std::chrono::duration<double, std::milli>(
                                  std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

}  // namespace

TEST(SeccompLink, DockerDefaultDecidesLikeLibseccomp) {
    oci::Seccomp s = docker_default();
    ASSERT_GE(s.architectures.size(), 2u);
    EXPECT_GT(expect_same_decisions(s), 10000u);
}

TEST(SeccompLink, ArgumentRulesAllArchesDecideLikeLibseccomp) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"};
    auto rule = [](std::vector<std::string> names, std::string action, std::optional<uint32_t> ret,
                   std::vector<oci::SeccompArg> args) {
        oci::SeccompSyscall r;
        r.names = std::move(names);
        r.action = std::move(action);
        r.errno_ret = ret;
        r.args = std::move(args);
        return r;
    };
    s.syscalls = {
        rule({"getcwd", "socketcall", "stat64", "_llseek"}, "SCMP_ACT_ERRNO", 42, {}),
        rule({"socket"}, "SCMP_ACT_ERRNO", 97, {{0, 40, 0, "SCMP_CMP_EQ"}}),
        rule({"clone"}, "SCMP_ACT_ERRNO", 1, {{0, 0x7e020000, 0, "SCMP_CMP_MASKED_EQ"}}),
        rule({"dup2"}, "SCMP_ACT_KILL_PROCESS", {}, {{0, 500, 0, "SCMP_CMP_EQ"}, {0, 501, 0, "SCMP_CMP_EQ"}}),
        rule({"kill"}, "SCMP_ACT_TRAP", {}, {{1, 9, 0, "SCMP_CMP_GE"}, {0, 1, 0, "SCMP_CMP_GT"}}),
        rule({"mknodat"}, "SCMP_ACT_LOG", {}, {{2, 0, 0, "SCMP_CMP_NE"}, {1, 8, 0, "SCMP_CMP_LT"}}),
        rule({"uname"}, "SCMP_ACT_KILL", {}, {{0, 4, 0, "SCMP_CMP_LE"}}),
    };
    EXPECT_GT(expect_same_decisions(s), 10000u);
    s.default_action = "SCMP_ACT_ERRNO";
    s.syscalls.push_back(rule({"read", "write", "exit_group"}, "SCMP_ACT_ALLOW", {}, {}));
    EXPECT_GT(expect_same_decisions(s), 10000u);
}

TEST(SeccompLink, NativeOnlyIsLibseccompsProgram) {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    oci::SeccompSyscall r;
    r.names = {"getcwd"};
    r.action = "SCMP_ACT_ERRNO";
    s.syscalls = {r};
    EXPECT_EQ(security::compile_seccomp(s).insns.size(),
              security::compile_seccomp_reference(s).insns.size());
}

TEST(SeccompLink, FasterThanOneMultiArchProgram) {
    oci::Seccomp s = docker_default();
    double fast = best_ms([&] { security::compile_seccomp(s); }, 5);
    double ref = best_ms([&] { security::compile_seccomp_reference(s); }, 5);
    std::printf("[ info ] docker default: per-arch %.2f ms, one multi-arch program %.2f ms\n", fast, ref);
    EXPECT_LT(fast, ref);
}
