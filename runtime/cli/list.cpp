#include <cstdio>
#include <fstream>

#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"

namespace rampart::cli {
namespace {

std::string owner_name(uint32_t uid) {
    // /etc/passwd directly: NSS does not work in a static binary.
    std::ifstream in("/etc/passwd");
    std::string line;
    const std::string want = std::to_string(uid);
    while (std::getline(in, line)) {
        auto a = line.find(':');
        auto b = a == std::string::npos ? a : line.find(':', a + 1);
        auto c = b == std::string::npos ? b : line.find(':', b + 1);
        if (c != std::string::npos && line.compare(b + 1, c - b - 1, want) == 0) return line.substr(0, a);
    }
    return "#" + want;
}

int run_list(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("list",
                           {{{"format", "f"}, FlagKind::String, "select one of: table or json (default: \"table\")"},
                            {{"quiet", "q"}, FlagKind::Bool, "display only container IDs"}},
                           args);
    if (!r) return 0;
    expect_args("list", *r, 0, 0);
    const std::string format = r->flags.str("format", "table");
    if (format != "table" && format != "json") throw oci::Error("invalid format option \"" + format + "\"");
    container::Store store(g.root);
    struct Row {
        container::Record rec;
        std::string status;
    };
    std::vector<Row> rows;
    for (const auto& id : store.list()) {
        try {
            container::Handle h = store.open(id, false);
            container::Record rec = h.read();
            rows.push_back({rec, container::status_of(rec, h)});
        } catch (const oci::Error&) {
            // Removed meanwhile, or a half-created directory: not listed.
        }
    }
    if (r->flags.flag("quiet")) {
        for (const auto& row : rows) std::printf("%s\n", row.rec.id.c_str());
        return 0;
    }
    if (format == "json") {
        oci::json::Value arr = oci::json::Array{};
        for (const auto& row : rows) {
            oci::json::Value v = container::state_json(row.rec, row.status);
            v.set("owner", owner_name(row.rec.owner));
            arr.push(std::move(v));
        }
        std::printf("%s\n", oci::json::serialize(arr).c_str());
        return 0;
    }
    std::printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (const auto& row : rows)
        std::printf("%-12s %-8d %-10s %-40s %-30s %s\n", row.rec.id.c_str(),
                    row.status == "stopped" ? 0 : row.rec.pid, row.status.c_str(),
                    row.rec.bundle.c_str(), row.rec.created.c_str(), owner_name(row.rec.owner).c_str());
    return 0;
}

Registrar reg({"list", "lists containers started by rampart with the given root", "list [command options]", run_list});

}  // namespace
}  // namespace rampart::cli
