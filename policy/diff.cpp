#include "policy/diff.hpp"

#include <unordered_set>

namespace rampart::policy {
namespace json = oci::json;
namespace {

bool scalar_array(const json::Value& v) {
    for (const auto& x : v.as_array())
        if (x.is_array() || x.is_object()) return false;
    return true;
}

void flatten(const json::Value& v, const std::string& path, std::vector<std::string>& out) {
    if (v.is_object() && !v.as_object().empty()) {
        for (const auto& [k, x] : v.as_object()) flatten(x, path.empty() ? k : path + "." + k, out);
    } else if (v.is_array() && !v.as_array().empty() && !scalar_array(v)) {
        const auto& a = v.as_array();
        for (size_t i = 0; i < a.size(); ++i) flatten(a[i], path + "[" + std::to_string(i) + "]", out);
    } else {
        out.push_back(path + " = " + json::serialize(v));
    }
}

}  // namespace

std::vector<std::string> flatten_json(const json::Value& v) {
    std::vector<std::string> out;
    flatten(v, "", out);
    return out;
}

std::vector<std::string> json_diff(const json::Value& before, const json::Value& after) {
    auto a = flatten_json(before);
    auto b = flatten_json(after);
    std::unordered_set<std::string> in_a(a.begin(), a.end()), in_b(b.begin(), b.end());
    std::vector<std::string> out;
    for (const auto& l : a)
        if (!in_b.count(l)) out.push_back("- " + l);
    for (const auto& l : b)
        if (!in_a.count(l)) out.push_back("+ " + l);
    return out;
}

}  // namespace rampart::policy
