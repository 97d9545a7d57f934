#include "policy/docker_default.hpp"

#include "oci/json.hpp"

namespace rampart::policy {

namespace {
constexpr std::string_view kSeccompJson =
#include "policy/docker_default_seccomp.inc"
    ;
}  // namespace

const std::vector<std::string>& docker_default_capabilities() {
    static const std::vector<std::string> caps = {
        "CAP_CHOWN",  "CAP_DAC_OVERRIDE",     "CAP_FSETID",     "CAP_FOWNER",   "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID",          "CAP_SETUID",     "CAP_SETFCAP",  "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
    return caps;
}

const std::vector<std::string>& docker_masked_paths() {
    static const std::vector<std::string> paths = {
        "/proc/asound",     "/proc/acpi",        "/proc/kcore",       "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap"};
    return paths;
}

const std::vector<std::string>& docker_readonly_paths() {
    static const std::vector<std::string> paths = {"/proc/bus", "/proc/fs", "/proc/irq",
                                                   "/proc/sys", "/proc/sysrq-trigger"};
    return paths;
}

std::string_view docker_default_seccomp_json() { return kSeccompJson; }

const DockerProfile& docker_default_seccomp() {
    static const DockerProfile profile = docker_profile_from_json(
        oci::json::parse(kSeccompJson, "(embedded docker-default seccomp)"),
        "(embedded docker-default seccomp)");
    return profile;
}

}  // namespace rampart::policy
