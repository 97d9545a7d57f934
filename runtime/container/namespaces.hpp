// Which namespaces a container creates and which it joins, and the parent-side writes
// that go with a new user or time namespace.
//
// Fast path (the common case: everything new, no time namespace): the init is cloned
// directly with the CLONE_NEW* flags, one clone in total. When a namespace is joined by
// path or a time namespace is involved, the cloned child joins (setns: user first, mount
// last), unshares the new ones, and forks the init once more when pid/time require it.
// The cgroup namespace is always unshared by the init after it was placed in its cgroup,
// so that its cgroup root is the container's own cgroup.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/container/fd.hpp"

namespace rampart::container {

struct NamespaceJoin {
    int flag = 0;       // CLONE_NEWNET ...
    std::string type;   // "network"
    std::string path;
    UniqueFd fd;        // opened by the parent before the clone
};

struct NamespacePlan {
    int clone_flags = 0;    // given to clone() (fast path) — never CLONE_NEWCGROUP/NEWTIME
    int unshare_flags = 0;  // unshared by the child (slow path), excluding user and cgroup
    bool new_user = false;
    bool new_cgroup = false;
    bool new_pid = false;
    bool new_time = false;
    bool fast = true;        // clone_flags alone create everything
    bool fork_init = false;  // slow path: the pid namespace needs one more fork
    std::vector<NamespaceJoin> joins;  // setns order: user, then others, mount last
};

// Builds the plan and opens every namespace path (errors name linux.namespaces[i].path).
NamespacePlan plan_namespaces(const oci::Spec& spec);

// Parent side: /proc/<pid>/uid_map and gid_map (setgroups "deny" first when `deny_setgroups`).
void write_id_maps(pid_t pid, const oci::Linux& linux, bool deny_setgroups);

// Child side, slow path: joins, new user namespace (asks the parent for maps over `sync`),
// the remaining unshares and time offsets. Returns with the namespaces in place; the caller
// forks when plan.fork_init.
void enter_namespaces(const NamespacePlan& plan, const oci::Spec& spec, int sync);

// /proc/self/timens_offsets for a fresh time namespace (before any process entered it).
void write_time_offsets(const oci::Linux& linux);

}  // namespace rampart::container
