// The state directory of each container: <root>/<id>/ (mode 0700) holding state.json,
// the exec.fifo that `start` writes, and the effective config.json (the spec after policy).
//
// Writes are atomic (tmp + rename, no fsync: state lives on tmpfs under /run). Operations
// that change a container hold an exclusive flock on its directory; creation is exclusive
// through mkdir, so two concurrent `create X` never both succeed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/container/fd.hpp"

namespace rampart::container {

// What rampart remembers about a container. `status` is what was last written; the live
// status is derived by status_of() in container.hpp (pid dead -> stopped, ...).
struct Record {
    std::string oci_version;
    std::string id;
    std::string status;  // creating | created | running | stopped
    int pid = 0;
    uint64_t pid_start = 0;  // /proc/<pid>/stat field 22: detects pid reuse
    std::string bundle;
    std::string rootfs;
    std::string created;  // RFC 3339 with nanoseconds, UTC
    uint32_t owner = 0;   // uid that created it
    std::string cgroups_path;  // linux.cgroupsPath as given ("" = default)
    bool systemd_cgroup = false;
    bool new_pid_ns = false;
    bool has_poststart = false;  // start needs the config only when hooks exist
    bool has_poststop = false;
    std::map<std::string, std::string> annotations;
};

// A container directory, opened and (for mutating operations) locked.
class Handle {
public:
    Handle(std::string id, std::string dir, UniqueFd dirfd)
        : id_(std::move(id)), dir_(std::move(dir)), dirfd_(std::move(dirfd)) {}

    const std::string& id() const { return id_; }
    const std::string& dir() const { return dir_; }
    int fd() const { return dirfd_.get(); }
    std::string path(const std::string& name) const { return dir_ + "/" + name; }

    Record read() const;
    void write(const Record& r) const;
    // Atomically writes an extra file in the directory (tmp + rename).
    void write_file(const std::string& name, const std::string& content) const;
    bool exists(const std::string& name) const;
    // Removes every file in the directory, then the directory itself.
    void remove();

private:
    std::string id_;
    std::string dir_;
    UniqueFd dirfd_;
};

class Store {
public:
    explicit Store(std::string root) : root_(std::move(root)) {}
    const std::string& root() const { return root_; }

    // Refuses ids that are not [A-Za-z0-9_+.-]{1,1024} or are "." / "..".
    static void check_id(const std::string& id);

    // mkdir <root>/<id> exclusively and lock it. "container X already exists".
    Handle create(const std::string& id) const;
    // Opens an existing container ("container X does not exist"); `lock` takes the flock
    // (and re-checks that the directory was not removed while waiting).
    Handle open(const std::string& id, bool lock) const;
    // Ids of every container directory, sorted.
    std::vector<std::string> list() const;

private:
    std::string root_;
};

// Start time (clock ticks since boot) of a live, non-zombie process; 0 when it is gone.
uint64_t process_start_time(pid_t pid);
// True when pid is alive, not a zombie, and started at `start`.
bool process_matches(pid_t pid, uint64_t start);
// Now, RFC 3339 UTC with nanoseconds: 2026-12-03T19:06:51.123456789Z
std::string rfc3339_now();

}  // namespace rampart::container
