#include "mail/smtpclient.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>

namespace kairos::mail {

namespace {
void globalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
    std::string data;
    std::size_t pos = 0;
};

std::size_t readBody(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, up->data.size() - up->pos);
    std::copy_n(up->data.data() + up->pos, n, buffer);
    up->pos += n;
    return n;
}

/// Collects the server's reply lines (never what we send: that holds the AUTH credentials).
struct Transcript {
    std::string lastReply;
    std::string firstErrorReply;  ///< the first 4xx/5xx line: why it failed (the QUIT reply that follows is not)
};

int onDebug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    std::string line(data, size);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.empty()) return 0;
    auto* t = static_cast<Transcript*>(user);
    t->lastReply = line.substr(0, 300);
    if (t->firstErrorReply.empty() && (line[0] == '4' || line[0] == '5')) t->firstErrorReply = t->lastReply;
    return 0;
}

std::string randomId() {
    std::random_device rd;
    std::mt19937_64 gen(rd());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 24; ++i) s += kHex[gen() % 16];
    return s;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
}  // namespace

Result<SmtpReceipt> sendMail(const SmtpConfig& config, const MailMessage& message, std::int64_t dateMs,
                             const std::string& messageIdLocal, SmtpFailure* failure) {
    auto fail = [&](std::string msg, int code, bool transient) -> Result<SmtpReceipt> {
        if (failure) *failure = SmtpFailure{msg, code, transient};
        return makeError(std::move(msg));
    };
    if (config.host.empty()) return fail("e-mail: no SMTP server set", 0, false);
    if (message.to.empty()) return fail("e-mail: no recipient set", 0, false);
    if (message.from.address.empty()) return fail("e-mail: no sender address set", 0, false);
    globalInit();
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return fail("e-mail: cannot start libcurl", 0, true);
    const std::string where = config.host + ":" + std::to_string(config.port);
    const std::string scheme = config.security == SmtpSecurity::ImplicitTls ? "smtps://" : "smtp://";
    const std::string url = scheme + where + "/" + config.heloName;
    SmtpReceipt receipt;
    receipt.messageId = "<" + (messageIdLocal.empty() ? randomId() : messageIdLocal) + "@" + config.heloName + ">";
    Upload upload{buildMime(message, dateMs, receipt.messageId), 0};
    Transcript transcript;
    char errbuf[CURL_ERROR_SIZE] = {};

    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, config.timeoutMs);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(config.timeoutMs, 15'000L));
    if (config.security == SmtpSecurity::StartTls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!config.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config.caFile.c_str());
    if (!config.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, config.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, config.password.c_str());
    }
    const std::string from = "<" + message.from.address + ">";
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_slist* rcptRaw = nullptr;
    for (const MailAddress& a : message.to) rcptRaw = curl_slist_append(rcptRaw, ("<" + a.address + ">").c_str());
    std::unique_ptr<curl_slist, SlistDeleter> rcpt(rcptRaw);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, readBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // for the debug callback: it keeps the server's replies only
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, onDebug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &transcript);

    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    receipt.code = static_cast<int>(code);
    receipt.reply = transcript.lastReply;
    if (rc != CURLE_OK) {
        std::string reason = errbuf[0] != 0 ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
        std::string msg = "e-mail via " + where + ": " + reason;
        int code = receipt.code;
        if (!transcript.firstErrorReply.empty()) {
            msg += " (server said: " + transcript.firstErrorReply + ")";
            code = std::atoi(transcript.firstErrorReply.substr(0, 3).c_str());
        }
        // libcurl's messages never hold the password, but be certain.
        if (!config.password.empty())
            for (std::size_t p = 0; (p = msg.find(config.password)) != std::string::npos;)
                msg.replace(p, config.password.size(), "***");
        // 5xx: the server refused for good (credentials, recipient, policy); the rest may pass later.
        return fail(msg, code, !(code >= 500 && code < 600));
    }
    return receipt;
}

}  // namespace kairos::mail
