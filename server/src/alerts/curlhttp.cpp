#include "alerts/curlhttp.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace kairos::server::alerts {

namespace {

// A page of 1,000 candles is ~150 KB; replies of channels are cut much shorter where they are kept.
constexpr std::size_t kBodyCap = 4 * 1024 * 1024;

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* out = static_cast<std::string*>(user);
    const std::size_t n = size * count;
    if (out->size() < kBodyCap) out->append(data, std::min(n, kBodyCap - out->size()));
    return n;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* resp = static_cast<CurlResponse*>(user);
    const std::size_t n = size * count;
    std::string line(data, n);
    std::string lower;
    for (char ch : line.substr(0, 12)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == "retry-after:") {
        try {
            const double seconds = std::stod(line.substr(12));
            if (seconds >= 0) resp->retryAfterMs = static_cast<std::int64_t>(seconds * 1000);
        } catch (...) {  // NOLINT(bugprone-empty-catch): an HTTP date or junk: no hint
        }
    }
    return n;
}

void globalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlResponse curlRequest(const std::string& url, const std::string& body, const std::vector<std::string>& headers, int timeoutMs,
                         const std::string& contentType) {
    globalInit();
    CurlResponse resp;
    CURL* curl = curl_easy_init();
    if (!curl) {
        resp.error = "libcurl could not start a request";
        return resp;
    }
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    const std::string type = "Content-Type: " + contentType;
    if (!body.empty()) {
        list = curl_slist_append(list, type.c_str());
        list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeoutMs));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeoutMs));
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "kairosd-alerts");
    if (!body.empty()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    if (list) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &resp);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        resp.status = static_cast<int>(status);
    } else {
        resp.error = curl_easy_strerror(rc);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return resp;
}

}  // namespace kairos::server::alerts
