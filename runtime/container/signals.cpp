#include "runtime/container/signals.hpp"

#include <csignal>
#include <cctype>
#include <charconv>

#include "oci/error.hpp"

namespace rampart::container {
namespace {

struct SigName {
    const char* name;
    int number;
};

constexpr SigName kSignals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},
    {"URG", SIGURG},     {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},   {"WINCH", SIGWINCH},   {"IO", SIGIO},       {"POLL", SIGPOLL},
    {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

bool parse_int(std::string_view s, int& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

int parse_signal(std::string_view text) {
    const std::string original(text);
    int n = 0;
    if (parse_int(text, n)) {
        if (n <= 0 || n > SIGRTMAX) throw oci::Error("invalid signal number " + original);
        return n;
    }
    std::string up;
    for (char c : text) up.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    std::string_view s(up);
    if (s.substr(0, 3) == "SIG") s.remove_prefix(3);
    for (const auto& e : kSignals)
        if (s == e.name) return e.number;
    // RTMIN, RTMIN+n, RTMAX, RTMAX-n
    auto rt = [&](std::string_view base, int value, int sign) -> int {
        if (s.substr(0, base.size()) != base) return 0;
        std::string_view rest = s.substr(base.size());
        if (rest.empty()) return value;
        if (rest[0] != (sign > 0 ? '+' : '-')) return 0;
        int off = 0;
        if (!parse_int(rest.substr(1), off)) return 0;
        int v = value + sign * off;
        return (v >= SIGRTMIN && v <= SIGRTMAX) ? v : 0;
    };
    if (int v = rt("RTMIN", SIGRTMIN, +1)) return v;
    if (int v = rt("RTMAX", SIGRTMAX, -1)) return v;
    throw oci::Error("unknown signal \"" + original + "\"");
}

std::string signal_name(int sig) {
    for (const auto& e : kSignals)
        if (e.number == sig) return std::string("SIG") + e.name;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        return sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
    return "";
}

}  // namespace rampart::container
