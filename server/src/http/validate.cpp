#include "http/validate.h"

#include <algorithm>
#include <cctype>

namespace kairos::server::http {

Fields::Fields(const nlohmann::json& body) : m_body(body) {
    if (!body.is_object()) {
        m_code = "invalid_body";
        m_reason = body.is_null() ? "missing" : "not_an_object";
        m_error = body.is_null() ? "the request needs a JSON object body" : "the request body must be a JSON object";
    }
}

void Fields::fail(std::string_view field, std::string code, std::string reason, std::string message, nlohmann::json extra) {
    if (!m_error.empty()) return;  // the first failure is the one reported
    m_field = std::string(field);
    m_code = std::move(code);
    m_reason = std::move(reason);
    m_error = std::move(message);
    m_extra = std::move(extra);
}

const nlohmann::json* Fields::lookup(std::string_view name, bool required) {
    if (!m_error.empty() || !m_body.is_object()) return nullptr;
    const auto it = m_body.find(name);
    if (it == m_body.end() || it->is_null()) {
        if (required) fail(name, "missing_field", "missing", "the field \"" + std::string(name) + "\" is required");
        return nullptr;
    }
    return &*it;
}

std::size_t utf8Length(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<std::string> Fields::optionalString(std::string_view name, StringRule rule) {
    const nlohmann::json* v = lookup(name, false);
    if (!v) return std::nullopt;
    const std::string field(name);
    if (!v->is_string()) {
        fail(name, "invalid_field", "not_a_string", "the field \"" + field + "\" must be a string");
        return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    const std::size_t n = utf8Length(s);
    if (n < rule.minLength) {
        fail(name, "invalid_field", n == 0 ? "empty" : "too_short",
             "the field \"" + field + "\" must be at least " + std::to_string(rule.minLength) + " characters",
             {{"min_length", rule.minLength}});
        return std::nullopt;
    }
    if (n > rule.maxLength) {
        fail(name, "invalid_field", "too_long",
             "the field \"" + field + "\" must be at most " + std::to_string(rule.maxLength) + " characters",
             {{"max_length", rule.maxLength}});
        return std::nullopt;
    }
    return s;
}

std::string Fields::string(std::string_view name, StringRule rule) {
    if (!lookup(name, true)) return {};
    return optionalString(name, rule).value_or(std::string());
}

std::optional<std::int64_t> Fields::optionalInteger(std::string_view name, std::int64_t min, std::int64_t max) {
    const nlohmann::json* v = lookup(name, false);
    if (!v) return std::nullopt;
    const std::string field(name);
    std::int64_t value = 0;
    if (v->is_number_unsigned()) {
        const auto u = v->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            fail(name, "invalid_field", "out_of_range", "the field \"" + field + "\" is out of range",
                 {{"min", min}, {"max", max}});
            return std::nullopt;
        }
        value = static_cast<std::int64_t>(u);
    } else if (v->is_number_integer()) {
        value = v->get<std::int64_t>();
    } else {
        fail(name, "invalid_field", "not_an_integer", "the field \"" + field + "\" must be a whole number");
        return std::nullopt;
    }
    if (value < min || value > max) {
        fail(name, "invalid_field", "out_of_range",
             "the field \"" + field + "\" must be between " + std::to_string(min) + " and " + std::to_string(max),
             {{"min", min}, {"max", max}});
        return std::nullopt;
    }
    return value;
}

std::int64_t Fields::integer(std::string_view name, std::int64_t min, std::int64_t max) {
    if (!lookup(name, true)) return 0;
    return optionalInteger(name, min, max).value_or(0);
}

std::optional<bool> Fields::optionalBoolean(std::string_view name) {
    const nlohmann::json* v = lookup(name, false);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
        fail(name, "invalid_field", "not_a_boolean", "the field \"" + std::string(name) + "\" must be true or false");
        return std::nullopt;
    }
    return v->get<bool>();
}

bool Fields::boolean(std::string_view name) {
    if (!lookup(name, true)) return false;
    return optionalBoolean(name).value_or(false);
}

bool looksLikeEmail(std::string_view a) {
    if (a.size() < 3 || a.size() > 254) return false;
    const auto at = a.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || a.find('@', at + 1) != std::string_view::npos) return false;
    const std::string_view local = a.substr(0, at);
    const std::string_view domain = a.substr(at + 1);
    for (char c : local) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == '(' || c == ')' || c == '<' || c == '>' || c == ',' || c == ';' || c == ':' ||
            c == '\\' || c == '"' || c == '[' || c == ']')
            return false;
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    if (domain.find('.') == std::string_view::npos) return false;
    std::size_t start = 0;
    while (start <= domain.size()) {
        auto end = domain.find('.', start);
        if (end == std::string_view::npos) end = domain.size();
        const std::string_view label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            const auto u = static_cast<unsigned char>(c);
            // Letters, digits, hyphens; bytes >= 0x80 for internationalised domains (UTF-8).
            if (!(std::isalnum(u) || c == '-' || u >= 0x80)) return false;
        }
        start = end + 1;
    }
    return true;
}

std::string Fields::email(std::string_view name) {
    const std::string value = string(name, {.minLength = 1, .maxLength = 254});
    if (!m_error.empty()) return {};
    if (!looksLikeEmail(value)) {
        fail(name, "invalid_field", "not_an_email",
             "the field \"" + std::string(name) + "\" must be an e-mail address (name@example.com)");
        return {};
    }
    std::string out = value;
    const auto at = out.find('@');
    std::transform(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), out.begin() + static_cast<std::ptrdiff_t>(at),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return out;
}

Response Fields::error() const {
    nlohmann::json details = nlohmann::json::object();
    if (!m_field.empty()) details["field"] = m_field;
    if (!m_reason.empty()) details["reason"] = m_reason;
    if (m_extra.is_object())
        for (auto it = m_extra.begin(); it != m_extra.end(); ++it) details[it.key()] = it.value();
    return Response::error(400, m_code.empty() ? "invalid_body" : m_code, m_error.empty() ? "invalid request body" : m_error,
                           details);
}

}  // namespace kairos::server::http
