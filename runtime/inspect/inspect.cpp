// Reading a container's processes from /proc and its state dir.
#include "runtime/inspect/inspect.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"

namespace rampart::inspect {
namespace {

// "0\t0\t0\t0" (as /proc shows real, effective, saved, fs ids) -> "0 0 0 0"
std::string spaced(std::string v) {
    for (char& c : v)
        if (c == '\t') c = ' ';
    return v;
}

bool read_text(const std::string& path, std::string* out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) return false;
    *out = ss.str();
    return true;
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    return s.substr(b);
}

std::string link_target(const std::string& path) {
    char buf[256];
    ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
    if (n < 0) return "";
    return std::string(buf, static_cast<size_t>(n));
}

const char* const kNamespaces[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};

oci::json::Value read_json_if_present(const std::string& path) {
    if (access(path.c_str(), F_OK) != 0) return {};
    return oci::json::parse_file(path);
}

}  // namespace

std::vector<std::string> capability_names(uint64_t mask) {
    const auto& known = oci::all_capability_names();
    std::vector<std::string> out;
    for (int bit = 0; bit < 64; ++bit) {
        if (!(mask & (1ULL << bit))) continue;
        if (static_cast<size_t>(bit) < known.size()) {
            std::string n = known[static_cast<size_t>(bit)];
            std::transform(n.begin(), n.end(), n.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            out.push_back(n);
        } else {
            out.push_back("cap_" + std::to_string(bit));
        }
    }
    return out;
}

std::string capability_list(uint64_t mask) {
    std::string s;
    for (const auto& n : capability_names(mask)) s += (s.empty() ? "" : ",") + n;
    return s;
}

ProcessInfo read_process(int pid, const std::string& proc) {
    const std::string dir = proc + "/" + std::to_string(pid);
    std::string status;
    if (!read_text(dir + "/status", &status))
        throw oci::Error("process " + std::to_string(pid) + " does not exist");
    ProcessInfo p;
    p.pid = pid;
    std::istringstream in(status);
    std::string line;
    auto hex = [](const std::string& v) { return std::stoull(trim(v), nullptr, 16); };
    while (std::getline(in, line)) {
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon), val = trim(line.substr(colon + 1));
        try {
            if (key == "CapInh") p.caps.inheritable = hex(val);
            else if (key == "CapPrm") p.caps.permitted = hex(val);
            else if (key == "CapEff") p.caps.effective = hex(val);
            else if (key == "CapBnd") p.caps.bounding = hex(val);
            else if (key == "CapAmb") p.caps.ambient = hex(val);
            else if (key == "NoNewPrivs") p.no_new_privs = std::stoi(val);
            else if (key == "Seccomp") p.seccomp_mode = std::stoi(val);
            else if (key == "Seccomp_filters") p.seccomp_filters = std::stoi(val);
            else if (key == "Uid") p.uids = spaced(val);  // real effective saved fs
            else if (key == "Gid") p.gids = spaced(val);
        } catch (const std::exception&) {
            throw oci::Error(dir + "/status: unreadable " + key + " \"" + val + "\"");
        }
    }
    std::string cmdline;
    if (read_text(dir + "/cmdline", &cmdline)) {
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        p.command = trim(cmdline);
    }
    std::string label;
    if (read_text(dir + "/attr/apparmor/current", &label) || read_text(dir + "/attr/current", &label))
        p.lsm_label = trim(std::string(label.c_str()));
    for (const char* ns : kNamespaces) {
        std::string t = link_target(dir + "/ns/" + ns);
        if (!t.empty()) p.namespaces.emplace_back(ns, t);
    }
    std::string cg;
    if (read_text(dir + "/cgroup", &cg)) {
        std::istringstream cin(cg);
        while (std::getline(cin, line))
            if (!line.empty()) p.cgroup += (p.cgroup.empty() ? "" : "; ") + line;
    }
    return p;
}

std::vector<int> container_pids(int init_pid, const std::string& proc, const std::string& cgroupfs) {
    std::vector<int> pids;
    const std::string init_pidns = link_target(proc + "/" + std::to_string(init_pid) + "/ns/pid");
    const std::string self_pidns = link_target(proc + "/self/ns/pid");
    if (!init_pidns.empty() && init_pidns != self_pidns) {
        if (DIR* d = opendir(proc.c_str())) {
            while (dirent* e = readdir(d)) {
                if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
                if (link_target(proc + "/" + e->d_name + "/ns/pid") == init_pidns)
                    pids.push_back(std::atoi(e->d_name));
            }
            closedir(d);
        }
    } else {
        std::string cg;
        if (read_text(proc + "/" + std::to_string(init_pid) + "/cgroup", &cg)) {
            std::istringstream in(cg);
            std::string line;
            while (std::getline(in, line)) {
                if (line.rfind("0::", 0) != 0) continue;
                std::string procs;
                if (read_text(cgroupfs + line.substr(3) + "/cgroup.procs", &procs)) {
                    std::istringstream pin(procs);
                    int x;
                    while (pin >> x) pids.push_back(x);
                }
            }
        }
    }
    if (std::find(pids.begin(), pids.end(), init_pid) == pids.end()) pids.push_back(init_pid);
    std::sort(pids.begin(), pids.end());
    // init first
    std::stable_partition(pids.begin(), pids.end(), [&](int x) { return x == init_pid; });
    return pids;
}

ContainerInfo inspect_container(const std::string& root, const std::string& id, bool all,
                                const std::string& proc) {
    if (id.empty() || id.find('/') != std::string::npos || id == "." || id == "..")
        throw oci::Error("invalid container id \"" + id + "\"");
    ContainerInfo c;
    c.id = id;
    c.state_dir = root + "/" + id;
    struct stat st;
    if (stat(c.state_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw oci::Error("container " + id + " does not exist in " + root);
    oci::json::Value state = oci::json::parse_file(c.state_dir + "/state.json");
    if (const auto* v = state.find("pid"); v && v->is_integer()) c.pid = static_cast<int>(v->as_int());
    else if (const auto* v2 = state.find("init_process_pid"); v2 && v2->is_integer())
        c.pid = static_cast<int>(v2->as_int());
    if (const auto* v = state.find("status"); v && v->is_string()) c.status = v->as_string();
    if (const auto* v = state.find("bundle"); v && v->is_string()) c.bundle = v->as_string();
    if (c.bundle.empty())  // runc: config.labels has "bundle=/path"
        if (const auto* cfg = state.find("config"))
            if (const auto* labels = cfg->find("labels"); labels && labels->is_array())
                for (const auto& l : labels->as_array())
                    if (l.is_string() && l.as_string().rfind("bundle=", 0) == 0)
                        c.bundle = l.as_string().substr(7);
    if (c.pid <= 0) throw oci::Error("container " + id + " has no process (status " + c.status + ")");
    if (access((proc + "/" + std::to_string(c.pid)).c_str(), F_OK) != 0)
        throw oci::Error("container " + id + " is not running (pid " + std::to_string(c.pid) + " is gone)");
    if (all)
        for (int pid : container_pids(c.pid, proc)) {
            try {
                c.processes.push_back(read_process(pid, proc));
            } catch (const oci::Error&) {
                // exited meanwhile
            }
        }
    else
        c.processes.push_back(read_process(c.pid, proc));
    c.landlock = read_json_if_present(c.state_dir + "/landlock.json");
    c.decisions = read_json_if_present(c.state_dir + "/decisions.json");
    return c;
}

oci::json::Value to_json(const ContainerInfo& c) {
    using oci::json::Value;
    auto names = [](uint64_t m) {
        Value a = oci::json::Array{};
        for (const auto& n : capability_names(m)) a.push(n);
        return a;
    };
    Value v;
    v.set("id", c.id);
    v.set("status", c.status);
    v.set("bundle", c.bundle);
    v.set("pid", c.pid);
    Value procs = oci::json::Array{};
    for (const auto& p : c.processes) {
        Value o;
        o.set("pid", p.pid);
        o.set("command", p.command);
        o.set("uid", p.uids);
        o.set("gid", p.gids);
        Value caps;
        caps.set("effective", names(p.caps.effective));
        caps.set("permitted", names(p.caps.permitted));
        caps.set("inheritable", names(p.caps.inheritable));
        caps.set("bounding", names(p.caps.bounding));
        caps.set("ambient", names(p.caps.ambient));
        o.set("capabilities", caps);
        o.set("noNewPrivileges", p.no_new_privs == 1);
        o.set("seccompMode", p.seccomp_mode);
        o.set("seccompFilters", p.seccomp_filters);
        o.set("lsmLabel", p.lsm_label);
        Value ns;
        for (const auto& [k, t] : p.namespaces) ns.set(k, t);
        o.set("namespaces", ns);
        o.set("cgroup", p.cgroup);
        procs.push(o);
    }
    v.set("processes", procs);
    v.set("landlock", c.landlock);
    v.set("policy", c.decisions);
    return v;
}

std::string to_text(const ContainerInfo& c) {
    std::ostringstream o;
    o << "container     " << c.id << " (" << (c.status.empty() ? "?" : c.status) << ")\n";
    if (!c.bundle.empty()) o << "bundle        " << c.bundle << "\n";
    auto list = [](uint64_t m) {
        std::string s = capability_list(m);
        return s.empty() ? std::string("(none)") : s;
    };
    for (const auto& p : c.processes) {
        o << "\nprocess       " << p.pid << "  " << p.command << "\n";
        o << "uid/gid       " << p.uids << " / " << p.gids << "\n";
        o << "capabilities\n";
        o << "  effective   " << list(p.caps.effective) << "\n";
        o << "  permitted   " << list(p.caps.permitted) << "\n";
        o << "  inheritable " << list(p.caps.inheritable) << "\n";
        o << "  bounding    " << list(p.caps.bounding) << "\n";
        o << "  ambient     " << list(p.caps.ambient) << "\n";
        o << "no_new_privs  " << (p.no_new_privs == 1 ? "yes" : p.no_new_privs == 0 ? "no" : "?") << "\n";
        const char* modes[] = {"disabled", "strict", "filter"};
        o << "seccomp       "
          << (p.seccomp_mode >= 0 && p.seccomp_mode <= 2 ? modes[p.seccomp_mode] : "?");
        if (p.seccomp_filters >= 0) o << " (" << p.seccomp_filters << (p.seccomp_filters == 1 ? " filter)" : " filters)");
        o << "\n";
        o << "lsm label     " << (p.lsm_label.empty() ? "(none)" : p.lsm_label) << "\n";
        o << "namespaces   ";
        for (const auto& [k, t] : p.namespaces) o << " " << t;
        o << "\n";
        o << "cgroup        " << p.cgroup << "\n";
    }
    o << "\nlandlock      ";
    if (c.landlock.is_object()) {
        const auto* prof = c.landlock.find("profile");
        const auto* src = c.landlock.find("source");
        const auto* abi = c.landlock.find("abi");
        const auto* rules = c.landlock.find("rules");
        const auto* warns = c.landlock.find("warnings");
        o << (prof && prof->is_string() ? prof->as_string() : "?")
          << (src && src->is_string() ? " from " + src->as_string() : "")
          << (abi && abi->is_integer() ? ", ABI " + std::to_string(abi->as_int()) : "")
          << (rules && rules->is_array() ? ", " + std::to_string(rules->as_array().size()) + " rules" : "")
          << "\n";
        if (warns && warns->is_array())
            for (const auto& w : warns->as_array())
                if (w.is_string()) o << "  warning: " << w.as_string() << "\n";
    } else {
        o << "none\n";
    }
    o << "policy        ";
    if (c.decisions.is_object()) {
        const auto* file = c.decisions.find("policy");
        const auto* prof = c.decisions.find("profile");
        o << (file && file->is_string() ? file->as_string() : "?");
        if (prof && prof->is_string() && !prof->as_string().empty()) o << ", profile " << prof->as_string();
        o << "\n";
        if (const auto* items = c.decisions.find("decisions"); items && items->is_array())
            for (const auto& d : items->as_array()) {
                auto s = [&](const char* k) {
                    const auto* x = d.find(k);
                    return x && x->is_string() ? x->as_string() : std::string();
                };
                o << "  " << s("kind") << " " << s("rule") << ": " << s("detail") << "\n";
            }
    } else {
        o << "(no decision record)\n";
    }
    return o.str();
}

}  // namespace rampart::inspect
