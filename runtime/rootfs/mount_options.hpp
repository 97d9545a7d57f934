// Parsing of OCI/runc mount options into mount(2) flags, propagation and data.
//
// Separate from setup.cpp so the table can be unit-tested without mounting anything.
#pragma once

#include <string>
#include <vector>

namespace rampart::rootfs {

struct MountOptions {
    unsigned long flags = 0;                 // MS_* passed to mount(2) (MS_BIND|MS_REC for rbind)
    std::vector<unsigned long> propagation;  // MS_SHARED/MS_SLAVE/... (+MS_REC), applied after, in order
    std::string data;                        // filesystem options, comma-joined ("mode=755,size=64k")
    // Recursive attributes (rro, rnosuid, ...) applied with mount_setattr(AT_RECURSIVE).
    unsigned long long attr_set = 0;         // MOUNT_ATTR_*
    unsigned long long attr_clr = 0;
    bool copy_up = false;  // "tmpcopyup": a tmpfs starts with the content of the target dir

    bool bind() const;       // flags has MS_BIND
    bool readonly() const;   // flags has MS_RDONLY
};

// Parses `options` (mounts[i].options). Later options win over earlier ones ("ro,rw" is
// read-write), as in runc. Unknown options go to data. Refused with oci::Error naming
// `field` ("mounts[2].options[1]"): idmap/ridmap (idmapped mounts are not supported) and
// empty options.
MountOptions parse_mount_options(const std::vector<std::string>& options,
                                 const std::string& field);

// "rslave" -> MS_SLAVE|MS_REC, "private" -> MS_PRIVATE, ... ; 0 when not a propagation name.
unsigned long propagation_flag(const std::string& name);

}  // namespace rampart::rootfs
