// resume: thaw a paused container.
#include "runtime/cli/cgroup_cmd.hpp"

namespace rampart::cli {
namespace {

int run_resume(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("resume", {}, args);
    if (!r) return 0;
    expect_args("resume", *r, 1, 1);
    const std::string& id = r->positional[0];
    auto t = open_cgroup_target(g, id, true);
    if (t.status != "paused")
        throw oci::Error("cannot resume container " + id + ": it is not paused (" + t.status + ")");
    t.cgroup->thaw();
    return 0;
}

Registrar reg({"resume", "resumes all processes that have been previously paused", "resume <container-id>",
               run_resume});

}  // namespace
}  // namespace rampart::cli
