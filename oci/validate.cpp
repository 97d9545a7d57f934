// Semantic checks of a parsed Spec, with JSON-path errors (runs before any syscall).
#include "oci/bundle.hpp"
#include "oci/error.hpp"

namespace oci {

void validate_process(const Process& p, const std::string& file, const std::string& prefix) {
    if (p.args.empty()) throw Error(file + ": " + prefix + "args: must not be empty");
}

void validate(const Spec& spec, const std::string& file) {
    if (spec.oci_version.rfind("1.", 0) != 0)
        throw Error(file + ": ociVersion: unsupported version \"" + spec.oci_version +
                    "\" (rampart supports 1.0.0 - 1.3.x)");
    if (!spec.root || spec.root->path.empty()) throw Error(file + ": root.path: missing");
    if (spec.process) validate_process(*spec.process, file, "process.");
}

}  // namespace oci
