// AppArmor labels and profile loading.
#include "runtime/security/apparmor.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/apparmor.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <utility>
#include <vector>

#include "oci/error.hpp"
#include "runtime/security/unique_fd.hpp"

extern char** environ;

namespace rampart::security {
namespace {

const char* find_parser() {
    for (const char* p : {"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"})
        if (access(p, X_OK) == 0) return p;
    return nullptr;
}

// Runs apparmor_parser with `args`, `input` on stdin; returns {exit status, stdout+stderr}.
std::pair<int, std::string> run_parser(std::vector<std::string> args, const std::string& input) {
    const char* parser = find_parser();
    if (!parser)
        throw oci::Error("apparmor_parser not found: install the Debian package apparmor");
    char in_tmpl[] = "/tmp/rampart-aa-in-XXXXXX";
    char out_tmpl[] = "/tmp/rampart-aa-out-XXXXXX";
    UniqueFd in(mkstemp(in_tmpl)), out(mkstemp(out_tmpl));
    if (!in || !out) throw oci::SysError("apparmor: temporary file");
    unlink(in_tmpl);
    unlink(out_tmpl);
    if (write(in.get(), input.data(), input.size()) != static_cast<ssize_t>(input.size()))
        throw oci::SysError("apparmor: temporary file");
    lseek(in.get(), 0, SEEK_SET);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in.get(), 0);
    posix_spawn_file_actions_adddup2(&fa, out.get(), 1);
    posix_spawn_file_actions_adddup2(&fa, out.get(), 2);
    std::vector<char*> argv{const_cast<char*>(parser)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, parser, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw oci::SysError(std::string("apparmor: spawn ") + parser, rc);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    std::string text;
    char buf[4096];
    ssize_t n;
    lseek(out.get(), 0, SEEK_SET);
    while ((n = read(out.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), text};
}

}  // namespace

bool apparmor_enabled(const std::string& param_file) {
    std::ifstream f(param_file);
    char c = 0;
    return f.get(c) && c == 'Y';
}

bool apply_apparmor(const std::string& profile, WhenDisabled when_disabled,
                    const std::string& param_file) {
    if (profile.empty()) return false;
    if (!apparmor_enabled(param_file)) {
        if (when_disabled == WhenDisabled::Skip) return false;
        throw oci::Error("process.apparmorProfile \"" + profile +
                         "\": AppArmor is not enabled on this host");
    }
    if (aa_change_onexec(profile.c_str()) != 0)
        throw oci::SysError("process.apparmorProfile \"" + profile + "\": change_onexec");
    return true;
}

void load_apparmor_profile(const std::string& name, const std::string& text,
                           const std::string& param_file) {
    if (!apparmor_enabled(param_file))
        throw oci::Error("AppArmor is not enabled on this host: cannot load profile " + name +
                         " (" + param_file + " is not Y)");
    auto [status, output] = run_parser({"-r", "-K"}, text);
    if (status != 0)
        throw oci::Error("apparmor_parser refused profile " + name + ": " + output);
}

std::string check_apparmor_profile(const std::string& text) {
    auto [status, output] = run_parser({"-Q", "-K", "-T"}, text);
    if (status == 0) return "";
    return output.empty() ? "apparmor_parser exited with status " + std::to_string(status) : output;
}

}  // namespace rampart::security
