// What the policy changed in a config, for `rampart policy check`: both documents are
// flattened to "path = value" lines (arrays of scalars stay one line), and the lines
// only in one of them are returned, "- " for before and "+ " for after, in document order.
#pragma once

#include <string>
#include <vector>

#include "oci/json.hpp"

namespace rampart::policy {

std::vector<std::string> flatten_json(const oci::json::Value& v);
std::vector<std::string> json_diff(const oci::json::Value& before, const oci::json::Value& after);

}  // namespace rampart::policy
