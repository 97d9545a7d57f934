// Shared by the cgroup commands (pause, resume, update, events, ps): a container's record,
// live status and cgroup manager, with runc's error wording.
#pragma once

#include <memory>
#include <string>

#include "oci/error.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/container.hpp"
#include "runtime/container/state.hpp"

namespace rampart::cli {

struct CgroupTarget {
    container::Handle handle;
    container::Record record;
    std::string status;
    std::unique_ptr<cgroups::Manager> cgroup;
};

// Opens the container (locked when it is changed) and its cgroup manager.
inline CgroupTarget open_cgroup_target(const GlobalOptions& g, const std::string& id, bool lock) {
    container::Store store(g.root);
    container::Handle h = store.open(id, lock);
    container::Record r = h.read();
    std::string status = container::status_of(r, h);
    auto mgr = container::open_cgroup(r.cgroups_path, r.id);
    return CgroupTarget{std::move(h), std::move(r), std::move(status), std::move(mgr)};
}

}  // namespace rampart::cli
