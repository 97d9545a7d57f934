#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"

namespace rampart::cli {
namespace {

int run_delete(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("delete", {{{"force", "f"}, FlagKind::Bool, "forcibly deletes the container if it is still running (uses SIGKILL)"}}, args);
    if (!r) return 0;
    expect_args("delete", *r, 1, 1);
    container::Store store(g.root);
    for (const auto& w : container::remove(store, r->positional[0], r->flags.flag("force"))) warn(g, w);
    return 0;
}

Registrar reg({"delete", "delete any resources held by the container often used with detached container",
               "delete [command options] <container-id>", run_delete});

}  // namespace
}  // namespace rampart::cli
