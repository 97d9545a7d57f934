// events: container statistics and OOM notices as JSON lines, the way runc prints them:
//   {"type":"stats","id":"c1","data":{"cpu":{...},"memory":{...},"pids":{...},...}}
//   {"type":"oom","id":"c1"}
// --stats prints one stats object and exits; otherwise stats every --interval and an
// "oom" line whenever the OOM killer fires, until the container stops.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "oci/json.hpp"
#include "runtime/cli/cgroup_cmd.hpp"

namespace rampart::cli {
namespace {

// Go durations as urfave/cli takes them: "5s", "100ms", "1m30s", "1.5s", "250us".
std::chrono::microseconds parse_duration(const std::string& s) {
    auto bad = [&] { return oci::Error("invalid value \"" + s + "\" for flag -interval: expected a duration such as 5s or 500ms"); };
    if (s.empty()) throw bad();
    double total_us = 0;
    size_t i = 0;
    while (i < s.size()) {
        size_t start = i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        if (i == start) throw bad();
        double v = std::stod(s.substr(start, i - start));
        size_t u = i;
        while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
        std::string unit = s.substr(u, i - u);
        double mult = unit == "h" ? 3.6e9 : unit == "m" ? 6e7 : unit == "s" ? 1e6 : unit == "ms" ? 1e3
                    : (unit == "us" || unit == "µs") ? 1 : unit == "ns" ? 1e-3 : -1;
        if (mult < 0) throw bad();
        total_us += v * mult;
    }
    if (total_us <= 0) throw oci::Error("invalid value \"" + s + "\" for flag -interval: must be positive");
    return std::chrono::microseconds(static_cast<long long>(std::llround(total_us)));
}

void emit(const std::string& type, const std::string& id, const oci::json::Value* data) {
    oci::json::Value ev = oci::json::Object{};
    ev.set("type", type);
    ev.set("id", id);
    if (data) ev.set("data", *data);
    std::string line = oci::json::serialize(ev) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

int run_events(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("events",
                           {{{"interval"}, FlagKind::String, "set the stats collection interval (default: 5s)", "value"},
                            {{"stats"}, FlagKind::Bool, "display the container's stats then exit", ""}},
                           args);
    if (!r) return 0;
    expect_args("events", *r, 1, 1);
    const std::string& id = r->positional[0];
    auto interval = parse_duration(r->flags.str("interval", "5s"));
    auto t = open_cgroup_target(g, id, false);
    if (t.status == "stopped") throw oci::Error("container " + id + " is not running");
    if (r->flags.flag("stats")) {
        auto data = t.cgroup->stats();
        emit("stats", id, &data);
        return 0;
    }
    uint64_t ooms = t.cgroup->oom_kills();
    auto next_stats = std::chrono::steady_clock::now();
    const auto poll = std::min<std::chrono::microseconds>(interval, std::chrono::milliseconds(200));
    for (;;) {
        uint64_t now_ooms = t.cgroup->oom_kills();
        for (; ooms < now_ooms; ++ooms) emit("oom", id, nullptr);
        std::string status;
        try {
            auto cur = open_cgroup_target(g, id, false);
            status = cur.status;
        } catch (const oci::Error&) {
            status = "stopped";  // deleted
        }
        if (status == "stopped") return 0;
        if (std::chrono::steady_clock::now() >= next_stats) {
            auto data = t.cgroup->stats();
            emit("stats", id, &data);
            next_stats += interval;
        }
        std::this_thread::sleep_for(poll);
    }
}

Registrar reg({"events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
               "events [command options] <container-id>", run_events});

}  // namespace
}  // namespace rampart::cli
