#include "oci/error.hpp"
#include "runtime/cli/create_common.hpp"

namespace rampart::cli {
namespace {

int run_run(GlobalOptions& g, std::vector<std::string>& args) {
    auto flags = create_flags();
    flags.push_back({{"detach", "d"}, FlagKind::Bool, "detach from the container's process"});
    flags.push_back({{"no-subreaper"}, FlagKind::Bool, "accepted for runc compatibility"});
    flags.push_back({{"keep"}, FlagKind::Bool, "accepted for runc compatibility"});
    flags.push_back({{"seccomp-learn"}, FlagKind::String, "record every syscall the container makes and write a minimal seccomp profile (Docker format) to FILE when it exits", "FILE"});
    auto r = parse_command("run", flags, args);
    if (!r) return 0;
    expect_args("run", *r, 1, 1);
    check_systemd(g);
    container::Store store(g.root);
    container::CreateOptions o = create_options(g, *r);
    o.seccomp_learn = r->flags.str("seccomp-learn");
    const bool detach = r->flags.flag("detach");
    std::vector<std::string> warnings;
    int status = container::run(store, o, detach, warnings);
    for (const auto& w : warnings) warn(g, w);
    return status;
}

Registrar reg({"run", "create and run a container",
               "run [command options] <container-id>", run_run});

}  // namespace
}  // namespace rampart::cli
