// A small JSON document model over yajl: parse with precise errors, build, serialize.
//
// Parse errors name the source and position: "config.json:12:5: parse error: ...".
// Duplicate object keys are refused (a second "capabilities" must not silently win),
// nesting deeper than kMaxDepth is refused, and so is input that is not valid UTF-8.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace oci::json {

class Value;
using Array = std::vector<Value>;
// Object keeps insertion order (output stays readable and stable) as a vector of pairs.
using Object = std::vector<std::pair<std::string, Value>>;

enum class Type { Null, Bool, Int, Uint, Double, String, Array, Object };

constexpr int kMaxDepth = 128;

class Value {
public:
    Value() = default;  // null
    Value(std::nullptr_t) {}
    Value(bool b) : v_(b) {}
    Value(int i) : v_(static_cast<int64_t>(i)) {}
    Value(long i) : v_(static_cast<int64_t>(i)) {}
    Value(long long i) : v_(static_cast<int64_t>(i)) {}
    Value(unsigned i) : v_(static_cast<uint64_t>(i)) {}
    Value(unsigned long i) : v_(static_cast<uint64_t>(i)) {}
    Value(unsigned long long i) : v_(static_cast<uint64_t>(i)) {}
    Value(double d) : v_(d) {}
    Value(const char* s) : v_(std::string(s)) {}
    Value(std::string s) : v_(std::move(s)) {}
    Value(std::string_view s) : v_(std::string(s)) {}
    Value(Array a) : v_(std::make_shared<Array>(std::move(a))) {}
    Value(Object o) : v_(std::make_shared<Object>(std::move(o))) {}

    Type type() const;
    const char* type_name() const;  // "null", "boolean", "integer", "number", "string", "array", "object"
    bool is_null() const { return type() == Type::Null; }
    bool is_bool() const { return type() == Type::Bool; }
    bool is_number() const;   // any of Int, Uint, Double
    bool is_integer() const;  // Int or Uint
    bool is_string() const { return type() == Type::String; }
    bool is_array() const { return type() == Type::Array; }
    bool is_object() const { return type() == Type::Object; }

    // Accessors throw oci::Error("<type> where <wanted> expected") on a type mismatch;
    // callers in spec_json.cpp catch and re-throw with the JSON path.
    bool as_bool() const;
    int64_t as_int() const;    // Uint above INT64_MAX throws
    uint64_t as_uint() const;  // negative throws
    double as_double() const;
    const std::string& as_string() const;
    const Array& as_array() const;
    Array& as_array();
    const Object& as_object() const;
    Object& as_object();

    // Object helpers. find() returns nullptr when absent (or when this is not an object).
    const Value* find(std::string_view key) const;
    // Appends or replaces; this must be an object (a null Value becomes an empty object).
    Value& set(std::string key, Value v);
    // Array append; a null Value becomes an empty array.
    Value& push(Value v);

private:
    std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string,
                 std::shared_ptr<Array>, std::shared_ptr<Object>>
        v_;
};

// Parses text. `source` names the input in errors ("config.json", "process.json", "-").
Value parse(std::string_view text, const std::string& source);
// Reads and parses a file; errors name the path.
Value parse_file(const std::string& path);

// Compact serialization (one line, no trailing newline); `pretty` indents by two spaces.
std::string serialize(const Value& v, bool pretty = false);

}  // namespace oci::json
