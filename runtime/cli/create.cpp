#include "oci/error.hpp"
#include "runtime/cli/create_common.hpp"

namespace rampart::cli {
namespace {

int run_create(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("create", create_flags(), args);
    if (!r) return 0;
    expect_args("create", *r, 1, 1);
    check_systemd(g);
    container::Store store(g.root);
    for (const auto& w : container::create(store, create_options(g, *r)).warnings) warn(g, w);
    return 0;
}

Registrar reg({"create", "create a container",
               "create [command options] <container-id>\n\n"
               "Where \"<container-id>\" is your name for the instance of the container that you\n"
               "are starting. The name you provide for the container instance must be unique on\n"
               "your host.",
               run_create});

}  // namespace
}  // namespace rampart::cli
