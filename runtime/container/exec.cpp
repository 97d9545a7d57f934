// `exec`: see exec.hpp. Parent side first (checks, policy, envelope, namespaces, cgroup),
// then the helper/child side, then waiting.
#include "runtime/container/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "oci/linux_names.hpp"
#include "policy/policy.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/child_setup.hpp"
#include "runtime/container/container.hpp"
#include "runtime/container/seccomp_cache.hpp"
#include "runtime/container/sync.hpp"
#include "runtime/container/terminal.hpp"
#include "runtime/container/wait.hpp"
#include "runtime/process/process.hpp"
#include "runtime/security/envelope.hpp"
#include "runtime/security/seccomp.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace rampart::container {
namespace {

// setns order for the fallback path: user first (it grants the rights for the rest),
// mount last (it changes our root).
struct NsType {
    const char* file;
    int flag;
};
constexpr NsType kNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID},       {"time", CLONE_NEWTIME},
    {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS},
};

struct NsJoin {
    int flag;
    std::string name;
    UniqueFd fd;
};

// What the helper and the final child need; everything is opened by the parent.
struct ChildConfig {
    const oci::Process* proc = nullptr;
    const security::Envelope* envelope = nullptr;
    const security::SeccompProgram* seccomp = nullptr;
    std::string id;
    int sync_fd = -1;
    int console_fd = -1;
    int pidfd = -1;
    int join_flags = 0;
    std::vector<std::pair<int, int>> ns_fds;  // (flag, fd) in setns order
    std::vector<int> cgroup_self_fds;         // write "0": v1 tasks (+ v2 cgroup.procs)
    std::vector<int> close_fds;               // parent-only fds (the state lock!)
    int preserve_fds = 0;
    bool fork_needed = false;  // the pid or time namespace differs
    std::optional<int> oom_score_adj;
};

bool is_under(const std::string& dir, const std::string& root) {
    return !root.empty() && (dir == root || dir.compare(0, root.size() + 1, root + "/") == 0);
}

// The init's cgroup in the v2 tree, from /proc/<pid>/cgroup ("0::/path").
std::string init_v2_cgroup(pid_t pid, const std::string& v2_root) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("0::", 0) == 0) return v2_root + line.substr(3);
    return "";
}

uint32_t parse_id(const std::string& text, const std::string& what) {
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
        throw oci::Error(what + ": invalid id \"" + text + "\" (numbers only)");
    unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (v > 0xffffffffULL) throw oci::Error(what + ": invalid id \"" + text + "\"");
    return static_cast<uint32_t>(v);
}

void add_unique(std::vector<std::string>& set, const std::string& cap) {
    for (const auto& c : set)
        if (c == cap) return;
    set.push_back(cap);
}

[[noreturn]] void fail_child(int sync_fd, const std::string& text) noexcept {
    try {
        send_msg(sync_fd, Msg::Error, 0, text);
    } catch (...) {
    }
    ::_exit(1);
}

// The process's own setup, in the container's namespaces: terminal, cwd, environment,
// rlimits, user, capabilities, envelope, no_new_privs, seccomp (same order as init.cpp).
[[noreturn]] void finish_child(const ChildConfig& c) {
    const oci::Process& proc = *c.proc;
    if (proc.terminal) {
        if (::setsid() < 0) throw oci::SysError("setsid");
        setup_terminal(c.console_fd, proc.console_size, /*bind_console=*/false);
    }
    join_session_keyring(c.id);
    if (::chdir(proc.cwd.c_str()) != 0) throw oci::SysError("process.cwd " + proc.cwd);
    std::vector<std::string> env = process::complete_env(proc.env, proc.user.uid);
    if (proc.terminal) {
        bool has_term = false;
        for (const auto& e : env) has_term = has_term || e.rfind("TERM=", 0) == 0;
        if (!has_term) env.push_back("TERM=xterm");
    }
    const std::string exe = process::find_executable(proc.args.at(0), env, proc.cwd);

    process::apply_rlimits(proc.rlimits);
    const bool nnp = proc.no_new_privileges.value_or(false);
    int listener = -1;
    // Without no_new_privs both Landlock and the seccomp filter need CAP_SYS_ADMIN: apply
    // them (envelope first, then seccomp) before the capabilities are dropped.
    if (c.envelope && !nnp) security::apply_envelope(*c.envelope);
    if (c.seccomp && !nnp) listener = security::install_seccomp(*c.seccomp);
    process::apply_user(proc.user);
    process::apply_capabilities(proc.capabilities ? &*proc.capabilities : nullptr);
    if (nnp) process::set_no_new_privs();
    if (c.envelope && nnp) security::apply_envelope(*c.envelope);
    if (c.seccomp && nnp) listener = security::install_seccomp(*c.seccomp);
    if (listener >= 0) {
        send_msg(c.sync_fd, Msg::SeccompFd, 0, {}, listener);
        ::close(listener);
    }

    prepare_fds(c.preserve_fds);
    ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    std::vector<char*> argv, envp;
    for (const auto& a : proc.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(exe.c_str(), argv.data(), envp.data());
    throw oci::SysError("exec " + exe);
}

void join_namespaces(const ChildConfig& c) {
    if (!c.join_flags) return;
    if (c.pidfd >= 0 && ::setns(c.pidfd, c.join_flags) == 0) return;
    // No setns(pidfd) (kernel < 5.8): one namespace file at a time.
    for (const auto& [flag, fd] : c.ns_fds) {
        if (::setns(fd, flag) != 0) {
            const char* name = "?";
            for (const auto& t : kNamespaces)
                if (t.flag == flag) name = t.file;
            throw oci::SysError(std::string("join the container's ") + name + " namespace");
        }
    }
}

// The cloned helper: cgroup, oom_score_adj, namespaces; forks once more when the pid
// namespace differs (setns(CLONE_NEWPID) only applies to children).
[[noreturn]] void helper_main(const ChildConfig& c) noexcept {
    try {
        // Until execve this is the runtime's binary inside the container's pid namespace:
        // begin_child makes it not dumpable (execve of the user's binary restores that).
        begin_child(c.close_fds, c.cgroup_self_fds);
        if (c.oom_score_adj) {
            // Still the host's /proc: the mount namespace is joined below.
            std::string v = std::to_string(*c.oom_score_adj);
            int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
            if (fd < 0 || ::write(fd, v.data(), v.size()) != static_cast<ssize_t>(v.size()))
                throw oci::SysError("process.oomScoreAdj " + v);
            ::close(fd);
        }
        join_namespaces(c);
        if (c.pidfd >= 0) ::close(c.pidfd);
        for (const auto& nf : c.ns_fds) ::close(nf.second);
        if (c.fork_needed) {
            pid_t child = ::fork();
            // ENOMEM: the namespace's init has exited (the kernel refuses new pids there).
            if (child < 0 && errno == ENOMEM) throw oci::Error("cannot exec in a stopped container");
            if (child < 0) throw oci::SysError("fork into the container's pid namespace");
            if (child > 0) {
                try {
                    send_msg(c.sync_fd, Msg::InitPid, child);
                } catch (...) {
                    ::kill(child, SIGKILL);
                    ::_exit(1);
                }
                ::_exit(0);
            }
        }
        finish_child(c);
    } catch (const std::exception& e) {
        fail_child(c.sync_fd, e.what());
    } catch (...) {
        fail_child(c.sync_fd, "exec: process setup failed");
    }
}

void reap(pid_t pid) {
    int st;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
}

oci::Spec effective_spec(const Handle& h) {
    return oci::spec_from_json(oci::json::parse_file(h.path("config.json")), h.path("config.json"));
}

}  // namespace

void parse_exec_user(const std::string& text, oci::User& user) {
    const size_t colon = text.find(':');
    user.uid = parse_id(text.substr(0, colon), "--user " + text);
    if (colon != std::string::npos) user.gid = parse_id(text.substr(colon + 1), "--user " + text);
}

oci::Process build_exec_process(const oci::Spec& spec, const ExecOptions& o) {
    oci::Process p;
    const oci::Process* cp = spec.process ? &*spec.process : nullptr;
    if (!o.process_file.empty()) {
        p = oci::process_from_json(oci::json::parse_file(o.process_file), o.process_file);
        oci::validate_process(p, o.process_file, "");
        // As runc: what the file leaves out comes from the container's process.
        if (cp && !p.rlimits_set && p.rlimits.empty()) p.rlimits = cp->rlimits;
        if (cp && !p.oom_score_adj) p.oom_score_adj = cp->oom_score_adj;
        return p;
    }
    if (o.args.empty()) throw oci::Error("exec: a command to run is required (or --process FILE)");
    if (cp) p = *cp;
    p.args = o.args;
    p.terminal = o.tty;
    p.console_size.reset();
    p.env.insert(p.env.end(), o.env.begin(), o.env.end());
    if (o.cwd) {
        if (o.cwd->empty() || (*o.cwd)[0] != '/')
            throw oci::Error("--cwd \"" + *o.cwd + "\": must be an absolute path");
        p.cwd = *o.cwd;
    }
    if (o.user) parse_exec_user(*o.user, p.user);
    for (const auto& g : o.additional_gids)
        p.user.additional_gids.push_back(parse_id(g, "--additional-gids " + g));
    if (!o.caps.empty()) {
        if (!p.capabilities) p.capabilities.emplace();
        for (const auto& cap : o.caps) {
            if (oci::capability_number(cap) < 0)
                throw oci::Error("--cap \"" + cap + "\": unknown capability");
            add_unique(p.capabilities->bounding, cap);
            add_unique(p.capabilities->effective, cap);
            add_unique(p.capabilities->permitted, cap);
            // Ambient needs inheritable: only where the container already has some.
            if (!p.capabilities->inheritable.empty()) {
                add_unique(p.capabilities->inheritable, cap);
                add_unique(p.capabilities->ambient, cap);
            }
        }
    }
    if (o.no_new_privs) p.no_new_privileges = true;
    if (o.process_label) p.selinux_label = *o.process_label;
    if (o.apparmor) p.apparmor_profile = *o.apparmor;
    oci::validate_process(p, "exec", "process");
    return p;
}

int exec(const Store& store, const ExecOptions& o, std::vector<std::string>& warnings) {
    reserve_preserved_slots(o.preserve_fds);
    Handle h = store.open(o.id, true);
    Record r = h.read();
    const std::string status = status_of(r, h);
    if (status == "stopped") throw oci::Error("cannot exec in a stopped container");
    if (status == "creating") throw oci::Error("cannot exec in a container that is still being created");
    if (status == "paused" && !o.ignore_paused)
        throw oci::Error("cannot exec in a paused container (use --ignore-paused to override)");

    const oci::Spec spec = effective_spec(h);
    oci::Process proc = build_exec_process(spec, o);
    if (o.detach && proc.terminal && o.console_socket.empty())
        throw oci::Error("cannot allocate tty if rampart will detach without setting console socket");
    if ((!o.detach || !proc.terminal) && !o.console_socket.empty())
        throw oci::Error("cannot use console socket if rampart will not detach or allocate tty");
    policy::enforce_exec(proc, spec, policy::Context{o.id, r.bundle, true},
                         policy::Source{o.policy_path});
    oci::json::Value landlock_record;
    if (h.exists("landlock.json")) landlock_record = oci::json::parse_file(h.path("landlock.json"));
    const security::Envelope envelope = security::exec_envelope(
        proc, landlock_record, o.process_file.empty() ? "config.json" : o.process_file);
    warnings.insert(warnings.end(), envelope.warnings.begin(), envelope.warnings.end());

    security::SeccompProgram seccomp;
    const oci::Seccomp* seccomp_spec =
        spec.linux && spec.linux->seccomp ? &*spec.linux->seccomp : nullptr;
    if (seccomp_spec) seccomp = load_seccomp(*seccomp_spec, store.root());

    // The init, pinned by a pidfd: once it is open and still matches, the pid cannot be
    // recycled under us.
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, r.pid, 0)));
    if (!pidfd.valid() && errno != ENOSYS) throw oci::Error("cannot exec in a stopped container");
    if (!process_matches(r.pid, r.pid_start)) throw oci::Error("cannot exec in a stopped container");

    ChildConfig cfg;
    cfg.proc = &proc;
    cfg.envelope = &envelope;
    cfg.seccomp = seccomp_spec ? &seccomp : nullptr;
    cfg.id = o.id;
    cfg.pidfd = pidfd.get();
    cfg.preserve_fds = o.preserve_fds;
    cfg.oom_score_adj = proc.oom_score_adj;

    // Every namespace of the init that is not already ours.
    std::vector<NsJoin> joins;
    const std::string nsdir = "/proc/" + std::to_string(r.pid) + "/ns/";
    for (const auto& t : kNamespaces) {
        struct stat theirs, ours;
        if (::stat((nsdir + t.file).c_str(), &theirs) != 0) {
            if (errno == ENOENT) continue;  // a namespace type this kernel lacks
            throw oci::SysError("open " + nsdir + t.file);
        }
        if (::stat((std::string("/proc/self/ns/") + t.file).c_str(), &ours) == 0 &&
            ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
            continue;
        UniqueFd fd(::open((nsdir + t.file).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd.valid()) throw oci::SysError("open " + nsdir + t.file);
        cfg.join_flags |= t.flag;
        if (t.flag == CLONE_NEWPID || t.flag == CLONE_NEWTIME) cfg.fork_needed = true;
        joins.push_back({t.flag, t.file, std::move(fd)});
    }
    for (const auto& j : joins) cfg.ns_fds.emplace_back(j.flag, j.fd.get());
    if (!process_matches(r.pid, r.pid_start)) throw oci::Error("cannot exec in a stopped container");

    // The container's cgroup: v2 at birth (CLONE_INTO_CGROUP), v1 hierarchies by the helper
    // writing "0" into each `tasks` file (cgroup.hpp explains why).
    auto manager = open_cgroup(r.cgroups_path, r.id);
    const cgroups::Layout layout = cgroups::detect();
    std::vector<UniqueFd> cgroup_fds;
    UniqueFd v2_dir, v2_procs;
    std::string v2_path;
    for (const auto& dir : manager->dirs()) {
        if (is_under(dir, layout.v2_root)) {
            v2_path = dir;
            continue;
        }
        UniqueFd fd(::open((dir + "/tasks").c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd.valid()) throw oci::SysError("cgroups: open " + dir + "/tasks");
        cfg.cgroup_self_fds.push_back(fd.get());
        cgroup_fds.push_back(std::move(fd));
    }

    UniqueFd console, console_peer;
    if (proc.terminal) {
        open_console_channel(o.console_socket, console, console_peer);
        cfg.console_fd = console.get();
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw oci::SysError("socketpair");
    UniqueFd sync(sv[0]), sync_child(sv[1]);
    cfg.sync_fd = sync_child.get();
    cfg.close_fds = {h.fd(), sync.get()};
    if (console_peer.valid()) cfg.close_fds.push_back(console_peer.get());

    std::optional<BlockedSignals> blocked;
    if (!o.detach) {
        blocked.emplace();
        // The process is our grandchild after the pid-namespace fork: adopt it.
        ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }

    pid_t helper = -1;
    if (!v2_path.empty()) {
        // Born in the container's v2 cgroup; when that one cannot take processes (it has
        // controllers enabled for children: EBUSY), in the init's own cgroup below it.
        for (int attempt = 0; attempt < 2 && helper < 0; ++attempt) {
            const std::string dir = attempt == 0 ? v2_path : init_v2_cgroup(r.pid, layout.v2_root);
            if (dir.empty() || (attempt == 1 && dir == v2_path)) break;
            v2_dir = UniqueFd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!v2_dir.valid()) throw oci::SysError("cgroups: open " + dir);
            CloneArgs args{};
            args.flags = kCloneIntoCgroup;
            args.exit_signal = SIGCHLD;
            args.cgroup = static_cast<uint64_t>(v2_dir.get());
            helper = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
            if (helper == 0) helper_main(cfg);
            if (helper < 0 && errno != EBUSY) break;
        }
        if (helper < 0) {
            // No clone3 / CLONE_INTO_CGROUP here: the helper writes "0" into cgroup.procs.
            v2_procs = UniqueFd(::open((v2_path + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
            if (!v2_procs.valid()) throw oci::SysError("cgroups: open " + v2_path + "/cgroup.procs");
            cfg.cgroup_self_fds.push_back(v2_procs.get());
        }
    }
    if (helper < 0) {
        helper = ::fork();
        if (helper < 0) throw oci::SysError("fork");
        if (helper == 0) helper_main(cfg);
    }
    sync_child.reset();
    console.reset();
    cgroup_fds.clear();
    v2_dir.reset();
    v2_procs.reset();
    joins.clear();

    pid_t pid = cfg.fork_needed ? -1 : helper;
    std::string error;
    try {
        Message m;
        while (recv_msg(sync.get(), m)) {
            if (m.type == Msg::Error) {
                error = m.text;
                break;
            }
            if (m.type == Msg::InitPid) {
                pid = m.value;
            } else if (m.type == Msg::SeccompFd) {
                UniqueFd listener(m.fd);
                oci::State st;
                st.oci_version = r.oci_version;
                st.id = r.id;
                st.status = "running";
                st.pid = r.pid;
                st.bundle = r.bundle;
                st.annotations = r.annotations;
                security::send_seccomp_listener(seccomp_spec->listener_path,
                                                seccomp_spec->listener_metadata, st, listener.get());
            }
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (!error.empty() || pid <= 0) {
        if (pid > 0) ::kill(pid, SIGKILL);
        ::kill(helper, SIGKILL);
        reap(helper);
        throw oci::Error(error.empty() ? "exec: the process setup failed" : error);
    }
    if (pid != helper) reap(helper);

    UniqueFd master;
    if (console_peer.valid()) master = receive_fd(console_peer.get());
    if (!o.pid_file.empty()) write_pid_file(o.pid_file, pid);
    // Let other commands (kill, delete --force) in while the process runs.
    { Handle released = std::move(h); }
    if (o.detach) return 0;
    return exit_code(wait_process(pid, blocked->set(), master.get()));
}

}  // namespace rampart::container
