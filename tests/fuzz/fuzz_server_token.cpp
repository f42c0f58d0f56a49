// Fuzz target: the access-token verifier of kairosd (server/src/accounts/accesstoken.h), which reads
// the Authorization header of every request. Whatever the input, it must not crash, and it may
// accept only a token that is signed with the key (kid "k1") by HS256 and not expired - which a
// fuzzer cannot produce without the key, except from the seeds made with it.
#include "accounts/accesstoken.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::server::accounts;
    static const KeySet keys = KeySet::single("k1", std::string(32, 'K'));
    constexpr std::int64_t kNow = 1'765'000'100;
    const auto result = verifyAccessToken(std::string_view(reinterpret_cast<const char*>(data), size), keys, "kairosd", kNow);
    if (const auto* claims = std::get_if<AccessClaims>(&result)) {
        if (claims->expiresAt <= kNow || claims->issuedAt > kNow + 60 || claims->accountId < 0) std::abort();
        if (size > 4096) std::abort();
    }
    return 0;
}
