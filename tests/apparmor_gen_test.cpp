#include "tests/reference.hpp"
#include "policy/apparmor_gen.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "oci/error.hpp"

using namespace rampart::policy;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// Runs the real AppArmor parser in "compile only" mode; returns its exit status and output.
int apparmor_compile(const std::string& text, std::string* out) {
    char path[] = "/tmp/rampart-aa-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return -1;
    close(fd);
    std::string cmd = std::string("apparmor_parser -Q -K -T ") + path + " 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    char buf[512];
    while (f && fgets(buf, sizeof buf, f)) *out += buf;
    int st = f ? pclose(f) : -1;
    unlink(path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool have_parser() { return access("/usr/sbin/apparmor_parser", X_OK) == 0 || access("/sbin/apparmor_parser", X_OK) == 0; }

BaneProfile sample() { return load_bane_toml(RAMPART_REFERENCE_DIR "/bane-sample.toml"); }

}  // namespace

TEST(ApparmorGen, ProfileNameIsPrefixed) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    EXPECT_EQ(apparmor_profile_name(sample()), "docker-nginx-sample");
}

TEST(ApparmorGen, SampleRules) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    std::string t = generate_apparmor(sample());
    EXPECT_THAT(t, HasSubstr("#include <tunables/global>\n"));
    EXPECT_THAT(t, HasSubstr("profile docker-nginx-sample flags=(attach_disconnected,mediate_deleted) {\n"));
    EXPECT_THAT(t, HasSubstr("  #include <abstractions/base>\n"));
    EXPECT_THAT(t, HasSubstr("  network inet tcp,\n"));
    EXPECT_THAT(t, HasSubstr("  network inet6 udp,\n"));
    EXPECT_THAT(t, HasSubstr("  network inet icmp,\n"));
    EXPECT_THAT(t, HasSubstr("  deny network raw,\n"));
    EXPECT_THAT(t, HasSubstr("  deny network packet,\n"));
    EXPECT_THAT(t, HasSubstr("  deny /root/** wl,\n"));
    EXPECT_THAT(t, HasSubstr("  audit /** w,\n"));
    EXPECT_THAT(t, HasSubstr("  /var/run/nginx.pid rw,\n"));
    EXPECT_THAT(t, HasSubstr("  /usr/sbin/nginx ix,\n"));
    EXPECT_THAT(t, HasSubstr("  deny /bin/sh mrwklx,\n"));
    EXPECT_THAT(t, HasSubstr("  capability net_bind_service,\n"));
    EXPECT_THAT(t, HasSubstr("  deny @{PROC}/sysrq-trigger rwklx,\n"));
    EXPECT_THAT(t, HasSubstr("  deny mount,\n"));
    EXPECT_THAT(t, HasSubstr("  deny /sys/kernel/security/** rwklx,\n"));
    EXPECT_TRUE(t.ends_with("}\n"));
}

TEST(ApparmorGen, RawAndPacketAllowedWhenAsked) {
    BaneProfile p;
    p.name = "net";
    p.network_raw = true;
    p.network_packet = true;
    std::string t = generate_apparmor(p);
    EXPECT_THAT(t, HasSubstr("  network raw,\n"));
    EXPECT_THAT(t, HasSubstr("  network packet,\n"));
    EXPECT_THAT(t, Not(HasSubstr("deny network")));
}

TEST(ApparmorGen, PathTokensQuotedWhenNeeded) {
    EXPECT_EQ(apparmor_path_token("/usr/**"), "/usr/**");
    EXPECT_EQ(apparmor_path_token("/etc/{a,b}"), "\"/etc/{a,b}\"");
    EXPECT_EQ(apparmor_path_token("/data/my files/**"), "\"/data/my files/**\"");
    EXPECT_EQ(apparmor_path_token("/a#b"), "\"/a#b\"");
    EXPECT_EQ(apparmor_path_token("@{PROC}/x"), "@{PROC}/x");
}

TEST(ApparmorGen, HostileInputsRefused) {
    BaneProfile p;
    p.source = "h.toml";
    p.name = "h";
    p.writable_paths = {"/a\" rw,\n  /** ix,\n  \"/b"};
    EXPECT_THROW(generate_apparmor(p), oci::Error);
    p.writable_paths = {"relative"};
    EXPECT_THROW(generate_apparmor(p), oci::Error);
    p.writable_paths = {"/x\\y"};
    EXPECT_THROW(generate_apparmor(p), oci::Error);
    p.writable_paths.clear();
    p.name = "x { file, }";
    EXPECT_THROW(generate_apparmor(p), oci::Error);
    p.name = "ok";
    p.capabilities = {"sys_admin,\n  file"};
    EXPECT_THROW(generate_apparmor(p), oci::Error);
}

TEST(ApparmorGen, SampleCompilesWithRealParser) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    if (!have_parser()) GTEST_SKIP() << "apparmor_parser not installed (scripts/install-deps adds it)";
    std::string out;
    EXPECT_EQ(apparmor_compile(generate_apparmor(sample()), &out), 0) << out;
}

TEST(ApparmorGen, HostilePathsCompileWithRealParser) {
    if (!have_parser()) GTEST_SKIP() << "apparmor_parser not installed";
    BaneProfile p = parse_bane_toml(
        "Name = \"odd.paths_1\"\n[Filesystem]\n"
        "ReadOnlyPaths = [\"/data/my files/**\", \"/etc/{passwd,group}\", \"/a#b/**\"]\n"
        "WritablePaths = [\"/srv/[a-z]*/log\", \"/tmp/x y\", \"/weird,comma\"]\n"
        "AllowExec = [\"/opt/app bin/run\"]\nDenyExec = [\"/usr/bin/*sh\"]\n"
        "[Network]\nRaw = true\nPacket = true\nProtocols = [\"tcp\"]\n",
        "odd.toml");
    std::string out;
    std::string text = generate_apparmor(p);
    EXPECT_EQ(apparmor_compile(text, &out), 0) << out << "\n" << text;
}

TEST(ApparmorGen, ParserRejectsBrokenProfileSoTheCheckCanFail) {
    if (!have_parser()) GTEST_SKIP() << "apparmor_parser not installed";
    std::string out;
    EXPECT_NE(apparmor_compile("profile x {\n  /a w\n", &out), 0);
}
