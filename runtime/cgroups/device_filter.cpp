// Device rule list -> eBPF instructions. Layout of the program:
//   r2 = type, r3 = access, r4 = major, r5 = minor   (from the context in r1)
//   one block per rule, last rule first; a block jumps to the next block on a mismatch,
//   or sets r0 = allow/deny and exits on a match
//   r0 = 0; exit                                      (nothing matched: deny)
#include "runtime/cgroups/device_filter.hpp"

#include "oci/error.hpp"

namespace rampart::cgroups {
namespace {

// Opcodes (linux/bpf_common.h, linux/bpf.h).
constexpr uint8_t LDX_MEM_W = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
constexpr uint8_t ALU32_AND_K = 0x54; // BPF_ALU | BPF_AND | BPF_K
constexpr uint8_t ALU32_RSH_K = 0x74; // BPF_ALU | BPF_RSH | BPF_K
constexpr uint8_t ALU32_MOV_X = 0xbc; // BPF_ALU | BPF_MOV | BPF_X
constexpr uint8_t ALU64_MOV_K = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
constexpr uint8_t JMP_JNE_K = 0x55;   // BPF_JMP | BPF_JNE | BPF_K
constexpr uint8_t JMP_EXIT = 0x95;    // BPF_JMP | BPF_EXIT

BpfInsn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    return BpfInsn{code, static_cast<uint8_t>((src << 4) | (dst & 0xf)), off, imm};
}

uint32_t parse_access(const std::string& access, const std::string& field) {
    if (access.empty()) return kAccMknod | kAccRead | kAccWrite;
    uint32_t bits = 0;
    for (char c : access) {
        if (c == 'r') bits |= kAccRead;
        else if (c == 'w') bits |= kAccWrite;
        else if (c == 'm') bits |= kAccMknod;
        else throw oci::Error(field + ".access: invalid access \"" + access + "\" (expected a subset of \"rwm\")");
    }
    return bits;
}

}  // namespace

std::vector<BpfInsn> build_device_program(const std::vector<oci::DeviceCgroupRule>& rules) {
    std::vector<BpfInsn> p = {
        insn(LDX_MEM_W, 2, 1, 0, 0),    // r2 = ctx->access_type
        insn(ALU32_AND_K, 2, 0, 0, 0xffff),  // r2 = type
        insn(LDX_MEM_W, 3, 1, 0, 0),    // r3 = ctx->access_type
        insn(ALU32_RSH_K, 3, 0, 0, 16), // r3 = access
        insn(LDX_MEM_W, 4, 1, 4, 0),    // r4 = ctx->major
        insn(LDX_MEM_W, 5, 1, 8, 0),    // r5 = ctx->minor
    };
    // Validate in order first so errors name the first bad rule.
    std::vector<uint32_t> access(rules.size());
    for (size_t i = 0; i < rules.size(); ++i) {
        std::string field = "linux.resources.devices[" + std::to_string(i) + "]";
        const auto& r = rules[i];
        if (!r.type.empty() && r.type != "a" && r.type != "b" && r.type != "c")
            throw oci::Error(field + ".type: invalid device type \"" + r.type + "\" (expected a, b or c)");
        access[i] = parse_access(r.access, field);
        if ((r.major && *r.major < -1) || (r.minor && *r.minor < -1))
            throw oci::Error(field + ": negative device number");
    }
    for (size_t k = rules.size(); k-- > 0;) {
        const auto& r = rules[k];
        std::vector<BpfInsn> checks;  // each jumps over the rest of the block on mismatch
        if (r.type == "b" || r.type == "c")
            checks.push_back(insn(JMP_JNE_K, 2, 0, 0, r.type == "b" ? kDevBlock : kDevChar));
        const uint32_t all = kAccMknod | kAccRead | kAccWrite;
        if (access[k] != all) {
            // match only when every requested bit is allowed by the rule: (access & ~rule) == 0
            checks.push_back(insn(ALU32_MOV_X, 1, 3, 0, 0));
            checks.push_back(insn(ALU32_AND_K, 1, 0, 0, static_cast<int32_t>(~access[k] & all)));
            checks.push_back(insn(JMP_JNE_K, 1, 0, 0, 0));
        }
        if (r.major && *r.major >= 0) checks.push_back(insn(JMP_JNE_K, 4, 0, 0, static_cast<int32_t>(*r.major)));
        if (r.minor && *r.minor >= 0) checks.push_back(insn(JMP_JNE_K, 5, 0, 0, static_cast<int32_t>(*r.minor)));
        const int16_t block = static_cast<int16_t>(checks.size() + 2);  // + mov r0 + exit
        for (size_t j = 0; j < checks.size(); ++j)
            if (checks[j].code == JMP_JNE_K) checks[j].off = static_cast<int16_t>(block - static_cast<int16_t>(j) - 1);
        p.insert(p.end(), checks.begin(), checks.end());
        p.push_back(insn(ALU64_MOV_K, 0, 0, 0, r.allow ? 1 : 0));
        p.push_back(insn(JMP_EXIT, 0, 0, 0, 0));
        if (checks.empty()) return p;  // matches everything: earlier rules can never win
    }
    p.push_back(insn(ALU64_MOV_K, 0, 0, 0, 0));
    p.push_back(insn(JMP_EXIT, 0, 0, 0, 0));
    return p;
}

}  // namespace rampart::cgroups
