// checkpoint / restore: containerd's shim calls them; rampart has no CRIU support and
// says so in one line (exit 1) instead of "command does not exist".
#include <cstdio>

#include "runtime/cli/registry.hpp"

namespace rampart::cli {
namespace {

int refuse(const char* name, GlobalOptions& g, std::vector<std::string>& args) {
    // --help still works; every other flag is accepted and ignored.
    for (const auto& a : args)
        if (a == "--help" || a == "-h") {
            std::printf("NAME:\n   rampart %s - not supported: checkpoint/restore is not supported by rampart\n", name);
            return 0;
        }
    return fail(g, "checkpoint/restore is not supported by rampart");
}

int run_checkpoint(GlobalOptions& g, std::vector<std::string>& args) { return refuse("checkpoint", g, args); }
int run_restore(GlobalOptions& g, std::vector<std::string>& args) { return refuse("restore", g, args); }

Registrar reg_checkpoint({"checkpoint", "checkpoint a running container (not supported by rampart)",
                          "checkpoint [command options] <container-id>", run_checkpoint});
Registrar reg_restore({"restore", "restore a container from a previous checkpoint (not supported by rampart)",
                       "restore [command options] <container-id>", run_restore});

}  // namespace
}  // namespace rampart::cli
