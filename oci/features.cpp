// `rampart features` (features-schema.json): what this build of rampart supports.
#include <selinux/selinux.h>
#include <sys/apparmor.h>
#include <seccomp.h>

#include "oci/bundle.hpp"
#include "oci/json_reader.hpp"
#include "oci/linux_names.hpp"

namespace oci {

using detail::put;
using detail::string_array;
using json::Value;

namespace {

Value enabled(bool on) {
    Value o = detail::object();
    put(o, "enabled", on);
    return o;
}

}  // namespace

Value features_json() {
    Value o = detail::object();
    put(o, "ociVersionMin", "1.0.0");
    put(o, "ociVersionMax", "1.3.0");
    put(o, "hooks", string_array({"prestart", "createRuntime", "createContainer",
                                   "startContainer", "poststart", "poststop"}));
    put(o, "mountOptions",
        string_array({"async",     "atime",     "bind",       "defaults",   "dev",
                      "diratime",  "dirsync",   "exec",       "iversion",   "lazytime",
                      "mand",      "noatime",   "nodev",      "nodiratime", "noexec",
                      "noiversion", "nolazytime", "nomand",   "norelatime", "nostrictatime",
                      "nosuid",    "nosymfollow", "private",  "ratime",     "rbind",
                      "rdev",      "rdiratime", "relatime",   "remount",    "rexec",
                      "rnoatime",  "rnodev",    "rnodiratime", "rnoexec",   "rnorelatime",
                      "rnostrictatime", "rnosuid", "rnosymfollow", "ro",    "rprivate",
                      "rrelatime", "rro",       "rrw",        "rshared",    "rslave",
                      "rstrictatime", "rsuid",  "rsymfollow", "runbindable", "rw",
                      "shared",    "slave",     "strictatime", "suid",      "symfollow",
                      "sync",      "unbindable"}));

    Value l = detail::object();
    put(l, "namespaces", string_array(all_namespace_types()));
    put(l, "capabilities", string_array(all_capability_names()));
    Value cg = detail::object();
    put(cg, "v1", true);
    put(cg, "v2", true);
    put(cg, "systemd", false);
    put(cg, "systemdUser", false);
    put(cg, "rdma", false);
    put(l, "cgroup", std::move(cg));
    Value sc = detail::object();
    put(sc, "enabled", true);
    put(sc, "actions", string_array(seccomp_action_names()));
    put(sc, "operators", string_array(seccomp_operator_names()));
    put(sc, "archs", string_array(seccomp_arch_names()));
    put(sc, "knownFlags", string_array(seccomp_flag_names()));
    put(sc, "supportedFlags", string_array({"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                            "SECCOMP_FILTER_FLAG_SPEC_ALLOW"}));
    put(l, "seccomp", std::move(sc));
    put(l, "apparmor", enabled(aa_is_enabled() == 1));
    put(l, "selinux", enabled(is_selinux_enabled() == 1));
    put(l, "intelRdt", enabled(false));
    Value mx = detail::object();
    put(mx, "idmap", enabled(false));
    put(l, "mountExtensions", std::move(mx));
    put(o, "linux", std::move(l));

    const scmp_version* v = seccomp_version();
    std::string ver = v ? std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                              std::to_string(v->micro)
                        : "unknown";
    Value ann = detail::object();
    put(ann, "io.github.seccomp.libseccomp.version", ver);
    put(o, "annotations", std::move(ann));
    return o;
}

}  // namespace oci
