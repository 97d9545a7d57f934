// The reference data beside the checkout (../shared/reference: bane's sample TOML, Docker's
// seccomp profile, the runtime-spec schemas). A test that needs it skips, loudly, when the
// checkout has no such neighbour (e.g. a clone elsewhere).
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

inline bool reference_file_exists(const char* path) { return ::access(path, R_OK) == 0; }

#define RAMPART_REQUIRE_REFERENCE(file)                                                     \
    do {                                                                                    \
        if (!reference_file_exists(RAMPART_REFERENCE_DIR "/" file))                         \
            GTEST_SKIP() << "reference data " RAMPART_REFERENCE_DIR "/" file " not found";  \
    } while (0)
