// Cgroup placement and resource control on v1, v2 and hybrid hosts.
//
// A Manager owns one container's cgroup: the same relative path in every hierarchy that
// matters (v1 controllers, the v2 tree; on hybrid hosts both). Library code: throws
// oci::Error with the field and controller named, never prints.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oci/json.hpp"
#include "oci/spec.hpp"

namespace rampart::cgroups {

enum class Mode { V1, V2, Hybrid };

struct Layout {
    Mode mode = Mode::V1;
    std::string v2_root;  // mount point of the cgroup2 tree ("" when none)
    // v1 controller name ("memory", "cpu", "name=systemd") -> mount point
    std::vector<std::pair<std::string, std::string>> v1;
    std::vector<std::string> v2_controllers;  // cgroup.controllers of the v2 root
};

// Reads mountinfo (default /proc/self/mountinfo) and the v2 root's cgroup.controllers.
Layout detect(const std::string& mountinfo_path = "/proc/self/mountinfo");
// The pure part of detect(): mountinfo text plus the v2 root's cgroup.controllers text.
// Mode: V2 when no real v1 controller is mounted (named hierarchies like name=systemd do
// not count), V1 when there is no cgroup2 mount, Hybrid otherwise.
Layout parse_layout(std::string_view mountinfo, std::string_view v2_controllers);
// Mount point of a v1 controller ("" when it is not mounted on v1).
std::string v1_mount(const Layout& layout, std::string_view controller);
// True when the controller is used through the v2 tree: not mounted on v1 and listed in
// the v2 root's cgroup.controllers.
bool on_v2(const Layout& layout, std::string_view controller);
const char* mode_name(Mode m);  // "v1" "v2" "hybrid"

// linux.cgroupsPath -> the path inside each hierarchy: "" -> "/rampart/<id>", "/a/b" as
// given, "a/b" relative (returned without the leading "/"; joined to the runtime's own
// cgroup per hierarchy). Refuses ".." components and systemd "slice:prefix:name" paths.
std::string resolve_cgroups_path(const std::string& cgroups_path, const std::string& id);

// What create() should give Manager::apply for a spec: linux.resources with the device
// rules runc enforces: the spec's rules (deny-all when there are none), then an allow rule
// for every linux.devices entry. apply() appends runc's always-allowed devices (mknod of
// any, null, zero, full, random, urandom, tty, ptmx, pts, net/tun) to any non-empty list.
oci::Resources resources_for(const oci::Linux& linux);
// runc's always-allowed device rules (appended by apply()).
std::vector<oci::DeviceCgroupRule> default_allowed_devices();

class Manager {
public:
    virtual ~Manager() = default;

    // Opens (does not create) the manager for a container's cgroups path. `cgroups_path`
    // is linux.cgroupsPath (absolute, relative to the runtime's own cgroup, or "" for the
    // default "/rampart/<id>"). The resolved path is stable across invocations, so
    // start/kill/delete can rebuild the Manager from state.
    static std::unique_ptr<Manager> open(const std::string& cgroups_path, const std::string& id,
                                         const Layout& layout);
    // Same, with the runtime's own cgroups given as /proc/self/cgroup text (tests).
    static std::unique_ptr<Manager> open(const std::string& cgroups_path, const std::string& id,
                                         const Layout& layout, const std::string& self_cgroup);

    // Creates the directories (in every hierarchy) and remembers which it created.
    virtual void create() = 0;
    // Writes linux.resources (an update writes only what is set). Errors name the field
    // and controller: "linux.resources.memory.limit: memory controller: write 100: EINVAL".
    virtual void apply(const oci::Resources& res) = 0;
    // Moves pid into the cgroup in every hierarchy.
    virtual void add_pid(pid_t pid) = 0;
    virtual void freeze() = 0;
    virtual void thaw() = 0;
    virtual bool frozen() const = 0;
    // Every pid in the container's cgroup (recursively).
    virtual std::vector<pid_t> pids() const = 0;
    // runc's `events --stats` "data" object.
    virtual oci::json::Value stats() const = 0;
    // Times the OOM killer fired in this cgroup.
    virtual uint64_t oom_kills() const = 0;
    // Removes the directories this container owns (kills nothing; caller kills first).
    // Idempotent; never removes a directory that holds processes or that rampart did not make.
    virtual void destroy() = 0;
    // Path in the v2 tree or, on v1, of the given controller (for tests and inspect).
    virtual std::string path(const std::string& controller = "") const = 0;
    // Every directory of this container (one per v1 hierarchy, plus the v2 one).
    virtual std::vector<std::string> dirs() const = 0;
};

}  // namespace rampart::cgroups
