// rampart inspect: what a container's processes run with (capabilities like getpcaps,
// no_new_privs, seccomp, LSM label, Landlock, namespaces, cgroup, policy decisions).
#include <cstdio>

#include "oci/json.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/inspect/inspect.hpp"

namespace rampart::cli {
namespace {

int run_inspect(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("inspect",
                           {{{"format", "f"}, FlagKind::String, "text or json", "value"},
                            {{"all", "a"}, FlagKind::Bool, "every process of the container, not only its init"}},
                           args);
    if (!r) return 0;
    expect_args("inspect", *r, 1, 1);
    const std::string format = r->flags.str("format", "text");
    if (format != "text" && format != "json")
        return fail(g, "inspect: --format must be text or json, not \"" + format + "\"");
    inspect::ContainerInfo c = inspect::inspect_container(g.root, r->positional[0], r->flags.flag("all"));
    if (format == "json")
        std::printf("%s\n", oci::json::serialize(inspect::to_json(c), true).c_str());
    else
        std::fputs(inspect::to_text(c).c_str(), stdout);
    return 0;
}

Registrar reg({"inspect",
               "show a container's capabilities, seccomp, LSM/Landlock, namespaces, cgroup and policy decisions",
               "inspect [--format text|json] [--all] <container-id>", run_inspect});

}  // namespace
}  // namespace rampart::cli
