// rampart: an OCI runtime with runc's command line.
#include <seccomp.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/container/sealed_exe.hpp"
#include "oci/error.hpp"
#include "runtime/cli/registry.hpp"

using namespace rampart::cli;

namespace {

const std::vector<FlagSpec>& global_flags() {
    static const std::vector<FlagSpec> specs = {
        {{"root"}, FlagKind::String, "root directory for storage of container state (default: \"/run/rampart\")"},
        {{"log"}, FlagKind::String, "set the log file to write rampart logs to (default is stderr)"},
        {{"log-format"}, FlagKind::String, "set the log format ('text' (default), or 'json')"},
        {{"debug"}, FlagKind::Bool, "enable debug logging"},
        {{"systemd-cgroup"}, FlagKind::Bool, "enable systemd cgroup support (requires a running systemd)"},
        {{"rootless"}, FlagKind::String, "ignore cgroup permission errors ('true', 'false', or 'auto')"},
        {{"criu"}, FlagKind::String, "accepted for runc compatibility; checkpoint/restore is not supported"},
        {{"policy"}, FlagKind::String, "security policy file (default: $RAMPART_POLICY, /etc/rampart/policy.toml)"},
        {{"version", "v"}, FlagKind::Bool, "print the version"},
    };
    return specs;
}

void print_version() {
    const scmp_version* v = seccomp_version();
    std::printf("rampart version %s\ncommit: none\nspec: 1.2.0\n", RAMPART_VERSION);
    if (v) std::printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

void print_help() {
    std::printf(
        "NAME:\n   rampart - an OCI container runtime with a built-in security policy\n\n"
        "USAGE:\n   rampart [global options] command [command options] [arguments...]\n\n"
        "VERSION:\n   %s\n\nCOMMANDS:\n",
        RAMPART_VERSION);
    for (const auto& c : commands()) std::printf("   %-10s %s\n", c.name, c.summary);
    std::printf("   %-10s %s\n", "help", "shows a list of commands or help for one command");
    std::printf("\nGLOBAL OPTIONS:\n%s", flags_usage(global_flags()).c_str());
    std::printf("   --help, -h                        show help\n");
}

}  // namespace

// Commands that never put a process into a container (nothing of theirs can be reached
// from inside one): they need not run from the protected copy of the binary.
bool stays_outside_containers(int argc, char** argv) {
    static const char* const kValueFlags[] = {"--root", "--log", "--log-format", "--rootless", "--criu", "--policy"};
    static const char* const kSafe[] = {"state", "kill", "delete", "list", "ps", "events", "pause", "resume",
                                        "update", "spec", "features", "policy", "seccomp", "apparmor",
                                        "landlock", "inspect", "checkpoint", "restore"};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.empty()) return false;
        if (a[0] == '-') {
            for (const char* f : kValueFlags)
                if (a == f) ++i;  // its value is the next argument
            continue;
        }
        for (const char* c : kSafe)
            if (a == c) return true;
        return false;  // create, run, exec, help, unknown: protect
    }
    return true;  // no command: --version, --help
}

int main(int argc, char** argv) {
    // First of all: a command that may start container processes runs from a read-only
    // (or write-sealed) copy of this binary, so that a container process reaching the
    // runtime's /proc/PID/exe cannot overwrite the host's binary (CVE-2019-5736).
    if (!stays_outside_containers(argc, argv)) rampart::container::reexec_sealed(argv);
    // A closed stdout/stderr (or a hook not reading its stdin) must not kill the runtime;
    // the container's init resets every disposition before exec.
    std::signal(SIGPIPE, SIG_IGN);
    GlobalOptions g;
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        ParseResult r = parse_flags(global_flags(), args, /*stop_at_positional=*/true);
        g.root = r.flags.str("root", g.root);
        g.log = r.flags.str("log");
        g.log_format = r.flags.str("log-format", "text");
        g.debug = r.flags.flag("debug");
        g.systemd_cgroup = r.flags.flag("systemd-cgroup");
        g.rootless = r.flags.str("rootless");
        g.criu = r.flags.str("criu");
        g.policy = r.flags.str("policy");
        if (g.policy.empty())
            if (const char* p = std::getenv("RAMPART_POLICY")) g.policy = p;
        if (g.log_format != "text" && g.log_format != "json")
            throw oci::Error("unknown log-format \"" + g.log_format + "\" (text or json)");
        if (r.flags.flag("version")) {
            print_version();
            return 0;
        }
        if (r.help || r.positional.empty()) {
            print_help();
            return r.help ? 0 : 1;
        }
        std::string name = r.positional.front();
        std::vector<std::string> rest(r.positional.begin() + 1, r.positional.end());
        if (name == "help" || name == "h") {
            if (rest.empty()) {
                print_help();
                return 0;
            }
            name = rest.front();
            rest = {"--help"};
        }
        const Command* cmd = find_command(name);
        if (!cmd) return fail(g, "command \"" + name + "\" does not exist (see rampart --help)");
        return cmd->run(g, rest);
    } catch (const std::exception& e) {
        return fail(g, e.what());
    }
}
