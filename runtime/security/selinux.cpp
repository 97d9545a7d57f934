// SELinux labels via libselinux.
#include "runtime/security/selinux.hpp"

#include <selinux/selinux.h>

#include <cctype>

#include "oci/error.hpp"

namespace rampart::security {

bool selinux_enabled() { return is_selinux_enabled() > 0; }

void validate_selinux_label(const std::string& field, const std::string& label) {
    auto fail = [&]() {
        throw oci::Error(field + " \"" + label +
                         "\": not an SELinux context (user:role:type[:level])");
    };
    size_t parts = 1;
    for (unsigned char c : label) {
        if (c == ':') ++parts;
        else if (!(std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == ',')) fail();
    }
    if (parts < 3) fail();
    // user, role and type must be non-empty
    size_t a = label.find(':'), b = label.find(':', a + 1);
    size_t c = label.find(':', b + 1);
    if (a == 0 || b == a + 1 || (c == std::string::npos ? label.size() : c) == b + 1) fail();
}

bool apply_selinux_label(const std::string& label, bool enabled, WhenDisabled when_disabled) {
    if (label.empty()) return false;
    validate_selinux_label("process.selinuxLabel", label);
    if (!enabled) {
        if (when_disabled == WhenDisabled::Skip) return false;
        throw oci::Error("process.selinuxLabel \"" + label + "\": SELinux is not enabled on this host");
    }
    if (setexeccon(label.c_str()) != 0)
        throw oci::SysError("process.selinuxLabel \"" + label + "\": setexeccon");
    return true;
}

std::string selinux_mount_option(const std::string& label) {
    for (char ch : label)
        if (ch == '"' || ch == '\n' || ch == '\0')
            throw oci::Error("linux.mountLabel \"" + label + "\": cannot be quoted in a mount option");
    validate_selinux_label("linux.mountLabel", label);
    return "context=\"" + label + "\"";
}

std::string add_mount_label(const std::string& data, const std::string& label, bool enabled) {
    if (label.empty() || !enabled) return data;
    std::string opt = selinux_mount_option(label);
    return data.empty() ? opt : data + "," + opt;
}

}  // namespace rampart::security
