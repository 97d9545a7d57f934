// AppArmor at run time: the process label (process.apparmorProfile) set with libapparmor's
// change-onexec, and loading generated profiles with apparmor_parser.
#pragma once

#include <string>

namespace rampart::security {

// What to do with a label when the host's LSM is not enabled (a policy decision).
enum class WhenDisabled { Error, Skip };

// True when /sys/module/apparmor/parameters/enabled reads "Y" (the file is a parameter so
// tests can point elsewhere).
bool apparmor_enabled(const std::string& param_file = "/sys/module/apparmor/parameters/enabled");

// In the child, before execve: the next exec runs under `profile` (aa_change_onexec).
// "" does nothing. Where AppArmor is not enabled: throws oci::Error
// `process.apparmorProfile "x": AppArmor is not enabled on this host` (Error) or returns
// false (Skip). Returns true when the label was set.
bool apply_apparmor(const std::string& profile, WhenDisabled when_disabled = WhenDisabled::Error,
                    const std::string& param_file = "/sys/module/apparmor/parameters/enabled");

// Loads (or replaces) a profile by running `apparmor_parser -r` with `text` on its stdin.
// Throws oci::Error "AppArmor is not enabled on this host: cannot load profile NAME" where
// it is not enabled, or the parser's message when it refuses the profile.
void load_apparmor_profile(const std::string& name, const std::string& text,
                           const std::string& param_file = "/sys/module/apparmor/parameters/enabled");

// Runs `apparmor_parser -Q -K -T` (compile only, nothing loaded) on `text`; returns ""
// when it compiles, else the parser's output. Throws when apparmor_parser is missing.
std::string check_apparmor_profile(const std::string& text);

}  // namespace rampart::security
