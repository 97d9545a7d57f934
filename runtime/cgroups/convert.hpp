// Pure value conversions between the OCI (cgroup v1 flavoured) fields and cgroup files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "oci/spec.hpp"

namespace rampart::cgroups {

// cpu.shares (2..262144) -> cpu.weight (1..10000) as runc/crun: 1 + ((shares-2)*9999)/262142.
// 0 means unset and stays 0; values outside the range are clamped first.
uint64_t shares_to_weight(uint64_t shares);
// blkio.weight (10..1000) -> io.weight (1..10000): 1 + (w-10)*9999/990. 0 stays 0 (unset).
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// OCI memory.swap is memory+swap (v1 memsw). memory.swap.max on v2 is swap alone:
// returns -1 for "max", 0 for "unset" and swap-limit otherwise. Throws oci::Error for
// combinations v2 cannot express (swap without a memory limit, swap < limit).
int64_t swap_to_v2(int64_t swap, int64_t limit);
// A value for a v1/v2 limit file: -1 (or any negative) -> "-1" on v1 / "max" on v2.
std::string limit_value(int64_t v, bool v2);
// "c 1:3 rwm" as devices.allow/deny take it ("*" for wildcards, "a" for all).
std::string device_rule_v1(const oci::DeviceCgroupRule& rule);
// Human sizes as runc's update flags take them: "512m", "1g", "1024", "100k", "-1".
// Throws oci::Error naming the flag on garbage.
int64_t parse_size(const std::string& text, const std::string& flag);

}  // namespace rampart::cgroups
