#include <gtest/gtest.h>

#include "oci/error.hpp"
#include "runtime/cmdline/flags.hpp"

using namespace rampart::cli;

namespace {

std::vector<FlagSpec> specs() {
    return {
        {{"bundle", "b"}, FlagKind::String, "bundle"},
        {{"detach", "d"}, FlagKind::Bool, "detach"},
        {{"preserve-fds"}, FlagKind::Int, "n"},
        {{"env", "e"}, FlagKind::List, "env"},
    };
}

ParseResult parse(std::vector<std::string> args, bool stop = false) {
    return parse_flags(specs(), args, stop);
}

}  // namespace

TEST(CliFlags, AcceptsSingleAndDoubleDashAndEquals) {
    auto r = parse({"--bundle", "/b1", "id"});
    EXPECT_EQ(r.flags.str("bundle"), "/b1");
    r = parse({"-bundle", "/b2", "id"});
    EXPECT_EQ(r.flags.str("bundle"), "/b2");
    r = parse({"--bundle=/b3", "id"});
    EXPECT_EQ(r.flags.str("bundle"), "/b3");
    r = parse({"-b=/b4", "id"});
    EXPECT_EQ(r.flags.str("bundle"), "/b4");
    r = parse({"-b", "/b5", "id"});
    EXPECT_EQ(r.flags.str("bundle"), "/b5");
    ASSERT_EQ(r.positional.size(), 1u);
    EXPECT_EQ(r.positional[0], "id");
}

TEST(CliFlags, BoolFlagsTakeNoValueButAcceptExplicitOnes) {
    auto r = parse({"-d", "id"});
    EXPECT_TRUE(r.flags.flag("detach"));
    EXPECT_EQ(r.positional, std::vector<std::string>{"id"});
    r = parse({"--detach=false", "id"});
    EXPECT_FALSE(r.flags.flag("detach"));
    r = parse({"id"});
    EXPECT_FALSE(r.flags.flag("detach"));
    EXPECT_THROW(parse({"--detach=maybe"}), oci::Error);
}

TEST(CliFlags, FlagsAfterPositionalsAreReordered) {
    auto r = parse({"id", "--bundle", "/x", "-d"});
    EXPECT_EQ(r.flags.str("bundle"), "/x");
    EXPECT_TRUE(r.flags.flag("detach"));
    EXPECT_EQ(r.positional, std::vector<std::string>{"id"});
}

TEST(CliFlags, StopAtPositionalKeepsTheCommandsOwnFlags) {
    auto r = parse({"-d", "id", "sh", "-c", "--bundle"}, true);
    EXPECT_TRUE(r.flags.flag("detach"));
    EXPECT_EQ(r.positional, (std::vector<std::string>{"id", "sh", "-c", "--bundle"}));
}

TEST(CliFlags, DoubleDashEndsFlags) {
    auto r = parse({"--", "-d", "x"});
    EXPECT_FALSE(r.flags.flag("detach"));
    EXPECT_EQ(r.positional, (std::vector<std::string>{"-d", "x"}));
}

TEST(CliFlags, ListsAccumulateAndLastStringWins) {
    auto r = parse({"-e", "A=1", "--env", "B=2", "-b", "1", "-b", "2"});
    EXPECT_EQ(r.flags.list("env"), (std::vector<std::string>{"A=1", "B=2"}));
    EXPECT_EQ(r.flags.str("bundle"), "2");
}

TEST(CliFlags, IntFlagsAreChecked) {
    auto r = parse({"--preserve-fds", "3"});
    EXPECT_EQ(r.flags.num("preserve-fds"), 3);
    EXPECT_EQ(r.flags.num("missing", 7), 7);
    EXPECT_THROW(parse({"--preserve-fds", "x3"}), oci::Error);
}

TEST(CliFlags, ErrorsUseGoWording) {
    try {
        parse({"--nope"});
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "flag provided but not defined: -nope");
    }
    try {
        parse({"--bundle"});
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "flag needs an argument: -bundle");
    }
}

TEST(CliFlags, HelpIsRecognised) {
    EXPECT_TRUE(parse({"--help"}).help);
    EXPECT_TRUE(parse({"-h"}).help);
    EXPECT_FALSE(parse({"id"}).help);
}

TEST(CliFlags, UsageListsEveryName) {
    std::string u = flags_usage(specs());
    EXPECT_NE(u.find("--bundle value, -b value"), std::string::npos);
    EXPECT_NE(u.find("--detach, -d"), std::string::npos);
}
