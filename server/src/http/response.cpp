#include "http/response.h"

namespace kairos::server::http {

Response Response::withJson(int status, nlohmann::json body) {
    Response r;
    r.status = status;
    r.json = std::move(body);
    return r;
}

Response Response::withText(int status, std::string body, std::string contentType) {
    Response r;
    r.status = status;
    r.text = std::move(body);
    r.contentType = std::move(contentType);
    return r;
}

Response Response::error(int status, std::string_view code, std::string_view message, nlohmann::json details) {
    if (!details.is_object()) details = nlohmann::json::object();
    return withJson(status, {{"error", {{"code", code}, {"message", message}, {"details", std::move(details)}}}});
}

Response& Response::header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::string dumpJson(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace kairos::server::http
