// Loading a compiled seccomp program into the calling thread (and, with TSYNC, the process).
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/error.hpp"
#include "runtime/security/seccomp.hpp"

namespace rampart::security {

int install_seccomp(const SeccompProgram& prog) {
    if (prog.insns.empty()) throw oci::Error("linux.seccomp: empty program");
    if (prog.insns.size() > BPF_MAXINSNS)
        throw oci::Error("linux.seccomp: the profile compiles to " +
                         std::to_string(prog.insns.size()) + " BPF instructions, above the "
                         "kernel's limit of " + std::to_string(BPF_MAXINSNS));
    sock_fprog fprog{};
    fprog.len = static_cast<unsigned short>(prog.insns.size());
    fprog.filter = const_cast<sock_filter*>(prog.insns.data());
    unsigned long flags = prog.flags;
    if (prog.notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // TSYNC and NEW_LISTENER together need TSYNC_ESRCH (both return an fd otherwise).
        if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
    if (rc < 0) {
        int err = errno;
        std::string hint;
        if (err == EACCES) hint = " (needs no_new_privs or CAP_SYS_ADMIN)";
        if (err == EINVAL) hint = " (a flag in linux.seccomp.flags unsupported by this kernel?)";
        throw oci::SysError("linux.seccomp: seccomp(SECCOMP_SET_MODE_FILTER)" + hint, err);
    }
    return prog.notify ? static_cast<int>(rc) : -1;
}

}  // namespace rampart::security
