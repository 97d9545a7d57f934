#include <gtest/gtest.h>

#include "oci/json.hpp"
#include "policy/diff.hpp"

TEST(PolicyDiff, ChangedLinesOnly) {
    auto before = oci::json::parse(R"({"process":{"args":["sh"],"user":{"uid":0}},"linux":{"masked":["/a"]}})", "b");
    auto after = oci::json::parse(R"({"process":{"args":["sh"],"user":{"uid":0},"nnp":true},"linux":{"masked":["/a","/b"],"seccomp":{"syscalls":[{"names":["x"]}]}}})", "a");
    auto d = rampart::policy::json_diff(before, after);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0], "- linux.masked = [\"/a\"]");
    EXPECT_EQ(d[1], "+ process.nnp = true");
    EXPECT_EQ(d[2], "+ linux.masked = [\"/a\",\"/b\"]");
    EXPECT_EQ(d[3], "+ linux.seccomp.syscalls[0].names = [\"x\"]");
    EXPECT_TRUE(rampart::policy::json_diff(before, before).empty());
    EXPECT_EQ(rampart::policy::flatten_json(before).size(), 3u);
}
