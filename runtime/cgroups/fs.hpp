// Small file helpers for cgroup control files: one open + one read/write each, errno kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::cgroups {

// Writes value to path (no O_CREAT, no trailing newline). Returns 0 or errno.
int write_file(const std::string& path, std::string_view value);
// Reads the whole file; nullopt (errno kept) when it cannot be opened or read.
std::optional<std::string> read_file(const std::string& path);
// read_file or throw oci::SysError naming the path.
std::string read_file_or_throw(const std::string& path);
// First line without the newline ("" when empty).
std::string trim(std::string_view s);
// Parses an unsigned decimal; "max" -> UINT64_MAX; nullopt when it is neither.
std::optional<uint64_t> parse_u64(std::string_view s);
// "key value" lines (memory.stat, cpu.stat, memory.events) -> pairs with numeric values.
std::vector<std::pair<std::string, uint64_t>> parse_flat_keyed(std::string_view text);
// Value of one key in a flat-keyed file; nullopt when absent.
std::optional<uint64_t> flat_keyed_value(std::string_view text, std::string_view key);
bool path_exists(const std::string& path);

}  // namespace rampart::cgroups
