#include "storage/candlestore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <QDir>

#include <algorithm>

namespace kairos::storage {

namespace {

// Column lists shared by the statements below; readBar() depends on this order.
#define KAIROS_CANDLE_VALUE_COLUMNS \
    "open_time, open_raw, high_raw, low_raw, close_raw, volume_raw, quote_volume_raw, scales, trade_count"
#define KAIROS_SERIES_ID_OF_PARAMS "(SELECT series_id FROM candle_series WHERE venue = ?1 AND symbol = ?2 AND timeframe = ?3)"

constexpr const char* kFindSeriesSql = "SELECT series_id FROM candle_series WHERE venue = ?1 AND symbol = ?2 AND timeframe = ?3";
constexpr const char* kInsertSeriesSql = "INSERT INTO candle_series (venue, symbol, timeframe) VALUES (?1, ?2, ?3)";
constexpr const char* kUpsertBarSql =
    "INSERT INTO candles (series_id, " KAIROS_CANDLE_VALUE_COLUMNS
    ") "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (series_id, open_time) DO UPDATE SET "
    "open_raw = excluded.open_raw, high_raw = excluded.high_raw, low_raw = excluded.low_raw, "
    "close_raw = excluded.close_raw, volume_raw = excluded.volume_raw, quote_volume_raw = excluded.quote_volume_raw, "
    "scales = excluded.scales, trade_count = excluded.trade_count";
constexpr const char* kRangeSql =
    "SELECT " KAIROS_CANDLE_VALUE_COLUMNS " FROM candles WHERE series_id = " KAIROS_SERIES_ID_OF_PARAMS
    " AND open_time >= ?4 AND open_time < ?5 ORDER BY open_time";
constexpr const char* kLatestSql =
    "SELECT " KAIROS_CANDLE_VALUE_COLUMNS " FROM candles WHERE series_id = " KAIROS_SERIES_ID_OF_PARAMS
    " ORDER BY open_time DESC LIMIT 1";
constexpr const char* kOpenTimesSql = "SELECT open_time FROM candles WHERE series_id = " KAIROS_SERIES_ID_OF_PARAMS
                                      " AND open_time >= ?4 AND open_time < ?5 ORDER BY open_time";
constexpr const char* kSpanSql =
    "SELECT min(open_time), max(open_time), count(*) FROM candles WHERE series_id = " KAIROS_SERIES_ID_OF_PARAMS;
constexpr const char* kSeriesSql =
    "SELECT s.venue, s.symbol, s.timeframe, count(*), min(c.open_time), max(c.open_time) "
    "FROM candle_series s JOIN candles c ON c.series_id = s.series_id GROUP BY s.series_id";
constexpr const char* kDeleteBarsSql = "DELETE FROM candles WHERE series_id = ?1";
constexpr const char* kDeleteSeriesSql = "DELETE FROM candle_series WHERE series_id = ?1";

#undef KAIROS_CANDLE_VALUE_COLUMNS
#undef KAIROS_SERIES_ID_OF_PARAMS

// Reserving for the expected number of bars avoids reallocating big vectors, but a wide range
// over a sparse series must not reserve gigabytes up front.
constexpr std::int64_t kMaxReserveBars = std::int64_t{1} << 17;

// The six decimal scales (0..18, five bits each) and the closed flag share one column, `scales`:
// bits 0-4 open, 5-9 high, 10-14 low, 15-19 close, 20-24 volume, 25-29 quote volume, 30 closed.
// One integer instead of seven keeps the row small, which is most of the cost of writing and
// reading millions of bars.
constexpr int kClosedBit = 30;

std::int64_t packScales(const Bar& b) {
    return static_cast<std::int64_t>(b.open.scale()) | static_cast<std::int64_t>(b.high.scale()) << 5 |
        static_cast<std::int64_t>(b.low.scale()) << 10 | static_cast<std::int64_t>(b.close.scale()) << 15 |
        static_cast<std::int64_t>(b.volume.scale()) << 20 | static_cast<std::int64_t>(b.quoteVolume.scale()) << 25 |
        static_cast<std::int64_t>(b.closed ? 1 : 0) << kClosedBit;
}

bool scalesValid(const Bar& b) {
    for (int s : {b.open.scale(), b.high.scale(), b.low.scale(), b.close.scale(), b.volume.scale(), b.quoteVolume.scale()})
        if (s < 0 || s > 18) return false;
    return true;
}

/// Reads the row the statement is on; false when its scales are out of range (a damaged row).
bool readBar(const sql::Statement& st, Bar& b) {
    const auto packed = static_cast<std::uint64_t>(st.columnInt64(7));
    auto scale = [packed](int shift) { return static_cast<int>((packed >> shift) & 31u); };
    for (int shift = 0; shift < 30; shift += 5)
        if (scale(shift) > 18) return false;
    b.openTimeMs = st.columnInt64(0);
    b.open = Price::fromRaw(st.columnInt64(1), scale(0));
    b.high = Price::fromRaw(st.columnInt64(2), scale(5));
    b.low = Price::fromRaw(st.columnInt64(3), scale(10));
    b.close = Price::fromRaw(st.columnInt64(4), scale(15));
    b.volume = Quantity::fromRaw(st.columnInt64(5), scale(20));
    b.quoteVolume = Quantity::fromRaw(st.columnInt64(6), scale(25));
    b.tradeCount = st.columnInt64(8);
    b.closed = ((packed >> kClosedBit) & 1u) != 0;
    return true;
}

void bindSeriesKey(sql::Statement& st, const InstrumentId& id, Timeframe tf) {
    st.bindText(1, id.venue);
    st.bindText(2, id.symbol);
    st.bindText(3, toString(tf));
}

/// Number of bucket starts t with from <= t < to, where `from` is itself a bucket start.
std::int64_t countBuckets(Timeframe tf, std::int64_t from, std::int64_t to) {
    if (to <= from) return 0;
    if (const auto d = fixedDurationMs(tf)) {
        const auto span = static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
        const auto step = static_cast<std::uint64_t>(*d);
        return static_cast<std::int64_t>((span + step - 1) / step);
    }
    // Calendar months: walk them (a century is only 1,200 steps).
    std::int64_t n = 0;
    for (std::int64_t t = from; t < to; t = nextBucketStart(tf, t)) ++n;
    return n;
}

}  // namespace

struct CandleStore::Impl {
    explicit Impl(Database& database) : db(database) {}

    Database& db;
    sql::Statement findSeries;
    sql::Statement insertSeries;
    sql::Statement upsertBar;
    sql::Statement range;
    sql::Statement latest;
    sql::Statement openTimes;
    sql::Statement span;
    sql::Statement series;
    sql::Statement deleteBars;
    sql::Statement deleteSeries;

    /// Prepares `st` on first use; the statement is then kept for the store's lifetime.
    Status ready(sql::Statement& st, const char* sql) {
        if (st.isPrepared()) return {};
        return st.prepare(db.handle(), sql);
    }

    std::string describe(const InstrumentId& id, Timeframe tf) const {
        return id.toString() + " " + toString(tf) + " in " + QDir::toNativeSeparators(db.path()).toStdString();
    }

    /// The series' id, or 0 when it does not exist.
    Result<std::int64_t> findSeriesId(const InstrumentId& id, Timeframe tf) {
        if (auto s = ready(findSeries, kFindSeriesSql); !s) return s.error();
        sql::StatementResetter resetter(findSeries);
        bindSeriesKey(findSeries, id, tf);
        const int rc = findSeries.step();
        if (rc == SQLITE_ROW) return findSeries.columnInt64(0);
        if (rc == SQLITE_DONE) return std::int64_t{0};
        return makeError(sql::sqliteMessage(db.handle()));
    }

    Result<std::int64_t> findOrCreateSeriesId(const InstrumentId& id, Timeframe tf) {
        auto found = findSeriesId(id, tf);
        if (!found || *found != 0) return found;
        if (auto s = ready(insertSeries, kInsertSeriesSql); !s) return s.error();
        sql::StatementResetter resetter(insertSeries);
        bindSeriesKey(insertSeries, id, tf);
        if (insertSeries.step() != SQLITE_DONE) return makeError(sql::sqliteMessage(db.handle()));
        return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db.handle()));
    }

    /// Runs a bar query bound to the series key (and optionally a time range) into `out`.
    Status readBars(sql::Statement& st, std::vector<Bar>& out) {
        for (;;) {
            const int rc = st.step();
            if (rc == SQLITE_ROW) {
                if (!readBar(st, out.emplace_back())) {
                    return makeError("a stored bar at " + formatUtc(st.columnInt64(0)) +
                                     " has an impossible decimal scale; the database is damaged");
                }
                continue;
            }
            if (rc == SQLITE_DONE) return {};
            return makeError(sql::sqliteMessage(db.handle()));
        }
    }
};

CandleStore::CandleStore(Database& db) : d(std::make_unique<Impl>(db)) {}
CandleStore::~CandleStore() = default;

Status CandleStore::upsert(const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
    if (bars.empty()) return {};
    const auto fail = [&](const std::string& why) {
        return makeError("cannot store " + std::to_string(bars.size()) + " bars of " + d->describe(id, tf) + ": " + why +
                         "; nothing was stored");
    };
    if (auto s = d->ready(d->upsertBar, kUpsertBarSql); !s) return fail(s.message());

    // One transaction per call: all bars or none. Leaving this scope without commit() rolls back.
    auto tx = sql::Transaction::begin(d->db.handle());
    if (!tx) return fail(tx.message());
    auto seriesId = d->findOrCreateSeriesId(id, tf);
    if (!seriesId) return fail(seriesId.message());

    sql::Statement& st = d->upsertBar;
    sql::StatementResetter resetter(st);
    sqlite3_stmt* raw = st.get();
    // The series id is the same for every row; bindings survive sqlite3_reset.
    sqlite3_bind_int64(raw, 1, *seriesId);
    for (const Bar& b : bars) {
        if (!scalesValid(b)) return fail("bar at " + formatUtc(b.openTimeMs) + " has a decimal scale outside 0..18");
        sqlite3_bind_int64(raw, 2, b.openTimeMs);
        sqlite3_bind_int64(raw, 3, b.open.raw());
        sqlite3_bind_int64(raw, 4, b.high.raw());
        sqlite3_bind_int64(raw, 5, b.low.raw());
        sqlite3_bind_int64(raw, 6, b.close.raw());
        sqlite3_bind_int64(raw, 7, b.volume.raw());
        sqlite3_bind_int64(raw, 8, b.quoteVolume.raw());
        sqlite3_bind_int64(raw, 9, packScales(b));
        sqlite3_bind_int64(raw, 10, b.tradeCount);
        if (sqlite3_step(raw) != SQLITE_DONE)
            return fail("bar at " + formatUtc(b.openTimeMs) + ": " + sql::sqliteMessage(d->db.handle()));
        sqlite3_reset(raw);
    }
    if (auto s = tx->commit(); !s) return fail(s.message());
    return {};
}

Result<std::vector<Bar>> CandleStore::range(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const {
    std::vector<Bar> out;
    if (toMs <= fromMs) return out;
    if (auto s = d->ready(d->range, kRangeSql); !s) return makeError("cannot read " + d->describe(id, tf) + ": " + s.message());
    const auto spanMs = static_cast<std::uint64_t>(toMs) - static_cast<std::uint64_t>(fromMs);
    const auto expected = spanMs / static_cast<std::uint64_t>(nominalDurationMs(tf)) + 1;
    out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(expected, kMaxReserveBars)));

    sql::StatementResetter resetter(d->range);
    bindSeriesKey(d->range, id, tf);
    d->range.bindInt64(4, fromMs);
    d->range.bindInt64(5, toMs);
    if (auto s = d->readBars(d->range, out); !s) return makeError("cannot read " + d->describe(id, tf) + ": " + s.message());
    return out;
}

Result<std::optional<Bar>> CandleStore::latest(const InstrumentId& id, Timeframe tf) const {
    if (auto s = d->ready(d->latest, kLatestSql); !s) return makeError("cannot read " + d->describe(id, tf) + ": " + s.message());
    sql::StatementResetter resetter(d->latest);
    bindSeriesKey(d->latest, id, tf);
    std::vector<Bar> out;
    if (auto s = d->readBars(d->latest, out); !s) return makeError("cannot read " + d->describe(id, tf) + ": " + s.message());
    if (out.empty()) return std::optional<Bar>{};
    return std::optional<Bar>{out.front()};
}

Result<std::vector<Gap>> CandleStore::gaps(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) const {
    std::vector<Gap> out;
    if (toMs <= fromMs) return out;
    const auto fail = [&](const std::string& why) {
        return makeError("cannot look for gaps in " + d->describe(id, tf) + ": " + why);
    };
    if (auto s = d->ready(d->openTimes, kOpenTimesSql); !s) return fail(s.message());

    // `expected` is the next bucket start not yet accounted for.
    std::int64_t expected = bucketStart(tf, fromMs);
    if (expected < fromMs) expected = nextBucketStart(tf, fromMs);

    sql::Statement& st = d->openTimes;
    sql::StatementResetter resetter(st);
    bindSeriesKey(st, id, tf);
    st.bindInt64(4, fromMs);
    st.bindInt64(5, toMs);
    for (;;) {
        const int rc = st.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return fail(sql::sqliteMessage(d->db.handle()));
        // A bar whose open time is off the grid still covers the bucket it falls in.
        const std::int64_t present = bucketStart(tf, st.columnInt64(0));
        if (present < expected) continue;
        if (present > expected) out.push_back(Gap{expected, present, countBuckets(tf, expected, present)});
        expected = nextBucketStart(tf, present);
    }
    if (expected < toMs) out.push_back(Gap{expected, toMs, countBuckets(tf, expected, toMs)});
    return out;
}

Result<std::vector<Gap>> CandleStore::gaps(const InstrumentId& id, Timeframe tf) const {
    const auto fail = [&](const std::string& why) {
        return makeError("cannot look for gaps in " + d->describe(id, tf) + ": " + why);
    };
    if (auto s = d->ready(d->span, kSpanSql); !s) return fail(s.message());
    std::int64_t first = 0;
    std::int64_t last = 0;
    {
        sql::StatementResetter resetter(d->span);
        bindSeriesKey(d->span, id, tf);
        if (d->span.step() != SQLITE_ROW) return fail(sql::sqliteMessage(d->db.handle()));
        if (d->span.columnInt64(2) == 0) return std::vector<Gap>{};
        first = d->span.columnInt64(0);
        last = d->span.columnInt64(1);
    }
    return gaps(id, tf, first, last + 1);
}

Result<std::vector<SeriesInfo>> CandleStore::series() const {
    const auto fail = [&](const std::string& why) {
        return makeError("cannot list the candle series in " + QDir::toNativeSeparators(d->db.path()).toStdString() + ": " + why);
    };
    if (auto s = d->ready(d->series, kSeriesSql); !s) return fail(s.message());
    std::vector<SeriesInfo> out;
    sql::StatementResetter resetter(d->series);
    for (;;) {
        const int rc = d->series.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return fail(sql::sqliteMessage(d->db.handle()));
        const std::string tfText = d->series.columnText(2);
        auto tf = parseTimeframe(tfText);
        if (!tf) return fail("unknown timeframe \"" + tfText + "\" (written by a newer Kairos?)");
        SeriesInfo info;
        info.instrument = InstrumentId{d->series.columnText(0), d->series.columnText(1)};
        info.timeframe = *tf;
        info.barCount = d->series.columnInt64(3);
        info.firstOpenMs = d->series.columnInt64(4);
        info.lastOpenMs = d->series.columnInt64(5);
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const SeriesInfo& a, const SeriesInfo& b) {
        if (a.instrument != b.instrument) return a.instrument < b.instrument;
        return nominalDurationMs(a.timeframe) < nominalDurationMs(b.timeframe);
    });
    return out;
}

Result<std::int64_t> CandleStore::remove(const InstrumentId& id, Timeframe tf) {
    const auto fail = [&](const std::string& why) {
        return makeError("cannot remove " + d->describe(id, tf) + ": " + why + "; nothing was removed");
    };
    if (auto s = d->ready(d->deleteBars, kDeleteBarsSql); !s) return fail(s.message());
    if (auto s = d->ready(d->deleteSeries, kDeleteSeriesSql); !s) return fail(s.message());
    auto tx = sql::Transaction::begin(d->db.handle());
    if (!tx) return fail(tx.message());
    auto seriesId = d->findSeriesId(id, tf);
    if (!seriesId) return fail(seriesId.message());
    if (*seriesId == 0) return std::int64_t{0};

    std::int64_t removed = 0;
    {
        sql::StatementResetter resetter(d->deleteBars);
        d->deleteBars.bindInt64(1, *seriesId);
        if (d->deleteBars.step() != SQLITE_DONE) return fail(sql::sqliteMessage(d->db.handle()));
        removed = sqlite3_changes64(d->db.handle());
    }
    {
        sql::StatementResetter resetter(d->deleteSeries);
        d->deleteSeries.bindInt64(1, *seriesId);
        if (d->deleteSeries.step() != SQLITE_DONE) return fail(sql::sqliteMessage(d->db.handle()));
    }
    if (auto s = tx->commit(); !s) return fail(s.message());
    return removed;
}

}  // namespace kairos::storage
