#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"

namespace rampart::cli {
namespace {

int run_start(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("start", {}, args);
    if (!r) return 0;
    expect_args("start", *r, 1, 1);
    container::Store store(g.root);
    for (const auto& w : container::start(store, r->positional[0])) warn(g, w);
    return 0;
}

Registrar reg({"start", "executes the user defined process in a created container",
               "start <container-id>", run_start});

}  // namespace
}  // namespace rampart::cli
