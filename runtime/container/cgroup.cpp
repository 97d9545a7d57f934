#include "runtime/container/cgroup.hpp"

#include <fcntl.h>

#include "oci/error.hpp"

namespace rampart::container {

CgroupSetup::~CgroupSetup() {
    if (thread_.joinable()) thread_.join();
}

void CgroupSetup::start() {
    thread_ = std::thread([this] {
        try {
            layout_ = cgroups::detect();
            manager_ = cgroups::Manager::open(cgroups_path_, id_, layout_);
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

void CgroupSetup::prepare() {
    join();
    self_ok_ = true;
    const std::string& v2root = layout_.v2_root;
    for (const auto& dir : manager_->dirs()) {
        const bool v2 = !v2root.empty() && (dir == v2root || dir.compare(0, v2root.size() + 1, v2root + "/") == 0);
        if (v2) {
            v2_dir_ = UniqueFd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!v2_dir_.valid()) self_ok_ = false;
            continue;
        }
        UniqueFd fd(::open((dir + "/tasks").c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd.valid()) {
            self_ok_ = false;
            continue;
        }
        raw_tasks_.push_back(fd.get());
        tasks_.push_back(std::move(fd));
    }
}

void CgroupSetup::place(pid_t pid) {
    join();
    manager_->add_pid(pid);
}

void CgroupSetup::release_fds() {
    tasks_.clear();
    raw_tasks_.clear();
    v2_dir_.reset();
}

void CgroupSetup::destroy() noexcept {
    try {
        if (thread_.joinable()) thread_.join();
        release_fds();
        if (manager_ && created_) manager_->destroy();
    } catch (...) {
    }
}

std::unique_ptr<cgroups::Manager> open_cgroup(const std::string& cgroups_path, const std::string& id) {
    return cgroups::Manager::open(cgroups_path, id, cgroups::detect());
}

}  // namespace rampart::container
