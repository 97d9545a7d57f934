// detect_host(): what apply() needs to know about this machine.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "oci/linux_names.hpp"
#include "policy/apply.hpp"
#include "policy/seccomp_profile.hpp"

namespace rampart::policy {
namespace {

std::string read_small(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool apparmor_loaded(const std::string& name) {
    // "name (enforce)\n" lines; the file can be large, read it in chunks.
    int fd = ::open("/sys/kernel/security/apparmor/profiles", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    std::string data;
    char buf[16384];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) data.append(buf, static_cast<size_t>(n));
    ::close(fd);
    std::string needle = name + " (";
    for (size_t pos = 0; (pos = data.find(needle, pos)) != std::string::npos; pos += needle.size())
        if (pos == 0 || data[pos - 1] == '\n') return true;
    return false;
}

}  // namespace

Host detect_host() {
    Host h;
    h.arch = host_go_arch();
    auto [major, minor] = host_kernel_version();
    h.kernel_major = major;
    h.kernel_minor = minor;
    const auto& names = oci::all_capability_names();
    int last = static_cast<int>(names.size()) - 1;
    if (std::string s = read_small("/proc/sys/kernel/cap_last_cap"); !s.empty())
        last = std::min(last, std::atoi(s.c_str()));
    h.capabilities.assign(names.begin(), names.begin() + (last + 1));
    h.apparmor_enabled = read_small("/sys/module/apparmor/parameters/enabled").rfind("Y", 0) == 0;
    struct stat st {};
    h.selinux_enabled = ::stat("/sys/fs/selinux/enforce", &st) == 0;
    h.apparmor_profile_loaded = apparmor_loaded;
    h.resolve_path = [](const std::string& p) -> std::string {
        char buf[PATH_MAX];
        return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
    };
    h.is_host_namespace = [](const std::string& path, const std::string& type) {
        struct stat a {}, b {};
        std::string host = "/proc/1/ns/" + oci::namespace_proc_name(type);
        if (::stat(path.c_str(), &a) != 0 || ::stat(host.c_str(), &b) != 0) return false;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    };
    return h;
}

}  // namespace rampart::policy
