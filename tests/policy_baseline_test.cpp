#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "oci/error.hpp"
#include "policy/baseline.hpp"
#include "policy/docker_default.hpp"

using namespace rampart::policy;
namespace fs = std::filesystem;

namespace {

std::string error_of(const std::string& text, const std::string& file = "policy.toml") {
    try {
        parse_policy(text, file);
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "(no error)";
}

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/rampart-policy-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string write(const std::string& rel, const std::string& text) const {
        fs::path p = path / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
};

// Drops "# ..." comments (they name the source file and line).
std::string strip_comments(const std::string& s) {
    std::string out;
    bool skip = false;
    for (char c : s) {
        if (c == '#') skip = true;
        if (c == '\n') skip = false;
        if (!skip) out += c;
    }
    return out;
}

constexpr const char* kFull = R"(decision_log = "/tmp/d.log"

[enforcement]
default = "warn"
forbidden_capabilities = "fix"
max_pids = "deny"

[defaults]
capabilities = ["CAP_CHOWN", "net_bind_service"]
seccomp = "/etc/rampart/seccomp.json"
apparmor = "my-profile"
selinux_label = "system_u:system_r:container_t:s0"
mount_label = "system_u:object_r:container_file_t:s0"
no_new_privileges = true
masked_paths = ["/proc/keys"]
readonly_paths = "docker-default"
rlimits = { RLIMIT_NOFILE = { soft = 1024, hard = 4096 }, RLIMIT_NPROC = 512 }

[limits]
forbid_privileged = true
allowed_capabilities = ["CAP_CHOWN", "CAP_KILL"]
forbidden_capabilities = ["CAP_SYS_ADMIN", "SYS_MODULE"]
require_seccomp = true
forbidden_syscalls = ["kexec_load", "bpf"]
require_no_new_privileges = true
forbid_root_user = true
require_readonly_rootfs = true
forbidden_host_namespaces = ["pid", "net", "ipc", "uts", "user"]
forbidden_mount_sources = ["/var/run/docker.sock", "/", "/etc/**"]
forbidden_devices = ["/dev/mem", "/dev/kmsg"]
allowed_sysctls = ["net.*"]
required_masked_paths = ["/proc/keys"]
require_memory_limit = true
max_memory = 1073741824
max_pids = 100

[[profile]]
name = "web"
match = { annotations = { "io.kubernetes.cri.image-name" = "*nginx*" }, executable = "/usr/sbin/nginx", bundle = "/run/**" }
landlock = "/etc/rampart/profiles/nginx.toml"
apparmor = "nginx"
[profile.limits]
forbid_root_user = false
[profile.enforcement]
default = "deny"
)";

}  // namespace

TEST(PolicyBaseline, EmbeddedDefaultIsDocker) {
    Baseline b = embedded_baseline();
    EXPECT_TRUE(b.files.empty());
    EXPECT_EQ(b.name(), "(embedded)");
    EXPECT_EQ(b.decision_log, "/var/log/rampart/decisions.log");
    ASSERT_TRUE(b.defaults.capabilities);
    EXPECT_EQ(b.defaults.capabilities->items.size(), 14u);
    EXPECT_EQ(b.defaults.capabilities->preset, "docker-default");
    EXPECT_EQ(b.defaults.seccomp, "docker-default");
    EXPECT_EQ(b.defaults.apparmor, "docker-default");
    EXPECT_EQ(b.defaults.masked_paths->items, docker_masked_paths());
    EXPECT_EQ(b.defaults.readonly_paths->items, docker_readonly_paths());
    EXPECT_EQ(b.enforcement.action_for("forbid_privileged"), Action::Deny);
    for (const auto& rule : limit_names()) EXPECT_FALSE(b.limits.has(rule)) << rule;
    EXPECT_EQ(b.origin.at("defaults.seccomp"), "(embedded)");
}

TEST(PolicyBaseline, EveryKey) {
    Baseline b = parse_policy(kFull, "/etc/rampart/policy.toml");
    EXPECT_EQ(b.files, std::vector<std::string>{"/etc/rampart/policy.toml"});
    EXPECT_EQ(b.decision_log, "/tmp/d.log");
    EXPECT_EQ(b.enforcement.action_for("forbidden_capabilities"), Action::Fix);
    EXPECT_EQ(b.enforcement.action_for("max_pids"), Action::Deny);
    EXPECT_EQ(b.enforcement.action_for("forbid_root_user"), Action::Warn);
    const auto& d = b.defaults;
    EXPECT_EQ(d.capabilities->items, (std::vector<std::string>{"CAP_CHOWN", "CAP_NET_BIND_SERVICE"}));
    EXPECT_EQ(d.capabilities->preset, "");
    EXPECT_EQ(d.seccomp, "/etc/rampart/seccomp.json");
    EXPECT_EQ(d.apparmor, "my-profile");
    EXPECT_EQ(d.selinux_label, "system_u:system_r:container_t:s0");
    EXPECT_EQ(d.mount_label, "system_u:object_r:container_file_t:s0");
    EXPECT_EQ(d.no_new_privileges, true);
    EXPECT_EQ(d.masked_paths->items, std::vector<std::string>{"/proc/keys"});
    EXPECT_EQ(d.readonly_paths->preset, "docker-default");
    ASSERT_EQ(d.rlimits->size(), 2u);
    const auto& l = b.limits;
    EXPECT_EQ(l.forbid_privileged, true);
    EXPECT_EQ(*l.allowed_capabilities, (std::vector<std::string>{"CAP_CHOWN", "CAP_KILL"}));
    EXPECT_EQ(*l.forbidden_capabilities, (std::vector<std::string>{"CAP_SYS_ADMIN", "CAP_SYS_MODULE"}));
    EXPECT_EQ(l.require_seccomp, true);
    EXPECT_EQ(*l.forbidden_syscalls, (std::vector<std::string>{"kexec_load", "bpf"}));
    EXPECT_EQ(l.require_no_new_privileges, true);
    EXPECT_EQ(l.forbid_root_user, true);
    EXPECT_EQ(l.require_readonly_rootfs, true);
    EXPECT_EQ(*l.forbidden_host_namespaces,
              (std::vector<std::string>{"pid", "network", "ipc", "uts", "user"}));
    EXPECT_EQ(l.forbidden_mount_sources->size(), 3u);
    EXPECT_EQ(l.forbidden_devices->size(), 2u);
    EXPECT_EQ(*l.allowed_sysctls, std::vector<std::string>{"net.*"});
    EXPECT_EQ(*l.required_masked_paths, std::vector<std::string>{"/proc/keys"});
    EXPECT_EQ(l.require_memory_limit, true);
    EXPECT_EQ(l.max_memory, 1073741824);
    EXPECT_EQ(l.max_pids, 100);
    ASSERT_EQ(b.profiles.size(), 1u);
    const auto& p = b.profiles[0];
    EXPECT_EQ(p.name, "web");
    EXPECT_EQ(p.line, 37);
    EXPECT_EQ(p.match.annotations.at("io.kubernetes.cri.image-name"), "*nginx*");
    EXPECT_EQ(p.match.executable, "/usr/sbin/nginx");
    EXPECT_EQ(p.match.bundle, "/run/**");
    EXPECT_EQ(p.landlock, "/etc/rampart/profiles/nginx.toml");
    EXPECT_EQ(p.defaults.apparmor, "nginx");
    EXPECT_EQ(p.limits.forbid_root_user, false);
    EXPECT_EQ(p.enforcement.default_action, Action::Deny);
    EXPECT_EQ(b.origin.at("limits.max_pids"), "/etc/rampart/policy.toml");
    EXPECT_EQ(b.origin.at("defaults.masked_paths"), "/etc/rampart/policy.toml");
    EXPECT_EQ(b.origin.at("defaults.apparmor"), "/etc/rampart/policy.toml");
}

TEST(PolicyBaseline, UnknownKeysWithLineAndSuggestion) {
    EXPECT_EQ(error_of("[limits]\nforbid_privileged = true\n\nforbiden_capabilities = []\n"),
              "policy.toml:4: unknown key \"forbiden_capabilities\" in [limits] (did you mean forbidden_capabilities?)");
    EXPECT_EQ(error_of("decison_log = \"/x\"\n"),
              "policy.toml:1: unknown key \"decison_log\" in the top level (did you mean decision_log?)");
    EXPECT_EQ(error_of("[defaults]\nseccom = \"docker-default\"\n"),
              "policy.toml:2: unknown key \"seccom\" in [defaults] (did you mean seccomp?)");
    EXPECT_EQ(error_of("[enforcement]\nzzz = \"deny\"\n"), "policy.toml:2: unknown key \"zzz\" in [enforcement]");
    EXPECT_EQ(error_of("[[profile]]\nname = \"a\"\nmach = {}\n"),
              "policy.toml:3: unknown key \"mach\" in [[profile]] (did you mean match?)");
    EXPECT_EQ(error_of("[[profile]]\nname = \"a\"\nmatch = { executabel = \"x\" }\n"),
              "policy.toml:3: unknown key \"executabel\" in profile.match (did you mean executable?)");
    EXPECT_EQ(error_of("[[profile]]\nname = \"a\"\n[profile.limits]\nmax_pid = 3\n"),
              "policy.toml:4: unknown key \"max_pid\" in [profile.limits] (did you mean max_pids?)");
}

TEST(PolicyBaseline, WrongTypesWithLine) {
    EXPECT_EQ(error_of("[limits]\nmax_pids = \"100\"\n"),
              "policy.toml:2: limits.max_pids: expected an integer, got a string");
    EXPECT_EQ(error_of("[limits]\nforbid_privileged = 1\n"),
              "policy.toml:2: limits.forbid_privileged: expected a boolean (true or false), got an integer");
    EXPECT_EQ(error_of("[limits]\nforbidden_capabilities = \"CAP_SYS_ADMIN\"\n"),
              "policy.toml:2: limits.forbidden_capabilities: expected an array of strings, got a string");
    EXPECT_EQ(error_of("[limits]\nforbidden_devices = [\"/dev/mem\",\n  3]\n"),
              "policy.toml:3: limits.forbidden_devices[1]: expected a string, got an integer");
    EXPECT_EQ(error_of("limits = 3\n"), "policy.toml:1: limits: expected a table, got an integer");
    EXPECT_EQ(error_of("[defaults]\nno_new_privileges = \"yes\"\n"),
              "policy.toml:2: defaults.no_new_privileges: expected a boolean (true or false), got a string");
    EXPECT_EQ(error_of("[limits]\nmax_pids = -1\n"), "policy.toml:2: limits.max_pids: must be at least 0");
    EXPECT_EQ(error_of("[[profile]]\nmatch = {}\n"), "policy.toml:1: profile[0]: missing key \"name\"");
}

TEST(PolicyBaseline, ProfileSeccompLearn) {
    Baseline b = parse_policy("[[profile]]\nname = \"learn\"\nmatch = { bundle = \"/**\" }\n"
                              "seccomp_learn = \"/var/lib/rampart/web.json\"\n",
                              "policy.toml");
    ASSERT_EQ(b.profiles.size(), 1u);
    EXPECT_EQ(b.profiles[0].seccomp_learn, "/var/lib/rampart/web.json");
    EXPECT_NE(to_toml(b).find("seccomp_learn = \"/var/lib/rampart/web.json\""), std::string::npos) << to_toml(b);
    EXPECT_EQ(error_of("[[profile]]\nname = \"l\"\nseccomp_learn = \"web.json\"\n"),
              "policy.toml:3: profile \"l\" seccomp_learn: an absolute path of the profile to write is expected");
}

TEST(PolicyBaseline, BadValues) {
    EXPECT_EQ(error_of("[limits]\nforbidden_capabilities = [\"CAP_SYS_ADMN\"]\n"),
              "policy.toml:2: limits.forbidden_capabilities[0]: unknown capability \"CAP_SYS_ADMN\"");
    EXPECT_EQ(error_of("[enforcement]\ndefault = \"block\"\n"),
              "policy.toml:2: enforcement.default: bad enforcement value \"block\" (expected \"deny\", \"fix\" or \"warn\")");
    EXPECT_EQ(error_of("[limits]\nforbidden_host_namespaces = [\"pid\", \"netns\"]\n"),
              "policy.toml:2: limits.forbidden_host_namespaces[1]: unknown namespace type \"netns\" (pid, network, mount, ipc, uts, user, cgroup, time)");
    EXPECT_EQ(error_of("[limits]\nforbidden_mount_sources = [\"etc\"]\n"),
              "policy.toml:2: limits.forbidden_mount_sources[0]: \"etc\" is not an absolute path");
    EXPECT_EQ(error_of("[defaults]\ncapabilities = \"docker\"\n"),
              "policy.toml:2: defaults.capabilities: unknown preset \"docker\" (expected \"docker-default\" or a list)");
    EXPECT_EQ(error_of("[defaults]\nseccomp = \"strict\"\n"),
              "policy.toml:2: defaults.seccomp: expected \"docker-default\", \"unconfined\" or an absolute path, got \"strict\"");
    EXPECT_EQ(error_of("[defaults]\nrlimits = { RLIMIT_FOO = 1 }\n"),
              "policy.toml:2: defaults.rlimits.RLIMIT_FOO: unknown rlimit \"RLIMIT_FOO\"");
    EXPECT_EQ(error_of("[defaults]\nrlimits = { RLIMIT_NOFILE = { soft = 9, hard = 1 } }\n"),
              "policy.toml:2: defaults.rlimits.RLIMIT_NOFILE: soft is above hard");
    EXPECT_EQ(error_of("decision_log = \"log.txt\"\n"), "policy.toml:1: decision_log: \"log.txt\" is not an absolute path");
}

TEST(PolicyBaseline, SyntaxErrorNamesLine) {
    std::string e = error_of("[limits]\nmax_pids = 1\nforbid_privileged = tru\n", "/etc/rampart/policy.toml");
    EXPECT_EQ(e.rfind("/etc/rampart/policy.toml:3: ", 0), 0u) << e;
}

TEST(PolicyBaseline, DropInsMergeInNameOrder) {
    TempDir t;
    t.write("policy.toml",
            "[enforcement]\ndefault = \"deny\"\n[limits]\nmax_pids = 100\nforbid_privileged = true\n"
            "[[profile]]\nname = \"main\"\n");
    t.write("policy.d/20-b.toml", "[limits]\nmax_pids = 300\n[[profile]]\nname = \"b\"\n");
    t.write("policy.d/10-a.toml", "[limits]\nmax_pids = 200\nrequire_seccomp = true\n[[profile]]\nname = \"a\"\n");
    t.write("policy.d/ignored.conf", "garbage = [");
    t.write("policy.d/.hidden.toml", "garbage = [");
    ::unsetenv("RAMPART_POLICY");
    Baseline b = load(Source{}, t.path.string());
    EXPECT_EQ(b.files.size(), 3u);
    EXPECT_EQ(b.limits.max_pids, 300);
    EXPECT_EQ(b.limits.require_seccomp, true);
    EXPECT_EQ(b.limits.forbid_privileged, true);
    EXPECT_EQ(b.origin.at("limits.max_pids"), (t.path / "policy.d/20-b.toml").string());
    EXPECT_EQ(b.origin.at("limits.require_seccomp"), (t.path / "policy.d/10-a.toml").string());
    ASSERT_EQ(b.profiles.size(), 3u);
    EXPECT_EQ(b.profiles[0].name, "main");
    EXPECT_EQ(b.profiles[1].name, "a");
    EXPECT_EQ(b.profiles[2].name, "b");
    EXPECT_EQ(b.defaults.seccomp, "docker-default");  // embedded layer underneath
}

TEST(PolicyBaseline, LoadSources) {
    TempDir t;
    ::unsetenv("RAMPART_POLICY");
    // Nothing on disk: embedded.
    EXPECT_EQ(load(Source{}, (t.path / "none").string()).name(), "(embedded)");
    // Only drop-ins.
    t.write("etc/policy.d/a.toml", "[limits]\nmax_pids = 7\n");
    EXPECT_EQ(load(Source{}, (t.path / "etc").string()).limits.max_pids, 7);
    // --policy wins over env, env over /etc.
    std::string explicit_file = t.write("x.toml", "[limits]\nmax_pids = 1\n");
    std::string env_file = t.write("y.toml", "[limits]\nmax_pids = 2\n");
    ::setenv("RAMPART_POLICY", env_file.c_str(), 1);
    EXPECT_EQ(load(Source{explicit_file}, (t.path / "etc").string()).limits.max_pids, 1);
    EXPECT_EQ(load(Source{}, (t.path / "etc").string()).limits.max_pids, 2);
    ::unsetenv("RAMPART_POLICY");
    // A named file that does not exist fails closed.
    try {
        load(Source{(t.path / "missing.toml").string()});
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.toml: cannot read: No such file"), std::string::npos);
    }
    // A malformed drop-in fails the whole load.
    t.write("etc/policy.d/b.toml", "[limits\n");
    EXPECT_THROW(load(Source{}, (t.path / "etc").string()), oci::Error);
    // policy.toml that is a directory: unreadable, fail closed.
    fs::create_directories(t.path / "etc2/policy.toml");
    EXPECT_THROW(load(Source{}, (t.path / "etc2").string()), oci::Error);
}

TEST(PolicyBaseline, ToTomlRoundTrips) {
    Baseline b = parse_policy(kFull, "/etc/rampart/policy.toml");
    std::string text = to_toml(b);
    EXPECT_NE(text.find("[limits]\nforbid_privileged = true\n"), std::string::npos) << text;
    EXPECT_NE(text.find("readonly_paths = \"docker-default\""), std::string::npos) << text;
    Baseline again = parse_policy(text, "/etc/rampart/policy.toml");
    EXPECT_EQ(strip_comments(to_toml(again)), strip_comments(text));
    EXPECT_EQ(again.limits.max_pids, 100);
    EXPECT_EQ(again.profiles.at(0).match.annotations, b.profiles[0].match.annotations);
    EXPECT_EQ(again.defaults.rlimits->size(), 2u);
    // The embedded default prints and parses back too.
    std::string emb = to_toml(embedded_baseline());
    EXPECT_NE(emb.find("capabilities = \"docker-default\""), std::string::npos);
    EXPECT_EQ(strip_comments(to_toml(parse_policy(emb, "e.toml"))), strip_comments(emb));
}

TEST(PolicyBaseline, CanonicalCapability) {
    EXPECT_EQ(canonical_capability("sys_admin"), "CAP_SYS_ADMIN");
    EXPECT_EQ(canonical_capability("CAP_KILL"), "CAP_KILL");
    EXPECT_EQ(canonical_capability("CAP_NOPE"), "");
}

TEST(PolicyBaseline, EnforcementMerge) {
    Enforcement a, b;
    a.default_action = Action::Warn;
    a.rules["max_pids"] = Action::Fix;
    b.rules["max_pids"] = Action::Deny;
    a.merge(b);
    EXPECT_EQ(a.action_for("max_pids"), Action::Deny);
    EXPECT_EQ(a.action_for("forbid_root_user"), Action::Warn);
    EXPECT_EQ(Enforcement{}.action_for("x"), Action::Deny);
    EXPECT_STREQ(action_name(Action::Fix), "fix");
}

TEST(PolicyBaseline, ReadmeExampleParses) {
    std::ifstream f(RAMPART_SOURCE_DIR "/README.md");
    ASSERT_TRUE(f) << "README.md";
    std::string text((std::istreambuf_iterator<char>(f)), {});
    size_t at = text.find("A worked example, `/etc/rampart/policy.toml`:");
    ASSERT_NE(at, std::string::npos);
    size_t start = text.find("```toml\n", at);
    size_t end = text.find("```", start + 8);
    ASSERT_NE(end, std::string::npos);
    Baseline b = parse_policy(text.substr(start + 8, end - start - 8), "README.md");
    EXPECT_EQ(b.profiles.size(), 2u);
    EXPECT_EQ(b.enforcement.action_for("forbidden_capabilities"), Action::Fix);
    EXPECT_EQ(b.limits.max_pids, 4096);
}
