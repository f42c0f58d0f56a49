#pragma once
// What a route handler returns, and the one error body every kairosd answer uses:
//   {"error": {"code": "missing_field", "message": "…", "details": {"field": "email"}}}

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kairos::server::http {

/// Header fields in the order given. Names compare case-insensitively where they are looked up.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// A handler's answer: a status, a JSON body (or a text body with its content type) and extra
/// headers. The pipeline adds the request id, security and CORS headers; a HEAD request gets the
/// headers without the body. Plain value, copyable.
struct Response {
    int status = 200;
    nlohmann::json json;      ///< the body when `contentType` is empty (null: no body, e.g. 204)
    std::string text;         ///< the body when `contentType` is set (e.g. /metrics)
    std::string contentType;  ///< "" means JSON ("application/json")
    Headers headers;          ///< extra headers (e.g. Retry-After, Location)

    /// `status` with `body` as JSON.
    static Response withJson(int status, nlohmann::json body);
    /// `status` with a text body of the given content type.
    static Response withText(int status, std::string body, std::string contentType);
    /// An error answer: {"error": {"code", "message", "details"}}. `code` is a stable snake_case
    /// identifier clients may branch on; `message` is for people and never holds a secret or a
    /// value the client sent; `details` is an object (empty when null).
    static Response error(int status, std::string_view code, std::string_view message, nlohmann::json details = nullptr);

    /// Adds a header (builder style).
    Response& header(std::string name, std::string value);
};

/// The JSON text of `j`; invalid UTF-8 in strings is replaced, never thrown about.
std::string dumpJson(const nlohmann::json& j);

}  // namespace kairos::server::http
