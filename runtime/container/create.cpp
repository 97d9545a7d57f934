// `create`, parent side: validate, lock, state "creating", clone the init, cgroup (in a
// thread, concurrently), uid/gid maps, createRuntime hooks, wait for "ready", state
// "created". Any failure removes every trace (process, cgroup, state directory).
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdlib>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "policy/policy.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/child_setup.hpp"
#include "runtime/container/container.hpp"
#include "runtime/container/hooks.hpp"
#include "runtime/container/init.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/container/seccomp_cache.hpp"
#include "runtime/container/sync.hpp"
#include "runtime/container/terminal.hpp"
#include "runtime/container/timing.hpp"
#include "runtime/security/envelope.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/security/seccomp_learn.hpp"

namespace rampart::container {
namespace {

std::string absolute(const std::string& path) {
    char buf[PATH_MAX];
    if (path.empty()) {
        if (!::getcwd(buf, sizeof buf)) throw oci::SysError("getcwd");
        return buf;
    }
    if (!::realpath(path.c_str(), buf)) throw oci::SysError("bundle " + path);
    return buf;
}

// Systemd socket activation passes fds 3.. with LISTEN_FDS; they travel into the
// container like --preserve-fds (runc does the same).
int listen_fds() {
    const char* n = std::getenv("LISTEN_FDS");
    const char* p = std::getenv("LISTEN_PID");
    if (!n || !*n) return 0;
    if (p && *p && std::atoi(p) != ::getpid()) return 0;
    int v = std::atoi(n);
    return v > 0 ? v : 0;
}

void write_oom_score_adj(pid_t pid, int value) {
    std::string path = "/proc/" + std::to_string(pid) + "/oom_score_adj";
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    std::string s = std::to_string(value);
    if (!fd.valid() || ::write(fd.get(), s.data(), s.size()) != static_cast<ssize_t>(s.size()))
        throw oci::SysError("process.oomScoreAdj " + s);
}

void reap(pid_t pid) {
    if (pid <= 0) return;
    int st;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
}

std::string describe_exit(pid_t pid) {
    int st = 0;
    pid_t r;
    while ((r = ::waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
    }
    if (r != pid) return "container init exited before it was ready";
    if (WIFSIGNALED(st))
        return "container init was killed by signal " + std::to_string(WTERMSIG(st)) +
               " before it was ready";
    return "container init exited with status " + std::to_string(WEXITSTATUS(st)) +
           " before it was ready";
}

// Undoes a partial create unless dismissed.
struct Cleanup {
    pid_t child = -1;
    pid_t init = -1;
    pid_t recorder = -1;
    CgroupSetup* cgroup = nullptr;
    Handle* handle = nullptr;
    std::string pid_file;
    bool armed = true;
    ~Cleanup() {
        if (!armed) return;
        if (init > 0 && init != child) ::kill(init, SIGKILL);
        if (child > 0) {
            ::kill(child, SIGKILL);
            reap(child);
        }
        if (init > 0 && init != child) {
            // Not our child (slow path): wait until it is gone from its cgroup.
            for (int i = 0; i < 1000 && ::kill(init, 0) == 0; ++i) ::usleep(1000);
        }
        if (recorder > 0) {
            ::kill(recorder, SIGKILL);
            reap(recorder);
        }
        if (cgroup) cgroup->destroy();
        if (handle) {
            try {
                handle->remove();
            } catch (...) {
            }
        }
    }
};

}  // namespace

Created create(const Store& store, const CreateOptions& o) {
    const int preserve = o.preserve_fds + listen_fds();
    timing_mark("create-begin");
    reserve_preserved_slots(preserve);
    Store::check_id(o.id);
    {
        struct stat st;
        if (::stat((store.root() + "/" + o.id).c_str(), &st) == 0)
            throw oci::Error("container " + o.id + " already exists");
    }
    const std::string bundle = absolute(o.bundle);
    oci::Spec spec = oci::load_bundle(bundle);
    // The policy rewrites the spec (defaults, fixes) or refuses (policy::Refused) before
    // anything exists; the rewritten spec is what the container gets and what is saved.
    policy::Decisions decisions = policy::enforce_create(
        spec, policy::Context{o.id, bundle, false}, policy::Source{o.policy_path});
    timing_mark("bundle-loaded");

    if (!spec.process) throw oci::Error("config.json: process: missing (nothing to run)");
    if (!spec.root) throw oci::Error("config.json: root: missing");
    if (!spec.linux) spec.linux.emplace();
    const oci::Process& proc = *spec.process;
    if (proc.terminal && o.console_socket.empty() && !o.proxy_terminal)
        throw oci::Error("process.terminal is true but no --console-socket was given");
    if (!proc.terminal && !o.console_socket.empty())
        throw oci::Error("--console-socket given but process.terminal is false");
    if (!spec.linux->find_namespace("mount"))
        throw oci::Error("config.json: linux.namespaces: a mount namespace is required");
    NamespacePlan plan = plan_namespaces(spec);
    std::string rootfs = spec.root->path;
    if (rootfs.empty() || rootfs[0] != '/') rootfs = bundle + "/" + rootfs;
    rootfs = absolute(rootfs);
    // MAC labels, Landlock and seccomp learning: decided here so that what the host cannot
    // honour fails before anything exists; applied in the init.
    const security::Envelope envelope =
        security::prepare_envelope(spec, decisions.landlock, rootfs,
                                   o.seccomp_learn.empty() ? decisions.seccomp_learn : o.seccomp_learn);
    for (const auto& w : envelope.warnings) decisions.items.push_back({"warn", "envelope", w});

    // The exclusive mkdir decides who owns this id; only then may its cgroup be touched.
    Created out{store.create(o.id), Record{}, UniqueFd{}, proc.terminal};
    out.warnings = envelope.warnings;
    Handle& h = out.handle;
    Record& r = out.record;
    // linux.resources plus the device rules runc enforces (deny-all without rules, an
    // allow rule per linux.devices entry).
    const oci::Resources cgroup_resources = cgroups::resources_for(*spec.linux);
    CgroupSetup cgroup(spec.linux->cgroups_path, o.id, &cgroup_resources);
    Cleanup cleanup;
    cleanup.handle = &h;
    cleanup.cgroup = &cgroup;
    cgroup.start();  // concurrently with the rest of the preparation below
    timing_mark("store-created");

    security::SeccompProgram seccomp_prog;
    const bool has_seccomp = spec.linux->seccomp.has_value();
    if (has_seccomp) seccomp_prog = load_seccomp(*spec.linux->seccomp, store.root());

    r.oci_version = spec.oci_version;
    r.id = o.id;
    r.status = "creating";
    r.bundle = bundle;
    r.rootfs = rootfs;
    r.created = rfc3339_now();
    r.owner = ::geteuid();
    r.cgroups_path = spec.linux->cgroups_path;
    r.systemd_cgroup = o.systemd_cgroup;
    r.new_pid_ns = plan.new_pid;
    r.has_poststart = spec.hooks && !spec.hooks->poststart.empty();
    r.has_poststop = spec.hooks && !spec.hooks->poststop.empty();
    r.annotations = spec.annotations;
    h.write(r);
    // The effective spec (after policy): exec, start's and delete's hooks read it.
    h.write_file("config.json", oci::json::serialize(oci::spec_to_json(spec)));
    h.write_file("decisions.json", oci::json::serialize(decisions.to_json()));  // for inspect
    // exec applies the same Landlock ruleset; inspect shows it.
    if (envelope.landlock)
        h.write_file("landlock.json", oci::json::serialize(envelope.landlock->to_json()));

    UniqueFd fifo_fd;
    if (!o.start_immediately) {
        if (::mkfifoat(h.fd(), "exec.fifo", 0600) != 0) throw oci::SysError("mkfifo " + h.path("exec.fifo"));
        fifo_fd = UniqueFd(::openat(h.fd(), "exec.fifo", O_RDWR | O_NONBLOCK | O_CLOEXEC));
        if (!fifo_fd.valid()) throw oci::SysError("open " + h.path("exec.fifo"));
    }

    UniqueFd console, console_peer;
    if (proc.terminal) {
        open_console_channel(o.console_socket, console, console_peer);
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw oci::SysError("socketpair");
    UniqueFd sync(sv[0]), sync_child(sv[1]);

    const bool has_runtime_hooks =
        spec.hooks && (!spec.hooks->prestart.empty() || !spec.hooks->create_runtime.empty());
    cgroup.prepare();  // joins the thread: single-threaded again from here on
    timing_mark("cgroup-prepared");

    InitConfig cfg;
    cfg.spec = &spec;
    cfg.plan = &plan;
    cfg.seccomp = has_seccomp ? &seccomp_prog : nullptr;
    cfg.id = o.id;
    cfg.bundle = bundle;
    cfg.rootfs = rootfs;
    cfg.no_pivot = o.no_pivot;
    cfg.no_new_keyring = o.no_new_keyring;
    cfg.sync_fd = sync_child.get();
    cfg.console_fd = console.get();
    cfg.fifo_fd = fifo_fd.get();
    cfg.preserve_fds = preserve;
    cfg.wait_for_start = !o.start_immediately;
    cfg.envelope = &envelope;
    security::LearnChannel learn;
    if (!envelope.learn_path.empty()) {
        learn = security::LearnChannel::create();
        cfg.learn_fd = learn.child_end.get();
    }
    if (int lf = listen_fds(); lf > 0) {
        cfg.extra_env.push_back("LISTEN_FDS=" + std::to_string(lf));
        cfg.extra_env.push_back("LISTEN_PID=1");
    }
    cfg.close_fds = {h.fd(), sync.get()};
    if (console_peer.valid()) cfg.close_fds.push_back(console_peer.get());

    // One clone. With CLONE_INTO_CGROUP the init is born in its v2 cgroup; it joins the
    // v1 hierarchies itself (cgroup.hpp explains why).
    bool self_placed = cgroup.self_placement();
    pid_t child = -1;
    const uint64_t ns_flags = plan.fast ? static_cast<uint64_t>(plan.clone_flags) : 0;
    if (self_placed) {
        cfg.cgroup_tasks_fds = cgroup.self_tasks_fds();
        cfg.wait_for_go = plan.new_user || has_runtime_hooks || !plan.fast;
        CloneArgs args{};
        args.flags = ns_flags;
        args.exit_signal = SIGCHLD;
        if (cgroup.v2_dir_fd() >= 0) {
            args.flags |= kCloneIntoCgroup;
            args.cgroup = static_cast<uint64_t>(cgroup.v2_dir_fd());
        }
        child = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
        if (child < 0 && errno != ENOMEM && errno != ENOSPC && errno != EPERM && errno != EUSERS) {
            self_placed = false;  // no clone3 / CLONE_INTO_CGROUP here: the classic way
        } else if (child < 0) {
            throw oci::SysError("clone the container init");
        }
    }
    if (!self_placed) {
        cfg.cgroup_tasks_fds.clear();
        cfg.wait_for_go = true;
        child = static_cast<pid_t>(::syscall(SYS_clone, ns_flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
        if (child < 0) throw oci::SysError("clone the container init");
    }
    if (child == 0) init_main(cfg);
    cleanup.child = child;
    timing_mark("cloned");
    cleanup.init = child;
    cgroup.release_fds();
    learn.child_end.reset();
    sync_child.reset();
    console.reset();
    fifo_fd.reset();

    auto fail_from_child = [&](const std::string& fallback) -> oci::Error {
        Message m;
        try {
            while (recv_msg(sync.get(), m))
                if (m.type == Msg::Error) return oci::Error(m.text);
        } catch (...) {
        }
        if (cleanup.init == child) {
            cleanup.child = -1;  // reaped by describe_exit
            return oci::Error(describe_exit(child));
        }
        return oci::Error(fallback);
    };

    pid_t init = child;
    if (!plan.fast) {
        for (;;) {
            Message m;
            if (!recv_msg(sync.get(), m)) throw fail_from_child("container init failed");
            if (m.type == Msg::Error) throw oci::Error(m.text);
            if (m.type == Msg::MapsNeeded) {
                write_id_maps(m.value, *spec.linux, ::geteuid() != 0);
                send_msg(sync.get(), Msg::MapsDone);
            } else if (m.type == Msg::InitPid) {
                init = m.value;
                cleanup.init = init;
                break;
            }
        }
        if (init != child) {
            reap(child);
            cleanup.child = -1;
        }
    } else if (plan.new_user) {
        write_id_maps(child, *spec.linux, ::geteuid() != 0);
    }
    if (proc.oom_score_adj) write_oom_score_adj(init, *proc.oom_score_adj);
    if (!self_placed) cgroup.place(init);
    if (learn.parent_end) {
        // Before the init goes on: from the learning filter on, each of its syscalls waits
        // for the recorder's answer (the runtime's own last steps are recorded too).
        security::LearnOptions lo;
        lo.out_path = envelope.learn_path;
        lo.configured = spec.linux->seccomp;
        lo.quiet = o.learn_quiet;
        cleanup.recorder = security::spawn_recorder(std::move(learn.parent_end), init, lo);
    }

    oci::State hs;
    hs.oci_version = spec.oci_version;
    hs.id = o.id;
    hs.status = "creating";
    hs.pid = init;
    hs.bundle = bundle;
    hs.annotations = spec.annotations;
    if (has_runtime_hooks) {
        // prestart sees "created" (the runtime-tools conformance test hooks_stdin asks for
        // it: the environment is set up), createRuntime "creating" as runc passes it.
        hs.status = "created";
        if (!spec.hooks->prestart.empty())
            run_hooks(spec.hooks->prestart, oci::json::serialize(oci::state_to_json(hs)), "prestart");
        hs.status = "creating";
        run_hooks(spec.hooks->create_runtime, oci::json::serialize(oci::state_to_json(hs)),
                  "createRuntime");
    }
    if (cfg.wait_for_go) {
        try {
            send_msg(sync.get(), Msg::Go);
        } catch (const oci::Error&) {
            throw fail_from_child("container init failed");
        }
    }
    for (;;) {
        Message m;
        if (!recv_msg(sync.get(), m)) throw fail_from_child("container init failed");
        if (m.type == Msg::Error) throw oci::Error(m.text);
        if (m.type == Msg::SeccompFd) {
            UniqueFd listener(m.fd);
            security::send_seccomp_listener(spec.linux->seccomp->listener_path,
                                            spec.linux->seccomp->listener_metadata, hs,
                                            listener.get());
        } else if (m.type == Msg::Ready) {
            break;
        }
    }
    if (console_peer.valid()) out.console_master = receive_fd(console_peer.get());
    timing_mark("ready");

    r.status = o.start_immediately ? "running" : "created";
    r.pid = init;
    r.pid_start = process_start_time(init);
    h.write(r);
    if (!o.pid_file.empty()) write_pid_file(o.pid_file, init);
    out.recorder = cleanup.recorder;
    cleanup.armed = false;
    timing_mark("create-end");
    return out;
}

}  // namespace rampart::container
