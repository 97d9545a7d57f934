// Signal names as `kill` accepts them: "TERM", "SIGTERM", "15", "sigkill", "RTMIN+3".
#pragma once

#include <string>
#include <string_view>

namespace rampart::container {

// Returns the signal number; throws oci::Error("unknown signal \"FOO\"") otherwise.
int parse_signal(std::string_view text);

// "SIGTERM" for 15; "SIGRTMIN+3" for real-time signals; "" when unknown.
std::string signal_name(int sig);

}  // namespace rampart::container
