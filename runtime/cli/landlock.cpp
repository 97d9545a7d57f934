// rampart landlock plan FILE.toml [--rootfs DIR]: the Landlock ruleset a bane TOML profile
// becomes on this kernel, and what it cannot express.
#include <cstdio>

#include "oci/json.hpp"
#include "policy/bane_toml.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/security/landlock.hpp"

namespace rampart::cli {
namespace {

int run_landlock(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("landlock",
                           {{{"rootfs"}, FlagKind::String, "container root to resolve paths in (missing files, interpreters)", "DIR"},
                            {{"abi"}, FlagKind::Int, "plan for this Landlock ABI instead of the kernel's", "N"},
                            {{"format", "f"}, FlagKind::String, "text or json", "value"}},
                           args);
    if (!r) return 0;
    expect_args("landlock", *r, 2, 2);
    if (r->positional[0] != "plan")
        return fail(g, "landlock: unknown subcommand \"" + r->positional[0] + "\" (plan)");
    int abi = static_cast<int>(r->flags.num("abi", security::landlock_abi()));
    auto plan = security::plan_landlock(policy::load_bane_toml(r->positional[1]), abi,
                                        r->flags.str("rootfs"));
    if (r->flags.str("format", "text") == "json") {
        std::printf("%s\n", oci::json::serialize(plan.to_json(), true).c_str());
        return 0;
    }
    std::printf("profile  %s (%s)\nabi      %d\nhandled  %s%s\nrules\n", plan.profile.c_str(),
                plan.source.c_str(), plan.abi, security::landlock_access_names(plan.handled_fs).c_str(),
                plan.handled_net ? " + tcp bind/connect" : "");
    for (const auto& rule : plan.rules)
        std::printf("  %-22s %-40s %s\n", rule.path.c_str(),
                    security::landlock_access_names(rule.access).c_str(), rule.origin.c_str());
    if (!plan.warnings.empty()) std::printf("warnings\n");
    for (const auto& w : plan.warnings) std::printf("  %s\n", w.c_str());
    return 0;
}

Registrar reg({"landlock", "show the Landlock ruleset a bane TOML profile becomes",
               "landlock plan [--rootfs DIR] [--abi N] [--format text|json] FILE.toml", run_landlock});

}  // namespace
}  // namespace rampart::cli
