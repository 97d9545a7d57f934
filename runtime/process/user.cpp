// process.user: groups, gid, uid, umask; and no_new_privs.
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "oci/error.hpp"
#include "runtime/process/process.hpp"

namespace rampart::process {
namespace {

// In a user namespace whose /proc/self/setgroups says "deny", setgroups always fails.
bool setgroups_denied() {
    std::ifstream in("/proc/self/setgroups");
    std::string word;
    return (in >> word) && word == "deny";
}

}  // namespace

void apply_user(const oci::User& user) {
    const std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
    if (setgroups(groups.size(), groups.data()) != 0) {
        int err = errno;
        if (!(err == EPERM && groups.empty() && setgroups_denied()))
            throw oci::SysError("process.user.additionalGids: setgroups", err);
    }
    // Keep the permitted capabilities across the switch away from uid 0; apply_capabilities
    // sets the final sets afterwards.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) throw oci::SysError("prctl(PR_SET_KEEPCAPS)");
    if (setresgid(user.gid, user.gid, user.gid) != 0)
        throw oci::SysError("process.user.gid " + std::to_string(user.gid) +
                            ": setresgid (is the gid mapped in the user namespace?)");
    if (setresuid(user.uid, user.uid, user.uid) != 0)
        throw oci::SysError("process.user.uid " + std::to_string(user.uid) +
                            ": setresuid (is the uid mapped in the user namespace?)");
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw oci::SysError("prctl(PR_SET_KEEPCAPS, 0)");
    if (user.umask) umask(static_cast<mode_t>(*user.umask & 0777));
}

void set_no_new_privs() {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        throw oci::SysError("process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
}

}  // namespace rampart::process
