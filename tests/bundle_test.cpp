// oci/bundle: load_bundle, default_spec, state.json, features.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sched.h>
#include <sys/resource.h>
#include <algorithm>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "oci/linux_names.hpp"

namespace fs = std::filesystem;

namespace {

class TempBundle {
public:
    TempBundle() {
        char tmpl[] = "/tmp/rampart_bundle_XXXXXX";
        dir_ = ::mkdtemp(tmpl);
    }
    ~TempBundle() { fs::remove_all(dir_); }
    const std::string& dir() const { return dir_; }
    void write_config(const std::string& text) const { std::ofstream(dir_ + "/config.json") << text; }
    void make_rootfs(const std::string& name = "rootfs") const { fs::create_directories(dir_ + "/" + name); }

private:
    std::string dir_;
};

std::string load_error(const std::string& dir) {
    try {
        oci::load_bundle(dir);
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(Bundle, LoadsDefaultSpecBundle) {
    TempBundle b;
    b.write_config(oci::json::serialize(oci::spec_to_json(oci::default_spec()), true));
    b.make_rootfs();
    oci::Spec s = oci::load_bundle(b.dir());
    EXPECT_TRUE(s == oci::default_spec());
}

TEST(Bundle, MissingRootfs) {
    TempBundle b;
    b.write_config(oci::json::serialize(oci::spec_to_json(oci::default_spec())));
    EXPECT_EQ(load_error(b.dir()), "config.json: root.path: " + b.dir() + "/rootfs: no such directory");
    std::ofstream(b.dir() + "/rootfs") << "file";
    EXPECT_EQ(load_error(b.dir()), "config.json: root.path: " + b.dir() + "/rootfs: not a directory");
}

TEST(Bundle, AbsoluteRootPath) {
    TempBundle b, other;
    other.make_rootfs("r");
    oci::Spec s = oci::default_spec();
    s.root->path = other.dir() + "/r";
    b.write_config(oci::json::serialize(oci::spec_to_json(s)));
    EXPECT_EQ(oci::load_bundle(b.dir()).root->path, other.dir() + "/r");
}

TEST(Bundle, MissingConfig) {
    TempBundle b;
    EXPECT_NE(load_error(b.dir()).find(b.dir() + "/config.json: no such file"), std::string::npos)
        << load_error(b.dir());
}

TEST(Bundle, MalformedConfigReportsLineAndColumn) {
    TempBundle b;
    b.make_rootfs();
    b.write_config("{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": rootfs}\n}\n");
    EXPECT_EQ(load_error(b.dir()).rfind("config.json:3:20: parse error:", 0), 0u) << load_error(b.dir());
    b.write_config("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}, \"root\": {}}");
    EXPECT_NE(load_error(b.dir()).find("duplicate key \"root\""), std::string::npos);
}

TEST(Bundle, InvalidConfigIsValidated) {
    TempBundle b;
    b.make_rootfs();
    b.write_config(R"({"ociVersion": "2.0.0", "root": {"path": "rootfs"}})");
    EXPECT_EQ(load_error(b.dir()),
              "config.json: ociVersion: unsupported version \"2.0.0\" (rampart supports 1.0.0 - 1.3.x)");
    b.write_config(R"({"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "process": {"user": {"uid": "0"}}})");
    EXPECT_EQ(load_error(b.dir()), "config.json: process.user.uid: string where integer expected");
}

TEST(DefaultSpec, LikeRuncSpec) {
    oci::Spec s = oci::default_spec();
    EXPECT_EQ(s.oci_version, "1.2.0");
    EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
    EXPECT_TRUE(s.process->terminal);
    EXPECT_EQ(s.process->env[1], "TERM=xterm");
    EXPECT_EQ(s.process->capabilities->bounding,
              (std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}));
    EXPECT_EQ(s.process->rlimits[0].type, "RLIMIT_NOFILE");
    EXPECT_EQ(s.process->no_new_privileges, true);
    EXPECT_EQ(s.root->path, "rootfs");
    EXPECT_TRUE(s.root->readonly);
    EXPECT_EQ(s.hostname, "rampart");
    ASSERT_EQ(s.mounts.size(), 7u);
    EXPECT_EQ(s.mounts[0].destination, "/proc");
    EXPECT_EQ(s.mounts[6].type, "cgroup");
    for (const char* ns : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
        EXPECT_NE(s.linux->find_namespace(ns), nullptr) << ns;
    EXPECT_EQ(s.linux->find_namespace("user"), nullptr);
    EXPECT_EQ(s.linux->masked_paths->size(), 10u);
    EXPECT_EQ(s.linux->readonly_paths->size(), 5u);
}

TEST(DefaultSpec, Rootless) {
    oci::Spec s = oci::default_spec(true);
    ASSERT_NE(s.linux->find_namespace("user"), nullptr);
    EXPECT_EQ(s.linux->find_namespace("network"), nullptr);
    ASSERT_EQ(s.linux->uid_mappings.size(), 1u);
    EXPECT_EQ(s.linux->uid_mappings[0].host_id, ::getuid());
    EXPECT_EQ(s.linux->gid_mappings[0].host_id, ::getgid());
    EXPECT_EQ(s.linux->uid_mappings[0].container_id, 0u);
    EXPECT_FALSE(s.linux->resources);
    for (const auto& m : s.mounts) {
        if (m.destination == "/sys") {
            EXPECT_EQ(m.type, "none");
        }
        for (const auto& o : m.options) EXPECT_NE(o, "gid=5");
    }
}

TEST(State, RoundTripAndPidOmitted) {
    oci::State st{"1.2.0", "ctr", "created", 1234, "/b", {{"a", "b"}}};
    oci::json::Value j = oci::state_to_json(st);
    EXPECT_EQ(oci::json::serialize(j),
              R"({"ociVersion":"1.2.0","id":"ctr","status":"created","pid":1234,"bundle":"/b","annotations":{"a":"b"}})");
    EXPECT_TRUE(oci::state_from_json(j, "state.json") == st);
    st.pid = 0;
    st.annotations.clear();
    st.status = "stopped";
    EXPECT_EQ(oci::json::serialize(oci::state_to_json(st)),
              R"({"ociVersion":"1.2.0","id":"ctr","status":"stopped","bundle":"/b"})");
    EXPECT_TRUE(oci::state_from_json(oci::state_to_json(st), "state.json") == st);
}

TEST(State, Errors) {
    auto err = [](const std::string& text) {
        try {
            oci::state_from_json(oci::json::parse(text, "state.json"), "state.json");
        } catch (const oci::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(err(R"({"ociVersion":"1.0.0","id":"x","status":"created"})"), "state.json: bundle: missing");
    EXPECT_EQ(err(R"({"ociVersion":"1.0.0","id":"x","status":"created","bundle":"/b","pid":-5})"),
              "state.json: pid: must not be negative");
    EXPECT_EQ(err(R"({"ociVersion":"1.0.0","id":7,"status":"created","bundle":"/b"})"),
              "state.json: id: integer where string expected");
}

TEST(Features, MatchesSchema) {
    oci::json::Value f = oci::features_json();
    EXPECT_EQ(f.find("ociVersionMin")->as_string(), "1.0.0");
    EXPECT_EQ(f.find("ociVersionMax")->as_string(), "1.3.0");
    EXPECT_EQ(f.find("hooks")->as_array().size(), 6u);
    EXPECT_GT(f.find("mountOptions")->as_array().size(), 20u);
    const oci::json::Value& l = *f.find("linux");
    EXPECT_EQ(l.find("namespaces")->as_array().size(), 8u);
    EXPECT_EQ(l.find("capabilities")->as_array().size(), 41u);
    EXPECT_EQ(l.find("cgroup")->find("systemd")->as_bool(), false);
    EXPECT_EQ(l.find("cgroup")->find("v2")->as_bool(), true);
    const oci::json::Value& sc = *l.find("seccomp");
    EXPECT_TRUE(sc.find("enabled")->as_bool());
    EXPECT_EQ(sc.find("actions")->as_array().size(), 9u);
    EXPECT_EQ(sc.find("operators")->as_array().size(), 7u);
    EXPECT_NE(sc.find("knownFlags"), nullptr);
    EXPECT_NE(sc.find("supportedFlags"), nullptr);
    EXPECT_TRUE(l.find("apparmor")->find("enabled")->is_bool());
    EXPECT_TRUE(l.find("selinux")->find("enabled")->is_bool());
    EXPECT_FALSE(l.find("intelRdt")->find("enabled")->as_bool());
    EXPECT_FALSE(l.find("mountExtensions")->find("idmap")->find("enabled")->as_bool());
    std::string ver = f.find("annotations")->find("io.github.seccomp.libseccomp.version")->as_string();
    EXPECT_EQ(std::count(ver.begin(), ver.end(), '.'), 2) << ver;
    // every top-level key is one the schema knows
    std::string dir = std::string(RAMPART_REFERENCE_DIR) + "/runtime-spec-schema";
    if (const char* env = std::getenv("RAMPART_REFERENCE_DIR")) dir = std::string(env) + "/runtime-spec-schema";
    if (!fs::exists(dir + "/features-schema.json")) GTEST_SKIP() << "no schema dir";
    oci::json::Value schema = oci::json::parse_file(dir + "/features-schema.json");
    for (const auto& [k, v] : f.as_object()) EXPECT_NE(schema.find("properties")->find(k), nullptr) << k;
    oci::json::Value linux_schema = oci::json::parse_file(dir + "/features-linux.json");
    for (const auto& [k, v] : l.as_object())
        EXPECT_NE(linux_schema.find("linux")->find("properties")->find(k), nullptr) << k;
}

TEST(LinuxNames, Tables) {
    EXPECT_EQ(oci::capability_number("CAP_CHOWN"), 0);
    EXPECT_EQ(oci::capability_number("CAP_SYS_ADMIN"), 21);
    EXPECT_EQ(oci::capability_number("CAP_PERFMON"), 38);
    EXPECT_EQ(oci::capability_number("CAP_BPF"), 39);
    EXPECT_EQ(oci::capability_number("CAP_CHECKPOINT_RESTORE"), 40);
    EXPECT_EQ(oci::capability_number("CAP_FOO"), -1);
    EXPECT_EQ(oci::capability_number("chown"), -1);
    EXPECT_EQ(oci::all_capability_names().size(), 41u);
    EXPECT_EQ(oci::rlimit_number("RLIMIT_NOFILE"), RLIMIT_NOFILE);
    EXPECT_EQ(oci::rlimit_number("RLIMIT_RTTIME"), RLIMIT_RTTIME);
    EXPECT_EQ(oci::rlimit_number("RLIMIT_AS"), RLIMIT_AS);
    EXPECT_EQ(oci::rlimit_number("RLIMIT_FOO"), -1);
    EXPECT_EQ(oci::all_rlimit_names().size(), 16u);
    EXPECT_EQ(oci::namespace_clone_flag("network"), CLONE_NEWNET);
    EXPECT_EQ(oci::namespace_clone_flag("mount"), CLONE_NEWNS);
    EXPECT_EQ(oci::namespace_clone_flag("time"), 0x80);
    EXPECT_EQ(oci::namespace_clone_flag("net"), 0);
    EXPECT_EQ(oci::namespace_proc_name("network"), "net");
    EXPECT_EQ(oci::namespace_proc_name("mount"), "mnt");
    EXPECT_EQ(oci::namespace_proc_name("pid"), "pid");
    EXPECT_EQ(oci::namespace_proc_name("bogus"), "");
    EXPECT_TRUE(oci::is_seccomp_action("SCMP_ACT_KILL_PROCESS"));
    EXPECT_FALSE(oci::is_seccomp_action("SCMP_ACT_FOO"));
    EXPECT_TRUE(oci::is_seccomp_operator("SCMP_CMP_MASKED_EQ"));
    EXPECT_TRUE(oci::is_seccomp_arch("SCMP_ARCH_RISCV64"));
    EXPECT_TRUE(oci::is_seccomp_flag("SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
}

TEST(Bundle, HostileConfigsFailCleanly) {
    TempBundle b;
    b.make_rootfs();
    b.write_config(std::string(100000, '['));
    EXPECT_EQ(load_error(b.dir()), "config.json:1:129: parse error: nesting deeper than 128 levels");
    b.write_config(std::string("{\"ociVersion\": \"1.0.0\0\"}", 24));
    EXPECT_EQ(load_error(b.dir()).rfind("config.json:1:", 0), 0u) << load_error(b.dir());
    b.write_config("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}, \"hostname\": \"" +
                   std::string(10 * 1024 * 1024, 'h') + "\"}");
    // parses; refused by validation (no uts namespace), not by a crash
    EXPECT_EQ(load_error(b.dir()), "config.json: hostname: setting it requires a uts namespace in linux.namespaces");
    b.write_config(R"({"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "process": {"args": ["sh"],
        "user": {"uid": 99999999999999999999999}}})");
    EXPECT_EQ(load_error(b.dir()), "config.json: process.user.uid: integer out of range");
    b.write_config(R"({"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "process": {"args": ["sh"],
        "user": {"uid": -1}}})");
    EXPECT_EQ(load_error(b.dir()),
              "config.json: process.user.uid: negative integer where unsigned integer expected");
    b.write_config("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}");
    EXPECT_EQ(load_error(b.dir()),
              "config.json:1:51: parse error: unexpected end of input (truncated document?)");
}
