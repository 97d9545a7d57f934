// The OCI runtime-spec (Linux parts, 1.0.0 - 1.3.x) as C++ types.
//
// std::optional marks fields whose absence means something different from an empty
// value: the policy layer fills defaults only where config.json leaves a field unset,
// and the runtime skips whole steps (e.g. no seccomp) when a section is missing.
// Parsing lives in spec_json.cpp, validation in validate.cpp. Every struct compares
// member-wise (operator==), which round-trip tests and the policy layer use.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace oci {

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additional_gids;
    std::string username;  // Windows only in the spec; kept for round trips

    bool operator==(const User&) const = default;
};

struct Capabilities {
    std::vector<std::string> bounding;
    std::vector<std::string> effective;
    std::vector<std::string> inheritable;
    std::vector<std::string> permitted;
    std::vector<std::string> ambient;

    bool operator==(const Capabilities&) const = default;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE"
    uint64_t hard = 0;
    uint64_t soft = 0;

    bool operator==(const Rlimit&) const = default;
};

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;

    bool operator==(const ConsoleSize&) const = default;
};

struct IOPriority {
    std::string klass;  // "class" in JSON: IOPRIO_CLASS_RT | _BE | _IDLE
    int priority = 0;

    bool operator==(const IOPriority&) const = default;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER ...
    std::optional<int32_t> nice;
    std::optional<int32_t> priority;
    std::vector<std::string> flags;
    std::optional<uint64_t> runtime;
    std::optional<uint64_t> deadline;
    std::optional<uint64_t> period;

    bool operator==(const Scheduler&) const = default;
};

// process.execCPUAffinity (1.2+): CPU lists for the exec'd process, "0-3,7".
struct ExecCPUAffinity {
    std::string initial;
    std::string final;

    bool operator==(const ExecCPUAffinity&) const = default;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    std::string cwd = "/";
    std::vector<std::string> env;
    std::vector<std::string> args;
    std::optional<std::string> command_line;  // Windows only
    User user;
    std::optional<Capabilities> capabilities;  // unset: policy default applies
    std::vector<Rlimit> rlimits;
    bool rlimits_set = false;                  // "rlimits" key present in config.json
    std::optional<bool> no_new_privileges;     // unset: policy default applies
    std::optional<std::string> apparmor_profile;
    std::optional<int> oom_score_adj;
    std::optional<std::string> selinux_label;
    std::optional<IOPriority> io_priority;
    std::optional<Scheduler> scheduler;
    std::optional<ExecCPUAffinity> exec_cpu_affinity;  // not supported: refused by validate()

    bool operator==(const Process&) const = default;
};

struct IdMapping {
    uint32_t container_id = 0;
    uint32_t host_id = 0;
    uint32_t size = 0;

    bool operator==(const IdMapping&) const = default;
};

struct Root {
    std::string path;
    bool readonly = false;

    bool operator==(const Root&) const = default;
};

struct Mount {
    std::string destination;
    std::string type;
    std::string source;
    std::vector<std::string> options;
    std::vector<IdMapping> uid_mappings;  // idmapped mounts (1.1+)
    std::vector<IdMapping> gid_mappings;

    bool operator==(const Mount&) const = default;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int> timeout;  // seconds, > 0

    bool operator==(const Hook&) const = default;
};

struct Hooks {
    std::vector<Hook> prestart;  // deprecated but still used by Docker for networking
    std::vector<Hook> create_runtime;
    std::vector<Hook> create_container;
    std::vector<Hook> start_container;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
    bool empty() const {
        return prestart.empty() && create_runtime.empty() && create_container.empty() &&
               start_container.empty() && poststart.empty() && poststop.empty();
    }

    bool operator==(const Hooks&) const = default;
};

struct Namespace {
    std::string type;  // pid network mount ipc uts user cgroup time
    std::string path;  // empty: create a new one

    bool operator==(const Namespace&) const = default;
};

struct Device {
    std::string type;  // c b u p
    std::string path;
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> file_mode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;

    bool operator==(const Device&) const = default;
};

struct DeviceCgroupRule {
    bool allow = false;
    std::string type;  // "a" "c" "b"; empty means "a"
    std::optional<int64_t> major;  // unset: wildcard
    std::optional<int64_t> minor;
    std::string access;  // "rwm" subset; empty means "rwm"

    bool operator==(const DeviceCgroupRule&) const = default;
};

struct MemoryResources {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer;
    std::optional<bool> use_hierarchy;
    std::optional<bool> check_before_update;

    bool operator==(const MemoryResources&) const = default;
};

struct CpuResources {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::string cpus;
    std::string mems;
    std::optional<int64_t> idle;

    bool operator==(const CpuResources&) const = default;
};

struct PidsResources {
    std::optional<int64_t> limit;

    bool operator==(const PidsResources&) const = default;
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;

    bool operator==(const WeightDevice&) const = default;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;

    bool operator==(const ThrottleDevice&) const = default;
};

struct BlockIOResources {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> throttle_read_bps_device;
    std::vector<ThrottleDevice> throttle_write_bps_device;
    std::vector<ThrottleDevice> throttle_read_iops_device;
    std::vector<ThrottleDevice> throttle_write_iops_device;

    bool operator==(const BlockIOResources&) const = default;
};

struct HugepageLimit {
    std::string page_size;  // "2MB"
    uint64_t limit = 0;

    bool operator==(const HugepageLimit&) const = default;
};

struct NetworkPriority {
    std::string name;
    uint32_t priority = 0;

    bool operator==(const NetworkPriority&) const = default;
};

struct NetworkResources {
    std::optional<uint32_t> class_id;
    std::vector<NetworkPriority> priorities;

    bool operator==(const NetworkResources&) const = default;
};

struct RdmaLimit {
    std::optional<uint32_t> hca_handles;
    std::optional<uint32_t> hca_objects;

    bool operator==(const RdmaLimit&) const = default;
};

struct Resources {
    std::vector<DeviceCgroupRule> devices;
    std::optional<MemoryResources> memory;
    std::optional<CpuResources> cpu;
    std::optional<PidsResources> pids;
    std::optional<BlockIOResources> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<NetworkResources> network;
    std::map<std::string, RdmaLimit> rdma;
    std::map<std::string, std::string> unified;

    bool operator==(const Resources&) const = default;
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    uint64_t value_two = 0;
    std::string op;  // SCMP_CMP_EQ ...

    bool operator==(const SeccompArg&) const = default;
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;  // SCMP_ACT_...
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;

    bool operator==(const SeccompSyscall&) const = default;
};

struct Seccomp {
    std::string default_action;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;  // SCMP_ARCH_...
    std::vector<std::string> flags;           // SECCOMP_FILTER_FLAG_...
    std::string listener_path;
    std::string listener_metadata;
    std::vector<SeccompSyscall> syscalls;

    bool operator==(const Seccomp&) const = default;
};

struct PersonalityDomain {
    std::string domain;  // LINUX | LINUX32
    std::vector<std::string> flags;

    bool operator==(const PersonalityDomain&) const = default;
};

struct IntelRdt {
    std::string clos_id;
    std::string l3_cache_schema;
    std::string mem_bw_schema;
    std::vector<std::string> schemata;  // 1.3
    bool enable_monitoring = false;     // 1.3

    bool operator==(const IntelRdt&) const = default;
};

struct NetDevice {
    std::string name;  // name inside the container; empty: keep the host name

    bool operator==(const NetDevice&) const = default;
};

struct MemoryPolicy {
    std::string mode;  // MPOL_*
    std::string nodes;
    std::vector<std::string> flags;

    bool operator==(const MemoryPolicy&) const = default;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;

    bool operator==(const TimeOffset&) const = default;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
    std::map<std::string, TimeOffset> time_offsets;  // "monotonic", "boottime"
    std::vector<Device> devices;
    std::string cgroups_path;
    std::optional<Resources> resources;
    std::string rootfs_propagation;
    std::optional<Seccomp> seccomp;
    std::map<std::string, std::string> sysctl;
    std::optional<std::vector<std::string>> masked_paths;    // unset: policy default
    std::optional<std::vector<std::string>> readonly_paths;  // unset: policy default
    std::optional<std::string> mount_label;
    std::optional<IntelRdt> intel_rdt;
    std::optional<PersonalityDomain> personality;
    std::map<std::string, NetDevice> net_devices;   // 1.2; not supported: refused by validate()
    std::optional<MemoryPolicy> memory_policy;      // 1.3; not supported: refused by validate()

    const Namespace* find_namespace(const std::string& type) const {
        for (const auto& ns : namespaces)
            if (ns.type == type) return &ns;
        return nullptr;
    }

    bool operator==(const Linux&) const = default;
};

struct Spec {
    std::string oci_version;
    std::optional<Process> process;
    std::optional<Root> root;
    std::string hostname;
    std::string domainname;
    std::vector<Mount> mounts;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;

    bool operator==(const Spec&) const = default;
};

// The state of a container as `rampart state` prints it (state-schema.json).
struct State {
    std::string oci_version;
    std::string id;
    std::string status;  // creating | created | running | stopped | paused
    int pid = 0;         // 0: omitted
    std::string bundle;
    std::map<std::string, std::string> annotations;

    bool operator==(const State&) const = default;
};

}  // namespace oci
