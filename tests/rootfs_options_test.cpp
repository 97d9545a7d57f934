// runtime/rootfs/mounts.cpp: the mount option table.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include "oci/error.hpp"
#include "runtime/rootfs/mount_options.hpp"

using rampart::rootfs::MountOptions;
using rampart::rootfs::parse_mount_options;
using rampart::rootfs::propagation_flag;

namespace {
MountOptions parse(std::vector<std::string> opts) { return parse_mount_options(opts, "mounts[0].options"); }
}  // namespace

TEST(MountOptions, FlagTable) {
    struct Case {
        const char* opt;
        unsigned long flag;
    } cases[] = {
        {"ro", MS_RDONLY},          {"nosuid", MS_NOSUID},         {"nodev", MS_NODEV},
        {"noexec", MS_NOEXEC},      {"sync", MS_SYNCHRONOUS},      {"dirsync", MS_DIRSYNC},
        {"remount", MS_REMOUNT},    {"mand", MS_MANDLOCK},         {"noatime", MS_NOATIME},
        {"nodiratime", MS_NODIRATIME}, {"relatime", MS_RELATIME},  {"strictatime", MS_STRICTATIME},
        {"bind", MS_BIND},          {"rbind", MS_BIND | MS_REC},   {"lazytime", MS_LAZYTIME},
        {"silent", MS_SILENT},      {"iversion", MS_I_VERSION},    {"nosymfollow", MS_NOSYMFOLLOW},
    };
    for (const auto& c : cases) {
        MountOptions mo = parse({c.opt});
        EXPECT_EQ(mo.flags, c.flag) << c.opt;
        EXPECT_TRUE(mo.data.empty()) << c.opt;
    }
}

TEST(MountOptions, ClearingOptionsUndoEarlierOnes) {
    struct Case {
        const char* set;
        const char* clear;
    } cases[] = {
        {"ro", "rw"},         {"nosuid", "suid"},       {"nodev", "dev"},
        {"noexec", "exec"},   {"sync", "async"},        {"noatime", "atime"},
        {"nodiratime", "diratime"}, {"relatime", "norelatime"}, {"strictatime", "nostrictatime"},
        {"mand", "nomand"},   {"silent", "loud"},       {"iversion", "noiversion"},
        {"lazytime", "nolazytime"}, {"nosymfollow", "symfollow"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(parse({c.set, c.clear}).flags, 0u) << c.set << "," << c.clear;
        EXPECT_NE(parse({c.clear, c.set}).flags, 0u) << c.clear << "," << c.set;
    }
    EXPECT_FALSE(parse({"rw"}).readonly());
    EXPECT_TRUE(parse({"rw", "ro"}).readonly());
}

TEST(MountOptions, PropagationKeptInOrder) {
    MountOptions mo = parse({"rbind", "rprivate", "shared", "slave", "rslave", "unbindable",
                             "runbindable", "private", "rshared"});
    EXPECT_EQ(mo.flags, MS_BIND | MS_REC);
    std::vector<unsigned long> want = {MS_PRIVATE | MS_REC, MS_SHARED,   MS_SLAVE,
                                       MS_SLAVE | MS_REC,   MS_UNBINDABLE, MS_UNBINDABLE | MS_REC,
                                       MS_PRIVATE,          MS_SHARED | MS_REC};
    EXPECT_EQ(mo.propagation, want);
    EXPECT_EQ(propagation_flag("rslave"), MS_SLAVE | MS_REC);
    EXPECT_EQ(propagation_flag("ro"), 0u);
}

TEST(MountOptions, UnknownOptionsBecomeData) {
    MountOptions mo = parse({"nosuid", "mode=755", "size=65536k", "strictatime", "newinstance",
                             "ptmxmode=0666", "gid=5"});
    EXPECT_EQ(mo.flags, MS_NOSUID | MS_STRICTATIME);
    EXPECT_EQ(mo.data, "mode=755,size=65536k,newinstance,ptmxmode=0666,gid=5");
    EXPECT_FALSE(mo.bind());
}

TEST(MountOptions, RecursiveAttributes) {
    MountOptions mo = parse({"rbind", "rro", "rnosuid", "rnoexec", "rnoatime"});
    EXPECT_EQ(mo.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOATIME);
    EXPECT_EQ(mo.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME);
    MountOptions undo = parse({"rro", "rrw"});
    EXPECT_EQ(undo.attr_set, 0u);
    EXPECT_EQ(undo.attr_clr, MOUNT_ATTR_RDONLY);
    EXPECT_EQ(mo.flags, MS_BIND | MS_REC);
}

TEST(MountOptions, TmpcopyupAndRefusals) {
    EXPECT_TRUE(parse({"tmpcopyup"}).copy_up);
    EXPECT_TRUE(parse({"tmpcopyup"}).data.empty());
    try {
        parse({"rbind", "idmap"});
        FAIL() << "idmap accepted";
    } catch (const oci::Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("mounts[0].options[1]: \"idmap\": idmapped mounts are not supported", 0), 0u) << e.what();
    }
    EXPECT_THROW(parse({"ridmap"}), oci::Error);
    EXPECT_THROW(parse({"ro", ""}), oci::Error);
}
