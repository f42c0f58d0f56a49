#include "accounts/crypto.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace kairos::server::accounts {

namespace {
void ensureSodium() {
    static const int kInit = sodium_init();
    if (kInit < 0) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

std::string base64UrlEncode(std::string_view bytes) {
    ensureSodium();
    const auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), variant);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

Result<std::string> base64UrlDecode(std::string_view text) {
    ensureSodium();
    std::string out(text.size(), '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size())
        return makeError("not base64url");
    out.resize(len);
    return out;
}

std::string randomToken(std::size_t bytes) {
    ensureSodium();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    return base64UrlEncode(raw);
}

std::string randomDigits(int digits) {
    ensureSodium();
    std::string out;
    for (int i = 0; i < digits; ++i) out += static_cast<char>('0' + randombytes_uniform(10));
    return out;
}

std::string sha256Hex(std::string_view text) {
    ensureSodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    ensureSodium();
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> hashPassword(std::string_view password, const PasswordHashParams& params) {
    ensureSodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.opsLimit, params.memLimitBytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return makeError("password hashing failed (out of memory)");
    return std::string(out);
}

bool verifyPassword(std::string_view password, const std::string& encodedHash) {
    ensureSodium();
    return crypto_pwhash_str_verify(encodedHash.c_str(), password.data(), password.size()) == 0;
}

bool passwordNeedsRehash(const std::string& encodedHash, const PasswordHashParams& params) {
    ensureSodium();
    return crypto_pwhash_str_needs_rehash(encodedHash.c_str(), params.opsLimit, params.memLimitBytes) != 0;
}

std::array<unsigned char, 32> deriveKey(std::string_view material, std::string_view purpose) {
    ensureSodium();
    std::array<unsigned char, 32> out{};
    // BLAKE2b keys are at most 64 bytes: longer material is hashed first.
    unsigned char key[crypto_generichash_KEYBYTES_MAX];
    crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(material.data()), material.size(), nullptr, 0);
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(), key,
                       sizeof key);
    sodium_memzero(key, sizeof key);
    return out;
}

std::string SecretBox::seal(std::string_view plain) const {
    ensureSodium();
    std::string buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(buf.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                          nonce, m_key.data());
    return base64UrlEncode(buf);
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
    auto raw = base64UrlDecode(sealed);
    if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return makeError("sealed value is damaged");
    const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
    std::string plain(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                   raw->size() - crypto_secretbox_NONCEBYTES, nonce, m_key.data()) != 0)
        return makeError("sealed value is damaged or was sealed with another key");
    return plain;
}

}  // namespace kairos::server::accounts
