// Command-line flags the way urfave/cli (runc's parser) reads them, so that go-runc,
// containerd-shim-runc-v2, Docker and podman can call rampart exactly as they call runc:
//   -flag, --flag, --flag=value, -flag=value, "--flag value"; booleans take no value
//   (but accept --flag=true|false); repeated flags accumulate; "--" ends the flags.
// Flags may follow positional arguments (urfave reorders them) unless `stop_at_positional`
// is set (exec: everything after the container id belongs to the command).
// Library code: throws oci::Error with Go's wording ("flag provided but not defined: -x").
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rampart::cli {

enum class FlagKind { Bool, String, Int, List };

struct FlagSpec {
    std::vector<std::string> names;  // first is canonical: {"bundle", "b"}
    FlagKind kind = FlagKind::Bool;
    std::string help;
    std::string value_name;  // shown in usage: --bundle value
};

class ParsedFlags {
public:
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    // Last value given (flags given twice: the last wins, as in Go).
    std::string str(const std::string& name, const std::string& def = "") const;
    // Int flags; throws "invalid value \"x\" for flag -name" on garbage.
    long long num(const std::string& name, long long def = 0) const;
    bool flag(const std::string& name) const;  // bool flags
    std::vector<std::string> list(const std::string& name) const;

    void add(const std::string& name, std::string value) { values_[name].push_back(std::move(value)); }

private:
    std::map<std::string, std::vector<std::string>> values_;
};

struct ParseResult {
    ParsedFlags flags;
    std::vector<std::string> positional;
    bool help = false;  // -h / --help was given
};

ParseResult parse_flags(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
                        bool stop_at_positional = false);

// "   --bundle value, -b value  path to the root of the bundle directory" lines.
std::string flags_usage(const std::vector<FlagSpec>& specs);

}  // namespace rampart::cli
