// Decision records: JSON form and the append-only decision log.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "policy/apply.hpp"

namespace rampart::policy {
namespace json = oci::json;

std::string now_rfc3339() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm {};
    gmtime_r(&ts.tv_sec, &tm);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%06ldZ", ts.tv_nsec / 1000);
    return buf;
}

namespace {

// mkdir -p for the log's directory (0750 for what it creates).
bool make_dirs(const std::string& dir) {
    if (dir.empty() || dir == "/") return true;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
    size_t slash = dir.rfind('/');
    if (slash != std::string::npos && slash > 0 && !make_dirs(dir.substr(0, slash))) return false;
    return ::mkdir(dir.c_str(), 0750) == 0 || errno == EEXIST;
}

}  // namespace

json::Value Decisions::to_json() const {
    json::Value o = json::Object{};
    o.set("time", time);
    o.set("container_id", container_id);
    o.set("bundle", bundle);
    o.set("policy", policy_file);
    o.set("profile", profile);
    if (!landlock.empty()) o.set("landlock", landlock);
    if (!seccomp_learn.empty()) o.set("seccomp_learn", seccomp_learn);
    o.set("exec", exec);
    json::Array items_json;
    items_json.reserve(items.size());
    for (const auto& d : items) {
        json::Value i = json::Object{};
        i.set("kind", d.kind);
        i.set("rule", d.rule);
        i.set("detail", d.detail);
        items_json.push_back(std::move(i));
    }
    o.set("decisions", json::Value(std::move(items_json)));
    o.set("result", refused() ? "refused" : "allowed");
    if (refused()) o.set("refusal", refusal);
    return o;
}

std::string append_decision_log(const std::string& path, const Decisions& d) {
    if (path.empty()) return {};
    Decisions copy_time = d;
    if (copy_time.time.empty()) copy_time.time = now_rfc3339();
    std::string line = json::serialize(copy_time.to_json()) + "\n";
    size_t slash = path.rfind('/');
    if (slash != std::string::npos && !make_dirs(path.substr(0, slash)))
        return path + ": cannot create its directory: " + std::strerror(errno);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) return path + ": " + std::strerror(errno);
    // One write: O_APPEND keeps concurrent records whole.
    ssize_t n = ::write(fd, line.data(), line.size());
    int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size()))
        return path + ": " + (n < 0 ? std::strerror(err) : "short write");
    return {};
}

}  // namespace rampart::policy
