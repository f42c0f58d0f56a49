#include "accounts/accesstoken.h"

#include "accounts/crypto.h"

#include <jwt.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace kairos::server::accounts {

namespace {
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::int64_t kClockSkewSeconds = 60;

struct JwtDeleter {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}
}  // namespace

const char* tokenErrorName(TokenError e) {
    switch (e) {
    case TokenError::Malformed:
        return "malformed";
    case TokenError::BadAlgorithm:
        return "bad_algorithm";
    case TokenError::UnknownKey:
        return "unknown_key";
    case TokenError::BadSignature:
        return "bad_signature";
    case TokenError::Expired:
        return "expired";
    case TokenError::NotYetValid:
        return "not_yet_valid";
    case TokenError::WrongIssuer:
        return "wrong_issuer";
    }
    return "invalid";
}

Result<KeySet> KeySet::parse(std::string_view text) {
    KeySet set;
    std::istringstream in{std::string(text)};
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const auto sp = t.find_first_of(" \t");
        if (sp == std::string::npos) return makeError("key file line " + std::to_string(n) + ": expected 'KID SECRET'");
        std::string kid = t.substr(0, sp);
        auto secret = base64UrlDecode(trim(t.substr(sp + 1)));
        if (!secret) return makeError("key file line " + std::to_string(n) + ": the secret is not base64url");
        if (secret->size() < 32)
            return makeError("key file line " + std::to_string(n) + ": the secret has " + std::to_string(secret->size()) +
                             " bytes, at least 32 are needed");
        if (set.find(kid)) return makeError("key file line " + std::to_string(n) + ": kid '" + kid + "' appears twice");
        set.m_keys.push_back({std::move(kid), std::move(*secret)});
    }
    if (set.m_keys.empty()) return makeError("key file holds no key");
    return set;
}

Result<KeySet> KeySet::loadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError("cannot read the key file " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto set = parse(ss.str());
    if (!set) return makeError(path + ": " + set.message());
    return set;
}

KeySet KeySet::single(std::string kid, std::string secret) {
    KeySet set;
    set.m_keys.push_back({std::move(kid), std::move(secret)});
    return set;
}

const SigningKey* KeySet::find(std::string_view kid) const {
    for (const auto& k : m_keys)
        if (k.kid == kid) return &k;
    return nullptr;
}

Result<std::string> signAccessToken(const AccessClaims& claims, const KeySet& keys, std::string_view issuer) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) return makeError("token: out of memory");
    JwtPtr j(raw);
    const SigningKey& key = keys.newest();
    nlohmann::json grants = {{"sub", std::to_string(claims.accountId)},
                             {"sid", claims.sessionId},
                             {"roles", claims.roles},
                             {"iat", claims.issuedAt},
                             {"exp", claims.expiresAt},
                             {"iss", std::string(issuer)}};
    if (jwt_add_grants_json(raw, grants.dump().c_str()) != 0 || jwt_add_header(raw, "kid", key.kid.c_str()) != 0 ||
        jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.secret.data()),
                    static_cast<int>(key.secret.size())) != 0)
        return makeError("token: cannot build the token");
    char* out = jwt_encode_str(raw);
    if (!out) return makeError("token: cannot sign the token");
    std::string token(out);
    std::free(out);  // NOLINT(cppcoreguidelines-no-malloc): libjwt allocates with malloc
    return token;
}

std::variant<AccessClaims, TokenError> verifyAccessToken(std::string_view token, const KeySet& keys, std::string_view issuer,
                                                         std::int64_t nowSeconds) {
    if (token.empty() || token.size() > kMaxTokenBytes) return TokenError::Malformed;
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return TokenError::Malformed;
    // The header is read before any key is chosen: alg must be exactly HS256 (no "none", no
    // algorithm confusion), and kid names the key.
    auto headerText = base64UrlDecode(token.substr(0, dot1));
    if (!headerText) return TokenError::Malformed;
    const auto header = nlohmann::json::parse(*headerText, nullptr, false);
    if (header.is_discarded() || !header.is_object()) return TokenError::Malformed;
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS256") return TokenError::BadAlgorithm;
    const auto kid = header.find("kid");
    if (kid == header.end() || !kid->is_string()) return TokenError::UnknownKey;
    const SigningKey* key = keys.find(kid->get<std::string>());
    if (!key) return TokenError::UnknownKey;

    const std::string text(token);
    jwt_t* raw = nullptr;
    const int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key->secret.data()),
                              static_cast<int>(key->secret.size()));
    JwtPtr j(raw);
    // libjwt answers EINVAL both for a signature mismatch and for a body it cannot read.
    if (rc != 0 || !raw) return TokenError::BadSignature;
    if (jwt_get_alg(raw) != JWT_ALG_HS256) return TokenError::BadAlgorithm;

    // The signature holds: read the claims from the payload.
    auto payloadText = base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!payloadText) return TokenError::Malformed;
    const auto p = nlohmann::json::parse(*payloadText, nullptr, false);
    if (p.is_discarded() || !p.is_object()) return TokenError::Malformed;
    auto intClaim = [&](const char* name, std::int64_t& out) {
        const auto it = p.find(name);
        if (it == p.end() || !it->is_number_integer()) return false;
        out = it->get<std::int64_t>();
        return true;
    };
    AccessClaims c;
    const auto sub = p.find("sub");
    if (sub == p.end() || !sub->is_string()) return TokenError::Malformed;
    const std::string subText = sub->get<std::string>();
    if (subText.empty() || subText.size() > 18 || subText.find_first_not_of("0123456789") != std::string::npos)
        return TokenError::Malformed;
    c.accountId = std::stoll(subText);
    if (!intClaim("sid", c.sessionId) || !intClaim("iat", c.issuedAt) || !intClaim("exp", c.expiresAt))
        return TokenError::Malformed;
    const auto iss = p.find("iss");
    if (iss == p.end() || !iss->is_string() || iss->get<std::string>() != issuer) return TokenError::WrongIssuer;
    const auto roles = p.find("roles");
    if (roles == p.end() || !roles->is_array()) return TokenError::Malformed;
    for (const auto& r : *roles) {
        if (!r.is_string()) return TokenError::Malformed;
        c.roles.push_back(r.get<std::string>());
    }
    if (c.expiresAt <= nowSeconds) return TokenError::Expired;
    if (c.issuedAt > nowSeconds + kClockSkewSeconds) return TokenError::NotYetValid;
    return c;
}

}  // namespace kairos::server::accounts
