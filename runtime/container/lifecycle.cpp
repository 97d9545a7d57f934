// start, state, kill, delete: the operations on an existing container.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>

#include "runtime/container/sealed_exe.hpp"
#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/container.hpp"
#include "runtime/container/hooks.hpp"

namespace rampart::container {
namespace {

oci::Spec effective_spec(const Handle& h) {
    return oci::spec_from_json(oci::json::parse_file(h.path("config.json")), h.path("config.json"));
}

std::string hook_state_json(const Record& r, const std::string& status) {
    oci::State st;
    st.oci_version = r.oci_version;
    st.id = r.id;
    st.status = status;
    st.pid = status == "stopped" ? 0 : r.pid;
    st.bundle = r.bundle;
    st.annotations = r.annotations;
    return oci::json::serialize(oci::state_to_json(st));
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// Signals the init through a pidfd after checking that the pid still names it.
bool signal_init(const Record& r, int sig) {
    UniqueFd pfd(pidfd_open(r.pid));
    if (!pfd.valid()) return false;
    if (!process_matches(r.pid, r.pid_start)) return false;
    if (::syscall(SYS_pidfd_send_signal, pfd.get(), sig, nullptr, 0) != 0) {
        if (errno == ESRCH) return false;
        throw oci::SysError("kill " + std::to_string(r.pid));
    }
    return true;
}

void wait_gone(const Record& r, int timeout_ms) {
    UniqueFd pfd(pidfd_open(r.pid));
    if (!pfd.valid() || !process_matches(r.pid, r.pid_start)) return;
    pollfd p{pfd.get(), POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) < 0 && errno == EINTR) {
    }
}

std::unique_ptr<cgroups::Manager> cgroup_of(const Record& r) {
    try {
        return open_cgroup(r.cgroups_path, r.id);
    } catch (const std::exception&) {
        return nullptr;
    }
}

void kill_all(const Record& r, int sig) {
    auto mgr = cgroup_of(r);
    if (!mgr) return;
    for (pid_t p : mgr->pids()) ::kill(p, sig);
    if (sig == SIGKILL && mgr->frozen()) mgr->thaw();
}

}  // namespace

std::string status_of(const Record& r, const Handle& h) {
    if (r.status == "creating") return r.pid > 0 && !process_matches(r.pid, r.pid_start) ? "stopped" : "creating";
    if (!process_matches(r.pid, r.pid_start)) return "stopped";
    if (h.exists("exec.fifo")) return "created";
    if (auto mgr = cgroup_of(r)) {
        try {
            if (mgr->frozen()) return "paused";
        } catch (const std::exception&) {
        }
    }
    return "running";
}

oci::json::Value state_json(const Record& r, const std::string& status) {
    oci::State st;
    st.oci_version = r.oci_version;
    st.id = r.id;
    st.status = status;
    st.pid = status == "stopped" ? 0 : r.pid;
    st.bundle = r.bundle;
    st.annotations = r.annotations;
    oci::json::Value v = oci::state_to_json(st);
    if (status == "stopped") v.set("pid", 0);
    v.set("rootfs", r.rootfs);
    v.set("created", r.created);
    v.set("owner", "");
    return v;
}

std::vector<std::string> start_locked(Handle& h, Record& r) {
    const std::string st = status_of(r, h);
    if (st == "stopped") throw oci::Error("cannot start a container that has stopped");
    if (st != "created") throw oci::Error("cannot start an already running container");
    UniqueFd fifo(::openat(h.fd(), "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo.valid()) {
        if (errno == ENXIO) throw oci::Error("cannot start container " + r.id + ": its init process is gone");
        throw oci::SysError("open " + h.path("exec.fifo"));
    }
    if (::write(fifo.get(), "0", 1) != 1) throw oci::SysError("write " + h.path("exec.fifo"));
    fifo.reset();
    ::unlinkat(h.fd(), "exec.fifo", 0);
    r.status = "running";
    h.write(r);
    return after_start(h, r);
}

namespace {

// Poststart hooks run after the user's process was executed (runtime-spec): the init has
// exec'd once /proc/PID/exe is no longer this binary. Only waited for when there are
// poststart hooks; gives up after 10 s (or when the init is gone).
void wait_until_exec(pid_t pid) {
    struct stat self;
    if (::stat("/proc/self/exe", &self) != 0) return;
    const std::string exe = "/proc/" + std::to_string(pid) + "/exe";
    for (int i = 0; i < 10000; ++i) {
        struct stat st;
        if (::stat(exe.c_str(), &st) != 0) return;
        if ((st.st_dev != self.st_dev || st.st_ino != self.st_ino) && !is_sealed_runtime_exe(pid)) return;
        ::usleep(1000);
    }
}

}  // namespace

std::vector<std::string> after_start(const Handle& h, const Record& r) {
    if (!r.has_poststart) return {};
    if (r.pid > 0) wait_until_exec(r.pid);
    oci::Spec spec = effective_spec(h);
    if (!spec.hooks) return {};
    return run_hooks(spec.hooks->poststart, hook_state_json(r, "running"), "poststart", true);
}

std::vector<std::string> start(const Store& store, const std::string& id) {
    Handle h = store.open(id, true);
    Record r = h.read();
    return start_locked(h, r);
}

void kill(const Store& store, const std::string& id, int sig, bool all) {
    Handle h = store.open(id, false);
    Record r = h.read();
    const std::string st = status_of(r, h);
    if (all) {
        kill_all(r, sig);
        return;
    }
    if (st == "stopped" || !signal_init(r, sig)) throw oci::Error("container " + id + " is not running");
}

std::vector<std::string> destroy_locked(Handle& h, const Record& r) {
    if (process_matches(r.pid, r.pid_start)) {
        signal_init(r, SIGKILL);
        if (!r.new_pid_ns) kill_all(r, SIGKILL);
        else if (auto mgr = cgroup_of(r); mgr && mgr->frozen()) mgr->thaw();
        wait_gone(r, 10000);
    }
    if (!r.new_pid_ns) kill_all(r, SIGKILL);
    std::vector<std::string> warnings;
    if (auto mgr = cgroup_of(r)) {
        try {
            // Processes leave the cgroup asynchronously after SIGKILL: retry briefly.
            for (int i = 0;; ++i) {
                try {
                    mgr->destroy();
                    break;
                } catch (const oci::Error&) {
                    if (i >= 200) throw;
                    ::usleep(5000);
                }
            }
        } catch (const std::exception& e) {
            warnings.push_back(std::string("cgroup: ") + e.what());
        }
    }
    if (r.has_poststop) {
        try {
            oci::Spec spec = effective_spec(h);
            if (spec.hooks) {
                auto w = run_hooks(spec.hooks->poststop, hook_state_json(r, "stopped"), "poststop", true);
                warnings.insert(warnings.end(), w.begin(), w.end());
            }
        } catch (const std::exception& e) {
            warnings.push_back(e.what());
        }
    }
    h.remove();
    return warnings;
}

std::vector<std::string> remove(const Store& store, const std::string& id, bool force) {
    Handle h = store.open(id, true);
    Record r;
    try {
        r = h.read();
    } catch (const oci::Error&) {
        // A directory without a readable state: a crashed create. Only --force removes it.
        if (!force) throw;
        h.remove();
        return {};
    }
    const std::string st = status_of(r, h);
    if ((st == "running" || st == "paused" || st == "creating") && !force)
        throw oci::Error("cannot delete container " + id + " that is not stopped: " + st);
    return destroy_locked(h, r);
}

}  // namespace rampart::container
