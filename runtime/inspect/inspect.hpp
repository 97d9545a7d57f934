// `rampart inspect`: what a container's processes really run with, read from /proc (like
// getpcaps, plus seccomp, no_new_privs, LSM label, namespaces, cgroup), joined with what
// the runtime recorded in the state dir (Landlock plan, policy decisions).
//
// The state dir is <root>/<id>/ with a state.json holding the init's pid: rampart's own
// ("pid") or runc's libcontainer state ("init_process_pid"), so `--root` may point at
// Docker's runtime state (/run/docker/runtime-runc/moby, or /run/docker/runtime-rampart/moby
// ... for a runtime named rampart). Library code: throws oci::Error, never prints.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "oci/json.hpp"

namespace rampart::inspect {

struct CapSets {
    uint64_t inheritable = 0, permitted = 0, effective = 0, bounding = 0, ambient = 0;
};

struct ProcessInfo {
    int pid = 0;
    std::string command;  // /proc/<pid>/cmdline, arguments joined by spaces
    std::string uids;     // "Uid:" line of status: real effective saved fs
    std::string gids;
    CapSets caps;
    int no_new_privs = -1;     // -1: unknown
    int seccomp_mode = -1;     // 0 disabled, 1 strict, 2 filter
    int seccomp_filters = -1;  // -1: kernel does not report it
    std::string lsm_label;     // attr/current ("" when no LSM or unreadable)
    std::vector<std::pair<std::string, std::string>> namespaces;  // {"net", "net:[4026531840]"}
    std::string cgroup;        // /proc/<pid>/cgroup, lines joined by "; "
};

// Reads one process from `proc` (default /proc). Throws oci::Error when it does not exist.
ProcessInfo read_process(int pid, const std::string& proc = "/proc");

// Capability names of a mask, lower case like getpcaps ("cap_chown"); bits beyond the known
// names show as "cap_41".
std::vector<std::string> capability_names(uint64_t mask);
// "cap_chown,cap_kill" ("" for none); "=ep"-free, one set per line in the text output.
std::string capability_list(uint64_t mask);

// Pids of every process of the container whose init is `init_pid`: the processes in its pid
// namespace when that is not ours, else those in its cgroup (v2 cgroup.procs), else init.
std::vector<int> container_pids(int init_pid, const std::string& proc = "/proc",
                                const std::string& cgroupfs = "/sys/fs/cgroup");

struct ContainerInfo {
    std::string id;
    std::string state_dir;
    std::string status;  // as recorded
    std::string bundle;
    int pid = 0;
    std::vector<ProcessInfo> processes;  // init first; all with --all
    oci::json::Value landlock;   // landlock.json of the state dir, null when absent
    oci::json::Value decisions;  // decisions.json of the state dir, null when absent
};

// Reads <root>/<id>/state.json and the processes. Errors: "container X does not exist in
// ROOT", "container X is not running".
ContainerInfo inspect_container(const std::string& root, const std::string& id, bool all,
                                const std::string& proc = "/proc");

oci::json::Value to_json(const ContainerInfo& c);
std::string to_text(const ContainerInfo& c);

}  // namespace rampart::inspect
