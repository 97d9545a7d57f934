// `rampart policy show | validate FILE | check --bundle DIR`: the policy layer explained
// without touching containers.
#include <unistd.h>

#include <cstdio>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "policy/apply.hpp"
#include "policy/baseline.hpp"
#include "policy/diff.hpp"
#include "policy/seccomp_profile.hpp"
#include "runtime/cli/registry.hpp"

namespace rampart::cli {
namespace {

void out(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

std::string source_of(const GlobalOptions& g, const ParseResult& r) {
    std::string p = r.flags.str("policy");
    return p.empty() ? g.policy : p;
}

int show(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("policy show", {{{"policy"}, FlagKind::String, "policy file (default: the global --policy, $RAMPART_POLICY, /etc/rampart/policy.toml)", "FILE"}}, args);
    if (!r) return 0;
    expect_args("policy show", *r, 0, 0);
    out(policy::to_toml(policy::load(policy::Source{source_of(g, *r)})));
    return 0;
}

int validate(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("policy validate", {}, args);
    if (!r) return 0;
    expect_args("policy validate", *r, 1, 1);
    const std::string& file = r->positional[0];
    try {
        policy::Baseline b = policy::embedded_baseline();
        policy::merge_policy_file(b, file);
        // A seccomp profile named by a path must load too (it is read at every create).
        auto check_seccomp = [&](const std::optional<std::string>& s, const std::string& where) {
            if (s && !s->empty() && (*s)[0] == '/') {
                try {
                    policy::load_seccomp_profile(*s, policy::SeccompTarget{{}, policy::host_go_arch(), 0, 0});
                } catch (const oci::Error& e) {
                    throw oci::Error(file + ": " + where + ": " + e.what());
                }
            }
        };
        check_seccomp(b.defaults.seccomp, "defaults.seccomp");
        for (const auto& p : b.profiles) check_seccomp(p.defaults.seccomp, "profile \"" + p.name + "\" defaults.seccomp");
    } catch (const oci::Error& e) {
        return fail(g, e.what());
    }
    out(file + ": ok\n");
    return 0;
}

int check(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("policy check",
                           {{{"bundle", "b"}, FlagKind::String, "path to the bundle directory (default: .)", "DIR"},
                            {{"id"}, FlagKind::String, "container id to evaluate as (default: check)", "ID"},
                            {{"exec"}, FlagKind::String, "check this process.json as an exec into the bundle's container", "FILE"},
                            {{"policy"}, FlagKind::String, "policy file", "FILE"}},
                           args);
    if (!r) return 0;
    expect_args("policy check", *r, 0, 0);
    std::string bundle = r->flags.str("bundle", ".");
    if (char buf[4096]; bundle[0] != '/' && ::realpath(bundle.c_str(), buf)) bundle = buf;
    policy::Baseline b = policy::load(policy::Source{source_of(g, *r)});
    oci::Spec spec = oci::load_bundle(bundle);
    policy::Context ctx{r->flags.str("id", "check"), bundle, false};
    policy::Decisions d;
    oci::json::Value before, after;
    if (std::string pf = r->flags.str("exec"); !pf.empty()) {
        policy::Decisions create = policy::apply(spec, b, ctx, policy::detect_host());
        oci::Process p = oci::process_from_json(oci::json::parse_file(pf), pf);
        before = oci::process_to_json(p);
        ctx.exec = true;
        d = policy::apply_exec(p, spec, b, ctx, policy::detect_host());
        after = oci::process_to_json(p);
    } else {
        before = oci::spec_to_json(spec);
        d = policy::apply(spec, b, ctx, policy::detect_host());
        after = oci::spec_to_json(spec);
    }
    out("policy: " + d.policy_file + "\n");
    out("profile: " + (d.profile.empty() ? std::string("(none)") : d.profile) + "\n");
    if (!d.landlock.empty()) out("landlock: " + d.landlock + "\n");
    for (const auto& x : d.items) out(x.kind + "\t" + x.rule + "\t" + x.detail + "\n");
    auto diff = policy::json_diff(before, after);
    out(diff.empty() ? "config: unchanged\n" : "config changes:\n");
    for (const auto& l : diff) out(l + "\n");
    if (d.refused()) {
        std::fflush(stdout);
        return fail(g, d.refusal);
    }
    out("result: allowed\n");
    return 0;
}

int run_policy(GlobalOptions& g, std::vector<std::string>& args) {
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        out("usage: rampart policy show [--policy FILE]\n"
            "       rampart policy validate FILE\n"
            "       rampart policy check [--bundle DIR] [--id ID] [--exec process.json]\n");
        return args.empty() ? 1 : 0;
    }
    std::string sub = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "show") return show(g, rest);
    if (sub == "validate") return validate(g, rest);
    if (sub == "check") return check(g, rest);
    return fail(g, "policy: unknown subcommand \"" + sub + "\" (show, validate, check)");
}

Registrar reg({"policy", "show, validate or check the security policy",
               "policy show|validate FILE|check --bundle DIR", run_policy});

}  // namespace
}  // namespace rampart::cli
