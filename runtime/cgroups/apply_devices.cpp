// linux.resources.devices: v1 devices.deny/devices.allow, v2 an attached eBPF program.
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "oci/error.hpp"
#include "runtime/cgroups/convert.hpp"
#include "runtime/cgroups/device_filter.hpp"
#include "runtime/cgroups/internal.hpp"

namespace rampart::cgroups {
namespace {

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

long bpf(int cmd, union bpf_attr* attr) {
    return ::syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int load_program(const std::vector<BpfInsn>& prog, const std::string& where) {
    static_assert(sizeof(BpfInsn) == sizeof(struct bpf_insn));
    static const char license[] = "Apache-2.0";
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = reinterpret_cast<uint64_t>(prog.data());
    attr.insn_cnt = static_cast<uint32_t>(prog.size());
    attr.license = reinterpret_cast<uint64_t>(license);
    int fd = static_cast<int>(bpf(BPF_PROG_LOAD, &attr));
    if (fd >= 0) return fd;
    int err = errno;
    // Load again with the verifier log for a useful message.
    std::string log(16384, '\0');
    attr.log_buf = reinterpret_cast<uint64_t>(log.data());
    attr.log_size = static_cast<uint32_t>(log.size());
    attr.log_level = 1;
    fd = static_cast<int>(bpf(BPF_PROG_LOAD, &attr));
    if (fd >= 0) return fd;
    log.resize(std::strlen(log.c_str()));
    throw oci::Error(where + ": load eBPF device program: " + std::strerror(err) +
                     (log.empty() ? "" : " (verifier: " + log + ")"));
}

}  // namespace

void attach_device_program(const std::string& cgroup_dir, const std::vector<BpfInsn>& prog) {
    const std::string where = "linux.resources.devices: devices (cgroup v2 eBPF)";
    Fd dir(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0) throw oci::SysError(where + ": open " + cgroup_dir);
    // Programs attached before (ours, from create or an earlier update).
    uint32_t ids[64];
    union bpf_attr q;
    std::memset(&q, 0, sizeof q);
    q.query.target_fd = static_cast<uint32_t>(dir.get());
    q.query.attach_type = BPF_CGROUP_DEVICE;
    q.query.prog_ids = reinterpret_cast<uint64_t>(ids);
    q.query.prog_cnt = 64;
    uint32_t old_count = 0;
    if (bpf(BPF_PROG_QUERY, &q) == 0) old_count = q.query.prog_cnt;

    Fd prog_fd(load_program(prog, where));
    union bpf_attr a;
    std::memset(&a, 0, sizeof a);
    a.target_fd = static_cast<uint32_t>(dir.get());
    a.attach_bpf_fd = static_cast<uint32_t>(prog_fd.get());
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &a) != 0) throw oci::SysError(where + ": attach to " + cgroup_dir);

    for (uint32_t i = 0; i < old_count && i < 64; ++i) {
        union bpf_attr g;
        std::memset(&g, 0, sizeof g);
        g.prog_id = ids[i];
        Fd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, &g)));
        if (old.get() < 0) continue;  // already gone
        union bpf_attr d;
        std::memset(&d, 0, sizeof d);
        d.target_fd = static_cast<uint32_t>(dir.get());
        d.attach_bpf_fd = static_cast<uint32_t>(old.get());
        d.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, &d) != 0 && errno != ENOENT)
            throw oci::SysError(where + ": detach the previous program from " + cgroup_dir);
    }
}

std::vector<oci::DeviceCgroupRule> default_allowed_devices() {
    auto c = [](std::optional<int64_t> major, std::optional<int64_t> minor, const char* access) {
        return oci::DeviceCgroupRule{true, "c", major, minor, access};
    };
    return {c({}, {}, "m"), oci::DeviceCgroupRule{true, "b", {}, {}, "m"},
            c(1, 3, "rwm"),  c(1, 8, "rwm"), c(1, 7, "rwm"), c(5, 0, "rwm"), c(1, 5, "rwm"), c(1, 9, "rwm"),
            c(5, 2, "rwm"),  c(136, {}, "rwm"), c(10, 200, "rwm")};
}

oci::Resources resources_for(const oci::Linux& linux) {
    oci::Resources r = linux.resources.value_or(oci::Resources{});
    if (r.devices.empty()) r.devices.push_back(oci::DeviceCgroupRule{false, "a", {}, {}, "rwm"});
    for (const auto& d : linux.devices)
        if (d.type == "c" || d.type == "b" || d.type == "u")
            r.devices.push_back(oci::DeviceCgroupRule{true, d.type == "b" ? "b" : "c", d.major, d.minor, "rwm"});
    return r;
}

void apply_devices(const Target& t, const std::vector<oci::DeviceCgroupRule>& given) {
    if (given.empty()) return;
    std::vector<oci::DeviceCgroupRule> rules = given;
    for (auto& d : default_allowed_devices()) rules.push_back(d);
    const std::string field = "linux.resources.devices";
    Place p = t.place("devices");
    if (!p && !t.v2_dir.empty() && t.layout.mode == Mode::V2) p = Place{Place::V2, t.v2_dir};
    if (!p) p = t.require("devices", field);
    if (p.v2()) {
        attach_device_program(p.dir, build_device_program(rules));
        return;
    }
    build_device_program(rules);  // validates types and access strings with the v1 path too
    t.write(p, "devices", "devices.deny", "a", field);
    size_t start = 0;
    const auto& r0 = rules[0];
    if (!r0.allow && (r0.type.empty() || r0.type == "a") && !r0.major && !r0.minor) start = 1;  // done above
    for (size_t i = start; i < rules.size(); ++i)
        t.write(p, "devices", rules[i].allow ? "devices.allow" : "devices.deny", device_rule_v1(rules[i]),
                field + "[" + std::to_string(i) + "]");
}

}  // namespace rampart::cgroups
