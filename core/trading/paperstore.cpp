#include "trading/paperstore.h"

#include "storage/database.h"
#include "storage/sqlite.h"

#include <algorithm>
#include <map>

namespace kairos::trading {

using storage::sql::Statement;
using storage::sql::Transaction;

struct PaperStore::Impl {
    sqlite3* db;
    AccountInfo account;
};

PaperStore::PaperStore(storage::Database& db, AccountInfo account)
    : d(std::make_unique<Impl>(Impl{db.handle(), std::move(account)})) {}

const AccountInfo& PaperStore::account() const { return d->account; }
PaperStore::~PaperStore() = default;

namespace {
Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }

template <class T>
void bindFixed(Statement& st, int rawIndex, const T& v) {
    st.bindInt64(rawIndex, v.raw());
    st.bindInt64(rawIndex + 1, v.scale());
}
template <class T>
void bindOptional(Statement& st, int rawIndex, const std::optional<T>& v) {
    if (v) {
        bindFixed(st, rawIndex, *v);
    } else {
        sqlite3_bind_null(st.get(), rawIndex);
        sqlite3_bind_null(st.get(), rawIndex + 1);
    }
}
template <class T>
Result<T> readFixed(const Statement& st, int rawIndex) {
    return T::fromRawChecked(st.columnInt64(rawIndex), static_cast<int>(st.columnInt64(rawIndex + 1)));
}
template <class T>
Result<std::optional<T>> readOptional(const Statement& st, int rawIndex) {
    if (sqlite3_column_type(st.get(), rawIndex) == SQLITE_NULL) return std::optional<T>{};
    auto v = readFixed<T>(st, rawIndex);
    if (!v) return v.error();
    return std::optional<T>{*v};
}

Status upsertAccountIds(sqlite3* db, std::int64_t accountId, OrderId nextOrderId, std::uint64_t nextFillId) {
    Statement st;
    if (auto s = st.prepare(db,
                            "UPDATE trading_accounts SET next_order_id = max(next_order_id, ?1), "
                            "next_fill_id = max(next_fill_id, ?2) WHERE account_id = ?3");
        !s)
        return s;
    st.bindInt64(1, static_cast<std::int64_t>(nextOrderId));
    st.bindInt64(2, static_cast<std::int64_t>(nextFillId));
    st.bindInt64(3, accountId);
    if (st.step() != SQLITE_DONE) return sqlError(db, "paper account ids not saved");
    return {};
}
// The `advanced` column: "key=value;..." with trail=bips:<n>|amount:<price>, ext=<price>,
// tstop=<price>, tps=<price>@<percent>,... and oco=<stop>[/<limit>]; '' for a plain order.
std::string encodeAdvanced(const Order& o) {
    std::string out;
    auto add = [&](const std::string& key, const std::string& value) {
        if (!out.empty()) out += ';';
        out += key + '=' + value;
    };
    if (const auto& t = o.request.trailing)
        add("trail", t->kind == TrailingKind::Bips ? "bips:" + std::to_string(t->bips) : "amount:" + t->amount.toString());
    if (o.trailingExtreme) add("ext", o.trailingExtreme->toString());
    if (o.trailingStop) add("tstop", o.trailingStop->toString());
    if (!o.request.bracket.takeProfits.empty()) {
        std::string tps;
        for (const TakeProfitLevel& tp : o.request.bracket.takeProfits)
            tps += (tps.empty() ? "" : ",") + tp.price.toString() + '@' + std::to_string(tp.percent);
        add("tps", tps);
    }
    if (const auto& leg = o.request.ocoStop)
        add("oco", leg->stopPrice.toString() + (leg->limitPrice ? "/" + leg->limitPrice->toString() : std::string()));
    return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find(sep, start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return parts;
}

Status decodeAdvanced(const std::string& text, Order& o) {
    if (text.empty()) return {};
    for (const std::string& item : split(text, ';')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) return makeError("'" + item + "' is not key=value");
        const std::string key = item.substr(0, eq);
        const std::string value = item.substr(eq + 1);
        auto price = [&](const std::string& v) -> Result<Price> {
            auto p = Price::parse(v);
            if (!p) return makeError(key + ": " + p.message());
            return *p;
        };
        if (key == "trail") {
            Trailing t;
            if (value.rfind("bips:", 0) == 0) {
                t.kind = TrailingKind::Bips;
                const std::string n = value.substr(5);
                if (n.empty() || n.size() > 4 || n.find_first_not_of("0123456789") != std::string::npos)
                    return makeError("trail: bad bips '" + n + "'");
                t.bips = std::stoi(n);
            } else if (value.rfind("amount:", 0) == 0) {
                t.kind = TrailingKind::Amount;
                auto a = price(value.substr(7));
                if (!a) return a.error();
                t.amount = *a;
            } else {
                return makeError("trail: '" + value + "' is neither bips:<n> nor amount:<price>");
            }
            o.request.trailing = t;
        } else if (key == "ext" || key == "tstop") {
            auto p = price(value);
            if (!p) return p.error();
            (key == "ext" ? o.trailingExtreme : o.trailingStop) = *p;
        } else if (key == "tps") {
            for (const std::string& level : split(value, ',')) {
                const auto at = level.find('@');
                const std::string pct = at == std::string::npos ? std::string() : level.substr(at + 1);
                if (pct.empty() || pct.size() > 3 || pct.find_first_not_of("0123456789") != std::string::npos)
                    return makeError("tps: '" + level + "' is not <price>@<percent>");
                auto p = price(level.substr(0, at));
                if (!p) return p.error();
                o.request.bracket.takeProfits.push_back({*p, std::stoi(pct)});
            }
        } else if (key == "oco") {
            const auto slash = value.find('/');
            auto stop = price(value.substr(0, slash));
            if (!stop) return stop.error();
            OcoStopLeg leg{*stop, std::nullopt};
            if (slash != std::string::npos) {
                auto limit = price(value.substr(slash + 1));
                if (!limit) return limit.error();
                leg.limitPrice = *limit;
            }
            o.request.ocoStop = leg;
        } else {
            return makeError("unknown key '" + key + "'");
        }
    }
    return {};
}
}  // namespace

std::vector<Order> JournalSnapshot::openOrders() const {
    std::vector<Order> out;
    for (const Order& o : orders)
        if (o.isOpen()) out.push_back(o);
    return out;
}

Result<Portfolio> JournalSnapshot::portfolio() const {
    Portfolio p(startingCash, startingCash.scale());
    for (const Fill& f : fills)
        if (auto s = p.applyFill(f); !s) return makeError("stored paper fill " + std::to_string(f.fillId) + ": " + s.message());
    return p;
}

Result<PaperSnapshot> PaperStore::load() const {
    sqlite3* db = d->db;
    PaperSnapshot snap;
    {
        Statement st;
        if (auto s = st.prepare(db,
                                "SELECT starting_cash_raw, money_scale, next_order_id, next_fill_id FROM trading_accounts "
                                "WHERE account_id = ?1");
            !s)
            return s.error();
        st.bindInt64(1, d->account.id);
        const int rc = st.step();
        if (rc == SQLITE_DONE) return snap;
        if (rc != SQLITE_ROW) return sqlError(db, "paper account not readable");
        auto cash = readFixed<Money>(st, 0);
        if (!cash) return makeError("paper account: starting cash: " + cash.message());
        snap.exists = true;
        snap.startingCash = *cash;
        snap.nextOrderId = static_cast<OrderId>(st.columnInt64(2));
        snap.nextFillId = static_cast<std::uint64_t>(st.columnInt64(3));
    }
    {
        Statement st;
        if (auto s =
                st.prepare(db,
                           "SELECT order_id, client_order_id, venue, symbol, side, type, tif, quantity_raw, quantity_scale, "
                           "limit_raw, limit_scale, stop_raw, stop_scale, stop_loss_raw, stop_loss_scale, take_profit_raw, "
                           "take_profit_scale, status, role, parent_id, oco_sibling_id, triggered, filled_raw, filled_scale, "
                           "filled_notional_raw, filled_notional_scale, fees_raw, fees_scale, reason, created_at, updated_at, "
                           "advanced FROM account_orders WHERE account_id = ?1 ORDER BY order_id");
            !s)
            return s.error();
        st.bindInt64(1, d->account.id);
        int rc = SQLITE_OK;
        while ((rc = st.step()) == SQLITE_ROW) {
            Order o;
            o.id = static_cast<OrderId>(st.columnInt64(0));
            const std::string where = "stored paper order " + std::to_string(o.id);
            o.request.clientOrderId = st.columnText(1);
            o.request.instrument = InstrumentId{st.columnText(2), st.columnText(3)};
            auto side = sideFromString(st.columnText(4));
            auto type = orderTypeFromString(st.columnText(5));
            auto tif = timeInForceFromString(st.columnText(6));
            auto status = orderStatusFromString(st.columnText(17));
            auto role = orderRoleFromString(st.columnText(18));
            if (!side || !type || !tif || !status || !role)
                return makeError(where + " has a side, type, time in force, status or role this version does not know (" +
                                 st.columnText(4) + ", " + st.columnText(5) + ", " + st.columnText(6) + ", " + st.columnText(17) +
                                 ", " + st.columnText(18) + ")");
            o.request.side = *side;
            o.request.type = *type;
            o.request.timeInForce = *tif;
            o.status = *status;
            o.role = *role;
            auto q = readFixed<Quantity>(st, 7);
            auto lim = readOptional<Price>(st, 9);
            auto stop = readOptional<Price>(st, 11);
            auto sl = readOptional<Price>(st, 13);
            auto tp = readOptional<Price>(st, 15);
            auto filled = readFixed<Quantity>(st, 22);
            auto notional = readFixed<Money>(st, 24);
            auto fees = readFixed<Money>(st, 26);
            if (!q || !lim || !stop || !sl || !tp || !filled || !notional || !fees)
                return makeError(where + " has a decimal with a scale outside 0..18");
            o.request.quantity = *q;
            o.request.limitPrice = *lim;
            o.request.stopPrice = *stop;
            o.request.bracket.stopLoss = *sl;
            o.request.bracket.takeProfit = *tp;
            o.parentId = static_cast<OrderId>(st.columnInt64(19));
            o.ocoSiblingId = static_cast<OrderId>(st.columnInt64(20));
            o.triggered = st.columnInt64(21) != 0;
            o.filledQuantity = *filled;
            o.filledNotional = *notional;
            o.feesPaid = *fees;
            o.rejectReason = st.columnText(28);
            o.createdMs = st.columnInt64(29);
            o.updatedMs = st.columnInt64(30);
            if (auto adv = decodeAdvanced(st.columnText(31), o); !adv)
                return makeError(where + " has unreadable order details (" + adv.message() + ")");
            snap.orders.push_back(std::move(o));
        }
        if (rc != SQLITE_DONE) return sqlError(db, "paper orders not readable");
    }
    {
        Statement st;
        if (auto s = st.prepare(db,
                                "SELECT fill_id, order_id, client_order_id, venue, symbol, side, price_raw, price_scale, "
                                "quantity_raw, quantity_scale, fee_raw, fee_scale, liquidity, time_ms FROM account_fills "
                                "WHERE account_id = ?1 ORDER BY fill_id");
            !s)
            return s.error();
        st.bindInt64(1, d->account.id);
        int rc = SQLITE_OK;
        while ((rc = st.step()) == SQLITE_ROW) {
            Fill f;
            f.fillId = static_cast<std::uint64_t>(st.columnInt64(0));
            const std::string where = "stored paper fill " + std::to_string(f.fillId);
            f.orderId = static_cast<OrderId>(st.columnInt64(1));
            f.clientOrderId = st.columnText(2);
            f.instrument = InstrumentId{st.columnText(3), st.columnText(4)};
            auto side = sideFromString(st.columnText(5));
            auto liq = liquidityFromString(st.columnText(12));
            if (!side || !liq) return makeError(where + " has an unknown side or liquidity");
            f.side = *side;
            f.liquidity = *liq;
            auto price = readFixed<Price>(st, 6);
            auto q = readFixed<Quantity>(st, 8);
            auto fee = readFixed<Money>(st, 10);
            if (!price || !q || !fee) return makeError(where + " has a decimal with a scale outside 0..18");
            f.price = *price;
            f.quantity = *q;
            f.fee = *fee;
            f.timeMs = st.columnInt64(13);
            snap.fills.push_back(std::move(f));
        }
        if (rc != SQLITE_DONE) return sqlError(db, "paper fills not readable");
    }
    return snap;
}

Status PaperStore::createAccount(const Money& startingCash, std::int64_t nowMs) {
    Statement st;
    if (auto s = st.prepare(d->db,
                            "INSERT OR IGNORE INTO trading_accounts (account_id, starting_cash_raw, money_scale, next_order_id, "
                            "next_fill_id, created_at, name, kind, venue) VALUES (?4, ?1, ?2, 1, 1, ?3, ?5, ?6, ?7)");
        !s)
        return s;
    bindFixed(st, 1, startingCash);
    st.bindInt64(3, nowMs);
    st.bindInt64(4, d->account.id);
    st.bindText(5, d->account.name);
    st.bindText(6, toString(d->account.kind));
    st.bindText(7, d->account.venue);
    if (st.step() != SQLITE_DONE) return sqlError(d->db, "paper account not created");
    return {};
}

Status PaperStore::record(const OrderEvents& events, OrderId nextOrderId, std::uint64_t nextFillId) {
    sqlite3* db = d->db;
    // The last state of each order in this batch.
    std::map<OrderId, const Order*> last;
    for (const auto& e : events) last[e.order.id] = &e.order;
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    Statement up;
    if (auto s = up.prepare(
            db,
            "INSERT INTO account_orders (account_id, order_id, client_order_id, venue, symbol, side, type, tif, quantity_raw, "
            "quantity_scale, limit_raw, limit_scale, stop_raw, stop_scale, stop_loss_raw, stop_loss_scale, "
            "take_profit_raw, take_profit_scale, status, role, parent_id, oco_sibling_id, triggered, filled_raw, "
            "filled_scale, filled_notional_raw, filled_notional_scale, fees_raw, fees_scale, reason, created_at, "
            "updated_at, advanced) VALUES (?32,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
            "?23,?24,?25,?26,?27,?28,?29,?30,?31,?33) ON CONFLICT (account_id, order_id) DO UPDATE SET "
            "quantity_raw = excluded.quantity_raw, quantity_scale = excluded.quantity_scale, "
            // a live amend replaces the exchange's order under a new client order id
            "client_order_id = excluded.client_order_id, "
            // amend() moves prices (a dragged SL/TP line)
            "limit_raw = excluded.limit_raw, limit_scale = excluded.limit_scale, "
            "stop_raw = excluded.stop_raw, stop_scale = excluded.stop_scale, "
            "stop_loss_raw = excluded.stop_loss_raw, stop_loss_scale = excluded.stop_loss_scale, "
            "take_profit_raw = excluded.take_profit_raw, take_profit_scale = excluded.take_profit_scale, "
            "status = excluded.status, oco_sibling_id = excluded.oco_sibling_id, triggered = excluded.triggered, "
            "filled_raw = excluded.filled_raw, filled_scale = excluded.filled_scale, "
            "filled_notional_raw = excluded.filled_notional_raw, "
            "filled_notional_scale = excluded.filled_notional_scale, fees_raw = excluded.fees_raw, "
            "fees_scale = excluded.fees_scale, reason = excluded.reason, updated_at = excluded.updated_at, "
            "advanced = excluded.advanced");
        !s)
        return s;
    for (const auto& [id, o] : last) {
        storage::sql::StatementResetter reset(up);
        up.bindInt64(32, d->account.id);
        up.bindInt64(1, static_cast<std::int64_t>(o->id));
        up.bindText(2, o->request.clientOrderId);
        up.bindText(3, o->request.instrument.venue);
        up.bindText(4, o->request.instrument.symbol);
        up.bindText(5, toString(o->request.side));
        up.bindText(6, toString(o->request.type));
        up.bindText(7, toString(o->request.timeInForce));
        bindFixed(up, 8, o->request.quantity);
        bindOptional(up, 10, o->request.limitPrice);
        bindOptional(up, 12, o->request.stopPrice);
        bindOptional(up, 14, o->request.bracket.stopLoss);
        bindOptional(up, 16, o->request.bracket.takeProfit);
        up.bindText(18, toString(o->status));
        up.bindText(19, toString(o->role));
        up.bindInt64(20, static_cast<std::int64_t>(o->parentId));
        up.bindInt64(21, static_cast<std::int64_t>(o->ocoSiblingId));
        up.bindInt64(22, o->triggered ? 1 : 0);
        bindFixed(up, 23, o->filledQuantity);
        bindFixed(up, 25, o->filledNotional);
        bindFixed(up, 27, o->feesPaid);
        up.bindText(29, o->rejectReason);
        up.bindInt64(30, o->createdMs);
        up.bindInt64(31, o->updatedMs);
        up.bindText(33, encodeAdvanced(*o));
        if (up.step() != SQLITE_DONE) return sqlError(db, "paper order " + o->request.clientOrderId + " not saved");
    }
    Statement ins;
    if (auto s = ins.prepare(
            db,
            "INSERT INTO account_fills (account_id, fill_id, order_id, client_order_id, venue, symbol, side, price_raw, "
            "price_scale, quantity_raw, quantity_scale, fee_raw, fee_scale, liquidity, time_ms) "
            "VALUES (?15,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
        !s)
        return s;
    for (const auto& e : events) {
        if (!e.fill) continue;
        const Fill& f = *e.fill;
        storage::sql::StatementResetter reset(ins);
        ins.bindInt64(15, d->account.id);
        ins.bindInt64(1, static_cast<std::int64_t>(f.fillId));
        ins.bindInt64(2, static_cast<std::int64_t>(f.orderId));
        ins.bindText(3, f.clientOrderId);
        ins.bindText(4, f.instrument.venue);
        ins.bindText(5, f.instrument.symbol);
        ins.bindText(6, toString(f.side));
        bindFixed(ins, 7, f.price);
        bindFixed(ins, 9, f.quantity);
        bindFixed(ins, 11, f.fee);
        ins.bindText(13, toString(f.liquidity));
        ins.bindInt64(14, f.timeMs);
        if (ins.step() != SQLITE_DONE) return sqlError(db, "paper fill " + std::to_string(f.fillId) + " not saved");
    }
    if (auto s = upsertAccountIds(db, d->account.id, nextOrderId, nextFillId); !s) return s;
    return tx->commit();
}

Status PaperStore::reset(const Money& startingCash, std::int64_t nowMs) {
    auto tx = Transaction::begin(d->db);
    if (!tx) return tx.error();
    for (const char* sql : {"DELETE FROM account_fills WHERE account_id = ?1", "DELETE FROM account_orders WHERE account_id = ?1",
                            "DELETE FROM trading_accounts WHERE account_id = ?1"}) {
        Statement st;
        if (auto s = st.prepare(d->db, sql); !s) return s;
        st.bindInt64(1, d->account.id);
        if (st.step() != SQLITE_DONE) return sqlError(d->db, "account " + d->account.name + " not reset");
    }
    if (auto s = createAccount(startingCash, nowMs); !s) return s;
    return tx->commit();
}

Result<std::vector<AccountInfo>> PaperStore::accounts(storage::Database& database) {
    sqlite3* db = database.handle();
    Statement st;
    if (auto s = st.prepare(db, "SELECT account_id, name, kind, venue FROM trading_accounts ORDER BY account_id"); !s)
        return s.error();
    std::vector<AccountInfo> out;
    int rc = SQLITE_OK;
    while ((rc = st.step()) == SQLITE_ROW) {
        AccountInfo a;
        a.id = st.columnInt64(0);
        a.name = st.columnText(1);
        auto kind = accountKindFromString(st.columnText(2));
        if (!kind)
            return makeError("stored account " + a.name + " has a kind this version does not know (" + st.columnText(2) + ")");
        a.kind = *kind;
        a.venue = st.columnText(3);
        out.push_back(std::move(a));
    }
    if (rc != SQLITE_DONE) return sqlError(db, "trading accounts not readable");
    return out;
}

Result<AccountInfo> PaperStore::addAccount(storage::Database& database, AccountInfo info, const Money& startingCash,
                                           std::int64_t nowMs) {
    if (info.name.empty()) return makeError("an account needs a name");
    auto existing = accounts(database);
    if (!existing) return existing.error();
    std::int64_t next = 1;
    for (const AccountInfo& a : *existing) {
        if (a.name == info.name) return makeError("there is already an account named " + info.name);
        next = std::max(next, a.id + 1);
    }
    info.id = next;
    PaperStore store(database, info);
    if (auto s = store.createAccount(startingCash, nowMs); !s) return s.error();
    return info;
}

}  // namespace kairos::trading
