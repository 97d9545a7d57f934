// Mount option table: every option runc accepts, mapped to mount(2) flags.
#include <sys/mount.h>

#include <string_view>

#include "oci/error.hpp"
#include "runtime/rootfs/mount_options.hpp"

namespace rampart::rootfs {
namespace {

struct FlagOption {
    std::string_view name;
    bool clear;  // the option removes the flag ("rw" clears MS_RDONLY)
    unsigned long flag;
};

constexpr FlagOption kFlagOptions[] = {
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"sync", false, MS_SYNCHRONOUS},
};

struct PropagationOption {
    std::string_view name;
    unsigned long flag;
};

constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE},         {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},           {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},             {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},   {"runbindable", MS_UNBINDABLE | MS_REC},
};

// Recursive variants (runc 1.1+): applied to the whole mount tree with mount_setattr.
struct RecursiveOption {
    std::string_view name;
    bool clear;
    unsigned long long attr;
};

constexpr RecursiveOption kRecursive[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},           {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},       {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},         {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},       {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

// The atime family is a 3-way setting: set one value and clear the field.
struct AtimeOption {
    std::string_view name;
    unsigned long long attr;  // value inside MOUNT_ATTR__ATIME
    bool clear_only;          // "ratime": only clears noatime
};

constexpr AtimeOption kRecursiveAtime[] = {
    {"rrelatime", MOUNT_ATTR_RELATIME, false},
    {"rnorelatime", MOUNT_ATTR_RELATIME, true},
    {"rnoatime", MOUNT_ATTR_NOATIME, false},
    {"ratime", MOUNT_ATTR_NOATIME, true},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, false},
    {"rnostrictatime", MOUNT_ATTR_STRICTATIME, true},
};

}  // namespace

bool MountOptions::bind() const { return (flags & MS_BIND) != 0; }
bool MountOptions::readonly() const { return (flags & MS_RDONLY) != 0; }

unsigned long propagation_flag(const std::string& name) {
    for (const auto& p : kPropagation)
        if (p.name == name) return p.flag;
    return 0;
}

MountOptions parse_mount_options(const std::vector<std::string>& options,
                                 const std::string& field) {
    MountOptions out;
    for (size_t i = 0; i < options.size(); ++i) {
        const std::string& opt = options[i];
        const std::string where = field + "[" + std::to_string(i) + "]";
        if (opt.empty()) throw oci::Error(where + ": empty mount option");

        bool done = false;
        for (const auto& f : kFlagOptions) {
            if (f.name != opt) continue;
            if (f.clear)
                out.flags &= ~f.flag;
            else
                out.flags |= f.flag;
            done = true;
            break;
        }
        if (done) continue;

        if (unsigned long prop = propagation_flag(opt)) {
            out.propagation.push_back(prop);
            continue;
        }
        for (const auto& r : kRecursive) {
            if (r.name != opt) continue;
            if (r.clear) {
                out.attr_clr |= r.attr;
                out.attr_set &= ~r.attr;
            } else {
                out.attr_set |= r.attr;
                out.attr_clr &= ~r.attr;
            }
            done = true;
            break;
        }
        if (done) continue;
        for (const auto& a : kRecursiveAtime) {
            if (a.name != opt) continue;
            if (a.clear_only) {
                // Only meaningful when the same value was requested before: undo it.
                if ((out.attr_set & MOUNT_ATTR__ATIME) == a.attr) {
                    out.attr_set &= ~MOUNT_ATTR__ATIME;
                    out.attr_clr &= ~MOUNT_ATTR__ATIME;
                }
            } else {
                out.attr_set = (out.attr_set & ~MOUNT_ATTR__ATIME) | a.attr;
                out.attr_clr |= MOUNT_ATTR__ATIME;
            }
            done = true;
            break;
        }
        if (done) continue;

        if (opt == "tmpcopyup") {
            out.copy_up = true;
            continue;
        }
        if (opt == "idmap" || opt == "ridmap")
            throw oci::Error(where + ": \"" + opt +
                             "\": idmapped mounts are not supported by rampart; remove the "
                             "option (and uidMappings/gidMappings of this mount)");
        // Anything else is a filesystem option, passed as data (mode=755, size=64k, ...).
        if (!out.data.empty()) out.data += ',';
        out.data += opt;
    }
    return out;
}

}  // namespace rampart::rootfs
