// OCI hooks: each one runs with the container state JSON on stdin, its args and env
// exactly as configured, and an optional timeout (SIGKILL on expiry).
#pragma once

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace rampart::container {

// Runs one hook and waits. Throws oci::Error naming the phase and the hook:
//   "createRuntime hook /usr/bin/x: exited with status 3: <last output line>"
//   "poststop hook /usr/bin/x: timed out after 2s"
void run_hook(const oci::Hook& hook, const std::string& state_json, const std::string& phase);

// Runs the hooks of one phase in order. Without `warn_only` the first failure throws; with
// it every hook runs and the failures are returned (poststart, poststop: warnings only).
std::vector<std::string> run_hooks(const std::vector<oci::Hook>& hooks,
                                   const std::string& state_json, const std::string& phase,
                                   bool warn_only = false);

}  // namespace rampart::container
