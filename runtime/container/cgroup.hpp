// The container's cgroup as the lifecycle uses it.
//
// Creation (mkdir in every hierarchy + resources) runs on a thread while the parent
// prepares the state directory; the thread is joined before the clone (the child must
// not inherit a heap lock held by another thread).
//
// Placement avoids the kernel's global cgroup_threadgroup_rwsem, whose write side costs
// an RCU grace period (~10 ms) per create: the init enters the v2 cgroup at birth
// (clone3 CLONE_INTO_CGROUP) and moves itself into each v1 hierarchy by writing "0" to
// its `tasks` file (a thread moving itself skips the global lock). Only when that is not
// possible does the parent write the pid into cgroup.procs.
#pragma once

#include <sys/types.h>

#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/container/fd.hpp"

namespace rampart::container {

class CgroupSetup {
public:
    CgroupSetup(std::string cgroups_path, std::string id, const oci::Resources* resources)
        : cgroups_path_(std::move(cgroups_path)), id_(std::move(id)), resources_(resources) {}
    ~CgroupSetup();

    // Starts detect + open + create + apply on a thread.
    void start();
    // Joins the thread (rethrowing its error) and opens what the init needs to place
    // itself: v1 `tasks` files and the v2 directory.
    void prepare();
    const std::vector<int>& self_tasks_fds() const { return raw_tasks_; }
    int v2_dir_fd() const { return v2_dir_.get(); }
    // False when the init cannot place itself everywhere: the parent must call place().
    bool self_placement() const { return self_ok_; }
    // Parent-side placement (slow path / fallback).
    void place(pid_t pid);
    // Closes the placement fds (after the clone).
    void release_fds();
    // Removes what create() made (after a failed create). Never throws.
    void destroy() noexcept;
    cgroups::Manager* manager() { return manager_.get(); }

private:
    void join();

    std::string cgroups_path_;
    std::string id_;
    const oci::Resources* resources_;
    std::unique_ptr<cgroups::Manager> manager_;
    cgroups::Layout layout_;
    std::thread thread_;
    std::exception_ptr error_;
    bool created_ = false;
    std::vector<UniqueFd> tasks_;
    std::vector<int> raw_tasks_;
    UniqueFd v2_dir_;
    bool self_ok_ = false;
};

// Rebuilds the manager of an existing container from its state (start/kill/delete).
std::unique_ptr<cgroups::Manager> open_cgroup(const std::string& cgroups_path, const std::string& id);

}  // namespace rampart::container
