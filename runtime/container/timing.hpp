// Phase timestamps on stderr when RAMPART_TIMING is set (for profiling create/run).
#pragma once

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace rampart::container {

inline void timing_mark(const char* what) {
    static const bool on = std::getenv("RAMPART_TIMING") != nullptr;
    if (!on) return;
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    char buf[128];
    int n = std::snprintf(buf, sizeof buf, "T %d %ld.%06ld %s\n", ::getpid(), ts.tv_sec % 1000,
                          ts.tv_nsec / 1000, what);
    (void)!::write(2, buf, n);
}

}  // namespace rampart::container
