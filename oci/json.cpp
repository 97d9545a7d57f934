// JSON document model, parser (yajl callbacks, one pass) and serializer.
#include "oci/json.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include <yajl/yajl_parse.h>

#include "oci/error.hpp"

// GCC 12 reports moves of a just-built std::variant temporary (Value(true) passed on by
// value) as "may be used uninitialized"; a known false positive (GCC PR 105593 family).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace oci::json {

// ---------------------------------------------------------------------------------------
// Value

Type Value::type() const {
    switch (v_.index()) {
        case 0: return Type::Null;
        case 1: return Type::Bool;
        case 2: return Type::Int;
        case 3: return Type::Uint;
        case 4: return Type::Double;
        case 5: return Type::String;
        case 6: return Type::Array;
        default: return Type::Object;
    }
}

const char* Value::type_name() const {
    switch (type()) {
        case Type::Null: return "null";
        case Type::Bool: return "boolean";
        case Type::Int:
        case Type::Uint: return "integer";
        case Type::Double: return "number";
        case Type::String: return "string";
        case Type::Array: return "array";
        case Type::Object: return "object";
    }
    return "?";
}

bool Value::is_number() const {
    Type t = type();
    return t == Type::Int || t == Type::Uint || t == Type::Double;
}

bool Value::is_integer() const {
    Type t = type();
    return t == Type::Int || t == Type::Uint;
}

namespace {
[[noreturn]] void mismatch(const Value& v, const char* wanted) {
    throw Error(std::string(v.type_name()) + " where " + wanted + " expected");
}

// A Double holding a whole number is what an integer literal too large for 64 bits
// becomes; report it as out of range rather than as a fractional number.
[[noreturn]] void double_as_integer(double d) {
    if (std::isfinite(d) && d == std::floor(d)) throw Error("integer out of range");
    throw Error("number where integer expected");
}
}  // namespace

bool Value::as_bool() const {
    if (auto* b = std::get_if<bool>(&v_)) return *b;
    mismatch(*this, "boolean");
}

int64_t Value::as_int() const {
    if (auto* i = std::get_if<int64_t>(&v_)) return *i;
    if (auto* u = std::get_if<uint64_t>(&v_)) {
        if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw Error("integer out of range");
        return static_cast<int64_t>(*u);
    }
    if (auto* d = std::get_if<double>(&v_)) double_as_integer(*d);
    mismatch(*this, "integer");
}

uint64_t Value::as_uint() const {
    if (auto* u = std::get_if<uint64_t>(&v_)) return *u;
    if (auto* i = std::get_if<int64_t>(&v_)) {
        if (*i < 0) throw Error("negative integer where unsigned integer expected");
        return static_cast<uint64_t>(*i);
    }
    if (auto* d = std::get_if<double>(&v_)) double_as_integer(*d);
    mismatch(*this, "integer");
}

double Value::as_double() const {
    if (auto* d = std::get_if<double>(&v_)) return *d;
    if (auto* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
    if (auto* u = std::get_if<uint64_t>(&v_)) return static_cast<double>(*u);
    mismatch(*this, "number");
}

const std::string& Value::as_string() const {
    if (auto* s = std::get_if<std::string>(&v_)) return *s;
    mismatch(*this, "string");
}

const Array& Value::as_array() const {
    if (auto* a = std::get_if<std::shared_ptr<Array>>(&v_)) return **a;
    mismatch(*this, "array");
}

Array& Value::as_array() {
    if (auto* a = std::get_if<std::shared_ptr<Array>>(&v_)) return **a;
    mismatch(*this, "array");
}

const Object& Value::as_object() const {
    if (auto* o = std::get_if<std::shared_ptr<Object>>(&v_)) return **o;
    mismatch(*this, "object");
}

Object& Value::as_object() {
    if (auto* o = std::get_if<std::shared_ptr<Object>>(&v_)) return **o;
    mismatch(*this, "object");
}

const Value* Value::find(std::string_view key) const {
    auto* o = std::get_if<std::shared_ptr<Object>>(&v_);
    if (!o) return nullptr;
    for (const auto& [k, v] : **o)
        if (k == key) return &v;
    return nullptr;
}

Value& Value::set(std::string key, Value v) {
    if (is_null()) v_ = std::make_shared<Object>();
    Object& o = as_object();
    for (auto& [k, old] : o)
        if (k == key) {
            old = std::move(v);
            return old;
        }
    o.emplace_back(std::move(key), std::move(v));
    return o.back().second;
}

Value& Value::push(Value v) {
    if (is_null()) v_ = std::make_shared<Array>();
    Array& a = as_array();
    a.push_back(std::move(v));
    return a.back();
}

// ---------------------------------------------------------------------------------------
// Parser

namespace {

enum class StringCheck { Ok, Nul, BadUtf8 };

// One pass: refuses NUL (an escaped \u0000 would truncate paths and names at the C
// boundary) and anything but strict UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF); yajl's own check only looks at the byte structure.
StringCheck check_bytes(const unsigned char* s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c == 0) return StringCheck::Nul;
            ++i;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return StringCheck::BadUtf8;
        }
        if (i + len > n) return StringCheck::BadUtf8;
        for (size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return StringCheck::BadUtf8;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return StringCheck::BadUtf8;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return StringCheck::BadUtf8;
        i += len;
    }
    return StringCheck::Ok;
}

struct Frame {
    bool is_object = false;
    Array array;
    Object object;
    std::string key;  // the key whose value comes next (objects)
    // Keys seen so far; only used once an object grows past a few keys (linear scan below).
    std::unordered_set<std::string> seen;
};

constexpr size_t kLinearKeyScan = 16;

class Builder {
public:
    // frames[0..depth) are the open containers; deeper entries are kept for reuse so a
    // document does not pay a frame allocation per nested object.
    std::vector<Frame> frames;
    size_t depth = 0;
    Value root;
    bool have_root = false;
    std::string error;  // set when a callback refuses the input

    std::string path() const {
        std::string p;
        for (size_t i = 0; i < depth; ++i) {
            const Frame& f = frames[i];
            if (f.is_object) {
                if (!p.empty()) p += '.';
                p += f.key;
            } else {
                p += '[' + std::to_string(f.array.size()) + ']';
            }
        }
        return p;
    }

    int add(Value&& v) {
        if (depth == 0) {
            root = std::move(v);
            have_root = true;
            return 1;
        }
        Frame& f = frames[depth - 1];
        if (f.is_object)
            f.object.emplace_back(std::move(f.key), std::move(v));
        else
            f.array.push_back(std::move(v));
        return 1;
    }

    int open(bool is_object) {
        if (depth >= static_cast<size_t>(kMaxDepth)) {
            error = "nesting deeper than " + std::to_string(kMaxDepth) + " levels";
            return 0;
        }
        if (depth == frames.size()) frames.emplace_back();
        Frame& f = frames[depth++];
        f.is_object = is_object;
        f.array.clear();
        f.object.clear();
        f.seen.clear();
        return 1;
    }

    // Copies out an exactly sized container and keeps the frame's capacity for the next
    // container at this depth (fewer reallocations than growing a fresh vector each time).
    int close() {
        Frame& f = frames[--depth];
        if (f.is_object) {
            Object o(std::make_move_iterator(f.object.begin()),
                     std::make_move_iterator(f.object.end()));
            f.object.clear();
            return add(Value(std::move(o)));
        }
        Array a(std::make_move_iterator(f.array.begin()), std::make_move_iterator(f.array.end()));
        f.array.clear();
        return add(Value(std::move(a)));
    }

    int key(const unsigned char* s, size_t n) {
        Frame& f = frames[depth - 1];
        if (!check_string(s, n, "object key")) return 0;
        std::string_view k(reinterpret_cast<const char*>(s), n);
        bool dup = false;
        if (f.object.size() < kLinearKeyScan) {
            for (const auto& kv : f.object)
                if (kv.first == k) dup = true;
        } else {
            if (f.seen.empty())
                for (const auto& kv : f.object) f.seen.insert(kv.first);
            dup = !f.seen.insert(std::string(k)).second;
        }
        f.key.assign(k);
        if (dup) {
            error = "duplicate key \"" + f.key + "\" at " + path();
            return 0;
        }
        return 1;
    }

    bool check_string(const unsigned char* s, size_t n, const char* what) {
        StringCheck c = check_bytes(s, n);
        if (c == StringCheck::Ok) return true;
        error = std::string(what) +
                (c == StringCheck::Nul ? " contains a NUL character" : " is not valid UTF-8") + at();
        return false;
    }

    std::string at() const {
        std::string p = path();
        return p.empty() ? "" : " at " + p;
    }

    int number(const char* s, size_t n) {
        bool integral = true;
        for (size_t i = 0; i < n; ++i)
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') integral = false;
        if (integral) {
            if (s[0] == '-') {
                int64_t i;
                auto r = std::from_chars(s, s + n, i);
                if (r.ec == std::errc() && r.ptr == s + n) return add(Value(i));
            } else {
                uint64_t u;
                auto r = std::from_chars(s, s + n, u);
                if (r.ec == std::errc() && r.ptr == s + n) {
                    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                        return add(Value(static_cast<int64_t>(u)));
                    return add(Value(u));
                }
            }
        }
        // Fractions, exponents and integers beyond 64 bits become doubles (inf when huge).
        double d = 0;
        auto r = std::from_chars(s, s + n, d);
        if (r.ec == std::errc::result_out_of_range) {
            d = (s[0] == '-') ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
            // A tiny magnitude (1e-400) underflows; zero is the honest value then.
            bool big_exp = false;
            for (size_t i = 0; i < n; ++i)
                if ((s[i] == 'e' || s[i] == 'E') && i + 1 < n && s[i + 1] == '-') big_exp = true;
            if (big_exp) d = 0;
        } else if (r.ec != std::errc()) {
            error = "bad number" + at();
            return 0;
        }
        return add(Value(d));
    }
};

Builder& B(void* ctx) { return *static_cast<Builder*>(ctx); }

int cb_null(void* ctx) { return B(ctx).add(Value()); }
int cb_bool(void* ctx, int b) { return B(ctx).add(Value(b != 0)); }
int cb_number(void* ctx, const char* s, size_t n) { return B(ctx).number(s, n); }
int cb_string(void* ctx, const unsigned char* s, size_t n) {
    if (!B(ctx).check_string(s, n, "string")) return 0;
    return B(ctx).add(Value(std::string(reinterpret_cast<const char*>(s), n)));
}
int cb_start_map(void* ctx) { return B(ctx).open(true); }
int cb_map_key(void* ctx, const unsigned char* s, size_t n) { return B(ctx).key(s, n); }
int cb_end(void* ctx) { return B(ctx).close(); }
int cb_start_array(void* ctx) { return B(ctx).open(false); }

const yajl_callbacks kCallbacks = {
    cb_null, cb_bool, nullptr, nullptr, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

struct Handle {
    yajl_handle h;
    ~Handle() { yajl_free(h); }
};

// The first line of yajl's message without its trailing period and the verbose part.
std::string yajl_message(yajl_handle h, std::string_view text) {
    unsigned char* raw = yajl_get_error(h, 0, reinterpret_cast<const unsigned char*>(text.data()),
                                        text.size());
    std::string m = raw ? reinterpret_cast<char*>(raw) : "malformed JSON";
    if (raw) yajl_free_error(h, raw);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ' || m.back() == '.')) m.pop_back();
    return m;
}

[[noreturn]] void fail_at(const std::string& source, std::string_view text, size_t offset,
                          const std::string& msg) {
    if (offset > text.size()) offset = text.size();
    size_t line = 1, col = 1;
    for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    throw Error(source + ":" + std::to_string(line) + ":" + std::to_string(col) +
                ": parse error: " + msg);
}

}  // namespace

Value parse(std::string_view text, const std::string& source) {
    Builder b;
    b.frames.reserve(16);
    Handle h{yajl_alloc(&kCallbacks, nullptr, &b)};
    if (!h.h) throw Error(source + ": parse error: out of memory");
    auto data = reinterpret_cast<const unsigned char*>(text.data());
    yajl_status st = yajl_parse(h.h, data, text.size());
    if (st != yajl_status_ok) {
        // yajl counts the token it stopped on as consumed: point at its last byte, or for
        // a refused string (a duplicate key) back at its opening quote.
        size_t off = yajl_get_bytes_consumed(h.h);
        if (off > 0) --off;
        if (st == yajl_status_client_canceled && off < text.size() && text[off] == '"') {
            size_t i = off;
            while (i > 0) {
                --i;
                if (text[i] != '"') continue;
                size_t bs = 0;
                while (i >= bs + 1 && text[i - bs - 1] == '\\') ++bs;
                if (bs % 2 == 0) break;
            }
            off = i;
        }
        if (!b.error.empty()) fail_at(source, text, off, b.error);
        std::string m = yajl_message(h.h, text);
        if (m.rfind("parse error: ", 0) == 0) m.erase(0, 13);
        fail_at(source, text, off, m);
    }
    if (yajl_complete_parse(h.h) != yajl_status_ok) {
        if (!b.error.empty()) fail_at(source, text, text.size(), b.error);
        if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
            fail_at(source, text, text.size(), "empty document");
        std::string m = yajl_message(h.h, text);
        if (m.find("premature EOF") != std::string::npos || m.find("incomplete") != std::string::npos)
            m = "unexpected end of input (truncated document?)";
        else if (m.rfind("parse error: ", 0) == 0)
            m.erase(0, 13);
        fail_at(source, text, text.size(), m);
    }
    if (!b.have_root) fail_at(source, text, text.size(), "empty document");
    return std::move(b.root);
}

Value parse_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SysError(path);
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            throw SysError(path + ": read", e);
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return parse(text, path);
}

// ---------------------------------------------------------------------------------------
// Serializer

namespace {

void escape(std::string& out, const std::string& s) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s, start, i - start);
        start = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(s, start, std::string::npos);
    out += '"';
}

void newline(std::string& out, bool pretty, int depth) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<size_t>(depth) * 2, ' ');
}

void write(std::string& out, const Value& v, bool pretty, int depth) {
    char buf[64];
    switch (v.type()) {
        case Type::Null: out += "null"; break;
        case Type::Bool: out += v.as_bool() ? "true" : "false"; break;
        case Type::Int: {
            auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
            out.append(buf, r.ptr);
            break;
        }
        case Type::Uint: {
            auto r = std::to_chars(buf, buf + sizeof buf, v.as_uint());
            out.append(buf, r.ptr);
            break;
        }
        case Type::Double: {
            double d = v.as_double();
            if (!std::isfinite(d)) {
                out += "null";  // JSON has no inf/nan
                break;
            }
            auto r = std::to_chars(buf, buf + sizeof buf, d);
            out.append(buf, r.ptr);
            break;
        }
        case Type::String: escape(out, v.as_string()); break;
        case Type::Array: {
            const Array& a = v.as_array();
            out += '[';
            for (size_t i = 0; i < a.size(); ++i) {
                if (i) out += ',';
                newline(out, pretty, depth + 1);
                write(out, a[i], pretty, depth + 1);
            }
            if (!a.empty()) newline(out, pretty, depth);
            out += ']';
            break;
        }
        case Type::Object: {
            const Object& o = v.as_object();
            out += '{';
            for (size_t i = 0; i < o.size(); ++i) {
                if (i) out += ',';
                newline(out, pretty, depth + 1);
                escape(out, o[i].first);
                out += pretty ? ": " : ":";
                write(out, o[i].second, pretty, depth + 1);
            }
            if (!o.empty()) newline(out, pretty, depth);
            out += '}';
            break;
        }
    }
}

}  // namespace

std::string serialize(const Value& v, bool pretty) {
    std::string out;
    out.reserve(256);
    write(out, v, pretty, 0);
    return out;
}

}  // namespace oci::json
