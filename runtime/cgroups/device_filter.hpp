// The cgroup v2 device controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE). This
// builds it from linux.resources.devices with the v1 semantics: deny everything, then
// the rules in order, the last matching rule wins.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace rampart::cgroups {

// struct bpf_insn, spelled out so tests need no kernel headers.
struct BpfInsn {
    uint8_t code;
    uint8_t regs;  // dst in the low nibble, src in the high nibble
    int16_t off;
    int32_t imm;
};

// Values of struct bpf_cgroup_dev_ctx (access_type = access << 16 | type).
constexpr uint32_t kDevBlock = 1, kDevChar = 2;
constexpr uint32_t kAccMknod = 1, kAccRead = 2, kAccWrite = 4;

// Validates the rules (type a/b/c, access from "rwm") and returns the program.
// Errors name linux.resources.devices[i].
std::vector<BpfInsn> build_device_program(const std::vector<oci::DeviceCgroupRule>& rules);

// Loads the program and attaches it to the v2 cgroup directory (BPF_F_ALLOW_MULTI),
// then detaches programs that were attached there before (an update replaces ours).
void attach_device_program(const std::string& cgroup_dir, const std::vector<BpfInsn>& prog);

}  // namespace rampart::cgroups
