#include "runtime/container/init.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/container/child_setup.hpp"
#include "runtime/container/hooks.hpp"
#include "runtime/container/sync.hpp"
#include "runtime/container/terminal.hpp"
#include "runtime/container/timing.hpp"
#include "runtime/process/process.hpp"
#include "runtime/rootfs/rootfs.hpp"
#include "runtime/security/seccomp_learn.hpp"

namespace rampart::container {
namespace {

void write_sysctls(const std::map<std::string, std::string>& sysctl) {
    for (const auto& [key, value] : sysctl) {
        std::string path = "/proc/sys/";
        for (char c : key) path.push_back(c == '.' ? '/' : c);
        if (key.find("..") != std::string::npos || key.find('/') != std::string::npos)
            throw oci::Error("linux.sysctl." + key + ": invalid name");
        int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) throw oci::SysError("linux.sysctl." + key + ": open " + path);
        ssize_t w = ::write(fd, value.data(), value.size());
        int err = errno;
        ::close(fd);
        if (w != static_cast<ssize_t>(value.size()))
            throw oci::SysError("linux.sysctl." + key + ": write \"" + value + "\"", err);
    }
}

void set_names(const oci::Spec& spec) {
    if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0)
        throw oci::SysError("hostname \"" + spec.hostname + "\"");
    if (!spec.domainname.empty() &&
        ::setdomainname(spec.domainname.data(), spec.domainname.size()) != 0)
        throw oci::SysError("domainname \"" + spec.domainname + "\"");
}

void wait_for_start(int fifo_fd) {
    for (;;) {
        pollfd p{fifo_fd, POLLIN, 0};
        int n = ::poll(&p, 1, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw oci::SysError("wait for start");
        char b;
        ssize_t r = ::read(fifo_fd, &b, 1);
        if (r == 1) return;
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        throw oci::SysError("read exec.fifo");
    }
}

std::string hook_state(const InitConfig& c, const char* status) {
    oci::State st;
    st.oci_version = c.spec->oci_version;
    st.id = c.id;
    st.status = status;
    st.pid = ::getpid();
    st.bundle = c.bundle;
    st.annotations = c.spec->annotations;
    return oci::json::serialize(oci::state_to_json(st));
}

[[noreturn]] void exec_user_process(const std::string& exe, const oci::Process& proc,
                                    const std::vector<std::string>& env) {
    std::vector<char*> argv, envp;
    for (const auto& a : proc.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(exe.c_str(), argv.data(), envp.data());
    throw oci::SysError("exec " + exe);
}

void run_init(const InitConfig& c, bool& ready_sent) {
    const oci::Spec& spec = *c.spec;
    const NamespacePlan& plan = *c.plan;
    const oci::Process& proc = *spec.process;

    // Into the container's v1 cgroups before anything else (see cgroup.hpp).
    begin_child(c.close_fds, c.cgroup_tasks_fds);
    timing_mark("child-begin");

    if (!plan.fast) {
        enter_namespaces(plan, spec, c.sync_fd);
        if (plan.fork_init) {
            pid_t g = ::fork();
            if (g < 0) throw oci::SysError("fork the container init");
            if (g > 0) {
                send_msg(c.sync_fd, Msg::InitPid, g);
                ::_exit(0);
            }
            // The intermediate exits now: no parent-death signal for the real init.
        } else {
            send_msg(c.sync_fd, Msg::InitPid, ::getpid());
        }
    }

    if (c.wait_for_go || !plan.fast) {
        Message m;
        if (!recv_msg(c.sync_fd, m)) ::_exit(1);  // the runtime went away
        if (m.type != Msg::Go) throw oci::Error("unexpected message from the runtime");
    }

    if (plan.fast && plan.new_user) {
        (void)::setresgid(0, 0, 0);
        (void)::setresuid(0, 0, 0);
    }
    if (plan.new_cgroup && ::unshare(CLONE_NEWCGROUP) != 0)
        throw oci::SysError("unshare cgroup namespace");
    if (::setsid() < 0) throw oci::SysError("setsid");
    set_names(spec);
    if (!c.no_new_keyring) join_session_keyring(c.id);

    // createContainer hooks: in the container's namespaces, paths resolved in the runtime's
    // filesystem (before the root changes).
    if (spec.hooks && !spec.hooks->create_container.empty())
        run_hooks(spec.hooks->create_container, hook_state(c, "creating"), "createContainer");

    rootfs::Options ro;
    ro.rootfs = c.rootfs;
    ro.bundle = c.bundle;
    ro.no_pivot = c.no_pivot;
    ro.in_user_ns = plan.new_user || (!plan.joins.empty() && plan.joins.front().flag == CLONE_NEWUSER);
    ro.new_cgroup_ns = plan.new_cgroup;
    rootfs::setup(spec, ro);
    timing_mark("child-rootfs-setup");

    if (proc.terminal) setup_terminal(c.console_fd, proc.console_size);
    if (spec.linux) write_sysctls(spec.linux->sysctl);
    rootfs::finalize(spec);
    timing_mark("child-finalize");

    if (::chdir(proc.cwd.c_str()) != 0) throw oci::SysError("process.cwd " + proc.cwd);
    std::vector<std::string> env = process::complete_env(proc.env, proc.user.uid);
    env.insert(env.end(), c.extra_env.begin(), c.extra_env.end());
    if (proc.args.empty()) throw oci::Error("process.args: must not be empty");
    const std::string exe = process::find_executable(proc.args[0], env, proc.cwd);

    process::apply_rlimits(proc.rlimits);
    const bool nnp = proc.no_new_privileges.value_or(false);
    int listener = -1;
    // Seccomp learning stacks a notify-everything filter right after the configured one, at
    // the same point: what the runtime itself does from there on (setgroups, capset... when
    // the filter goes in before the capabilities are dropped) is recorded too, so the
    // learned profile also works as the container's configured profile.
    auto start_learning = [&] {
        if (c.learn_fd < 0) return;
        security::start_learning_in_child(c.learn_fd);
        ::close(c.learn_fd);
    };
    // Without no_new_privs Landlock and the seccomp filters need CAP_SYS_ADMIN: apply them
    // (envelope first, then seccomp) before the capabilities are dropped.
    if (c.envelope && !nnp) security::apply_envelope(*c.envelope);
    if (c.seccomp && !nnp) listener = security::install_seccomp(*c.seccomp);
    if (!nnp) start_learning();
    process::apply_user(proc.user);
    process::apply_capabilities(proc.capabilities ? &*proc.capabilities : nullptr);
    timing_mark("child-caps");
    if (nnp) process::set_no_new_privs();
    if (c.envelope && nnp) security::apply_envelope(*c.envelope);
    if (c.seccomp && nnp) listener = security::install_seccomp(*c.seccomp);
    if (nnp) start_learning();
    if (listener >= 0) {
        send_msg(c.sync_fd, Msg::SeccompFd, 0, {}, listener);
        ::close(listener);
    }

    prepare_fds(c.preserve_fds);
    ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    send_msg(c.sync_fd, Msg::Ready);
    ready_sent = true;
    ::close(c.sync_fd);

    if (c.wait_for_start) wait_for_start(c.fifo_fd);
    if (c.fifo_fd >= 0) ::close(c.fifo_fd);
    if (spec.hooks && !spec.hooks->start_container.empty())
        run_hooks(spec.hooks->start_container, hook_state(c, "created"), "startContainer");
    timing_mark("child-exec");
    exec_user_process(exe, proc, env);
}

}  // namespace

void init_main(const InitConfig& cfg) noexcept {
    bool ready_sent = false;
    std::string error;
    try {
        run_init(cfg, ready_sent);
    } catch (const std::exception& e) {
        error = e.what();
    } catch (...) {
        error = "container init failed";
    }
    if (!ready_sent) {
        try {
            send_msg(cfg.sync_fd, Msg::Error, 0, error);
        } catch (...) {
        }
    } else {
        // Nobody listens any more: the container's stderr is the only place left.
        std::string line = "rampart: " + error + "\n";
        (void)!::write(2, line.data(), line.size());
    }
    ::_exit(ready_sent ? 127 : 1);
}

}  // namespace rampart::container
