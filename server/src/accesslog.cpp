#include "accesslog.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace kairos::server {

std::string isoTimeMs(std::int64_t timeMs) {
    const std::time_t seconds = static_cast<std::time_t>(timeMs / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(timeMs % 1000));
    return buf;
}

namespace {
/// A logfmt value: bare when it is safe, otherwise quoted with " and \ escaped.
std::string logfmtValue(const std::string& v) {
    const bool bare = !v.empty() && v.find_first_of(" =\"\\\t\r\n") == std::string::npos;
    if (bare) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n' || c == '\r' || c == '\t') {
            out += ' ';
            continue;
        }
        out += c;
    }
    return out + "\"";
}
}  // namespace

std::string formatRequestLog(LogFormat format, const RequestLogEntry& e) {
    char latency[32];
    std::snprintf(latency, sizeof latency, "%.3f", e.latencyMs);
    if (format == LogFormat::Logfmt) {
        std::string line = "ts=" + isoTimeMs(e.timeMs) + " level=info msg=request request_id=" + logfmtValue(e.requestId) +
            " method=" + logfmtValue(e.method) + " route=" + logfmtValue(e.route) + " status=" + std::to_string(e.status) +
            " latency_ms=" + latency;
        if (e.accountId) line += " account_id=" + std::to_string(*e.accountId);
        if (!e.clientIp.empty()) line += " ip=" + logfmtValue(e.clientIp);
        return line;
    }
    nlohmann::ordered_json j = {{"ts", isoTimeMs(e.timeMs)}, {"level", "info"},  {"msg", "request"},  {"request_id", e.requestId},
                                {"method", e.method},        {"route", e.route}, {"status", e.status}};
    j["latency_ms"] = nlohmann::ordered_json::parse(latency);
    if (e.accountId) j["account_id"] = *e.accountId;
    if (!e.clientIp.empty()) j["ip"] = e.clientIp;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace kairos::server
