#pragma once
// Field-by-field validation of JSON request bodies. A handler reads each field through one Fields
// object; the first problem is kept and becomes a 400 naming the field:
//
//     http::Fields f(ctx.body);
//     const std::string email = f.email("email");
//     const std::string password = f.string("password", {.minLength = 8, .maxLength = 128});
//     const auto totp = f.optionalString("totp", {.minLength = 6, .maxLength = 8});
//     if (!f.ok()) return f.error();
//
// error(): 400 {"error": {"code": "missing_field" | "invalid_field" | "invalid_body",
// "message": "…", "details": {"field": "password", "reason": "too_short", …}}}. Messages and
// details never repeat the value sent (it may be a password).

#include "http/response.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace kairos::server::http {

/// Limits on a string field, counted in Unicode code points (the JSON parser has already refused
/// invalid UTF-8).
struct StringRule {
    std::size_t minLength = 1;  ///< 0 allows ""
    std::size_t maxLength = 1024;
};

/// Reads fields of one JSON object body. Not thread-safe; one per request.
class Fields {
public:
    /// `body` must be an object; anything else (null for an empty body) is an invalid_body error
    /// on the first read (or at ok()).
    explicit Fields(const nlohmann::json& body);
    /// The body is read by reference: a temporary would be gone before the first read.
    explicit Fields(nlohmann::json&&) = delete;

    /// A required string field. Returns "" on error.
    std::string string(std::string_view name, StringRule rule = {});
    /// An optional string field: nullopt when absent or null.
    std::optional<std::string> optionalString(std::string_view name, StringRule rule = {});
    /// A required integer in [min, max] (a JSON number without fraction; 1.0 is refused).
    std::int64_t integer(std::string_view name, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                         std::int64_t max = std::numeric_limits<std::int64_t>::max());
    std::optional<std::int64_t> optionalInteger(std::string_view name,
                                                std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                                std::int64_t max = std::numeric_limits<std::int64_t>::max());
    /// A required boolean (true/false only; 0/1/"true" are refused).
    bool boolean(std::string_view name);
    std::optional<bool> optionalBoolean(std::string_view name);
    /// A required e-mail address: one '@', a non-empty local part of at most 64 bytes, a domain with a
    /// dot, letters/digits/hyphens per label, no spaces or control characters, at most 254 bytes.
    /// Returned as sent, with the domain lower-cased.
    std::string email(std::string_view name);

    /// True while no field has failed.
    bool ok() const { return m_error.empty() && m_body.is_object(); }
    /// The 400 answer for the first failure (call only when !ok()).
    Response error() const;
    /// The field that failed first ("" when none, or when the body itself is wrong).
    const std::string& failedField() const { return m_field; }

private:
    const nlohmann::json* lookup(std::string_view name, bool required);
    void fail(std::string_view field, std::string code, std::string reason, std::string message, nlohmann::json extra = nullptr);

    const nlohmann::json& m_body;
    std::string m_field;
    std::string m_code;
    std::string m_reason;
    std::string m_error;
    nlohmann::json m_extra;
};

/// The e-mail shape check used by Fields::email (exposed for the accounts code and tests).
bool looksLikeEmail(std::string_view address);

/// The number of Unicode code points in a valid UTF-8 string.
std::size_t utf8Length(std::string_view text);

}  // namespace kairos::server::http
