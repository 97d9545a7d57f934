// ps: the processes of a container's cgroup. --format json prints the pid array;
// table (default) runs ps(1) (default options -ef, or those given after the id) and
// keeps the header plus the lines whose PID column belongs to the container, as runc.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "oci/json.hpp"
#include "runtime/cli/cgroup_cmd.hpp"

namespace rampart::cli {
namespace {

std::string run_ps(const std::vector<std::string>& options) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw oci::SysError("ps: pipe");
    std::vector<std::string> argv_s = {"ps"};
    argv_s.insert(argv_s.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw oci::SysError("ps: fork");
    if (pid == 0) {
        ::dup2(p[1], 1);
        ::execvp("ps", argv.data());
        _exit(127);
    }
    ::close(p[1]);
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) out.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        throw oci::Error("ps: `ps` failed" + std::string(WIFEXITED(st) && WEXITSTATUS(st) == 127 ? " (not found)" : "") +
                         "; output: " + out);
    return out;
}

int run_ps_cmd(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("ps", {{{"format", "f"}, FlagKind::String, "select one of: table or json (default: \"table\")", "value"}},
                           args, true);
    if (!r) return 0;
    if (r->positional.empty()) expect_args("ps", *r, 1, 1);
    const std::string& id = r->positional[0];
    std::string format = r->flags.str("format", "table");
    if (format != "table" && format != "json") throw oci::Error("invalid format option \"" + format + "\"");
    auto t = open_cgroup_target(g, id, false);
    if (t.status == "stopped") throw oci::Error("container " + id + " is not running");
    std::vector<pid_t> pids = t.cgroup->pids();
    if (format == "json") {
        oci::json::Value arr = oci::json::Array{};
        for (pid_t p : pids) arr.push(oci::json::Value(static_cast<int>(p)));
        std::printf("%s\n", oci::json::serialize(arr).c_str());
        return 0;
    }
    std::vector<std::string> options(r->positional.begin() + 1, r->positional.end());
    if (!options.empty() && options[0] == "--") options.erase(options.begin());
    if (options.empty()) options = {"-ef"};
    std::string out = run_ps(options);
    std::istringstream in(out);
    std::string header;
    std::getline(in, header);
    std::istringstream hs(header);
    std::string col;
    int pid_index = -1;
    for (int i = 0; hs >> col; ++i)
        if (col == "PID") pid_index = i;
    if (pid_index < 0) throw oci::Error("couldn't find PID field in ps output");
    std::set<pid_t> wanted(pids.begin(), pids.end());
    std::printf("%s\n", header.c_str());
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string field;
        for (int i = 0; i <= pid_index && (ls >> field); ++i) {
        }
        try {
            if (wanted.count(static_cast<pid_t>(std::stol(field)))) std::printf("%s\n", line.c_str());
        } catch (const std::exception&) {
        }
    }
    return 0;
}

Registrar reg({"ps", "ps displays the processes running inside a container",
               "ps [command options] <container-id> [ps options]", run_ps_cmd});

}  // namespace
}  // namespace rampart::cli
