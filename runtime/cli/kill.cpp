#include <csignal>

#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"
#include "runtime/container/signals.hpp"

namespace rampart::cli {
namespace {

int run_kill(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("kill", {{{"all", "a"}, FlagKind::Bool, "send the specified signal to all processes inside the container"}}, args);
    if (!r) return 0;
    expect_args("kill", *r, 1, 2);
    int sig = r->positional.size() == 2 ? container::parse_signal(r->positional[1]) : SIGTERM;
    container::Store store(g.root);
    container::kill(store, r->positional[0], sig, r->flags.flag("all"));
    return 0;
}

Registrar reg({"kill", "kill sends the specified signal (default: SIGTERM) to the container's init process",
               "kill [command options] <container-id> [signal]", run_kill});

}  // namespace
}  // namespace rampart::cli
