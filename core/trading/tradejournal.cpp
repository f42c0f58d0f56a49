#include "trading/tradejournal.h"

#include "storage/database.h"
#include "storage/sqlite.h"
#include "trading/paperstore.h"

#include <QDateTime>
#include <QSaveFile>
#include <QString>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cctype>
#include <set>

namespace kairos::trading {

using storage::sql::Statement;

namespace {

/// Sums with an overflow flag, so that the derivation reads as arithmetic.
struct Acc {
    bool failed = false;
    std::string why;
    template <class T>
    T add(const T& a, const T& b) {
        auto r = a.add(b);
        if (!r) {
            if (!failed) why = r.message();
            failed = true;
            return a;
        }
        return *r;
    }
    template <class T>
    T sub(const T& a, const T& b) {
        return add(a, b.negated());
    }
    Money notional(const Price& p, const Quantity& q, int scale) {
        auto r = kairos::notional(p, q, scale, RoundingMode::HalfEven);
        if (!r) {
            if (!failed) why = r.message();
            failed = true;
            return Money::fromRaw(0, scale);
        }
        return *r;
    }
};

struct OpenTrade {
    ClosedTrade t;
    Quantity position;  // > 0, the open quantity
    Quantity exitQuantity;
    Money entryNotional;
    Money exitNotional;
    OrderId lastExitOrder = 0;
};

Price averagePrice(const Money& notional, const Quantity& q, int priceScale) {
    if (q.isZero()) return Price::fromRaw(0, priceScale);
    // notional / q = (notional x 10^s) / raw(q): take notional x 10^s as a Money, then divide.
    const int n = notional.scale();
    const int s = q.scale();
    Result<Money> scaled = n >= s ? Result<Money>(Money::fromRaw(notional.raw(), n - s))
                                  : Money::fromRaw(notional.raw(), 0).mulInt(kairos::detail::pow10(s - n));
    if (!scaled) return Price::fromRaw(0, priceScale);
    auto r = scaled->divInt(q.raw(), priceScale, RoundingMode::HalfEven);
    return r ? Price::fromRaw(r->raw(), priceScale) : Price::fromRaw(0, priceScale);
}

}  // namespace

namespace {
Money proRata(const Money& fee, const Quantity& part, const Quantity& whole) {
    if (whole.isZero()) return fee;
    // fee * part / whole at the fee's scale (both quantities at one scale).
    auto r = fee.mulInt(part.raw());
    if (!r) return fee;
    auto d = r->divInt(whole.raw(), fee.scale(), RoundingMode::HalfEven);
    return d ? *d : fee;
}
}  // namespace

Result<std::vector<ClosedTrade>> deriveClosedTrades(const std::vector<Order>& orders, const std::vector<Fill>& fills,
                                                    int moneyScale) {
    std::map<OrderId, const Order*> byId;
    for (const auto& o : orders) byId[o.id] = &o;
    std::vector<const Fill*> sorted;
    sorted.reserve(fills.size());
    for (const auto& f : fills) sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Fill* a, const Fill* b) { return a->fillId < b->fillId; });

    const Money zero = Money::fromRaw(0, moneyScale);
    std::map<InstrumentId, OpenTrade> open;
    std::vector<ClosedTrade> out;
    Acc acc;

    auto start = [&](const Fill& f, const Quantity& q, const Money& fee) {
        OpenTrade o;
        o.t.tradeId = f.fillId;
        o.t.instrument = f.instrument;
        o.t.side = f.side;
        o.t.entryOrderId = f.orderId;
        o.t.entryTimeMs = f.timeMs;
        o.t.quantity = q;
        o.position = q;
        o.exitQuantity = Quantity::fromRaw(0, q.scale());
        o.entryNotional = acc.notional(f.price, q, moneyScale);
        o.exitNotional = zero;
        o.t.fees = acc.add(zero, fee);
        o.t.fillIds.push_back(f.fillId);
        o.t.entryPrice = Price::fromRaw(0, f.price.scale());  // carries the price scale until finish()
        open[f.instrument] = std::move(o);
    };

    auto finish = [&](OpenTrade& o) {
        ClosedTrade t = std::move(o.t);
        const int priceScale = t.entryPrice.scale();
        t.entryPrice = averagePrice(o.entryNotional, t.quantity, priceScale);
        t.exitPrice = averagePrice(o.exitNotional, o.exitQuantity, priceScale);
        t.pnl = t.isLong() ? acc.sub(o.exitNotional, o.entryNotional) : acc.sub(o.entryNotional, o.exitNotional);
        t.netPnl = acc.sub(t.pnl, t.fees);
        if (o.lastExitOrder == 0) {
            t.exitKind = "booking";
        } else {
            auto it = byId.find(o.lastExitOrder);
            const OrderRole role = it != byId.end() ? it->second->role : OrderRole::Entry;
            t.exitKind = role == OrderRole::StopLoss ? "stop-loss" : role == OrderRole::TakeProfit ? "take-profit" : "order";
        }
        // The entry's stop: its bracket's stop-loss, else a stop-loss child linked to it.
        if (auto it = byId.find(t.entryOrderId); it != byId.end()) {
            if (it->second->request.bracket.stopLoss) t.stopLoss = it->second->request.bracket.stopLoss;
        }
        if (!t.stopLoss) {
            for (const auto& ord : orders)
                if (ord.role == OrderRole::StopLoss && ord.parentId == t.entryOrderId && t.entryOrderId != 0 &&
                    ord.request.stopPrice) {
                    t.stopLoss = ord.request.stopPrice;
                    break;
                }
        }
        if (t.stopLoss) {
            Price distance = acc.sub(t.entryPrice, *t.stopLoss);
            if (distance.isNegative()) distance = distance.negated();
            const Money risk = acc.notional(distance, t.quantity, moneyScale);
            if (!risk.isZero()) {
                t.initialRisk = risk;
                t.rMultiple = t.pnl.toDouble() / risk.toDouble();
            }
        }
        out.push_back(std::move(t));
    };

    for (const Fill* fp : sorted) {
        const Fill& f = *fp;
        if (f.quantity.isZero() || f.quantity.isNegative())
            return makeError("fill " + std::to_string(f.fillId) + " has no positive quantity");
        auto it = open.find(f.instrument);
        if (it == open.end()) {
            start(f, f.quantity, f.fee);
            continue;
        }
        OpenTrade& o = it->second;
        if (f.price.scale() > o.t.entryPrice.scale()) o.t.entryPrice = Price::fromRaw(0, f.price.scale());
        if (f.side == o.t.side) {
            o.position = acc.add(o.position, f.quantity);
            o.t.quantity = acc.add(o.t.quantity, f.quantity);
            o.entryNotional = acc.add(o.entryNotional, acc.notional(f.price, f.quantity, moneyScale));
            o.t.fees = acc.add(o.t.fees, f.fee);
            o.t.fillIds.push_back(f.fillId);
            continue;
        }
        const Quantity closing = std::min(f.quantity, o.position);
        const Quantity rest = acc.sub(f.quantity, closing);
        const Money closingFee = rest.isZero() ? f.fee : proRata(f.fee, closing, f.quantity);
        o.position = acc.sub(o.position, closing);
        o.exitQuantity = acc.add(o.exitQuantity, closing);
        o.exitNotional = acc.add(o.exitNotional, acc.notional(f.price, closing, moneyScale));
        o.t.fees = acc.add(o.t.fees, closingFee);
        o.t.fillIds.push_back(f.fillId);
        o.t.exitTimeMs = f.timeMs;
        o.lastExitOrder = f.orderId;
        if (o.position.isZero()) {
            finish(o);
            open.erase(it);
            if (!rest.isZero()) {
                start(f, rest, acc.sub(f.fee, closingFee));
            }
        }
        if (acc.failed) return makeError("fill " + std::to_string(f.fillId) + ": " + acc.why);
    }
    if (acc.failed) return makeError("closed trades: " + acc.why);
    std::stable_sort(out.begin(), out.end(), [](const ClosedTrade& a, const ClosedTrade& b) {
        return a.exitTimeMs != b.exitTimeMs ? a.exitTimeMs < b.exitTimeMs : a.tradeId < b.tradeId;
    });
    return out;
}

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
bool containsCi(const std::string& hay, const std::string& needleLower) {
    return lower(hay).find(needleLower) != std::string::npos;
}
std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}
}  // namespace

bool matches(const ClosedTrade& t, const TradeFilter& f) {
    if (f.accountId && t.accountId != *f.accountId) return false;
    if (f.instrument && !(t.instrument == *f.instrument)) return false;
    if (f.fromMs && t.exitTimeMs < *f.fromMs) return false;
    if (f.toMs && t.exitTimeMs >= *f.toMs) return false;
    if (f.side && t.side != *f.side) return false;
    if (!f.tag.empty()) {
        const std::string want = lower(trim(f.tag));
        if (std::none_of(t.tags.begin(), t.tags.end(), [&](const std::string& g) { return lower(g) == want; })) return false;
    }
    if (!f.text.empty()) {
        const std::string q = lower(trim(f.text));
        bool hit = containsCi(t.instrument.toString(), q) || containsCi(t.origin, q) || containsCi(t.notes, q) ||
            containsCi(t.accountName, q) || containsCi(t.exitKind, q);
        for (const auto& g : t.tags) hit = hit || containsCi(g, q);
        if (!hit) return false;
    }
    return true;
}

std::vector<std::string> normalizeTags(const std::string& text) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto comma = text.find(',', pos);
        const std::string part = trim(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
        if (!part.empty() && seen.insert(lower(part)).second) out.push_back(part);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

namespace {
std::string isoUtc(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toStdString();
}
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}
std::string joinTags(const std::vector<std::string>& tags, const char* sep) {
    std::string out;
    for (const auto& g : tags) {
        if (!out.empty()) out += sep;
        out += g;
    }
    return out;
}
}  // namespace

std::string toCsv(const std::vector<ClosedTrade>& trades) {
    std::string out =
        "account,trade_id,instrument,side,quantity,entry_time,entry_price,exit_time,exit_price,pnl,fees,net_pnl,stop_loss,"
        "initial_risk,r_multiple,duration_s,exit,origin,tags,notes\r\n";
    for (const auto& t : trades) {
        std::string r;
        std::array<char, 32> rbuf{};
        if (t.rMultiple) std::snprintf(rbuf.data(), rbuf.size(), "%.4f", *t.rMultiple);
        const std::vector<std::string> cells = {
            t.accountName,
            std::to_string(t.tradeId),
            t.instrument.toString(),
            t.isLong() ? "long" : "short",
            t.quantity.toString(),
            isoUtc(t.entryTimeMs),
            t.entryPrice.toString(),
            isoUtc(t.exitTimeMs),
            t.exitPrice.toString(),
            t.pnl.toString(),
            t.fees.toString(),
            t.netPnl.toString(),
            t.stopLoss ? t.stopLoss->toString() : std::string(),
            t.initialRisk ? t.initialRisk->toString() : std::string(),
            std::string(rbuf.data()),
            std::to_string(t.durationMs() / 1000),
            t.exitKind,
            t.origin,
            joinTags(t.tags, "; "),
            t.notes,
        };
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i) r += ',';
            r += csvField(cells[i]);
        }
        out += r + "\r\n";
    }
    return out;
}

TradeJournal::TradeJournal(storage::Database& db) : m_db(db) {}

namespace {
Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }
}  // namespace

Result<std::vector<ClosedTrade>> TradeJournal::trades(const TradeFilter& filter) const {
    auto accounts = PaperStore::accounts(m_db);
    if (!accounts) return accounts.error();
    sqlite3* db = m_db.handle();
    Statement origins;
    if (auto s = origins.prepare(
            db, "SELECT origin FROM order_origins WHERE account_id = ?1 AND order_id = ?2 AND order_created_ms = ?3");
        !s)
        return s.error();
    Statement notes;
    if (auto s = notes.prepare(db,
                               "SELECT notes, tags FROM trade_annotations WHERE account_id = ?1 AND trade_id = ?2 AND "
                               "entry_time_ms = ?3");
        !s)
        return s.error();
    std::vector<ClosedTrade> out;
    for (const auto& info : *accounts) {
        if (filter.accountId && info.id != *filter.accountId) continue;
        PaperStore store(m_db, info);
        auto snap = store.load();
        if (!snap) return makeError("account " + info.name + ": " + snap.message());
        if (!snap->exists) continue;
        auto list = deriveClosedTrades(snap->orders, snap->fills, snap->startingCash.scale());
        if (!list) return makeError("account " + info.name + ": " + list.message());
        std::map<OrderId, std::int64_t> created;
        for (const auto& o : snap->orders) created[o.id] = o.createdMs;
        for (auto& t : *list) {
            t.accountId = info.id;
            t.accountName = info.name;
            if (auto c = created.find(t.entryOrderId); c != created.end()) {
                storage::sql::StatementResetter reset(origins);
                origins.bindInt64(1, info.id);
                origins.bindInt64(2, static_cast<std::int64_t>(t.entryOrderId));
                origins.bindInt64(3, c->second);
                if (origins.step() == SQLITE_ROW) t.origin = origins.columnText(0);
            }
            {
                storage::sql::StatementResetter reset(notes);
                notes.bindInt64(1, info.id);
                notes.bindInt64(2, static_cast<std::int64_t>(t.tradeId));
                notes.bindInt64(3, t.entryTimeMs);
                if (notes.step() == SQLITE_ROW) {
                    t.notes = notes.columnText(0);
                    t.tags = normalizeTags(notes.columnText(1));
                }
            }
            if (matches(t, filter)) out.push_back(std::move(t));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const ClosedTrade& a, const ClosedTrade& b) {
        if (a.exitTimeMs != b.exitTimeMs) return a.exitTimeMs < b.exitTimeMs;
        if (a.accountId != b.accountId) return a.accountId < b.accountId;
        return a.tradeId < b.tradeId;
    });
    return out;
}

Result<Money> TradeJournal::startingCash(std::optional<std::int64_t> accountId) const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db, "SELECT starting_cash_raw, money_scale, account_id FROM trading_accounts ORDER BY account_id");
        !s)
        return s.error();
    Money total = Money::fromRaw(0, 0);
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) {
        if (accountId && st.columnInt64(2) != *accountId) continue;
        auto cash = Money::fromRawChecked(st.columnInt64(0), st.columnInt(1));
        if (!cash) return makeError("account " + std::to_string(st.columnInt64(2)) + ": " + cash.message());
        auto sum = total.add(*cash);
        if (!sum) return sum.error();
        total = *sum;
    }
    if (rc != SQLITE_DONE) return sqlError(db, "cannot read the trading accounts");
    return total;
}

Status TradeJournal::setOrigin(std::int64_t accountId, const Order& order, const std::string& origin) {
    const std::string text = trim(origin);
    if (text.empty()) return makeError("the origin of order " + std::to_string(order.id) + " is empty");
    if (text.size() > 200) return makeError("the origin of order " + std::to_string(order.id) + " is longer than 200 characters");
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db,
                            "INSERT INTO order_origins (account_id, order_id, order_created_ms, origin) VALUES (?1, ?2, ?3, ?4) "
                            "ON CONFLICT (account_id, order_id, order_created_ms) DO UPDATE SET origin = excluded.origin");
        !s)
        return s;
    st.bindInt64(1, accountId);
    st.bindInt64(2, static_cast<std::int64_t>(order.id));
    st.bindInt64(3, order.createdMs);
    st.bindText(4, text);
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot store the origin of order " + std::to_string(order.id));
    return {};
}

Result<std::optional<std::string>> TradeJournal::origin(std::int64_t accountId, const Order& order) const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s =
            st.prepare(db, "SELECT origin FROM order_origins WHERE account_id = ?1 AND order_id = ?2 AND order_created_ms = ?3");
        !s)
        return s.error();
    st.bindInt64(1, accountId);
    st.bindInt64(2, static_cast<std::int64_t>(order.id));
    st.bindInt64(3, order.createdMs);
    const int rc = st.step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(st.columnText(0));
    if (rc != SQLITE_DONE) return sqlError(db, "cannot read the origin of order " + std::to_string(order.id));
    return std::optional<std::string>{};
}

Status TradeJournal::annotate(const ClosedTrade& trade, const std::string& notes, const std::vector<std::string>& tags) {
    if (notes.size() > 10000) return makeError("the notes are longer than 10000 characters");
    std::vector<std::string> clean;
    for (const auto& g : tags) {
        for (auto& part : normalizeTags(g)) {
            if (part.size() > 50) return makeError("the tag \"" + part.substr(0, 50) + "…\" is longer than 50 characters");
            clean.push_back(std::move(part));
        }
    }
    clean = normalizeTags(joinTags(clean, ","));
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s =
            st.prepare(db,
                       "INSERT INTO trade_annotations (account_id, trade_id, entry_time_ms, notes, tags) VALUES (?1, ?2, ?3, "
                       "?4, ?5) ON CONFLICT (account_id, trade_id, entry_time_ms) DO UPDATE SET notes = excluded.notes, "
                       "tags = excluded.tags");
        !s)
        return s;
    st.bindInt64(1, trade.accountId);
    st.bindInt64(2, static_cast<std::int64_t>(trade.tradeId));
    st.bindInt64(3, trade.entryTimeMs);
    st.bindText(4, notes);
    st.bindText(5, joinTags(clean, ","));
    if (st.step() != SQLITE_DONE) return sqlError(db, "cannot store the notes of trade " + std::to_string(trade.tradeId));
    return {};
}

Status TradeJournal::exportCsv(const std::vector<ClosedTrade>& trades, const std::string& path) {
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly)) return makeError("cannot write " + path + ": " + file.errorString().toStdString());
    const std::string text = toCsv(trades);
    if (file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())) {
        const std::string why = file.errorString().toStdString();
        file.cancelWriting();
        return makeError("cannot write " + path + ": " + why);
    }
    if (!file.commit()) return makeError("cannot write " + path + ": " + file.errorString().toStdString());
    return {};
}

Result<std::optional<std::int64_t>> TradeJournal::signalId(const InstrumentId& id, const std::string& timeframe,
                                                           std::int64_t barOpenMs) const {
    sqlite3* db = m_db.handle();
    Statement st;
    if (auto s = st.prepare(db,
                            "SELECT signal_id FROM signal_history WHERE venue = ?1 AND symbol = ?2 AND timeframe = ?3 AND "
                            "bar_open = ?4");
        !s)
        return s.error();
    st.bindText(1, id.venue);
    st.bindText(2, id.symbol);
    st.bindText(3, timeframe);
    st.bindInt64(4, barOpenMs);
    const int rc = st.step();
    if (rc == SQLITE_ROW) return std::optional<std::int64_t>(st.columnInt64(0));
    if (rc != SQLITE_DONE) return sqlError(db, "cannot read the signal history");
    return std::optional<std::int64_t>{};
}

}  // namespace kairos::trading
