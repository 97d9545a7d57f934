// Value conversions between OCI fields and cgroup files.
#include <gtest/gtest.h>

#include "oci/error.hpp"
#include "runtime/cgroups/convert.hpp"

using namespace rampart::cgroups;

TEST(CgroupsConvert, SharesToWeight) {
    EXPECT_EQ(shares_to_weight(0), 0u);  // unset stays unset
    EXPECT_EQ(shares_to_weight(2), 1u);
    EXPECT_EQ(shares_to_weight(1024), 39u);  // the Docker default maps to runc's 39
    EXPECT_EQ(shares_to_weight(512), 20u);
    EXPECT_EQ(shares_to_weight(262144), 10000u);
    EXPECT_EQ(shares_to_weight(1), 1u);            // clamped
    EXPECT_EQ(shares_to_weight(1000000), 10000u);  // clamped
}

TEST(CgroupsConvert, BlkioWeightToIoWeight) {
    EXPECT_EQ(blkio_weight_to_io_weight(0), 0u);
    EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
    EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
    EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
}

TEST(CgroupsConvert, SwapToV2) {
    EXPECT_EQ(swap_to_v2(1024, 512), 512);
    EXPECT_EQ(swap_to_v2(512, 512), 0);    // memory+swap == memory: no swap
    EXPECT_EQ(swap_to_v2(-1, 512), -1);    // unlimited
    EXPECT_EQ(swap_to_v2(0, 512), 0);      // unset
    EXPECT_EQ(swap_to_v2(0, -1), -1);      // unlimited memory lifts swap too
    EXPECT_THROW(swap_to_v2(256, 512), oci::Error);
    EXPECT_THROW(swap_to_v2(100, 0), oci::Error);
    EXPECT_THROW(swap_to_v2(100, -1), oci::Error);
}

TEST(CgroupsConvert, LimitValue) {
    EXPECT_EQ(limit_value(-1, true), "max");
    EXPECT_EQ(limit_value(-1, false), "-1");
    EXPECT_EQ(limit_value(4096, true), "4096");
}

TEST(CgroupsConvert, DeviceRuleV1) {
    oci::DeviceCgroupRule r;
    r.allow = true;
    r.type = "c";
    r.major = 1;
    r.minor = 3;
    r.access = "rw";
    EXPECT_EQ(device_rule_v1(r), "c 1:3 rw");
    r.minor.reset();
    r.access = "";
    EXPECT_EQ(device_rule_v1(r), "c 1:* rwm");
    oci::DeviceCgroupRule all;
    EXPECT_EQ(device_rule_v1(all), "a");
    all.type = "b";
    all.major = -1;
    EXPECT_EQ(device_rule_v1(all), "b *:* rwm");
}

TEST(CgroupsConvert, ParseSize) {
    EXPECT_EQ(parse_size("512m", "--memory"), 512LL << 20);
    EXPECT_EQ(parse_size("1G", "--memory"), 1LL << 30);
    EXPECT_EQ(parse_size("100k", "--memory"), 100LL << 10);
    EXPECT_EQ(parse_size("64MiB", "--memory"), 64LL << 20);
    EXPECT_EQ(parse_size("1024", "--memory"), 1024);
    EXPECT_EQ(parse_size("-1", "--memory-swap"), -1);
    EXPECT_THROW(parse_size("1.5g", "--memory"), oci::Error);
    EXPECT_THROW(parse_size("12x", "--memory"), oci::Error);
    EXPECT_THROW(parse_size("", "--memory"), oci::Error);
    try {
        parse_size("lots", "--memory");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("--memory"), std::string::npos);
    }
}
