// Compiled seccomp programs cached under <root>/.seccomp-cache/<sha256>.bpf, keyed by the
// whole linux.seccomp object (and the libseccomp version): the policy layer puts Docker's
// default profile on nearly every container, and compiling it costs more than the rest of
// a create. The cache lives in the root-only state root; a corrupt entry is recompiled.
#pragma once

#include <string>

#include "oci/spec.hpp"
#include "runtime/security/seccomp.hpp"

namespace rampart::container {

security::SeccompProgram load_seccomp(const oci::Seccomp& seccomp, const std::string& state_root);

// The cache key (exposed for tests): a canonical text of every field, hashed.
std::string seccomp_cache_key(const oci::Seccomp& seccomp);

}  // namespace rampart::container
