// oci/validate: every class of semantic error names the file and the JSON path.
#include <gtest/gtest.h>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"

namespace {

// A valid base; each test breaks one thing.
oci::Spec base() { return oci::default_spec(false); }

std::string error_of(const oci::Spec& s) {
    try {
        oci::validate(s, "config.json");
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "no error";
}

// Parses a config.json fragment merged into a valid document, then validates.
std::string error_of_json(const std::string& text) {
    try {
        oci::Spec s = oci::spec_from_json(oci::json::parse(text, "config.json"), "config.json");
        oci::validate(s, "config.json");
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(Validate, DefaultSpecsAreValid) {
    EXPECT_NO_THROW(oci::validate(oci::default_spec(false)));
    EXPECT_NO_THROW(oci::validate(oci::default_spec(true)));
}

TEST(Validate, OciVersion) {
    oci::Spec s = base();
    s.oci_version = "2.0.0";
    EXPECT_EQ(error_of(s),
              "config.json: ociVersion: unsupported version \"2.0.0\" (rampart supports 1.0.0 - 1.3.x)");
    s.oci_version = "";
    EXPECT_EQ(error_of(s), "config.json: ociVersion: missing");
    s.oci_version = "1.x";
    EXPECT_NE(error_of(s).find("unsupported version"), std::string::npos);
    s.oci_version = "10.0.0";
    EXPECT_NE(error_of(s).find("unsupported version"), std::string::npos);
    for (const char* ok : {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.3.0"}) {
        s.oci_version = ok;
        EXPECT_EQ(error_of(s), "no error") << ok;
    }
}

TEST(Validate, Root) {
    oci::Spec s = base();
    s.root.reset();
    EXPECT_EQ(error_of(s), "config.json: root: missing (a bundle needs a root filesystem)");
    s = base();
    s.root->path = "";
    EXPECT_EQ(error_of(s), "config.json: root.path: must not be empty");
}

TEST(Validate, Process) {
    oci::Spec s = base();
    s.process->args.clear();
    EXPECT_EQ(error_of(s), "config.json: process.args: must not be empty");
    s = base();
    s.process->cwd = "tmp";
    EXPECT_EQ(error_of(s), "config.json: process.cwd: must be an absolute path, got \"tmp\"");
    s = base();
    s.process->capabilities->bounding.push_back("CAP_FOO");
    EXPECT_EQ(error_of(s), "config.json: process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"");
    s = base();
    s.process->capabilities->ambient = {"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", "cap_kill"};
    EXPECT_EQ(error_of(s), "config.json: process.capabilities.ambient[3]: unknown capability \"cap_kill\"");
    s = base();
    s.process->rlimits.push_back({"RLIMIT_CORE", 1, 1});
    s.process->rlimits.push_back({"RLIMIT_FOO", 1, 1});
    EXPECT_EQ(error_of(s), "config.json: process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"");
    s = base();
    s.process->rlimits.push_back({"RLIMIT_NOFILE", 1, 1});
    EXPECT_EQ(error_of(s), "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
    s = base();
    s.process->rlimits[0].soft = 2048;
    EXPECT_EQ(error_of(s), "config.json: process.rlimits[0]: soft limit 2048 exceeds hard limit 1024");
    s = base();
    s.process->oom_score_adj = 1001;
    EXPECT_EQ(error_of(s), "config.json: process.oomScoreAdj: must be -1000..1000");
    s = base();
    s.process->env.push_back("=x");
    EXPECT_EQ(error_of(s), "config.json: process.env[2]: invalid environment entry \"=x\" (expected KEY=value)");
    s = base();
    s.process->io_priority = oci::IOPriority{"IOPRIO_CLASS_XX", 0};
    EXPECT_EQ(error_of(s), "config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_XX\"");
    s = base();
    s.process->scheduler = oci::Scheduler{};
    s.process->scheduler->policy = "SCHED_FAST";
    EXPECT_EQ(error_of(s), "config.json: process.scheduler.policy: unknown policy \"SCHED_FAST\"");
}

TEST(Validate, ProcessAlone) {
    oci::Process p = *base().process;
    EXPECT_NO_THROW(oci::validate_process(p, "process.json", ""));
    p.cwd = "";
    try {
        oci::validate_process(p, "process.json", "");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "process.json: cwd: must not be empty");
    }
}

TEST(Validate, Namespaces) {
    oci::Spec s = base();
    s.linux->namespaces.push_back({"foo", ""});
    EXPECT_EQ(error_of(s), "config.json: linux.namespaces[6].type: unknown namespace type \"foo\"");
    s = base();
    s.linux->namespaces.push_back({"pid", ""});
    EXPECT_EQ(error_of(s), "config.json: linux.namespaces[6].type: duplicate namespace \"pid\"");
    s = base();
    s.linux->namespaces[1].path = "proc/1/ns/net";
    EXPECT_EQ(error_of(s),
              "config.json: linux.namespaces[1].path: must be an absolute path, got \"proc/1/ns/net\"");
    s = base();
    s.linux->namespaces.push_back({"user", ""});
    EXPECT_EQ(error_of(s), "config.json: linux.uidMappings: required when a new user namespace is created");
    s.linux->uid_mappings = {{0, 1000, 1}};
    EXPECT_EQ(error_of(s), "config.json: linux.gidMappings: required when a new user namespace is created");
    s.linux->gid_mappings = {{0, 1000, 0}};
    EXPECT_EQ(error_of(s), "config.json: linux.gidMappings[0].size: must be greater than zero");
    s.linux->gid_mappings = {{0, 4294967295u, 2}};
    EXPECT_EQ(error_of(s), "config.json: linux.gidMappings[0]: range exceeds 32-bit ids");
    s.linux->gid_mappings = {{0, 1000, 1}};
    EXPECT_EQ(error_of(s), "no error");
    s.linux->namespaces.back().path = "/proc/1/ns/user";
    EXPECT_NE(error_of(s).find("config.json: linux.uidMappings: only allowed when a new user namespace"),
              std::string::npos);
    s = base();
    s.linux->uid_mappings = {{0, 1000, 1}};
    EXPECT_NE(error_of(s).find("no user namespace"), std::string::npos);
}

TEST(Validate, TimeOffsets) {
    oci::Spec s = base();
    s.linux->time_offsets["monotonic"] = {5, 0};
    EXPECT_EQ(error_of(s), "config.json: linux.timeOffsets: only allowed when a new time namespace is created");
    s.linux->namespaces.push_back({"time", ""});
    EXPECT_EQ(error_of(s), "no error");
    s.linux->time_offsets["realtime"] = {5, 0};
    EXPECT_NE(error_of(s).find("linux.timeOffsets.realtime: unknown clock"), std::string::npos);
    s.linux->time_offsets.erase("realtime");
    s.linux->time_offsets["boottime"] = {0, 1000000000u};
    EXPECT_EQ(error_of(s), "config.json: linux.timeOffsets.boottime.nanosecs: must be below 1000000000");
}

TEST(Validate, HostnameNeedsUts) {
    oci::Spec s = base();
    std::erase_if(s.linux->namespaces, [](const oci::Namespace& n) { return n.type == "uts"; });
    EXPECT_EQ(error_of(s), "config.json: hostname: setting it requires a uts namespace in linux.namespaces");
    s.hostname.clear();
    EXPECT_EQ(error_of(s), "no error");
    s.domainname = "example.org";
    EXPECT_NE(error_of(s).find("config.json: domainname:"), std::string::npos);
}

TEST(Validate, MountsAndHooks) {
    oci::Spec s = base();
    s.mounts.push_back({"relative/dir", "tmpfs", "tmpfs", {}, {}, {}});
    EXPECT_EQ(error_of(s), "no error");  // runc accepts it (relative to /)
    s.mounts.push_back({"", "tmpfs", "tmpfs", {}, {}, {}});
    EXPECT_EQ(error_of(s), "config.json: mounts[8].destination: must not be empty");
    s = base();
    s.mounts.push_back({"/data", "bind", "/srv", {"rbind", "idmap"}, {}, {}});
    EXPECT_EQ(error_of(s), "config.json: mounts[7].options[1]: idmapped mounts (idmap) are not supported by rampart");
    s = base();
    s.mounts.push_back({"/data", "bind", "/srv", {"rbind"}, {{0, 1000, 1}}, {}});
    EXPECT_NE(error_of(s).find("config.json: mounts[7]: idmapped mounts"), std::string::npos);
    s = base();
    s.hooks = oci::Hooks{};
    s.hooks->poststart.push_back({"/bin/true", {}, {}, std::nullopt});
    s.hooks->create_runtime.push_back({"hook", {}, {}, std::nullopt});
    EXPECT_EQ(error_of(s), "config.json: hooks.createRuntime[0].path: must be an absolute path, got \"hook\"");
    s.hooks->create_runtime[0].path = "/hook";
    s.hooks->create_runtime[0].timeout = 0;
    EXPECT_EQ(error_of(s), "config.json: hooks.createRuntime[0].timeout: must be greater than zero, got 0");
}

TEST(Validate, Seccomp) {
    const std::string head = R"({"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"seccomp":)";
    auto err = [&](const std::string& seccomp) { return error_of_json(head + seccomp + "}}"); };
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],
        "flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW",
        "args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]})"),
              "no error");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_MAYBE"})"),
              "config.json: linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\"");
    EXPECT_EQ(err(R"({})"), "config.json: linux.seccomp.defaultAction: must not be empty");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_VAX"]})"),
              "config.json: linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_VAX\"");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_X"]})"),
              "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_X\"");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_XX"}]}]})"),
              "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\"");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"op":"SCMP_CMP_EQ"}]}]})"),
              "config.json: linux.seccomp.syscalls[0].args[0].index: must be 0..5, got 6");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]})"),
              "config.json: linux.seccomp.syscalls[0].names: must not be empty");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":1})"),
              "config.json: linux.seccomp.defaultErrnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_KILL","errnoRet":1}]})"),
              "config.json: linux.seccomp.syscalls[0].errnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    EXPECT_EQ(err(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]})"),
              "config.json: linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
    EXPECT_NE(err(R"({"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/x.sock"})").find("cannot be the default"),
              std::string::npos);
    EXPECT_NE(err(R"({"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/x","syscalls":[{"names":["write"],"action":"SCMP_ACT_NOTIFY"}]})")
                  .find("cannot be used for write"),
              std::string::npos);
}

TEST(Validate, Devices) {
    oci::Spec s = base();
    s.linux->devices.push_back({"x", "/dev/foo", 1, 3, std::nullopt, std::nullopt, std::nullopt});
    EXPECT_EQ(error_of(s), "config.json: linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)");
    s.linux->devices[0].type = "c";
    s.linux->devices[0].path = "dev/foo";
    EXPECT_NE(error_of(s).find("linux.devices[0].path: must be an absolute path"), std::string::npos);
    s.linux->devices[0].path = "/dev/../etc/foo";
    EXPECT_EQ(error_of(s), "config.json: linux.devices[0].path: must not contain \"..\"");
    s.linux->devices[0].path = "/dev/foo";
    s.linux->devices[0].major = -1;
    EXPECT_EQ(error_of(s), "config.json: linux.devices[0]: major and minor must not be negative");
    s.linux->devices[0].major = 1;
    EXPECT_EQ(error_of(s), "no error");
}

TEST(Validate, Sysctl) {
    oci::Spec s = base();
    s.linux->sysctl = {{"net.ipv4.ip_forward", "1"}, {"kernel.shmmax", "1"}, {"fs/mqueue/msg_max", "5"}};
    EXPECT_EQ(error_of(s), "no error");
    s.linux->sysctl = {{"vm.swappiness", "1"}};
    EXPECT_EQ(error_of(s),
              "config.json: linux.sysctl[\"vm.swappiness\"]: not namespaced: setting it would change the host; refused");
    s.linux->sysctl = {{"net/../../kernel", "1"}};
    EXPECT_NE(error_of(s).find("invalid sysctl name"), std::string::npos);
    s.linux->sysctl = {{"net.ipv4.ip forward", "1"}};
    EXPECT_NE(error_of(s).find("invalid character"), std::string::npos);
    s = base();
    std::erase_if(s.linux->namespaces, [](const oci::Namespace& n) { return n.type == "network"; });
    s.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    EXPECT_EQ(error_of(s),
              "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace in linux.namespaces");
}

TEST(Validate, LinuxMisc) {
    oci::Spec s = base();
    s.linux->cgroups_path = "/rampart/../../escape";
    EXPECT_EQ(error_of(s), "config.json: linux.cgroupsPath: must not contain \"..\" components");
    s.linux->cgroups_path = "rampart/ctr";
    EXPECT_EQ(error_of(s), "no error");
    s.linux->cgroups_path = "system.slice:docker:abc";
    EXPECT_EQ(error_of(s), "no error");
    s.linux->rootfs_propagation = "sideways";
    EXPECT_EQ(error_of(s), "config.json: linux.rootfsPropagation: unknown propagation \"sideways\"");
    s.linux->rootfs_propagation = "rslave";
    EXPECT_EQ(error_of(s), "no error");
    s.linux->masked_paths->push_back("proc/kcore");
    EXPECT_NE(error_of(s).find("linux.maskedPaths[10]: must be an absolute path"), std::string::npos);
    s = base();
    s.linux->readonly_paths->push_back("");
    EXPECT_EQ(error_of(s), "config.json: linux.readonlyPaths[5]: must not be empty");
    s = base();
    s.linux->personality = oci::PersonalityDomain{"LINUX64", {}};
    EXPECT_NE(error_of(s).find("linux.personality.domain: unknown domain \"LINUX64\""), std::string::npos);
    s.linux->personality = oci::PersonalityDomain{"LINUX32", {"X"}};
    EXPECT_NE(error_of(s).find("linux.personality.flags[0]"), std::string::npos);
    s = base();
    s.linux->intel_rdt = oci::IntelRdt{"clos1", "", ""};
    EXPECT_EQ(error_of(s), "config.json: linux.intelRdt: Intel RDT is not supported by rampart");
    s = base();
    s.linux->net_devices["eth1"] = oci::NetDevice{"net0"};
    EXPECT_EQ(error_of(s), "config.json: linux.netDevices.eth1: moving network devices into the container is not supported by rampart");
    s = base();
    s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", "0", {}};
    EXPECT_EQ(error_of(s), "config.json: linux.memoryPolicy: NUMA memory policy is not supported by rampart");
    s = base();
    s.process->exec_cpu_affinity = oci::ExecCPUAffinity{"0-1", ""};
    EXPECT_EQ(error_of(s), "config.json: process.execCPUAffinity: not supported by rampart");
}

TEST(Validate, Resources) {
    oci::Spec s = base();
    s.linux->resources->devices.push_back({true, "x", 1, 3, "rwm"});
    EXPECT_NE(error_of(s).find("linux.resources.devices[1].type: unknown device type \"x\""), std::string::npos);
    s.linux->resources->devices[1] = {true, "c", 1, 3, "rwx"};
    EXPECT_NE(error_of(s).find("linux.resources.devices[1].access: invalid access \"rwx\""), std::string::npos);
    s.linux->resources->devices[1] = {true, "c", 1, 3, "rw"};
    EXPECT_EQ(error_of(s), "no error");
    s.linux->resources->memory = oci::MemoryResources{};
    s.linux->resources->memory->swappiness = 101;
    EXPECT_EQ(error_of(s), "config.json: linux.resources.memory.swappiness: must be 0..100");
    s.linux->resources->memory->swappiness = 10;
    s.linux->resources->unified["../memory.max"] = "1";
    EXPECT_NE(error_of(s).find("invalid cgroup file name"), std::string::npos);
}

TEST(ContainerId, Valid) {
    for (const char* id : {"a", "abc-DEF_1.2+3", "0123456789abcdef0123456789abcdef", "..a", "a.."})
        EXPECT_NO_THROW(oci::validate_container_id(id)) << id;
    EXPECT_NO_THROW(oci::validate_container_id(std::string(1024, 'x')));
}

TEST(ContainerId, Invalid) {
    auto err = [](const std::string& id) {
        try {
            oci::validate_container_id(id);
        } catch (const oci::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(err("a/b"), "invalid container id \"a/b\": must not contain '/'");
    EXPECT_EQ(err(""), "invalid container id \"\": must not be empty");
    EXPECT_EQ(err("."), "invalid container id \".\": must not be \".\" or \"..\"");
    EXPECT_EQ(err(".."), "invalid container id \"..\": must not be \".\" or \"..\"");
    EXPECT_EQ(err(std::string("a\0b", 3)), "invalid container id \"a\\x00b\": must not contain control characters");
    EXPECT_EQ(err("a\nb"), "invalid container id \"a\\x0ab\": must not contain control characters");
    EXPECT_EQ(err("a b"), "invalid container id \"a b\": only letters, digits and _ . + - are allowed");
    EXPECT_NE(err(std::string(1025, 'x')).find("longer than 1024 characters"), std::string::npos);
    EXPECT_NE(err("\xc3\xa9").find("only letters"), std::string::npos);
}
