#include <sys/stat.h>

#include <cerrno>

#include "runtime/cli/registry.hpp"
#include "runtime/container/container.hpp"

namespace rampart::cli {
namespace {

int run_delete(GlobalOptions& g, std::vector<std::string>& args) {
    auto r = parse_command("delete", {{{"force", "f"}, FlagKind::Bool, "forcibly deletes the container if it is still running (uses SIGKILL)"}}, args);
    if (!r) return 0;
    expect_args("delete", *r, 1, 1);
    const std::string& id = r->positional[0];
    const bool force = r->flags.flag("force");
    container::Store store(g.root);
    if (force) {
        // As runc: `delete --force` of an unknown id succeeds (the shim and podman call it
        // to clean up after a failed create; an error there hides the create's error).
        container::Store::check_id(id);
        struct stat st;
        if (::lstat((store.root() + "/" + id).c_str(), &st) != 0 && errno == ENOENT) return 0;
    }
    for (const auto& w : container::remove(store, id, force)) warn(g, w);
    return 0;
}

Registrar reg({"delete", "delete any resources held by the container often used with detached container",
               "delete [command options] <container-id>", run_delete});

}  // namespace
}  // namespace rampart::cli
