// linux.resources: pids, hugepageLimits, network (net_cls / net_prio), rdma, unified.
#include <algorithm>

#include "oci/error.hpp"
#include "runtime/cgroups/convert.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {

void apply_pids(const Target& t, const oci::PidsResources& p) {
    if (!p.limit) return;
    if (*p.limit <= 0 && t.fresh) return;  // a new cgroup has pids.max "max" already
    Place pl = t.require("pids", "linux.resources.pids.limit");
    t.write(pl, "pids", "pids.max", *p.limit > 0 ? std::to_string(*p.limit) : "max", "linux.resources.pids.limit");
}

void apply_hugetlb(const Target& t, const std::vector<oci::HugepageLimit>& limits) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const auto& h = limits[i];
        std::string field = "linux.resources.hugepageLimits[" + std::to_string(i) + "]";
        if (h.page_size.empty() || h.page_size.find('/') != std::string::npos || h.page_size.find('.') != std::string::npos)
            throw oci::Error(field + ".pageSize: invalid page size \"" + h.page_size + "\" (expected e.g. \"2MB\")");
        Place p = t.require("hugetlb", field);
        std::string file = "hugetlb." + h.page_size + (p.v2() ? ".max" : ".limit_in_bytes");
        t.write(p, "hugetlb", file, std::to_string(h.limit), field + ".limit",
                "the host has no " + h.page_size + " huge pages");
    }
}

void apply_network(const Target& t, const oci::NetworkResources& n) {
    const std::string field = "linux.resources.network";
    if (n.class_id) {
        Place p = t.require("net_cls", field + ".classID");
        if (p.v2()) throw oci::Error(field + ".classID: net_cls controller: not available on cgroup v2");
        t.write(p, "net_cls", "net_cls.classid", std::to_string(*n.class_id), field + ".classID");
    }
    for (size_t i = 0; i < n.priorities.size(); ++i) {
        std::string f = field + ".priorities[" + std::to_string(i) + "]";
        Place p = t.require("net_prio", f);
        if (p.v2()) throw oci::Error(f + ": net_prio controller: not available on cgroup v2");
        t.write(p, "net_prio", "net_prio.ifpriomap", n.priorities[i].name + " " + std::to_string(n.priorities[i].priority), f);
    }
}

void apply_rdma(const Target& t, const std::map<std::string, oci::RdmaLimit>& rdma) {
    for (const auto& [dev, l] : rdma) {
        std::string field = "linux.resources.rdma[\"" + dev + "\"]";
        if (!l.hca_handles && !l.hca_objects) continue;
        Place p = t.require("rdma", field);
        std::string v = dev;
        if (l.hca_handles) v += " hca_handle=" + std::to_string(*l.hca_handles);
        if (l.hca_objects) v += " hca_object=" + std::to_string(*l.hca_objects);
        t.write(p, "rdma", "rdma.max", v, field);
    }
}

void apply_unified(const Target& t, const std::map<std::string, std::string>& unified) {
    if (unified.empty()) return;
    if (t.v2_dir.empty())
        throw oci::Error("linux.resources.unified: needs cgroup v2, and this host has only cgroup v1");
    for (const auto& [key, value] : unified) {
        std::string field = "linux.resources.unified[\"" + key + "\"]";
        auto dot = key.find('.');
        if (key.find('/') != std::string::npos || dot == std::string::npos || dot == 0 || key == "." || key == "..")
            throw oci::Error(field + ": not a cgroup file name (expected \"<controller>.<file>\")");
        std::string controller = key.substr(0, dot);
        Place p{Place::V2, t.v2_dir};
        if (controller != "cgroup") {
            if (!v1_mount(t.layout, controller).empty())
                throw oci::Error(field + ": " + controller + " controller: mounted on cgroup v1 on this host; use the v1 field instead");
            const auto& c = t.layout.v2_controllers;
            // cpu.stat, io.pressure ... exist without the controller; the kernel refuses
            // writes to read-only files, so only refuse unknown controllers here.
            if (std::find(c.begin(), c.end(), controller) == c.end() && controller != "cpu" && controller != "io" &&
                controller != "memory")
                throw oci::Error(field + ": " + controller + " controller: not available in the cgroup v2 tree");
            if (std::find(c.begin(), c.end(), controller) != c.end() && t.enable_v2) t.enable_v2(controller);
        }
        t.write(p, controller, key, value, field);
    }
}

}  // namespace rampart::cgroups
