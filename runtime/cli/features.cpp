#include <cstdio>

#include "oci/bundle.hpp"
#include "oci/json.hpp"
#include "runtime/cli/registry.hpp"

namespace rampart::cli {
namespace {

int run_features(GlobalOptions&, std::vector<std::string>& args) {
    auto r = parse_command("features", {}, args);
    if (!r) return 0;
    expect_args("features", *r, 0, 0);
    std::printf("%s\n", oci::json::serialize(oci::features_json(), true).c_str());
    return 0;
}

Registrar reg({"features", "show the enabled features", "features", run_features});

}  // namespace
}  // namespace rampart::cli
