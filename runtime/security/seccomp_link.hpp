// Joining per-architecture seccomp programs into one (internal to seccomp.cpp; exposed
// for tests).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace rampart::security {

struct SeccompSection {
    uint32_t arch;                   // SCMP_ARCH_* token the section was built for
    std::vector<sock_filter> insns;  // a complete libseccomp program for that arch only
};

// One program: a dispatcher on seccomp_data.arch (and, for x86_64, on the x32 syscall bit,
// since x32 calls arrive as AUDIT_ARCH_X86_64 with nr | 0x40000000) jumping to each
// section; any other architecture returns `badarch` (a SECCOMP_RET_* value).
std::vector<sock_filter> link_sections(const std::vector<SeccompSection>& sections,
                                       uint32_t badarch);

}  // namespace rampart::security
