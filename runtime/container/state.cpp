#include "runtime/container/state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"

namespace rampart::container {
namespace {

namespace json = oci::json;

std::string read_all(int dirfd, const std::string& name) {
    UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw oci::SysError("open " + name);
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw oci::SysError("read " + name);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

void write_atomic(int dirfd, const std::string& dir, const std::string& name,
                  const std::string& content) {
    const std::string tmp = "." + name + ".tmp";
    UniqueFd fd(::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) throw oci::SysError(dir + "/" + tmp);
    size_t off = 0;
    while (off < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + off, content.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw oci::SysError("write " + dir + "/" + tmp);
        }
        off += static_cast<size_t>(n);
    }
    if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) != 0)
        throw oci::SysError("rename " + dir + "/" + name);
}

bool id_char_ok(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '+' || c == '-' || c == '.';
}

void lock_dir(int fd, const std::string& dir) {
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) throw oci::SysError("lock " + dir);
    }
}

std::string str_field(const json::Value& v, const char* key) {
    const json::Value* f = v.find(key);
    return f && f->is_string() ? f->as_string() : std::string();
}

uint64_t uint_field(const json::Value& v, const char* key) {
    const json::Value* f = v.find(key);
    return f && f->is_integer() ? f->as_uint() : 0;
}

bool bool_field(const json::Value& v, const char* key) {
    const json::Value* f = v.find(key);
    return f && f->is_bool() && f->as_bool();
}

}  // namespace

void Store::check_id(const std::string& id) { oci::validate_container_id(id); }

Handle Store::create(const std::string& id) const {
    check_id(id);
    if (::mkdir(root_.c_str(), 0700) != 0 && errno != EEXIST) {
        // The parent may be missing too (--root /x/y): create the chain.
        std::string partial;
        size_t pos = 0;
        while ((pos = root_.find('/', pos + 1)) != std::string::npos) {
            partial = root_.substr(0, pos);
            if (::mkdir(partial.c_str(), 0711) != 0 && errno != EEXIST)
                throw oci::SysError("mkdir " + partial);
        }
        if (::mkdir(root_.c_str(), 0700) != 0 && errno != EEXIST)
            throw oci::SysError("mkdir " + root_);
    }
    const std::string dir = root_ + "/" + id;
    if (::mkdir(dir.c_str(), 0700) != 0) {
        if (errno == EEXIST) throw oci::Error("container " + id + " already exists");
        throw oci::SysError("mkdir " + dir);
    }
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) throw oci::SysError("open " + dir);
    lock_dir(fd.get(), dir);
    return Handle(id, dir, std::move(fd));
}

Handle Store::open(const std::string& id, bool lock) const {
    check_id(id);
    const std::string dir = root_ + "/" + id;
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) {
        if (errno == ENOENT) throw oci::Error("container " + id + " does not exist");
        throw oci::SysError("open " + dir);
    }
    if (lock) {
        lock_dir(fd.get(), dir);
        // A delete may have removed the directory while we waited for the lock.
        struct stat st;
        if (::fstat(fd.get(), &st) != 0 || st.st_nlink == 0)
            throw oci::Error("container " + id + " does not exist");
    }
    return Handle(id, dir, std::move(fd));
}

std::vector<std::string> Store::list() const {
    std::vector<std::string> ids;
    DIR* d = ::opendir(root_.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        throw oci::SysError("open " + root_);
    }
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || name[0] == '.') continue;
        if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
        bool ok = true;
        for (char c : name) ok = ok && id_char_ok(c);
        if (ok) ids.push_back(name);
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    return ids;
}

Record Handle::read() const {
    std::string text;
    try {
        text = read_all(dirfd_.get(), "state.json");
    } catch (const oci::SysError& e) {
        if (e.code() == ENOENT) throw oci::Error("container " + id_ + " does not exist");
        throw;
    }
    json::Value v = json::parse(text, dir_ + "/state.json");
    Record r;
    r.oci_version = str_field(v, "ociVersion");
    r.id = str_field(v, "id");
    r.status = str_field(v, "status");
    r.pid = static_cast<int>(uint_field(v, "pid"));
    r.pid_start = uint_field(v, "pidStart");
    r.bundle = str_field(v, "bundle");
    r.rootfs = str_field(v, "rootfs");
    r.created = str_field(v, "created");
    r.owner = static_cast<uint32_t>(uint_field(v, "ownerUid"));
    r.cgroups_path = str_field(v, "cgroupsPath");
    r.systemd_cgroup = bool_field(v, "systemdCgroup");
    r.new_pid_ns = bool_field(v, "newPidNs");
    r.has_poststart = bool_field(v, "hasPoststart");
    r.has_poststop = bool_field(v, "hasPoststop");
    if (const json::Value* a = v.find("annotations"); a && a->is_object())
        for (const auto& [k, val] : a->as_object())
            if (val.is_string()) r.annotations[k] = val.as_string();
    return r;
}

void Handle::write(const Record& r) const {
    json::Value v = json::Object{};
    v.set("ociVersion", r.oci_version);
    v.set("id", r.id);
    v.set("status", r.status);
    v.set("pid", r.pid);
    v.set("pidStart", static_cast<unsigned long long>(r.pid_start));
    v.set("bundle", r.bundle);
    v.set("rootfs", r.rootfs);
    v.set("created", r.created);
    v.set("ownerUid", static_cast<unsigned>(r.owner));
    v.set("cgroupsPath", r.cgroups_path);
    v.set("systemdCgroup", r.systemd_cgroup);
    v.set("newPidNs", r.new_pid_ns);
    v.set("hasPoststart", r.has_poststart);
    v.set("hasPoststop", r.has_poststop);
    json::Value ann = json::Object{};
    for (const auto& [k, val] : r.annotations) ann.set(k, val);
    v.set("annotations", std::move(ann));
    write_atomic(dirfd_.get(), dir_, "state.json", json::serialize(v));
}

void Handle::write_file(const std::string& name, const std::string& content) const {
    write_atomic(dirfd_.get(), dir_, name, content);
}

bool Handle::exists(const std::string& name) const {
    struct stat st;
    return ::fstatat(dirfd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void Handle::remove() {
    int dup = ::fcntl(dirfd_.get(), F_DUPFD_CLOEXEC, 0);
    if (dup < 0) throw oci::SysError("dup " + dir_);
    DIR* d = ::fdopendir(dup);
    if (!d) {
        ::close(dup);
        throw oci::SysError("open " + dir_);
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names)
        if (::unlinkat(dirfd_.get(), n.c_str(), 0) != 0 && errno != ENOENT)
            throw oci::SysError("remove " + dir_ + "/" + n);
    if (::rmdir(dir_.c_str()) != 0 && errno != ENOENT) throw oci::SysError("remove " + dir_);
}

uint64_t process_start_time(pid_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return 0;
    char buf[1024];
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n <= 0) return 0;
    buf[n] = 0;
    const char* p = nullptr;
    for (ssize_t i = n - 1; i >= 0; --i)
        if (buf[i] == ')') {
            p = buf + i + 1;
            break;
        }
    if (!p) return 0;
    // After ") ": field 3 is the state; starttime is field 22.
    while (*p == ' ') ++p;
    char state = *p;
    if (state == 'Z' || state == 'X' || state == 'x') return 0;
    int field = 3;
    while (*p && field < 22) {
        if (*p == ' ') ++field;
        ++p;
    }
    return std::strtoull(p, nullptr, 10);
}

bool process_matches(pid_t pid, uint64_t start) {
    if (pid <= 0) return false;
    // No recorded start time (a state.json without pidStart, or an init that was gone
    // when create looked) matches nothing: the pid may belong to any host process by now.
    if (start == 0) return false;
    return process_start_time(pid) == start;
}

std::string rfc3339_now() {
    timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm t;
    ::gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    std::snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
    return buf;
}

}  // namespace rampart::container
