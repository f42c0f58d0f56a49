#include "live/livevenue.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>

namespace kairos::live {

using trading::Fill;
using trading::Order;
using trading::OrderEvent;
using trading::OrderEventKind;
using trading::OrderEvents;
using trading::OrderId;
using trading::OrderRequest;
using trading::OrderStatus;
using trading::OrderType;

namespace {

std::string sideText(Side s) { return s == Side::Buy ? "BUY" : "SELL"; }

template <class To, class From>
To convert(const From& v) {
    return To::fromRaw(v.raw(), v.scale());
}

int decimalsOf(const Price& step) {
    const std::string s = step.toTrimmedString();
    const auto dot = s.find('.');
    return dot == std::string::npos ? 0 : static_cast<int>(s.size() - dot - 1);
}

/// `v` at `scale` when that is exact, else unchanged.
template <class T>
T atScale(const T& v, int scale) {
    auto r = v.rescaled(scale, RoundingMode::Exact);
    return r ? *r : v;
}

}  // namespace

std::string ReconciliationReport::summary() const {
    std::string s = std::to_string(ordersChecked) + (ordersChecked == 1 ? " order" : " orders") + " checked, " +
        std::to_string(fillsApplied) + (fillsApplied == 1 ? " fill" : " fills") + " applied, " + std::to_string(ordersAdopted) +
        " adopted, " + std::to_string(ordersNeverArrived) + " never reached Binance";
    if (!error.empty()) s += " (incomplete: " + error + ")";
    return s;
}

LiveVenue::Endpoints LiveVenue::endpointsFor(trading::AccountKind kind) {
    switch (kind) {
    case trading::AccountKind::Live:
        return {QUrl(QStringLiteral("https://api.binance.com")), QUrl(QStringLiteral("wss://ws-api.binance.com:443/ws-api/v3"))};
    case trading::AccountKind::Testnet:
        return {QUrl(QStringLiteral("https://testnet.binance.vision")),
                QUrl(QStringLiteral("wss://ws-api.testnet.binance.vision/ws-api/v3"))};
    default:
        return {};
    }
}

LiveVenue::LiveVenue(Options options, BinanceCredentials credentials, const trading::IClock& clock, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_clock(clock) {
    qRegisterMetaType<kairos::live::ReconciliationReport>();
    BinanceRest::Options ro;
    ro.baseUrl = m_options.endpoints.restUrl;
    ro.timeoutMs = m_options.timeoutMs;
    ro.orderLimit10s = m_options.orderLimit10s;
    ro.weightLimit1m = m_options.weightLimit1m;
    m_rest = std::make_unique<BinanceRest>(ro, credentials);
    // Requests held for the next window (or an order refused for it) are said, never silent.
    connect(m_rest.get(), &BinanceRest::rateLimited, this, [this](qint64, const QString& why) { Q_EMIT problem(why); });
    BinanceUserStream::Options so;
    so.wsApiUrl = m_options.endpoints.wsApiUrl;
    so.reconnectMinMs = m_options.reconnectMinMs;
    m_stream = std::make_unique<BinanceUserStream>(so, std::move(credentials), [this] { return m_rest->serverNowMs(); });
    connect(m_stream.get(), &BinanceUserStream::subscribed, this, &LiveVenue::reconcile);
    // Events between a drop and the new subscription are lost by Binance's design: catch up over REST.
    connect(m_stream.get(), &BinanceUserStream::resubscribed, this, &LiveVenue::reconcile);
    connect(m_stream.get(), &BinanceUserStream::userEvent, this, &LiveVenue::onUserEvent);
    connect(m_stream.get(), &BinanceUserStream::problem, this, &LiveVenue::problem);
}

LiveVenue::~LiveVenue() = default;

// --- start, reads -----------------------------------------------------------------------------

void LiveVenue::start() {
    if (m_started) return;
    m_started = true;
    if (m_journal && !m_fillPoolLoaded) loadFillPool();
    m_rest->syncTime([this](const QString& error) {
        if (!error.isEmpty()) Q_EMIT problem(error);
        m_rest->publicGet(QStringLiteral("/api/v3/exchangeInfo"), {}, 20, [this](const BinanceRest::Reply& r) {
            auto symbols = r.outcome == Outcome::Done ? parseExchangeInfo(r.body.toStdString())
                                                      : Result<std::vector<SymbolRules>>(makeError(r.failure.toStdString()));
            if (!symbols) {
                Q_EMIT problem(QStringLiteral("Binance's symbol rules could not be read: %1")
                                   .arg(QString::fromStdString(symbols.message())));
            } else {
                for (const SymbolRules& s : *symbols) {
                    Instrument in;
                    in.id = InstrumentId{m_options.venue, s.symbol};
                    in.baseAsset = s.baseAsset;
                    in.quoteAsset = s.quoteAsset;
                    in.tickSize = s.tickSize;
                    in.lotSize = s.stepSize;
                    in.minNotional = convert<Money>(s.minNotional);
                    in.pricePrecision = decimalsOf(s.tickSize);
                    in.quantityPrecision = decimalsOf(convert<Price>(s.stepSize));
                    m_instruments[in.id] = in;
                    m_rules[s.symbol] = s;
                }
            }
            m_stream->start();
        });
    });
}

void LiveVenue::stop() {
    m_stream->stop();
    m_started = false;
}

std::vector<AssetBalance> LiveVenue::balances() const {
    std::vector<AssetBalance> out;
    out.reserve(m_balances.size());
    for (const auto& [asset, b] : m_balances) out.push_back(b);
    return out;
}

std::optional<Quantity> LiveVenue::freeBalance(const std::string& asset) const {
    if (!m_balancesRead) return std::nullopt;
    auto it = m_balances.find(asset);
    if (it == m_balances.end()) return Quantity::fromRaw(0, 8);
    return it->second.free;
}

void LiveVenue::updatePrice(const InstrumentId& id, const Price& price) {
    Trade t;
    t.timeMs = m_clock.nowMs();
    t.price = price;
    m_lastTrade[id] = t;
    // The account marks its positions (equity) with the market's price; a holding waiting for one is valued.
    if (m_listener) m_listener->onPrice(id, price);
}

const Instrument* LiveVenue::instrument(const InstrumentId& id) const {
    auto it = m_instruments.find(id);
    return it == m_instruments.end() ? nullptr : &it->second;
}

std::optional<Price> LiveVenue::lastPrice(const InstrumentId& id) const {
    auto it = m_lastTrade.find(id);
    if (it == m_lastTrade.end()) return std::nullopt;
    return it->second.price;
}

std::optional<Trade> LiveVenue::lastTrade(const InstrumentId& id) const {
    auto it = m_lastTrade.find(id);
    if (it == m_lastTrade.end()) return std::nullopt;
    return it->second;
}

std::vector<Order> LiveVenue::openOrders() const {
    std::vector<Order> out;
    for (const auto& [id, t] : m_orders)
        if (t.order.isOpen()) out.push_back(t.order);
    return out;
}

std::optional<Order> LiveVenue::order(OrderId id) const {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return std::nullopt;
    return it->second.order;
}

const SymbolRules* LiveVenue::symbolRules(const std::string& symbol) const {
    auto it = m_rules.find(symbol);
    return it == m_rules.end() ? nullptr : &it->second;
}

std::string LiveVenue::describe(const ApiError& error, const std::string& symbol) const {
    return describeRejection(error, symbolRules(symbol));
}

LiveVenue::Tracked* LiveVenue::byClientId(const std::string& clientOrderId) {
    auto it = m_byClientId.find(clientOrderId);
    if (it == m_byClientId.end()) return nullptr;
    auto o = m_orders.find(it->second);
    return o == m_orders.end() ? nullptr : &o->second;
}

// --- events -------------------------------------------------------------------------------------

void LiveVenue::deliver(const OrderEvents& events) {
    if (m_batch) {
        m_batch->insert(m_batch->end(), events.begin(), events.end());
        return;
    }
    if (m_listener && !events.empty()) m_listener->onOrderEvents(events);
}

LiveVenue::Batch::Batch(LiveVenue& venue) : m_venue(venue), m_outer(venue.m_batch != nullptr) {
    if (!m_outer) venue.m_batch = &m_events;
}

LiveVenue::Batch::~Batch() {
    if (m_outer) return;
    m_venue.m_batch = nullptr;
    m_venue.deliver(m_events);
}

void LiveVenue::emitChange(Tracked& t, OrderEventKind kind, std::optional<Fill> fill) {
    t.order.updatedMs = m_clock.nowMs();
    deliver({OrderEvent{kind, t.order, std::move(fill)}});
}

// --- orders out ---------------------------------------------------------------------------------

Result<Params> LiveVenue::orderParams(const OrderRequest& r) const {
    if (r.trailing && !trading::isStopType(r.type)) return makeError("only stop and stop-limit orders can trail");
    Params p{{"symbol", r.instrument.symbol}, {"side", sideText(r.side)}};
    auto tif = [&r]() -> Result<std::string> {
        switch (r.timeInForce) {
        case trading::TimeInForce::Gtc:
            return std::string("GTC");
        case trading::TimeInForce::Ioc:
            return std::string("IOC");
        case trading::TimeInForce::Fok:
            return std::string("FOK");
        case trading::TimeInForce::PostOnly:
            break;
        }
        return makeError("post-only applies to limit orders only (Binance's LIMIT_MAKER)");
    };
    auto needs = [](const std::optional<Price>& v, const char* what) -> Status {
        if (!v) return makeError(std::string("the order has no ") + what);
        return {};
    };
    switch (r.type) {
    case OrderType::Market:
        if (r.timeInForce == trading::TimeInForce::PostOnly)
            return makeError("post-only applies to limit orders only (Binance's LIMIT_MAKER); a market order always takes");
        p.emplace_back("type", "MARKET");
        p.emplace_back("quantity", r.quantity.toTrimmedString());
        break;
    case OrderType::Limit: {
        if (auto s = needs(r.limitPrice, "limit price"); !s) return s.error();
        if (r.timeInForce == trading::TimeInForce::PostOnly) {
            // Post-only is its own order type on Binance, without a time in force.
            p.emplace_back("type", "LIMIT_MAKER");
        } else {
            auto t = tif();
            if (!t) return t.error();
            p.emplace_back("type", "LIMIT");
            p.emplace_back("timeInForce", *t);
        }
        p.emplace_back("quantity", r.quantity.toTrimmedString());
        p.emplace_back("price", r.limitPrice->toTrimmedString());
        break;
    }
    case OrderType::Stop:
    case OrderType::StopLimit: {
        const bool limit = r.type == OrderType::StopLimit;
        if (limit)
            if (auto s = needs(r.limitPrice, "limit price"); !s) return s.error();
        // A trailing stop's stop price is optional (its activation price).
        if (!r.trailing)
            if (auto s = needs(r.stopPrice, "stop price"); !s) return s.error();
        if (r.timeInForce == trading::TimeInForce::PostOnly)
            return makeError("post-only applies to limit orders only (Binance's LIMIT_MAKER); a stop cannot be post-only");
        std::optional<int> delta;
        if (r.trailing) {
            auto d = trailingDelta(r);
            if (!d) return d.error();
            delta = *d;
        }
        // With an activation price Binance's trailing order is a TAKE_PROFIT: a SELL activates once
        // the price rises to it, a BUY once it falls to it (trailing-stop-faq.md).
        const bool activated = delta && r.stopPrice;
        p.emplace_back("type",
                       activated ? (limit ? "TAKE_PROFIT_LIMIT" : "TAKE_PROFIT") : (limit ? "STOP_LOSS_LIMIT" : "STOP_LOSS"));
        if (limit) {
            auto t = tif();
            if (!t) return t.error();
            p.emplace_back("timeInForce", *t);
        }
        p.emplace_back("quantity", r.quantity.toTrimmedString());
        if (limit) p.emplace_back("price", r.limitPrice->toTrimmedString());
        if (r.stopPrice) p.emplace_back("stopPrice", r.stopPrice->toTrimmedString());
        if (delta) p.emplace_back("trailingDelta", std::to_string(*delta));
        break;
    }
    default:
        return makeError(std::string(toString(r.type)) + " orders are not supported on Binance yet");
    }
    p.emplace_back("newClientOrderId", r.clientOrderId);
    // FULL: the answer carries the trades the order made on arrival, so they are booked from it
    // without another request (myTrades) whichever of the answer and the stream's events comes first.
    p.emplace_back("newOrderRespType", "FULL");
    return p;
}

OrderEvents LiveVenue::submit(const OrderRequest& request) {
    Tracked t;
    t.order.id = m_nextOrderId++;
    t.order.request = request;
    t.order.status = OrderStatus::New;
    t.order.createdMs = t.order.updatedMs = m_clock.nowMs();
    auto refuse = [this, &t](const std::string& why) {
        t.order.status = OrderStatus::Rejected;
        t.order.rejectReason = why;
        OrderEvents events{OrderEvent{OrderEventKind::Rejected, t.order, std::nullopt}};
        m_orders[t.order.id] = t;
        deliver(events);
        return events;
    };
    const std::string& cid = request.clientOrderId;
    if (!m_started) return refuse("not sent: " + m_options.venue + " is not connected");
    if (!isValidClientOrderId(cid))
        return refuse("not sent: the client order id '" + cid + "' is not one Binance accepts (1 to 36 of A-Z a-z 0-9 _ -)");
    if (m_byClientId.count(cid)) return refuse("not sent: the client order id " + cid + " is already used by another order");
    if (request.ocoStop) return submitOco(std::move(t));
    if (!request.bracket.empty()) return submitBracket(std::move(t));
    auto params = orderParams(request);
    if (!params) return refuse("not sent: " + params.message());
    // Durable before it leaves: after a crash from here on, reconciliation finds this order by its
    // client order id (status New = sending) and asks Binance whether it exists.
    if (m_journal) {
        if (auto s =
                m_journal->record({OrderEvent{OrderEventKind::Accepted, t.order, std::nullopt}}, m_nextOrderId, m_nextFillId);
            !s)
            return refuse("not sent: the order could not be saved before sending: " + s.message());
    }
    const OrderId id = t.order.id;
    t.placing = true;
    m_orders[id] = t;
    m_byClientId[cid] = id;
    ++m_inFlight;
    m_rest->signedRequest("POST", QStringLiteral("/api/v3/order"), *params, 1, [this, id](const BinanceRest::Reply& r) {
        --m_inFlight;
        onPlaced(id, r);
    });
    if (m_trace) m_trace(TracePoint::Sent, cid);
    return {};
}

void LiveVenue::onPlaced(OrderId id, const BinanceRest::Reply& reply) {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return;
    Tracked& t = it->second;
    t.placing = false;
    if (m_trace) m_trace(TracePoint::Answered, t.order.request.clientOrderId);
    switch (reply.outcome) {
    case Outcome::Done: {
        auto s = parseOrder(reply.body.toStdString());
        if (!s) return lookUp(id, {});  // accepted, but the answer is unreadable: ask for the order
        // Accepted and the trades of the answer reach the account as one batch: one journal
        // transaction. A trade the stream already brought (same trade id) is not booked again.
        const Batch batch(*this);
        if (t.order.status == OrderStatus::New && s->status != "REJECTED") {
            t.binanceId = s->orderId;
            t.order.status = OrderStatus::Accepted;
            emitChange(t, OrderEventKind::Accepted);
        }
        for (const OrderState::PlacementFill& f : s->fills)
            bookTrade(t, f.tradeId, f.price, f.qty, f.commission, f.commissionAsset, false, s->time);
        return applyState(id, *s, {});
    }
    case Outcome::Rejected:
    case Outcome::RateLimited:
        // Nothing happened on Binance; the order is final here.
        if (t.order.status != OrderStatus::New) return;
        t.order.status = OrderStatus::Rejected;
        t.order.rejectReason =
            reply.error ? describe(*reply.error, t.order.request.instrument.symbol) : reply.failure.toStdString();
        return emitChange(t, OrderEventKind::Rejected);
    case Outcome::Unknown:
        // It may exist: never send it again, ask Binance by its client order id.
        return lookUp(id, {});
    }
}

Result<OrderEvents> LiveVenue::cancel(OrderId id) {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return makeError("order " + std::to_string(id) + " is not known to " + m_options.venue);
    Tracked& t = it->second;
    if (!t.order.isOpen())
        return makeError("order " + t.order.request.clientOrderId + " is already " + std::string(toString(t.order.status)));
    // Still being sent and not yet seen by Binance. Once the stream reported it (its NEW can come
    // before the answer to the request), Binance has it and a cancel by client order id is safe.
    if (t.placing && t.order.status == OrderStatus::New)
        return makeError("order " + t.order.request.clientOrderId +
                         " is still being sent to Binance; cancel it once Binance has acknowledged it");
    if (!t.listClientOrderId.empty()) return cancelList(id);
    const Params p{{"symbol", t.order.request.instrument.symbol}, {"origClientOrderId", t.order.request.clientOrderId}};
    ++m_inFlight;
    m_rest->signedRequest("DELETE", QStringLiteral("/api/v3/order"), p, 1, [this, id](const BinanceRest::Reply& r) {
        --m_inFlight;
        auto found = m_orders.find(id);
        if (found == m_orders.end()) return;
        Tracked& o = found->second;
        if (r.outcome == Outcome::Done) {
            if (auto s = parseOrder(r.body.toStdString())) return applyState(id, *s, {});
        } else if (r.outcome == Outcome::Rejected || r.outcome == Outcome::RateLimited) {
            Q_EMIT problem(
                QStringLiteral("The cancel of order %1 was refused: %2")
                    .arg(QString::fromStdString(o.order.request.clientOrderId),
                         r.error ? QString::fromStdString(describe(*r.error, o.order.request.instrument.symbol)) : r.failure));
            if (!r.error || r.error->code != -2011) return;  // -2011: Binance knows it otherwise; look
        }
        lookUp(id, {});
    });
    return OrderEvents{};
}

OrderEvents LiveVenue::cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) {
    std::set<std::string> symbols;
    for (auto& [id, t] : m_orders) {
        if (!t.order.isOpen() || (instrument && t.order.request.instrument != *instrument)) continue;
        symbols.insert(t.order.request.instrument.symbol);
        if (!reason.empty()) m_cancelReasons[id] = reason;
    }
    for (const std::string& symbol : symbols) {
        ++m_inFlight;
        m_rest->signedRequest(
            "DELETE", QStringLiteral("/api/v3/openOrders"), {{"symbol", symbol}}, 1, [this, symbol](const BinanceRest::Reply& r) {
                --m_inFlight;
                if (r.outcome == Outcome::Rejected && r.error && r.error->code != -2011)
                    Q_EMIT problem(QStringLiteral("Cancelling every %1 order was refused: %2")
                                       .arg(QString::fromStdString(symbol), QString::fromStdString(describe(*r.error, symbol))));
                // Whatever the answer, each order's own state tells what happened.
                for (auto& [oid, t] : m_orders)
                    if (t.order.isOpen() && t.order.request.instrument.symbol == symbol) lookUp(oid, {});
            });
    }
    return {};
}

Result<OrderEvents> LiveVenue::amend(OrderId id, const Price& price) {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return makeError("order " + std::to_string(id) + " is not known to " + m_options.venue);
    Tracked& t = it->second;
    if (!t.order.isOpen() || t.order.status == OrderStatus::New)
        return makeError("order " + t.order.request.clientOrderId + " cannot be moved now (" +
                         std::string(toString(t.order.status)) + ")");
    if (!t.listClientOrderId.empty())
        return makeError("order " + t.order.request.clientOrderId +
                         " is part of a Binance order list (a one-cancels-the-other pair or a bracket); Binance cannot "
                         "move one of its orders: cancel it and place it again");
    if (t.order.request.trailing)
        return makeError("order " + t.order.request.clientOrderId + " is a trailing stop; it moves with the price by itself");
    OrderRequest moved = t.order.request;
    if (moved.type == OrderType::Limit || moved.type == OrderType::StopLimit)
        moved.limitPrice = price;
    else if (moved.type == OrderType::Stop)
        moved.stopPrice = price;
    else
        return makeError("only limit and stop orders can be moved");
    auto remaining = moved.quantity.sub(t.order.filledQuantity);
    if (!remaining || remaining->raw() <= 0) return makeError("order " + moved.clientOrderId + " has nothing left to move");
    moved.quantity = *remaining;
    // Binance replaces the order: the new one needs its own client order id (≤ 36 characters).
    const std::string oldId = t.order.request.clientOrderId;
    std::string base = oldId.substr(0, std::min<std::size_t>(oldId.size(), 28));
    moved.clientOrderId = base + "-r" + std::to_string(++m_amendSeq);
    auto params = orderParams(moved);
    if (!params) return params.error();
    Params p{{"cancelReplaceMode", "STOP_ON_FAILURE"}, {"cancelOrigClientOrderId", oldId}};
    for (auto& kv : *params)
        if (kv.first != "newOrderRespType") p.push_back(kv);
    m_byClientId[moved.clientOrderId] = id;
    m_replacedClientIds.insert(oldId);
    ++m_inFlight;
    const std::string newId = moved.clientOrderId;
    m_rest->signedRequest("POST", QStringLiteral("/api/v3/order/cancelReplace"), p, 1,
                          [this, id, oldId, newId, price](const BinanceRest::Reply& r) {
                              --m_inFlight;
                              onAmended(id, oldId, newId, price, r);
                          });
    return OrderEvents{};
}

void LiveVenue::onAmended(OrderId id, const std::string& oldClientId, const std::string& newClientId, const Price& price,
                          const BinanceRest::Reply& reply) {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return;
    Tracked& t = it->second;
    const std::string symbol = t.order.request.instrument.symbol;
    const QJsonObject answer = QJsonDocument::fromJson(reply.body).object();
    const auto result = [&](const char* key) {
        const QJsonObject data = answer.contains(QLatin1String("data")) ? answer.value(QLatin1String("data")).toObject() : answer;
        return data.value(QLatin1String(key)).toString();
    };
    if (reply.outcome == Outcome::Done && result("newOrderResult") == QLatin1String("SUCCESS")) {
        const QJsonObject newOrder = answer.value(QLatin1String("newOrderResponse")).toObject();
        auto s = parseOrder(QJsonDocument(newOrder).toJson(QJsonDocument::Compact).toStdString());
        t.baseFilled = t.order.filledQuantity;
        if (s) t.binanceId = s->orderId;
        t.order.request.clientOrderId = newClientId;
        if (t.order.request.type == OrderType::Stop)
            t.order.request.stopPrice = price;
        else
            t.order.request.limitPrice = price;
        emitChange(t, OrderEventKind::Amended);
        return;
    }
    m_byClientId.erase(newClientId);
    if (reply.outcome == Outcome::Unknown) {
        // Whether the old order was replaced is unknown: the old order's state tells (cancelled:
        // the new one, if it exists, is adopted by the next reconciliation).
        m_replacedClientIds.erase(oldClientId);
        lookUp(id, [this] { reconcile(); });
        return;
    }
    m_replacedClientIds.erase(oldClientId);
    const std::string why = reply.error ? describe(*reply.error, symbol) : reply.failure.toStdString();
    if (result("cancelResult") == QLatin1String("SUCCESS")) {
        // -2021: the old order was cancelled but the new one refused — the order is gone.
        m_cancelReasons[id] = "moving it failed after the cancel: " + why;
        lookUp(id, {});
        return;
    }
    Q_EMIT problem(
        QStringLiteral("Moving order %1 was refused: %2").arg(QString::fromStdString(oldClientId), QString::fromStdString(why)));
}

Status LiveVenue::restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) {
    m_nextOrderId = std::max(m_nextOrderId, nextOrderId);
    m_nextFillId = std::max(m_nextFillId, nextFillId);
    for (const Order& o : openOrders) {
        Tracked t;
        t.order = o;
        t.listClientOrderId = listClientIdOf(o);
        if (!t.listClientOrderId.empty()) m_lists[t.listClientOrderId].push_back(o.id);
        m_nextOrderId = std::max(m_nextOrderId, o.id + 1);
        m_byClientId[o.request.clientOrderId] = o.id;
        m_orders[o.id] = std::move(t);
    }
    if (m_journal && !m_fillPoolLoaded) loadFillPool();
    return {};
}

Status LiveVenue::resetOrders() {
    return makeError("a " + m_options.venue + " account cannot be reset: its orders and fills are on the exchange");
}

// --- user data stream ---------------------------------------------------------------------------

void LiveVenue::onUserEvent(const UserEvent& event) {
    switch (event.kind) {
    case UserEvent::Kind::Execution:
        onExecution(event.execution);
        break;
    case UserEvent::Kind::ListStatus:
        onListStatus(event.list);
        break;
    case UserEvent::Kind::AccountPosition:
        for (const AssetBalance& b : event.balances) m_balances[b.asset] = b;
        m_balancesTimeMs = std::max(m_balancesTimeMs, event.updateTimeMs);
        Q_EMIT balancesChanged();
        break;
    default:
        break;
    }
}

void LiveVenue::onExecution(const ExecutionReport& e) {
    if (m_trace && e.execType == "TRADE") m_trace(TracePoint::StreamTrade, e.orderClientId());
    // Exactly once: Binance's execution id is unique per event; a repeat is a duplicate.
    if (e.executionId > 0 && !m_seenExecutions.insert(e.executionId).second) return;
    if (e.execType == "CANCELED" && m_replacedClientIds.count(e.orderClientId())) return;  // our amend
    // A pending order of an order list is not on the book yet: it counts once Binance places it.
    if (e.status == "PENDING_NEW" && !byClientId(e.orderClientId())) return;
    Tracked* t = trackedOrChild(e.orderClientId());
    if (!t) {
        // Placed elsewhere (the exchange's website, another program): adopt it.
        OrderState s;
        s.symbol = e.symbol;
        s.clientOrderId = e.orderClientId();
        s.side = e.side;
        s.type = e.type;
        s.timeInForce = e.timeInForce;
        s.status = "NEW";
        s.orderId = e.orderId;
        s.price = e.price;
        s.stopPrice = e.stopPrice;
        s.origQty = e.qty;
        s.orderListId = e.orderListId;
        s.trailingDelta = e.trailingDelta;
        s.time = s.updateTime = e.transactTime;
        t = &adopt(s);
    }
    const OrderId id = t->order.id;
    t->binanceId = e.orderId;
    if (e.execType == "TRADE") {
        bookTrade(*t, e.tradeId, e.lastPrice, e.lastQty, e.commission, e.commissionAsset, e.maker, e.transactTime);
        return;
    }
    if (t->neverArrived && t->order.status == OrderStatus::Rejected) {
        // It did arrive after all (Binance's engine was late): it is live again.
        t->neverArrived = false;
        t->order.status = OrderStatus::New;
        t->order.rejectReason.clear();
    }
    if (e.execType == "NEW") {
        // A late NEW (after a fill or a cancel) never moves an order back.
        if (t->order.status == OrderStatus::New) {
            t->order.status = OrderStatus::Accepted;
            emitChange(*t, OrderEventKind::Accepted);
        }
        return;
    }
    if (e.execType == "REPLACED") return;
    // CANCELED, EXPIRED, TRADE_PREVENTION, REJECTED: final. Fills this event counts that have not
    // arrived (reordered, or lost in a gap) are fetched first, so the order ends with all of them.
    std::string reason = e.execType == "REJECTED" ? "Binance rejected the order: " + e.rejectReason : std::string();
    if (e.expiryReason == "OCO_TRIGGER" && !m_cancelReasons.count(id))
        m_cancelReasons[id] = "one-cancels-the-other: the other leg executed";
    if (e.expiryReason == "REJECTED") notPlacedOnFill(*t);
    const std::string status = e.status;
    auto counted = e.cumQty.add(t->baseFilled);
    if (counted && *counted > t->order.filledQuantity)
        return fetchTrades(id, [this, id, status, reason] {
            if (auto it = m_orders.find(id); it != m_orders.end()) setFinalStatus(it->second, status, reason);
        });
    setFinalStatus(*t, status, reason);
}

bool LiveVenue::bookTrade(Tracked& t, std::int64_t tradeId, const Price& price, const Quantity& qty, const Quantity& commission,
                          const std::string& commissionAsset, bool maker, std::int64_t timeMs) {
    const std::string& symbol = t.order.request.instrument.symbol;
    if (!m_seenTrades.insert({symbol, tradeId}).second) return false;
    // A fill journaled before a restart: the journal has it (same order, time, price, quantity).
    if (auto pool = m_fillPool.find(t.order.request.clientOrderId); pool != m_fillPool.end()) {
        auto& fills = pool->second;
        auto same = std::find_if(fills.begin(), fills.end(),
                                 [&](const Fill& f) { return f.timeMs == timeMs && f.price == price && f.quantity == qty; });
        // A fill booked from the order's answer carries the answer's time, which need not be the
        // trade's own to the millisecond: then the same price and quantity of the same order is
        // it. Each journal fill stands for one trade, so the count booked stays exact.
        if (same == fills.end())
            same = std::find_if(fills.begin(), fills.end(), [&](const Fill& f) { return f.price == price && f.quantity == qty; });
        if (same != fills.end()) {
            fills.erase(same);
            return false;
        }
    }
    const trading::VenueRules& rules = m_options.rules;
    Fill f;
    f.orderId = t.order.id;
    f.clientOrderId = t.order.request.clientOrderId;
    f.instrument = t.order.request.instrument;
    f.side = t.order.request.side;
    f.price = price;
    f.quantity = atScale(qty, t.order.request.quantity.scale());
    f.liquidity = maker ? trading::Liquidity::Maker : trading::Liquidity::Taker;
    f.timeMs = timeMs;
    f.fillId = m_nextFillId++;
    // The fee in the quote asset: Binance charges it in the asset received, or in BNB.
    f.fee = feeInQuote(t, price, commission, commissionAsset, timeMs);
    Order& o = t.order;
    if (auto q = o.filledQuantity.add(f.quantity)) o.filledQuantity = atScale(*q, o.request.quantity.scale());
    if (auto n = rules.notional(price, qty))
        if (auto sum = o.filledNotional.add(*n)) o.filledNotional = *sum;
    if (auto sum = o.feesPaid.add(f.fee)) o.feesPaid = *sum;
    const bool complete = o.filledQuantity >= o.request.quantity;
    if (o.isOpen()) o.status = complete ? OrderStatus::Filled : OrderStatus::PartiallyFilled;
    Trade last;
    last.timeMs = timeMs;
    last.price = price;
    last.quantity = qty;
    last.aggressor = f.side;
    last.tradeId = std::to_string(tradeId);
    m_lastTrade[f.instrument] = last;
    if (m_reconciling) {
        ++m_pendingReport.fillsApplied;
        m_pendingReport.changes.push_back(
            {f.clientOrderId,
             "filled " + qty.toTrimmedString() + " at " + price.toTrimmedString() + " (caught up from Binance's trades)"});
    }
    emitChange(t, o.status == OrderStatus::Filled ? OrderEventKind::Filled : OrderEventKind::PartiallyFilled, f);
    return true;
}

void LiveVenue::setFinalStatus(Tracked& t, const std::string& binanceStatus, const std::string& reason) {
    if (!t.order.isOpen()) return;
    Order& o = t.order;
    if (binanceStatus == "CANCELED" || binanceStatus == "EXPIRED" || binanceStatus == "EXPIRED_IN_MATCH") {
        o.status = OrderStatus::Cancelled;
        if (auto r = m_cancelReasons.find(o.id); r != m_cancelReasons.end()) {
            o.rejectReason = r->second;
            m_cancelReasons.erase(r);
        } else if (binanceStatus != "CANCELED") {
            o.rejectReason = "expired on Binance (" + binanceStatus + ")";
        }
        emitChange(t, OrderEventKind::Cancelled);
    } else if (binanceStatus == "REJECTED") {
        o.status = OrderStatus::Rejected;
        o.rejectReason = reason.empty() ? "Binance rejected the order" : reason;
        emitChange(t, OrderEventKind::Rejected);
    }
}

}  // namespace kairos::live
