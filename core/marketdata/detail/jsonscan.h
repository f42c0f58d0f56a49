#pragma once
// JsonScanner: a forward-only, allocation-free reader over one JSON text, for decoding exchange
// messages whose shapes are known. It does not build a tree: callers walk objects member by
// member, switch on the key and read the value they need (strings and numbers come back as views
// into the input, so "68123.45" goes straight into Price::parse without a copy). Anything not
// needed is skipped. Any syntax error sets failed() and makes every later call return false, so
// decoders can check once at the end.
//
// Not a validator: it accepts a leading comma in an object or array and does not check escape
// sequences or UTF-8. It does reject unbalanced brackets, unterminated strings, missing ':' and
// garbage where a value should be.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kairos::marketdata::detail {

class JsonScanner {
public:
    explicit JsonScanner(std::string_view text) : m_p(text.data()), m_begin(text.data()), m_end(text.data() + text.size()) {}

    bool failed() const { return m_failed; }
    /// Offset of the read position (for error excerpts).
    std::size_t offset() const { return static_cast<std::size_t>(m_p - m_begin); }
    /// True when only whitespace is left.
    bool atEnd() {
        skipWs();
        return m_p == m_end;
    }

    /// What the next value is: '{', '[', '"', 'n' (null), 't'/'f' (bool), '0' (number), or 0 at
    /// the end of the input / after an error.
    char peekType() {
        if (m_failed) return 0;
        skipWs();
        if (m_p == m_end) return 0;
        const char c = *m_p;
        if (c == '{' || c == '[' || c == '"' || c == 'n' || c == 't' || c == 'f') return c;
        if (c == '-' || (c >= '0' && c <= '9')) return '0';
        return 0;
    }

    /// Consumes '{'.
    bool beginObject() { return expect('{'); }
    /// Consumes '['.
    bool beginArray() { return expect('['); }

    /// Next member of the current object: sets `key` and leaves the cursor on the value.
    /// Returns false (and consumes '}') at the end of the object, or on an error.
    bool nextKey(std::string_view& key) {
        if (!beforeNext('}')) return false;
        if (*m_p == ',') {
            ++m_p;
            skipWs();
        }
        if (!readString(key)) return false;
        skipWs();
        if (m_p == m_end || *m_p != ':') return fail();
        ++m_p;
        return true;
    }

    /// Next element of the current array: leaves the cursor on it. Returns false (and consumes
    /// ']') at the end of the array, or on an error.
    bool nextElement() {
        if (!beforeNext(']')) return false;
        if (*m_p == ',') ++m_p;
        return true;
    }

    /// A string value without its quotes. Escapes are left as written (see hadEscape()).
    bool readString(std::string_view& out) {
        if (m_failed) return false;
        skipWs();
        if (m_p == m_end || *m_p != '"') return fail();
        const char* start = ++m_p;
        m_hadEscape = false;
        for (;;) {
            const void* q = std::memchr(m_p, '"', static_cast<std::size_t>(m_end - m_p));
            if (!q) return fail();
            const char* quote = static_cast<const char*>(q);
            // A quote preceded by an odd number of backslashes is escaped.
            const char* b = quote;
            while (b > start && b[-1] == '\\') --b;
            if (((quote - b) & 1) == 0) {
                if (b != quote || std::memchr(start, '\\', static_cast<std::size_t>(quote - start))) m_hadEscape = true;
                out = std::string_view(start, static_cast<std::size_t>(quote - start));
                m_p = quote + 1;
                return true;
            }
            m_hadEscape = true;
            m_p = quote + 1;
        }
    }
    /// Whether the last string read contained a backslash escape.
    bool hadEscape() const { return m_hadEscape; }

    /// The text of a number value ("-12.5e3").
    bool readNumberText(std::string_view& out) {
        if (m_failed) return false;
        skipWs();
        const char* start = m_p;
        while (m_p != m_end) {
            const char c = *m_p;
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')
                ++m_p;
            else
                break;
        }
        if (m_p == start) return fail();
        out = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }
    /// A number value or a string value holding a number: the digits either way. Exchanges send
    /// decimals as strings (Binance) or as JSON numbers (Kraken); both come out as text.
    bool readNumberOrString(std::string_view& out) {
        if (m_failed) return false;
        skipWs();
        if (m_p != m_end && *m_p == '"') return readString(out);
        return readNumberText(out);
    }

    /// An integer number value (no fraction, no exponent), or a string holding one.
    bool readInt(std::int64_t& out) {
        std::string_view t;
        if (!readNumberOrString(t)) return false;
        return parseInt(t, out) || fail();
    }
    /// Parses a plain decimal integer ("-123"); false on anything else or overflow.
    static bool parseInt(std::string_view t, std::int64_t& out) {
        if (t.empty()) return false;
        std::size_t i = 0;
        bool neg = false;
        if (t[0] == '-') {
            neg = true;
            i = 1;
            if (t.size() == 1) return false;
        }
        std::uint64_t v = 0;
        for (; i < t.size(); ++i) {
            const char c = t[i];
            if (c < '0' || c > '9') return false;
            if (v > (UINT64_MAX - 9) / 10) return false;
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (neg) {
            if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
            out = static_cast<std::int64_t>(0 - v);
        } else {
            if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
            out = static_cast<std::int64_t>(v);
        }
        return true;
    }

    bool readBool(bool& out) {
        if (m_failed) return false;
        skipWs();
        if (literal("true", 4)) {
            out = true;
            return true;
        }
        if (literal("false", 5)) {
            out = false;
            return true;
        }
        return fail();
    }
    /// Consumes `null` if it is next; false (without failing) otherwise.
    bool readNull() {
        if (m_failed) return false;
        skipWs();
        return literal("null", 4);
    }

    /// Skips any value, nested or not.
    bool skipValue() {
        std::string_view ignored;
        return readRaw(ignored);
    }
    /// Any value as its raw JSON text (objects and arrays included), for a second pass.
    bool readRaw(std::string_view& out) {
        if (m_failed) return false;
        skipWs();
        if (m_p == m_end) return fail();
        const char* start = m_p;
        const char c = *m_p;
        if (c == '"') {
            std::string_view s;
            if (!readString(s)) return false;
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (m_p != m_end) {
                const char d = *m_p;
                if (d == '"') {
                    std::string_view s;
                    if (!readString(s)) return false;
                    continue;
                }
                if (d == '{' || d == '[')
                    ++depth;
                else if (d == '}' || d == ']') {
                    if (--depth == 0) {
                        ++m_p;
                        break;
                    }
                }
                ++m_p;
            }
            if (depth != 0) return fail();
        } else if (c == 't' || c == 'f') {
            bool b = false;
            if (!readBool(b)) return false;
        } else if (c == 'n') {
            if (!readNull()) return fail();
        } else {
            std::string_view n;
            if (!readNumberText(n)) return false;
        }
        out = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }

    /// Marks the scan as failed (a decoder found a value of the wrong kind); returns false.
    bool fail() {
        m_failed = true;
        return false;
    }

private:
    void skipWs() {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t')) ++m_p;
    }
    /// Skips white space before a member or element: false at the end of the object or array
    /// (`close` is consumed), at the end of the input or after an error.
    bool beforeNext(char close) {
        if (m_failed) return false;
        skipWs();
        if (m_p == m_end) return fail();
        if (*m_p == close) {
            ++m_p;
            return false;
        }
        return true;
    }
    bool expect(char c) {
        if (m_failed) return false;
        skipWs();
        if (m_p == m_end || *m_p != c) return fail();
        ++m_p;
        return true;
    }
    bool literal(const char* word, std::size_t n) {
        if (static_cast<std::size_t>(m_end - m_p) < n || std::memcmp(m_p, word, n) != 0) return false;
        m_p += n;
        return true;
    }

    const char* m_p;
    const char* m_begin;
    const char* m_end;
    bool m_failed = false;
    bool m_hadEscape = false;
};

/// A short, single-line excerpt of a message for logs: at most `maxChars` characters, control
/// characters replaced by spaces, "..." appended when cut.
inline std::string excerpt(std::string_view text, std::size_t maxChars = 120) {
    std::string s(text.substr(0, maxChars));
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    if (text.size() > maxChars) s += "...";
    return s;
}

}  // namespace kairos::marketdata::detail
