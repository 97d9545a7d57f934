#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "oci/error.hpp"
#include "runtime/container/hooks.hpp"

using rampart::container::run_hook;
using rampart::container::run_hooks;

namespace {

std::string temp_path(const char* name) {
    return "/tmp/rampart-hooks-test-" + std::to_string(::getpid()) + "-" + name;
}

oci::Hook sh(const std::string& script) {
    oci::Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", script};
    return h;
}

}  // namespace

TEST(Hooks, StateArrivesOnStdinAndEnvIsExact) {
    const std::string out = temp_path("stdin");
    oci::Hook h = sh("cat > " + out + "; echo \"$FOO|$HOME\" >> " + out);
    h.env = {"FOO=bar"};
    run_hook(h, "{\"id\":\"x\"}", "prestart");
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "{\"id\":\"x\"}bar|\n");
    ::unlink(out.c_str());
}

TEST(Hooks, FailureNamesPhaseHookAndOutput) {
    try {
        run_hook(sh("echo broken thing >&2; exit 3"), "{}", "createRuntime");
        FAIL();
    } catch (const oci::Error& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("createRuntime hook /bin/sh"), std::string::npos) << m;
        EXPECT_NE(m.find("exited with status 3"), std::string::npos) << m;
        EXPECT_NE(m.find("broken thing"), std::string::npos) << m;
    }
}

TEST(Hooks, TimeoutKills) {
    oci::Hook h = sh("sleep 30");
    h.timeout = 1;
    auto t0 = std::chrono::steady_clock::now();
    try {
        run_hook(h, "{}", "poststop");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("timed out after 1s"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(Hooks, MissingBinary) {
    oci::Hook h;
    h.path = "/nonexistent/hook";
    EXPECT_THROW(run_hook(h, "{}", "prestart"), oci::Error);
}

TEST(Hooks, WarnOnlyRunsAllAndCollects) {
    const std::string out = temp_path("order");
    std::vector<oci::Hook> hooks = {sh("exit 1"), sh("echo second > " + out)};
    auto w = run_hooks(hooks, "{}", "poststop", true);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(::access(out.c_str(), F_OK), 0);
    ::unlink(out.c_str());
    EXPECT_THROW(run_hooks(hooks, "{}", "prestart", false), oci::Error);
}

TEST(Hooks, IgnoresAHookThatDoesNotReadStdin) {
    EXPECT_NO_THROW(run_hook(sh("exit 0"), std::string(100000, 'x'), "poststart"));
}
