#include "marketdata/csvimport.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace kairos::marketdata {

namespace {

std::vector<std::string_view> splitCsv(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == ',') {
            out.push_back(line.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

bool isInteger(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Layout {
    CsvFormat format;
    bool hasHeader;
    // Column indexes.
    int time = 0, date = -1, clock = -1, open = 1, high = 2, low = 3, close = 4, volume = 5;
    int quoteVolume = -1, trades = -1;
    std::size_t fields = 6;     // fields per data row
    std::size_t altFields = 0;  // backtrader files whose header lacks "Time": rows have one more field

    /// Date,Time,Open,High,Low,Close,Volume...: the time of day in column 1 moves the rest right.
    void addClockColumn() {
        clock = 1;
        open = 2;
        high = 3;
        low = 4;
        close = 5;
        volume = 6;
    }
};

Result<Layout> detectLayout(std::string_view first, const std::string& name) {
    const auto cols = splitCsv(first);
    std::vector<std::string> names;
    names.reserve(cols.size());
    for (auto c : cols) names.push_back(lower(c));
    auto is = [&](std::initializer_list<const char*> want) {
        if (names.size() != want.size()) return false;
        std::size_t i = 0;
        for (const char* w : want)
            if (names[i++] != w) return false;
        return true;
    };
    if (is({"open_time", "open", "high", "low", "close", "volume"})) {
        return Layout{CsvFormat::BinanceKline, true};
    }
    const bool archiveHeader = names.size() == 12 && names[0] == "open_time" && names[6] == "close_time";
    if (archiveHeader || (cols.size() == 12 && isInteger(cols[0]))) {
        Layout l{CsvFormat::BinanceArchive, archiveHeader};
        l.fields = 12;
        l.quoteVolume = 7;
        l.trades = 8;
        return l;
    }
    if (cols.size() == 6 && isInteger(cols[0])) return Layout{CsvFormat::BinanceKline, false};
    if (is({"date", "open", "high", "low", "close", "adj close", "volume"})) {
        Layout l{CsvFormat::Yahoo, true};
        l.time = -1;
        l.date = 0;
        l.volume = 6;
        l.fields = 7;
        return l;
    }
    if (is({"date", "open", "high", "low", "close", "volume", "openinterest"}) ||
        is({"datetime", "open", "high", "low", "close", "volume", "openinterest"})) {
        Layout l{CsvFormat::OhlcvOi, true};
        l.time = -1;
        l.date = 0;
        l.fields = 7;
        l.altFields = 8;  // "Date,Time,..." rows under a header without Time (backtrader sample)
        return l;
    }
    if (is({"date", "time", "open", "high", "low", "close", "volume", "openinterest"})) {
        Layout l{CsvFormat::OhlcvOi, true};
        l.time = -1;
        l.date = 0;
        l.addClockColumn();
        l.fields = 8;
        return l;
    }
    return makeError(name + ":1: unrecognised header \"" + std::string(first.substr(0, 120)) +
                     "\"; expected a Binance kline CSV (open_time,open,high,low,close,volume), a Binance 12-column "
                     "archive, a Yahoo CSV (Date,Open,High,Low,Close,Adj Close,Volume) or "
                     "Date[,Time],Open,High,Low,Close,Volume,OpenInterest");
}

// Times outside these years are refused: far outside any market history, they are a misread
// unit or a damaged row (a microsecond time read as milliseconds lands in the year 56970).
constexpr std::int64_t kFirstTimeMs = 0;              // 1970-01-01T00:00:00Z
constexpr std::int64_t kEndTimeMs = 4102444800000LL;  // 2100-01-01T00:00:00Z

/// The unit of an integer open time, from its size: 1e14 µs is 1973-03-03 (1e14 ms would be the
/// year 5138), 1e11 ms is 1973-03-03 (1e11 s would be 5138), 1e8 s is 1973-03-03. Anything
/// smaller is read as ms (the documented unit of the Binance formats).
CsvTimeUnit guessTimeUnit(std::int64_t v) {
    if (v >= 100'000'000'000'000LL) return CsvTimeUnit::Microseconds;
    if (v >= 100'000'000'000LL) return CsvTimeUnit::Milliseconds;
    if (v >= 100'000'000LL) return CsvTimeUnit::Seconds;
    return CsvTimeUnit::Milliseconds;
}

const char* unitName(CsvTimeUnit u) {
    switch (u) {
    case CsvTimeUnit::Seconds:
        return "seconds";
    case CsvTimeUnit::Milliseconds:
        return "milliseconds";
    case CsvTimeUnit::Microseconds:
        return "microseconds";
    }
    return "?";
}

/// `v` in `unit` as ms; nullopt when that is outside 1970..2099 (or overflows).
std::optional<std::int64_t> toSaneMs(std::int64_t v, CsvTimeUnit unit) {
    std::int64_t ms = v;
    if (unit == CsvTimeUnit::Seconds) {
        if (v > kEndTimeMs / 1000) return std::nullopt;
        ms = v * 1000;
    } else if (unit == CsvTimeUnit::Microseconds) {
        ms = v / 1000;  // v >= 0: integer division is the floor
    }
    if (ms < kFirstTimeMs || ms >= kEndTimeMs) return std::nullopt;
    return ms;
}

struct RawRow {
    long line;  // in the file, for errors found after the whole file was read
    std::int64_t time;
    Price o, h, l, c;
    Quantity v, qv;
    std::int64_t trades;
};

}  // namespace

Result<CsvBars> parseBarsCsv(const std::string& text, const std::string& name) {
    CsvBars out;
    std::vector<RawRow> rows;
    std::string_view all(text);
    if (all.size() >= 3 && static_cast<unsigned char>(all[0]) == 0xEF && static_cast<unsigned char>(all[1]) == 0xBB &&
        static_cast<unsigned char>(all[2]) == 0xBF)
        all.remove_prefix(3);  // UTF-8 BOM
    std::optional<Layout> layout;
    std::size_t pos = 0;
    long lineNo = 0;
    std::int64_t prevTime = 0;
    bool havePrev = false;
    std::optional<CsvTimeUnit> unit;  // of integer times, from the first data row
    long unitLine = 0;
    int ps = 0, vs = 0, qs = 0;
    long psLine = 0, vsLine = 0, qsLine = 0;  // where each largest scale was first seen
    rows.reserve(all.size() / 48);
    while (pos < all.size()) {
        std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        std::string_view line = all.substr(pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        auto at = [&](const std::string& why) { return makeError(name + ":" + std::to_string(lineNo) + ": " + why); };
        if (!layout) {
            auto l = detectLayout(line, name);
            if (!l) return l.error();
            layout = *l;
            out.format = layout->format;
            if (layout->hasHeader) continue;
        }
        const auto f = splitCsv(line);
        Layout L = *layout;
        if (L.altFields && f.size() == L.altFields) {
            L.addClockColumn();
        } else if (f.size() != L.fields) {
            return at("expected " + std::to_string(L.fields) + " fields, found " + std::to_string(f.size()));
        }
        RawRow r{};
        r.line = lineNo;
        if (L.time >= 0) {
            const auto t = f[static_cast<std::size_t>(L.time)];
            if (!isInteger(t) || t.size() > 18)
                return at("open time \"" + std::string(t) +
                          "\" is not a timestamp (whole seconds, milliseconds or microseconds since 1970)");
            const std::int64_t raw = std::stoll(std::string(t));
            if (!unit) {
                unit = guessTimeUnit(raw);
                unitLine = lineNo;
                out.timeUnit = *unit;
            }
            const auto ms = toSaneMs(raw, *unit);
            if (!ms && unitLine == lineNo)
                return at("open time " + std::string(t) +
                          " is not between 1970 and 2100 as seconds, milliseconds or microseconds since 1970");
            if (!ms)
                return at("open time " + std::string(t) + " is not between 1970 and 2100 in " + unitName(*unit) +
                          ", the unit of the file's first row (line " + std::to_string(unitLine) +
                          "); does the file mix time units?");
            r.time = *ms;
        } else {
            std::string when(f[static_cast<std::size_t>(L.date)]);
            if (L.clock >= 0) when += "T" + std::string(f[static_cast<std::size_t>(L.clock)]);
            auto t = parseUtc(when);
            if (!t) return at("date \"" + when + "\" is not a date (YYYY-MM-DD[ HH:MM:SS])");
            if (*t < kFirstTimeMs || *t >= kEndTimeMs) return at("date \"" + when + "\" is not between 1970 and 2100");
            r.time = *t;
        }
        // A decimal column into `dst`, noting the largest scale of its kind and where it was seen.
        auto decimal = [&](int idx, const char* what, auto& dst, int& maxScale, long& maxScaleLine) -> Status {
            auto v = std::decay_t<decltype(dst)>::parse(f[static_cast<std::size_t>(idx)]);
            if (!v) return at(std::string(what) + ": " + v.message());
            dst = *v;
            if (dst.scale() > maxScale) {
                maxScale = dst.scale();
                maxScaleLine = lineNo;
            }
            return {};
        };
        const std::tuple<int, const char*, Price*> prices[] = {
            {L.open, "open", &r.o}, {L.high, "high", &r.h}, {L.low, "low", &r.l}, {L.close, "close", &r.c}};
        for (const auto& [idx, what, dst] : prices)
            if (auto s = decimal(idx, what, *dst, ps, psLine); !s) return s.error();
        if (auto s = decimal(L.volume, "volume", r.v, vs, vsLine); !s) return s.error();
        if (L.quoteVolume >= 0) {
            if (auto s = decimal(L.quoteVolume, "quote volume", r.qv, qs, qsLine); !s) return s.error();
        }
        if (L.trades >= 0) {
            const auto t = f[static_cast<std::size_t>(L.trades)];
            if (!isInteger(t) || t.size() > 18) return at("trade count \"" + std::string(t) + "\" is not a whole number");
            r.trades = std::stoll(std::string(t));
        }
        Bar b;
        b.openTimeMs = r.time;
        b.open = r.o;
        b.high = r.h;
        b.low = r.l;
        b.close = r.c;
        b.volume = r.v;
        b.quoteVolume = r.qv;
        b.tradeCount = r.trades;
        if (auto s = b.validate(); !s) return at(s.message());
        if (havePrev && r.time <= prevTime)
            return at("time " + formatUtc(r.time) + " is not after the previous row's " + formatUtc(prevTime) +
                      " (rows must be in increasing time order without duplicates)");
        prevTime = r.time;
        havePrev = true;
        rows.push_back(r);
    }
    if (!layout) return makeError(name + ": the file is empty");
    if (rows.empty()) return makeError(name + ": the file has a header but no rows of bars");
    out.priceScale = ps;
    out.volumeScale = vs;
    out.quoteVolumeScale = qs;
    out.bars.reserve(rows.size());
    // Bring every value to the file's largest scale. This only adds zeros, but a large value at
    // many decimals can overflow 64 bits ("1000" in a file that also has "0.30000000000000004").
    auto tooWide = [&](const RawRow& r, const char* what, const std::string& value, int scale, long scaleLine) {
        return makeError(name + ":" + std::to_string(r.line) + ": " + what + " " + value + " does not fit 64 bits at " +
                         std::to_string(scale) + " decimals, the most this file uses (line " + std::to_string(scaleLine) +
                         "); round the file's numbers to fewer decimals");
    };
    for (const RawRow& r : rows) {
        Bar b;
        b.openTimeMs = r.time;
        const std::pair<const Price*, Price*> prices[] = {{&r.o, &b.open}, {&r.h, &b.high}, {&r.l, &b.low}, {&r.c, &b.close}};
        const char* const priceNames[] = {"open", "high", "low", "close"};
        for (std::size_t i = 0; i < std::size(prices); ++i) {
            auto p = prices[i].first->rescaled(ps, RoundingMode::Exact);
            if (!p) return tooWide(r, priceNames[i], prices[i].first->toTrimmedString(), ps, psLine);
            *prices[i].second = *p;
        }
        auto vol = r.v.rescaled(vs, RoundingMode::Exact);
        if (!vol) return tooWide(r, "volume", r.v.toTrimmedString(), vs, vsLine);
        auto qvol = r.qv.rescaled(qs, RoundingMode::Exact);
        if (!qvol) return tooWide(r, "quote volume", r.qv.toTrimmedString(), qs, qsLine);
        b.volume = *vol;
        b.quoteVolume = *qvol;
        b.tradeCount = r.trades;
        b.closed = true;
        out.bars.push_back(b);
    }
    return out;
}

Result<CsvBars> readBarsCsv(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) return makeError(path + ": is a folder, not a candle file");
    if (status.type() == std::filesystem::file_type::not_found) return makeError(path + ": cannot open: no such file");
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        if (err == EACCES || err == EPERM)
            return makeError(path + ": cannot open: permission denied (the file exists, but this user may not read it)");
        return makeError(path + ": cannot open the file for reading" + (err != 0 ? ": " + std::string(std::strerror(err)) : ""));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return makeError(path + ": read error");
    return parseBarsCsv(ss.str(), path);
}

FileNameHints inferFromFileName(const std::string& path) {
    FileNameHints h;
    std::string base = path.substr(path.find_last_of("/\\") + 1);
    if (auto dot = base.find('.'); dot != std::string::npos) base.resize(dot);
    std::vector<std::string> tok;
    std::string cur;
    for (char c : base) {
        if (c == '_' || c == '-') {
            tok.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    tok.push_back(cur);
    auto isSymbol = [](const std::string& s) {
        return s.size() >= 4 && std::all_of(s.begin(), s.end(), [](char c) {
                   return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
               });
    };
    std::size_t i = 0;
    std::string venue;
    if (!tok.empty() && lower(tok[0]) == "binance") {
        venue = "BINANCE";
        i = 1;
        if (i < tok.size()) {
            const std::string m = lower(tok[i]);
            if (m == "spot")
                ++i;
            else if (m == "um" || m == "cm") {
                venue.append(m == "um" ? "_UM" : "_CM");  // not "_" + std::string: GCC 12 -O3 false -Wrestrict
                ++i;
            }
        }
    }
    if (i < tok.size() && isSymbol(tok[i])) {
        // Without a "binance" prefix only the data.binance.vision pattern SYMBOL-TF-DATE counts.
        const bool archiveName = venue.empty() && i + 1 < tok.size() && parseTimeframe(tok[i + 1]).ok();
        if (!venue.empty() || archiveName) {
            h.instrument = InstrumentId{venue.empty() ? "BINANCE" : venue, tok[i]};
            if (i + 1 < tok.size())
                if (auto tf = parseTimeframe(tok[i + 1]); tf.ok()) h.timeframe = *tf;
        }
    }
    return h;
}

}  // namespace kairos::marketdata
