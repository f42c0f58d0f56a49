// Access tokens (JWT, HS256 with kid) and their verifier: every way a token must be refused.

#include "accounts/accesstoken.h"
#include "accounts/crypto.h"

#include <jwt.h>

#include <gtest/gtest.h>

#include <cstdlib>

namespace acc = kairos::server::accounts;
using acc::TokenError;

namespace {

constexpr std::int64_t kNow = 1'765'000'000;
const std::string kSecret(32, 'K');

acc::AccessClaims claims() {
    acc::AccessClaims c;
    c.accountId = 42;
    c.sessionId = 7;
    c.roles = {"user"};
    c.issuedAt = kNow;
    c.expiresAt = kNow + 900;
    return c;
}

TokenError refusal(const std::string& token, const acc::KeySet& keys, std::int64_t now = kNow) {
    auto r = acc::verifyAccessToken(token, keys, "kairosd", now);
    EXPECT_TRUE(std::holds_alternative<TokenError>(r)) << "accepted: " << token;
    return std::holds_alternative<TokenError>(r) ? std::get<TokenError>(r) : TokenError{};
}

std::string part(const std::string& json) { return acc::base64UrlEncode(json); }

/// A token signed by libjwt with any algorithm, key and header (for the attacks).
std::string libjwtToken(jwt_alg_t alg, const std::string& key, const std::string& kid, const std::string& grantsJson) {
    jwt_t* j = nullptr;
    jwt_new(&j);
    jwt_add_grants_json(j, grantsJson.c_str());
    if (!kid.empty()) jwt_add_header(j, "kid", kid.c_str());
    jwt_set_alg(j, alg, alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size()));
    char* s = jwt_encode_str(j);
    std::string out = s ? s : "";
    std::free(s);  // NOLINT(cppcoreguidelines-no-malloc): libjwt allocates with malloc
    jwt_free(j);
    return out;
}

const std::string kGrants = R"({"sub":"42","sid":7,"roles":["admin"],"iat":1765000000,"exp":1765000900,"iss":"kairosd"})";

TEST(server_accounts_token, SignedTokenVerifiesWithItsClaims) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    auto token = acc::signAccessToken(claims(), keys, "kairosd");
    ASSERT_TRUE(token.ok());
    auto r = acc::verifyAccessToken(*token, keys, "kairosd", kNow + 899);
    ASSERT_TRUE(std::holds_alternative<acc::AccessClaims>(r));
    const auto& c = std::get<acc::AccessClaims>(r);
    EXPECT_EQ(c.accountId, 42);
    EXPECT_EQ(c.sessionId, 7);
    EXPECT_EQ(c.roles, std::vector<std::string>{"user"});
    EXPECT_EQ(c.expiresAt, kNow + 900);
    // header: HS256 with the kid
    const auto header = acc::base64UrlDecode(token->substr(0, token->find('.')));
    ASSERT_TRUE(header.ok());
    EXPECT_NE(header->find(R"("kid":"k1")"), std::string::npos) << *header;
    EXPECT_NE(header->find(R"("alg":"HS256")"), std::string::npos) << *header;
}

TEST(server_accounts_token, AlgNoneIsRefused) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_NONE, "", "k1", kGrants), keys), TokenError::BadAlgorithm);
    // hand-made, with and without a trailing signature part
    const std::string body = part(R"({"alg":"none","typ":"JWT","kid":"k1"})") + "." + part(kGrants);
    EXPECT_EQ(refusal(body + ".", keys), TokenError::BadAlgorithm);
    EXPECT_EQ(refusal(body + ".c2ln", keys), TokenError::BadAlgorithm);
    EXPECT_EQ(refusal(part(R"({"alg":"None","kid":"k1"})") + "." + part(kGrants) + ".", keys), TokenError::BadAlgorithm);
}

TEST(server_accounts_token, AnotherAlgorithmIsRefusedEvenWithTheRightKey) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS512, kSecret, "k1", kGrants), keys), TokenError::BadAlgorithm);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS384, kSecret, "k1", kGrants), keys), TokenError::BadAlgorithm);
}

TEST(server_accounts_token, UnknownOrMissingKidIsRefused) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS256, kSecret, "k9", kGrants), keys), TokenError::UnknownKey);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS256, kSecret, "", kGrants), keys), TokenError::UnknownKey);
}

TEST(server_accounts_token, ExpiredAndFutureTokensAreRefused) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    auto token = acc::signAccessToken(claims(), keys, "kairosd");
    EXPECT_EQ(refusal(*token, keys, kNow + 900), TokenError::Expired);
    EXPECT_EQ(refusal(*token, keys, kNow - 61), TokenError::NotYetValid);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS256, kSecret, "k1",
                                  R"({"sub":"42","sid":7,"roles":[],"iat":1765000000,"exp":1765000900,"iss":"other"})"),
                      keys),
              TokenError::WrongIssuer);
}

TEST(server_accounts_token, TamperedTokenIsRefused) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    auto token = acc::signAccessToken(claims(), keys, "kairosd");
    const auto d1 = token->find('.');
    const auto d2 = token->find('.', d1 + 1);
    // the payload changed to claim admin, the signature kept
    const std::string forgedPayload =
        part(R"({"sub":"42","sid":7,"roles":["admin"],"iat":1765000000,"exp":1765000900,"iss":"kairosd"})");
    EXPECT_EQ(refusal(token->substr(0, d1 + 1) + forgedPayload + token->substr(d2), keys), TokenError::BadSignature);
    // one signature character flipped
    std::string flipped = *token;
    flipped[d2 + 5] = flipped[d2 + 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(refusal(flipped, keys), TokenError::BadSignature);
    // signature removed
    EXPECT_EQ(refusal(token->substr(0, d2 + 1), keys), TokenError::BadSignature);
}

TEST(server_accounts_token, TokenForgedWithAnotherKeyIsRefused) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    const auto attacker = acc::KeySet::single("k1", std::string(32, 'A'));
    auto forged = acc::signAccessToken(claims(), attacker, "kairosd");
    EXPECT_EQ(refusal(*forged, keys), TokenError::BadSignature);
}

TEST(server_accounts_token, MalformedTokensAreRefused) {
    const auto keys = acc::KeySet::single("k1", kSecret);
    for (const std::string& bad :
         std::vector<std::string>{"", "abc", "a.b", "a.b.c.d", "!!!.e30.sig", part("not json") + ".e30.x", part("[1]") + ".e30.x",
                                  std::string(5000, 'a')})
        EXPECT_EQ(refusal(bad, keys), TokenError::Malformed) << bad.substr(0, 40);
    // a valid signature over claims of the wrong type
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS256, kSecret, "k1",
                                  R"({"sub":42,"sid":7,"roles":[],"iat":1765000000,"exp":1765000900,"iss":"kairosd"})"),
                      keys),
              TokenError::Malformed);
    EXPECT_EQ(refusal(libjwtToken(JWT_ALG_HS256, kSecret, "k1",
                                  R"({"sub":"42","sid":"7","roles":[],"iat":1765000000,"exp":1765000900,"iss":"kairosd"})"),
                      keys),
              TokenError::Malformed);
}

TEST(server_accounts_token, KeysRotateSignWithNewestVerifyWithAnyKnown) {
    auto keyFile = acc::KeySet::parse("# kairosd signing keys, oldest first\nk1 " + acc::base64UrlEncode(kSecret) + "\n\nk2 " +
                                      acc::base64UrlEncode(std::string(40, 'N')) + "\n");
    ASSERT_TRUE(keyFile.ok()) << keyFile.message();
    EXPECT_EQ(keyFile->size(), 2u);
    EXPECT_EQ(keyFile->newest().kid, "k2");
    const auto old = acc::KeySet::single("k1", kSecret);
    auto oldToken = acc::signAccessToken(claims(), old, "kairosd");
    auto newToken = acc::signAccessToken(claims(), *keyFile, "kairosd");
    EXPECT_TRUE(std::holds_alternative<acc::AccessClaims>(acc::verifyAccessToken(*oldToken, *keyFile, "kairosd", kNow)));
    EXPECT_TRUE(std::holds_alternative<acc::AccessClaims>(acc::verifyAccessToken(*newToken, *keyFile, "kairosd", kNow)));
    EXPECT_EQ(refusal(*newToken, old), TokenError::UnknownKey);
}

TEST(server_accounts_token, KeyFileErrorsNameTheLineAndNeverTheSecret) {
    auto shortKey = acc::KeySet::parse("k1 " + acc::base64UrlEncode("tooshortsecret"));
    ASSERT_FALSE(shortKey.ok());
    EXPECT_NE(shortKey.message().find("line 1"), std::string::npos);
    EXPECT_NE(shortKey.message().find("at least 32"), std::string::npos);
    EXPECT_EQ(shortKey.message().find("tooshortsecret"), std::string::npos);
    EXPECT_EQ(shortKey.message().find(acc::base64UrlEncode("tooshortsecret")), std::string::npos);
    auto dup = acc::KeySet::parse("k1 " + acc::base64UrlEncode(kSecret) + "\nk1 " + acc::base64UrlEncode(kSecret));
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.message().find("line 2"), std::string::npos);
    EXPECT_FALSE(acc::KeySet::parse("# only a comment\n").ok());
    EXPECT_FALSE(acc::KeySet::parse("k1 not*base64").ok());
}

}  // namespace
