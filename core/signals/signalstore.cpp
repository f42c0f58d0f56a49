#include "signals/signalstore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <sstream>

namespace kairos::signal {

using storage::sql::Statement;

struct SignalStore::Impl {
    sqlite3* db;
};

SignalStore::SignalStore(storage::Database& db) : d(std::make_unique<Impl>(Impl{db.handle()})) {}
SignalStore::~SignalStore() = default;

namespace {
Direction sideOf(const std::string& s) {
    return s == "LONG" ? Direction::Long : s == "SHORT" ? Direction::Short : Direction::Hold;
}
Exit exitOf(const std::string& s) {
    return s == "stop" ? Exit::StopLoss : s == "tp3" ? Exit::TakeProfit3 : s == "expired" ? Exit::Expired : Exit::Open;
}
Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }
}  // namespace

Status SignalStore::save(const InstrumentId& id, Timeframe tf, const std::vector<Signal>& list,
                         const std::vector<Outcome>& outcomes) {
    if (list.size() != outcomes.size())
        return makeError("save: " + std::to_string(list.size()) + " signals but " + std::to_string(outcomes.size()) +
                         " outcomes");
    auto tx = storage::sql::Transaction::begin(d->db);
    if (!tx) return tx.error();
    Statement st;
    if (auto s = st.prepare(
            d->db,
            "INSERT INTO signal_history (venue, symbol, timeframe, bar_open, known_at, side, confidence, score, entry, "
            "stop_loss, tp1, tp2, tp3, reward_risk, reasons, exit, tp_reached, r, bars_held, resolved_at) "
            "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20) "
            "ON CONFLICT (venue, symbol, timeframe, bar_open) DO UPDATE SET known_at = excluded.known_at, "
            "side = excluded.side, confidence = excluded.confidence, score = excluded.score, entry = excluded.entry, "
            "stop_loss = excluded.stop_loss, tp1 = excluded.tp1, tp2 = excluded.tp2, tp3 = excluded.tp3, "
            "reward_risk = excluded.reward_risk, reasons = excluded.reasons, exit = excluded.exit, "
            "tp_reached = excluded.tp_reached, r = excluded.r, bars_held = excluded.bars_held, "
            "resolved_at = excluded.resolved_at");
        !s)
        return s;
    const std::string tfText = toString(tf);
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Signal& s = list[i];
        const Outcome& o = outcomes[i];
        std::string reasons;
        for (const auto& r : s.reasons) reasons += (reasons.empty() ? "" : "\n") + r;
        sqlite3_stmt* raw = st.get();
        st.bindText(1, id.venue);
        st.bindText(2, id.symbol);
        st.bindText(3, tfText);
        st.bindInt64(4, s.barOpenMs);
        st.bindInt64(5, s.timeMs);
        st.bindText(6, toString(s.side));
        st.bindInt64(7, s.confidence);
        st.bindInt64(8, s.score);
        sqlite3_bind_double(raw, 9, s.entry);
        sqlite3_bind_double(raw, 10, s.stopLoss);
        sqlite3_bind_double(raw, 11, s.takeProfits[0]);
        sqlite3_bind_double(raw, 12, s.takeProfits[1]);
        sqlite3_bind_double(raw, 13, s.takeProfits[2]);
        sqlite3_bind_double(raw, 14, s.rewardRisk);
        st.bindText(15, reasons);
        st.bindText(16, toString(o.exit));
        st.bindInt64(17, o.tpReached);
        sqlite3_bind_double(raw, 18, o.r);
        st.bindInt64(19, o.barsHeld);
        if (o.exit == Exit::Open)
            sqlite3_bind_null(raw, 20);
        else
            st.bindInt64(20, o.resolvedMs);
        if (st.step() != SQLITE_DONE)
            return sqlError(d->db, "cannot store the signal at " + formatUtc(s.timeMs) + "; nothing was stored");
        st.reset();
    }
    return tx->commit();
}

Result<std::vector<StoredSignal>> SignalStore::history(const InstrumentId& id, Timeframe tf, std::int64_t fromMs,
                                                       std::int64_t toMs) const {
    Statement st;
    if (auto s = st.prepare(
            d->db,
            "SELECT bar_open, known_at, side, confidence, score, entry, stop_loss, tp1, tp2, tp3, reward_risk, reasons, "
            "exit, tp_reached, r, bars_held, coalesce(resolved_at, 0) FROM signal_history "
            "WHERE venue = ?1 AND symbol = ?2 AND timeframe = ?3 AND bar_open >= ?4 AND bar_open < ?5 ORDER BY bar_open");
        !s)
        return s.error();
    st.bindText(1, id.venue);
    st.bindText(2, id.symbol);
    st.bindText(3, toString(tf));
    st.bindInt64(4, fromMs);
    st.bindInt64(5, toMs);
    std::vector<StoredSignal> out;
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) {
        StoredSignal x;
        x.id = id;
        x.tf = tf;
        sqlite3_stmt* raw = st.get();
        x.signal.barOpenMs = st.columnInt64(0);
        x.signal.timeMs = st.columnInt64(1);
        x.signal.side = sideOf(st.columnText(2));
        x.signal.confidence = st.columnInt(3);
        x.signal.score = st.columnInt(4);
        x.signal.entry = sqlite3_column_double(raw, 5);
        x.signal.stopLoss = sqlite3_column_double(raw, 6);
        for (int k = 0; k < 3; ++k) x.signal.takeProfits[static_cast<std::size_t>(k)] = sqlite3_column_double(raw, 7 + k);
        x.signal.rewardRisk = sqlite3_column_double(raw, 10);
        std::istringstream reasons(st.columnText(11));
        for (std::string line; std::getline(reasons, line);) x.signal.reasons.push_back(line);
        x.outcome.exit = exitOf(st.columnText(12));
        x.outcome.tpReached = st.columnInt(13);
        x.outcome.r = sqlite3_column_double(raw, 14);
        x.outcome.barsHeld = st.columnInt(15);
        x.outcome.resolvedMs = st.columnInt64(16);
        out.push_back(std::move(x));
    }
    if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read signal history");
    return out;
}

Result<std::map<std::string, AccuracyBucket>> SignalStore::accuracy() const {
    Statement st;
    if (auto s = st.prepare(d->db,
                            "SELECT venue || ':' || symbol, timeframe, side, confidence, tp_reached, r FROM signal_history "
                            "WHERE side != 'HOLD' AND exit != 'open'");
        !s)
        return s.error();
    std::map<std::string, AccuracyBucket> out;
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) {
        const int band = std::min(st.columnInt(3) / 20, 4);
        const bool win = st.columnInt(4) >= 1;
        const double r = sqlite3_column_double(st.get(), 5);
        for (const std::string& key :
             {std::string("all"), st.columnText(2), "instrument " + st.columnText(0), "timeframe " + st.columnText(1),
              "confidence " + std::to_string(band * 20) + "-" + (band == 4 ? "100" : std::to_string(band * 20 + 19))}) {
            AccuracyBucket& b = out[key];
            ++b.count;
            b.wins += win ? 1 : 0;
            b.sumR += r;
        }
    }
    if (rc != SQLITE_DONE) return sqlError(d->db, "cannot read signal history");
    return out;
}

}  // namespace kairos::signal
