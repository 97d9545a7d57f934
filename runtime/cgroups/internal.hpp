// Internal to runtime/cgroups: where each controller of one container lives, and the
// writers every resource file uses. Not part of the public interface.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "oci/spec.hpp"
#include "runtime/cgroups/cgroups.hpp"

namespace rampart::cgroups {

// Where one controller's files are for this container.
struct Place {
    enum Kind { None, V1, V2 } kind = None;
    std::string dir;
    bool v2() const { return kind == V2; }
    explicit operator bool() const { return kind != None; }
};

class Target {
public:
    Layout layout;
    std::map<std::string, std::string> v1;  // controller -> container dir (v1 hierarchies)
    std::string v2_dir;                     // container dir in the v2 tree ("" when none)
    bool fresh = false;                     // the leaf was just made: defaults still in place
    // Enables a controller in the v2 tree's subtree_control from the root down to the
    // container's parent (hybrid hosts enable lazily). Throws on failure.
    std::function<void(const std::string&)> enable_v2;

    // v1 when mounted there, else v2 when available there (enabled on demand), else None.
    Place place(const std::string& controller) const;
    // Like place() but throws "<field>: <controller> controller: not available on this host".
    Place require(const std::string& controller, const std::string& field) const;

    // Writes value into dir/file; errors name the field and controller. A missing file
    // becomes "<field>: <controller> controller: <file> not available[ (why)]".
    void write(const Place& p, const std::string& controller, const std::string& file,
               const std::string& value, const std::string& field,
               const std::string& why_missing = "") const;
    // Same, returning errno instead of throwing (0 on success).
    int try_write(const Place& p, const std::string& file, const std::string& value) const;
};

// Resource groups (one file each).
void apply_memory(const Target& t, const oci::MemoryResources& m);
void apply_cpu(const Target& t, const oci::CpuResources& c);
void apply_block_io(const Target& t, const oci::BlockIOResources& b);
void apply_pids(const Target& t, const oci::PidsResources& p);
void apply_hugetlb(const Target& t, const std::vector<oci::HugepageLimit>& limits);
void apply_network(const Target& t, const oci::NetworkResources& n);
void apply_rdma(const Target& t, const std::map<std::string, oci::RdmaLimit>& rdma);
void apply_unified(const Target& t, const std::map<std::string, std::string>& unified);
void apply_devices(const Target& t, const std::vector<oci::DeviceCgroupRule>& rules);

}  // namespace rampart::cgroups
