// oci/spec_json + resources_json: config.json <-> Spec, paths in errors, round trips.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <unistd.h>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"

namespace fs = std::filesystem;
using oci::json::parse;
using oci::json::serialize;

namespace {

oci::Spec spec_of(const std::string& text) {
    return oci::spec_from_json(parse(text, "config.json"), "config.json");
}

std::string spec_error(const std::string& text) {
    try {
        spec_of(text);
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "no error";
}

// A `runc spec` (runc 1.1) config, embedded so the test runs without runc.
const char* kRuncSpec = R"({
	"ociVersion": "1.0.2-dev",
	"process": {
		"terminal": true,
		"user": {"uid": 0, "gid": 0},
		"args": ["sh"],
		"env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
		"cwd": "/",
		"capabilities": {
			"bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
		},
		"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
		"noNewPrivileges": true
	},
	"root": {"path": "rootfs", "readonly": true},
	"hostname": "runc",
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
	],
	"linux": {
		"resources": {"devices": [{"allow": false, "access": "rwm"}]},
		"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
		"maskedPaths": ["/proc/acpi", "/proc/kcore"],
		"readonlyPaths": ["/proc/bus", "/proc/sys"]
	}
})";

void expect_round_trip(const oci::Spec& s) {
    oci::json::Value j = oci::spec_to_json(s);
    oci::Spec back = oci::spec_from_json(parse(serialize(j, true), "t"), "t");
    EXPECT_TRUE(back == s) << serialize(j, true) << "\n--- became ---\n"
                           << serialize(oci::spec_to_json(back), true);
    EXPECT_EQ(serialize(oci::spec_to_json(back)), serialize(j));
}

}  // namespace

TEST(SpecJson, ParsesRuncSpec) {
    oci::Spec s = spec_of(kRuncSpec);
    EXPECT_EQ(s.oci_version, "1.0.2-dev");
    ASSERT_TRUE(s.process);
    EXPECT_TRUE(s.process->terminal);
    EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
    ASSERT_TRUE(s.process->capabilities);
    EXPECT_EQ(s.process->capabilities->bounding.size(), 3u);
    EXPECT_TRUE(s.process->capabilities->inheritable.empty());
    EXPECT_TRUE(s.process->rlimits_set);
    ASSERT_EQ(s.process->rlimits.size(), 1u);
    EXPECT_EQ(s.process->rlimits[0].hard, 1024u);
    EXPECT_EQ(s.process->no_new_privileges, true);
    EXPECT_FALSE(s.process->apparmor_profile);
    ASSERT_TRUE(s.root);
    EXPECT_EQ(s.root->path, "rootfs");
    EXPECT_TRUE(s.root->readonly);
    EXPECT_EQ(s.hostname, "runc");
    ASSERT_EQ(s.mounts.size(), 3u);
    EXPECT_EQ(s.mounts[1].options[2], "mode=755");
    ASSERT_TRUE(s.linux);
    EXPECT_EQ(s.linux->namespaces.size(), 5u);
    ASSERT_NE(s.linux->find_namespace("network"), nullptr);
    EXPECT_EQ(s.linux->find_namespace("user"), nullptr);
    ASSERT_TRUE(s.linux->resources);
    ASSERT_EQ(s.linux->resources->devices.size(), 1u);
    EXPECT_FALSE(s.linux->resources->devices[0].allow);
    EXPECT_FALSE(s.linux->resources->devices[0].major);
    EXPECT_EQ(s.linux->resources->devices[0].access, "rwm");
    ASSERT_TRUE(s.linux->masked_paths);
    EXPECT_EQ(s.linux->masked_paths->size(), 2u);
    EXPECT_FALSE(s.linux->seccomp);
    EXPECT_FALSE(s.hooks);
    expect_round_trip(s);
}

TEST(SpecJson, ParsesLiveRuncSpec) {
    if (std::system("command -v runc >/dev/null 2>&1") != 0) GTEST_SKIP() << "runc not installed";
    fs::path dir = fs::temp_directory_path() / ("rampart_runc_spec_" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::string cmd = "cd '" + dir.string() + "' && runc spec >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    oci::json::Value doc = oci::json::parse_file(dir / "config.json");
    oci::Spec s = oci::spec_from_json(doc, "config.json");
    EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
    EXPECT_FALSE(s.mounts.empty());
    expect_round_trip(s);
    fs::remove_all(dir);
}

TEST(SpecJson, DefaultSpecRoundTrips) {
    expect_round_trip(oci::default_spec(false));
    expect_round_trip(oci::default_spec(true));
}

TEST(SpecJson, WrongTypesNamePath) {
    EXPECT_EQ(spec_error(R"({"process":{"user":{"uid":"0"}}})"),
              "config.json: process.user.uid: string where integer expected");
    EXPECT_EQ(spec_error(R"({"process":{"user":{"uid":-1}}})"),
              "config.json: process.user.uid: negative integer where unsigned integer expected");
    EXPECT_EQ(spec_error(R"({"process":{"user":{"uid":4294967296}}})"),
              "config.json: process.user.uid: 4294967296 out of range (0 - 4294967295)");
    EXPECT_EQ(spec_error(R"({"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551616}]}})"),
              "config.json: process.rlimits[0].hard: integer out of range");
    EXPECT_EQ(spec_error(R"({"process":{"args":["a",1]}})"),
              "config.json: process.args[1]: integer where string expected");
    EXPECT_EQ(spec_error(R"([])"), "config.json: array where object expected");
    EXPECT_EQ(spec_error(R"({"mounts":{}})"), "config.json: mounts: object where array expected");
    EXPECT_EQ(spec_error(R"({"linux":{"resources":{"memory":{"limit":1.5}}}})"),
              "config.json: linux.resources.memory.limit: number where integer expected");
    EXPECT_EQ(spec_error(R"({"linux":{"seccomp":{"syscalls":[{"names":["read"],"args":[{"index":"x"}]}]}}})"),
              "config.json: linux.seccomp.syscalls[0].args[0].index: string where integer expected");
    EXPECT_EQ(spec_error(R"({"annotations":{"a":1}})"),
              "config.json: annotations.a: integer where string expected");
    EXPECT_EQ(spec_error(R"({"root":{"readonly":"yes"}})"),
              "config.json: root.readonly: string where boolean expected");
    EXPECT_EQ(spec_error(R"({"hooks":{"prestart":[{"path":"/x","timeout":true}]}})"),
              "config.json: hooks.prestart[0].timeout: boolean where integer expected");
}

TEST(SpecJson, UnknownFieldsIgnoredNullIsAbsent) {
    oci::Spec s = spec_of(R"({"ociVersion":"1.0.0","future":{"x":[1]},"process":{"args":["a"],
        "capabilities":null,"rlimits":null,"whatever":1},"linux":{"maskedPaths":null}})");
    ASSERT_TRUE(s.process);
    EXPECT_FALSE(s.process->capabilities);
    EXPECT_FALSE(s.process->rlimits_set);
    EXPECT_FALSE(s.linux->masked_paths);
}

TEST(SpecJson, UnsetVersusEmpty) {
    oci::Spec s = spec_of(R"({"process":{"args":["a"],"capabilities":{},"rlimits":[]},
        "linux":{"maskedPaths":[],"readonlyPaths":[]}})");
    ASSERT_TRUE(s.process->capabilities);
    EXPECT_TRUE(s.process->capabilities->bounding.empty());
    EXPECT_TRUE(s.process->rlimits_set);
    ASSERT_TRUE(s.linux->masked_paths);
    EXPECT_TRUE(s.linux->masked_paths->empty());
    ASSERT_TRUE(s.linux->readonly_paths);
    expect_round_trip(s);
    oci::Spec t = spec_of(R"({"process":{"args":["a"]}})");
    EXPECT_FALSE(t.process->capabilities);
    EXPECT_FALSE(t.process->no_new_privileges);
    EXPECT_FALSE(t.linux);
    expect_round_trip(t);
}

namespace {

// Every field of oci/spec.hpp, with non-default values.
const char* kFull = R"({
  "ociVersion": "1.2.0",
  "process": {
    "terminal": true,
    "consoleSize": {"height": 24, "width": 80},
    "user": {"uid": 1000, "gid": 1001, "umask": 18, "additionalGids": [5, 4294967295], "username": "u"},
    "args": ["/bin/sh", "-c", "echo \"hi\"\n"],
    "commandLine": "sh -c x",
    "env": ["PATH=/bin", "A=b=c"],
    "cwd": "/work",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_CHECKPOINT_RESTORE"],
      "effective": ["CAP_KILL"],
      "inheritable": ["CAP_BPF"],
      "permitted": ["CAP_PERFMON"],
      "ambient": ["CAP_NET_RAW"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024},
                {"type": "RLIMIT_CORE", "hard": 0, "soft": 0}],
    "noNewPrivileges": false,
    "apparmorProfile": "docker-default",
    "oomScoreAdj": -999,
    "selinuxLabel": "system_u:system_r:container_t:s0",
    "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
    "scheduler": {"policy": "SCHED_DEADLINE", "nice": -5, "priority": 3, "flags": ["SCHED_FLAG_RECLAIM"],
                  "runtime": 100, "deadline": 200, "period": 300},
    "execCPUAffinity": {"initial": "0-3", "final": "1"}
  },
  "root": {"path": "/abs/rootfs", "readonly": true},
  "hostname": "h",
  "domainname": "d.example",
  "mounts": [
    {"destination": "/data", "type": "bind", "source": "/srv", "options": ["rbind", "ro"],
     "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
     "gidMappings": [{"containerID": 1, "hostID": 2, "size": 3}]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}
  ],
  "hooks": {
    "prestart": [{"path": "/p", "args": ["p", "1"], "env": ["X=1"], "timeout": 5}],
    "createRuntime": [{"path": "/cr"}],
    "createContainer": [{"path": "/cc"}],
    "startContainer": [{"path": "/sc"}],
    "poststart": [{"path": "/ps"}],
    "poststop": [{"path": "/pst", "timeout": 1}]
  },
  "annotations": {"org.example.key": "value", "empty": ""},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/x"}, {"type": "user"},
                   {"type": "time"}, {"type": "uts"}, {"type": "ipc"}, {"type": "mount"}, {"type": "cgroup"}],
    "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
    "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
    "timeOffsets": {"monotonic": {"secs": -10, "nanosecs": 5}, "boottime": {"secs": 99, "nanosecs": 0}},
    "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
                {"type": "p", "path": "/dev/fifo", "major": 0, "minor": 0}],
    "cgroupsPath": "/rampart/x",
    "resources": {
      "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rw"}],
      "memory": {"limit": 1073741824, "reservation": 1, "swap": -1, "kernel": 2, "kernelTCP": 3, "swappiness": 60,
                 "disableOOMKiller": true, "useHierarchy": false, "checkBeforeUpdate": true},
      "cpu": {"shares": 1024, "quota": -1, "burst": 5, "period": 100000, "realtimeRuntime": 950000,
              "realtimePeriod": 1000000, "cpus": "0-3", "mems": "0", "idle": 1},
      "pids": {"limit": 100},
      "blockIO": {"weight": 500, "leafWeight": 300,
                  "weightDevice": [{"major": 8, "minor": 0, "weight": 200, "leafWeight": 100}, {"major": 8, "minor": 16}],
                  "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
                  "throttleWriteBpsDevice": [{"major": 8, "minor": 1, "rate": 2}],
                  "throttleReadIOPSDevice": [{"major": 8, "minor": 2, "rate": 3}],
                  "throttleWriteIOPSDevice": [{"major": 8, "minor": 3, "rate": 4}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
      "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
      "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}},
      "unified": {"memory.high": "max", "io.weight": "100"}
    },
    "rootfsPropagation": "rslave",
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "listenerPath": "/run/seccomp.sock", "listenerMetadata": "meta",
      "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                   {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                    "args": [{"index": 0, "value": 18446744073709551615, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]},
                   {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]
    },
    "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "100"},
    "maskedPaths": ["/proc/kcore"],
    "readonlyPaths": ["/proc/sys"],
    "mountLabel": "system_u:object_r:container_file_t:s0",
    "intelRdt": {"closID": "c", "l3CacheSchema": "L3:0=ff", "memBwSchema": "MB:0=50",
                 "schemata": ["L2:0=f"], "enableMonitoring": true},
    "personality": {"domain": "LINUX32", "flags": ["f"]},
    "netDevices": {"eth1": {"name": "net0"}, "eth2": {}},
    "memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"]}
  }
})";

// Walks every value of `v`, calling f(path, value, replace) with the path format the
// readers use (a.b[2].c).
void mutate_each(const oci::json::Value& doc, const std::string& path,
                 const std::function<void(const std::string&, const oci::json::Value&)>& f) {
    f(path, doc);
    if (doc.is_object())
        for (const auto& [k, v] : doc.as_object())
            mutate_each(v, path.empty() ? k : path + "." + k, f);
    if (doc.is_array())
        for (size_t i = 0; i < doc.as_array().size(); ++i)
            mutate_each(doc.as_array()[i], path + "[" + std::to_string(i) + "]", f);
}

// Replaces the value at `path` in a copy of `doc` (deep copy through serialize/parse).
oci::json::Value replaced(const oci::json::Value& doc, const std::string& target,
                          const oci::json::Value& with) {
    oci::json::Value copy = parse(serialize(doc), "t");
    std::function<void(oci::json::Value&, const std::string&)> walk = [&](oci::json::Value& v,
                                                                           const std::string& path) {
        if (v.is_object())
            for (auto& [k, child] : v.as_object()) {
                std::string p = path.empty() ? k : path + "." + k;
                if (p == target) child = with;
                else walk(child, p);
            }
        if (v.is_array())
            for (size_t i = 0; i < v.as_array().size(); ++i) {
                std::string p = path + "[" + std::to_string(i) + "]";
                if (p == target) v.as_array()[i] = with;
                else walk(v.as_array()[i], p);
            }
    };
    walk(copy, "");
    return copy;
}

}  // namespace

TEST(SpecJson, FullDocumentKeepsEveryField) {
    oci::json::Value doc = parse(kFull, "config.json");
    oci::Spec s = oci::spec_from_json(doc, "config.json");
    // spot checks of names that are easy to get wrong
    EXPECT_EQ(s.process->user.additional_gids[1], 4294967295u);
    EXPECT_EQ(s.process->rlimits[0].hard, 18446744073709551615ull);
    EXPECT_EQ(s.process->no_new_privileges, false);
    EXPECT_EQ(s.process->oom_score_adj, -999);
    EXPECT_EQ(s.process->io_priority->klass, "IOPRIO_CLASS_BE");
    EXPECT_EQ(s.process->scheduler->period, 300u);
    EXPECT_EQ(s.process->console_size->width, 80u);
    EXPECT_EQ(s.mounts[0].uid_mappings[0].host_id, 100000u);
    EXPECT_EQ(s.hooks->poststop[0].timeout, 1);
    EXPECT_EQ(s.hooks->start_container[0].path, "/sc");
    EXPECT_EQ(s.linux->time_offsets.at("monotonic").secs, -10);
    EXPECT_EQ(s.linux->devices[0].file_mode, 438u);
    EXPECT_EQ(s.linux->resources->memory->swap, -1);
    EXPECT_EQ(s.linux->resources->memory->disable_oom_killer, true);
    EXPECT_EQ(s.linux->resources->cpu->realtime_runtime, 950000);
    EXPECT_EQ(s.linux->resources->block_io->throttle_write_iops_device[0].rate, 4u);
    EXPECT_FALSE(s.linux->resources->block_io->weight_device[1].weight);
    EXPECT_EQ(s.linux->resources->network->class_id, 1048577u);
    EXPECT_EQ(s.linux->resources->rdma.at("mlx5_1").hca_objects, 10000u);
    EXPECT_EQ(s.linux->seccomp->syscalls[1].args[0].value, 18446744073709551615ull);
    EXPECT_EQ(s.linux->seccomp->syscalls[1].args[0].value_two, 7u);
    EXPECT_EQ(s.linux->seccomp->listener_metadata, "meta");
    EXPECT_EQ(s.linux->intel_rdt->mem_bw_schema, "MB:0=50");
    EXPECT_EQ(s.linux->personality->flags.size(), 1u);
    EXPECT_EQ(s.linux->net_devices.at("eth1").name, "net0");
    EXPECT_EQ(s.linux->memory_policy->nodes, "0-1");
    EXPECT_TRUE(s.linux->intel_rdt->enable_monitoring);
    EXPECT_EQ(s.process->exec_cpu_affinity->final, "1");
    EXPECT_EQ(s.linux->mount_label, "system_u:object_r:container_file_t:s0");
    expect_round_trip(s);
    // The written document carries every input member (compare the sets of leaf paths).
    std::set<std::string> in, out;
    mutate_each(doc, "", [&](const std::string& p, const oci::json::Value&) { in.insert(p); });
    mutate_each(oci::spec_to_json(s), "", [&](const std::string& p, const oci::json::Value&) { out.insert(p); });
    for (const auto& p : in) EXPECT_TRUE(out.count(p)) << "lost on output: " << p;
}

TEST(SpecJson, WrongTypeAnywhereNamesThePath) {
    oci::json::Value doc = parse(kFull, "config.json");
    int checked = 0;
    mutate_each(doc, "", [&](const std::string& path, const oci::json::Value& v) {
        if (path.empty()) return;
        // Put a value of the wrong kind in: an object where a scalar or array is, a string
        // where an object/array is, an array where a string is.
        oci::json::Value bad = v.is_object() || v.is_array()
                                   ? oci::json::Value("x")
                                   : oci::json::Value(oci::json::Object{{"k", oci::json::Value(1)}});
        oci::json::Value mutated = replaced(doc, path, bad);
        try {
            oci::spec_from_json(mutated, "config.json");
            ADD_FAILURE() << "accepted a wrong type at " << path;
        } catch (const oci::Error& e) {
            EXPECT_EQ(std::string(e.what()).rfind("config.json: " + path + ": ", 0), 0u)
                << path << " -> " << e.what();
        }
        ++checked;
    });
    EXPECT_GT(checked, 200);
}

TEST(SpecJson, ProcessResourcesSeccompAlone) {
    oci::json::Value doc = parse(kFull, "config.json");
    const oci::json::Value& pj = *doc.find("process");
    oci::Process p = oci::process_from_json(pj, "process.json");
    EXPECT_EQ(p.cwd, "/work");
    EXPECT_TRUE(oci::process_from_json(oci::process_to_json(p), "x") == p);
    try {
        oci::process_from_json(parse(R"({"user":{"gid":"x"}})", "process.json"), "process.json");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "process.json: user.gid: string where integer expected");
    }
    const oci::json::Value& lj = *doc.find("linux");
    oci::Resources r = oci::resources_from_json(*lj.find("resources"), "resources.json");
    EXPECT_TRUE(oci::resources_from_json(oci::resources_to_json(r), "x") == r);
    EXPECT_EQ(r.pids->limit, 100);
    oci::Seccomp sc = oci::seccomp_from_json(*lj.find("seccomp"), "seccomp.json");
    EXPECT_TRUE(oci::seccomp_from_json(oci::seccomp_to_json(sc), "x") == sc);
    EXPECT_EQ(sc.default_errno_ret, 1u);
    EXPECT_THROW(oci::resources_from_json(parse(R"({"pids":{"limit":"many"}})", "r"), "r"), oci::Error);
}

TEST(SpecJson, DockerSeccompProfileFieldsParse) {
    std::string path = std::string(RAMPART_REFERENCE_DIR) + "/docker-default-seccomp.json";
    if (const char* env = std::getenv("RAMPART_REFERENCE_DIR"))
        path = std::string(env) + "/docker-default-seccomp.json";
    if (!fs::exists(path)) GTEST_SKIP() << "no " << path;
    // Docker's format has extra members (archMap, includes, excludes) that the OCI reader
    // ignores; syscalls/names/action/args are the same.
    oci::Seccomp s = oci::seccomp_from_json(oci::json::parse_file(path), "seccomp.json");
    EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
    EXPECT_GT(s.syscalls.size(), 10u);
}

TEST(SpecJson, RandomMutationsNeverCrash) {
    // Byte-level mutations of a real config: each must parse+validate or fail with an
    // oci::Error (never another exception, a crash or a hang).
    std::string base = serialize(parse(kFull, "t"), true);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    auto next = [&] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    const char junk[] = "{}[]\":,0-9e.\\ntfu\x00\xff\xc3";
    int errors = 0, accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string doc = base;
        int edits = 1 + static_cast<int>(next() % 4);
        for (int e = 0; e < edits; ++e) {
            size_t pos = next() % doc.size();
            switch (next() % 3) {
                case 0: doc[pos] = junk[next() % (sizeof junk - 1)]; break;
                case 1: doc.erase(pos, 1 + next() % 8); break;
                default: doc.insert(pos, 1, junk[next() % (sizeof junk - 1)]); break;
            }
            if (doc.empty()) doc.assign(1, '{');
        }
        try {
            oci::Spec s = oci::spec_from_json(parse(doc, "config.json"), "config.json");
            oci::validate(s, "config.json");
            ++accepted;
        } catch (const oci::Error& err) {
            EXPECT_EQ(std::string(err.what()).rfind("config.json", 0), 0u) << err.what();
            ++errors;
        }
    }
    EXPECT_GT(errors, 1000);
    (void)accepted;
}
