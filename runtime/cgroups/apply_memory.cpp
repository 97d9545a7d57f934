// linux.resources.memory on v1 (memory.limit_in_bytes, memsw, kmem, oom_control ...) and
// v2 (memory.max, memory.swap.max, memory.low). Zero means unset and is never written.
#include <cerrno>

#include "oci/error.hpp"
#include "runtime/cgroups/convert.hpp"
#include "runtime/cgroups/fs.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {
namespace {

const std::string kField = "linux.resources.memory";
const std::string kMemsw = "memory.memsw.limit_in_bytes";
const char* const kNoSwapAccounting = "swap accounting disabled";

bool any_set(const oci::MemoryResources& m) {
    auto nz = [](const std::optional<int64_t>& v) { return v && *v != 0; };
    return nz(m.limit) || nz(m.reservation) || nz(m.swap) || nz(m.kernel) || nz(m.kernel_tcp) ||
           m.swappiness || (m.disable_oom_killer && *m.disable_oom_killer) || m.use_hierarchy;
}

void apply_v1(const Target& t, const Place& p, const oci::MemoryResources& m) {
    int64_t limit = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);
    // As runc: an unlimited memory limit without a swap value lifts the swap limit too.
    if (limit == -1 && swap == 0 && !t.fresh && path_exists(p.dir + "/" + kMemsw)) swap = -1;
    if (t.fresh) {  // a new cgroup is unlimited already
        if (limit == -1) limit = 0;
        if (swap == -1) swap = 0;
    }
    auto write_limit = [&] {
        t.write(p, "memory", "memory.limit_in_bytes", limit_value(limit, false), kField + ".limit");
    };
    auto write_swap = [&] {
        t.write(p, "memory", kMemsw, limit_value(swap, false), kField + ".swap", kNoSwapAccounting);
    };
    if (limit != 0 && swap != 0) {
        // The kernel keeps limit <= memsw at every step: pick the order that keeps it,
        // without reading the current values first.
        bool swap_first = swap == -1;
        int err = swap_first ? t.try_write(p, kMemsw, limit_value(swap, false))
                             : t.try_write(p, "memory.limit_in_bytes", limit_value(limit, false));
        if (err == 0) {
            swap_first ? write_limit() : write_swap();
        } else if (err == EINVAL || err == EBUSY) {
            swap_first ? write_limit() : write_swap();
            swap_first ? write_swap() : write_limit();
        } else {
            swap_first ? write_swap() : write_limit();  // throws with the message
        }
    } else {
        if (limit != 0) write_limit();
        if (swap != 0) write_swap();
    }
    if (m.reservation && *m.reservation != 0 && !(t.fresh && *m.reservation < 0))
        t.write(p, "memory", "memory.soft_limit_in_bytes", limit_value(*m.reservation, false), kField + ".reservation");
    // Kernel memory limits are gone from recent kernels: ignore where the file is missing
    // or the kernel refuses the operation, as runc does.
    auto kmem = [&](const std::optional<int64_t>& v, const char* file, const std::string& field) {
        if (!v || *v == 0) return;
        int err = t.try_write(p, file, limit_value(*v, false));
        if (err == 0 || err == ENOENT || err == EOPNOTSUPP || err == 524 /* ENOTSUPP */) return;
        t.write(p, "memory", file, limit_value(*v, false), field);
    };
    kmem(m.kernel, "memory.kmem.limit_in_bytes", kField + ".kernel");
    kmem(m.kernel_tcp, "memory.kmem.tcp.limit_in_bytes", kField + ".kernelTCP");
    if (m.swappiness) {
        if (*m.swappiness > 100)
            throw oci::Error(kField + ".swappiness: " + std::to_string(*m.swappiness) + " is out of range 0..100");
        t.write(p, "memory", "memory.swappiness", std::to_string(*m.swappiness), kField + ".swappiness");
    }
    if (m.disable_oom_killer && *m.disable_oom_killer)
        t.write(p, "memory", "memory.oom_control", "1", kField + ".disableOOMKiller");
    if (m.use_hierarchy)
        t.write(p, "memory", "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0", kField + ".useHierarchy");
}

void apply_v2(const Target& t, const Place& p, const oci::MemoryResources& m) {
    int64_t limit = m.limit.value_or(0);
    int64_t swap = swap_to_v2(m.swap.value_or(0), limit);
    if (m.swappiness)
        throw oci::Error(kField + ".swappiness: memory controller: not supported on cgroup v2");
    if (m.disable_oom_killer && *m.disable_oom_killer)
        throw oci::Error(kField + ".disableOOMKiller: memory controller: not supported on cgroup v2");
    if (t.fresh) {
        if (limit == -1) limit = 0;
        if (swap == -1) swap = 0;
    }
    if (swap != 0) {
        int err = t.try_write(p, "memory.swap.max", limit_value(swap, true));
        if (err == ENOENT && swap < 0) {
            // no swap accounting: "unlimited" is what we have anyway
        } else if (err != 0) {
            t.write(p, "memory", "memory.swap.max", limit_value(swap, true), kField + ".swap", kNoSwapAccounting);
        }
    }
    if (limit != 0) t.write(p, "memory", "memory.max", limit_value(limit, true), kField + ".limit");
    if (m.reservation && *m.reservation != 0 && !(t.fresh && *m.reservation < 0))
        t.write(p, "memory", "memory.low", limit_value(*m.reservation, true), kField + ".reservation");
    // kernel / kernelTCP do not exist on v2 (ignored, as runc does); useHierarchy is always on.
}

// checkBeforeUpdate: refuse a limit below what the cgroup uses now (the kernel would
// reclaim or OOM-kill instead).
void check_usage(const Place& p, const oci::MemoryResources& m) {
    if (!m.check_before_update || !*m.check_before_update || !m.limit || *m.limit <= 0) return;
    auto usage = read_file(p.dir + (p.v2() ? "/memory.current" : "/memory.usage_in_bytes"));
    auto v = usage ? parse_u64(trim(*usage)) : std::nullopt;
    if (v && *v > static_cast<uint64_t>(*m.limit))
        throw oci::Error(kField + ".limit: memory controller: new limit " + std::to_string(*m.limit) +
                         " is below the current usage " + std::to_string(*v) + " (checkBeforeUpdate)");
}

}  // namespace

void apply_memory(const Target& t, const oci::MemoryResources& m) {
    if (!any_set(m)) return;
    Place p = t.require("memory", kField);
    check_usage(p, m);
    if (p.v2())
        apply_v2(t, p, m);
    else
        apply_v1(t, p, m);
}

}  // namespace rampart::cgroups
