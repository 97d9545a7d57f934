#include "oci/error.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/container/exec.hpp"

namespace rampart::cli {
namespace {

const std::vector<FlagSpec>& exec_flags() {
    static const std::vector<FlagSpec> specs = {
        {{"console-socket"}, FlagKind::String, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal"},
        {{"cwd"}, FlagKind::String, "current working directory in the container"},
        {{"env", "e"}, FlagKind::List, "set environment variables"},
        {{"tty", "t"}, FlagKind::Bool, "allocate a pseudo-TTY"},
        {{"user", "u"}, FlagKind::String, "UID (format: <uid>[:<gid>])"},
        {{"additional-gids", "g"}, FlagKind::List, "additional gids"},
        {{"process", "p"}, FlagKind::String, "path to the process.json"},
        {{"detach", "d"}, FlagKind::Bool, "detach from the container's process"},
        {{"pid-file"}, FlagKind::String, "specify the file to write the process id to"},
        {{"process-label"}, FlagKind::String, "set the asm process label for the process commonly used with selinux"},
        {{"apparmor"}, FlagKind::String, "set the apparmor profile for the process"},
        {{"no-new-privs"}, FlagKind::Bool, "set the no new privileges value for the process"},
        {{"cap", "c"}, FlagKind::List, "add a capability to the bounding set for the process"},
        {{"preserve-fds"}, FlagKind::Int, "Pass N additional file descriptors to the container (stdio + N in total) (default: 0)"},
        {{"cgroup"}, FlagKind::List, "run the process in an (existing) sub-cgroup (not supported by rampart)"},
        {{"ignore-paused"}, FlagKind::Bool, "allow exec in a paused container"},
    };
    return specs;
}

int run_exec(GlobalOptions& g, std::vector<std::string>& args) {
    // Everything after the container id is the command and its own flags.
    auto r = parse_command("exec", exec_flags(), args, /*stop_at_positional=*/true);
    if (!r) return 0;
    const ParsedFlags& f = r->flags;
    container::ExecOptions o;
    o.process_file = f.str("process");
    if (r->positional.empty())
        throw oci::Error("exec: a container id is required (usage: rampart exec [command options] "
                         "<container-id> <command> [args...] || -p process.json <container-id>)");
    o.id = r->positional.front();
    o.args.assign(r->positional.begin() + 1, r->positional.end());
    if (!o.process_file.empty() && !o.args.empty())
        throw oci::Error("exec: give either --process FILE or a command, not both");
    if (o.process_file.empty() && o.args.empty())
        throw oci::Error("exec: a command to run is required (or --process FILE)");
    o.tty = f.flag("tty");
    if (f.has("cwd")) o.cwd = f.str("cwd");
    o.env = f.list("env");
    if (f.has("user")) o.user = f.str("user");
    o.additional_gids = f.list("additional-gids");
    o.caps = f.list("cap");
    o.no_new_privs = f.flag("no-new-privs");
    if (f.has("process-label")) o.process_label = f.str("process-label");
    if (f.has("apparmor")) o.apparmor = f.str("apparmor");
    o.detach = f.flag("detach");
    o.pid_file = f.str("pid-file");
    o.console_socket = f.str("console-socket");
    long long n = f.num("preserve-fds", 0);
    if (n < 0 || n > 65000) throw oci::Error("--preserve-fds: invalid number " + std::to_string(n));
    o.preserve_fds = static_cast<int>(n);
    o.ignore_paused = f.flag("ignore-paused");
    for (const auto& c : f.list("cgroup"))
        if (!c.empty()) throw oci::Error("exec --cgroup " + c + ": sub-cgroups are not supported by rampart");
    o.policy_path = g.policy;
    container::Store store(g.root);
    std::vector<std::string> warnings;
    int status = container::exec(store, o, warnings);
    for (const auto& w : warnings) warn(g, w);
    return status;
}

Registrar reg({"exec", "execute new process inside the container",
               "exec [command options] <container-id> <command> [command options]  || -p process.json <container-id>\n\n"
               "Where \"<container-id>\" is the name for the instance of the container and\n"
               "\"<command>\" is the command to be executed in the container.\n"
               "\"<command>\" can't be empty unless a \"-p\" flag provided.",
               run_exec});

}  // namespace
}  // namespace rampart::cli
