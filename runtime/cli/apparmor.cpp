// rampart apparmor generate|load FILE.toml: bane's TOML format to an AppArmor profile.
#include <cstdio>
#include <fstream>

#include "oci/error.hpp"
#include "policy/apparmor_gen.hpp"
#include "policy/bane_toml.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/security/apparmor.hpp"

namespace rampart::cli {
namespace {

int run_apparmor(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("apparmor",
                           {{{"output", "o"}, FlagKind::String, "write the profile to FILE instead of stdout", "FILE"},
                            {{"check"}, FlagKind::Bool, "generate: also compile it with apparmor_parser -Q (nothing loaded)"}},
                           args);
    if (!r) return 0;
    expect_args("apparmor", *r, 2, 2);
    const std::string& verb = r->positional[0];
    policy::BaneProfile profile = policy::load_bane_toml(r->positional[1]);
    std::string text = policy::generate_apparmor(profile);
    const std::string name = policy::apparmor_profile_name(profile);
    if (verb == "generate") {
        if (r->flags.flag("check")) {
            std::string err = security::check_apparmor_profile(text);
            if (!err.empty()) return fail(g, "apparmor_parser refused the generated profile: " + err);
        }
        const std::string out = r->flags.str("output");
        if (out.empty()) {
            std::fputs(text.c_str(), stdout);
        } else {
            std::ofstream f(out, std::ios::trunc);
            f << text;
            if (!f.flush()) throw oci::SysError("apparmor: write " + out);
            std::fprintf(stderr, "profile %s written to %s\n", name.c_str(), out.c_str());
        }
        return 0;
    }
    if (verb == "load") {
        security::load_apparmor_profile(name, text);
        std::printf("profile %s loaded (use it with process.apparmorProfile or "
                    "--security-opt apparmor=%s)\n", name.c_str(), name.c_str());
        return 0;
    }
    return fail(g, "apparmor: unknown subcommand \"" + verb + "\" (generate, load)");
}

Registrar reg({"apparmor", "generate or load an AppArmor profile from a bane TOML file",
               "apparmor generate [-o OUT] [--check] FILE.toml | apparmor load FILE.toml", run_apparmor});

}  // namespace
}  // namespace rampart::cli
