#include "accounts/pages.h"

namespace kairos::server::accounts {

std::string htmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

http::Response page(int status, const std::string& title, const std::string& body) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
        " – Kairos</title></head>\n<body>\n<h1>" + htmlEscape(title) + "</h1>\n" + body + "\n</body></html>\n";
    http::Response r = http::Response::withText(status, std::move(html), "text/html; charset=utf-8");
    r.header("Cache-Control", "no-store");
    r.header("Referrer-Policy", "no-referrer");  // the token is in this page's URL
    return r;
}

std::string paragraph(const std::string& text) { return "<p>" + htmlEscape(text) + "</p>"; }

std::string formBody(const http::RequestContext& ctx) { return ctx.request ? ctx.request->body : std::string(); }

RequestMeta metaOf(const http::RequestContext& ctx) { return RequestMeta{ctx.clientIp, ctx.userAgent}; }

constexpr std::size_t kMaxToken = 512;

}  // namespace

void registerAccountPages(http::Router& router, AccountService& service) {
    AccountService* s = &service;
    http::RouteOptions raw;
    raw.jsonBody = false;

    router.add("GET", "/verify", [](http::RequestContext& ctx) {
        const std::string token = http::formValue(ctx.query, "token");
        if (token.empty() || token.size() > kMaxToken)
            return page(400, "Link not valid",
                        paragraph("This verification link is incomplete. Copy the whole link from the e-mail."));
        return page(200, "Verify your e-mail address",
                    "<form method=\"post\" action=\"/verify\">\n<input type=\"hidden\" name=\"token\" value=\"" +
                        htmlEscape(token) + "\">\n<button type=\"submit\">Verify my address</button>\n</form>");
    });
    router.add(
        "POST", "/verify",
        [s](http::RequestContext& ctx) {
            const std::string token = http::formValue(formBody(ctx), "token");
            if (token.empty() || token.size() > kMaxToken)
                return page(400, "Link not valid",
                            paragraph("This verification link is incomplete. Copy the whole link from the e-mail."));
            auto r = s->verifyEmail(token, metaOf(ctx));
            if (!r)
                return page(r.error().code == ErrorCode::RateLimited ? 429 : 400, "Not verified",
                            paragraph(r.error().code == ErrorCode::Internal
                                          ? std::string("The server could not verify it now; try again later.")
                                          : r.error().message));
            return page(200, "E-mail address verified",
                        paragraph("You can now sign in from the Kairos terminal (File › Account…)."));
        },
        raw);

    router.add("GET", "/reset-password", [](http::RequestContext& ctx) {
        const std::string token = http::formValue(ctx.query, "token");
        if (token.empty() || token.size() > kMaxToken)
            return page(400, "Link not valid", paragraph("This reset link is incomplete. Copy the whole link from the e-mail."));
        return page(200, "Choose a new password",
                    "<form method=\"post\" action=\"/reset-password\">\n<input type=\"hidden\" name=\"token\" value=\"" +
                        htmlEscape(token) +
                        "\">\n<p><label>New password (at least 8 characters) <input type=\"password\" name=\"password\" "
                        "autocomplete=\"new-password\" minlength=\"8\" required></label></p>\n"
                        "<p><label>Two-factor code (only if you turned it on) <input type=\"text\" name=\"totp\" "
                        "inputmode=\"numeric\" autocomplete=\"one-time-code\"></label></p>\n"
                        "<button type=\"submit\">Set the new password</button>\n</form>");
    });
    router.add(
        "POST", "/reset-password",
        [s](http::RequestContext& ctx) {
            const std::string body = formBody(ctx);
            const std::string token = http::formValue(body, "token");
            const std::string password = http::formValue(body, "password");
            const std::string totp = http::formValue(body, "totp");
            if (token.empty() || token.size() > kMaxToken)
                return page(400, "Link not valid",
                            paragraph("This reset link is incomplete. Copy the whole link from the e-mail."));
            auto r = s->resetPassword(token, password, totp, metaOf(ctx));
            if (!r)
                return page(r.error().code == ErrorCode::RateLimited ? 429 : 400, "Password not changed",
                            paragraph(r.error().code == ErrorCode::Internal
                                          ? std::string("The server could not change it now; try again later.")
                                          : r.error().message));
            return page(200, "Password changed",
                        paragraph("Sign in from the Kairos terminal with the new password. Every other session was signed out."));
        },
        raw);
}

}  // namespace kairos::server::accounts
