#include "runtime/cli/registry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "oci/error.hpp"
#include "oci/json.hpp"

namespace rampart::cli {
namespace {

std::vector<Command>& registry() {
    static std::vector<Command> cmds;
    return cmds;
}

std::string now_rfc3339() {
    timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm t;
    ::gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    std::snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
    return buf;
}

void log_line(const GlobalOptions& g, const char* level, const std::string& msg) {
    if (g.log.empty()) return;
    std::string line;
    if (g.log_format == "json") {
        oci::json::Value v = oci::json::Object{};
        v.set("level", level);
        v.set("msg", msg);
        v.set("time", now_rfc3339());
        line = oci::json::serialize(v) + "\n";
    } else {
        line = "time=\"" + now_rfc3339() + "\" level=" + level + " msg=" +
               oci::json::serialize(oci::json::Value(msg)) + "\n";
    }
    int fd = ::open(g.log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    (void)!::write(fd, line.data(), line.size());
    ::close(fd);
}

}  // namespace

Registrar::Registrar(Command c) { registry().push_back(c); }

const std::vector<Command>& commands() { return registry(); }

const Command* find_command(std::string_view name) {
    for (const auto& c : registry())
        if (name == c.name) return &c;
    return nullptr;
}

int fail(const GlobalOptions& g, const std::string& msg) {
    std::string line = "rampart: " + msg + "\n";
    (void)!::write(2, line.data(), line.size());
    log_line(g, "error", msg);
    return 1;
}

// With --log, warnings go to the log only, as runc's: under containerd's shim, conmon or
// a detached exec our stderr is the container's stderr.
void warn(const GlobalOptions& g, const std::string& msg) {
    if (!g.log.empty()) {
        log_line(g, "warning", msg);
        return;
    }
    std::string line = "rampart: warning: " + msg + "\n";
    (void)!::write(2, line.data(), line.size());
}

void debug(const GlobalOptions& g, const std::string& msg) {
    if (!g.debug) return;
    if (g.log.empty()) {
        std::string line = "rampart: debug: " + msg + "\n";
        (void)!::write(2, line.data(), line.size());
    }
    log_line(g, "debug", msg);
}

std::optional<ParseResult> parse_command(const char* name, const std::vector<FlagSpec>& specs,
                                         const std::vector<std::string>& args,
                                         bool stop_at_positional) {
    ParseResult r;
    try {
        r = parse_flags(specs, args, stop_at_positional);
    } catch (const oci::Error& e) {
        throw oci::Error(std::string(name) + ": " + e.what());
    }
    if (r.help) {
        const Command* c = find_command(name);
        std::printf("NAME:\n   rampart %s - %s\n\nUSAGE:\n   rampart %s\n", name,
                    c ? c->summary : "", c ? c->usage : name);
        if (!specs.empty()) std::printf("\nOPTIONS:\n%s", flags_usage(specs).c_str());
        return std::nullopt;
    }
    return r;
}

void expect_args(const char* name, const ParseResult& r, size_t min, size_t max) {
    const size_t n = r.positional.size();
    if (n >= min && n <= max) return;
    const Command* c = find_command(name);
    std::string usage = c ? c->usage : name;
    if (n < min) {
        if (min == 1 && max == 1)
            throw oci::Error(std::string(name) + ": requires exactly 1 argument (usage: rampart " + usage + ")");
        throw oci::Error(std::string(name) + ": missing arguments (usage: rampart " + usage + ")");
    }
    throw oci::Error(std::string(name) + ": too many arguments (usage: rampart " + usage + ")");
}

void check_systemd(const GlobalOptions& g) {
    if (!g.systemd_cgroup) return;
    struct stat st;
    if (::stat("/run/systemd/system", &st) != 0)
        throw oci::Error("systemd cgroup driver requested but systemd is not running");
}

}  // namespace rampart::cli
