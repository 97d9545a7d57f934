// The command registry and the helpers every command uses. A command is one file under
// runtime/cli/ with a static Registrar:
//
//   static int run_pause(GlobalOptions& g, std::vector<std::string>& args) { ... }
//   static Registrar reg({"pause", "pause all processes of a container",
//                         "pause <container-id>", run_pause});
//
// Commands report failures by throwing (oci::Error) or by returning fail(g, "..."):
// one line on stderr ("rampart: <msg>") and, with --log, a line in the log file
// (JSON {"level":"error","msg":...,"time":...} with --log-format json, as runc writes it
// and containerd reads it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cmdline/flags.hpp"

namespace rampart::cli {

struct GlobalOptions {
    std::string root = "/run/rampart";
    std::string log;                  // --log FILE
    std::string log_format = "text";  // text | json
    bool debug = false;
    bool systemd_cgroup = false;
    std::string policy;    // --policy FILE, else $RAMPART_POLICY, else default lookup
    std::string rootless;  // accepted (true|false|auto), not used
    std::string criu;      // accepted, ignored
};

struct Command {
    const char* name;
    const char* summary;
    const char* usage;  // "create [command options] <container-id>"
    int (*run)(GlobalOptions&, std::vector<std::string>& args);
};

struct Registrar {
    explicit Registrar(Command c);
};

const std::vector<Command>& commands();
const Command* find_command(std::string_view name);

// Reporting. fail() returns the exit status to use (1).
int fail(const GlobalOptions& g, const std::string& msg);
void warn(const GlobalOptions& g, const std::string& msg);
void debug(const GlobalOptions& g, const std::string& msg);

// Parses a command's flags. Returns nullopt after printing the command's help (--help);
// the caller then returns 0. Parse errors throw (reported by main as one line).
std::optional<ParseResult> parse_command(const char* name, const std::vector<FlagSpec>& specs,
                                         const std::vector<std::string>& args,
                                         bool stop_at_positional = false);

// Exactly `n` positional arguments (the usual <container-id>), else a usage error.
void expect_args(const char* name, const ParseResult& r, size_t min, size_t max);

// Fails with the systemd error when --systemd-cgroup is set and systemd is not running.
void check_systemd(const GlobalOptions& g);

}  // namespace rampart::cli
