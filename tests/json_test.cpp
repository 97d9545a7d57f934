// oci/json: parsing, errors with positions, hostile inputs, serialization.
#include "oci/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "oci/error.hpp"

using oci::json::parse;
using oci::json::serialize;
using oci::json::Type;
using oci::json::Value;

namespace {

std::string parse_error(std::string_view text, const std::string& source = "config.json") {
    try {
        parse(text, source);
    } catch (const oci::Error& e) {
        return e.what();
    }
    return "no error";
}

std::string reference_dir() {
    if (const char* env = std::getenv("RAMPART_REFERENCE_DIR")) return env;
#ifdef RAMPART_REFERENCE_DIR
    return RAMPART_REFERENCE_DIR;
#else
    return "";
#endif
}

}  // namespace

TEST(Json, ParsesScalarsAndContainers) {
    Value v = parse(R"({"a": 1, "b": [true, false, null], "c": "x", "d": -2.5, "e": {}})", "t");
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_EQ(v.find("b")->as_array().size(), 3u);
    EXPECT_TRUE(v.find("b")->as_array()[0].as_bool());
    EXPECT_TRUE(v.find("b")->as_array()[2].is_null());
    EXPECT_EQ(v.find("c")->as_string(), "x");
    EXPECT_DOUBLE_EQ(v.find("d")->as_double(), -2.5);
    EXPECT_TRUE(v.find("e")->is_object());
    EXPECT_EQ(v.find("zz"), nullptr);
    // insertion order kept
    EXPECT_EQ(v.as_object()[0].first, "a");
    EXPECT_EQ(v.as_object()[4].first, "e");
}

TEST(Json, IntegersAreExact) {
    Value v = parse("[9223372036854775807, -9223372036854775808, 18446744073709551615, 0]", "t");
    const auto& a = v.as_array();
    EXPECT_EQ(a[0].type(), Type::Int);
    EXPECT_EQ(a[0].as_int(), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(a[1].as_int(), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(a[2].type(), Type::Uint);
    EXPECT_EQ(a[2].as_uint(), std::numeric_limits<uint64_t>::max());
    EXPECT_THROW(a[2].as_int(), oci::Error);
    EXPECT_THROW(a[1].as_uint(), oci::Error);
    EXPECT_EQ(serialize(v), "[9223372036854775807,-9223372036854775808,18446744073709551615,0]");
}

TEST(Json, HugeNumbersDoNotWrap) {
    Value v = parse("[18446744073709551616, -9223372036854775809, 1e400, 1e-400]", "t");
    const auto& a = v.as_array();
    EXPECT_EQ(a[0].type(), Type::Double);
    try {
        (void)a[0].as_uint();
        FAIL() << "no throw";
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "integer out of range");
    }
    EXPECT_THROW(a[1].as_int(), oci::Error);
    EXPECT_TRUE(std::isinf(a[2].as_double()));
    EXPECT_EQ(a[3].as_double(), 0.0);
    EXPECT_EQ(serialize(a[2]), "null");
}

TEST(Json, ErrorPositions) {
    EXPECT_EQ(parse_error("{\n  \"a\": 1,\n  \"b\": x\n}"),
              "config.json:3:8: parse error: lexical error: invalid char in json text");
    EXPECT_NE(parse_error("{\"a\": [1, 2").find("config.json:1:12: parse error: unexpected end of input"),
              std::string::npos)
        << parse_error("{\"a\": [1, 2");
    EXPECT_EQ(parse_error(""), "config.json:1:1: parse error: empty document");
    EXPECT_EQ(parse_error("  \n "), "config.json:2:2: parse error: empty document");
    EXPECT_NE(parse_error("{} {}").find("config.json:1:4: parse error:"), std::string::npos)
        << parse_error("{} {}");
    EXPECT_NE(parse_error("{\"a\":1,}").find("config.json:1:"), std::string::npos);
    EXPECT_EQ(parse_error("1."),
              "config.json:1:3: parse error: lexical error: malformed number, a digit is required "
              "after the decimal point");
    EXPECT_EQ(parse_error("{\"a\":1} x"), "config.json:1:9: parse error: trailing garbage");
    EXPECT_NE(parse_error("// comment\n{}").find("comments are not enabled"), std::string::npos);
}

TEST(Json, DuplicateKeysRefused) {
    EXPECT_EQ(parse_error("{\"process\": {\"args\": [], \"args\": []}}"),
              "config.json:1:26: parse error: duplicate key \"args\" at process.args");
    // beyond the linear-scan threshold too
    std::string big = "{";
    for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    big += "\"k7\":1}";
    EXPECT_NE(parse_error(big).find("duplicate key \"k7\""), std::string::npos);
    // same key in different objects is fine
    EXPECT_NO_THROW(parse(R"([{"a":1},{"a":2}])", "t"));
}

TEST(Json, DepthLimit) {
    std::string ok(oci::json::kMaxDepth, '['), close(oci::json::kMaxDepth, ']');
    EXPECT_NO_THROW(parse(ok + close, "t"));
    std::string deep(100000, '[');
    std::string err = parse_error(deep);
    EXPECT_NE(err.find("nesting deeper than 128 levels"), std::string::npos) << err;
    EXPECT_NE(err.find("config.json:1:129:"), std::string::npos) << err;
    std::string objs;
    for (int i = 0; i < 100000; ++i) objs += "{\"a\":";
    EXPECT_NE(parse_error(objs).find("nesting deeper"), std::string::npos);
}

TEST(Json, HugeString) {
    std::string s(10 * 1024 * 1024, 'x');
    Value v = parse("{\"s\":\"" + s + "\"}", "t");
    EXPECT_EQ(v.find("s")->as_string().size(), s.size());
}

TEST(Json, InvalidUtf8AndNulRefused) {
    EXPECT_NE(parse_error("[\"\xff\"]").find("parse error"), std::string::npos);
    EXPECT_NE(parse_error("[\"\xc0\xaf\"]").find("not valid UTF-8"), std::string::npos);  // overlong
    EXPECT_NE(parse_error("[\"\xed\xa0\x80\"]").find("not valid UTF-8"), std::string::npos);  // surrogate
    EXPECT_NE(parse_error("{\"\xc0\xaf\":1}").find("object key is not valid UTF-8"), std::string::npos);
    EXPECT_NE(parse_error(std::string("[\"a\0b\"]", 7)).find("parse error"), std::string::npos);
    EXPECT_NE(parse_error("[\"a\\u0000b\"]").find("NUL character"), std::string::npos);
    EXPECT_NE(parse_error(std::string("[1]\0", 4)).find("parse error"), std::string::npos);
    Value v = parse("[\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"]", "t");
    EXPECT_EQ(v.as_array()[0].as_string(), "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(Json, TruncatedEverywhere) {
    std::string doc = R"({"ociVersion":"1.0.0","process":{"args":["sh","-c"],"user":{"uid":0}},"x":[1,2.5,true,null]})";
    for (size_t n = 0; n < doc.size(); ++n) {
        std::string err = parse_error(doc.substr(0, n));
        EXPECT_NE(err.find("config.json:1:"), std::string::npos) << n << ": " << err;
    }
    EXPECT_NO_THROW(parse(doc, "t"));
}

TEST(Json, AccessorsReportTypes) {
    Value v = parse(R"({"s":"x"})", "t");
    try {
        (void)v.find("s")->as_int();
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "string where integer expected");
    }
    EXPECT_THROW((void)v.as_array(), oci::Error);
    EXPECT_THROW((void)Value(1.5).as_int(), oci::Error);
    EXPECT_EQ(Value(1.5).type_name(), std::string("number"));
    EXPECT_EQ(Value(3).as_double(), 3.0);
}

TEST(Json, BuildAndSerialize) {
    Value o;
    o.set("b", "x\"y\\z\n\t\x01");
    o.set("a", Value(oci::json::Array{}));
    o.set("n", 5);
    o.set("n", 6);  // replaces
    o.set("e", Value(oci::json::Object{}));
    Value arr;
    arr.push(1u);
    arr.push(false);
    arr.push(nullptr);
    o.set("arr", arr);
    EXPECT_EQ(serialize(o), R"({"b":"x\"y\\z\n\t\u0001","a":[],"n":6,"e":{},"arr":[1,false,null]})");
    EXPECT_EQ(serialize(o, true),
              "{\n  \"b\": \"x\\\"y\\\\z\\n\\t\\u0001\",\n  \"a\": [],\n  \"n\": 6,\n  \"e\": {},\n"
              "  \"arr\": [\n    1,\n    false,\n    null\n  ]\n}");
    // round trip
    EXPECT_EQ(serialize(parse(serialize(o), "t")), serialize(o));
    EXPECT_EQ(serialize(Value(0.5)), "0.5");
    EXPECT_EQ(serialize(Value("\xc3\xa9")), "\"\xc3\xa9\"");
}

TEST(Json, ParseFile) {
    auto path = std::filesystem::temp_directory_path() / "rampart_json_test.json";
    {
        std::ofstream f(path);
        f << "{\n\"a\": tru\n}";
    }
    try {
        oci::json::parse_file(path);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(path.string() + ":2:", 0), 0u) << e.what();
    }
    std::filesystem::remove(path);
    EXPECT_THROW(oci::json::parse_file("/nonexistent/rampart.json"), oci::SysError);
}

TEST(Json, ParsesSchemaFiles) {
    std::string dir = reference_dir() + "/runtime-spec-schema";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no reference dir " << dir;
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() != ".json") continue;
        Value v = oci::json::parse_file(e.path());
        EXPECT_TRUE(v.is_object()) << e.path();
        EXPECT_EQ(serialize(parse(serialize(v, true), "t")), serialize(v)) << e.path();
        ++n;
    }
    EXPECT_GE(n, 5);
    std::string docker = reference_dir() + "/docker-default-seccomp.json";
    if (std::filesystem::exists(docker)) {
        EXPECT_TRUE(oci::json::parse_file(docker).is_object());
    }
}
