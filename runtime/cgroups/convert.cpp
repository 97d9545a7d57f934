#include "runtime/cgroups/convert.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "oci/error.hpp"

namespace rampart::cgroups {

uint64_t shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    shares = std::clamp<uint64_t>(shares, 2, 262144);
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    weight = std::clamp<uint64_t>(weight, 10, 1000);
    return 1 + (weight - 10) * 9999 / 990;
}

int64_t swap_to_v2(int64_t swap, int64_t limit) {
    if (limit == -1 && swap == 0) return -1;  // "unlimited memory" means unlimited swap too
    if (swap == -1 || swap == 0) return swap;
    if (limit == 0 || limit == -1)
        throw oci::Error("linux.resources.memory.swap: memory controller: a swap limit needs a memory limit on cgroup v2");
    if (limit < 0) throw oci::Error("linux.resources.memory.limit: invalid value " + std::to_string(limit));
    if (swap < limit)
        throw oci::Error("linux.resources.memory.swap: memory controller: memory+swap limit " +
                         std::to_string(swap) + " is below the memory limit " + std::to_string(limit));
    return swap - limit;
}

std::string limit_value(int64_t v, bool v2) {
    if (v < 0) return v2 ? "max" : "-1";
    return std::to_string(v);
}

std::string device_rule_v1(const oci::DeviceCgroupRule& r) {
    std::string type = r.type.empty() ? "a" : r.type;
    std::string access = r.access.empty() ? "rwm" : r.access;
    if (type == "a" && !r.major && !r.minor) return "a";
    auto num = [](const std::optional<int64_t>& v) { return v && *v >= 0 ? std::to_string(*v) : std::string("*"); };
    return type + " " + num(r.major) + ":" + num(r.minor) + " " + access;
}

int64_t parse_size(const std::string& text, const std::string& flag) {
    auto bad = [&] { return oci::Error(flag + ": invalid size \"" + text + "\" (expected e.g. 512m, 1g, 1048576 or -1)"); };
    if (text == "-1") return -1;
    std::string_view s = text;
    uint64_t num = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), num);
    if (ec != std::errc() || p == s.data()) throw bad();
    std::string unit(p, s.data() + s.size());
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!unit.empty() && unit.back() == 'b' && unit.size() > 1) unit.pop_back();  // "512mb"
    if (unit == "b") unit.clear();
    if (!unit.empty() && unit.back() == 'i') unit.pop_back();  // "512Mi"
    uint64_t mult = 1;
    if (unit.empty()) mult = 1;
    else if (unit == "k") mult = 1ULL << 10;
    else if (unit == "m") mult = 1ULL << 20;
    else if (unit == "g") mult = 1ULL << 30;
    else if (unit == "t") mult = 1ULL << 40;
    else if (unit == "p") mult = 1ULL << 50;
    else throw bad();
    if (num > static_cast<uint64_t>(INT64_MAX) / mult) throw bad();
    return static_cast<int64_t>(num * mult);
}

}  // namespace rampart::cgroups
