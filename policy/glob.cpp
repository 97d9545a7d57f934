#include "policy/glob.hpp"

#include <vector>

namespace rampart::policy {
namespace {

// Matches one character class starting at pattern[p] == '['. Sets `end` past the ']'.
// Returns false with end = npos when the class is unterminated (then '[' is literal).
bool class_match(std::string_view pat, size_t p, char c, size_t& end) {
    size_t i = p + 1;
    bool negate = false;
    if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) {
        negate = true;
        ++i;
    }
    bool matched = false;
    bool first = true;
    while (i < pat.size() && (first || pat[i] != ']')) {
        first = false;
        char lo = pat[i];
        if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
            char hi = pat[i + 2];
            if (lo <= c && c <= hi) matched = true;
            i += 3;
        } else {
            if (lo == c) matched = true;
            ++i;
        }
    }
    if (i >= pat.size()) {
        end = std::string_view::npos;
        return false;
    }
    end = i + 1;
    return matched != negate;
}

bool match(std::string_view pat, std::string_view s, bool path_mode) {
    size_t p = 0, t = 0;
    // Backtracking point for the last single-segment '*' (iterative for the common case);
    // '**' recurses.
    size_t star_p = std::string_view::npos, star_t = 0;
    while (t < s.size() || p < pat.size()) {
        if (p < pat.size()) {
            char pc = pat[p];
            if (pc == '*') {
                bool dbl = p + 1 < pat.size() && pat[p + 1] == '*';
                if (dbl || !path_mode) {
                    size_t np = p + (dbl ? 2 : 1);
                    while (np < pat.size() && pat[np] == '*') ++np;
                    for (size_t k = t; k <= s.size(); ++k)
                        if (match(pat.substr(np), s.substr(k), path_mode)) return true;
                    return false;
                }
                star_p = p;
                star_t = t;
                ++p;
                continue;
            }
            if (t < s.size()) {
                if (pc == '?' && !(path_mode && s[t] == '/')) {
                    ++p;
                    ++t;
                    continue;
                }
                if (pc == '[' && !(path_mode && s[t] == '/')) {
                    size_t end = 0;
                    bool ok = class_match(pat, p, s[t], end);
                    if (end != std::string_view::npos) {
                        if (ok) {
                            p = end;
                            ++t;
                            continue;
                        }
                    } else if (s[t] == '[') {
                        ++p;
                        ++t;
                        continue;
                    }
                } else if (pc == '\\' && p + 1 < pat.size()) {
                    if (pat[p + 1] == s[t]) {
                        p += 2;
                        ++t;
                        continue;
                    }
                } else if (pc != '?' && pc != '[' && pc == s[t]) {
                    ++p;
                    ++t;
                    continue;
                }
            }
        }
        // Mismatch: extend the last '*' by one character, never across '/'.
        if (star_p != std::string_view::npos && star_t < s.size() && s[star_t] != '/') {
            ++star_t;
            t = star_t;
            p = star_p + 1;
            continue;
        }
        return false;
    }
    return true;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    return match(pattern, text, false);
}

bool path_glob_match(std::string_view pattern, std::string_view path) {
    if (match(pattern, path, true)) return true;
    // "dir/**" also names "dir" itself.
    if (pattern.size() >= 3 && pattern.substr(pattern.size() - 3) == "/**") {
        std::string_view dir = pattern.substr(0, pattern.size() - 3);
        if (dir.empty()) return path == "/";
        return match(dir, path, true);
    }
    return false;
}

std::string_view glob_literal_prefix(std::string_view pattern) {
    size_t wild = pattern.find_first_of("*?[\\");
    if (wild == std::string_view::npos) return pattern;
    size_t slash = pattern.rfind('/', wild);
    if (slash == std::string_view::npos) return {};
    if (slash == 0) return pattern.substr(0, 1);
    return pattern.substr(0, slash);
}

std::string clean_path(std::string_view s) {
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find('/', i);
        if (j == std::string_view::npos) j = s.size();
        std::string_view c = s.substr(i, j - i);
        if (c == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!c.empty() && c != ".") {
            parts.push_back(c);
        }
        i = j + 1;
    }
    std::string out;
    for (auto p : parts) {
        out += '/';
        out += p;
    }
    return out.empty() ? "/" : out;
}

}  // namespace rampart::policy
