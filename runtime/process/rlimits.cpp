// process.rlimits -> setrlimit (prlimit on ourselves).
#include <sys/resource.h>

#include <string_view>

#include "oci/error.hpp"
#include "runtime/process/process.hpp"

namespace rampart::process {
namespace {

struct RlimitName {
    std::string_view name;
    int resource;
};

constexpr RlimitName kRlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

int resource_of(const std::string& name) {
    for (const auto& r : kRlimits)
        if (r.name == name) return r.resource;
    return -1;
}

}  // namespace

void apply_rlimits(const std::vector<oci::Rlimit>& rlimits) {
    for (size_t i = 0; i < rlimits.size(); ++i) {
        const oci::Rlimit& r = rlimits[i];
        const std::string what = "process.rlimits[" + std::to_string(i) + "] " + r.type;
        int resource = resource_of(r.type);
        if (resource < 0) throw oci::Error(what + ": unknown rlimit type");
        if (r.soft > r.hard)
            throw oci::Error(what + ": soft limit " + std::to_string(r.soft) +
                             " is above the hard limit " + std::to_string(r.hard));
        struct rlimit lim {};
        lim.rlim_cur = r.soft;
        lim.rlim_max = r.hard;
        if (prlimit(0, static_cast<__rlimit_resource>(resource), &lim, nullptr) != 0)
            throw oci::SysError(what + ": setrlimit(soft " + std::to_string(r.soft) + ", hard " +
                                std::to_string(r.hard) + ")");
    }
}

}  // namespace rampart::process
