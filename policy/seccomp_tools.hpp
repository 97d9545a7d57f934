// Seccomp profile tools: the syscalls of an `strace -f` log, minimal profiles from a set
// of observed syscalls (learned or imported), merging and diffing profiles.
//
// Profiles are handled as oci::Seccomp (the OCI form); written as JSON they are also valid
// Docker-format profiles (same field names: defaultAction, defaultErrnoRet, architectures,
// syscalls[].names/action/errnoRet/args). Reading Docker files (includes/excludes, archMap)
// is policy/seccomp_profile.hpp's job.
#pragma once

#include <istream>
#include <set>
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace rampart::policy {

struct StraceSyscalls {
    std::set<std::string> names;         // syscall names made by any traced process
    std::vector<std::string> unknown;    // names libseccomp does not know ("syscall_0x1b4")
    size_t lines = 0;                    // lines read
};

// Parses `strace -f` output (also -ff files, -o files with "PID " prefixes, -t/-tt/-ttt/-r
// timestamps): "[pid N] name(...)", "N name(...)", "<... name resumed>", "<unfinished ...>",
// and skips signals ("--- SIG... ---"), exits ("+++ exited with 0 +++") and strace's own
// messages ("strace: Process N attached").
StraceSyscalls syscalls_from_strace(std::istream& in);

// defaultAction SCMP_ACT_ERRNO, defaultErrnoRet 1 (EPERM), the architectures, and one rule
// allowing `names` (sorted).
oci::Seccomp minimal_profile(const std::set<std::string>& names,
                             const std::vector<std::string>& architectures);

// The learned profile: the observed syscalls, never wider than the container's configured
// profile. For each observed name: allowed unconditionally when `configured` is null
// (unconfined), lets it run unconditionally, or allows it by default; the configured
// argument-conditioned ALLOW rules copied when only those let it run; left out (with a
// note) when the configured profile does not let it run at all.
oci::Seccomp learned_profile(const std::set<std::string>& observed,
                             const std::vector<std::string>& architectures,
                             const oci::Seccomp* configured, std::vector<std::string>* notes);

// The union: allows whatever A or B allows. Refuses profiles with different default actions
// (oci::Error "merge: defaultAction differs: SCMP_ACT_ERRNO vs SCMP_ACT_KILL"). Rules are
// normalized: one rule per action for unconditional names (sorted), conditional rules kept
// once each.
oci::Seccomp merge_profiles(const oci::Seccomp& a, const oci::Seccomp& b);

// Lines describing how B differs from A ("- name" allowed only by A, "+ name" only by B,
// "~ name: A: ...; B: ..." different rules, "defaultAction: ...", "architectures: ...").
// Empty when they are equivalent.
std::vector<std::string> diff_profiles(const oci::Seccomp& a, const oci::Seccomp& b);

// The names a profile lets run unconditionally or under conditions (ALLOW/LOG rules).
std::set<std::string> allowed_names(const oci::Seccomp& s);

// The host's native architecture and its companions as Docker lists them
// (x86_64: SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32).
std::vector<std::string> native_architectures();

}  // namespace rampart::policy
