// linux.resources.cpu: cpu controller (shares/weight, CFS quota, burst, realtime, idle)
// and cpuset (cpus, mems). Zero means unset and is never written.
#include <cerrno>

#include "oci/error.hpp"
#include "runtime/cgroups/convert.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {
namespace {

const std::string kField = "linux.resources.cpu";

void apply_cpu_v1(const Target& t, const Place& p, const oci::CpuResources& c) {
    if (c.shares && *c.shares != 0)
        t.write(p, "cpu", "cpu.shares", std::to_string(*c.shares), kField + ".shares");
    int64_t quota = c.quota.value_or(0);
    if (t.fresh && quota < 0) quota = 0;
    uint64_t period = c.period.value_or(0);
    auto write_period = [&] {
        t.write(p, "cpu", "cpu.cfs_period_us", std::to_string(period), kField + ".period");
    };
    auto write_quota = [&] {
        t.write(p, "cpu", "cpu.cfs_quota_us", limit_value(quota, false), kField + ".quota");
    };
    if (period != 0) {
        // A shorter period can be refused while the old quota is larger: retry after the quota.
        int err = t.try_write(p, "cpu.cfs_period_us", std::to_string(period));
        if (err == EINVAL && quota != 0) {
            write_quota();
            write_period();
            quota = 0;
        } else if (err != 0) {
            write_period();
        }
    }
    if (quota != 0) write_quota();
    if (c.burst) t.write(p, "cpu", "cpu.cfs_burst_us", std::to_string(*c.burst), kField + ".burst");
    if (c.realtime_period && *c.realtime_period != 0)
        t.write(p, "cpu", "cpu.rt_period_us", std::to_string(*c.realtime_period), kField + ".realtimePeriod",
                "kernel built without CONFIG_RT_GROUP_SCHED");
    if (c.realtime_runtime && *c.realtime_runtime != 0)
        t.write(p, "cpu", "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime), kField + ".realtimeRuntime",
                "kernel built without CONFIG_RT_GROUP_SCHED");
    if (c.idle) t.write(p, "cpu", "cpu.idle", std::to_string(*c.idle), kField + ".idle");
}

void apply_cpu_v2(const Target& t, const Place& p, const oci::CpuResources& c) {
    if ((c.realtime_period && *c.realtime_period != 0) || (c.realtime_runtime && *c.realtime_runtime != 0))
        throw oci::Error(kField + ".realtimeRuntime: cpu controller: realtime scheduling limits are not supported on cgroup v2");
    if (c.shares && *c.shares != 0)
        t.write(p, "cpu", "cpu.weight", std::to_string(shares_to_weight(*c.shares)), kField + ".shares");
    int64_t quota = c.quota.value_or(0);
    uint64_t period = c.period.value_or(0);
    if ((quota != 0 || period != 0) && !(t.fresh && quota < 0 && period == 0)) {
        std::string v = quota > 0 ? std::to_string(quota) : "max";
        if (period != 0) v += " " + std::to_string(period);
        t.write(p, "cpu", "cpu.max", v, kField + (quota != 0 ? ".quota" : ".period"));
    }
    if (c.burst) t.write(p, "cpu", "cpu.max.burst", std::to_string(*c.burst), kField + ".burst");
    if (c.idle) t.write(p, "cpu", "cpu.idle", std::to_string(*c.idle), kField + ".idle");
}

}  // namespace

void apply_cpu(const Target& t, const oci::CpuResources& c) {
    bool cpu_set = (c.shares && *c.shares != 0) || (c.quota && *c.quota != 0) || (c.period && *c.period != 0) ||
                   c.burst || (c.realtime_period && *c.realtime_period != 0) ||
                   (c.realtime_runtime && *c.realtime_runtime != 0) || c.idle;
    if (cpu_set) {
        Place p = t.require("cpu", kField);
        if (p.v2())
            apply_cpu_v2(t, p, c);
        else
            apply_cpu_v1(t, p, c);
    }
    if (!c.cpus.empty() || !c.mems.empty()) {
        Place p = t.require("cpuset", kField + (c.cpus.empty() ? ".mems" : ".cpus"));
        if (!c.cpus.empty()) t.write(p, "cpuset", "cpuset.cpus", c.cpus, kField + ".cpus");
        if (!c.mems.empty()) t.write(p, "cpuset", "cpuset.mems", c.mems, kField + ".mems");
    }
}

}  // namespace rampart::cgroups
