// Names the runtime-spec uses for kernel constants: capabilities, rlimits, namespaces,
// and the seccomp vocabulary (actions, operators, architectures, flags).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace oci {

// "CAP_CHOWN" -> 0 ... "CAP_CHECKPOINT_RESTORE" -> 40; -1 when unknown.
int capability_number(std::string_view name);
// Every capability this build knows, in number order ("CAP_CHOWN", ...).
const std::vector<std::string>& all_capability_names();
// "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown.
int rlimit_number(std::string_view name);
// Every rlimit name ("RLIMIT_CPU", ...), in number order.
const std::vector<std::string>& all_rlimit_names();
// "pid" -> CLONE_NEWPID ... "time" -> CLONE_NEWTIME; 0 when unknown.
int namespace_clone_flag(std::string_view type);
// /proc/<pid>/ns/<name> for a runtime-spec namespace type ("network" -> "net").
std::string namespace_proc_name(std::string_view type);
// The runtime-spec namespace types, in the order runc lists them.
const std::vector<std::string>& all_namespace_types();

// Seccomp names as the runtime-spec spells them (defs-linux.json).
const std::vector<std::string>& seccomp_action_names();    // SCMP_ACT_*
const std::vector<std::string>& seccomp_operator_names();  // SCMP_CMP_*
const std::vector<std::string>& seccomp_arch_names();      // SCMP_ARCH_*
const std::vector<std::string>& seccomp_flag_names();      // SECCOMP_FILTER_FLAG_*
bool is_seccomp_action(std::string_view name);
bool is_seccomp_operator(std::string_view name);
bool is_seccomp_arch(std::string_view name);
bool is_seccomp_flag(std::string_view name);

}  // namespace oci
