// `events --stats` data in runc's JSON shape (libcontainer types.Stats), which Docker and
// containerd parse: {"cpu":{"usage":{...},"throttling":{...}},"memory":{...},"pids":{...},
// "blkio":{...},"hugetlb":{...}}.
#pragma once

#include <string>

#include "oci/json.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {

oci::json::Value collect_stats(const Target& t);

// Pieces, for tests with fake cgroup directories. Each takes the controller's directory.
oci::json::Value cpu_stats_v1(const std::string& cpuacct_dir, const std::string& cpu_dir);
oci::json::Value cpu_stats_v2(const std::string& dir);
oci::json::Value memory_stats_v1(const std::string& dir);
oci::json::Value memory_stats_v2(const std::string& dir);
oci::json::Value pids_stats(const std::string& dir);
oci::json::Value cpuset_stats(const std::string& dir, bool v2);
// "0-2,5" -> {0,1,2,5}
std::vector<uint64_t> parse_cpu_list(const std::string& text);
oci::json::Value blkio_stats_v1(const std::string& dir);
oci::json::Value io_stats_v2(const std::string& dir);
// page sizes: "2MB", "1GB" (from /sys/kernel/mm/hugepages unless given)
oci::json::Value hugetlb_stats(const std::string& dir, bool v2, const std::vector<std::string>& page_sizes);
std::vector<std::string> hugepage_sizes(const std::string& sysfs_dir = "/sys/kernel/mm/hugepages");

}  // namespace rampart::cgroups
