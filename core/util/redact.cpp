#include "util/redact.h"

#include <cctype>

namespace kairos {

std::string redactUrlCredentials(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t sep = text.find("://", pos);
        if (sep == std::string_view::npos) break;
        // The authority runs from after "://" to the first '/', '?', '#' or white space.
        const std::size_t start = sep + 3;
        std::size_t end = start;
        while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
               !std::isspace(static_cast<unsigned char>(text[end])))
            ++end;
        const std::size_t at = text.substr(start, end - start).rfind('@');
        out.append(text.substr(pos, start - pos));
        if (at != std::string_view::npos && at > 0) {
            out.append("***");
            out.append(text.substr(start + at, end - start - at));
        } else {
            out.append(text.substr(start, end - start));
        }
        pos = end;
    }
    out.append(text.substr(pos));
    return out;
}

}  // namespace kairos
