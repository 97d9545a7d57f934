// bane's TOML profile format (https://github.com/genuinetools/bane's sample.toml shape):
//
//   Name = "nginx-sample"
//   [Filesystem]   ReadOnlyPaths LogOnWritePaths WritablePaths AllowExec DenyExec  (string arrays)
//   [Capabilities] Allow                                                          (string array)
//   [Network]      Raw Packet (booleans), Protocols (string array)
//
// One parsed profile feeds two enforcers: the AppArmor generator (apparmor_gen.hpp) and
// the Landlock planner (runtime/security/landlock.hpp). Keys match case-insensitively, as
// bane's TOML decoder does; anything else is an error naming the file and line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rampart::policy {

struct BaneProfile {
    std::string source;  // file name used in messages ("nginx.toml")
    std::string name;    // Name as written ("nginx-sample")

    std::vector<std::string> read_only_paths;
    std::vector<std::string> log_on_write_paths;
    std::vector<std::string> writable_paths;
    std::vector<std::string> allow_exec;
    std::vector<std::string> deny_exec;

    std::vector<std::string> capabilities;  // lower case, no CAP_ prefix ("net_bind_service")

    bool network_raw = false;
    bool network_packet = false;
    std::vector<std::string> protocols;  // lower case ("tcp", "udp", "icmp")
    bool has_network = false;            // a [Network] table was present
};

// Parses TOML text. Errors (oci::Error): "nginx.toml:7: unknown key \"Foo\" in [Filesystem]",
// "nginx.toml:9: Filesystem.ReadOnlyPaths: array where ... expected", ... Validates:
// Name non-empty and made of [A-Za-z0-9._-]; paths absolute (or starting with an
// AppArmor variable "@{"), no NUL/newline/quote/control characters; capability names
// known to the kernel (with or without "CAP_", any case); protocols among tcp udp icmp.
BaneProfile parse_bane_toml(std::string_view text, const std::string& source);

// Reads and parses a file; errors name the path.
BaneProfile load_bane_toml(const std::string& path);

}  // namespace rampart::policy
