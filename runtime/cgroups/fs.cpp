#include "runtime/cgroups/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>

#include "oci/error.hpp"

namespace rampart::cgroups {

int write_file(const std::string& path, std::string_view value) {
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return errno;
    ssize_t n;
    do {
        n = ::write(fd, value.data(), value.size());
    } while (n < 0 && errno == EINTR);
    int err = n < 0 ? errno : (static_cast<size_t>(n) == value.size() ? 0 : EIO);
    ::close(fd);
    return err;
}

std::optional<std::string> read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            errno = err;
            return std::nullopt;
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

std::string read_file_or_throw(const std::string& path) {
    auto v = read_file(path);
    if (!v) throw oci::SysError("read " + path);
    return *v;
}

std::string trim(std::string_view s) {
    auto nl = s.find('\n');
    if (nl != std::string_view::npos) s = s.substr(0, nl);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return std::string(s);
}

std::optional<uint64_t> parse_u64(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    if (s == "max") return UINT64_MAX;
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::vector<std::pair<std::string, uint64_t>> parse_flat_keyed(std::string_view text) {
    std::vector<std::pair<std::string, uint64_t>> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        auto sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        if (auto v = parse_u64(line.substr(sp + 1))) out.emplace_back(std::string(line.substr(0, sp)), *v);
    }
    return out;
}

std::optional<uint64_t> flat_keyed_value(std::string_view text, std::string_view key) {
    for (auto& [k, v] : parse_flat_keyed(text))
        if (k == key) return v;
    return std::nullopt;
}

bool path_exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace rampart::cgroups
