#pragma once
// Small pieces the venue decoders share on top of JsonScanner.

#include "domain/bar.h"
#include "marketdata/detail/decimaltext.h"
#include "marketdata/detail/jsonscan.h"
#include "marketdata/marketdatatypes.h"
#include "util/result.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <utility>
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

/// The value of a top-level key of a JSON object as text (a string or a number), or empty when
/// the body is not an object or lacks it (REST error envelopes).
inline std::string topLevelText(std::string_view json, std::string_view wanted) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return {};
    std::string_view key, value;
    while (sc.nextKey(key)) {
        if (key == wanted) return sc.readNumberOrString(value) ? std::string(value) : std::string();
        if (!sc.skipValue()) break;
    }
    return {};
}

/// Decimal places of an increment such as "0.01000000" (-> 2).
inline int incrementDecimals(std::string_view increment) {
    const auto dot = increment.find('.');
    if (dot == std::string_view::npos) return 0;
    std::size_t end = increment.size();
    while (end > dot + 1 && increment[end - 1] == '0') --end;
    return static_cast<int>(end - dot - 1);
}

/// Venue spellings as tables of {ours, theirs} pairs (timeframes, message types): theirs for
/// ours, ours for theirs (nullopt or `fallback` when the table has none).
template <class A, class B, std::size_t N, class Q>
constexpr std::optional<B> spellingOf(const std::pair<A, B> (&table)[N], const Q& ours) {
    for (const auto& [a, b] : table)
        if (a == ours) return b;
    return std::nullopt;
}
template <class A, class B, std::size_t N, class Q>
constexpr std::optional<A> meaningOf(const std::pair<A, B> (&table)[N], const Q& theirs) {
    for (const auto& [a, b] : table)
        if (b == theirs) return a;
    return std::nullopt;
}
template <class A, class B, std::size_t N, class Q>
constexpr A meaningOr(const std::pair<A, B> (&table)[N], const Q& theirs, A fallback) {
    return meaningOf(table, theirs).value_or(fallback);
}

/// What one column of a REST candle row holds.
enum class BarColumn : std::uint8_t {
    Skip = 1,
    OpenMs,
    OpenSec,
    Open,
    High,
    Low,
    Close,
    Volume,
    QuoteVolume,
    TradeCount,
    Confirm
};

/// The Bar member each decimal column fills.
constexpr std::pair<BarColumn, Price Bar::*> kBarPriceColumns[] = {
    {BarColumn::Open, &Bar::open}, {BarColumn::High, &Bar::high}, {BarColumn::Low, &Bar::low}, {BarColumn::Close, &Bar::close}};
constexpr std::pair<BarColumn, Quantity Bar::*> kBarQuantityColumns[] = {{BarColumn::Volume, &Bar::volume},
                                                                         {BarColumn::QuoteVolume, &Bar::quoteVolume}};

/// One candle row sent as a JSON array, [0] = `columns[0]`, ...; columns past the table are
/// skipped; Confirm is "1" for a closed bar (OKX), every other row is closed. Returns -1 when
/// the row is read, else the column that failed (the table's size when the row is too short).
inline int readBarRow(JsonScanner& sc, std::initializer_list<BarColumn> columns, Bar& b) {
    b = Bar{};
    b.closed = true;
    if (!sc.beginArray()) return 0;
    int col = 0;
    std::int64_t secs = 0;
    std::string_view text;
    while (sc.nextElement()) {
        const BarColumn c = col < static_cast<int>(columns.size()) ? columns.begin()[col] : BarColumn::Skip;
        bool ok = true;
        if (const auto price = spellingOf(kBarPriceColumns, c)) {
            ok = readDec(sc, b.**price);
        } else if (const auto quantity = spellingOf(kBarQuantityColumns, c)) {
            ok = readDec(sc, b.**quantity);
        } else {
            switch (c) {
            case BarColumn::OpenMs:
                ok = sc.readInt(b.openTimeMs);
                break;
            case BarColumn::OpenSec:
                // A time that does not fit in milliseconds is malformed (no overflow on the way).
                ok = sc.readInt(secs) && secs <= std::numeric_limits<std::int64_t>::max() / 1000 &&
                    secs >= std::numeric_limits<std::int64_t>::min() / 1000;
                b.openTimeMs = ok ? secs * 1000 : 0;
                break;
            case BarColumn::TradeCount:
                ok = sc.readInt(b.tradeCount);
                break;
            case BarColumn::Confirm:
                ok = sc.readString(text), b.closed = text == "1";
                break;
            case BarColumn::Skip:
            default:  // the decimal columns are read above
                ok = sc.skipValue();
                break;
            }
        }
        if (!ok) return col;
        ++col;
    }
    if (sc.failed()) return col;
    // Trailing optional columns (quote volume, trade count, confirm) may be absent.
    auto optional = [](BarColumn c) {
        return c == BarColumn::QuoteVolume || c == BarColumn::TradeCount || c == BarColumn::Confirm || c == BarColumn::Skip;
    };
    int needed = static_cast<int>(columns.size());
    while (needed > 0 && optional(columns.begin()[needed - 1])) --needed;
    return col < needed ? col : -1;
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

/// One field of a table-driven object decoder: the JSON key, the name used in errors, how to read
/// the value into the context (`text` may be set to what was read, for the error), and whether
/// a message without it is malformed.
template <class Ctx>
struct Field {
    std::string_view key;
    const char* name = nullptr;
    bool (*read)(JsonScanner& sc, Ctx& ctx, std::string_view& text);
    bool required = false;
};

/// Reads the JSON object at the scanner: each key of `fields` with its reader, any other key
/// skipped. Errors: "<what>: data is not an object", "<what>: bad <name> "<text>"",
/// "<what>: not JSON", "<what>: missing field(s) <names>".
template <class Ctx, std::size_t N>
Status scanFields(JsonScanner& sc, const char* what, const std::array<Field<Ctx>, N>& fields, Ctx& ctx) {
    static_assert(N <= 32, "seen is a 32-bit mask");
    if (!sc.beginObject()) return malformed(what, "data is not an object");
    std::string_view key, text;
    std::uint32_t seen = 0;
    while (sc.nextKey(key)) {
        // Venues' keys are short and mostly differ in their first byte: test it before the rest.
        std::size_t i = 0;
        while (
            i < N &&
            (key.empty() || fields[i].key.size() != key.size() || fields[i].key.front() != key.front() || fields[i].key != key))
            ++i;
        if (i == N) {
            if (!sc.skipValue()) break;
            continue;
        }
        text = {};
        if (!fields[i].read(sc, ctx, text)) return badField(what, fields[i].name, text);
        seen |= 1u << i;
    }
    if (sc.failed()) return malformed(what, "not JSON");
    std::string missing;
    for (std::size_t i = 0; i < N; ++i)
        if (fields[i].required && !(seen & (1u << i))) missing += (missing.empty() ? "" : ", ") + std::string(fields[i].name);
    if (!missing.empty()) return makeError(std::string(what) + ": missing field(s) " + missing);
    return {};
}

/// A JSON array of objects, each read with `fields` into the next element of `out` (a fresh T;
/// the vector's storage is reused). `out` ends with one element per object.
template <class T, std::size_t N>
Status scanObjectArray(JsonScanner& sc, const char* what, const std::array<Field<T>, N>& fields, std::vector<T>& out) {
    if (!sc.beginArray()) return malformed(what, "data is not an array");
    std::size_t n = 0;
    while (sc.nextElement()) {
        T& item = slot(out, n);
        item = T{};
        if (auto st = scanFields(sc, what, fields, item); !st) return st;
        ++n;
    }
    if (sc.failed()) return malformed(what, "not JSON");
    out.resize(n);
    return {};
}

}  // namespace kairos::marketdata::detail
