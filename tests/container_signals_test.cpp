#include <gtest/gtest.h>

#include <csignal>

#include "oci/error.hpp"
#include "runtime/container/signals.hpp"

using rampart::container::parse_signal;
using rampart::container::signal_name;

TEST(Signals, NamesWithAndWithoutPrefixAnyCase) {
    EXPECT_EQ(parse_signal("TERM"), SIGTERM);
    EXPECT_EQ(parse_signal("SIGTERM"), SIGTERM);
    EXPECT_EQ(parse_signal("sigkill"), SIGKILL);
    EXPECT_EQ(parse_signal("hup"), SIGHUP);
    EXPECT_EQ(parse_signal("SIGWINCH"), SIGWINCH);
}

TEST(Signals, Numbers) {
    EXPECT_EQ(parse_signal("9"), 9);
    EXPECT_EQ(parse_signal("15"), 15);
    EXPECT_THROW(parse_signal("0"), oci::Error);
    EXPECT_THROW(parse_signal("-1"), oci::Error);
    EXPECT_THROW(parse_signal("99"), oci::Error);
}

TEST(Signals, RealTime) {
    EXPECT_EQ(parse_signal("RTMIN"), SIGRTMIN);
    EXPECT_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
    EXPECT_EQ(parse_signal("RTMAX-1"), SIGRTMAX - 1);
    EXPECT_THROW(parse_signal("RTMIN+999"), oci::Error);
}

TEST(Signals, UnknownNamesAreRefused) {
    EXPECT_THROW(parse_signal("FOO"), oci::Error);
    EXPECT_THROW(parse_signal(""), oci::Error);
    EXPECT_THROW(parse_signal("SIG"), oci::Error);
}

TEST(Signals, NameOfNumber) {
    EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
    EXPECT_EQ(signal_name(SIGRTMIN + 2), "SIGRTMIN+2");
}
