#include "tests/reference.hpp"
#include "policy/bane_toml.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oci/error.hpp"

using rampart::policy::BaneProfile;
using rampart::policy::load_bane_toml;
using rampart::policy::parse_bane_toml;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

std::string error_of(const std::string& text, const std::string& src = "nginx.toml") {
    try {
        parse_bane_toml(text, src);
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(BaneToml, ReferenceSampleParsesCompletely) {
    RAMPART_REQUIRE_REFERENCE("bane-sample.toml");
    BaneProfile p = load_bane_toml(RAMPART_REFERENCE_DIR "/bane-sample.toml");
    EXPECT_EQ(p.name, "nginx-sample");
    EXPECT_EQ(p.read_only_paths.size(), 17u);
    EXPECT_EQ(p.read_only_paths.front(), "/bin/**");
    EXPECT_EQ(p.read_only_paths.back(), "/usr/**");
    EXPECT_THAT(p.log_on_write_paths, ElementsAre("/**"));
    EXPECT_THAT(p.writable_paths, ElementsAre("/var/run/nginx.pid"));
    EXPECT_THAT(p.allow_exec, ElementsAre("/usr/sbin/nginx"));
    EXPECT_THAT(p.deny_exec, ElementsAre("/bin/dash", "/bin/sh", "/usr/bin/top"));
    EXPECT_THAT(p.capabilities,
                ElementsAre("chown", "dac_override", "setuid", "setgid", "net_bind_service"));
    EXPECT_TRUE(p.has_network);
    EXPECT_FALSE(p.network_raw);
    EXPECT_FALSE(p.network_packet);
    EXPECT_THAT(p.protocols, ElementsAre("tcp", "udp", "icmp"));
}

TEST(BaneToml, KeysAreCaseInsensitiveAndCapsNormalized) {
    BaneProfile p = parse_bane_toml(
        "name = \"x\"\n[filesystem]\nwritablepaths = [\"/data/**\"]\n"
        "[capabilities]\nallow = [\"CAP_NET_ADMIN\", \"Kill\"]\n"
        "[network]\nraw = true\nprotocols = [\"TCP\"]\n",
        "x.toml");
    EXPECT_THAT(p.writable_paths, ElementsAre("/data/**"));
    EXPECT_THAT(p.capabilities, ElementsAre("net_admin", "kill"));
    EXPECT_TRUE(p.network_raw);
    EXPECT_THAT(p.protocols, ElementsAre("tcp"));
}

TEST(BaneToml, MinimalProfileHasNoNetworkTable) {
    BaneProfile p = parse_bane_toml("Name = \"min\"\n", "m.toml");
    EXPECT_EQ(p.name, "min");
    EXPECT_FALSE(p.has_network);
    EXPECT_TRUE(p.read_only_paths.empty());
}

TEST(BaneToml, UnknownKeysNamedWithLine) {
    EXPECT_EQ(error_of("Name = \"a\"\n\n[Filesystem]\nReadOnlyPaths = []\n\n\nWriteablePaths = []\n"),
              "nginx.toml:7: unknown key \"WriteablePaths\" in [Filesystem] (known: ReadOnlyPaths, "
              "LogOnWritePaths, WritablePaths, AllowExec, DenyExec)");
    EXPECT_THAT(error_of("Name = \"a\"\nFoo = 1\n"), HasSubstr("nginx.toml:2: unknown key \"Foo\""));
    EXPECT_THAT(error_of("Name = \"a\"\n[Capabilities]\nDeny = []\n"),
                HasSubstr("nginx.toml:3: unknown key \"Deny\" in [Capabilities]"));
    EXPECT_THAT(error_of("Name = \"a\"\n[Network]\nUdp = true\n"),
                HasSubstr("nginx.toml:3: unknown key \"Udp\" in [Network]"));
}

TEST(BaneToml, WrongTypesNamed) {
    EXPECT_EQ(error_of("Name = \"a\"\n[Filesystem]\nAllowExec = \"/bin/x\"\n"),
              "nginx.toml:3: Filesystem.AllowExec: string where an array of strings expected");
    EXPECT_EQ(error_of("Name = \"a\"\n[Filesystem]\nAllowExec = [\"/a\", 3]\n"),
              "nginx.toml:3: Filesystem.AllowExec[1]: integer where a string expected");
    EXPECT_EQ(error_of("Name = \"a\"\n[Network]\nRaw = \"no\"\n"),
              "nginx.toml:3: Network.Raw: string where a boolean expected");
    EXPECT_EQ(error_of("Name = 5\n"), "nginx.toml:1: Name: integer where a string expected");
    EXPECT_EQ(error_of("Name = \"a\"\nNetwork = 1\n"),
              "nginx.toml:2: Network: integer where a table expected");
}

TEST(BaneToml, BadValuesRefused) {
    EXPECT_THAT(error_of("Name = \"a b\"\n"), HasSubstr("nginx.toml:1: Name: \"a b\" must be"));
    EXPECT_THAT(error_of(""), HasSubstr("Name is missing"));
    EXPECT_THAT(error_of("Name = \"a\"\n[Filesystem]\nDenyExec = [\"bin/sh\"]\n"),
                HasSubstr("nginx.toml:3: Filesystem.DenyExec[0]: \"bin/sh\" is not an absolute path"));
    EXPECT_THAT(error_of("Name = \"a\"\n[Filesystem]\nDenyExec = [\"/a\\\"b\"]\n"),
                HasSubstr("contains a quote or control character"));
    EXPECT_THAT(error_of("Name = \"a\"\n[Filesystem]\nDenyExec = [\"/a\\nb\"]\n"),
                HasSubstr("contains a quote or control character"));
    EXPECT_THAT(error_of("Name = \"a\"\n[Filesystem]\nWritablePaths = [\"/a/../etc\"]\n"),
                HasSubstr("contains \"..\""));
    EXPECT_THAT(error_of("Name = \"a\"\n[Capabilities]\nAllow = [\"chown\", \"fly\"]\n"),
                HasSubstr("nginx.toml:3: Capabilities.Allow[1]: unknown capability \"fly\""));
    EXPECT_THAT(error_of("Name = \"a\"\n[Network]\nProtocols = [\"sctp\"]\n"),
                HasSubstr("Network.Protocols[0]: unknown protocol \"sctp\""));
}

TEST(BaneToml, SyntaxErrorsCarryLine) {
    EXPECT_THAT(error_of("Name = \"a\"\n[Filesystem\n"), HasSubstr("nginx.toml:2: "));
}

TEST(BaneToml, MissingFileNamed) {
    try {
        load_bane_toml("/nonexistent/x.toml");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent/x.toml: No such file"));
    }
}
