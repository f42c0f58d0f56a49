#pragma once
// Keeping secrets out of what is printed or logged.

#include <string>
#include <string_view>

namespace kairos {

/// `text` with the user information of every URL in it ("user:password@" in
/// "ws://user:password@host/path") replaced by "***@", so that a message, a log line or a status
/// can show which URL was meant without its credentials. Text without URLs comes back unchanged.
std::string redactUrlCredentials(std::string_view text);

}  // namespace kairos
