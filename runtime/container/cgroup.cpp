#include "runtime/container/cgroup.hpp"

#include "oci/error.hpp"

namespace rampart::container {

CgroupSetup::~CgroupSetup() {
    if (thread_.joinable()) thread_.join();
}

void CgroupSetup::start() {
    thread_ = std::thread([this] {
        try {
            manager_ = cgroups::Manager::open(cgroups_path_, id_, cgroups::detect());
            manager_->create();
            created_ = true;
            if (resources_) manager_->apply(*resources_);
        } catch (...) {
            error_ = std::current_exception();
        }
    });
}

void CgroupSetup::join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void CgroupSetup::place(pid_t pid) {
    join();
    manager_->add_pid(pid);
}

void CgroupSetup::destroy() noexcept {
    try {
        if (thread_.joinable()) thread_.join();
        if (manager_ && created_) manager_->destroy();
    } catch (...) {
    }
}

std::unique_ptr<cgroups::Manager> open_cgroup(const std::string& cgroups_path, const std::string& id) {
    return cgroups::Manager::open(cgroups_path, id, cgroups::detect());
}

}  // namespace rampart::container
