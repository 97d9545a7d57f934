// update: change the resource limits of a running container, from a JSON document
// (--resources FILE|-, the linux.resources object containerd sends) and/or runc's flags.
// Flags win over the document; only what is given is written.
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <iterator>

#include "oci/bundle.hpp"
#include "oci/json.hpp"
#include "runtime/cgroups/convert.hpp"
#include "runtime/cli/cgroup_cmd.hpp"

namespace rampart::cli {
namespace {

const std::vector<FlagSpec> kFlags = {
    {{"resources", "r"}, FlagKind::String,
     "path to the file containing the resources to update or '-' to read from the standard input", "value"},
    {{"blkio-weight"}, FlagKind::String, "Specifies per cgroup weight, range is from 10 to 1000", "value"},
    {{"cpu-period"}, FlagKind::String, "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default", "value"},
    {{"cpu-quota"}, FlagKind::String, "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period", "value"},
    {{"cpu-share", "cpu-shares"}, FlagKind::String, "CPU shares (relative weight vs. other containers)", "value"},
    {{"cpu-rt-period"}, FlagKind::String, "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default", "value"},
    {{"cpu-rt-runtime"}, FlagKind::String, "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period", "value"},
    {{"cpu-idle"}, FlagKind::String, "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE", "value"},
    {{"cpuset-cpus"}, FlagKind::String, "CPU(s) to use", "value"},
    {{"cpuset-mems"}, FlagKind::String, "Memory node(s) to use", "value"},
    {{"kernel-memory"}, FlagKind::String, "(obsoleted; do not use)", "value"},
    {{"kernel-memory-tcp"}, FlagKind::String, "(obsoleted; do not use)", "value"},
    {{"memory"}, FlagKind::String, "Memory limit (in bytes)", "value"},
    {{"memory-reservation"}, FlagKind::String, "Memory reservation or soft_limit (in bytes)", "value"},
    {{"memory-swap"}, FlagKind::String, "Total memory usage (memory + swap); set '-1' to enable unlimited swap", "value"},
    {{"pids-limit"}, FlagKind::String, "Maximum number of pids allowed in the container", "value"},
    {{"l3-cache-schema"}, FlagKind::String, "The string of Intel RDT/CAT L3 cache schema", "value"},
    {{"mem-bw-schema"}, FlagKind::String, "The string of Intel RDT/MBA memory bandwidth schema", "value"},
};

template <class T>
T number(const ParsedFlags& f, const std::string& name) {
    std::string s = f.str(name);
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty())
        throw oci::Error("invalid value \"" + s + "\" for flag -" + name);
    return v;
}

oci::Resources read_resources(const std::string& source) {
    std::string text;
    if (source == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        return oci::resources_from_json(oci::json::parse(text, "-"), "-");
    }
    return oci::resources_from_json(oci::json::parse_file(source), source);
}

int run_update(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("update", kFlags, args);
    if (!r) return 0;
    expect_args("update", *r, 1, 1);
    const auto& f = r->flags;
    oci::Resources res;
    if (f.has("resources")) res = read_resources(f.str("resources"));
    // As runc: update never touches the device rules (containerd repeats them; rewriting
    // them would briefly deny every device of a running container on v1).
    res.devices.clear();
    auto mem = [&]() -> oci::MemoryResources& {
        if (!res.memory) res.memory = oci::MemoryResources{};
        return *res.memory;
    };
    auto cpu = [&]() -> oci::CpuResources& {
        if (!res.cpu) res.cpu = oci::CpuResources{};
        return *res.cpu;
    };
    if (f.has("memory")) mem().limit = cgroups::parse_size(f.str("memory"), "--memory");
    if (f.has("memory-reservation"))
        mem().reservation = cgroups::parse_size(f.str("memory-reservation"), "--memory-reservation");
    if (f.has("memory-swap")) mem().swap = cgroups::parse_size(f.str("memory-swap"), "--memory-swap");
    if (f.has("kernel-memory")) mem().kernel = cgroups::parse_size(f.str("kernel-memory"), "--kernel-memory");
    if (f.has("kernel-memory-tcp"))
        mem().kernel_tcp = cgroups::parse_size(f.str("kernel-memory-tcp"), "--kernel-memory-tcp");
    if (f.has("cpu-share")) cpu().shares = number<uint64_t>(f, "cpu-share");
    if (f.has("cpu-period")) cpu().period = number<uint64_t>(f, "cpu-period");
    if (f.has("cpu-quota")) cpu().quota = number<int64_t>(f, "cpu-quota");
    if (f.has("cpu-rt-period")) cpu().realtime_period = number<uint64_t>(f, "cpu-rt-period");
    if (f.has("cpu-rt-runtime")) cpu().realtime_runtime = number<int64_t>(f, "cpu-rt-runtime");
    if (f.has("cpu-idle")) cpu().idle = number<int64_t>(f, "cpu-idle");
    if (f.has("cpuset-cpus")) cpu().cpus = f.str("cpuset-cpus");
    if (f.has("cpuset-mems")) cpu().mems = f.str("cpuset-mems");
    if (f.has("pids-limit")) res.pids = oci::PidsResources{number<int64_t>(f, "pids-limit")};
    if (f.has("blkio-weight")) {
        if (!res.block_io) res.block_io = oci::BlockIOResources{};
        uint16_t w = number<uint16_t>(f, "blkio-weight");
        if (w != 0 && (w < 10 || w > 1000)) throw oci::Error("--blkio-weight: " + std::to_string(w) + " is out of range 10..1000");
        res.block_io->weight = w;
    }
    if (f.has("l3-cache-schema") || f.has("mem-bw-schema"))
        throw oci::Error("update: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported by rampart");

    const std::string& id = r->positional[0];
    auto t = open_cgroup_target(g, id, true);
    if (t.status == "stopped") throw oci::Error("cannot update container " + id + ": it is not running (stopped)");
    t.cgroup->apply(res);
    return 0;
}

Registrar reg({"update", "update container resource constraints", "update [command options] <container-id>",
               run_update});

}  // namespace
}  // namespace rampart::cli
