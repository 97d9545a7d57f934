#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/cli/registry.hpp"

namespace rampart::cli {
namespace {

int run_spec(GlobalOptions&, std::vector<std::string>& args) {
    auto r = parse_command("spec",
                           {{{"bundle", "b"}, FlagKind::String, "path to the root of the bundle directory"},
                            {{"rootless"}, FlagKind::Bool, "generate a configuration for a rootless container"}},
                           args);
    if (!r) return 0;
    expect_args("spec", *r, 0, 0);
    std::string dir = r->flags.str("bundle");
    std::string path = dir.empty() ? "config.json" : dir + "/config.json";
    std::string text = oci::json::serialize(oci::spec_to_json(oci::default_spec(r->flags.flag("rootless"))), true) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST) throw oci::Error(path + " already exists");
        throw oci::SysError(path);
    }
    ssize_t w = ::write(fd, text.data(), text.size());
    ::close(fd);
    if (w != static_cast<ssize_t>(text.size())) throw oci::SysError("write " + path);
    return 0;
}

Registrar reg({"spec", "create a new specification file", "spec [command options]", run_spec});

}  // namespace
}  // namespace rampart::cli
