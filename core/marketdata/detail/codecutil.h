#pragma once
// Small pieces the venue decoders share on top of JsonScanner.

#include "domain/bar.h"
#include "marketdata/detail/decimaltext.h"
#include "marketdata/detail/jsonscan.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::marketdata::detail {

/// A decimal given as a JSON string or number, exactly; `text` gets what was read.
template <class T>
inline bool readDec(JsonScanner& sc, T& out, std::string_view& text) {
    return sc.readNumberOrString(text) && parseDecimalText(text, out);
}
template <class T>
inline bool readDec(JsonScanner& sc, T& out) {
    std::string_view t;
    return readDec(sc, out, t);
}

/// An integer given as a JSON number or a string of digits ("1672304486868").
inline bool readIntAny(JsonScanner& sc, std::int64_t& out) { return sc.readInt(out); }

/// Writes an integer id as text without allocating beyond the string's capacity.
inline void setId(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.assign(buf, static_cast<std::size_t>(r.ptr - buf));
}

/// [[price, size, ...], ...] (extra columns skipped) into `out` (cleared first).
inline bool readLevelArrays(JsonScanner& sc, std::vector<BookLevel>& out) {
    out.clear();
    if (!sc.beginArray()) return false;
    while (sc.nextElement()) {
        if (!sc.beginArray()) return false;
        BookLevel l;
        if (!sc.nextElement() || !readDec(sc, l.price)) return sc.fail();
        if (!sc.nextElement() || !readDec(sc, l.quantity)) return sc.fail();
        while (sc.nextElement())
            if (!sc.skipValue()) return false;
        out.push_back(l);
    }
    return !sc.failed();
}

/// Reuses the element at `index` of `v` (keeping its string capacity) or appends one.
template <class T>
inline T& slot(std::vector<T>& v, std::size_t index) {
    if (index < v.size()) return v[index];
    v.emplace_back();
    return v.back();
}

/// "prefix: not JSON" style errors.
inline Error malformed(const char* what, const char* why) { return makeError(std::string(what) + ": " + why); }
inline Error badField(const char* what, const char* field, std::string_view text = {}) {
    std::string m = std::string(what) + ": bad " + field;
    if (!text.empty()) m += " \"" + std::string(text.substr(0, 40)) + "\"";
    return makeError(m);
}

}  // namespace kairos::marketdata::detail
