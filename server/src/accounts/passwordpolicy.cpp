#include "accounts/passwordpolicy.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace kairos::server::accounts {

namespace {
const char* const kCommonPasswords[] = {
#include "accounts/common_passwords.inc"
};

const std::unordered_set<std::string_view>& commonSet() {
    static const std::unordered_set<std::string_view> kSet(std::begin(kCommonPasswords), std::end(kCommonPasswords));
    return kSet;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    });
    return out;
}
}  // namespace

int countCodePoints(std::string_view s) {
    int n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        if (c < 0x80)
            len = 1;
        else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
            len = 2;
        else if ((c & 0xf0) == 0xe0)
            len = 3;
        else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
            len = 4;
        else
            return -1;
        if (i + len > s.size()) return -1;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return -1;
        i += len;
        ++n;
    }
    return n;
}

bool isCommonPassword(std::string_view password) {
    return commonSet().count(password) > 0 || commonSet().count(lower(password)) > 0;
}

std::optional<PasswordProblem> checkPassword(std::string_view password) {
    const int n = countCodePoints(password);
    if (n < 0) return PasswordProblem::NotUtf8;
    if (n < kMinPasswordCodePoints) return PasswordProblem::TooShort;
    if (n > kMaxPasswordCodePoints) return PasswordProblem::TooLong;
    if (isCommonPassword(password)) return PasswordProblem::Common;
    return std::nullopt;
}

std::string describe(PasswordProblem problem) {
    switch (problem) {
    case PasswordProblem::TooShort:
        return "the password needs at least 8 characters";
    case PasswordProblem::TooLong:
        return "the password may have at most 128 characters";
    case PasswordProblem::NotUtf8:
        return "the password is not valid UTF-8 text";
    case PasswordProblem::Common:
        return "this password is one of the most common ones; choose another";
    }
    return "the password is not acceptable";
}

std::optional<std::string> normaliseEmail(std::string_view email) {
    const auto b = email.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return std::nullopt;
    const auto e = email.find_last_not_of(" \t\r\n");
    std::string s = lower(email.substr(b, e - b + 1));
    if (s.size() > 254) return std::nullopt;
    for (unsigned char c : s)
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return std::nullopt;
    const auto at = s.find('@');
    if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos) return std::nullopt;
    const std::string domain = s.substr(at + 1);
    if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string::npos || domain.front() == '-')
        return std::nullopt;
    if (countCodePoints(s) < 0) return std::nullopt;
    return s;
}

}  // namespace kairos::server::accounts
