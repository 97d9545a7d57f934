// Internal helpers for the spec readers/writers: typed access with JSON-path errors.
// Not part of the public oci/ interface.
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "oci/error.hpp"
#include "oci/json.hpp"
#include "oci/spec.hpp"

namespace oci::detail {

inline std::string join(const std::string& path, std::string_view key) {
    if (path.empty()) return std::string(key);
    std::string p;
    p.reserve(path.size() + 1 + key.size());
    p += path;
    p += '.';
    p += key;
    return p;
}

inline std::string index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

// A present, non-null member (JSON null counts as absent, as in Go's decoder).
inline const json::Value* field(const json::Value& obj, std::string_view key) {
    const json::Value* v = obj.find(key);
    return (v && !v->is_null()) ? v : nullptr;
}

class Reader {
public:
    explicit Reader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
        if (path.empty()) throw Error(file_ + ": " + msg);
        throw Error(file_ + ": " + path + ": " + msg);
    }

    const json::Object& object(const json::Value& v, const std::string& path) const {
        if (!v.is_object()) fail(path, std::string(v.type_name()) + " where object expected");
        return v.as_object();
    }
    const json::Array& array(const json::Value& v, const std::string& path) const {
        if (!v.is_array()) fail(path, std::string(v.type_name()) + " where array expected");
        return v.as_array();
    }
    std::string string(const json::Value& v, const std::string& path) const {
        if (!v.is_string()) fail(path, std::string(v.type_name()) + " where string expected");
        return v.as_string();
    }
    bool boolean(const json::Value& v, const std::string& path) const {
        if (!v.is_bool()) fail(path, std::string(v.type_name()) + " where boolean expected");
        return v.as_bool();
    }

    template <class T>
    T integer(const json::Value& v, const std::string& path) const {
        static_assert(std::is_integral_v<T>);
        try {
            if constexpr (std::is_signed_v<T>) {
                int64_t i = v.as_int();
                if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max())
                    range(path, std::to_string(i), std::to_string(std::numeric_limits<T>::min()),
                          std::to_string(std::numeric_limits<T>::max()));
                return static_cast<T>(i);
            } else {
                uint64_t u = v.as_uint();
                if (u > std::numeric_limits<T>::max())
                    range(path, std::to_string(u), "0",
                          std::to_string(std::numeric_limits<T>::max()));
                return static_cast<T>(u);
            }
        } catch (const Error& e) {
            if (std::string_view(e.what()).rfind(file_ + ":", 0) == 0) throw;
            fail(path, e.what());
        }
    }

    std::vector<std::string> strings(const json::Value& v, const std::string& path) const {
        const json::Array& a = array(v, path);
        std::vector<std::string> out;
        out.reserve(a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            if (!a[i].is_string())
                fail(index(path, i), std::string(a[i].type_name()) + " where string expected");
            out.push_back(a[i].as_string());
        }
        return out;
    }

    std::map<std::string, std::string> string_map(const json::Value& v,
                                                  const std::string& path) const {
        std::map<std::string, std::string> out;
        for (const auto& [k, val] : object(v, path)) {
            if (val.is_null()) continue;
            out.emplace(k, string(val, join(path, k)));
        }
        return out;
    }

    // Optional members: read into `out` only when present.
    void get(const json::Value& o, std::string_view key, const std::string& path,
             std::string& out) const {
        if (auto* f = field(o, key)) out = string(*f, join(path, key));
    }
    void get(const json::Value& o, std::string_view key, const std::string& path,
             std::optional<std::string>& out) const {
        if (auto* f = field(o, key)) out = string(*f, join(path, key));
    }
    void get(const json::Value& o, std::string_view key, const std::string& path,
             bool& out) const {
        if (auto* f = field(o, key)) out = boolean(*f, join(path, key));
    }
    void get(const json::Value& o, std::string_view key, const std::string& path,
             std::optional<bool>& out) const {
        if (auto* f = field(o, key)) out = boolean(*f, join(path, key));
    }
    void get(const json::Value& o, std::string_view key, const std::string& path,
             std::vector<std::string>& out) const {
        if (auto* f = field(o, key)) out = strings(*f, join(path, key));
    }
    template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
    void get(const json::Value& o, std::string_view key, const std::string& path,
             T& out) const {
        if (auto* f = field(o, key)) out = integer<T>(*f, join(path, key));
    }
    template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
    void get(const json::Value& o, std::string_view key, const std::string& path,
             std::optional<T>& out) const {
        if (auto* f = field(o, key)) out = integer<T>(*f, join(path, key));
    }

    const std::string& file() const { return file_; }

private:
    [[noreturn]] void range(const std::string& path, const std::string& v, const std::string& lo,
                            const std::string& hi) const {
        fail(path, v + " out of range (" + lo + " - " + hi + ")");
    }

    const std::string& file_;
};

// Writers: append members to an object Value (no replace scan; keys are unique by design).
inline void put(json::Value& o, const char* key, json::Value v) {
    o.as_object().emplace_back(key, std::move(v));
}
inline json::Value object() { return json::Value(json::Object{}); }
inline json::Value string_array(const std::vector<std::string>& v) {
    json::Array a;
    a.reserve(v.size());
    for (const auto& s : v) a.emplace_back(s);
    return json::Value(std::move(a));
}
inline json::Value string_object(const std::map<std::string, std::string>& m) {
    json::Value o = object();
    for (const auto& [k, v] : m) o.as_object().emplace_back(k, json::Value(v));
    return o;
}
template <class T>
void put_opt(json::Value& o, const char* key, const std::optional<T>& v) {
    if (v) put(o, key, json::Value(*v));
}
inline void put_nonempty(json::Value& o, const char* key, const std::string& s) {
    if (!s.empty()) put(o, key, json::Value(s));
}
inline void put_nonempty(json::Value& o, const char* key, const std::vector<std::string>& v) {
    if (!v.empty()) put(o, key, string_array(v));
}

// Sections shared between spec_json.cpp and resources_json.cpp.
Resources read_resources(const Reader& r, const json::Value& v, const std::string& path);
json::Value write_resources(const Resources& res);
Seccomp read_seccomp(const Reader& r, const json::Value& v, const std::string& path);
json::Value write_seccomp(const Seccomp& s);
Process read_process(const Reader& r, const json::Value& v, const std::string& path);
json::Value write_process(const Process& p);

}  // namespace oci::detail
