#include "runtime/container/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"
#include "runtime/container/sync.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace rampart::container {
namespace {

void write_proc_file(const std::string& path, const std::string& content) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) throw oci::SysError("open " + path);
    if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        throw oci::SysError("write " + path);
}

std::string format_map(const std::vector<oci::IdMapping>& m) {
    std::string out;
    for (const auto& e : m)
        out += std::to_string(e.container_id) + " " + std::to_string(e.host_id) + " " +
               std::to_string(e.size) + "\n";
    return out;
}

// Opens a namespace file to join. Hostile paths are refused before anything is created:
// the path is first opened O_PATH (opening a FIFO would block, a device could act on
// open), must live on nsfs and be a namespace of the asked type; and the runtime's own
// mount namespace (e.g. /proc/self/ns/mnt, /proc/1/ns/mnt) is refused: the rootfs setup
// and pivot_root would then run on the host's mount table.
UniqueFd open_namespace(const std::string& path, int flag, const std::string& type_name, const std::string& where) {
    const std::string what = "config.json: " + where + ".path " + path;
    UniqueFd probe(::open(path.c_str(), O_PATH | O_CLOEXEC));
    if (!probe.valid()) throw oci::SysError(what);
    struct statfs fs {};
    if (::fstatfs(probe.get(), &fs) != 0) throw oci::SysError(what);
    if (static_cast<unsigned long>(fs.f_type) != NSFS_MAGIC)
        throw oci::Error(what + ": not a namespace file (expected e.g. /proc/PID/ns/TYPE or a bind mount of one)");
    UniqueFd fd(::open(("/proc/self/fd/" + std::to_string(probe.get())).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw oci::SysError(what);
    int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
    if (type >= 0 && type != flag)
        throw oci::Error(what + ": not a " + type_name + " namespace (the file is a namespace of another type)");
    if (flag == CLONE_NEWNS) {
        struct stat self {}, st {};
        if (::stat("/proc/self/ns/mnt", &self) == 0 && ::fstat(fd.get(), &st) == 0 &&
            self.st_dev == st.st_dev && self.st_ino == st.st_ino)
            throw oci::Error(what + ": the runtime's own (host) mount namespace; the container's mounts and "
                                    "pivot_root would change the host");
    }
    return fd;
}

int join_rank(int flag) {
    if (flag == CLONE_NEWUSER) return 0;
    if (flag == CLONE_NEWNS) return 2;
    return 1;
}

}  // namespace

NamespacePlan plan_namespaces(const oci::Spec& spec) {
    NamespacePlan plan;
    if (!spec.linux) return plan;
    const auto& nss = spec.linux->namespaces;
    for (size_t i = 0; i < nss.size(); ++i) {
        const auto& ns = nss[i];
        int flag = oci::namespace_clone_flag(ns.type);
        const std::string where = "linux.namespaces[" + std::to_string(i) + "]";
        if (flag == 0) throw oci::Error("config.json: " + where + ".type: unknown namespace \"" + ns.type + "\"");
        if (!ns.path.empty()) {
            NamespaceJoin j;
            j.flag = flag;
            j.type = ns.type;
            j.path = ns.path;
            j.fd = open_namespace(ns.path, flag, ns.type, where);
            plan.joins.push_back(std::move(j));
            plan.fast = false;
            if (flag == CLONE_NEWPID || flag == CLONE_NEWTIME) plan.fork_init = true;
            continue;
        }
        switch (flag) {
        case CLONE_NEWUSER: plan.new_user = true; break;
        case CLONE_NEWCGROUP: plan.new_cgroup = true; break;
        case CLONE_NEWPID: plan.new_pid = true; break;
        case CLONE_NEWTIME: plan.new_time = true; break;
        default: break;
        }
        if (flag != CLONE_NEWCGROUP && flag != CLONE_NEWTIME) plan.clone_flags |= flag;
        if (flag != CLONE_NEWCGROUP && flag != CLONE_NEWUSER) plan.unshare_flags |= flag;
    }
    if (plan.new_time) {
        plan.fast = false;
        plan.fork_init = true;
        plan.unshare_flags |= CLONE_NEWTIME;
    }
    if (!plan.fast && plan.new_pid) plan.fork_init = true;
    std::stable_sort(plan.joins.begin(), plan.joins.end(),
                     [](const NamespaceJoin& a, const NamespaceJoin& b) {
                         return join_rank(a.flag) < join_rank(b.flag);
                     });
    return plan;
}

void write_id_maps(pid_t pid, const oci::Linux& linux, bool deny_setgroups) {
    const std::string base = "/proc/" + std::to_string(pid);
    if (deny_setgroups) write_proc_file(base + "/setgroups", "deny");
    try {
        if (!linux.uid_mappings.empty()) write_proc_file(base + "/uid_map", format_map(linux.uid_mappings));
    } catch (const oci::Error& e) {
        throw oci::Error(std::string("linux.uidMappings: ") + e.what());
    }
    try {
        if (!linux.gid_mappings.empty()) write_proc_file(base + "/gid_map", format_map(linux.gid_mappings));
    } catch (const oci::Error& e) {
        throw oci::Error(std::string("linux.gidMappings: ") + e.what());
    }
}

void write_time_offsets(const oci::Linux& linux) {
    std::string out;
    for (const auto& [clock, off] : linux.time_offsets)
        out += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
    if (out.empty()) return;
    try {
        write_proc_file("/proc/self/timens_offsets", out);
    } catch (const oci::Error& e) {
        throw oci::Error(std::string("linux.timeOffsets: ") + e.what());
    }
}

void enter_namespaces(const NamespacePlan& plan, const oci::Spec& spec, int sync) {
    for (const auto& j : plan.joins) {
        if (::setns(j.fd.get(), j.flag) != 0)
            throw oci::SysError("join " + j.type + " namespace " + j.path);
    }
    if (plan.new_user) {
        if (::unshare(CLONE_NEWUSER) != 0) throw oci::SysError("unshare user namespace");
        send_msg(sync, Msg::MapsNeeded, static_cast<int>(::getpid()));
        Message m;
        if (!recv_msg(sync, m) || m.type != Msg::MapsDone)
            throw oci::Error("parent did not write the id maps");
    }
    if (plan.new_user || !plan.joins.empty()) {
        // Become root of the (new or joined) user namespace when 0 is mapped.
        if (plan.new_user || plan.joins.front().flag == CLONE_NEWUSER) {
            (void)::setresgid(0, 0, 0);
            (void)::setresuid(0, 0, 0);
        }
    }
    if (plan.unshare_flags && ::unshare(plan.unshare_flags) != 0)
        throw oci::SysError("unshare namespaces");
    if (plan.new_time) write_time_offsets(*spec.linux);
}

}  // namespace rampart::container
