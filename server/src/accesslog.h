#pragma once
// One log line per request, JSON or logfmt. What goes in is fixed here and holds no secret: the
// route pattern (never the raw path, whose segments may be tokens), never the query string, no
// header and no body.

#include "config.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kairos::server {

/// What is logged about one answered request.
struct RequestLogEntry {
    std::int64_t timeMs = 0;  ///< when the answer was written, ms since the epoch (UTC)
    std::string requestId;
    std::string method;  ///< "GET", …, "OTHER" for unknown methods
    std::string route;   ///< the route pattern, "-" when none matched
    int status = 0;
    double latencyMs = 0;  ///< from the request read to the answer written
    std::optional<std::int64_t> accountId;
    std::string clientIp;
};

/// The line without its newline. JSON: {"ts":"2026-12-07T11:02:03.456Z","level":"info","msg":"request",
/// "request_id":…,"method":…,"route":…,"status":…,"latency_ms":…,"account_id":…,"ip":…};
/// logfmt: ts=… level=info msg=request request_id=… method=… route=… status=… latency_ms=… account_id=… ip=….
std::string formatRequestLog(LogFormat format, const RequestLogEntry& entry);

/// ISO 8601 UTC with milliseconds ("2026-12-07T11:02:03.456Z").
std::string isoTimeMs(std::int64_t timeMs);

}  // namespace kairos::server
