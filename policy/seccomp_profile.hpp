// Seccomp profiles as files: Docker's format (archMap, includes/excludes by capability,
// architecture and kernel version, `name` or `names`) and the OCI format (linux.seccomp).
// A Docker profile is resolved for one container - its bounding capabilities and the
// host architecture - into the OCI form the runtime installs, as dockerd does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/json.hpp"
#include "oci/spec.hpp"

namespace rampart::policy {

struct DockerFilter {
    std::vector<std::string> caps;    // CAP_* names; includes: all present, excludes: any
    std::vector<std::string> arches;  // Go names: amd64 arm64 x86 x32 arm s390x ...
    std::string min_kernel;           // "4.8"; "" none
    bool empty() const { return caps.empty() && arches.empty() && min_kernel.empty(); }
};

struct DockerSyscall {
    std::vector<std::string> names;  // `name` is folded in here
    std::string action;
    std::optional<uint32_t> errno_ret;
    std::vector<oci::SeccompArg> args;
    std::string comment;
    DockerFilter includes;
    DockerFilter excludes;
};

struct DockerArch {
    std::string arch;  // SCMP_ARCH_X86_64
    std::vector<std::string> sub_arches;
};

struct DockerProfile {
    std::string default_action;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;  // either this or arch_map
    std::vector<DockerArch> arch_map;
    std::vector<std::string> flags;
    std::string listener_path;
    std::string listener_metadata;
    std::vector<DockerSyscall> syscalls;
};

// What a Docker profile is resolved against.
struct SeccompTarget {
    std::vector<std::string> capabilities;  // the container's bounding set (final)
    std::string arch;                       // Go name; host_go_arch()
    int kernel_major = 0;                   // 0.0 = unknown: minKernel rules are kept
    int kernel_minor = 0;
};

// The host as a target: uname machine -> Go arch, uname release -> kernel version.
std::string host_go_arch();
std::pair<int, int> host_kernel_version();
// "amd64" -> "SCMP_ARCH_X86_64" ... ; "" when unknown.
std::string scmp_arch_for_go(std::string_view go_arch);

// Docker format if the document uses anything only Docker's format has (archMap,
// includes/excludes, name, comment); otherwise it is read as OCI.
bool is_docker_profile(const oci::json::Value& doc);

// Parses a Docker-format profile; errors name `file` and the JSON path
// ("seccomp.json: syscalls[4].includes.caps[0]: unknown capability \"CAP_FOO\"").
DockerProfile docker_profile_from_json(const oci::json::Value& doc, const std::string& file);
oci::json::Value docker_profile_to_json(const DockerProfile& p);
// An OCI profile as a Docker one (no includes/excludes): for tools that write Docker files.
DockerProfile docker_profile_from_oci(const oci::Seccomp& s);

// moby's setupSeccomp: keeps the rules whose includes hold and whose excludes do not,
// picks the archMap entry of the target architecture. Throws oci::Error when both
// architectures and archMap are given.
oci::Seccomp resolve_docker_profile(const DockerProfile& p, const SeccompTarget& target);

// A profile document in either format, resolved for the target.
oci::Seccomp seccomp_from_profile_json(const oci::json::Value& doc, const std::string& file,
                                       const SeccompTarget& target);
// Reads and resolves a profile file (either format). Errors name the path.
oci::Seccomp load_seccomp_profile(const std::string& path, const SeccompTarget& target);

// True when action lets the syscall run (SCMP_ACT_ALLOW, SCMP_ACT_LOG).
bool seccomp_action_allows(std::string_view action);

}  // namespace rampart::policy
