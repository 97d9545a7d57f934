// Host layout detection: which cgroup hierarchies are mounted where.
#include <algorithm>
#include <set>

#include "oci/error.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/fs.hpp"

namespace rampart::cgroups {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string_view::npos) end = s.size();
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
            out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
            i += 3;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

bool is_mount_option(std::string_view o) {
    static const char* const kOptions[] = {"rw", "ro", "noprefix", "clone_children", "xattr",
                                           "cpuset_v2_mode", "favordynmods", "none"};
    for (const char* k : kOptions)
        if (o == k) return true;
    return o.rfind("release_agent=", 0) == 0 || o.empty();
}

}  // namespace

const char* mode_name(Mode m) {
    switch (m) {
        case Mode::V1: return "v1";
        case Mode::V2: return "v2";
        case Mode::Hybrid: return "hybrid";
    }
    return "?";
}

Layout parse_layout(std::string_view mountinfo, std::string_view v2_controllers) {
    Layout l;
    bool real_v1 = false;
    std::string v2_root_mountpoint;  // a cgroup2 mount of the whole tree wins over a sub-tree
    for (std::string_view line : split(mountinfo, '\n')) {
        if (line.empty()) continue;
        auto f = split(line, ' ');
        auto dash = std::find(f.begin(), f.end(), std::string_view("-"));
        if (f.size() < 7 || dash == f.end() || f.end() - dash < 4) continue;
        std::string_view root = f[3];
        std::string mountpoint = unescape(f[4]);
        std::string_view fstype = dash[1];
        std::string_view super = dash[3];
        if (fstype == "cgroup2") {
            if (l.v2_root.empty() || (root == "/" && v2_root_mountpoint.empty())) {
                l.v2_root = mountpoint;
                if (root == "/") v2_root_mountpoint = mountpoint;
            }
        } else if (fstype == "cgroup") {
            for (std::string_view opt : split(super, ',')) {
                if (is_mount_option(opt)) continue;
                std::string name(opt);
                if (v1_mount(l, name).empty()) l.v1.emplace_back(name, mountpoint);
                if (name.rfind("name=", 0) != 0) real_v1 = true;
            }
        }
    }
    if (!l.v2_root.empty()) {
        const std::string controllers = trim(v2_controllers);
        for (std::string_view c : split(controllers, ' '))
            if (!c.empty()) l.v2_controllers.emplace_back(c);
    }
    if (l.v2_root.empty())
        l.mode = Mode::V1;
    else if (!real_v1)
        l.mode = Mode::V2;
    else
        l.mode = Mode::Hybrid;
    if (l.mode == Mode::V1 && l.v1.empty())
        throw oci::Error("cgroups: no cgroup v1 or v2 file system is mounted (see /proc/self/mountinfo)");
    return l;
}

Layout detect(const std::string& mountinfo_path) {
    std::string text = read_file_or_throw(mountinfo_path);
    // Find the v2 root first to read its controllers.
    Layout probe = parse_layout(text, "");
    std::string controllers;
    if (!probe.v2_root.empty()) controllers = read_file(probe.v2_root + "/cgroup.controllers").value_or("");
    return parse_layout(text, controllers);
}

std::string v1_mount(const Layout& layout, std::string_view controller) {
    for (auto& [name, mp] : layout.v1)
        if (name == controller) return mp;
    return "";
}

bool on_v2(const Layout& layout, std::string_view controller) {
    if (layout.v2_root.empty() || !v1_mount(layout, controller).empty()) return false;
    return std::find(layout.v2_controllers.begin(), layout.v2_controllers.end(), controller) !=
           layout.v2_controllers.end();
}

}  // namespace rampart::cgroups
