#pragma once
// What a password and an e-mail address must be (OWASP ASVS 6.2 / NIST SP 800-63B): passwords of
// 8 to 128 Unicode code points, no composition rules, refused when among the 10,000 most common
// (common_passwords.inc, from SecLists); e-mail addresses trimmed and lower-cased.

#include <optional>
#include <string>
#include <string_view>

namespace kairos::server::accounts {

constexpr int kMinPasswordCodePoints = 8;
constexpr int kMaxPasswordCodePoints = 128;

enum class PasswordProblem { TooShort = 1, TooLong, NotUtf8, Common };

/// Why `password` is not acceptable, or nullopt. Never echoes the password.
std::optional<PasswordProblem> checkPassword(std::string_view password);
/// A sentence for the user ("at least 8 characters").
std::string describe(PasswordProblem problem);
/// Unicode code points in `utf8`, or -1 when it is not valid UTF-8.
int countCodePoints(std::string_view utf8);
/// True when `password` (or its lower-case form) is in the bundled list of common passwords.
bool isCommonPassword(std::string_view password);

/// The canonical form of an e-mail address (trimmed, lower case), or nullopt when it is not one:
/// one '@', a non-empty local part, a domain with a dot and no empty label, no spaces or control
/// characters, at most 254 bytes.
std::optional<std::string> normaliseEmail(std::string_view email);

}  // namespace kairos::server::accounts
