// Hostile inputs found by the escape suite (integration/escape), pinned as unit tests.
#include <gtest/gtest.h>

#include "oci/bundle.hpp"
#include "oci/error.hpp"

namespace {

std::string error_of(const oci::Spec& s) {
    try {
        oci::validate(s, "config.json");
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

// "." components resolve to the hierarchy root or a parent: the cgroup of every host
// process, which `delete` would prune and `kill --all` would signal.
TEST(Escape, CgroupsPathDotComponents) {
    oci::Spec s = oci::default_spec(false);
    for (const char* p : {"/.", "/./", ".", "/rampart/.", "/a/./b", "./x"}) {
        s.linux->cgroups_path = p;
        EXPECT_EQ(error_of(s), "config.json: linux.cgroupsPath: must not contain \".\" components") << p;
    }
    for (const char* p : {"/rampart/.hidden", "/a/b.c", "/a./b", "rel/x..y"}) {
        s.linux->cgroups_path = p;
        EXPECT_EQ(error_of(s), "no error") << p;
    }
}

// (uid_t)-1 / (gid_t)-1 mean "unchanged" to setresuid/setresgid: the process stays root.
TEST(Escape, UidGidMinusOneRefused) {
    oci::Spec s = oci::default_spec(false);
    s.process->user.uid = 4294967295u;
    EXPECT_EQ(error_of(s).rfind("config.json: process.user.uid: 4294967295 is not a valid uid", 0), 0u) << error_of(s);
    s.process->user.uid = 4294967294u;
    EXPECT_EQ(error_of(s), "no error");
    s.process->user.gid = 4294967295u;
    EXPECT_EQ(error_of(s).rfind("config.json: process.user.gid: ", 0), 0u) << error_of(s);
    s.process->user.gid = 0;
    s.process->user.additional_gids = {5, 4294967295u};
    EXPECT_EQ(error_of(s), "config.json: process.user.additionalGids[1]: 4294967295 is not a valid gid");
}

// "-x" is read as a flag by every later command (delete, kill, state).
TEST(Escape, IdWithLeadingDashRefused) {
    for (const char* id : {"-x", "--help", "-"}) {
        try {
            oci::validate_container_id(id);
            ADD_FAILURE() << id << " accepted";
        } catch (const oci::Error& e) {
            EXPECT_NE(std::string(e.what()).find("must not start with '-'"), std::string::npos) << e.what();
        }
    }
    EXPECT_NO_THROW(oci::validate_container_id("a-"));
    EXPECT_NO_THROW(oci::validate_container_id("a--b"));
}
