// LiveVenue's native advanced orders (livevenue.h): trailing stops as Binance's trailingDelta, OCO
// pairs as order lists (place, cancel, look up, list status events) and commissions valued in the
// quote asset. The rest of LiveVenue is in livevenue.cpp.
#include "live/livevenue.h"

#include "trading/venuerules.h"

#include <QTimer>

#include <algorithm>
#include <memory>
#include <optional>

namespace kairos::live {

using trading::Order;
using trading::OrderEvent;
using trading::OrderEventKind;
using trading::OrderEvents;
using trading::OrderId;
using trading::OrderRequest;
using trading::OrderStatus;
using trading::OrderType;

namespace {

constexpr int kListLookUpAttempts = 5;
constexpr const char* kStopLegSuffix = "-S";
constexpr const char* kListSuffix = "-L";
constexpr const char* kStopLossSuffix = "-SL";
constexpr const char* kTakeProfitSuffix = "-TP";

std::string sideText(Side s) { return s == Side::Buy ? "BUY" : "SELL"; }

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

// --- trailing stops -----------------------------------------------------------------------------

Result<int> LiveVenue::trailingDelta(const OrderRequest& r) const {
    const trading::Trailing& tr = *r.trailing;
    const std::string& symbol = r.instrument.symbol;
    if (tr.kind != trading::TrailingKind::Bips)
        return makeError(
            "Binance trails by a share of the price (trailingDelta, in basis points), not by a fixed distance: "
            "a trailing distance of " +
            tr.amount.toTrimmedString() + " cannot be placed exactly; give the distance in percent (1 % = 100 basis points)");
    if (tr.bips <= 0) return makeError("a trailing distance must be at least 1 basis point");
    const SymbolRules* sr = symbolRules(symbol);
    if (sr && !sr->trailingAllowed) return makeError(symbol + " does not allow trailing stops on Binance");
    // TRAILING_DELTA: "above" bounds for STOP_LOSS(_LIMIT) BUY and TAKE_PROFIT(_LIMIT) SELL.
    const bool takeProfit = r.stopPrice.has_value();
    const bool above = (r.side == Side::Buy) != takeProfit;
    if (sr) {
        const int lo = above ? sr->minTrailingAboveDelta : sr->minTrailingBelowDelta;
        const int hi = above ? sr->maxTrailingAboveDelta : sr->maxTrailingBelowDelta;
        if (hi > 0 && (tr.bips < lo || tr.bips > hi))
            return makeError("a trailing distance of " + std::to_string(tr.bips) +
                             " basis points is outside what Binance allows for " + symbol + " (" + std::to_string(lo) + " to " +
                             std::to_string(hi) + " basis points)");
    }
    return tr.bips;
}

// --- fees ---------------------------------------------------------------------------------------

Money LiveVenue::feeInQuote(const Tracked& t, const Price& price, const Quantity& commission, const std::string& asset,
                            std::int64_t timeMs) {
    const trading::VenueRules& rules = m_options.rules;
    const Money zero = Money::fromRaw(0, rules.moneyScale);
    if (commission.raw() <= 0) return zero;
    const std::string& symbol = t.order.request.instrument.symbol;
    const SymbolRules* sr = symbolRules(symbol);
    std::string quote = sr ? sr->quoteAsset : std::string();
    if (sr && asset == sr->quoteAsset) {
        if (auto m = Money::fromRaw(commission.raw(), commission.scale()).rescaled(rules.moneyScale, RoundingMode::HalfEven))
            return *m;
        return zero;
    }
    if (sr && asset == sr->baseAsset) {
        if (auto m = rules.notional(price, commission)) return *m;
        return zero;
    }
    // Another asset (BNB): at the latest <asset><quote> price the venue knows.
    if (sr) {
        if (auto p = lastPrice(InstrumentId{m_options.venue, asset + quote}))
            if (auto m = rules.notional(*p, commission)) return *m;
    }
    m_unvaluedFees.push_back({t.order.request.clientOrderId, asset, commission, timeMs});
    Q_EMIT problem(QStringLiteral("The commission of %1 %2 on order %3 could not be valued in %4 (no %2%4 price known): "
                                  "the fill's fee is booked as 0 and the commission is kept in %2")
                       .arg(QString::fromStdString(commission.toTrimmedString()), QString::fromStdString(asset),
                            QString::fromStdString(t.order.request.clientOrderId),
                            QString::fromStdString(quote.empty() ? std::string("the quote asset") : quote)));
    return zero;
}

// --- OCO order lists ----------------------------------------------------------------------------

std::string LiveVenue::listClientIdOf(const Order& o) {
    const std::string& cid = o.request.clientOrderId;
    if (o.request.ocoStop || !o.request.bracket.empty()) return cid + kListSuffix;
    if (o.role != trading::OrderRole::Entry && (endsWith(cid, kStopLossSuffix) || endsWith(cid, kTakeProfitSuffix)))
        return cid.substr(0, cid.size() - 3) + kListSuffix;
    if (trading::isOcoLeg(o) && endsWith(cid, kStopLegSuffix))
        return cid.substr(0, cid.size() - std::char_traits<char>::length(kStopLegSuffix)) + kListSuffix;
    return {};
}

std::vector<OrderId> LiveVenue::legsOf(const std::string& listClientId) const {
    auto it = m_lists.find(listClientId);
    return it == m_lists.end() ? std::vector<OrderId>{} : it->second;
}

Result<Params> LiveVenue::ocoParams(const OrderRequest& r, const std::string& stopClientId,
                                    const std::string& listClientId) const {
    if (r.type != OrderType::Limit || !r.limitPrice)
        return makeError("a one-cancels-the-other pair is a limit order with a stop leg; this order has no limit price");
    if (!r.bracket.empty()) return makeError("a one-cancels-the-other pair cannot carry a bracket on Binance");
    if (r.trailing) return makeError("the limit leg of a one-cancels-the-other pair cannot trail");
    const bool buy = r.side == Side::Buy;
    if (r.timeInForce != trading::TimeInForce::Gtc && !(r.timeInForce == trading::TimeInForce::PostOnly && !buy))
        return makeError(buy ? std::string("the limit leg of a BUY one-cancels-the-other pair rests until cancelled (GTC) on "
                                           "Binance; IOC, FOK and post-only legs do not exist there")
                             : std::string("the limit leg of a SELL one-cancels-the-other pair rests on the book (GTC or "
                                           "post-only) on Binance; IOC and FOK legs do not exist there"));
    const trading::OcoStopLeg& leg = *r.ocoStop;
    const std::string limit = r.limitPrice->toTrimmedString();
    Params p{{"symbol", r.instrument.symbol},
             {"side", sideText(r.side)},
             {"quantity", r.quantity.toTrimmedString()},
             {"listClientOrderId", listClientId}};
    // The limit leg: SELL above the market as LIMIT_MAKER; BUY below it as TAKE_PROFIT_LIMIT (the
    // "below" order has no plain limit type) that turns into a limit at its price when reached.
    if (buy) {
        p.insert(p.end(),
                 {{"belowType", "TAKE_PROFIT_LIMIT"},
                  {"belowClientOrderId", r.clientOrderId},
                  {"belowPrice", limit},
                  {"belowStopPrice", limit},
                  {"belowTimeInForce", "GTC"}});
    } else {
        p.insert(p.end(), {{"aboveType", "LIMIT_MAKER"}, {"aboveClientOrderId", r.clientOrderId}, {"abovePrice", limit}});
    }
    const std::string stopSide = buy ? "above" : "below";
    p.emplace_back(stopSide + "Type", leg.limitPrice ? "STOP_LOSS_LIMIT" : "STOP_LOSS");
    p.emplace_back(stopSide + "ClientOrderId", stopClientId);
    p.emplace_back(stopSide + "StopPrice", leg.stopPrice.toTrimmedString());
    if (leg.limitPrice) {
        p.emplace_back(stopSide + "Price", leg.limitPrice->toTrimmedString());
        p.emplace_back(stopSide + "TimeInForce", "GTC");
    }
    p.emplace_back("newOrderRespType", "RESULT");
    return p;
}

OrderEvents LiveVenue::submitOco(Tracked limit) {
    auto refuse = [this, &limit](const std::string& why) {
        limit.order.status = OrderStatus::Rejected;
        limit.order.rejectReason = why;
        OrderEvents events{OrderEvent{OrderEventKind::Rejected, limit.order, std::nullopt}};
        m_orders[limit.order.id] = limit;
        deliver(events);
        return events;
    };
    const OrderRequest& r = limit.order.request;
    const std::string stopCid = r.clientOrderId + kStopLegSuffix;
    const std::string listCid = r.clientOrderId + kListSuffix;
    if (!isValidClientOrderId(stopCid) || !isValidClientOrderId(listCid))
        return refuse("not sent: the client order id '" + r.clientOrderId +
                      "' is too long for a one-cancels-the-other pair (its stop leg and list add 2 characters: at most 34)");
    if (m_byClientId.count(stopCid) || m_lists.count(listCid))
        return refuse("not sent: the client order id " + stopCid + " is already used by another order");
    auto params = ocoParams(r, stopCid, listCid);
    if (!params) return refuse("not sent: " + params.message());

    Tracked stop;
    stop.order.id = m_nextOrderId++;
    OrderRequest& sr = stop.order.request;
    sr.instrument = r.instrument;
    sr.side = r.side;
    sr.quantity = r.quantity;
    sr.type = r.ocoStop->limitPrice ? OrderType::StopLimit : OrderType::Stop;
    sr.stopPrice = r.ocoStop->stopPrice;
    sr.limitPrice = r.ocoStop->limitPrice;
    sr.timeInForce = trading::TimeInForce::Gtc;
    sr.clientOrderId = stopCid;
    stop.order.status = OrderStatus::New;
    stop.order.createdMs = stop.order.updatedMs = limit.order.createdMs;
    stop.order.ocoSiblingId = limit.order.id;
    limit.order.ocoSiblingId = stop.order.id;
    limit.listClientOrderId = stop.listClientOrderId = listCid;
    // Both legs durable before the list leaves (the list's id derives from the limit leg's).
    if (m_journal) {
        const OrderEvents sending{OrderEvent{OrderEventKind::Accepted, limit.order, std::nullopt},
                                  OrderEvent{OrderEventKind::Accepted, stop.order, std::nullopt}};
        if (auto s = m_journal->record(sending, m_nextOrderId, m_nextFillId); !s)
            return refuse("not sent: the order could not be saved before sending: " + s.message());
    }
    const OrderId limitId = limit.order.id;
    const OrderId stopId = stop.order.id;
    limit.placing = stop.placing = true;
    m_byClientId[r.clientOrderId] = limitId;
    m_byClientId[stopCid] = stopId;
    m_orders[limitId] = std::move(limit);
    m_orders[stopId] = std::move(stop);
    m_lists[listCid] = {limitId, stopId};
    ++m_inFlight;
    m_rest->signedRequest("POST", QStringLiteral("/api/v3/orderList/oco"), *params, 2,
                          [this, listCid](const BinanceRest::Reply& reply) {
                              --m_inFlight;
                              onListPlaced(listCid, reply);
                          });
    return {};
}

void LiveVenue::onListPlaced(const std::string& listClientId, const BinanceRest::Reply& reply) {
    const std::vector<OrderId> legs = legsOf(listClientId);
    for (OrderId id : legs)
        if (auto it = m_orders.find(id); it != m_orders.end()) it->second.placing = false;
    switch (reply.outcome) {
    case Outcome::Done: {
        auto list = parseOrderList(reply.body.toStdString());
        if (!list || list->orderReports.empty()) return lookUpList(listClientId, {});
        for (const OrderState& s : list->orderReports) {
            if (s.status == "PENDING_NEW") continue;  // a bracket's child waits for the entry's full fill
            const bool seen = byClientId(s.clientOrderId) != nullptr;
            Tracked* t = trackedOrChild(s.clientOrderId);
            if (!t) continue;
            // A child first seen already expired never worked: Binance could not place it on the fill.
            if (!seen && t->order.role != trading::OrderRole::Entry && s.status == "EXPIRED") notPlacedOnFill(*t);
            applyState(t->order.id, s, {});
        }
        return;
    }
    case Outcome::Rejected:
    case Outcome::RateLimited:
        // Nothing was placed: both legs are final here.
        for (OrderId id : legs) {
            auto it = m_orders.find(id);
            if (it == m_orders.end() || it->second.order.status != OrderStatus::New) continue;
            Tracked& t = it->second;
            t.order.status = OrderStatus::Rejected;
            t.order.rejectReason =
                reply.error ? describe(*reply.error, t.order.request.instrument.symbol) : reply.failure.toStdString();
            emitChange(t, OrderEventKind::Rejected);
        }
        return;
    case Outcome::Unknown:
        // The list may exist: never send it again, ask Binance by its list client id.
        return lookUpList(listClientId, {});
    }
}

void LiveVenue::lookUpList(const std::string& listClientId, std::function<void()> done, int attempt) {
    const std::vector<OrderId> legs = legsOf(listClientId);
    if (legs.empty()) {
        if (done) done();
        return;
    }
    ++m_inFlight;
    m_rest->signedRequest("GET", QStringLiteral("/api/v3/orderList"), {{"origClientOrderId", listClientId}}, 4,
                          [this, listClientId, legs, done = std::move(done), attempt](const BinanceRest::Reply& r) mutable {
                              --m_inFlight;
                              auto retry = [&] {
                                  QTimer::singleShot(m_options.unknownRetryMs, this,
                                                     [this, listClientId, done = std::move(done), attempt]() mutable {
                                                         lookUpList(listClientId, std::move(done), attempt + 1);
                                                     });
                              };
                              if (r.outcome == Outcome::Done && parseOrderList(r.body.toStdString())) {
                                  // The list exists: each leg takes Binance's state (its fills included).
                                  auto left = std::make_shared<int>(static_cast<int>(legs.size()));
                                  auto one = [left, done = std::move(done)] {
                                      if (--*left == 0 && done) done();
                                  };
                                  for (OrderId id : legs) lookUp(id, one);
                                  return;
                              }
                              const bool unknown = r.error && (r.error->code == -2011 || r.error->code == -2013);
                              if (unknown) {
                                  bool sending = false;
                                  bool placing = false;
                                  for (OrderId id : legs)
                                      if (auto it = m_orders.find(id); it != m_orders.end()) {
                                          sending = sending || it->second.order.status == OrderStatus::New;
                                          placing = placing || it->second.placing;
                                      }
                                  if (placing || !sending) {  // its answer is on the way, or nothing waits for this
                                      if (done) done();
                                      return;
                                  }
                                  // Binance's engine may still be late after an unknown outcome: ask again first.
                                  if (attempt < kListLookUpAttempts) return retry();
                                  for (OrderId id : legs)
                                      if (auto it = m_orders.find(id); it != m_orders.end()) markNeverArrived(it->second);
                                  if (done) done();
                                  return;
                              }
                              if (attempt >= kListLookUpAttempts) {
                                  const std::string why = "order list " + listClientId +
                                      " could not be checked: " + (r.error ? r.error->msg : r.failure.toStdString());
                                  if (m_reconciling) m_pendingReport.error = why;
                                  Q_EMIT problem(QString::fromStdString(why));
                                  if (done) done();
                                  return;
                              }
                              retry();
                          });
}

// --- brackets as OTOCO / OTO order lists ---------------------------------------------------------

Result<Params> LiveVenue::bracketParams(const OrderRequest& r, const std::string& listClientId, QString& path) const {
    const trading::Bracket& b = r.bracket;
    const bool longEntry = r.side == Side::Buy;  // the children sell
    Params p{{"symbol", r.instrument.symbol}, {"listClientOrderId", listClientId}};
    if (r.timeInForce == trading::TimeInForce::PostOnly) {
        p.emplace_back("workingType", "LIMIT_MAKER");
    } else {
        p.emplace_back("workingType", "LIMIT");
        p.emplace_back("workingTimeInForce", "GTC");
    }
    p.insert(p.end(),
             {{"workingSide", sideText(r.side)},
              {"workingClientOrderId", r.clientOrderId},
              {"workingPrice", r.limitPrice->toTrimmedString()},
              {"workingQuantity", r.quantity.toTrimmedString()},
              {"pendingSide", sideText(trading::opposite(r.side))},
              {"pendingQuantity", r.quantity.toTrimmedString()}});
    const std::string slId = r.clientOrderId + kStopLossSuffix;
    const std::string tpId = r.clientOrderId + kTakeProfitSuffix;
    if (b.stopLoss && b.takeProfit) {
        path = QStringLiteral("/api/v3/orderList/otoco");
        const std::string tp = b.takeProfit->toTrimmedString();
        // The pending pair follows the OCO rules: a SELL pair has the take-profit above (LIMIT_MAKER)
        // and the stop below; a BUY pair the take-profit below (TAKE_PROFIT_LIMIT) and the stop above.
        const std::string tpSide = longEntry ? "pendingAbove" : "pendingBelow";
        const std::string slSide = longEntry ? "pendingBelow" : "pendingAbove";
        if (longEntry) {
            p.insert(p.end(), {{tpSide + "Type", "LIMIT_MAKER"}, {tpSide + "Price", tp}});
        } else {
            p.insert(p.end(),
                     {{tpSide + "Type", "TAKE_PROFIT_LIMIT"},
                      {tpSide + "Price", tp},
                      {tpSide + "StopPrice", tp},
                      {tpSide + "TimeInForce", "GTC"}});
        }
        p.emplace_back(tpSide + "ClientOrderId", tpId);
        p.insert(p.end(),
                 {{slSide + "Type", "STOP_LOSS"},
                  {slSide + "StopPrice", b.stopLoss->toTrimmedString()},
                  {slSide + "ClientOrderId", slId}});
    } else if (b.stopLoss) {
        path = QStringLiteral("/api/v3/orderList/oto");
        p.insert(
            p.end(),
            {{"pendingType", "STOP_LOSS"}, {"pendingStopPrice", b.stopLoss->toTrimmedString()}, {"pendingClientOrderId", slId}});
    } else if (b.takeProfit) {
        path = QStringLiteral("/api/v3/orderList/oto");
        p.insert(p.end(),
                 {{"pendingType", "LIMIT"},
                  {"pendingPrice", b.takeProfit->toTrimmedString()},
                  {"pendingTimeInForce", "GTC"},
                  {"pendingClientOrderId", tpId}});
    } else {
        return makeError("the bracket has neither a stop-loss nor a take-profit");
    }
    p.emplace_back("newOrderRespType", "RESULT");
    return p;
}

OrderEvents LiveVenue::submitBracket(Tracked entry) {
    auto refuse = [this, &entry](const std::string& why) {
        entry.order.status = OrderStatus::Rejected;
        entry.order.rejectReason = why;
        OrderEvents events{OrderEvent{OrderEventKind::Rejected, entry.order, std::nullopt}};
        m_orders[entry.order.id] = entry;
        deliver(events);
        return events;
    };
    const OrderRequest& r = entry.order.request;
    if (r.type != OrderType::Limit || !r.limitPrice)
        return refuse(
            "not sent: a bracket on Binance needs a limit entry (the entry of Binance's OTOCO order list is a "
            "LIMIT or LIMIT_MAKER order); use a limit at or through the market");
    if (r.timeInForce != trading::TimeInForce::Gtc && r.timeInForce != trading::TimeInForce::PostOnly)
        return refuse(
            "not sent: a bracket's entry rests until it fills (GTC or post-only): Binance places the stop-loss "
            "and take-profit only once the entry is filled in full, which an IOC or FOK entry may never be");
    if (r.trailing) return refuse("not sent: a bracket's entry cannot trail");
    // One order list per take-profit tranche (see the file comment).
    std::vector<OrderRequest> tranches;
    const trading::Bracket& b = r.bracket;
    if (b.takeProfits.empty()) {
        tranches.push_back(r);
    } else {
        const Instrument* inst = instrument(r.instrument);
        if (!inst) return refuse("not sent: no trading rules for " + r.instrument.symbol + " yet");
        // Shares at the lot's precision (a quantity typed as "0.05" splits into 0.025 / 0.015 / 0.01).
        const int scale = std::max(r.quantity.scale(), inst->lotSize.scale());
        auto exact = r.quantity.rescaled(scale, RoundingMode::Exact);
        const Quantity total = exact ? *exact : r.quantity;
        Quantity given = Quantity::fromRaw(0, total.scale());
        for (std::size_t i = 0; i < b.takeProfits.size(); ++i) {
            Quantity part = Quantity::fromRaw(0, total.scale());
            if (i + 1 < b.takeProfits.size()) {
                auto share = total.mulInt(b.takeProfits[i].percent);
                auto raw = share ? share->divInt(100, total.scale(), RoundingMode::Floor) : share;
                auto lot = raw ? trading::floorToLot(*raw, *inst) : raw;
                auto scaled = lot ? lot->rescaled(total.scale(), RoundingMode::Floor) : lot;
                if (scaled) part = *scaled;
            } else if (auto rest = total.sub(given)) {
                part = *rest;
            }
            if (part.raw() <= 0)
                return refuse("not sent: take-profit " + std::to_string(i + 1) + " (" + std::to_string(b.takeProfits[i].percent) +
                              " % of " + r.quantity.toTrimmedString() + ") is less than one lot of " + r.instrument.symbol);
            if (auto sum = given.add(part)) given = *sum;
            OrderRequest t = r;
            t.quantity = part;
            t.bracket = trading::Bracket{b.stopLoss, b.takeProfits[i].price, {}};
            t.clientOrderId = i == 0 ? r.clientOrderId : r.clientOrderId + "-" + std::to_string(i + 1);
            tranches.push_back(std::move(t));
        }
    }
    // Every id Binance will see must be valid and unused: entries, their children, their lists.
    std::vector<Params> params;
    std::vector<QString> paths;
    for (const OrderRequest& t : tranches) {
        for (const std::string& id : {t.clientOrderId, t.clientOrderId + kStopLossSuffix, t.clientOrderId + kTakeProfitSuffix,
                                      t.clientOrderId + kListSuffix}) {
            if (!isValidClientOrderId(id))
                return refuse("not sent: the client order id '" + r.clientOrderId +
                              "' is too long for a bracket on Binance (its orders and lists add up to 5 characters: at most 31)");
            if ((id != r.clientOrderId && m_byClientId.count(id)) || m_lists.count(id))
                return refuse("not sent: the client order id " + id + " is already used by another order");
        }
        QString path;
        auto p = bracketParams(t, t.clientOrderId + kListSuffix, path);
        if (!p) return refuse("not sent: " + p.message());
        params.push_back(std::move(*p));
        paths.push_back(path);
    }
    // The tranches' entries, durable before any list leaves (their children's and lists' ids derive from them).
    std::vector<Tracked> entries;
    for (std::size_t i = 0; i < tranches.size(); ++i) {
        Tracked e;
        e.order = entry.order;
        if (i > 0) e.order.id = m_nextOrderId++;
        e.order.request = tranches[i];
        e.listClientOrderId = tranches[i].clientOrderId + kListSuffix;
        e.placing = true;
        entries.push_back(std::move(e));
    }
    if (m_journal) {
        OrderEvents sending;
        for (const Tracked& e : entries) sending.push_back(OrderEvent{OrderEventKind::Accepted, e.order, std::nullopt});
        if (auto s = m_journal->record(sending, m_nextOrderId, m_nextFillId); !s)
            return refuse("not sent: the order could not be saved before sending: " + s.message());
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const OrderId id = entries[i].order.id;
        const std::string listCid = entries[i].listClientOrderId;
        m_byClientId[entries[i].order.request.clientOrderId] = id;
        m_lists[listCid] = {id};
        m_orders[id] = std::move(entries[i]);
        ++m_inFlight;
        m_rest->signedRequest("POST", paths[i], params[i], 1, [this, listCid](const BinanceRest::Reply& reply) {
            --m_inFlight;
            onListPlaced(listCid, reply);
        });
    }
    return {};
}

LiveVenue::Tracked* LiveVenue::bracketChild(const std::string& clientOrderId) {
    const bool stopLoss = endsWith(clientOrderId, kStopLossSuffix);
    if (!stopLoss && !endsWith(clientOrderId, kTakeProfitSuffix)) return nullptr;
    const std::string entryCid = clientOrderId.substr(0, clientOrderId.size() - 3);
    std::optional<Order> entry;
    if (const Tracked* e = byClientId(entryCid)) entry = e->order;
    if (!entry)
        if (auto it = m_bracketEntries.find(entryCid); it != m_bracketEntries.end()) entry = it->second;
    if (!entry || entry->request.bracket.empty() || entry->role != trading::OrderRole::Entry) return nullptr;
    const trading::Bracket& b = entry->request.bracket;
    if (stopLoss ? !b.stopLoss : !b.takeProfit) return nullptr;
    Tracked c;
    Order& o = c.order;
    o.id = m_nextOrderId++;
    o.role = stopLoss ? trading::OrderRole::StopLoss : trading::OrderRole::TakeProfit;
    o.parentId = entry->id;
    OrderRequest& r = o.request;
    r.instrument = entry->request.instrument;
    r.side = trading::opposite(entry->request.side);
    r.quantity = entry->request.quantity;
    r.type = stopLoss ? OrderType::Stop : OrderType::Limit;
    if (stopLoss)
        r.stopPrice = b.stopLoss;
    else
        r.limitPrice = b.takeProfit;
    r.timeInForce = trading::TimeInForce::Gtc;
    r.clientOrderId = clientOrderId;
    o.status = OrderStatus::New;
    o.createdMs = o.updatedMs = m_clock.nowMs();
    o.filledQuantity = Quantity::fromRaw(0, r.quantity.scale());
    c.listClientOrderId = entryCid + kListSuffix;
    if (Tracked* other = byClientId(entryCid + (stopLoss ? kTakeProfitSuffix : kStopLossSuffix))) {
        o.ocoSiblingId = other->order.id;
        other->order.ocoSiblingId = o.id;
    }
    const OrderId id = o.id;
    m_byClientId[clientOrderId] = id;
    m_lists[c.listClientOrderId].push_back(id);
    return &(m_orders[id] = std::move(c));
}

void LiveVenue::notPlacedOnFill(Tracked& child) {
    if (!child.order.isOpen()) return;
    // enums.md REJECTED: a contingent order the matching engine could not put on the book.
    const std::string why = "Binance could not place it when its entry filled (e.g. not enough free " +
        std::string(child.order.request.side == Side::Sell ? "base asset" : "quote asset") +
        " after the commission): the position is not protected by it";
    m_cancelReasons[child.order.id] = why;
    Q_EMIT problem(QString::fromStdString("Order " + child.order.request.clientOrderId + ": " + why));
}

LiveVenue::Tracked* LiveVenue::trackedOrChild(const std::string& clientOrderId) {
    if (Tracked* t = byClientId(clientOrderId)) return t;
    return bracketChild(clientOrderId);
}

Result<OrderEvents> LiveVenue::cancelList(OrderId id) {
    Tracked& t = m_orders.at(id);
    const std::string listCid = t.listClientOrderId;
    const std::string symbol = t.order.request.instrument.symbol;
    for (OrderId leg : legsOf(listCid)) {
        auto it = m_orders.find(leg);
        if (it == m_orders.end()) continue;
        if (it->second.placing && it->second.order.status == OrderStatus::New)
            return makeError("order " + it->second.order.request.clientOrderId +
                             " is still being sent to Binance; cancel it once Binance has acknowledged it");
        if (leg != id && it->second.order.isOpen()) m_cancelReasons[leg] = "one-cancels-the-other: the other leg was cancelled";
    }
    ++m_inFlight;
    m_rest->signedRequest(
        "DELETE", QStringLiteral("/api/v3/orderList"), {{"symbol", symbol}, {"listClientOrderId", listCid}}, 1,
        [this, listCid, symbol](const BinanceRest::Reply& r) {
            --m_inFlight;
            if (r.outcome == Outcome::Done) {
                if (auto list = parseOrderList(r.body.toStdString()); list && !list->orderReports.empty()) {
                    for (const OrderState& s : list->orderReports)
                        if (Tracked* leg = byClientId(s.clientOrderId)) applyState(leg->order.id, s, {});
                    return;  // a pending child never placed has nothing to change here
                }
            } else if (r.outcome == Outcome::Rejected || r.outcome == Outcome::RateLimited) {
                Q_EMIT problem(QStringLiteral("The cancel of order list %1 was refused: %2")
                                   .arg(QString::fromStdString(listCid),
                                        r.error ? QString::fromStdString(describe(*r.error, symbol)) : r.failure));
                if (!r.error || r.error->code != -2011) return;  // -2011: already done on Binance; look
            }
            for (OrderId leg : legsOf(listCid)) lookUp(leg, {});
        });
    return OrderEvents{};
}

void LiveVenue::onListStatus(const OrderListState& list) {
    // A list this venue did not place (or adopted leg by leg): its legs learn their list.
    for (const OrderListState::Leg& leg : list.orders) {
        Tracked* t = byClientId(leg.clientOrderId);
        if (!t || !t->listClientOrderId.empty()) continue;
        t->listClientOrderId = list.listClientOrderId;
        auto& legs = m_lists[list.listClientOrderId];
        if (std::find(legs.begin(), legs.end(), t->order.id) == legs.end()) legs.push_back(t->order.id);
    }
    // The legs' own execution reports carry their fills and ends; a rejected list rejects the legs
    // still waiting (each order moves once: a repeated event changes nothing).
    if (list.listOrderStatus != "REJECT") return;
    for (OrderId id : legsOf(list.listClientOrderId)) {
        auto it = m_orders.find(id);
        if (it == m_orders.end() || it->second.order.status != OrderStatus::New) continue;
        Tracked& t = it->second;
        t.order.status = OrderStatus::Rejected;
        t.order.rejectReason = "Binance rejected the order list: " + list.listRejectReason;
        emitChange(t, OrderEventKind::Rejected);
    }
}

}  // namespace kairos::live
