#include "runtime/cmdline/flags.hpp"

#include <charconv>

#include "oci/error.hpp"

namespace rampart::cli {
namespace {

const FlagSpec* find_spec(const std::vector<FlagSpec>& specs, const std::string& name) {
    for (const auto& s : specs)
        for (const auto& n : s.names)
            if (n == name) return &s;
    return nullptr;
}

bool parse_bool(const std::string& v, bool& out) {
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") {
        out = true;
        return true;
    }
    if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") {
        out = false;
        return true;
    }
    return false;
}

}  // namespace

std::string ParsedFlags::str(const std::string& name, const std::string& def) const {
    auto it = values_.find(name);
    return it == values_.end() || it->second.empty() ? def : it->second.back();
}

long long ParsedFlags::num(const std::string& name, long long def) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return def;
    const std::string& v = it->second.back();
    long long out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size())
        throw oci::Error("invalid value \"" + v + "\" for flag -" + name);
    return out;
}

bool ParsedFlags::flag(const std::string& name) const {
    auto it = values_.find(name);
    return it != values_.end() && !it->second.empty() && it->second.back() == "true";
}

std::vector<std::string> ParsedFlags::list(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

ParseResult parse_flags(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
                        bool stop_at_positional) {
    ParseResult r;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            r.positional.push_back(a);
            if (stop_at_positional) {
                ++i;
                break;
            }
            continue;
        }
        std::string body = a.substr(a[1] == '-' ? 2 : 1);
        if (body.empty() || body[0] == '-' || body[0] == '=')
            throw oci::Error("bad flag syntax: " + a);
        std::string name = body, value;
        bool has_value = false;
        if (auto eq = body.find('='); eq != std::string::npos) {
            name = body.substr(0, eq);
            value = body.substr(eq + 1);
            has_value = true;
        }
        if (name == "h" || name == "help") {
            if (!find_spec(specs, name)) {
                r.help = true;
                continue;
            }
        }
        const FlagSpec* spec = find_spec(specs, name);
        if (!spec) throw oci::Error("flag provided but not defined: -" + name);
        const std::string& canonical = spec->names.front();
        if (spec->kind == FlagKind::Bool) {
            bool b = true;
            if (has_value && !parse_bool(value, b))
                throw oci::Error("invalid boolean value \"" + value + "\" for -" + name);
            r.flags.add(canonical, b ? "true" : "false");
            continue;
        }
        if (!has_value) {
            if (i + 1 >= args.size()) throw oci::Error("flag needs an argument: -" + name);
            value = args[++i];
        }
        r.flags.add(canonical, value);
        if (spec->kind == FlagKind::Int) (void)r.flags.num(canonical);  // validate now
    }
    for (; i < args.size(); ++i) r.positional.push_back(args[i]);
    return r;
}

std::string flags_usage(const std::vector<FlagSpec>& specs) {
    std::string out;
    for (const auto& s : specs) {
        std::string left = "   ";
        for (size_t k = 0; k < s.names.size(); ++k) {
            if (k) left += ", ";
            left += (s.names[k].size() == 1 ? "-" : "--") + s.names[k];
            if (s.kind != FlagKind::Bool) left += " " + (s.value_name.empty() ? "value" : s.value_name);
        }
        if (left.size() < 34) left.resize(34, ' ');
        else left += "  ";
        out += left + s.help + "\n";
    }
    return out;
}

}  // namespace rampart::cli
