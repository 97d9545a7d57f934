// pause: freeze every process of the container (freezer on v1, cgroup.freeze on v2).
#include "runtime/cli/cgroup_cmd.hpp"

namespace rampart::cli {
namespace {

int run_pause(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("pause", {}, args);
    if (!r) return 0;
    expect_args("pause", *r, 1, 1);
    const std::string& id = r->positional[0];
    auto t = open_cgroup_target(g, id, true);
    if (t.status == "paused") throw oci::Error("cannot pause container " + id + ": it is already paused");
    if (t.status != "running" && t.status != "created")
        throw oci::Error("cannot pause container " + id + ": it is not running (" + t.status + ")");
    t.cgroup->freeze();
    return 0;
}

Registrar reg({"pause", "pause suspends all processes inside the container", "pause <container-id>", run_pause});

}  // namespace
}  // namespace rampart::cli
