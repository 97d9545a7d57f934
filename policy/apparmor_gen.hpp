// An AppArmor profile generated from a bane TOML profile (bane_toml.hpp).
//
// Shape (bane's, plus docker-default's standard /proc and /sys denies):
//   #include <tunables/global>
//   profile docker-NAME flags=(attach_disconnected,mediate_deleted) {
//     #include <abstractions/base>
//     network inet tcp, ...           Network.Protocols (inet, and inet6 for tcp/udp)
//     deny network raw,               unless Network.Raw (then: network raw,)
//     deny network packet,            unless Network.Packet
//     file, umount,
//     deny /bin/** wl,                ReadOnlyPaths
//     audit /** w,                    LogOnWritePaths
//     /var/run/nginx.pid rw,          WritablePaths
//     /usr/sbin/nginx ix,             AllowExec
//     deny /bin/sh mrwklx,            DenyExec
//     capability chown, ...           Capabilities.Allow
//     deny @{PROC}/... w, deny mount, deny /sys/... wklx, ...
//   }
// Paths containing whitespace or AppArmor-special characters are double-quoted; paths
// that cannot be written safely (quotes, control characters) were already refused by
// the TOML reader.
#pragma once

#include <string>

#include "policy/bane_toml.hpp"

namespace rampart::policy {

// "docker-" + Name, as bane names its profiles ("docker-nginx-sample").
std::string apparmor_profile_name(const BaneProfile& p);

// The profile text (ends with a newline). Throws oci::Error on a path that cannot be
// expressed (re-checked here so the generator is safe on any BaneProfile).
std::string generate_apparmor(const BaneProfile& p);

// One path as an AppArmor rule token: unchanged when it only has safe characters,
// double-quoted when it has spaces or other characters the parser would misread.
std::string apparmor_path_token(const std::string& path);

}  // namespace rampart::policy
