// Glob matching for policy patterns (annotations, executables, paths). No regex: policy
// checks run on every create and must stay cheap.
#pragma once

#include <string>
#include <string_view>

namespace rampart::policy {

// Shell-style match: `*` any run of characters (including '/'), `?` one character,
// `[abc]`, `[a-z]`, `[!x]` classes, `\x` a literal x.
bool glob_match(std::string_view pattern, std::string_view text);

// Path match: `*` and `?` stop at '/', `**` matches across directories, and a trailing
// "/**" also matches the directory itself ("/etc/**" matches "/etc" and "/etc/a/b").
bool path_glob_match(std::string_view pattern, std::string_view path);

// The literal leading part of a pattern, up to the last '/' before its first wildcard
// ("/etc/**" -> "/etc", "/var/run/docker.sock" -> the whole pattern).
std::string_view glob_literal_prefix(std::string_view pattern);

// Lexically normalized absolute path: "." and empty components removed, ".." resolved
// without going above "/" ("/a/./b/../c//" -> "/a/c"). Relative input is taken from "/".
std::string clean_path(std::string_view path);

}  // namespace rampart::policy
