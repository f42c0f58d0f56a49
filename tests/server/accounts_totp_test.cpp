// TOTP (RFC 6238) and HOTP (RFC 4226) against the published vectors
// (../shared/reference/VECTORS.md), base32 and the otpauth URI; password and e-mail rules.

#include "accounts/crypto.h"
#include "accounts/passwordpolicy.h"
#include "accounts/totp.h"

#include <gtest/gtest.h>

namespace acc = kairos::server::accounts;

namespace {

const std::string kSha1Seed = "12345678901234567890";
const std::string kSha256Seed = "12345678901234567890123456789012";
const std::string kSha512Seed = "1234567890123456789012345678901234567890123456789012345678901234";

TEST(server_accounts_totp, Rfc6238AppendixBVectors) {
    struct Vector {
        std::int64_t time;
        const char* sha1;
        const char* sha256;
        const char* sha512;
    };
    const Vector vectors[] = {
        {59, "94287082", "46119246", "90693936"},         {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"}, {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"}, {20000000000, "65353130", "77737706", "47863826"},
    };
    for (const auto& v : vectors) {
        EXPECT_EQ(acc::totp(kSha1Seed, v.time, 8, acc::OtpHash::Sha1), v.sha1) << v.time;
        EXPECT_EQ(acc::totp(kSha256Seed, v.time, 8, acc::OtpHash::Sha256), v.sha256) << v.time;
        EXPECT_EQ(acc::totp(kSha512Seed, v.time, 8, acc::OtpHash::Sha512), v.sha512) << v.time;
        // 6-digit codes are the last 6 digits
        EXPECT_EQ(acc::totp(kSha1Seed, v.time), std::string(v.sha1).substr(2)) << v.time;
    }
    EXPECT_EQ(acc::totpStep(1111111109), 0x23523ECu);
}

TEST(server_accounts_totp, Rfc4226HotpVectors) {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < 10; ++counter) EXPECT_EQ(acc::hotp(kSha1Seed, counter), expected[counter]);
}

TEST(server_accounts_totp, Base32AndOtpauthUri) {
    EXPECT_EQ(acc::base32Encode(kSha1Seed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    EXPECT_EQ(*acc::base32Decode("gezdgnbvgy3tqojq gezdgnbvgy3tqojq"), kSha1Seed);
    EXPECT_FALSE(acc::base32Decode("GEZ1").ok());
    EXPECT_EQ(acc::otpauthUri("Kairos", "a b@example.com", kSha1Seed),
              "otpauth://totp/Kairos:a%20b@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kairos&algorithm=SHA1&"
              "digits=6&period=30");
}

TEST(server_accounts_policy, PasswordsCountCodePointsAndRefuseCommonOnes) {
    EXPECT_EQ(acc::countCodePoints("abc"), 3);
    EXPECT_EQ(acc::countCodePoints("\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91"), 3);  // é € 🔑
    EXPECT_EQ(acc::countCodePoints("\xc3"), -1);
    EXPECT_EQ(acc::checkPassword("1234567"), acc::PasswordProblem::TooShort);
    EXPECT_EQ(acc::checkPassword("\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91"),
              acc::PasswordProblem::TooShort);  // 4 code points, 16 bytes
    EXPECT_EQ(acc::checkPassword("\xff\xfe" + std::string(10, 'a')), acc::PasswordProblem::NotUtf8);
    EXPECT_EQ(acc::checkPassword(std::string(129, 'q')), acc::PasswordProblem::TooLong);
    EXPECT_FALSE(acc::checkPassword(std::string(128, 'q')).has_value());
    // from the bundled list (SecLists top 10,000), case-insensitively
    for (const char* common : {"password", "12345678", "qwertyuiop", "iloveyou", "PASSWORD1", "sunshine"})
        EXPECT_EQ(acc::checkPassword(common), acc::PasswordProblem::Common) << common;
    EXPECT_FALSE(acc::checkPassword("correct horse battery staple").has_value());
    EXPECT_TRUE(acc::isCommonPassword("123456"));
}

TEST(server_accounts_policy, EmailAddressesAreNormalised) {
    EXPECT_EQ(acc::normaliseEmail("  Alice@Example.COM\n"), "alice@example.com");
    for (const char* bad : {"", "alice", "@example.com", "alice@", "alice@example", "a@b@example.com", "a b@example.com",
                            "alice@.example.com", "alice@example..com", "<alice@example.com>"})
        EXPECT_FALSE(acc::normaliseEmail(bad).has_value()) << bad;
    EXPECT_FALSE(acc::normaliseEmail(std::string(250, 'a') + "@example.com").has_value());
}

TEST(server_accounts_crypto, SealedValuesOpenOnlyWithTheirKey) {
    const auto k1 = acc::deriveKey(std::string(32, 'K'), "kairosd sealing v1");
    EXPECT_EQ(k1, acc::deriveKey(std::string(32, 'K'), "kairosd sealing v1")) << "deterministic";
    EXPECT_NE(k1, acc::deriveKey(std::string(32, 'K'), "another purpose"));
    EXPECT_NE(k1, acc::deriveKey(std::string(32, 'L'), "kairosd sealing v1"));
    const acc::SecretBox box(k1);
    const std::string sealed = box.seal("JBSWY3DPEHPK3PXP");
    EXPECT_EQ(sealed.find("JBSWY3DPEHPK3PXP"), std::string::npos);
    EXPECT_NE(sealed, box.seal("JBSWY3DPEHPK3PXP")) << "a fresh nonce each time";
    EXPECT_EQ(*box.open(sealed), "JBSWY3DPEHPK3PXP");
    EXPECT_FALSE(acc::SecretBox(acc::deriveKey("other", "kairosd sealing v1")).open(sealed).ok());
    std::string damaged = sealed;
    damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box.open(damaged).ok());
    // Argon2id in libsodium's encoded form with the cost in use
    auto hash = acc::hashPassword("correct horse battery staple", {});
    ASSERT_TRUE(hash.ok());
    EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u);
    EXPECT_TRUE(acc::verifyPassword("correct horse battery staple", *hash));
    EXPECT_FALSE(acc::verifyPassword("correct horse battery stapler", *hash));
    EXPECT_FALSE(acc::passwordNeedsRehash(*hash, {}));
    EXPECT_TRUE(acc::passwordNeedsRehash(*hash, {3, 19ULL * 1024 * 1024}));
}

}  // namespace
