#pragma once
// A blocking HTTP request over libcurl for the server-side alerts (Binance klines, webhook,
// Telegram, Discord). One easy handle per call; safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kairos::server::alerts {

struct CurlResponse {
    int status = 0;                            ///< HTTP status; 0 = no answer (the transport failed, see error)
    std::string body;                          ///< at most 4 MiB kept
    std::string error;                         ///< the transport's reason when status is 0
    std::optional<std::int64_t> retryAfterMs;  ///< Retry-After (seconds) of the answer
};

/// GET (body empty) or POST (body given, with `contentType`) `url` with extra headers ("Name: value").
CurlResponse curlRequest(const std::string& url, const std::string& body, const std::vector<std::string>& headers, int timeoutMs,
                         const std::string& contentType = "application/json");

}  // namespace kairos::server::alerts
