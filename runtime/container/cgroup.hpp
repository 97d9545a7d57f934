// The container's cgroup as the lifecycle uses it. Creation runs in a thread started right
// after the init is cloned (mkdir in every hierarchy is the slowest part of a create on v1
// hosts), and the init is placed in it before it does any work.
#pragma once

#include <sys/types.h>

#include <exception>
#include <memory>
#include <string>
#include <thread>

#include "oci/spec.hpp"
#include "runtime/cgroups/cgroups.hpp"

namespace rampart::container {

class CgroupSetup {
public:
    CgroupSetup(std::string cgroups_path, std::string id, const oci::Resources* resources)
        : cgroups_path_(std::move(cgroups_path)), id_(std::move(id)), resources_(resources) {}
    ~CgroupSetup();

    // Starts detect + open + create + apply on a thread.
    void start();
    // Waits for the thread (rethrowing its error) and moves pid into the cgroup.
    void place(pid_t pid);
    // Removes what create() made (after a failed create). Never throws.
    void destroy() noexcept;
    cgroups::Manager* manager() { return manager_.get(); }

private:
    void join();

    std::string cgroups_path_;
    std::string id_;
    const oci::Resources* resources_;
    std::unique_ptr<cgroups::Manager> manager_;
    std::thread thread_;
    std::exception_ptr error_;
    bool created_ = false;
};

// Rebuilds the manager of an existing container from its state (start/kill/delete).
std::unique_ptr<cgroups::Manager> open_cgroup(const std::string& cgroups_path, const std::string& id);

}  // namespace rampart::container
