// linux.resources and linux.seccomp <-> JSON (also used alone by `update --resources`).
#include <utility>

#include "oci/bundle.hpp"
#include "oci/json_reader.hpp"

namespace oci {

using detail::field;
using detail::index;
using detail::join;
using detail::put;
using detail::put_nonempty;
using detail::put_opt;
using detail::Reader;
using json::Value;

namespace {

std::vector<ThrottleDevice> read_throttle(const Reader& r, const Value& v, const std::string& path) {
    std::vector<ThrottleDevice> out;
    const json::Array& a = r.array(v, path);
    for (size_t i = 0; i < a.size(); ++i) {
        std::string p = index(path, i);
        r.object(a[i], p);
        ThrottleDevice t;
        r.get(a[i], "major", p, t.major);
        r.get(a[i], "minor", p, t.minor);
        r.get(a[i], "rate", p, t.rate);
        out.push_back(t);
    }
    return out;
}

Value write_throttle(const std::vector<ThrottleDevice>& ts) {
    json::Array a;
    for (const auto& t : ts) {
        Value o = detail::object();
        put(o, "major", t.major);
        put(o, "minor", t.minor);
        put(o, "rate", t.rate);
        a.push_back(std::move(o));
    }
    return Value(std::move(a));
}

BlockIOResources read_block_io(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    BlockIOResources b;
    r.get(v, "weight", path, b.weight);
    r.get(v, "leafWeight", path, b.leaf_weight);
    if (auto* f = field(v, "weightDevice")) {
        std::string wp = join(path, "weightDevice");
        const json::Array& a = r.array(*f, wp);
        for (size_t i = 0; i < a.size(); ++i) {
            std::string p = index(wp, i);
            r.object(a[i], p);
            WeightDevice w;
            r.get(a[i], "major", p, w.major);
            r.get(a[i], "minor", p, w.minor);
            r.get(a[i], "weight", p, w.weight);
            r.get(a[i], "leafWeight", p, w.leaf_weight);
            b.weight_device.push_back(w);
        }
    }
    std::pair<const char*, std::vector<ThrottleDevice>*> throttles[] = {
        {"throttleReadBpsDevice", &b.throttle_read_bps_device},
        {"throttleWriteBpsDevice", &b.throttle_write_bps_device},
        {"throttleReadIOPSDevice", &b.throttle_read_iops_device},
        {"throttleWriteIOPSDevice", &b.throttle_write_iops_device},
    };
    for (auto& [name, list] : throttles)
        if (auto* f = field(v, name)) *list = read_throttle(r, *f, join(path, name));
    return b;
}

}  // namespace

namespace detail {

Resources read_resources(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    Resources res;
    if (auto* f = field(v, "devices")) {
        std::string dp = join(path, "devices");
        const json::Array& a = r.array(*f, dp);
        for (size_t i = 0; i < a.size(); ++i) {
            std::string p = index(dp, i);
            r.object(a[i], p);
            DeviceCgroupRule d;
            r.get(a[i], "allow", p, d.allow);
            r.get(a[i], "type", p, d.type);
            r.get(a[i], "major", p, d.major);
            r.get(a[i], "minor", p, d.minor);
            r.get(a[i], "access", p, d.access);
            res.devices.push_back(std::move(d));
        }
    }
    if (auto* f = field(v, "memory")) {
        std::string p = join(path, "memory");
        r.object(*f, p);
        MemoryResources m;
        r.get(*f, "limit", p, m.limit);
        r.get(*f, "reservation", p, m.reservation);
        r.get(*f, "swap", p, m.swap);
        r.get(*f, "kernel", p, m.kernel);
        r.get(*f, "kernelTCP", p, m.kernel_tcp);
        r.get(*f, "swappiness", p, m.swappiness);
        r.get(*f, "disableOOMKiller", p, m.disable_oom_killer);
        r.get(*f, "useHierarchy", p, m.use_hierarchy);
        r.get(*f, "checkBeforeUpdate", p, m.check_before_update);
        res.memory = m;
    }
    if (auto* f = field(v, "cpu")) {
        std::string p = join(path, "cpu");
        r.object(*f, p);
        CpuResources c;
        r.get(*f, "shares", p, c.shares);
        r.get(*f, "quota", p, c.quota);
        r.get(*f, "burst", p, c.burst);
        r.get(*f, "period", p, c.period);
        r.get(*f, "realtimeRuntime", p, c.realtime_runtime);
        r.get(*f, "realtimePeriod", p, c.realtime_period);
        r.get(*f, "cpus", p, c.cpus);
        r.get(*f, "mems", p, c.mems);
        r.get(*f, "idle", p, c.idle);
        res.cpu = std::move(c);
    }
    if (auto* f = field(v, "pids")) {
        std::string p = join(path, "pids");
        r.object(*f, p);
        PidsResources pr;
        r.get(*f, "limit", p, pr.limit);
        res.pids = pr;
    }
    if (auto* f = field(v, "blockIO")) res.block_io = read_block_io(r, *f, join(path, "blockIO"));
    if (auto* f = field(v, "hugepageLimits")) {
        std::string hp = join(path, "hugepageLimits");
        const json::Array& a = r.array(*f, hp);
        for (size_t i = 0; i < a.size(); ++i) {
            std::string p = index(hp, i);
            r.object(a[i], p);
            HugepageLimit h;
            r.get(a[i], "pageSize", p, h.page_size);
            r.get(a[i], "limit", p, h.limit);
            res.hugepage_limits.push_back(std::move(h));
        }
    }
    if (auto* f = field(v, "network")) {
        std::string np = join(path, "network");
        r.object(*f, np);
        NetworkResources n;
        r.get(*f, "classID", np, n.class_id);
        if (auto* pr = field(*f, "priorities")) {
            std::string pp = join(np, "priorities");
            const json::Array& a = r.array(*pr, pp);
            for (size_t i = 0; i < a.size(); ++i) {
                std::string p = index(pp, i);
                r.object(a[i], p);
                NetworkPriority x;
                r.get(a[i], "name", p, x.name);
                r.get(a[i], "priority", p, x.priority);
                n.priorities.push_back(std::move(x));
            }
        }
        res.network = std::move(n);
    }
    if (auto* f = field(v, "rdma")) {
        std::string rp = join(path, "rdma");
        for (const auto& [k, val] : r.object(*f, rp)) {
            std::string p = join(rp, k);
            r.object(val, p);
            RdmaLimit l;
            r.get(val, "hcaHandles", p, l.hca_handles);
            r.get(val, "hcaObjects", p, l.hca_objects);
            res.rdma[k] = l;
        }
    }
    if (auto* f = field(v, "unified")) res.unified = r.string_map(*f, join(path, "unified"));
    return res;
}

Value write_resources(const Resources& res) {
    Value o = detail::object();
    if (!res.devices.empty()) {
        json::Array a;
        for (const auto& d : res.devices) {
            Value x = detail::object();
            put(x, "allow", d.allow);
            put_nonempty(x, "type", d.type);
            put_opt(x, "major", d.major);
            put_opt(x, "minor", d.minor);
            put_nonempty(x, "access", d.access);
            a.push_back(std::move(x));
        }
        put(o, "devices", Value(std::move(a)));
    }
    if (res.memory) {
        const MemoryResources& m = *res.memory;
        Value x = detail::object();
        put_opt(x, "limit", m.limit);
        put_opt(x, "reservation", m.reservation);
        put_opt(x, "swap", m.swap);
        put_opt(x, "kernel", m.kernel);
        put_opt(x, "kernelTCP", m.kernel_tcp);
        put_opt(x, "swappiness", m.swappiness);
        put_opt(x, "disableOOMKiller", m.disable_oom_killer);
        put_opt(x, "useHierarchy", m.use_hierarchy);
        put_opt(x, "checkBeforeUpdate", m.check_before_update);
        put(o, "memory", std::move(x));
    }
    if (res.cpu) {
        const CpuResources& c = *res.cpu;
        Value x = detail::object();
        put_opt(x, "shares", c.shares);
        put_opt(x, "quota", c.quota);
        put_opt(x, "burst", c.burst);
        put_opt(x, "period", c.period);
        put_opt(x, "realtimeRuntime", c.realtime_runtime);
        put_opt(x, "realtimePeriod", c.realtime_period);
        put_nonempty(x, "cpus", c.cpus);
        put_nonempty(x, "mems", c.mems);
        put_opt(x, "idle", c.idle);
        put(o, "cpu", std::move(x));
    }
    if (res.pids) {
        Value x = detail::object();
        put_opt(x, "limit", res.pids->limit);
        put(o, "pids", std::move(x));
    }
    if (res.block_io) {
        const BlockIOResources& b = *res.block_io;
        Value x = detail::object();
        put_opt(x, "weight", b.weight);
        put_opt(x, "leafWeight", b.leaf_weight);
        if (!b.weight_device.empty()) {
            json::Array a;
            for (const auto& w : b.weight_device) {
                Value d = detail::object();
                put(d, "major", w.major);
                put(d, "minor", w.minor);
                put_opt(d, "weight", w.weight);
                put_opt(d, "leafWeight", w.leaf_weight);
                a.push_back(std::move(d));
            }
            put(x, "weightDevice", Value(std::move(a)));
        }
        if (!b.throttle_read_bps_device.empty())
            put(x, "throttleReadBpsDevice", write_throttle(b.throttle_read_bps_device));
        if (!b.throttle_write_bps_device.empty())
            put(x, "throttleWriteBpsDevice", write_throttle(b.throttle_write_bps_device));
        if (!b.throttle_read_iops_device.empty())
            put(x, "throttleReadIOPSDevice", write_throttle(b.throttle_read_iops_device));
        if (!b.throttle_write_iops_device.empty())
            put(x, "throttleWriteIOPSDevice", write_throttle(b.throttle_write_iops_device));
        put(o, "blockIO", std::move(x));
    }
    if (!res.hugepage_limits.empty()) {
        json::Array a;
        for (const auto& h : res.hugepage_limits) {
            Value x = detail::object();
            put(x, "pageSize", h.page_size);
            put(x, "limit", h.limit);
            a.push_back(std::move(x));
        }
        put(o, "hugepageLimits", Value(std::move(a)));
    }
    if (res.network) {
        Value x = detail::object();
        put_opt(x, "classID", res.network->class_id);
        if (!res.network->priorities.empty()) {
            json::Array a;
            for (const auto& p : res.network->priorities) {
                Value y = detail::object();
                put(y, "name", p.name);
                put(y, "priority", p.priority);
                a.push_back(std::move(y));
            }
            put(x, "priorities", Value(std::move(a)));
        }
        put(o, "network", std::move(x));
    }
    if (!res.rdma.empty()) {
        Value x = detail::object();
        for (const auto& [k, l] : res.rdma) {
            Value y = detail::object();
            put_opt(y, "hcaHandles", l.hca_handles);
            put_opt(y, "hcaObjects", l.hca_objects);
            put(x, k.c_str(), std::move(y));
        }
        put(o, "rdma", std::move(x));
    }
    if (!res.unified.empty()) put(o, "unified", detail::string_object(res.unified));
    return o;
}

Seccomp read_seccomp(const Reader& r, const Value& v, const std::string& path) {
    r.object(v, path);
    Seccomp s;
    r.get(v, "defaultAction", path, s.default_action);
    r.get(v, "defaultErrnoRet", path, s.default_errno_ret);
    r.get(v, "architectures", path, s.architectures);
    r.get(v, "flags", path, s.flags);
    r.get(v, "listenerPath", path, s.listener_path);
    r.get(v, "listenerMetadata", path, s.listener_metadata);
    if (auto* f = field(v, "syscalls")) {
        std::string sp = join(path, "syscalls");
        const json::Array& a = r.array(*f, sp);
        s.syscalls.reserve(a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            std::string p = index(sp, i);
            r.object(a[i], p);
            SeccompSyscall sc;
            r.get(a[i], "names", p, sc.names);
            r.get(a[i], "action", p, sc.action);
            r.get(a[i], "errnoRet", p, sc.errno_ret);
            if (auto* args = field(a[i], "args")) {
                std::string ap = join(p, "args");
                const json::Array& aa = r.array(*args, ap);
                for (size_t j = 0; j < aa.size(); ++j) {
                    std::string jp = index(ap, j);
                    r.object(aa[j], jp);
                    SeccompArg arg;
                    r.get(aa[j], "index", jp, arg.index);
                    r.get(aa[j], "value", jp, arg.value);
                    r.get(aa[j], "valueTwo", jp, arg.value_two);
                    r.get(aa[j], "op", jp, arg.op);
                    sc.args.push_back(std::move(arg));
                }
            }
            s.syscalls.push_back(std::move(sc));
        }
    }
    return s;
}

Value write_seccomp(const Seccomp& s) {
    Value o = detail::object();
    put(o, "defaultAction", s.default_action);
    put_opt(o, "defaultErrnoRet", s.default_errno_ret);
    put_nonempty(o, "architectures", s.architectures);
    put_nonempty(o, "flags", s.flags);
    put_nonempty(o, "listenerPath", s.listener_path);
    put_nonempty(o, "listenerMetadata", s.listener_metadata);
    if (!s.syscalls.empty()) {
        json::Array a;
        a.reserve(s.syscalls.size());
        for (const auto& sc : s.syscalls) {
            Value x = detail::object();
            put(x, "names", detail::string_array(sc.names));
            put(x, "action", sc.action);
            put_opt(x, "errnoRet", sc.errno_ret);
            if (!sc.args.empty()) {
                json::Array args;
                for (const auto& arg : sc.args) {
                    Value y = detail::object();
                    put(y, "index", arg.index);
                    put(y, "value", arg.value);
                    if (arg.value_two) put(y, "valueTwo", arg.value_two);
                    put(y, "op", arg.op);
                    args.push_back(std::move(y));
                }
                put(x, "args", Value(std::move(args)));
            }
            a.push_back(std::move(x));
        }
        put(o, "syscalls", Value(std::move(a)));
    }
    return o;
}

}  // namespace detail

Resources resources_from_json(const Value& doc, const std::string& file) {
    Reader r(file);
    return detail::read_resources(r, doc, "");
}

Value resources_to_json(const Resources& r) { return detail::write_resources(r); }

Seccomp seccomp_from_json(const Value& doc, const std::string& file) {
    Reader r(file);
    return detail::read_seccomp(r, doc, "");
}

Value seccomp_to_json(const Seccomp& s) { return detail::write_seccomp(s); }

}  // namespace oci
