// The Manager for every layout: one directory per v1 hierarchy plus one in the v2 tree.
// Which controller is driven where comes from the Layout (see Target::place).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <thread>

#include "oci/error.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/fs.hpp"
#include "runtime/cgroups/internal.hpp"
#include "runtime/cgroups/stats.hpp"

namespace rampart::cgroups {
namespace {

const char* const kOwnedTop = "rampart";  // parents under "/rampart" are ours to remove

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        if (j > i) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::string join(const std::string& a, const std::string& b) {
    if (b.empty()) return a;
    if (a.empty() || a == "/") return "/" + (b[0] == '/' ? b.substr(1) : b);
    return a + (b[0] == '/' ? "" : "/") + b;
}

// "/proc/self/cgroup": "4:memory:/a/b" and "0::/c" -> controller (or "" for v2) -> path.
std::vector<std::pair<std::string, std::string>> parse_self_cgroup(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        auto c1 = line.find(':');
        auto c2 = c1 == std::string::npos ? std::string::npos : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        std::string ctrls = line.substr(c1 + 1, c2 - c1 - 1), path = line.substr(c2 + 1);
        if (ctrls.empty()) {
            out.emplace_back("", path);
            continue;
        }
        size_t s = 0;
        while (s <= ctrls.size()) {
            size_t e = ctrls.find(',', s);
            if (e == std::string::npos) e = ctrls.size();
            out.emplace_back(ctrls.substr(s, e - s), path);
            s = e + 1;
        }
    }
    return out;
}

std::string own_path(const std::vector<std::pair<std::string, std::string>>& self, const std::string& controller) {
    for (auto& [c, p] : self)
        if (c == controller) return p;
    return "/";
}

void sleep_ms(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// Removes dir and (first) any sub-cgroups the container made inside it. ENOENT is fine.
int remove_tree(const std::string& dir) {
    // The usual case is a leaf: one rmdir, no listing of its ~30 control files.
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
    if (errno != ENOTEMPTY && errno != EEXIST) return errno;
    if (DIR* d = ::opendir(dir.c_str())) {
        std::vector<std::string> subs;
        while (auto* e = ::readdir(d))
            if (e->d_type == DT_DIR && std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..")
                subs.push_back(dir + "/" + e->d_name);
        ::closedir(d);
        for (auto& s : subs) remove_tree(s);
    }
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
    return errno;
}

void collect_pids(const std::string& dir, std::vector<pid_t>& out) {
    if (auto procs = read_file(dir + "/cgroup.procs")) {
        size_t pos = 0;
        while (pos < procs->size()) {
            size_t nl = procs->find('\n', pos);
            if (nl == std::string::npos) nl = procs->size();
            if (auto v = parse_u64(std::string_view(*procs).substr(pos, nl - pos))) out.push_back(static_cast<pid_t>(*v));
            pos = nl + 1;
        }
    }
    if (DIR* d = ::opendir(dir.c_str())) {
        std::vector<std::string> subs;
        while (auto* e = ::readdir(d))
            if (e->d_type == DT_DIR && std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..")
                subs.push_back(dir + "/" + e->d_name);
        ::closedir(d);
        for (auto& s : subs) collect_pids(s, out);
    }
}

struct Hierarchy {
    std::string mount;
    std::vector<std::string> controllers;
    std::string rel;  // absolute inside the hierarchy: "/rampart/<id>"
    std::string dir() const { return join(mount, rel); }
    bool has(const std::string& c) const { return std::find(controllers.begin(), controllers.end(), c) != controllers.end(); }
};

class HostManager final : public Manager {
public:
    HostManager(const Layout& layout, std::vector<Hierarchy> v1, std::optional<Hierarchy> v2)
        : v1_(std::move(v1)), v2_(std::move(v2)) {
        target_.layout = layout;
        for (auto& h : v1_)
            for (auto& c : h.controllers) target_.v1[c] = h.dir();
        if (v2_) target_.v2_dir = v2_->dir();
        target_.enable_v2 = [this](const std::string& c) { enable_v2(c); };
    }

    void create() override {
        std::vector<std::string> created;
        bool all_new = true;
        try {
            for (auto& h : v1_) {
                bool fresh = make_dirs(h, h.has("cpuset"), false, created);
                if (!fresh) refuse_populated(h.dir());
                all_new &= fresh;
            }
            if (v2_) {
                bool fresh = make_dirs(*v2_, false, target_.layout.mode == Mode::V2, created);
                if (!fresh) refuse_populated(v2_->dir());
                all_new &= fresh;
            }
        } catch (...) {
            for (auto it = created.rbegin(); it != created.rend(); ++it) ::rmdir(it->c_str());
            throw;
        }
        target_.fresh = all_new;
    }

    void apply(const oci::Resources& r) override {
        apply_devices(target_, r.devices);
        if (r.memory) apply_memory(target_, *r.memory);
        if (r.cpu) apply_cpu(target_, *r.cpu);
        if (r.pids) apply_pids(target_, *r.pids);
        if (r.block_io) apply_block_io(target_, *r.block_io);
        apply_hugetlb(target_, r.hugepage_limits);
        if (r.network) apply_network(target_, *r.network);
        apply_rdma(target_, r.rdma);
        apply_unified(target_, r.unified);
        target_.fresh = false;
    }

    void add_pid(pid_t pid) override {
        std::string v = std::to_string(pid);
        for (const auto& d : dirs()) {
            int err = write_file(d + "/cgroup.procs", v);
            if (err != 0) throw oci::SysError("cgroups: move pid " + v + " into " + d, err);
        }
    }

    void freeze() override { set_frozen(true); }
    void thaw() override { set_frozen(false); }

    bool frozen() const override {
        Place f = freezer();
        if (f.kind == Place::V1) return trim(read_file(f.dir + "/freezer.state").value_or("")) == "FROZEN";
        if (f.kind == Place::V2)
            return flat_keyed_value(read_file(f.dir + "/cgroup.events").value_or(""), "frozen").value_or(0) == 1;
        return false;
    }

    std::vector<pid_t> pids() const override {
        std::vector<pid_t> out;
        collect_pids(primary_dir(), out);
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    oci::json::Value stats() const override { return collect_stats(target_); }

    uint64_t oom_kills() const override {
        auto it = target_.v1.find("memory");
        if (it != target_.v1.end())
            return flat_keyed_value(read_file(it->second + "/memory.oom_control").value_or(""), "oom_kill").value_or(0);
        if (v2_) return flat_keyed_value(read_file(v2_->dir() + "/memory.events").value_or(""), "oom_kill").value_or(0);
        return 0;
    }

    void destroy() override {
        std::string failures;
        auto remove = [&](const Hierarchy& h) {
            std::string dir = h.dir();
            int err = 0;
            // Processes that were just killed leave the cgroup asynchronously: retry for
            // about half a second, but give up at once on live processes after a while
            // (a cgroup shared with others, or a caller that did not kill first).
            for (int attempt = 0, wait = 1; attempt < 10; ++attempt, wait = std::min(wait * 2, 100)) {
                err = remove_tree(dir);
                if (err != EBUSY) break;
                if (attempt >= 4) {
                    std::vector<pid_t> live;
                    collect_pids(dir, live);
                    if (!live.empty()) break;
                }
                sleep_ms(wait);
            }
            if (err != 0) {
                failures += (failures.empty() ? "" : "; ") + dir + ": " + std::strerror(err);
                return;
            }
            // Parents under /rampart were made by us; remove them once empty.
            auto comps = components(h.rel);
            if (comps.size() < 2 || comps[0] != kOwnedTop) return;
            for (size_t n = comps.size() - 1; n >= 1; --n) {
                std::string parent = h.mount;
                for (size_t i = 0; i < n; ++i) parent += "/" + comps[i];
                if (::rmdir(parent.c_str()) != 0 && errno != ENOENT) break;
            }
        };
        for (const auto& h : v1_) remove(h);
        if (v2_) remove(*v2_);
        if (!failures.empty()) throw oci::Error("cgroups: remove " + failures + " (processes still in the cgroup?)");
    }

    std::string path(const std::string& controller) const override {
        if (controller.empty()) return v2_ ? v2_->dir() : primary_dir();
        if (auto it = target_.v1.find(controller); it != target_.v1.end()) return it->second;
        if (v2_ && on_v2(target_.layout, controller)) return v2_->dir();
        return "";
    }

    std::vector<std::string> dirs() const override {
        std::vector<std::string> out;
        for (auto& h : v1_) out.push_back(h.dir());
        if (v2_) out.push_back(v2_->dir());
        return out;
    }

private:
    // An existing cgroup that already holds processes belongs to someone else (another
    // container, a service, the runtime's own session): joining it would let `kill --all`
    // and `delete` signal those processes and remove their cgroups. Refused, as runc does.
    static void refuse_populated(const std::string& dir) {
        std::vector<pid_t> live;
        collect_pids(dir, live);
        if (live.empty()) return;
        throw oci::Error("config.json: linux.cgroupsPath: cgroup " + dir + " already has " +
                         std::to_string(live.size()) +
                         " process(es) (another container's or the host's); a container needs a cgroup of its own");
    }

    // mkdir -p of h.rel below h.mount; returns whether the leaf was new.
    bool make_dirs(const Hierarchy& h, bool cpuset, bool enable_all, std::vector<std::string>& created) {
        auto comps = components(h.rel);
        for (int attempt = 0;; ++attempt) {
            std::string cur = h.mount;
            bool leaf_new = false;
            size_t i = 0;
            for (; i < comps.size(); ++i) {
                std::string parent = cur;
                cur += "/" + comps[i];
                if (enable_all) enable_subtree(parent, "");
                if (::mkdir(cur.c_str(), 0755) == 0) {
                    created.push_back(cur);
                    leaf_new = i + 1 == comps.size();
                    if (cpuset) copy_cpuset(parent, cur);
                } else if (errno == EEXIST) {
                    leaf_new = false;
                    // rampart's own parent (/rampart/...) left with an empty cpuset (made
                    // by hand, or by an older tool) would refuse every task: fill it.
                    if (cpuset && comps[0] == kOwnedTop && i + 1 < comps.size()) copy_cpuset(parent, cur);
                } else if (errno == ENOENT && attempt < 5) {
                    break;  // a concurrent delete removed a shared parent: start again
                } else {
                    throw oci::SysError("cgroups: create " + cur);
                }
            }
            if (i == comps.size()) return leaf_new || comps.empty();
        }
    }

    // v1 cpuset: a new cgroup starts with empty cpus/mems and cannot take tasks.
    static void copy_cpuset(const std::string& parent, const std::string& dir) {
        for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
            std::string v = trim(read_file(dir + "/" + f).value_or(""));
            if (!v.empty()) continue;
            v = trim(read_file_or_throw(parent + "/" + f));
            int err = write_file(dir + "/" + f, v);
            if (err != 0) throw oci::SysError(std::string("cgroups: copy ") + f + " \"" + v + "\" into " + dir, err);
        }
    }

    // Enables `controller` ("" = every controller the directory offers) for its children.
    static void enable_subtree(const std::string& dir, const std::string& controller) {
        std::string enabled = " " + trim(read_file(dir + "/cgroup.subtree_control").value_or("")) + " ";
        std::vector<std::string> want;
        if (controller.empty()) {
            std::string avail = trim(read_file(dir + "/cgroup.controllers").value_or(""));
            size_t s = 0;
            while (s < avail.size()) {
                size_t e = avail.find(' ', s);
                if (e == std::string::npos) e = avail.size();
                if (e > s) want.push_back(avail.substr(s, e - s));
                s = e + 1;
            }
        } else {
            want.push_back(controller);
        }
        std::string add;
        for (auto& c : want)
            if (enabled.find(" " + c + " ") == std::string::npos) add += (add.empty() ? "+" : " +") + c;
        if (add.empty()) return;
        int err = write_file(dir + "/cgroup.subtree_control", add);
        if (err != 0) throw oci::SysError("cgroups: enable \"" + add + "\" in " + dir + "/cgroup.subtree_control", err);
    }

    void enable_v2(const std::string& controller) {
        if (!v2_ || target_.layout.mode == Mode::V2 || enabled_.count(controller)) return;
        auto comps = components(v2_->rel);
        std::string cur = v2_->mount;
        for (size_t i = 0; i < comps.size(); ++i) {
            enable_subtree(cur, controller);
            cur += "/" + comps[i];
        }
        enabled_.insert(controller);
    }

    Place freezer() const {
        if (auto it = target_.v1.find("freezer"); it != target_.v1.end()) return {Place::V1, it->second};
        if (v2_) return {Place::V2, v2_->dir()};
        return {};
    }

    void set_frozen(bool on) {
        Place f = freezer();
        if (!f) throw oci::Error("cgroups: no freezer on this host (freezer controller not mounted, no cgroup v2)");
        const bool v1 = f.kind == Place::V1;
        const std::string file = v1 ? "/freezer.state" : "/cgroup.freeze";
        const std::string value = v1 ? (on ? "FROZEN" : "THAWED") : (on ? "1" : "0");
        int err = write_file(f.dir + file, value);
        if (err != 0) throw oci::SysError("cgroups: write " + value + " to " + f.dir + file, err);
        if (!on) return;
        for (int i = 0; i < 5000; ++i) {  // ~10 s
            bool done = v1 ? trim(read_file(f.dir + "/freezer.state").value_or("")) == "FROZEN"
                           : flat_keyed_value(read_file(f.dir + "/cgroup.events").value_or(""), "frozen").value_or(0) == 1;
            if (done) return;
            if (v1 && i % 50 == 49) write_file(f.dir + file, value);  // nudge a stuck FREEZING
            std::this_thread::sleep_for(std::chrono::microseconds(i < 100 ? 100 : 2000));
        }
        write_file(f.dir + file, v1 ? "THAWED" : "0");
        throw oci::Error("cgroups: " + f.dir + " did not freeze within 10 s (a process in uninterruptible sleep?)");
    }

    std::string primary_dir() const {
        if (target_.layout.mode == Mode::V2 && v2_) return v2_->dir();
        for (const char* c : {"pids", "freezer", "memory", "cpu", "devices"})
            if (auto it = target_.v1.find(c); it != target_.v1.end()) return it->second;
        if (!v1_.empty()) return v1_.front().dir();
        return v2_ ? v2_->dir() : "";
    }

    std::vector<Hierarchy> v1_;
    std::optional<Hierarchy> v2_;
    Target target_;
    std::set<std::string> enabled_;
};

}  // namespace

std::string resolve_cgroups_path(const std::string& cgroups_path, const std::string& id) {
    if (cgroups_path.empty()) {
        if (id.empty() || id.find('/') != std::string::npos || id == "." || id == "..")
            throw oci::Error("cgroups: invalid container id \"" + id + "\" for the default cgroup path");
        return std::string("/") + kOwnedTop + "/" + id;
    }
    if (cgroups_path.find(':') != std::string::npos && cgroups_path[0] != '/')
        throw oci::Error("config.json: linux.cgroupsPath \"" + cgroups_path +
                         "\": a systemd \"slice:prefix:name\" path needs --systemd-cgroup, which rampart does not "
                         "support; use a path such as \"/mygroup/" + id + "\"");
    for (auto& c : components(cgroups_path))
        if (c == ".." || c == ".")
            throw oci::Error("config.json: linux.cgroupsPath \"" + cgroups_path + "\": \"" + c + "\" is not allowed");
    auto comps = components(cgroups_path);
    if (comps.empty()) throw oci::Error("config.json: linux.cgroupsPath \"" + cgroups_path + "\": names no cgroup");
    std::string out;
    for (size_t i = 0; i < comps.size(); ++i) out += (i == 0 && cgroups_path[0] != '/' ? "" : "/") + comps[i];
    return out;
}

std::unique_ptr<Manager> Manager::open(const std::string& cgroups_path, const std::string& id, const Layout& layout) {
    std::string self;
    if (!cgroups_path.empty() && cgroups_path[0] != '/') self = read_file_or_throw("/proc/self/cgroup");
    return open(cgroups_path, id, layout, self);
}

std::unique_ptr<Manager> Manager::open(const std::string& cgroups_path, const std::string& id, const Layout& layout,
                                       const std::string& self_cgroup) {
    std::string rel = resolve_cgroups_path(cgroups_path, id);
    const bool relative = rel[0] != '/';
    auto self = parse_self_cgroup(self_cgroup);
    std::vector<Hierarchy> v1;
    if (layout.mode != Mode::V2) {
        for (auto& [name, mount] : layout.v1) {
            if (name.rfind("name=", 0) == 0) continue;  // named hierarchies carry no controller
            auto it = std::find_if(v1.begin(), v1.end(), [&](const Hierarchy& h) { return h.mount == mount; });
            if (it == v1.end()) {
                v1.push_back(Hierarchy{mount, {name}, relative ? join(own_path(self, name), rel) : rel});
            } else {
                it->controllers.push_back(name);
            }
        }
    }
    std::optional<Hierarchy> v2;
    if (!layout.v2_root.empty() && layout.mode != Mode::V1)
        v2 = Hierarchy{layout.v2_root, {}, relative ? join(own_path(self, ""), rel) : rel};
    return std::make_unique<HostManager>(layout, std::move(v1), std::move(v2));
}

}  // namespace rampart::cgroups
