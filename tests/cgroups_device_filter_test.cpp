// The v2 device eBPF program, run through a small interpreter of the instructions it uses
// (BPF_PROG_TEST_RUN does not support BPF_PROG_TYPE_CGROUP_DEVICE).
#include <gtest/gtest.h>

#include <cstring>

#include "oci/error.hpp"
#include "runtime/cgroups/device_filter.hpp"

using namespace rampart::cgroups;

namespace {

struct Ctx {
    uint32_t access_type, major, minor;
};

// Returns r0, or -1 for an instruction the interpreter does not know / a bad jump.
int64_t run(const std::vector<BpfInsn>& prog, char type, const std::string& access, uint32_t major, uint32_t minor) {
    uint32_t acc = 0;
    for (char c : access) acc |= c == 'r' ? kAccRead : c == 'w' ? kAccWrite : kAccMknod;
    Ctx ctx{(acc << 16) | (type == 'b' ? kDevBlock : kDevChar), major, minor};
    uint64_t r[11] = {};
    size_t pc = 0;
    for (int steps = 0; steps < 10000 && pc < prog.size(); ++steps) {
        const BpfInsn& i = prog[pc];
        int dst = i.regs & 0xf, src = i.regs >> 4;
        switch (i.code) {
            case 0x61: {  // ldxw dst, [src+off]; only the context is addressable
                if (src != 1 || i.off < 0 || i.off > 8 || i.off % 4) return -1;
                uint32_t v;
                std::memcpy(&v, reinterpret_cast<const char*>(&ctx) + i.off, 4);
                r[dst] = v;
                break;
            }
            case 0x54: r[dst] = static_cast<uint32_t>(r[dst]) & static_cast<uint32_t>(i.imm); break;
            case 0x74: r[dst] = static_cast<uint32_t>(r[dst]) >> i.imm; break;
            case 0xbc: r[dst] = static_cast<uint32_t>(r[src]); break;
            case 0xb7: r[dst] = static_cast<uint64_t>(static_cast<int64_t>(i.imm)); break;
            case 0x55:
                if (r[dst] != static_cast<uint64_t>(static_cast<int64_t>(i.imm))) pc += i.off;
                break;
            case 0x95: return static_cast<int64_t>(r[0]);
            default: return -1;
        }
        ++pc;
        if (pc > prog.size()) return -1;
    }
    return -1;
}

oci::DeviceCgroupRule rule(bool allow, std::string type, std::optional<int64_t> major, std::optional<int64_t> minor,
                           std::string access) {
    oci::DeviceCgroupRule r;
    r.allow = allow;
    r.type = std::move(type);
    r.major = major;
    r.minor = minor;
    r.access = std::move(access);
    return r;
}

// Docker's default list (abridged).
std::vector<oci::DeviceCgroupRule> docker_rules() {
    return {rule(false, "", {}, {}, "rwm"),           rule(true, "c", 1, 5, "rwm"),  rule(true, "c", 1, 3, "rwm"),
            rule(true, "c", 1, 9, "rwm"),             rule(true, "c", 5, 0, "rwm"),  rule(true, "c", 136, {}, "rwm"),
            rule(true, "c", 10, 200, "rwm"),          rule(false, "c", 10, 229, "rwm"), rule(true, "c", {}, {}, "m"),
            rule(true, "b", {}, {}, "m")};
}

}  // namespace

TEST(CgroupsDeviceFilter, EmptyListDeniesEverything) {
    auto p = build_device_program({});
    EXPECT_EQ(run(p, 'c', "r", 1, 3), 0);
    EXPECT_EQ(run(p, 'b', "m", 8, 0), 0);
}

TEST(CgroupsDeviceFilter, DockerDefaults) {
    auto p = build_device_program(docker_rules());
    EXPECT_EQ(run(p, 'c', "rw", 1, 3), 1);     // /dev/null
    EXPECT_EQ(run(p, 'c', "rw", 1, 5), 1);     // /dev/zero
    EXPECT_EQ(run(p, 'c', "rw", 136, 7), 1);   // a pty, minor wildcard
    EXPECT_EQ(run(p, 'c', "rw", 10, 229), 0);  // /dev/fuse denied explicitly
    EXPECT_EQ(run(p, 'c', "rw", 10, 200), 1);  // /dev/net/tun
    EXPECT_EQ(run(p, 'b', "r", 8, 0), 0);      // a disk
    EXPECT_EQ(run(p, 'b', "m", 8, 0), 1);      // mknod of anything is allowed
    EXPECT_EQ(run(p, 'c', "m", 4, 1), 1);
    EXPECT_EQ(run(p, 'c', "rm", 4, 1), 0);     // but not read
    EXPECT_EQ(run(p, 'c', "r", 1, 7), 0);      // /dev/full not listed
}

TEST(CgroupsDeviceFilter, AccessMustBeASubset) {
    auto p = build_device_program({rule(true, "c", 1, 3, "r")});
    EXPECT_EQ(run(p, 'c', "r", 1, 3), 1);
    EXPECT_EQ(run(p, 'c', "w", 1, 3), 0);
    EXPECT_EQ(run(p, 'c', "rw", 1, 3), 0);
    EXPECT_EQ(run(p, 'b', "r", 1, 3), 0);  // type checked
}

TEST(CgroupsDeviceFilter, LastMatchingRuleWins) {
    auto p = build_device_program({rule(true, "c", 1, {}, "rwm"), rule(false, "c", 1, 3, "rwm")});
    EXPECT_EQ(run(p, 'c', "r", 1, 3), 0);
    EXPECT_EQ(run(p, 'c', "r", 1, 5), 1);
    auto q = build_device_program({rule(false, "c", 1, 3, "rwm"), rule(true, "c", 1, {}, "rwm")});
    EXPECT_EQ(run(q, 'c', "r", 1, 3), 1);
}

TEST(CgroupsDeviceFilter, AllowAllShortCircuits) {
    auto p = build_device_program({rule(false, "c", 1, 3, "rwm"), rule(true, "a", {}, {}, "rwm")});
    EXPECT_EQ(run(p, 'c', "rwm", 1, 3), 1);
    EXPECT_EQ(run(p, 'b', "rwm", 259, 1), 1);
    EXPECT_EQ(p.size(), 6u + 2u);  // prologue + "r0 = 1; exit", the earlier rule is dead
}

TEST(CgroupsDeviceFilter, RejectsBadRules) {
    EXPECT_THROW(build_device_program({rule(true, "x", {}, {}, "r")}), oci::Error);
    try {
        build_device_program({rule(true, "c", 1, 3, "rwm"), rule(true, "c", 1, 3, "rwx")});
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.resources.devices[1].access"), std::string::npos) << e.what();
    }
}
