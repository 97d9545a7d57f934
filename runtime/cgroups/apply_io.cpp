// linux.resources.blockIO: v1 blkio (weight, weight_device, throttle.*) or v2 io
// (io.weight / io.bfq.weight with runc's weight conversion, io.max).
#include <cerrno>

#include "oci/error.hpp"
#include "runtime/cgroups/convert.hpp"
#include "runtime/cgroups/fs.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {
namespace {

const std::string kField = "linux.resources.blockIO";
const char* const kNoWeight = "the block devices' I/O scheduler (CFQ/BFQ) offers no weights";

std::string dev(int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

// Tries the files in order; the first that exists takes the value.
void write_first(const Target& t, const Place& p, const std::string& controller,
                 std::initializer_list<const char*> files, const std::string& value, const std::string& field) {
    for (const char* f : files) {
        int err = t.try_write(p, f, value);
        if (err == 0) return;
        if (err != ENOENT) t.write(p, controller, f, value, field);  // throws with the errno
    }
    t.write(p, controller, *files.begin(), value, field, kNoWeight);
}

void apply_v1(const Target& t, const Place& p, const oci::BlockIOResources& b) {
    if (b.weight && *b.weight != 0)
        write_first(t, p, "blkio", {"blkio.weight", "blkio.bfq.weight"}, std::to_string(*b.weight), kField + ".weight");
    if (b.leaf_weight && *b.leaf_weight != 0)
        t.write(p, "blkio", "blkio.leaf_weight", std::to_string(*b.leaf_weight), kField + ".leafWeight", kNoWeight);
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto& wd = b.weight_device[i];
        std::string field = kField + ".weightDevice[" + std::to_string(i) + "]";
        if (wd.weight && *wd.weight != 0)
            write_first(t, p, "blkio", {"blkio.weight_device", "blkio.bfq.weight_device"},
                        dev(wd.major, wd.minor) + " " + std::to_string(*wd.weight), field + ".weight");
        if (wd.leaf_weight && *wd.leaf_weight != 0)
            t.write(p, "blkio", "blkio.leaf_weight_device", dev(wd.major, wd.minor) + " " + std::to_string(*wd.leaf_weight),
                    field + ".leafWeight", kNoWeight);
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* file, const char* name) {
        for (size_t i = 0; i < list.size(); ++i)
            t.write(p, "blkio", file, dev(list[i].major, list[i].minor) + " " + std::to_string(list[i].rate),
                    kField + "." + name + "[" + std::to_string(i) + "]");
    };
    throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device", "throttleReadBpsDevice");
    throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice");
    throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice");
    throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice");
}

void apply_v2(const Target& t, const Place& p, const oci::BlockIOResources& b) {
    bool bfq = path_exists(p.dir + "/io.bfq.weight");
    if (b.weight && *b.weight != 0) {
        if (bfq)
            t.write(p, "io", "io.bfq.weight", std::to_string(*b.weight), kField + ".weight");
        else
            t.write(p, "io", "io.weight", "default " + std::to_string(blkio_weight_to_io_weight(*b.weight)),
                    kField + ".weight", kNoWeight);
    }
    if (b.leaf_weight && *b.leaf_weight != 0)
        throw oci::Error(kField + ".leafWeight: io controller: not supported on cgroup v2");
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto& wd = b.weight_device[i];
        std::string field = kField + ".weightDevice[" + std::to_string(i) + "]";
        if (wd.leaf_weight && *wd.leaf_weight != 0)
            throw oci::Error(field + ".leafWeight: io controller: not supported on cgroup v2");
        if (!wd.weight || *wd.weight == 0) continue;
        if (bfq)
            t.write(p, "io", "io.bfq.weight", dev(wd.major, wd.minor) + " " + std::to_string(*wd.weight), field + ".weight");
        else
            t.write(p, "io", "io.weight",
                    dev(wd.major, wd.minor) + " " + std::to_string(blkio_weight_to_io_weight(*wd.weight)),
                    field + ".weight", kNoWeight);
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* key, const char* name) {
        for (size_t i = 0; i < list.size(); ++i) {
            // v1 takes 0 as "remove the limit"; on v2 that is "max" (0 would stop all I/O).
            std::string rate = list[i].rate == 0 ? "max" : std::to_string(list[i].rate);
            t.write(p, "io", "io.max", dev(list[i].major, list[i].minor) + " " + key + "=" + rate,
                    kField + "." + name + "[" + std::to_string(i) + "]");
        }
    };
    throttle(b.throttle_read_bps_device, "rbps", "throttleReadBpsDevice");
    throttle(b.throttle_write_bps_device, "wbps", "throttleWriteBpsDevice");
    throttle(b.throttle_read_iops_device, "riops", "throttleReadIOPSDevice");
    throttle(b.throttle_write_iops_device, "wiops", "throttleWriteIOPSDevice");
}

}  // namespace

void apply_block_io(const Target& t, const oci::BlockIOResources& b) {
    bool any = (b.weight && *b.weight != 0) || (b.leaf_weight && *b.leaf_weight != 0) || !b.weight_device.empty() ||
               !b.throttle_read_bps_device.empty() || !b.throttle_write_bps_device.empty() ||
               !b.throttle_read_iops_device.empty() || !b.throttle_write_iops_device.empty();
    if (!any) return;
    Place p = t.place("blkio");
    if (!p) p = t.require("io", kField);
    if (p.v2())
        apply_v2(t, p, b);
    else
        apply_v1(t, p, b);
}

}  // namespace rampart::cgroups
