// process.rlimits -> setrlimit (prlimit on ourselves).
#include <sys/resource.h>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"
#include "runtime/process/process.hpp"

namespace rampart::process {

void apply_rlimits(const std::vector<oci::Rlimit>& rlimits) {
    for (size_t i = 0; i < rlimits.size(); ++i) {
        const oci::Rlimit& r = rlimits[i];
        const std::string what = "process.rlimits[" + std::to_string(i) + "] " + r.type;
        int resource = oci::rlimit_number(r.type);
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
