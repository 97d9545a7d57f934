// Reading, checking and writing the runtime-spec documents.
//
// Every error names the file and the JSON path of the offending value, e.g.
//   config.json: process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"
// Unknown fields are ignored (forward compatibility), wrong types are errors.
#pragma once

#include <string>

#include "oci/json.hpp"
#include "oci/spec.hpp"

namespace oci {

// JSON <-> Spec. `file` is the name used in error messages.
Spec spec_from_json(const json::Value& doc, const std::string& file);
json::Value spec_to_json(const Spec& spec);

// A process object alone (`exec --process process.json`); `file` names it in errors.
Process process_from_json(const json::Value& doc, const std::string& file);
json::Value process_to_json(const Process& p);

// linux.resources alone (`update --resources FILE`, as containerd sends it).
Resources resources_from_json(const json::Value& doc, const std::string& file);
json::Value resources_to_json(const Resources& r);

// A seccomp object in OCI form (linux.seccomp).
Seccomp seccomp_from_json(const json::Value& doc, const std::string& file);
json::Value seccomp_to_json(const Seccomp& s);

// Semantic checks beyond types: ociVersion 1.x, absolute paths where required,
// known namespaces/capabilities/rlimits/seccomp actions, mappings when a user namespace
// is created, hook paths absolute, timeout > 0, ... Throws oci::Error naming file+path.
void validate(const Spec& spec, const std::string& file = "config.json");
void validate_process(const Process& p, const std::string& file, const std::string& path_prefix);

// Loads <bundle>/config.json, parses and validates it. Resolves nothing on disk beyond
// checking that root.path exists and is a directory ("<bundle>/rootfs: no such directory").
Spec load_bundle(const std::string& bundle_dir);

// The config.json `rampart spec` writes (like `runc spec`, ociVersion 1.2.0).
Spec default_spec(bool rootless = false);

// Container IDs as runc accepts them: 1..1024 characters of [A-Za-z0-9_.+-], not "." or
// "..". Throws oci::Error: invalid container id "a/b": ...
void validate_container_id(const std::string& id);

// state.json (state-schema.json).
json::Value state_to_json(const State& s);
State state_from_json(const json::Value& doc, const std::string& file);

// `rampart features` output (features-schema.json).
json::Value features_json();

}  // namespace oci
