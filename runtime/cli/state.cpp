#include <cstdio>

#include "oci/json.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"

namespace rampart::cli {
namespace {

int run_state(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("state", {}, args);
    if (!r) return 0;
    expect_args("state", *r, 1, 1);
    container::Store store(g.root);
    container::Handle h = store.open(r->positional[0], false);
    container::Record rec = h.read();
    std::string out = oci::json::serialize(container::state_json(rec, container::status_of(rec, h)), true);
    std::printf("%s\n", out.c_str());
    return 0;
}

Registrar reg({"state", "output the state of a container", "state <container-id>", run_state});

}  // namespace
}  // namespace rampart::cli
