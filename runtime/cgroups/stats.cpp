// Reads the cgroup statistics files into runc's stats JSON. Missing files leave their
// fields out (or zero where runc always prints them), never fail the whole call.
#include "runtime/cgroups/stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <sstream>

#include "runtime/cgroups/fs.hpp"

namespace rampart::cgroups {
namespace json = oci::json;
namespace {

std::optional<uint64_t> read_u64(const std::string& path) {
    auto t = read_file(path);
    if (!t) return std::nullopt;
    return parse_u64(trim(*t));
}

// runc's omitempty: zero values are left out.
void set_nz(json::Value& o, const char* key, uint64_t v) {
    if (v != 0) o.set(key, json::Value(v));
}

uint64_t clock_ticks() {
    long t = ::sysconf(_SC_CLK_TCK);
    return t > 0 ? static_cast<uint64_t>(t) : 100;
}

json::Value memory_entry(std::optional<uint64_t> limit, std::optional<uint64_t> usage, std::optional<uint64_t> max,
                         std::optional<uint64_t> failcnt) {
    json::Value e = json::Object{};
    e.set("limit", json::Value(limit.value_or(0)));
    set_nz(e, "usage", usage.value_or(0));
    set_nz(e, "max", max.value_or(0));
    e.set("failcnt", json::Value(failcnt.value_or(0)));
    return e;
}

json::Value raw_object(const std::optional<std::string>& text) {
    json::Value raw = json::Object{};
    if (text)
        for (auto& [k, v] : parse_flat_keyed(*text)) raw.set(k, json::Value(v));
    return raw;
}

json::Value blkio_entry(uint64_t major, uint64_t minor, const std::string& op, uint64_t value) {
    json::Value e = json::Object{};
    set_nz(e, "major", major);
    set_nz(e, "minor", minor);
    if (!op.empty()) e.set("op", op);
    set_nz(e, "value", value);
    return e;
}

// "8:0 Read 4096" lines; "Total 123" lines carry no device and are skipped.
json::Value blkio_entries(const std::string& text) {
    json::Value arr = json::Array{};
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string devnum, op;
        uint64_t value = 0;
        if (!(ls >> devnum >> op >> value)) continue;
        auto colon = devnum.find(':');
        if (colon == std::string::npos) continue;
        auto maj = parse_u64(devnum.substr(0, colon)), min = parse_u64(devnum.substr(colon + 1));
        if (!maj || !min) continue;
        arr.push(blkio_entry(*maj, *min, op, value));
    }
    return arr;
}

}  // namespace

json::Value cpu_stats_v1(const std::string& cpuacct_dir, const std::string& cpu_dir) {
    json::Value usage = json::Object{};
    json::Value throttling = json::Object{};
    if (!cpuacct_dir.empty()) {
        set_nz(usage, "total", read_u64(cpuacct_dir + "/cpuacct.usage").value_or(0));
        if (auto per = read_file(cpuacct_dir + "/cpuacct.usage_percpu")) {
            json::Value arr = json::Array{};
            std::istringstream in(*per);
            uint64_t v;
            while (in >> v) arr.push(json::Value(v));
            if (!arr.as_array().empty()) usage.set("percpu", arr);
        }
        // cpuacct.usage_all: "cpu user system" then one line per cpu (nanoseconds).
        if (auto all = read_file(cpuacct_dir + "/cpuacct.usage_all")) {
            json::Value pk = json::Array{}, pu = json::Array{};
            std::istringstream in(*all);
            std::string line;
            std::getline(in, line);  // header
            while (std::getline(in, line)) {
                std::istringstream ls(line);
                uint64_t cpu, u, k;
                if (ls >> cpu >> u >> k) {
                    pu.push(json::Value(u));
                    pk.push(json::Value(k));
                }
            }
            if (!pk.as_array().empty()) {
                usage.set("percpu_kernel", pk);
                usage.set("percpu_user", pu);
            }
        }
        uint64_t user = 0, system = 0;
        if (auto st = read_file(cpuacct_dir + "/cpuacct.stat")) {
            const uint64_t ns_per_tick = 1000000000ULL / clock_ticks();
            user = flat_keyed_value(*st, "user").value_or(0) * ns_per_tick;
            system = flat_keyed_value(*st, "system").value_or(0) * ns_per_tick;
        }
        usage.set("kernel", json::Value(system));
        usage.set("user", json::Value(user));
    } else {
        usage.set("kernel", json::Value(0));
        usage.set("user", json::Value(0));
    }
    if (!cpu_dir.empty()) {
        if (auto st = read_file(cpu_dir + "/cpu.stat")) {
            set_nz(throttling, "periods", flat_keyed_value(*st, "nr_periods").value_or(0));
            set_nz(throttling, "throttledPeriods", flat_keyed_value(*st, "nr_throttled").value_or(0));
            set_nz(throttling, "throttledTime", flat_keyed_value(*st, "throttled_time").value_or(0));
        }
    }
    json::Value cpu = json::Object{};
    cpu.set("usage", usage);
    cpu.set("throttling", throttling);
    return cpu;
}

json::Value cpu_stats_v2(const std::string& dir) {
    json::Value usage = json::Object{};
    json::Value throttling = json::Object{};
    auto st = read_file(dir + "/cpu.stat").value_or("");
    set_nz(usage, "total", flat_keyed_value(st, "usage_usec").value_or(0) * 1000);
    usage.set("kernel", json::Value(flat_keyed_value(st, "system_usec").value_or(0) * 1000));
    usage.set("user", json::Value(flat_keyed_value(st, "user_usec").value_or(0) * 1000));
    set_nz(throttling, "periods", flat_keyed_value(st, "nr_periods").value_or(0));
    set_nz(throttling, "throttledPeriods", flat_keyed_value(st, "nr_throttled").value_or(0));
    set_nz(throttling, "throttledTime", flat_keyed_value(st, "throttled_usec").value_or(0) * 1000);
    json::Value cpu = json::Object{};
    cpu.set("usage", usage);
    cpu.set("throttling", throttling);
    return cpu;
}

json::Value memory_stats_v1(const std::string& dir) {
    json::Value m = json::Object{};
    auto stat = read_file(dir + "/memory.stat");
    json::Value raw = raw_object(stat);
    if (stat) set_nz(m, "cache", flat_keyed_value(*stat, "cache").value_or(0));
    auto entry = [&](const std::string& prefix) {
        return memory_entry(read_u64(dir + "/" + prefix + "limit_in_bytes"), read_u64(dir + "/" + prefix + "usage_in_bytes"),
                            read_u64(dir + "/" + prefix + "max_usage_in_bytes"), read_u64(dir + "/" + prefix + "failcnt"));
    };
    m.set("usage", entry("memory."));
    m.set("swap", entry("memory.memsw."));
    m.set("kernel", entry("memory.kmem."));
    m.set("kernelTCP", entry("memory.kmem.tcp."));
    if (!raw.as_object().empty()) m.set("raw", raw);
    return m;
}

json::Value memory_stats_v2(const std::string& dir) {
    json::Value m = json::Object{};
    auto stat = read_file(dir + "/memory.stat");
    json::Value raw = raw_object(stat);
    if (stat) set_nz(m, "cache", flat_keyed_value(*stat, "file").value_or(0));
    auto usage = read_u64(dir + "/memory.current");
    auto limit = read_u64(dir + "/memory.max");
    auto peak = read_u64(dir + "/memory.peak");
    std::optional<uint64_t> failcnt;
    if (auto ev = read_file(dir + "/memory.events")) failcnt = flat_keyed_value(*ev, "max");
    m.set("usage", memory_entry(limit, usage, peak, failcnt));
    // runc reports v2 swap as memory+swap, the v1 meaning.
    auto swap_usage = read_u64(dir + "/memory.swap.current");
    auto swap_limit = read_u64(dir + "/memory.swap.max");
    auto swap_peak = read_u64(dir + "/memory.swap.peak");
    uint64_t su = swap_usage.value_or(0) + usage.value_or(0);
    uint64_t sl = swap_limit.value_or(UINT64_MAX);
    if (sl != UINT64_MAX && limit && *limit != UINT64_MAX) sl += *limit;
    m.set("swap", memory_entry(swap_limit ? std::optional<uint64_t>(sl) : std::nullopt, su,
                               swap_peak ? std::optional<uint64_t>(*swap_peak + peak.value_or(0)) : std::nullopt, 0));
    m.set("kernel", memory_entry(0, 0, 0, 0));
    m.set("kernelTCP", memory_entry(0, 0, 0, 0));
    if (!raw.as_object().empty()) m.set("raw", raw);
    return m;
}

json::Value pids_stats(const std::string& dir) {
    json::Value p = json::Object{};
    set_nz(p, "current", read_u64(dir + "/pids.current").value_or(0));
    auto max = read_u64(dir + "/pids.max");
    if (max && *max != UINT64_MAX) set_nz(p, "limit", *max);
    return p;
}

json::Value blkio_stats_v1(const std::string& dir) {
    json::Value b = json::Object{};
    auto pick = [&](const char* name) -> std::string {
        for (const char* prefix : {"blkio.", "blkio.bfq.", "blkio.throttle."}) {
            auto t = read_file(dir + "/" + prefix + name);
            if (t && !trim(*t).empty() && trim(*t) != "Total 0") return *t;
        }
        return "";
    };
    json::Value bytes = blkio_entries(pick("io_service_bytes_recursive"));
    json::Value ios = blkio_entries(pick("io_serviced_recursive"));
    if (!bytes.as_array().empty()) b.set("ioServiceBytesRecursive", bytes);
    if (!ios.as_array().empty()) b.set("ioServicedRecursive", ios);
    return b;
}

json::Value io_stats_v2(const std::string& dir) {
    json::Value b = json::Object{};
    json::Value bytes = json::Array{}, ios = json::Array{};
    std::istringstream in(read_file(dir + "/io.stat").value_or(""));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string devnum, kv;
        if (!(ls >> devnum)) continue;
        auto colon = devnum.find(':');
        if (colon == std::string::npos) continue;
        auto maj = parse_u64(devnum.substr(0, colon)), min = parse_u64(devnum.substr(colon + 1));
        if (!maj || !min) continue;
        while (ls >> kv) {
            auto eq = kv.find('=');
            if (eq == std::string::npos) continue;
            auto key = kv.substr(0, eq);
            auto v = parse_u64(kv.substr(eq + 1)).value_or(0);
            if (key == "rbytes") bytes.push(blkio_entry(*maj, *min, "Read", v));
            else if (key == "wbytes") bytes.push(blkio_entry(*maj, *min, "Write", v));
            else if (key == "rios") ios.push(blkio_entry(*maj, *min, "Read", v));
            else if (key == "wios") ios.push(blkio_entry(*maj, *min, "Write", v));
        }
    }
    if (!bytes.as_array().empty()) b.set("ioServiceBytesRecursive", bytes);
    if (!ios.as_array().empty()) b.set("ioServicedRecursive", ios);
    return b;
}

std::vector<std::string> hugepage_sizes(const std::string& sysfs_dir) {
    std::vector<std::string> out;
    DIR* d = ::opendir(sysfs_dir.c_str());
    if (!d) return out;
    while (auto* e = ::readdir(d)) {
        std::string n = e->d_name;  // hugepages-2048kB
        if (n.rfind("hugepages-", 0) != 0) continue;
        auto kb = parse_u64(n.substr(10, n.size() - 10 - 2));
        if (!kb || n.substr(n.size() - 2) != "kB") continue;
        static const char* const units[] = {"KB", "MB", "GB", "TB"};
        uint64_t v = *kb;
        int u = 0;
        while (v >= 1024 && v % 1024 == 0 && u < 3) {
            v /= 1024;
            ++u;
        }
        out.push_back(std::to_string(v) + units[u]);
    }
    ::closedir(d);
    return out;
}

json::Value hugetlb_stats(const std::string& dir, bool v2, const std::vector<std::string>& sizes) {
    json::Value h = json::Object{};
    for (const auto& s : sizes) {
        std::string base = dir + "/hugetlb." + s;
        if (!path_exists(base + (v2 ? ".max" : ".limit_in_bytes"))) continue;  // controller not active here
        json::Value e = json::Object{};
        if (v2) {
            set_nz(e, "usage", read_u64(base + ".current").value_or(0));
            auto ev = read_file(base + ".events").value_or("");
            e.set("failcnt", json::Value(flat_keyed_value(ev, "max").value_or(0)));
        } else {
            set_nz(e, "usage", read_u64(base + ".usage_in_bytes").value_or(0));
            set_nz(e, "max", read_u64(base + ".max_usage_in_bytes").value_or(0));
            e.set("failcnt", json::Value(read_u64(base + ".failcnt").value_or(0)));
        }
        h.set(s, e);
    }
    return h;
}

std::vector<uint64_t> parse_cpu_list(const std::string& text) {
    std::vector<uint64_t> out;
    std::string list = trim(text);
    size_t pos = 0;
    while (pos < list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        std::string item = list.substr(pos, comma - pos);
        auto dash = item.find('-');
        auto lo = parse_u64(item.substr(0, dash));
        auto hi = dash == std::string::npos ? lo : parse_u64(item.substr(dash + 1));
        if (lo && hi && *hi >= *lo && *hi - *lo < 65536)
            for (uint64_t c = *lo; c <= *hi; ++c) out.push_back(c);
        pos = comma + 1;
    }
    return out;
}

json::Value cpuset_stats(const std::string& dir, bool v2) {
    json::Value c = json::Object{};
    auto list = [&](const char* key, const std::string& file) {
        json::Value arr = json::Array{};
        for (uint64_t v : parse_cpu_list(read_file(dir + "/" + file).value_or(""))) arr.push(json::Value(v));
        if (!arr.as_array().empty()) c.set(key, arr);
    };
    list("cpus", v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
    list("mems", v2 ? "cpuset.mems.effective" : "cpuset.mems");
    if (!v2) {
        static const char* const kFlags[] = {"cpu_exclusive",      "mem_hardwall",       "mem_exclusive",
                                             "memory_migrate",     "memory_spread_page", "memory_spread_slab",
                                             "memory_pressure",    "sched_load_balance", "sched_relax_domain_level"};
        for (const char* f : kFlags)
            if (auto v = read_file(dir + "/cpuset." + f)) c.set(f, json::Value(static_cast<int64_t>(std::stoll("0" + trim(*v)))));
    }
    return c;
}

json::Value collect_stats(const Target& t) {
    // Placement without side effects (place() may enable controllers).
    auto where = [&](const std::string& c) -> Place {
        if (auto it = t.v1.find(c); it != t.v1.end()) return {Place::V1, it->second};
        if (!t.v2_dir.empty() && on_v2(t.layout, c)) return {Place::V2, t.v2_dir};
        return {};
    };
    json::Value s = json::Object{};
    Place cpu = where("cpu"), cpuacct = where("cpuacct");
    if (cpu.v2())
        s.set("cpu", cpu_stats_v2(cpu.dir));
    else
        s.set("cpu", cpu_stats_v1(cpuacct.dir, cpu.dir));
    Place cpuset = where("cpuset");
    if (cpuset) s.set("cpuset", cpuset_stats(cpuset.dir, cpuset.v2()));
    Place mem = where("memory");
    if (mem.v2())
        s.set("memory", memory_stats_v2(mem.dir));
    else if (mem)
        s.set("memory", memory_stats_v1(mem.dir));
    else
        s.set("memory", json::Object{});
    Place pids = where("pids");
    s.set("pids", pids ? pids_stats(pids.dir) : json::Value(json::Object{}));
    Place blk = where("blkio");
    Place io = where("io");
    if (blk)
        s.set("blkio", blkio_stats_v1(blk.dir));
    else if (io)
        s.set("blkio", io_stats_v2(io.dir));
    else
        s.set("blkio", json::Object{});
    Place huge = where("hugetlb");
    s.set("hugetlb", huge ? hugetlb_stats(huge.dir, huge.v2(), hugepage_sizes()) : json::Value(json::Object{}));
    s.set("network_interfaces", json::Value());  // runc prints null here
    return s;
}

}  // namespace rampart::cgroups
