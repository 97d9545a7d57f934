// Landlock: the bane TOML profile (policy/bane_toml.hpp) enforced by the kernel without
// AppArmor. plan_landlock() turns the profile into a ruleset description (pure, testable,
// recorded in the state dir and shown by `rampart inspect`); apply_landlock() enforces it
// in the container's init and in every exec'd process.
//
// Landlock is allow-only: every handled right is denied unless a rule grants it, and a
// grant covers everything beneath its path. The mapping:
//   handled          all filesystem rights of the kernel's ABI (1..7 detected); TCP bind and
//                    connect (ABI >= 4) when [Network] exists and Protocols lacks "tcp"
//   base grants      "/" read (files and directories): AppArmor's `file,` lets everything be
//                    read, so ReadOnlyPaths and unlisted paths alike stay readable;
//                    /dev/{null,zero,full,random,urandom,tty,ptmx,console} and /dev/pts/
//                    read+write+ioctl: the character devices every process may need
//   WritablePaths    read + write + create/remove (no device nodes); a path that does not
//                    exist in the rootfs yet (nginx.pid) -> its nearest existing parent
//                    directory (warned: the whole directory becomes writable)
//   AllowExec        execute (+ read), plus execute on the ELF interpreter / #! interpreter
//                    of each listed file, which the kernel opens for execution too
//   DenyExec         no rule: without an AllowExec grant nothing may be executed
//   ReadOnlyPaths    no rule needed (covered by the base read grant)
// Not expressible, so returned in warnings (for the decision record), never dropped:
// LogOnWritePaths (Landlock cannot log), a ReadOnlyPaths/DenyExec entry beneath a
// Writable/AllowExec entry (Landlock cannot deny beneath an allow), DenyExec's read/map
// denial, globs other than a trailing "/**" or "/*", raw/packet/UDP/ICMP network rules,
// Capabilities.Allow, base grants that a ReadOnlyPaths entry covers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oci/json.hpp"
#include "oci/spec.hpp"
#include "policy/bane_toml.hpp"

namespace rampart::security {

// Filesystem rights by ABI (the Debian header only knows ABI 2; numbers are the kernel's).
namespace ll {
constexpr uint64_t kExecute = 1ULL << 0, kWriteFile = 1ULL << 1, kReadFile = 1ULL << 2,
                   kReadDir = 1ULL << 3, kRemoveDir = 1ULL << 4, kRemoveFile = 1ULL << 5,
                   kMakeChar = 1ULL << 6, kMakeDir = 1ULL << 7, kMakeReg = 1ULL << 8,
                   kMakeSock = 1ULL << 9, kMakeFifo = 1ULL << 10, kMakeBlock = 1ULL << 11,
                   kMakeSym = 1ULL << 12, kRefer = 1ULL << 13, kTruncate = 1ULL << 14,
                   kIoctlDev = 1ULL << 15;
constexpr uint64_t kBindTcp = 1ULL << 0, kConnectTcp = 1ULL << 1;
// Rights that may be granted on a file that is not a directory.
constexpr uint64_t kFileRights = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;
}  // namespace ll

// The running kernel's Landlock ABI version; 0 when Landlock is unsupported or disabled.
int landlock_abi();

// Every filesystem right the ABI knows (ABI 0 -> 0).
uint64_t landlock_fs_rights(int abi);

// "read_file,read_dir" for a filesystem access mask.
std::string landlock_access_names(uint64_t access);

struct LandlockPathRule {
    std::string path;    // container path, no glob; a grant covers everything beneath it
    uint64_t access = 0; // ll::k* (only ll::kFileRights are applied when path is a file)
    std::string origin;  // "WritablePaths[0] /var/run/nginx.pid", "base"
};

struct LandlockPlan {
    std::string source;  // the TOML file
    std::string profile; // its Name
    int abi = 0;
    uint64_t handled_fs = 0;
    uint64_t handled_net = 0;  // ll::kBindTcp | ll::kConnectTcp when TCP is to be denied
    std::vector<LandlockPathRule> rules;
    std::vector<std::string> warnings;  // what Landlock cannot express; record, never drop

    oci::json::Value to_json() const;  // state-dir record read by `rampart inspect`
};

// Builds the plan for `abi` (tests pass any ABI 1..7). `rootfs`: host path of the container
// root ("" when unknown) to find missing writable paths and executables' interpreters.
// `process`, when given, adds a warning if no_new_privs will have to be set. Throws
// oci::Error when abi < 1 ("Landlock is not supported by this kernel: <source> cannot be
// enforced").
LandlockPlan plan_landlock(const policy::BaneProfile& profile, int abi,
                           const std::string& rootfs = "",
                           const oci::Process* process = nullptr);

// Enforces the plan on the calling thread and its future children. Call in the child after
// pivot_root (rule paths are container paths) and capabilities, before seccomp. Sets
// no_new_privs first unless CAP_SYS_ADMIN is effective (Landlock requires one of them).
// Returns notes on rule paths missing at apply time (skipped: nothing granted there).
// Throws oci::SysError naming the rule.
std::vector<std::string> apply_landlock(const LandlockPlan& plan);

}  // namespace rampart::security
