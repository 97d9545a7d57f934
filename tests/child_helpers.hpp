// Test helpers: run a function in a forked child (for steps that change the process for
// good: seccomp, capabilities, uid, mounts) and report its failure message to the parent.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace rampart::testing {

struct ChildResult {
    int status = 0;
    std::string error;  // the exception text the child threw, if any
    bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
    bool killed_by(int sig) const { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
    std::string describe() const {
        std::ostringstream os;
        if (WIFEXITED(status)) os << "exit " << WEXITSTATUS(status);
        if (WIFSIGNALED(status)) os << "signal " << WTERMSIG(status);
        if (!error.empty()) os << ": " << error;
        return os.str();
    }
};

// A failed expectation inside the child.
inline void check(bool cond, const std::string& msg) {
    if (!cond) throw std::runtime_error(msg);
}

inline ChildResult run_in_child(const std::function<void()>& fn) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork");
    if (pid == 0) {
        close(p[0]);
        try {
            fn();
            _exit(0);
        } catch (const std::exception& e) {
            std::string m = e.what();
            (void)!write(p[1], m.data(), m.size());
        } catch (...) {
            (void)!write(p[1], "unknown exception", 17);
        }
        _exit(1);
    }
    close(p[1]);
    ChildResult r;
    char buf[4096];
    ssize_t n;
    while ((n = read(p[0], buf, sizeof(buf))) > 0) r.error.append(buf, n);
    close(p[0]);
    while (waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
    }
    return r;
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// "CapEff:\t0000000000000400" -> 0x400 from /proc/self/status.
inline unsigned long long status_hex(const std::string& key) {
    std::istringstream in(read_text("/proc/self/status"));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1), nullptr, 16);
    throw std::runtime_error("no " + key + " in /proc/self/status");
}

// A temporary directory removed (recursively, without crossing mounts) at scope exit.
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/rampart-test-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
        path_ = tmpl;
    }
    ~TempDir() {
        std::string cmd = "rm -rf --one-file-system '" + path_ + "'";
        (void)!std::system(cmd.c_str());
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace rampart::testing
