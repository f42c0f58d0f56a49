#pragma once
// The account API of issue 14 on kairosd's router (http/router.h): thin handlers that validate the
// body field by field, call AccountService and map its ErrorCode to a status and the one error
// body. Routes (all JSON):
//   POST /api/v1/auth/register {email,password}            202, same body whether or not the address exists
//   POST /api/v1/auth/verify {token}                       200; POST /api/v1/auth/verify-code {email,code}
//   POST /api/v1/auth/resend {email}                       202
//   POST /api/v1/auth/login {email,password[,totp]}        200 {access_token,refresh_token,expires_in,token_type}
//   POST /api/v1/auth/refresh {refresh_token}              200 new pair; a rotated token: 401, family revoked
//   POST /api/v1/auth/logout {refresh_token}               204
//   POST /api/v1/auth/password/forgot {email}              202; POST /api/v1/auth/password/reset {token,password[,totp]} 200
//   GET  /api/v1/me (Bearer)                               200 {id,email,roles,verified,two_factor,created_at}
//   DELETE /api/v1/me {password}; GET /api/v1/me/export
//   POST /api/v1/me/password {password,new_password[,end_other_sessions]}; POST /api/v1/me/email {password,new_email}
//   GET /api/v1/me/sessions; DELETE /api/v1/me/sessions/{id}; DELETE /api/v1/me/sessions (all but this one)
//   POST /api/v1/me/2fa/totp; POST /api/v1/me/2fa/totp/confirm {code}; POST /api/v1/me/2fa/totp/disable {password,code}
//   GET /api/v1/admin/accounts?q=&limit=&offset=; POST /api/v1/admin/accounts/{id}/deactivate|reactivate;
//   PUT /api/v1/admin/accounts/{id}/roles {roles}; DELETE /api/v1/admin/accounts/{id}/sessions; GET /api/v1/admin/audit
// Routes under /api/v1/me and /api/v1/admin need `Authorization: Bearer <access token>` (401 with
// WWW-Authenticate otherwise); admin routes need the admin role (403).

#include "accounts/accountservice.h"
#include "http/router.h"

namespace kairos::server {
class Metrics;
}

namespace kairos::server::accounts {

/// Adds the routes and the bearer-token middleware to `router` (before the server starts).
/// `service` and `metrics` (may be null) must outlive the router.
void registerAccountRoutes(http::Router& router, AccountService& service, Metrics* metrics = nullptr);

/// The HTTP answer for an account error (status, code, message, details.field, Retry-After).
http::Response toResponse(const AccountError& error);

}  // namespace kairos::server::accounts
