// What Docker gives a container by default: the embedded baseline's data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/seccomp_profile.hpp"

namespace rampart::policy {

// Docker's 14 default capabilities (moby oci/caps/defaults.go), CAP_ names.
const std::vector<std::string>& docker_default_capabilities();
// Docker's masked paths and read-only paths (moby oci/defaults.go).
const std::vector<std::string>& docker_masked_paths();
const std::vector<std::string>& docker_readonly_paths();

// Docker's default seccomp profile as shipped (JSON text, Docker format); generated into
// policy/docker_default_seccomp.inc by scripts/gen-docker-seccomp.
std::string_view docker_default_seccomp_json();
// The same, parsed once on first use (thread-safe; immutable afterwards).
const DockerProfile& docker_default_seccomp();

// The name presets use in the policy file.
inline constexpr std::string_view kDockerDefault = "docker-default";

}  // namespace rampart::policy
