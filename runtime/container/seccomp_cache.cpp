#include "runtime/container/seccomp_cache.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/container/fd.hpp"
#include "runtime/container/sha256.hpp"

namespace rampart::container {
namespace {

constexpr uint32_t kMagic = 0x52534331;  // "RSC1"

struct FileHeader {
    uint32_t magic;
    uint32_t flags;
    uint32_t notify;
    uint32_t count;
};

void add(std::string& out, const std::string& s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

void add(std::string& out, uint64_t v) {
    out += std::to_string(v);
    out += ';';
}

}  // namespace

std::string seccomp_cache_key(const oci::Seccomp& s) {
    std::string t;
    const scmp_version* v = seccomp_version();
    add(t, std::string("rampart-seccomp-v1"));
    if (v) {
        add(t, v->major);
        add(t, v->minor);
        add(t, v->micro);
    }
    add(t, s.default_action);
    add(t, s.default_errno_ret ? uint64_t(*s.default_errno_ret) + 1 : 0);
    add(t, s.architectures.size());
    for (const auto& a : s.architectures) add(t, a);
    add(t, s.flags.size());
    for (const auto& f : s.flags) add(t, f);
    add(t, s.syscalls.size());
    for (const auto& sc : s.syscalls) {
        add(t, sc.names.size());
        for (const auto& n : sc.names) add(t, n);
        add(t, sc.action);
        add(t, sc.errno_ret ? uint64_t(*sc.errno_ret) + 1 : 0);
        add(t, sc.args.size());
        for (const auto& a : sc.args) {
            add(t, a.index);
            add(t, a.value);
            add(t, a.value_two);
            add(t, a.op);
        }
    }
    return sha256_hex(t);
}

security::SeccompProgram load_seccomp(const oci::Seccomp& seccomp, const std::string& state_root) {
    const std::string dir = state_root + "/.seccomp-cache";
    const std::string file = dir + "/" + seccomp_cache_key(seccomp) + ".bpf";
    {
        UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        struct stat st;
        FileHeader h;
        if (fd.valid() && ::fstat(fd.get(), &st) == 0 && st.st_uid == ::geteuid() &&
            ::read(fd.get(), &h, sizeof h) == sizeof h && h.magic == kMagic &&
            static_cast<size_t>(st.st_size) == sizeof h + h.count * sizeof(sock_filter)) {
            security::SeccompProgram p;
            p.flags = h.flags;
            p.notify = h.notify != 0;
            p.insns.resize(h.count);
            const ssize_t want = static_cast<ssize_t>(h.count * sizeof(sock_filter));
            if (::read(fd.get(), p.insns.data(), want) == want) return p;
        }
    }
    security::SeccompProgram p = security::compile_seccomp(seccomp);
    // Best effort: a cache that cannot be written only costs time.
    ::mkdir(state_root.c_str(), 0700);
    ::mkdir(dir.c_str(), 0700);
    const std::string tmp = file + "." + std::to_string(::getpid()) + ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.valid()) {
        FileHeader h{kMagic, p.flags, p.notify ? 1u : 0u, static_cast<uint32_t>(p.insns.size())};
        std::string buf(reinterpret_cast<const char*>(&h), sizeof h);
        buf.append(reinterpret_cast<const char*>(p.insns.data()), p.insns.size() * sizeof(sock_filter));
        bool ok = ::write(fd.get(), buf.data(), buf.size()) == static_cast<ssize_t>(buf.size());
        fd.reset();
        if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) ::unlink(tmp.c_str());
    }
    return p;
}

}  // namespace rampart::container
