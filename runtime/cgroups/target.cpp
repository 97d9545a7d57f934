// Target: controller placement and the error-reporting writers shared by the apply_* files.
#include <cerrno>
#include <cstring>

#include "oci/error.hpp"
#include "runtime/cgroups/fs.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {

Place Target::place(const std::string& controller) const {
    if (auto it = v1.find(controller); it != v1.end()) return {Place::V1, it->second};
    if (!v2_dir.empty() && on_v2(layout, controller)) {
        if (enable_v2) enable_v2(controller);
        return {Place::V2, v2_dir};
    }
    return {};
}

Place Target::require(const std::string& controller, const std::string& field) const {
    Place p = place(controller);
    if (!p) {
        std::string where = layout.mode == Mode::V1
                                ? "not mounted"
                                : (layout.mode == Mode::V2 ? "not enabled in the cgroup v2 tree"
                                                           : "neither mounted on v1 nor available in the cgroup v2 tree");
        throw oci::Error(field + ": " + controller + " controller: " + where + " on this host");
    }
    return p;
}

int Target::try_write(const Place& p, const std::string& file, const std::string& value) const {
    return write_file(p.dir + "/" + file, value);
}

void Target::write(const Place& p, const std::string& controller, const std::string& file,
                   const std::string& value, const std::string& field, const std::string& why_missing) const {
    int err = try_write(p, file, value);
    if (err == 0) return;
    if (err == ENOENT)
        throw oci::Error(field + ": " + controller + " controller: " + file + " not available" +
                         (why_missing.empty() ? "" : " (" + why_missing + ")"));
    throw oci::Error(field + ": " + controller + " controller: write \"" + value + "\" to " + p.dir + "/" +
                     file + ": " + std::strerror(err));
}

}  // namespace rampart::cgroups
