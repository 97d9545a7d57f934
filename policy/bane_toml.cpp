// Parsing bane's TOML profile format with toml++.
#include "policy/bane_toml.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "oci/error.hpp"
#include "oci/linux_names.hpp"

namespace rampart::policy {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

const char* toml_type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
    }
}

class Reader {
public:
    explicit Reader(const std::string& source) : source_(source) {}

    [[noreturn]] void fail(const toml::source_region& where, const std::string& msg) const {
        std::string prefix = source_;
        if (where.begin.line) prefix += ":" + std::to_string(where.begin.line);
        throw oci::Error(prefix + ": " + msg);
    }

    std::vector<std::string> strings(const toml::node& n, const std::string& field) const {
        const auto* arr = n.as_array();
        if (!arr)
            fail(n.source(), field + ": " + toml_type_name(n) + " where an array of strings expected");
        std::vector<std::string> out;
        for (size_t i = 0; i < arr->size(); ++i) {
            const toml::node& el = *arr->get(i);
            const auto* s = el.as_string();
            if (!s)
                fail(el.source(), field + "[" + std::to_string(i) + "]: " + toml_type_name(el) +
                                      " where a string expected");
            out.push_back(s->get());
        }
        return out;
    }

    bool boolean(const toml::node& n, const std::string& field) const {
        const auto* b = n.as_boolean();
        if (!b) fail(n.source(), field + ": " + toml_type_name(n) + " where a boolean expected");
        return b->get();
    }

    const toml::table& table(const toml::node& n, const std::string& field) const {
        const auto* t = n.as_table();
        if (!t) fail(n.source(), field + ": " + toml_type_name(n) + " where a table expected");
        return *t;
    }

    void check_path(const toml::node& n, const std::string& field, const std::string& p) const {
        if (p.empty()) fail(n.source(), field + ": empty path");
        if (p[0] != '/' && p.rfind("@{", 0) != 0)
            fail(n.source(), field + ": \"" + p + "\" is not an absolute path");
        for (unsigned char c : p) {
            if (c < 0x20 || c == 0x7f || c == '"')
                fail(n.source(), field + ": \"" + p +
                                     "\" contains a quote or control character (refused: it "
                                     "cannot be written safely into an AppArmor rule)");
        }
        if (p.find("/../") != std::string::npos || p.ends_with("/.."))
            fail(n.source(), field + ": \"" + p + "\" contains \"..\"");
    }

private:
    std::string source_;
};

const toml::node* element_node(const toml::node& arr_node, size_t i) {
    const auto* arr = arr_node.as_array();
    return arr ? arr->get(i) : nullptr;
}

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 200) return false;
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-';
    });
}

}  // namespace

BaneProfile parse_bane_toml(std::string_view text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw oci::Error(source + ":" + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
    }
    Reader rd(source);
    BaneProfile p;
    p.source = source;

    auto paths = [&](const toml::node& n, const std::string& field, std::vector<std::string>& dst) {
        dst = rd.strings(n, field);
        for (size_t i = 0; i < dst.size(); ++i)
            rd.check_path(*element_node(n, i), field + "[" + std::to_string(i) + "]", dst[i]);
    };

    bool have_name = false;
    for (const auto& [key, node] : root) {
        const std::string k = lower(key.str());
        const toml::source_region& where = key.source();
        if (k == "name") {
            const auto* s = node.as_string();
            if (!s) rd.fail(node.source(), std::string("Name: ") + toml_type_name(node) + " where a string expected");
            p.name = s->get();
            if (!valid_name(p.name))
                rd.fail(node.source(), "Name: \"" + p.name +
                                           "\" must be 1-200 characters of [A-Za-z0-9._-]");
            have_name = true;
        } else if (k == "filesystem") {
            for (const auto& [fkey, fnode] : rd.table(node, "Filesystem")) {
                const std::string fk = lower(fkey.str());
                const std::string field = "Filesystem." + std::string(fkey.str());
                if (fk == "readonlypaths") paths(fnode, field, p.read_only_paths);
                else if (fk == "logonwritepaths") paths(fnode, field, p.log_on_write_paths);
                else if (fk == "writablepaths") paths(fnode, field, p.writable_paths);
                else if (fk == "allowexec") paths(fnode, field, p.allow_exec);
                else if (fk == "denyexec") paths(fnode, field, p.deny_exec);
                else
                    rd.fail(fkey.source(), "unknown key \"" + std::string(fkey.str()) +
                                               "\" in [Filesystem] (known: ReadOnlyPaths, "
                                               "LogOnWritePaths, WritablePaths, AllowExec, DenyExec)");
            }
        } else if (k == "capabilities") {
            for (const auto& [ckey, cnode] : rd.table(node, "Capabilities")) {
                if (lower(ckey.str()) != "allow")
                    rd.fail(ckey.source(), "unknown key \"" + std::string(ckey.str()) +
                                               "\" in [Capabilities] (known: Allow)");
                auto caps = rd.strings(cnode, "Capabilities.Allow");
                for (size_t i = 0; i < caps.size(); ++i) {
                    std::string c = upper(caps[i]);
                    if (!c.starts_with("CAP_")) c = "CAP_" + c;
                    if (oci::capability_number(c) < 0)
                        rd.fail(element_node(cnode, i)->source(),
                                "Capabilities.Allow[" + std::to_string(i) +
                                    "]: unknown capability \"" + caps[i] + "\"");
                    p.capabilities.push_back(lower(c.substr(4)));
                }
            }
        } else if (k == "network") {
            p.has_network = true;
            for (const auto& [nkey, nnode] : rd.table(node, "Network")) {
                const std::string nk = lower(nkey.str());
                if (nk == "raw") p.network_raw = rd.boolean(nnode, "Network.Raw");
                else if (nk == "packet") p.network_packet = rd.boolean(nnode, "Network.Packet");
                else if (nk == "protocols") {
                    auto protos = rd.strings(nnode, "Network.Protocols");
                    for (size_t i = 0; i < protos.size(); ++i) {
                        std::string pr = lower(protos[i]);
                        if (pr != "tcp" && pr != "udp" && pr != "icmp")
                            rd.fail(element_node(nnode, i)->source(),
                                    "Network.Protocols[" + std::to_string(i) +
                                        "]: unknown protocol \"" + protos[i] +
                                        "\" (known: tcp, udp, icmp)");
                        p.protocols.push_back(pr);
                    }
                } else
                    rd.fail(nkey.source(), "unknown key \"" + std::string(nkey.str()) +
                                               "\" in [Network] (known: Raw, Packet, Protocols)");
            }
        } else {
            rd.fail(where, "unknown key \"" + std::string(key.str()) +
                               "\" (known: Name, [Filesystem], [Capabilities], [Network])");
        }
    }
    if (!have_name) throw oci::Error(source + ": Name is missing (the profile's name)");
    return p;
}

BaneProfile load_bane_toml(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw oci::SysError(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw oci::SysError(path);
    return parse_bane_toml(ss.str(), path);
}

}  // namespace rampart::policy
