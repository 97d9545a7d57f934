// Seccomp filters from linux.seccomp, compiled with libseccomp and installed last.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace rampart::security {

struct SeccompProgram {
    std::vector<sock_filter> insns;  // exported BPF, ready for seccomp(2)
    unsigned int flags = 0;          // SECCOMP_FILTER_FLAG_* from linux.seccomp.flags
    bool notify = false;             // some rule uses SCMP_ACT_NOTIFY: a listener fd results
};

// Every action (ALLOW, ERRNO with errnoRet/defaultErrnoRet, KILL, KILL_PROCESS,
// KILL_THREAD, TRAP, TRACE, LOG, NOTIFY), argument conditions (all SCMP_CMP_* ops,
// several conditions on one arg split as runc does), architectures, flags. Syscall names
// unknown to libseccomp are skipped (as runc does); bad actions/ops throw naming
// "linux.seccomp.syscalls[4].action".
SeccompProgram compile_seccomp(const oci::Seccomp& seccomp);

// The same filter as one libseccomp program for all architectures (what compile_seccomp
// produced before it built one section per architecture; slower to build). Kept so tests
// can check both programs decide every syscall the same way.
SeccompProgram compile_seccomp_reference(const oci::Seccomp& seccomp);

// Installs with seccomp(2) (TSYNC etc. from flags; NEW_LISTENER when notify). Returns the
// listener fd or -1. Must be the last step before execve; requires no_new_privs or
// CAP_SYS_ADMIN.
int install_seccomp(const SeccompProgram& prog);

// Hands a listener fd to linux.seccomp.listenerPath as the runtime-spec says: connects to
// the unix socket and sends the container state JSON with the fd attached (SCM_RIGHTS),
// fds listed as ["seccompFd"], plus listenerMetadata.
void send_seccomp_listener(const std::string& listener_path, const std::string& metadata,
                           const oci::State& state, int listener_fd);

}  // namespace rampart::security
