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
