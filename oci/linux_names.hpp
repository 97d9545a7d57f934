// Names the runtime-spec uses for kernel constants: capabilities, rlimits, namespaces.
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
// "pid" -> CLONE_NEWPID ... "time" -> CLONE_NEWTIME; 0 when unknown.
int namespace_clone_flag(std::string_view type);
// /proc/<pid>/ns/<name> for a runtime-spec namespace type ("network" -> "net").
std::string namespace_proc_name(std::string_view type);

}  // namespace oci
