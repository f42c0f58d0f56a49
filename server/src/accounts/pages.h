#pragma once
// The two pages the links in kairosd's e-mails open in a browser: GET /verify?token=… and
// GET /reset-password?token=…. Each GET shows a small HTML form and changes nothing (mail
// scanners that follow links must not use a token up); the form's POST (form-encoded) does the
// work through AccountService and answers with a page that says what happened. Plain HTML, no
// script or style (the server's Content-Security-Policy is default-src 'none'); every value shown
// is HTML-escaped; tokens never reach the request log (the query is not logged).

#include "accounts/accountservice.h"
#include "http/router.h"

namespace kairos::server::accounts {

/// Adds GET/POST /verify and GET/POST /reset-password to `router`. `service` must outlive it.
void registerAccountPages(http::Router& router, AccountService& service);

/// `text` with & < > " ' escaped for HTML.
std::string htmlEscape(std::string_view text);

}  // namespace kairos::server::accounts
