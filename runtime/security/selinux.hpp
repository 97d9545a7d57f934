// SELinux at run time: the process label (process.selinuxLabel) as the exec context, and
// the mount label (linux.mountLabel) as a `context=` mount option.
#pragma once

#include <string>

#include "runtime/security/apparmor.hpp"  // WhenDisabled

namespace rampart::security {

// is_selinux_enabled() from libselinux.
bool selinux_enabled();

// Checks the shape of an SELinux context "user:role:type[:level]" (level may hold ':' and
// ',' as in "s0:c1,c2"); throws oci::Error naming `field` otherwise, e.g.
// `process.selinuxLabel "x": not an SELinux context (user:role:type[:level])`.
void validate_selinux_label(const std::string& field, const std::string& label);

// In the child, before execve: setexeccon(label). "" does nothing. Where SELinux is not
// enabled: throws `process.selinuxLabel "x": SELinux is not enabled on this host` (Error)
// or returns false (Skip). `enabled` is the host state (selinux_enabled(); a parameter for
// tests). Returns true when the label was set.
bool apply_selinux_label(const std::string& label, bool enabled,
                         WhenDisabled when_disabled = WhenDisabled::Error);

// `context="LABEL"` for a mount's data string; throws on a label that cannot be quoted
// (a double quote, newline or NUL).
std::string selinux_mount_option(const std::string& label);

// A mount's data string with the mount label added (runc's formatMountLabel): unchanged when
// the label is "" or SELinux is not enabled; else `data,context="LABEL"` (or just the option).
std::string add_mount_label(const std::string& data, const std::string& label, bool enabled);

}  // namespace rampart::security
