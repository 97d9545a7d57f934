// The runtime's entry points: load, apply, log, refuse.
#include <ctime>

#include "policy/apply.hpp"
#include "policy/baseline.hpp"
#include "policy/policy.hpp"

namespace rampart::policy {
namespace {

// A policy that cannot be read refuses everything (fail closed).
Baseline load_or_refuse(const Source& src) {
    try {
        return load(src);
    } catch (const Refused&) {
        throw;
    } catch (const oci::Error& e) {
        throw Refused(std::string("policy: ") + e.what());
    }
}

void log_and_check(const Baseline& b, Decisions& d) {
    if (d.time.empty()) d.time = now_rfc3339();
    if (std::string err = append_decision_log(b.decision_log, d); !err.empty())
        d.items.push_back(Decision{"warn", "decision_log", "cannot write the decision log: " + err});
    if (d.refused()) throw Refused(d.refusal);
}

}  // namespace

Decisions enforce_create(oci::Spec& spec, const Context& ctx, const Source& src) {
    Baseline b = load_or_refuse(src);
    Host host = detect_host();
    Decisions d;
    try {
        d = apply(spec, b, ctx, host);
    } catch (const oci::Error& e) {
        throw Refused(std::string("policy: ") + e.what());
    }
    log_and_check(b, d);
    return d;
}

Decisions enforce_exec(oci::Process& process, const oci::Spec& container_spec, const Context& ctx,
                       const Source& src) {
    Baseline b = load_or_refuse(src);
    Host host = detect_host();
    Context c = ctx;
    c.exec = true;
    Decisions d = apply_exec(process, container_spec, b, c, host);
    log_and_check(b, d);
    return d;
}

}  // namespace rampart::policy
