// Dispatcher + sections. Classic BPF jumps are relative, so each libseccomp program works
// unchanged at any offset; the dispatcher only needs unconditional (32-bit) jumps to reach
// them. Each section re-checks its architecture first, which is harmless.
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <cstddef>

#include "oci/error.hpp"
#include "runtime/security/seccomp_link.hpp"

namespace rampart::security {
namespace {

constexpr uint32_t kX32SyscallBit = 0x40000000;

struct Entry {
    uint32_t audit;   // seccomp_data.arch value
    int primary;      // section index, -1: bad architecture
    int x32;          // section for nr with the x32 bit, -1: none (primary handles it)
    size_t size() const { return x32 >= 0 ? 5 : 2; }
};

sock_filter stmt(uint16_t code, uint32_t k) { return sock_filter{code, 0, 0, k}; }
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
    return sock_filter{code, jt, jf, k};
}

}  // namespace

std::vector<sock_filter> link_sections(const std::vector<SeccompSection>& sections,
                                       uint32_t badarch) {
    int x64 = -1, x32 = -1;
    for (size_t i = 0; i < sections.size(); ++i) {
        if (sections[i].arch == SCMP_ARCH_X86_64) x64 = static_cast<int>(i);
        if (sections[i].arch == SCMP_ARCH_X32) x32 = static_cast<int>(i);
    }
    std::vector<Entry> entries;
    for (size_t i = 0; i < sections.size(); ++i) {
        const int idx = static_cast<int>(i);
        if (idx == x32) continue;  // dispatched together with x86_64
        entries.push_back(Entry{sections[i].arch, idx, idx == x64 ? x32 : -1});
    }
    if (x32 >= 0 && x64 < 0) entries.push_back(Entry{AUDIT_ARCH_X86_64, -1, x32});

    size_t dispatcher = 2;  // load arch ... ret badarch
    for (const auto& e : entries) dispatcher += e.size();
    std::vector<size_t> start(sections.size());
    size_t pos = dispatcher;
    for (size_t i = 0; i < sections.size(); ++i) {
        start[i] = pos;
        pos += sections[i].insns.size();
    }
    const size_t badarch_pc = dispatcher - 1;

    std::vector<sock_filter> out;
    out.reserve(pos);
    auto ja_to = [&](size_t target) {
        out.push_back(stmt(BPF_JMP | BPF_JA, static_cast<uint32_t>(target - (out.size() + 1))));
    };
    auto target_of = [&](int section) { return section < 0 ? badarch_pc : start[section]; };

    out.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    for (const auto& e : entries) {
        if (e.x32 < 0) {
            out.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, e.audit, 0, 1));
            ja_to(target_of(e.primary));
            continue;
        }
        out.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, e.audit, 0, 4));
        out.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
        out.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, kX32SyscallBit, 0, 1));
        ja_to(target_of(e.x32));
        ja_to(target_of(e.primary));
    }
    out.push_back(stmt(BPF_RET | BPF_K, badarch));
    if (out.size() != dispatcher) throw oci::Error("linux.seccomp: internal error linking sections");
    for (const auto& s : sections) out.insert(out.end(), s.insns.begin(), s.insns.end());
    return out;
}

}  // namespace rampart::security
