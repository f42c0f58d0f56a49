// LiveVenue's catch-up over REST and its reconciliation with Binance (livevenue.h "Reconciliation"):
// an order's state by client order id, its missed trades, orders placed elsewhere, order lists and
// balances. The rest of LiveVenue is in livevenue.cpp and liveorderlists.cpp.
#include "live/livevenue.h"

#include <QTimer>

#include <algorithm>
#include <set>

namespace kairos::live {

using trading::Fill;
using trading::Order;
using trading::OrderEventKind;
using trading::OrderId;
using trading::OrderRequest;
using trading::OrderStatus;
using trading::OrderType;

namespace {

constexpr int kLookUpAttempts = 5;

}  // namespace

// --- REST catch-up ------------------------------------------------------------------------------

void LiveVenue::applyState(OrderId id, const OrderState& s, std::function<void()> done) {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) {
        if (done) done();
        return;
    }
    Tracked& t = it->second;
    t.binanceId = s.orderId;
    if (t.order.status == OrderStatus::New && s.status != "REJECTED") {
        t.order.status = OrderStatus::Accepted;
        emitChange(t, OrderEventKind::Accepted);
    }
    auto finish = [this, id, status = s.status, done = std::move(done)] {
        if (auto found = m_orders.find(id); found != m_orders.end() && status != "NEW" && status != "PARTIALLY_FILLED")
            setFinalStatus(found->second, status, {});
        if (done) done();
    };
    auto counted = s.executedQty.add(t.baseFilled);
    if (counted && *counted > t.order.filledQuantity) return fetchTrades(id, std::move(finish));
    finish();
}

void LiveVenue::lookUp(OrderId id, std::function<void()> done, int attempt) {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) {
        if (done) done();
        return;
    }
    const Order& o = it->second.order;
    const Params p{{"symbol", o.request.instrument.symbol}, {"origClientOrderId", o.request.clientOrderId}};
    ++m_inFlight;
    m_rest->signedRequest(
        "GET", QStringLiteral("/api/v3/order"), p, 4,
        [this, id, done = std::move(done), attempt](const BinanceRest::Reply& r) mutable {
            --m_inFlight;
            auto found = m_orders.find(id);
            if (found == m_orders.end()) {
                if (done) done();
                return;
            }
            Tracked& t = found->second;
            if (r.outcome == Outcome::Done) {
                if (auto s = parseOrder(r.body.toStdString())) return applyState(id, *s, std::move(done));
            }
            if (r.error && r.error->code == -2013) {
                // Still being placed (its request is on the way): the answer will tell. After an
                // unknown outcome Binance's engine may still be late: ask again before concluding.
                if (t.placing) {
                    if (done) done();
                    return;
                }
                if (t.order.status == OrderStatus::New && attempt < kLookUpAttempts) {
                    QTimer::singleShot(m_options.unknownRetryMs, this, [this, id, done = std::move(done), attempt]() mutable {
                        lookUp(id, std::move(done), attempt + 1);
                    });
                    return;
                }
                if (t.order.status == OrderStatus::New) {
                    markNeverArrived(t);
                } else if (t.order.isOpen()) {
                    t.order.status = OrderStatus::Cancelled;
                    t.order.rejectReason = "Binance no longer knows this order";
                    if (m_reconciling) m_pendingReport.changes.push_back({t.order.request.clientOrderId, "no longer on Binance"});
                    emitChange(t, OrderEventKind::Cancelled);
                }
                if (done) done();
                return;
            }
            // The lookup itself failed: ask again later — the order is never sent twice.
            if (attempt >= kLookUpAttempts) {
                const std::string why =
                    "order " + t.order.request.clientOrderId + " could not be checked: " + r.failure.toStdString();
                if (m_reconciling) m_pendingReport.error = why;
                Q_EMIT problem(QString::fromStdString(why));
                if (done) done();
                return;
            }
            QTimer::singleShot(m_options.unknownRetryMs, this, [this, id, done = std::move(done), attempt]() mutable {
                lookUp(id, std::move(done), attempt + 1);
            });
        });
}

void LiveVenue::markNeverArrived(Tracked& t) {
    if (t.order.status != OrderStatus::New) return;
    t.neverArrived = true;
    // Journaled as sending, unknown to Binance: it never arrived.
    t.order.status = OrderStatus::Rejected;
    t.order.rejectReason = "never reached Binance (the request was lost before Binance accepted it); nothing was placed";
    if (m_reconciling) {
        ++m_pendingReport.ordersNeverArrived;
        m_pendingReport.changes.push_back({t.order.request.clientOrderId, "never reached Binance"});
    }
    emitChange(t, OrderEventKind::Rejected);
}

void LiveVenue::fetchTrades(OrderId id, std::function<void()> done) {
    auto it = m_orders.find(id);
    if (it == m_orders.end() || it->second.binanceId == 0) {
        if (done) done();
        return;
    }
    const Params p{{"symbol", it->second.order.request.instrument.symbol}, {"orderId", std::to_string(it->second.binanceId)}};
    ++m_inFlight;
    m_rest->signedRequest(
        "GET", QStringLiteral("/api/v3/myTrades"), p, 5, [this, id, done = std::move(done)](const BinanceRest::Reply& r) {
            --m_inFlight;
            auto trades = r.outcome == Outcome::Done ? parseTrades(r.body.toStdString())
                                                     : Result<std::vector<AccountTrade>>(makeError(r.failure.toStdString()));
            auto found = m_orders.find(id);
            if (!trades) {
                const std::string why = "the trades of an order could not be read: " + trades.message();
                if (m_reconciling) m_pendingReport.error = why;
                Q_EMIT problem(QString::fromStdString(why));
            } else if (found != m_orders.end()) {
                std::sort(trades->begin(), trades->end(),
                          [](const AccountTrade& a, const AccountTrade& b) { return a.id < b.id; });
                for (const AccountTrade& tr : *trades)
                    bookTrade(found->second, tr.id, tr.price, tr.qty, tr.commission, tr.commissionAsset, tr.isMaker, tr.time);
            }
            if (done) done();
        });
}

LiveVenue::Tracked& LiveVenue::adopt(const OrderState& s) {
    Tracked t;
    t.order.id = m_nextOrderId++;
    t.binanceId = s.orderId;
    OrderRequest& r = t.order.request;
    r.instrument = InstrumentId{m_options.venue, s.symbol};
    r.side = s.side == "SELL" ? Side::Sell : Side::Buy;
    r.quantity = s.origQty;
    r.clientOrderId = s.clientOrderId;
    r.timeInForce = s.timeInForce == "IOC" ? trading::TimeInForce::Ioc
        : s.timeInForce == "FOK"           ? trading::TimeInForce::Fok
        : s.type == "LIMIT_MAKER"          ? trading::TimeInForce::PostOnly
                                           : trading::TimeInForce::Gtc;
    if (s.trailingDelta > 0) r.trailing = trading::Trailing{trading::TrailingKind::Bips, static_cast<int>(s.trailingDelta), {}};
    if (s.type == "MARKET") {
        r.type = OrderType::Market;
    } else if (s.type == "STOP_LOSS" || s.type == "TAKE_PROFIT") {
        r.type = OrderType::Stop;
        if (s.stopPrice.raw() > 0 || s.trailingDelta == 0) r.stopPrice = s.stopPrice;
    } else if (s.type == "STOP_LOSS_LIMIT" || s.type == "TAKE_PROFIT_LIMIT") {
        r.type = OrderType::StopLimit;
        if (s.stopPrice.raw() > 0 || s.trailingDelta == 0) r.stopPrice = s.stopPrice;
        r.limitPrice = s.price;
    } else {
        r.type = OrderType::Limit;  // LIMIT, LIMIT_MAKER
        r.limitPrice = s.price;
    }
    t.order.status = OrderStatus::New;
    t.order.filledQuantity = Quantity::fromRaw(0, r.quantity.scale());
    t.order.createdMs = s.time;
    const OrderId id = t.order.id;
    m_byClientId[s.clientOrderId] = id;
    Tracked& stored = m_orders[id] = std::move(t);
    if (m_reconciling) {
        ++m_pendingReport.ordersAdopted;
        m_pendingReport.changes.push_back(
            {s.clientOrderId,
             "placed elsewhere (" + s.type + " " + s.side + " " + s.origQty.toTrimmedString() + " " + s.symbol + "), adopted"});
    }
    stored.order.status = OrderStatus::Accepted;
    emitChange(stored, OrderEventKind::Accepted);
    return stored;
}

// --- reconciliation -----------------------------------------------------------------------------

void LiveVenue::loadFillPool() {
    m_fillPoolLoaded = true;
    auto snap = m_journal->load();
    if (!snap) {
        Q_EMIT problem(QStringLiteral("the account's journal could not be read for reconciliation: %1")
                           .arg(QString::fromStdString(snap.message())));
        return;
    }
    for (const Fill& f : snap->fills) {
        m_fillPool[f.clientOrderId].push_back(f);
        m_lastJournaledFillMs = std::max(m_lastJournaledFillMs, f.timeMs);
    }
    for (const Order& o : snap->orders) {
        m_journaledClientIds.insert(o.request.clientOrderId);
        if (!o.request.bracket.empty()) m_bracketEntries[o.request.clientOrderId] = o;
        if (o.request.instrument.venue == m_options.venue) m_journaledSymbols.insert(o.request.instrument.symbol);
    }
    m_nextFillId = std::max(m_nextFillId, snap->nextFillId);
    m_nextOrderId = std::max(m_nextOrderId, snap->nextOrderId);
}

void LiveVenue::reconcile() {
    if (m_reconciling) {
        m_reconcileAgain = true;
        return;
    }
    m_reconciling = true;
    m_pendingReport = {};
    m_reconcileSteps = 1;  // released at the end of this function
    auto step = [this] {
        if (--m_reconcileSteps == 0) finishReconcile();
    };
    std::vector<OrderId> toCheck;
    std::set<std::string> listsToCheck;
    for (const auto& [id, t] : m_orders) {
        if (!t.order.isOpen()) continue;
        // A leg still "sending" (journaled, no answer): its list is looked up as a whole.
        if (t.order.status == OrderStatus::New && !t.listClientOrderId.empty() && !t.placing)
            listsToCheck.insert(t.listClientOrderId);
        else
            toCheck.push_back(id);
    }
    for (OrderId id : toCheck) {
        ++m_reconcileSteps;
        ++m_pendingReport.ordersChecked;
        lookUp(id, step);
    }
    for (const std::string& list : listsToCheck) {
        ++m_reconcileSteps;
        m_pendingReport.ordersChecked += static_cast<int>(legsOf(list).size());
        lookUpList(list, step);
    }
    // Order lists open on Binance: legs adopted (or placed elsewhere) learn their list, so that
    // cancelling one cancels the list.
    ++m_reconcileSteps;
    ++m_inFlight;
    m_rest->signedRequest("GET", QStringLiteral("/api/v3/openOrderList"), {}, 6, [this, step](const BinanceRest::Reply& r) {
        --m_inFlight;
        auto lists = r.outcome == Outcome::Done ? parseOrderLists(r.body.toStdString())
                                                : Result<std::vector<OrderListState>>(makeError(r.failure.toStdString()));
        if (!lists)
            m_pendingReport.error = "Binance's open order lists could not be read: " + lists.message();
        else
            for (const OrderListState& l : *lists) onListStatus(l);
        step();
    });
    ++m_reconcileSteps;
    ++m_inFlight;
    m_rest->signedRequest("GET", QStringLiteral("/api/v3/openOrders"), {}, 80, [this, step](const BinanceRest::Reply& r) {
        --m_inFlight;
        auto open = r.outcome == Outcome::Done ? parseOrders(r.body.toStdString())
                                               : Result<std::vector<OrderState>>(makeError(r.failure.toStdString()));
        if (!open) {
            m_pendingReport.error = "Binance's open orders could not be read: " + open.message();
        } else {
            for (const OrderState& s : *open) {
                if (byClientId(s.clientOrderId)) continue;
                if (Tracked* child = bracketChild(s.clientOrderId)) {
                    // A bracket's stop-loss or take-profit Binance placed while the terminal was away.
                    ++m_reconcileSteps;
                    applyState(child->order.id, s, step);
                    continue;
                }
                Tracked& t = adopt(s);
                if (s.executedQty.raw() > 0) {
                    ++m_reconcileSteps;
                    fetchTrades(t.order.id, step);
                }
            }
        }
        step();
    });
    if (m_lastJournaledFillMs > 0) {
        std::set<std::string> symbols = m_journaledSymbols;
        for (const auto& [id, t] : m_orders) symbols.insert(t.order.request.instrument.symbol);
        for (const std::string& symbol : symbols) catchUpTrades(symbol, step);
    }
    ++m_reconcileSteps;
    ++m_inFlight;
    m_rest->signedRequest(
        "GET", QStringLiteral("/api/v3/account"), {{"omitZeroBalances", "true"}}, 20, [this, step](const BinanceRest::Reply& r) {
            --m_inFlight;
            auto b = r.outcome == Outcome::Done ? parseAccountBalances(r.body.toStdString())
                                                : Result<std::vector<AssetBalance>>(makeError(r.failure.toStdString()));
            if (!b) {
                m_pendingReport.error = "Binance's balances could not be read: " + b.message();
            } else {
                m_balances.clear();
                for (const AssetBalance& a : *b) m_balances[a.asset] = a;
                m_balancesRead = true;
                m_balancesTimeMs = std::max(m_balancesTimeMs, m_rest->serverNowMs());
                Q_EMIT balancesChanged();
            }
            step();
        });
    step();
}

void LiveVenue::catchUpTrades(const std::string& symbol, const std::function<void()>& step) {
    ++m_reconcileSteps;
    ++m_inFlight;
    // Binance returns at most 24 h from startTime; older gaps need the open-order checks above.
    const Params p{{"symbol", symbol}, {"startTime", std::to_string(m_lastJournaledFillMs)}, {"limit", "1000"}};
    m_rest->signedRequest("GET", QStringLiteral("/api/v3/myTrades"), p, 20, [this, symbol, step](const BinanceRest::Reply& r) {
        --m_inFlight;
        auto trades = r.outcome == Outcome::Done ? parseTrades(r.body.toStdString())
                                                 : Result<std::vector<AccountTrade>>(makeError(r.failure.toStdString()));
        if (!trades) {
            m_pendingReport.error = "the trades of " + symbol + " could not be read: " + trades.message();
            return step();
        }
        std::set<std::int64_t> unknown;
        for (const AccountTrade& tr : *trades) {
            if (m_seenTrades.count({symbol, tr.id})) continue;
            const bool tracked = std::any_of(m_orders.begin(), m_orders.end(),
                                             [&tr](const auto& kv) { return kv.second.binanceId == tr.orderId; });
            if (!tracked) unknown.insert(tr.orderId);
        }
        for (std::int64_t orderId : unknown) {
            ++m_reconcileSteps;
            ++m_inFlight;
            m_rest->signedRequest(
                "GET", QStringLiteral("/api/v3/order"), {{"symbol", symbol}, {"orderId", std::to_string(orderId)}}, 4,
                [this, step](const BinanceRest::Reply& answer) {
                    --m_inFlight;
                    auto s = answer.outcome == Outcome::Done ? parseOrder(answer.body.toStdString())
                                                             : Result<OrderState>(makeError(answer.failure.toStdString()));
                    if (!s) {
                        m_pendingReport.error = "an order of a recent trade could not be read: " + s.message();
                        return step();
                    }
                    if (Tracked* t = trackedOrChild(s->clientOrderId)) return applyState(t->order.id, *s, step);
                    // In the journal and final there: its fills were journaled with it.
                    if (m_journaledClientIds.count(s->clientOrderId)) return step();
                    const OrderId id = adopt(*s).order.id;
                    applyState(id, *s, step);
                });
        }
        step();
    });
}

void LiveVenue::finishReconcile() {
    m_pendingReport.balances = balances();
    m_report = std::move(m_pendingReport);
    m_pendingReport = {};
    m_reconciling = false;
    Q_EMIT reconciled(m_report);
    if (!m_ready) {
        m_ready = true;
        Q_EMIT ready();
    }
    if (m_reconcileAgain) {
        m_reconcileAgain = false;
        reconcile();
    }
}

}  // namespace kairos::live
