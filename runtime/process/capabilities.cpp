// process.capabilities: the five sets, applied with libcap-ng after the uid switch.
//
// Order matters: the effective set is first raised to the permitted set (the uid switch
// cleared it) so CAP_SETPCAP can drop the bounding set; then effective, permitted and
// inheritable are set; ambient last (it needs each cap permitted and inheritable).
// Capabilities the running kernel does not know (above cap_last_cap) are skipped, so a
// config written for a newer kernel still runs. Capabilities the runtime does not hold
// itself (outside its bounding or permitted set) are skipped too and returned: nobody
// could grant them, and runc/crun fail `--privileged` on such hosts.
#include <cap-ng.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"
#include "runtime/process/process.hpp"

namespace rampart::process {
namespace {

int kernel_last_cap() {
    std::ifstream in("/proc/sys/kernel/cap_last_cap");
    int last = -1;
    if (in >> last && last > 0) return last;
    return CAP_LAST_CAP;
}

std::set<int> numbers(const std::vector<std::string>& names, int last) {
    std::set<int> out;
    for (const auto& n : names) {
        int c = oci::capability_number(n);
        if (c >= 0 && c <= last) out.insert(c);
    }
    return out;
}

// The capabilities this process could hand on: in its bounding set and permitted.
std::set<int> held_capabilities(int last) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &hdr, data) != 0) throw oci::SysError("capget");
    std::set<int> out;
    for (int cap = 0; cap <= last; ++cap) {
        const bool permitted = (data[cap / 32].permitted >> (cap % 32)) & 1u;
        if (permitted && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) out.insert(cap);
    }
    return out;
}

void raise_effective_to_permitted() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &hdr, data) != 0) throw oci::SysError("capget");
    for (auto& d : data) d.effective = d.permitted;
    if (syscall(SYS_capset, &hdr, data) != 0) throw oci::SysError("capset (raise effective)");
}

}  // namespace

std::vector<std::string> unavailable_capabilities(const oci::Capabilities& c) {
    const int last = kernel_last_cap();
    const std::set<int> held = held_capabilities(last);
    std::set<int> missing;
    for (const auto* set : {&c.bounding, &c.effective, &c.permitted, &c.inheritable, &c.ambient})
        for (int cap : numbers(*set, last))
            if (!held.count(cap)) missing.insert(cap);
    std::vector<std::string> names;
    for (int cap : missing) names.push_back(oci::all_capability_names().at(static_cast<size_t>(cap)));
    return names;
}

std::vector<std::string> apply_capabilities(const oci::Capabilities* caps) {
    static const oci::Capabilities kNone;
    const oci::Capabilities& c = caps ? *caps : kNone;
    const int last = kernel_last_cap();

    const std::set<int> held = held_capabilities(last);
    std::set<int> unavailable;
    auto grantable = [&](const std::vector<std::string>& names) {
        std::set<int> out;
        for (int cap : numbers(names, last)) {
            if (held.count(cap)) out.insert(cap);
            else unavailable.insert(cap);
        }
        return out;
    };
    const std::set<int> bounding = numbers(c.bounding, last);
    const std::set<int> effective = grantable(c.effective);
    const std::set<int> permitted = grantable(c.permitted);
    const std::set<int> inheritable = grantable(c.inheritable);
    const std::set<int> ambient = grantable(c.ambient);

    raise_effective_to_permitted();
    for (int cap = 0; cap <= last; ++cap) {
        if (bounding.count(cap)) continue;
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0) continue;  // already gone / unknown
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            throw oci::SysError("process.capabilities.bounding: drop " +
                                std::string(capng_capability_to_name(cap) ?: "?") +
                                " (prctl PR_CAPBSET_DROP)");
    }

    capng_clear(CAPNG_SELECT_CAPS);
    for (int cap : effective) capng_update(CAPNG_ADD, CAPNG_EFFECTIVE, cap);
    for (int cap : permitted) capng_update(CAPNG_ADD, CAPNG_PERMITTED, cap);
    for (int cap : inheritable) capng_update(CAPNG_ADD, CAPNG_INHERITABLE, cap);
    if (capng_apply(CAPNG_SELECT_CAPS) != 0)
        throw oci::SysError(
            "process.capabilities: capset (effective/permitted/inheritable); effective must "
            "be a subset of permitted, and permitted of what the runtime holds",
            errno ? errno : EPERM);

    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        throw oci::SysError("process.capabilities.ambient: clear (prctl PR_CAP_AMBIENT)");
    for (int cap : ambient) {
        // The kernel only allows ambient caps that are permitted and inheritable; runc
        // skips the others with a warning, and so do we (silently: library code).
        if (!permitted.count(cap) || !inheritable.count(cap)) continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
            throw oci::SysError("process.capabilities.ambient: raise " +
                                std::string(capng_capability_to_name(cap) ?: "?"));
    }
    std::vector<std::string> names;
    const auto& all = oci::all_capability_names();
    for (int cap : unavailable)
        names.push_back(cap < static_cast<int>(all.size()) ? all[static_cast<size_t>(cap)]
                                                           : "CAP_" + std::to_string(cap));
    return names;
}

}  // namespace rampart::process
