// Landlock rulesets from bane TOML profiles (see landlock.hpp for the mapping).
#include "runtime/security/landlock.hpp"

#include <elf.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "oci/error.hpp"
#include "runtime/security/unique_fd.hpp"

namespace rampart::security {
namespace {

// The kernel's structures, declared here because the Debian 12 header predates ABI 4.
struct RulesetAttr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
};
struct PathBeneathAttr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

constexpr uint64_t kRead = ll::kReadFile | ll::kReadDir;
constexpr uint64_t kWrite = ll::kWriteFile | ll::kRemoveDir | ll::kRemoveFile | ll::kMakeDir |
                            ll::kMakeReg | ll::kMakeSock | ll::kMakeFifo | ll::kMakeSym |
                            ll::kRefer | ll::kTruncate;
constexpr uint64_t kDevice = ll::kReadFile | ll::kWriteFile | ll::kIoctlDev;

const char* const kBaseDevices[] = {"/dev/null",    "/dev/zero", "/dev/full", "/dev/random",
                                    "/dev/urandom", "/dev/tty",  "/dev/ptmx", "/dev/console"};

const char* const kRightNames[] = {"execute",     "write_file", "read_file", "read_dir",
                                   "remove_dir",  "remove_file", "make_char", "make_dir",
                                   "make_reg",    "make_sock",  "make_fifo", "make_block",
                                   "make_sym",    "refer",      "truncate",  "ioctl_dev"};

// A bane path as a Landlock target: "/usr/**" -> "/usr"; "/**" -> "/"; "@{PROC}" -> "/proc".
struct Target {
    std::string path;
    bool expressible = true;
    bool broadened = false;  // "/x/*" (direct children only) became everything beneath /x
};

bool has_glob(const std::string& s) { return s.find_first_of("*?[]{}^") != std::string::npos; }

Target to_target(std::string p) {
    Target t;
    if (p.rfind("@{PROC}", 0) == 0) p = "/proc" + p.substr(7);
    if (p.rfind("@{", 0) == 0) {
        t.expressible = false;
        return t;
    }
    if (p.ends_with("/**")) p.resize(p.size() - 3);
    else if (p.ends_with("/*")) {
        p.resize(p.size() - 2);
        t.broadened = true;
    }
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty()) p = "/";
    t.path = p;
    t.expressible = !has_glob(p);
    return t;
}

// The part of a glob before its first special character, as a directory ("/usr/bin/*sh" -> "/usr/bin").
std::string glob_prefix(const std::string& p) {
    size_t g = p.find_first_of("*?[]{}^");
    std::string head = g == std::string::npos ? p : p.substr(0, g);
    if (g != std::string::npos) head = head.substr(0, head.rfind('/') + 1);
    while (head.size() > 1 && head.back() == '/') head.pop_back();
    return head.empty() ? "/" : head;
}

bool beneath(const std::string& path, const std::string& dir) {
    if (dir == "/") return true;
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                           path[dir.size()] == '/');
}

// Opens a container path inside the host directory `rootfs`, symlinks resolved in it.
UniqueFd open_in_rootfs(const std::string& rootfs, const std::string& path, int flags) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return UniqueFd();
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    std::string rel = path == "/" ? "." : path.substr(1);
    return UniqueFd(static_cast<int>(syscall(SYS_openat2, root.get(), rel.c_str(), &how, sizeof how)));
}

// The program the kernel also opens for execution when `path` is executed: the ELF
// PT_INTERP or the "#!" interpreter. "" when none or unreadable.
std::string interpreter_of(const std::string& rootfs, const std::string& path) {
    UniqueFd fd = open_in_rootfs(rootfs, path, O_RDONLY);
    if (!fd) return "";
    char buf[4096];
    ssize_t n = pread(fd.get(), buf, sizeof buf, 0);
    if (n < 4) return "";
    if (buf[0] == '#' && buf[1] == '!') {
        std::string line(buf + 2, static_cast<size_t>(n - 2));
        line = line.substr(0, line.find('\n'));
        size_t b = line.find_first_not_of(" \t");
        if (b == std::string::npos) return "";
        std::string interp = line.substr(b, line.find_first_of(" \t", b) - b);
        return interp.rfind('/', 0) == 0 ? interp : "";
    }
    if (std::memcmp(buf, ELFMAG, SELFMAG) != 0) return "";
    auto read_interp = [&](uint64_t off, uint64_t size) -> std::string {
        if (size == 0 || size > 4096) return "";
        std::string s(size, '\0');
        if (pread(fd.get(), s.data(), size, static_cast<off_t>(off)) != static_cast<ssize_t>(size)) return "";
        s.resize(std::strlen(s.c_str()));
        return s.rfind('/', 0) == 0 ? s : "";
    };
    if (buf[EI_CLASS] == ELFCLASS64 && n >= static_cast<ssize_t>(sizeof(Elf64_Ehdr))) {
        Elf64_Ehdr eh;
        std::memcpy(&eh, buf, sizeof eh);
        for (int i = 0; i < eh.e_phnum && i < 64; ++i) {
            Elf64_Phdr ph;
            if (pread(fd.get(), &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + i * eh.e_phentsize)) != sizeof ph) break;
            if (ph.p_type == PT_INTERP) return read_interp(ph.p_offset, ph.p_filesz);
        }
    } else if (buf[EI_CLASS] == ELFCLASS32 && n >= static_cast<ssize_t>(sizeof(Elf32_Ehdr))) {
        Elf32_Ehdr eh;
        std::memcpy(&eh, buf, sizeof eh);
        for (int i = 0; i < eh.e_phnum && i < 64; ++i) {
            Elf32_Phdr ph;
            if (pread(fd.get(), &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + i * eh.e_phentsize)) != sizeof ph) break;
            if (ph.p_type == PT_INTERP) return read_interp(ph.p_offset, ph.p_filesz);
        }
    }
    return "";
}

bool effective_cap_sys_admin() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &hdr, data) != 0) return false;
    return (data[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1;
}

}  // namespace

int landlock_abi() {
    long v = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return v < 0 ? 0 : static_cast<int>(v);
}

uint64_t landlock_fs_rights(int abi) {
    if (abi < 1) return 0;
    uint64_t r = (1ULL << 13) - 1;  // ABI 1: execute .. make_sym
    if (abi >= 2) r |= ll::kRefer;
    if (abi >= 3) r |= ll::kTruncate;
    if (abi >= 5) r |= ll::kIoctlDev;
    return r;
}

std::string landlock_access_names(uint64_t access) {
    std::string out;
    for (int i = 0; i < 16; ++i)
        if (access & (1ULL << i)) out += (out.empty() ? "" : ",") + std::string(kRightNames[i]);
    return out;
}

LandlockPlan plan_landlock(const policy::BaneProfile& p, int abi, const std::string& rootfs,
                           const oci::Process* process) {
    if (abi < 1)
        throw oci::Error("Landlock is not supported by this kernel: " + p.source +
                         " cannot be enforced");
    LandlockPlan plan;
    plan.source = p.source;
    plan.profile = p.name;
    plan.abi = abi;
    plan.handled_fs = landlock_fs_rights(abi);
    const uint64_t h = plan.handled_fs;
    auto warn = [&](std::string w) { plan.warnings.push_back("landlock: " + std::move(w)); };
    auto add = [&](std::string path, uint64_t access, std::string origin) {
        plan.rules.push_back({std::move(path), access & h, std::move(origin)});
    };
    auto exists = [&](const std::string& path) {
        return rootfs.empty() || static_cast<bool>(open_in_rootfs(rootfs, path, O_PATH));
    };

    add("/", kRead, "base: everything readable (AppArmor's `file,`)");
    for (const char* dev : kBaseDevices) add(dev, kDevice, "base: character device");
    add("/dev/pts", kDevice, "base: terminals");

    std::vector<std::string> writable_targets, exec_targets;
    for (size_t i = 0; i < p.writable_paths.size(); ++i) {
        const std::string origin = "WritablePaths[" + std::to_string(i) + "] " + p.writable_paths[i];
        Target t = to_target(p.writable_paths[i]);
        if (!t.expressible) {
            warn(origin + ": glob not expressible in Landlock; nothing granted");
            continue;
        }
        if (t.broadened) warn(origin + ": granted on everything beneath " + t.path);
        writable_targets.push_back(t.path);
        if (!exists(t.path)) {
            std::string parent = t.path;
            do {
                parent = parent.substr(0, parent.rfind('/'));
                if (parent.empty()) parent = "/";
            } while (parent != "/" && !exists(parent));
            warn(origin + ": does not exist in the rootfs; Landlock cannot name a file not yet "
                          "created, so all of " + parent + " is writable");
            add(parent, kRead | kWrite, origin + " (parent directory)");
        } else {
            add(t.path, kRead | kWrite, origin);
        }
    }
    for (size_t i = 0; i < p.allow_exec.size(); ++i) {
        const std::string origin = "AllowExec[" + std::to_string(i) + "] " + p.allow_exec[i];
        Target t = to_target(p.allow_exec[i]);
        if (!t.expressible) {
            warn(origin + ": glob not expressible in Landlock; execution not granted");
            continue;
        }
        if (t.broadened) warn(origin + ": granted on everything beneath " + t.path);
        exec_targets.push_back(t.path);
        add(t.path, ll::kExecute | kRead, origin);
        if (!rootfs.empty()) {
            std::string interp = interpreter_of(rootfs, t.path);
            if (!interp.empty())
                add(interp, ll::kExecute | ll::kReadFile, "interpreter of " + t.path);
        }
    }
    for (size_t i = 0; i < p.read_only_paths.size(); ++i) {
        const std::string& entry = p.read_only_paths[i];
        const std::string origin = "ReadOnlyPaths[" + std::to_string(i) + "] " + entry;
        Target t = to_target(entry);
        std::string dir = t.expressible ? t.path : glob_prefix(entry);
        for (const auto& w : writable_targets)
            if (beneath(dir, w) && dir != w)
                warn(origin + " lies beneath writable " + w +
                     ": Landlock cannot deny beneath an allow; it stays writable");
            else if (beneath(w, dir))
                warn(origin + " covers writable " + w + ": AppArmor's deny would win there, "
                              "Landlock grants the write");
        std::string devs;
        for (const char* dev : kBaseDevices)
            if (beneath(dev, dir)) devs += (devs.empty() ? "" : ", ") + std::string(dev);
        if (!devs.empty())
            warn(origin + ": " + devs + " and /dev/pts stay writable (base grants)");
    }
    if (!p.deny_exec.empty())
        warn("DenyExec: Landlock denies execution only; reading and mapping these files stays "
             "allowed (AppArmor's mrwklx deny is wider)");
    for (size_t i = 0; i < p.deny_exec.size(); ++i) {
        const std::string& entry = p.deny_exec[i];
        Target t = to_target(entry);
        std::string dir = t.expressible ? t.path : glob_prefix(entry);
        for (const auto& x : exec_targets)
            if (beneath(dir, x))
                warn("DenyExec[" + std::to_string(i) + "] " + entry + " lies beneath AllowExec " +
                     x + ": Landlock cannot deny beneath an allow; execution stays allowed");
    }
    if (!p.log_on_write_paths.empty()) {
        std::string list;
        for (const auto& l : p.log_on_write_paths) list += (list.empty() ? "" : ", ") + l;
        warn("LogOnWritePaths (" + list + "): Landlock cannot log writes; not enforced");
    }
    if (p.has_network) {
        auto has = [&](const char* proto) {
            for (const auto& x : p.protocols)
                if (x == proto) return true;
            return false;
        };
        if (!has("tcp")) {
            if (abi >= 4) plan.handled_net = ll::kBindTcp | ll::kConnectTcp;
            else warn("Network.Protocols lacks tcp but Landlock ABI " + std::to_string(abi) +
                      " < 4 cannot restrict TCP");
        }
        if (!has("udp")) warn("Network.Protocols lacks udp: Landlock cannot restrict UDP");
        if (!has("icmp")) warn("Network.Protocols lacks icmp: Landlock cannot restrict ICMP");
        if (!p.network_raw)
            warn("Network.Raw = false: Landlock cannot deny raw sockets (leave CAP_NET_RAW out)");
        if (!p.network_packet)
            warn("Network.Packet = false: Landlock cannot deny packet sockets (leave CAP_NET_RAW out)");
    }
    if (!p.capabilities.empty())
        warn("Capabilities.Allow is not enforced by Landlock; the container's capability sets apply");
    if (process && !process->no_new_privileges.value_or(false)) {
        bool admin = false;
        if (process->capabilities)
            for (const auto& c : process->capabilities->effective)
                if (c == "CAP_SYS_ADMIN") admin = true;
        if (!admin)
            warn("no_new_privs will be set for the process: Landlock requires it without CAP_SYS_ADMIN");
    }
    return plan;
}

std::vector<std::string> apply_landlock(const LandlockPlan& plan) {
    if (landlock_abi() < 1)
        throw oci::Error("Landlock is not supported by this kernel: " + plan.source +
                         " cannot be enforced");
    std::vector<std::string> notes;
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 && !effective_cap_sys_admin())
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            throw oci::SysError("landlock: prctl(PR_SET_NO_NEW_PRIVS)");

    RulesetAttr attr{plan.handled_fs, plan.handled_net};
    size_t size = plan.handled_net ? sizeof attr : sizeof attr.handled_access_fs;
    UniqueFd ruleset(static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
    if (!ruleset)
        throw oci::SysError("landlock: create ruleset (" + plan.source + ", handled " +
                            landlock_access_names(plan.handled_fs) + ")");
    for (const auto& rule : plan.rules) {
        UniqueFd fd(::open(rule.path.c_str(), O_PATH | O_CLOEXEC));
        if (!fd) {
            if (errno == ENOENT || errno == ENOTDIR) {
                notes.push_back("landlock: " + rule.path + " (" + rule.origin + ") does not exist; nothing granted");
                continue;
            }
            throw oci::SysError("landlock: " + rule.origin + ": open " + rule.path);
        }
        struct stat st;
        if (fstat(fd.get(), &st) != 0) throw oci::SysError("landlock: stat " + rule.path);
        uint64_t access = rule.access & plan.handled_fs;
        if (!S_ISDIR(st.st_mode)) access &= ll::kFileRights;
        if (access == 0) continue;
        PathBeneathAttr pb{access, fd.get()};
        if (syscall(SYS_landlock_add_rule, ruleset.get(), LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0)
            throw oci::SysError("landlock: " + rule.origin + ": add rule " + rule.path + " (" +
                                landlock_access_names(access) + ")");
    }
    if (syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0)
        throw oci::SysError("landlock: restrict self (" + plan.source + ")");
    return notes;
}

oci::json::Value LandlockPlan::to_json() const {
    using oci::json::Value;
    Value v;
    v.set("source", source);
    v.set("profile", profile);
    v.set("abi", abi);
    v.set("handled_fs", landlock_access_names(handled_fs));
    std::string net;
    if (handled_net & ll::kBindTcp) net = "bind_tcp";
    if (handled_net & ll::kConnectTcp) net += net.empty() ? "connect_tcp" : ",connect_tcp";
    v.set("handled_net", net);
    Value rs = oci::json::Array{};
    for (const auto& r : rules) {
        Value o;
        o.set("path", r.path);
        o.set("access", landlock_access_names(r.access));
        o.set("origin", r.origin);
        rs.push(o);
    }
    v.set("rules", rs);
    Value ws = oci::json::Array{};
    for (const auto& w : warnings) ws.push(w);
    v.set("warnings", ws);
    return v;
}

}  // namespace rampart::security
