// oci/spec_json + resources_json: config.json <-> Spec, paths in errors, round trips.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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
