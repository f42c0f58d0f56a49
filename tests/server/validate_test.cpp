// Field-by-field validation of request bodies (http/validate.h): the first bad field is named.
#include "http/validate.h"

#include <gtest/gtest.h>

using kairos::server::http::Fields;
using nlohmann::json;

namespace {
json details(const Fields& f) { return f.error().json["error"]["details"]; }
std::string code(const Fields& f) { return f.error().json["error"]["code"].get<std::string>(); }
}  // namespace

TEST(Fields, ReadsValidFields) {
    const json body = {{"name", "Zoë"}, {"n", 5}, {"on", true}, {"mail", "x.y+z@Sub.Example.org"}};
    Fields f(body);
    EXPECT_EQ(f.string("name", {.minLength = 3, .maxLength = 3}), "Zoë");  // code points, not bytes
    EXPECT_EQ(f.integer("n", 1, 10), 5);
    EXPECT_TRUE(f.boolean("on"));
    EXPECT_EQ(f.email("mail"), "x.y+z@sub.example.org");
    EXPECT_FALSE(f.optionalString("absent").has_value());
    EXPECT_TRUE(f.ok());
}

TEST(Fields, TheFirstFailureIsReportedWithItsFieldAndReason) {
    const json body = {{"password", "abc12"}, {"n", "5"}};
    Fields f(body);
    (void)f.string("password", {.minLength = 8, .maxLength = 128});
    (void)f.integer("n");
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().status, 400);
    EXPECT_EQ(code(f), "invalid_field");
    EXPECT_EQ(details(f)["field"], "password");
    EXPECT_EQ(details(f)["reason"], "too_short");
    EXPECT_EQ(details(f)["min_length"], 8);
    EXPECT_EQ(f.error().json.dump().find("abc12"), std::string::npos) << "the value sent must not be echoed";
}

TEST(Fields, MissingWrongTypeRangeAndShape) {
    {
        const json empty = json::object();
        Fields f(empty);
        (void)f.string("email");
        EXPECT_EQ(code(f), "missing_field");
        EXPECT_EQ(details(f)["field"], "email");
    }
    {
        const json body = {{"n", 1.5}};
        Fields f(body);
        (void)f.integer("n");
        EXPECT_EQ(details(f)["reason"], "not_an_integer");
    }
    {
        const json body = {{"n", 11}};
        Fields f(body);
        (void)f.integer("n", 0, 10);
        EXPECT_EQ(details(f)["reason"], "out_of_range");
    }
    {
        const json body = {{"n", 18446744073709551615ULL}};
        Fields f(body);
        (void)f.integer("n");
        EXPECT_EQ(details(f)["reason"], "out_of_range");
    }
    {
        const json body = {{"b", 1}};
        Fields f(body);
        (void)f.boolean("b");
        EXPECT_EQ(details(f)["reason"], "not_a_boolean");
    }
    {
        const json body = json::array({1, 2});
        Fields f(body);
        (void)f.string("x");
        EXPECT_EQ(code(f), "invalid_body");
    }
}

TEST(Fields, EmailShape) {
    using kairos::server::http::looksLikeEmail;
    for (const char* good : {"a@b.co", "first.last+tag@example.com", "x@sub-domain.example.org", "ü@bücher.example"})
        EXPECT_TRUE(looksLikeEmail(good)) << good;
    for (const char* bad : {"", "a", "a@b", "@b.co", "a@.co", "a@b..co", "a b@c.co", "a@b.co ", "a@@b.co", "a@b@c.co", ".a@b.co",
                            "a..b@c.co", "a@-b.co", "a@b_c.co", "a\n@b.co", "<a>@b.co"})
        EXPECT_FALSE(looksLikeEmail(bad)) << bad;
    EXPECT_FALSE(looksLikeEmail(std::string(65, 'a') + "@b.co"));
}
