#include "trading/fillsimulator.h"

#include <algorithm>
#include <utility>

namespace kairos::trading {

namespace {
template <class T>
T sum(const T& a, const T& b) {
    auto r = a.add(b);
    return r ? *r : a;  // overflow of int64 raw values is out of reach for real orders
}
template <class T>
T diff(const T& a, const T& b) {
    auto r = a.sub(b);
    return r ? *r : a;
}
template <class T>
const T& minOf(const T& a, const T& b) {
    return b < a ? b : a;
}
template <class T>
const T& maxOf(const T& a, const T& b) {
    return a < b ? b : a;
}
}  // namespace

FillSimulator::FillSimulator(SimulatorConfig config) : m_config(config) {}

void FillSimulator::addInstrument(const Instrument& instrument) { m_instruments[instrument.id] = instrument; }

const Instrument* FillSimulator::instrument(const InstrumentId& id) const {
    auto it = m_instruments.find(id);
    return it == m_instruments.end() ? nullptr : &it->second;
}

FillSimulator::Slot* FillSimulator::slot(OrderId id) {
    auto it = m_orders.find(id);
    return it == m_orders.end() ? nullptr : &it->second;
}

std::optional<Order> FillSimulator::order(OrderId id) const {
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return std::nullopt;
    return it->second.order;
}

std::vector<Order> FillSimulator::openOrders() const {
    std::vector<Order> out;
    out.reserve(m_open.size());
    for (OrderId id : m_open) out.push_back(m_orders.at(id).order);
    return out;
}

std::vector<Order> FillSimulator::allOrders() const {
    std::vector<Order> out;
    out.reserve(m_orders.size());
    for (const auto& [id, s] : m_orders) out.push_back(s.order);
    return out;
}

std::optional<Price> FillSimulator::referencePrice(const InstrumentId& id, Side side) const {
    auto it = m_markets.find(id);
    if (it == m_markets.end()) return std::nullopt;
    const MarketState& m = it->second;
    if (m.quote) {
        const Price& p = side == Side::Buy ? m.quote->ask : m.quote->bid;
        if (!p.isZero() && !p.isNegative()) return p;
    }
    if (m.lastTrade) return m.lastTrade;
    return m.lastClose;
}

void FillSimulator::reject(Order& o, std::string reason, OrderEvents& out) {
    o.status = OrderStatus::Rejected;
    o.rejectReason = std::move(reason);
    out.push_back({OrderEventKind::Rejected, o, std::nullopt});
}

OrderEvents FillSimulator::submit(OrderRequest request, std::int64_t nowMs) {
    OrderEvents out;
    const int ms = m_config.rules.moneyScale;
    Slot s;
    Order& o = s.order;
    o.id = m_nextId++;
    o.request = std::move(request);
    if (o.request.clientOrderId.empty()) o.request.clientOrderId = "K-" + std::to_string(o.id);
    o.createdMs = o.updatedMs = nowMs;
    o.filledQuantity = Quantity::fromRaw(0, o.request.quantity.scale());
    o.filledNotional = Money::fromRaw(0, ms);
    o.feesPaid = Money::fromRaw(0, ms);

    const Instrument* inst = instrument(o.request.instrument);
    if (!inst) {
        reject(o, "no trading rules for " + o.request.instrument.toString() + " (unknown instrument)", out);
    } else if (auto v = validateOrder(o.request, *inst, referencePrice(o.request.instrument, o.request.side), ms); !v) {
        reject(o, v.message(), out);
    } else if (o.request.timeInForce == TimeInForce::PostOnly) {
        const bool buy = o.request.side == Side::Buy;
        const Price& L = *o.request.limitPrice;
        if (const auto ref = referencePrice(o.request.instrument, o.request.side); ref && (buy ? !(L < *ref) : !(*ref < L)))
            reject(o,
                   "post-only: a " + std::string(toString(o.request.side)) + " limit at " + L.toTrimmedString() +
                       " would take liquidity at once (" + (buy ? "ask " : "bid ") + ref->toTrimmedString() + ")",
                   out);
    }
    if (o.status == OrderStatus::Rejected) {
        m_orders.emplace(o.id, std::move(s));
        return out;
    }
    o.status = OrderStatus::Accepted;
    out.push_back({OrderEventKind::Accepted, o, std::nullopt});
    const OrderId id = o.id;
    auto [it, inserted] = m_orders.emplace(id, std::move(s));
    m_open.insert(id);

    if (it->second.order.request.ocoStop) placeOcoLeg(it->second.order, nowMs, out);

    auto mk = m_markets.find(it->second.order.request.instrument);
    if (mk != m_markets.end() && mk->second.live()) {
        const OrderId leg = it->second.order.ocoSiblingId;
        for (OrderId oid : {id, leg}) {
            Slot* live = oid ? slot(oid) : nullptr;
            if (!live || !live->order.isOpen()) continue;  // the limit leg filled and cancelled the stop leg
            if (live->order.request.trailing && !live->order.triggered)
                trailLive(*live, *inst, mk->second, std::nullopt, true, nowMs, out);
            const Eval e = evalLive(*live, *inst, mk->second, std::nullopt, true);
            applyEval(*live, e, live->order.remaining(), nowMs, out);
            spendIoc(*live, nowMs, out);
        }
    }
    return out;
}

Result<OrderEvents> FillSimulator::cancel(OrderId id, std::int64_t nowMs) {
    Slot* s = slot(id);
    if (!s) return makeError("there is no order " + std::to_string(id));
    if (!s->order.isOpen())
        return makeError("order " + s->order.request.clientOrderId + " is already " + std::string(toString(s->order.status)) +
                         " and cannot be cancelled");
    OrderEvents out;
    const bool oco = isOcoLeg(s->order);
    const OrderId sibling = s->order.ocoSiblingId;
    cancelSlot(*s, nowMs, {}, out);
    // Binance order lists: cancelling one leg cancels the list.
    if (Slot* sib = oco ? slot(sibling) : nullptr; sib && sib->order.isOpen())
        cancelSlot(*sib, nowMs, "one-cancels-the-other: the other leg was cancelled", out);
    return out;
}

Result<OrderEvents> FillSimulator::amend(OrderId id, const Price& price, std::int64_t nowMs) {
    Slot* s = slot(id);
    if (!s) return makeError("there is no order " + std::to_string(id));
    Order& o = s->order;
    const std::string name = "order " + o.request.clientOrderId;
    if (!o.isOpen()) return makeError(name + " is already " + std::string(toString(o.status)) + " and cannot be changed");
    OrderRequest changed = o.request;
    std::optional<Price>* target = nullptr;
    switch (o.request.type) {
    case OrderType::Limit:
        target = &changed.limitPrice;
        break;
    case OrderType::Stop:
        if (o.triggered) return makeError(name + " has already triggered and cannot be moved");
        if (o.request.trailing) return makeError(name + " is a trailing stop; it moves with the price by itself");
        target = &changed.stopPrice;
        break;
    case OrderType::Market:
    case OrderType::StopLimit:
        return makeError(name + " is a " + std::string(toString(o.request.type)) +
                         " order; only limit and stop orders can be moved");
    }
    *target = price;
    const Instrument* inst = instrument(o.request.instrument);
    if (!inst) return makeError(name + ": no trading rules for " + o.request.instrument.toString());
    // A bracket child's bracket is empty, an entry's is checked against its new price.
    if (auto st = validateOrder(changed, *inst, std::nullopt, m_config.rules.moneyScale); !st) return makeError(st.message());
    const auto mk = m_markets.find(o.request.instrument);
    if (mk != m_markets.end() && mk->second.live()) {
        const bool buy = o.request.side == Side::Buy;
        const bool limit = o.request.type == OrderType::Limit;
        // Crossing: a buy limit at or above the ask, a sell limit at or below the bid, a buy stop
        // at or below the ask, a sell stop at or above the bid.
        if (const auto ref = referencePrice(o.request.instrument, o.request.side)) {
            const bool crosses = limit ? (buy ? !(price < *ref) : !(*ref < price)) : (buy ? !(*ref < price) : !(price < *ref));
            if (crosses)
                return makeError(name + ": a " + std::string(toString(o.request.side)) + (limit ? " limit" : " stop") + " at " +
                                 price.toTrimmedString() + " would " + (limit ? "fill" : "trigger") + " at once (" +
                                 (buy ? "ask " : "bid ") + ref->toTrimmedString() + ")");
        }
    }
    o.request = std::move(changed);
    o.updatedMs = nowMs;
    OrderEvents out;
    out.push_back({OrderEventKind::Amended, o, std::nullopt});
    return out;
}

OrderEvents FillSimulator::cancelAll(const std::optional<InstrumentId>& instrument, std::int64_t nowMs,
                                     const std::string& reason) {
    OrderEvents out;
    const std::vector<OrderId> ids(m_open.begin(), m_open.end());
    for (OrderId id : ids) {
        Slot* s = slot(id);
        if (s && s->order.isOpen() && (!instrument || s->order.request.instrument == *instrument))
            cancelSlot(*s, nowMs, reason, out);
    }
    return out;
}

void FillSimulator::cancelSlot(Slot& s, std::int64_t timeMs, std::string reason, OrderEvents& out) {
    s.order.status = OrderStatus::Cancelled;
    s.order.rejectReason = std::move(reason);
    s.order.updatedMs = timeMs;
    m_open.erase(s.order.id);
    out.push_back({OrderEventKind::Cancelled, s.order, std::nullopt});
}

void FillSimulator::spendIoc(Slot& s, std::int64_t timeMs, OrderEvents& out) {
    if (!s.order.isOpen()) return;
    if (s.order.request.timeInForce == TimeInForce::Ioc) cancelSlot(s, timeMs, "IOC: the rest could not be filled at once", out);
    if (s.order.request.timeInForce == TimeInForce::Fok)
        cancelSlot(s, timeMs, "FOK: the whole quantity could not be filled at once", out);
}

Price FillSimulator::takerPrice(const Price& base, const Order& o, const Instrument& inst, const Bar* bar) const {
    const bool buy = o.request.side == Side::Buy;
    auto slipped = m_config.rules.slipped(base, o.request.side, inst);
    Price p = slipped ? *slipped : base;
    if (bar) p = buy ? minOf(p, bar->high) : maxOf(p, bar->low);
    if (o.request.limitPrice) p = buy ? minOf(p, *o.request.limitPrice) : maxOf(p, *o.request.limitPrice);
    return p;
}

Quantity FillSimulator::barQuantity(const Order& o, const Instrument& inst, const Bar& bar) const {
    const Quantity rem = o.remaining();
    const int pct = m_config.maxBarVolumePercent;
    if (pct <= 0 || pct >= 100 * 1000) return rem;
    auto scaled = bar.volume.mulInt(pct);
    if (!scaled) return rem;
    auto cap = scaled->divInt(100, bar.volume.scale() + 2, RoundingMode::Floor);
    if (!cap) return rem;
    auto lot = floorToLot(*cap, inst);
    if (!lot) return rem;
    return minOf(rem, *lot);
}

FillSimulator::Eval FillSimulator::evalBar(const Slot& s, const Instrument& inst, const Bar& bar) const {
    Eval e;
    const Order& o = s.order;
    const bool buy = o.request.side == Side::Buy;
    // In the entry's own bar a bracket child sees the bar from the entry's fill price on.
    const Price open = s.entryBarChild && s.entryBarOpen ? *s.entryBarOpen : bar.open;
    if (s.entryBarChild && o.role == OrderRole::TakeProfit) return e;

    const bool postOnly = o.request.timeInForce == TimeInForce::PostOnly;
    auto limitLogic = [&](const Price& L) -> std::optional<Candidate> {
        if (postOnly) {
            // Resting in the book: a gap through the limit still fills it at the limit, as a maker.
            if (buy ? bar.low <= L : bar.high >= L) return Candidate{L, Liquidity::Maker};
            return std::nullopt;
        }
        if (buy ? open <= L : open >= L) return Candidate{takerPrice(open, o, inst, &bar), Liquidity::Taker};
        if (buy ? bar.low <= L : bar.high >= L) return Candidate{L, Liquidity::Maker};
        return std::nullopt;
    };
    // Price at which a stop is reached in this bar, if it is: the open when it gapped past it.
    auto stopReached = [&](const Price& S) -> std::optional<Price> {
        if (buy ? open >= S : open <= S) return open;
        if (buy ? bar.high >= S : bar.low <= S) return S;
        return std::nullopt;
    };

    switch (o.request.type) {
    case OrderType::Market:
        e.fill = Candidate{takerPrice(open, o, inst, &bar), Liquidity::Taker};
        break;
    case OrderType::Limit:
        e.fill = limitLogic(*o.request.limitPrice);
        break;
    case OrderType::Stop:
        if (o.triggered) {
            e.fill = Candidate{takerPrice(open, o, inst, &bar), Liquidity::Taker};
        } else if (auto p = stopReached(*o.request.stopPrice)) {
            e.triggers = true;
            e.fill = Candidate{takerPrice(*p, o, inst, &bar), Liquidity::Taker};
        }
        break;
    case OrderType::StopLimit:
        if (o.triggered) {
            e.fill = limitLogic(*o.request.limitPrice);
        } else if (auto p = stopReached(*o.request.stopPrice)) {
            e.triggers = true;
            const Price& L = *o.request.limitPrice;
            if (buy ? *p <= L : *p >= L) e.fill = Candidate{takerPrice(*p, o, inst, &bar), Liquidity::Taker};
        }
        break;
    }
    return e;
}

FillSimulator::Eval FillSimulator::evalLive(const Slot& s, const Instrument& inst, const MarketState& m,
                                            std::optional<Price> tradePrice, bool onArrival) const {
    Eval e;
    const Order& o = s.order;
    const bool buy = o.request.side == Side::Buy;
    const std::optional<Price> px = livePrice(o, m, tradePrice, onArrival);
    const bool isTrade = tradePrice.has_value() || !(m.quote && !(buy ? m.quote->ask : m.quote->bid).isZero());
    if (!px) return e;
    const Price& p = *px;

    auto limitLogic = [&](const Price& L, bool arrival) -> std::optional<Candidate> {
        const bool marketable = buy ? p <= L : p >= L;
        if (arrival) {
            if (marketable) return Candidate{takerPrice(p, o, inst, nullptr), Liquidity::Taker};
            return std::nullopt;
        }
        const bool reached = isTrade ? (buy ? p < L : p > L) : marketable;
        if (reached) return Candidate{L, Liquidity::Maker};
        return std::nullopt;
    };
    auto reaches = [&](const Price& S) { return buy ? p >= S : p <= S; };
    const std::optional<Price> stop = o.request.trailing ? o.trailingStop : o.request.stopPrice;

    switch (o.request.type) {
    case OrderType::Market:
        e.fill = Candidate{takerPrice(p, o, inst, nullptr), Liquidity::Taker};
        break;
    case OrderType::Limit:
        e.fill = limitLogic(*o.request.limitPrice, onArrival);
        break;
    case OrderType::Stop:
        if (!o.triggered) {
            if (!stop || !reaches(*stop)) break;
            e.triggers = true;
        }
        e.fill = Candidate{takerPrice(p, o, inst, nullptr), Liquidity::Taker};
        break;
    case OrderType::StopLimit: {
        bool justTriggered = false;
        if (!o.triggered) {
            if (!stop || !reaches(*stop)) break;
            e.triggers = justTriggered = true;
        }
        e.fill = limitLogic(*o.request.limitPrice, onArrival || justTriggered);
        break;
    }
    }
    return e;
}

void FillSimulator::applyEval(Slot& s, const Eval& e, const Quantity& qty, std::int64_t timeMs, OrderEvents& out) {
    if (e.triggers && !s.order.triggered) {
        s.order.triggered = true;
        s.order.updatedMs = timeMs;
        out.push_back({OrderEventKind::Triggered, s.order, std::nullopt});
        if (Slot* sib = isOcoLeg(s.order) ? slot(s.order.ocoSiblingId) : nullptr; sib && sib->order.isOpen())
            cancelSlot(*sib, timeMs, "one-cancels-the-other: the stop leg triggered", out);
    }
    // FOK: all of it or nothing.
    if (s.order.request.timeInForce == TimeInForce::Fok && qty < s.order.remaining()) return;
    if (e.fill && !qty.isZero() && !qty.isNegative()) applyFill(s, e.fill->price, qty, e.fill->liquidity, timeMs, out);
}

void FillSimulator::applyFill(Slot& s, const Price& price, const Quantity& qty, Liquidity liq, std::int64_t timeMs,
                              OrderEvents& out) {
    Order& o = s.order;
    const VenueRules& rules = m_config.rules;
    auto fee = rules.fee(price, qty, liq);
    auto value = rules.notional(price, qty);
    if (!fee || !value) {
        cancelSlot(s, timeMs,
                   "fill of " + qty.toTrimmedString() + " at " + price.toTrimmedString() +
                       " cannot be valued: " + (!fee ? fee.message() : value.message()),
                   out);
        return;
    }
    o.filledQuantity = sum(o.filledQuantity, qty);
    o.filledNotional = sum(o.filledNotional, *value);
    o.feesPaid = sum(o.feesPaid, *fee);
    o.updatedMs = timeMs;
    const bool done = !(o.filledQuantity < o.request.quantity);
    o.status = done ? OrderStatus::Filled : OrderStatus::PartiallyFilled;
    if (done) m_open.erase(o.id);

    Fill f;
    f.orderId = o.id;
    f.clientOrderId = o.request.clientOrderId;
    f.instrument = o.request.instrument;
    f.side = o.request.side;
    f.price = price;
    f.quantity = qty;
    f.fee = *fee;
    f.liquidity = liq;
    f.timeMs = timeMs;
    f.fillId = m_nextFillId++;
    out.push_back({done ? OrderEventKind::Filled : OrderEventKind::PartiallyFilled, o, f});

    // Copy what the follow-ups need: they may insert into m_orders.
    const Order snapshot = o;
    if (snapshot.role == OrderRole::Entry && !snapshot.request.bracket.takeProfits.empty()) {
        placeOrGrowLadder(snapshot, qty, price, timeMs, out);
    } else if (snapshot.role == OrderRole::Entry && !snapshot.request.bracket.empty()) {
        placeOrGrowChildren(snapshot, qty, price, timeMs, out);
    } else if (isOcoLeg(snapshot)) {
        if (Slot* sib = slot(snapshot.ocoSiblingId); sib && sib->order.isOpen())
            cancelSlot(*sib, timeMs, "one-cancels-the-other: the other leg filled", out);
    } else if (snapshot.role != OrderRole::Entry && snapshot.ocoSiblingId != 0) {
        reduceSibling(snapshot, qty, timeMs, out);
    } else if (snapshot.role != OrderRole::Entry) {
        reduceLadder(snapshot, qty, timeMs, out);
    }
}

void FillSimulator::placeOrGrowChildren(const Order& entry, const Quantity& filledNow, const Price& fillPrice,
                                        std::int64_t timeMs, OrderEvents& out) {
    auto existing = m_children.find(entry.id);
    if (existing != m_children.end()) {
        bool grew = false;
        for (OrderId cid : {existing->second.sl, existing->second.tps.empty() ? OrderId{0} : existing->second.tps.front()}) {
            Slot* c = cid ? slot(cid) : nullptr;
            if (!c || !c->order.isOpen()) continue;
            c->order.request.quantity = sum(c->order.request.quantity, filledNow);
            c->order.updatedMs = timeMs;
            grew = true;
        }
        if (grew) return;
    }
    const Bracket& b = entry.request.bracket;
    const OrderId sl =
        b.stopLoss ? makeChild(entry, OrderRole::StopLoss, b.stopLoss, std::nullopt, filledNow, "-SL", fillPrice, timeMs) : 0;
    const OrderId tp = b.takeProfit
        ? makeChild(entry, OrderRole::TakeProfit, std::nullopt, b.takeProfit, filledNow, "-TP", fillPrice, timeMs)
        : 0;
    if (sl && tp) {
        slot(sl)->order.ocoSiblingId = tp;
        slot(tp)->order.ocoSiblingId = sl;
    }
    Children& ch = m_children[entry.id];
    ch.sl = sl;
    ch.tps = {tp};
    for (OrderId id : {sl, tp})
        if (id) out.push_back({OrderEventKind::Accepted, slot(id)->order, std::nullopt});
}

void FillSimulator::reduceSibling(const Order& child, const Quantity& qty, std::int64_t timeMs, OrderEvents& out) {
    Slot* sib = child.ocoSiblingId ? slot(child.ocoSiblingId) : nullptr;
    if (!sib || !sib->order.isOpen()) return;
    if (child.status == OrderStatus::Filled) {
        cancelSlot(*sib, timeMs, std::string("one-cancels-the-other: the ") + std::string(toString(child.role)) + " filled", out);
        return;
    }
    sib->order.request.quantity = diff(sib->order.request.quantity, qty);
    sib->order.updatedMs = timeMs;
    if (!(sib->order.filledQuantity < sib->order.request.quantity))
        cancelSlot(*sib, timeMs, std::string("one-cancels-the-other: the ") + std::string(toString(child.role)) + " filled", out);
}

OrderEvents FillSimulator::onBar(const InstrumentId& id, const Bar& bar) {
    OrderEvents out;
    MarketState& m = m_markets[id];
    if (m.lastBarOpenMs && bar.openTimeMs <= *m.lastBarOpenMs) return out;
    m.lastBarOpenMs = bar.openTimeMs;
    m.lastClose = bar.close;
    const Instrument* inst = instrument(id);
    if (!inst) return out;

    std::vector<OrderId> ids;
    for (OrderId oid : m_open) {
        const Order& o = m_orders.at(oid).order;
        if (o.request.instrument == id && o.createdMs <= bar.openTimeMs) ids.push_back(oid);
    }
    m_inBar = true;
    m_barNewChildren.clear();
    std::set<OrderId> done;
    const std::int64_t t = bar.openTimeMs;

    for (OrderId oid : ids) {
        if (done.count(oid)) continue;
        Slot* s = slot(oid);
        if (!s || !s->order.isOpen()) continue;
        done.insert(oid);
        Slot* sib = s->order.ocoSiblingId ? slot(s->order.ocoSiblingId) : nullptr;
        if (sib && sib->order.isOpen() && sib->order.createdMs <= t && !done.count(sib->order.id)) {
            // A bracket pair: when both lie inside the bar, decide which one came first.
            done.insert(sib->order.id);
            // The stop side of the pair: a bracket's stop-loss or an OCO's stop leg.
            Slot* sl = isStopType(s->order.request.type) ? s : sib;
            Slot* tp = sl == s ? sib : s;
            const Eval esl = evalBar(*sl, *inst, bar);
            const Eval etp = evalBar(*tp, *inst, bar);
            Slot* first = sl;
            if (esl.fill && etp.fill) {
                const bool longPos = sl->order.request.side == Side::Sell;  // children close the position
                const Price& slPx = *sl->order.request.stopPrice;
                const Price& tpPx = *tp->order.request.limitPrice;
                const bool slGap = longPos ? bar.open <= slPx : bar.open >= slPx;
                const bool tpGap = longPos ? bar.open >= tpPx : bar.open <= tpPx;
                if (tpGap && !slGap) {
                    first = tp;
                } else if (!slGap && m_config.tieRule == BracketTieRule::NearerToOpenFirst) {
                    auto dSl = bar.open.sub(slPx);
                    auto dTp = tpPx.sub(bar.open);
                    if (dSl && dTp) {
                        const Price a = dSl->isNegative() ? dSl->negated() : *dSl;
                        const Price b = dTp->isNegative() ? dTp->negated() : *dTp;
                        if (b < a) first = tp;
                    }
                }
            } else if (etp.fill) {
                first = tp;
            }
            Slot* second = first == sl ? tp : sl;
            const Eval& efirst = first == sl ? esl : etp;
            const Eval& esecond = first == sl ? etp : esl;
            applyEval(*first, efirst, barQuantity(first->order, *inst, bar), t, out);
            if (second->order.isOpen()) {
                // Still open: the first one did not fill whole (volume cap) or did not fill at all.
                applyEval(*second, esecond, barQuantity(second->order, *inst, bar), t, out);
            }
            spendIoc(*first, t, out);
            spendIoc(*second, t, out);
            continue;
        }
        if (auto ch = m_children.find(s->order.parentId);
            s->order.role != OrderRole::Entry && ch != m_children.end() && ch->second.ladder) {
            matchLadderBar(*s, *inst, bar, done, out);
            continue;
        }
        const Eval e =
            s->order.request.trailing && !s->order.triggered ? evalTrailingBar(*s, *inst, bar, out) : evalBar(*s, *inst, bar);
        applyEval(*s, e, barQuantity(s->order, *inst, bar), t, out);
        spendIoc(*s, t, out);
    }

    // Bracket children placed by entries that filled in this bar: the stop-loss may still be hit
    // in the same bar (pessimistic); the take-profit waits for the next bar.
    const std::vector<OrderId> children = m_barNewChildren;
    m_barNewChildren.clear();
    m_inBar = false;
    for (OrderId cid : children) {
        Slot* c = slot(cid);
        if (!c) continue;
        if (c->order.isOpen() && c->order.role == OrderRole::StopLoss) {
            const Eval e = evalBar(*c, *inst, bar);
            applyEval(*c, e, barQuantity(c->order, *inst, bar), t, out);
        }
    }
    for (OrderId cid : children)
        if (Slot* c = slot(cid)) c->entryBarChild = false;
    return out;
}

OrderEvents FillSimulator::matchLive(const InstrumentId& id, std::optional<Price> tradePrice, std::int64_t timeMs) {
    OrderEvents out;
    const Instrument* inst = instrument(id);
    if (!inst) return out;
    const MarketState& m = m_markets[id];
    std::vector<OrderId> ids;
    for (OrderId oid : m_open) {
        const Order& o = m_orders.at(oid).order;
        if (o.request.instrument == id && o.createdMs <= timeMs) ids.push_back(oid);
    }
    for (OrderId oid : ids) {
        Slot* s = slot(oid);
        if (!s || !s->order.isOpen()) continue;  // e.g. cancelled by its OCO sibling just now
        if (s->order.request.trailing && !s->order.triggered) trailLive(*s, *inst, m, tradePrice, false, timeMs, out);
        const Eval e = evalLive(*s, *inst, m, tradePrice, false);
        applyEval(*s, e, s->order.remaining(), timeMs, out);
        spendIoc(*s, timeMs, out);
    }
    return out;
}

OrderEvents FillSimulator::onQuote(const InstrumentId& id, const Quote& quote) {
    m_markets[id].quote = quote;
    return matchLive(id, std::nullopt, quote.timeMs);
}

OrderEvents FillSimulator::onTrade(const InstrumentId& id, const Trade& trade) {
    m_markets[id].lastTrade = trade.price;
    return matchLive(id, trade.price, trade.timeMs);
}

OrderId FillSimulator::makeChild(const Order& entry, OrderRole role, std::optional<Price> stop, std::optional<Price> limit,
                                 const Quantity& qty, const std::string& suffix, const Price& fillPrice, std::int64_t timeMs) {
    const int ms = m_config.rules.moneyScale;
    Slot c;
    Order& o = c.order;
    o.id = m_nextId++;
    o.role = role;
    o.parentId = entry.id;
    o.request.instrument = entry.request.instrument;
    o.request.side = opposite(entry.request.side);
    o.request.quantity = qty;
    o.request.timeInForce = TimeInForce::Gtc;
    o.request.type = stop ? OrderType::Stop : OrderType::Limit;
    o.request.stopPrice = stop;
    o.request.limitPrice = limit;
    o.request.clientOrderId = entry.request.clientOrderId + suffix;
    o.status = OrderStatus::Accepted;
    o.createdMs = o.updatedMs = timeMs;
    o.filledQuantity = Quantity::fromRaw(0, qty.scale());
    o.filledNotional = Money::fromRaw(0, ms);
    o.feesPaid = Money::fromRaw(0, ms);
    c.entryBarChild = m_inBar;
    c.entryBarOpen = fillPrice;
    const OrderId id = o.id;
    m_orders.emplace(id, std::move(c));
    m_open.insert(id);
    if (m_inBar) m_barNewChildren.push_back(id);
    return id;
}

void FillSimulator::placeOrGrowLadder(const Order& entry, const Quantity& filledNow, const Price& fillPrice, std::int64_t timeMs,
                                      OrderEvents& out) {
    const Bracket& b = entry.request.bracket;
    const Instrument* inst = instrument(entry.request.instrument);
    Children& ch = m_children[entry.id];
    const bool first = !ch.ladder;
    ch.ladder = true;
    if (ch.tps.size() < b.takeProfits.size()) ch.tps.resize(b.takeProfits.size(), 0);
    std::vector<OrderId> placed;
    std::vector<OrderId> grown;

    if (b.stopLoss) {
        if (first) {
            ch.sl = makeChild(entry, OrderRole::StopLoss, b.stopLoss, std::nullopt, filledNow, "-SL", fillPrice, timeMs);
            placed.push_back(ch.sl);
        } else if (Slot* sl = ch.sl ? slot(ch.sl) : nullptr; sl && sl->order.isOpen()) {
            sl->order.request.quantity = sum(sl->order.request.quantity, filledNow);
            sl->order.updatedMs = timeMs;
            grown.push_back(ch.sl);
        }
    }
    // Each level's share of everything filled so far, down to the lot; the last level takes the rest.
    const Quantity total = entry.filledQuantity;
    Quantity given = Quantity::fromRaw(0, total.scale());
    for (std::size_t i = 0; i < b.takeProfits.size(); ++i) {
        Quantity target = diff(total, given);
        if (i + 1 < b.takeProfits.size()) {
            auto share = total.mulInt(b.takeProfits[i].percent);
            auto part = share ? share->divInt(100, total.scale(), RoundingMode::Floor) : share;
            auto lot = part && inst ? floorToLot(*part, *inst) : part;
            auto atScale = lot ? lot->rescaled(total.scale(), RoundingMode::Floor) : lot;
            target = atScale ? *atScale : Quantity::fromRaw(0, total.scale());
        }
        given = sum(given, target);
        if (target.isZero()) continue;
        const std::string suffix = "-TP" + std::to_string(i + 1);
        if (ch.tps[i] == 0) {
            ch.tps[i] =
                makeChild(entry, OrderRole::TakeProfit, std::nullopt, b.takeProfits[i].price, target, suffix, fillPrice, timeMs);
            placed.push_back(ch.tps[i]);
        } else if (Slot* tp = slot(ch.tps[i]); tp && tp->order.isOpen() && tp->order.request.quantity < target) {
            tp->order.request.quantity = target;
            tp->order.updatedMs = timeMs;
            grown.push_back(ch.tps[i]);
        }
    }
    for (OrderId id : placed) out.push_back({OrderEventKind::Accepted, slot(id)->order, std::nullopt});
    for (OrderId id : grown) out.push_back({OrderEventKind::Amended, slot(id)->order, std::nullopt});
}

void FillSimulator::reduceLadder(const Order& child, const Quantity& qty, std::int64_t timeMs, OrderEvents& out) {
    auto it = m_children.find(child.parentId);
    if (it == m_children.end()) return;
    const Children ch = it->second;  // copy: cancelling does not change it, but keep the loop independent
    if (child.role == OrderRole::StopLoss) {
        Quantity left = qty;
        for (auto id = ch.tps.rbegin(); id != ch.tps.rend(); ++id) {
            Slot* tp = *id ? slot(*id) : nullptr;
            if (!tp || !tp->order.isOpen()) continue;
            if (child.status == OrderStatus::Filled) {
                cancelSlot(*tp, timeMs, "the stop-loss closed the position", out);
                continue;
            }
            if (left.isZero()) break;
            const Quantity take = minOf(tp->order.remaining(), left);
            left = diff(left, take);
            tp->order.request.quantity = diff(tp->order.request.quantity, take);
            tp->order.updatedMs = timeMs;
            if (!(tp->order.filledQuantity < tp->order.request.quantity))
                cancelSlot(*tp, timeMs, "the stop-loss closed this part of the position", out);
            else
                out.push_back({OrderEventKind::Amended, tp->order, std::nullopt});
        }
        return;
    }
    Slot* sl = ch.sl ? slot(ch.sl) : nullptr;
    if (!sl || !sl->order.isOpen()) return;
    // The stop follows the remaining position.
    sl->order.request.quantity = diff(sl->order.request.quantity, qty);
    sl->order.updatedMs = timeMs;
    if (!(sl->order.filledQuantity < sl->order.request.quantity))
        cancelSlot(*sl, timeMs, "the take-profits closed the position", out);
    else
        out.push_back({OrderEventKind::Amended, sl->order, std::nullopt});
}

void FillSimulator::matchLadderBar(Slot& s, const Instrument& inst, const Bar& bar, std::set<OrderId>& done, OrderEvents& out) {
    const std::int64_t t = bar.openTimeMs;
    std::vector<OrderId> ids;
    if (auto it = m_children.find(s.order.parentId); it != m_children.end()) {
        if (it->second.sl) ids.push_back(it->second.sl);
        for (OrderId id : it->second.tps)
            if (id) ids.push_back(id);
    }
    if (std::find(ids.begin(), ids.end(), s.order.id) == ids.end()) ids.push_back(s.order.id);
    struct Step {
        Slot* slot = nullptr;
        Eval eval;
        int tier = 0;
        Price distance;
    };
    std::vector<Step> steps;
    const bool longPos = s.order.request.side == Side::Sell;  // children close the position
    for (OrderId id : ids) {
        Slot* m = slot(id);
        if (!m || !m->order.isOpen() || m->entryBarChild || m->order.createdMs > t || (id != s.order.id && done.count(id)))
            continue;
        done.insert(id);
        Step st;
        st.slot = m;
        st.eval = evalBar(*m, inst, bar);
        const bool stop = m->order.role == OrderRole::StopLoss;
        const Price& level = stop ? *m->order.request.stopPrice : *m->order.request.limitPrice;
        const bool gapped =
            stop ? (longPos ? bar.open <= level : bar.open >= level) : (longPos ? bar.open >= level : bar.open <= level);
        auto d = level.sub(bar.open);
        st.distance = d ? (d->isNegative() ? d->negated() : *d) : level;
        if (gapped)
            st.tier = 0;
        else if (m_config.tieRule == BracketTieRule::StopLossFirst)
            st.tier = stop ? 1 : 2;
        else
            st.tier = 1;
        steps.push_back(st);
    }
    std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
        if (a.tier != b.tier) return a.tier < b.tier;
        if (a.distance < b.distance || b.distance < a.distance) return a.distance < b.distance;
        const bool aStop = a.slot->order.role == OrderRole::StopLoss;
        const bool bStop = b.slot->order.role == OrderRole::StopLoss;
        return aStop && !bStop;
    });
    for (Step& st : steps)
        if (st.slot->order.isOpen()) applyEval(*st.slot, st.eval, barQuantity(st.slot->order, inst, bar), t, out);
    for (Step& st : steps) spendIoc(*st.slot, t, out);
}

void FillSimulator::placeOcoLeg(const Order& limitLeg, std::int64_t nowMs, OrderEvents& out) {
    const OcoStopLeg& leg = *limitLeg.request.ocoStop;
    const int ms = m_config.rules.moneyScale;
    Slot c;
    Order& o = c.order;
    o.id = m_nextId++;
    o.request.instrument = limitLeg.request.instrument;
    o.request.side = limitLeg.request.side;
    o.request.quantity = limitLeg.request.quantity;
    o.request.type = leg.limitPrice ? OrderType::StopLimit : OrderType::Stop;
    o.request.stopPrice = leg.stopPrice;
    o.request.limitPrice = leg.limitPrice;
    o.request.timeInForce = TimeInForce::Gtc;
    o.request.clientOrderId = limitLeg.request.clientOrderId + "-S";
    o.status = OrderStatus::Accepted;
    o.ocoSiblingId = limitLeg.id;
    o.createdMs = o.updatedMs = nowMs;
    o.filledQuantity = Quantity::fromRaw(0, o.request.quantity.scale());
    o.filledNotional = Money::fromRaw(0, ms);
    o.feesPaid = Money::fromRaw(0, ms);
    const OrderId id = o.id;
    m_orders.emplace(id, std::move(c));
    m_open.insert(id);
    slot(limitLeg.id)->order.ocoSiblingId = id;
    // The limit leg's Accepted event (already out) did not know its sibling yet: send it again.
    out.back().order = slot(limitLeg.id)->order;
    out.push_back({OrderEventKind::Accepted, slot(id)->order, std::nullopt});
}

std::optional<Price> FillSimulator::trailLevel(const Order& o, const Instrument& inst, const Price& extreme) const {
    const bool buy = o.request.side == Side::Buy;  // a buy stop waits above the market, a sell stop below
    const Trailing& tr = *o.request.trailing;
    const RoundingMode away = buy ? RoundingMode::Ceiling : RoundingMode::Floor;
    Result<Price> raw = extreme;
    if (tr.kind == TrailingKind::Bips) {
        auto scaled = extreme.mulInt(buy ? 10000 + tr.bips : 10000 - tr.bips);
        raw = scaled ? scaled->divInt(10000, std::min(extreme.scale() + 4, 18), away) : scaled;
    } else {
        raw = buy ? extreme.add(tr.amount) : extreme.sub(tr.amount);
    }
    if (!raw) return std::nullopt;
    auto level = roundToTick(*raw, inst, away);
    if (!level || level->isZero() || level->isNegative()) return std::nullopt;
    return *level;
}

void FillSimulator::setTrail(Slot& s, const Instrument& inst, const Price& extreme, std::int64_t timeMs, OrderEvents& out) {
    Order& o = s.order;
    const bool buy = o.request.side == Side::Buy;
    const bool better = !o.trailingExtreme || (buy ? extreme < *o.trailingExtreme : *o.trailingExtreme < extreme);
    if (!better) return;
    o.trailingExtreme = extreme;
    const auto level = trailLevel(o, inst, extreme);
    if (level == o.trailingStop) return;
    o.trailingStop = level;
    o.updatedMs = timeMs;
    out.push_back({OrderEventKind::Amended, o, std::nullopt});
}

FillSimulator::Eval FillSimulator::evalTrailingBar(Slot& s, const Instrument& inst, const Bar& bar, OrderEvents& out) {
    Eval e;
    Order& o = s.order;
    const bool buy = o.request.side == Side::Buy;
    const std::int64_t t = bar.openTimeMs;
    // Reached = the price moved through `level` the stop's way (a sell stop: down to it).
    auto down = [&](const Price& p, const Price& level) { return buy ? level <= p : p <= level; };
    auto trigger = [&](const Price& at) {
        e.triggers = true;
        if (o.request.type == OrderType::Stop) {
            e.fill = Candidate{takerPrice(at, o, inst, &bar), Liquidity::Taker};
        } else if (buy ? at <= *o.request.limitPrice : at >= *o.request.limitPrice) {
            e.fill = Candidate{takerPrice(at, o, inst, &bar), Liquidity::Taker};
        }
    };
    const Price& best = buy ? bar.low : bar.high;
    if (!o.trailingExtreme) {
        const auto& activation = o.request.stopPrice;
        if (!activation || (buy ? bar.open <= *activation : bar.open >= *activation)) {
            setTrail(s, inst, bar.open, t, out);
        } else if (buy ? bar.low <= *activation : bar.high >= *activation) {
            // Reached inside the bar: the bar's best price came after the activation, the close after that.
            setTrail(s, inst, best, t, out);
            if (o.trailingStop && down(bar.close, *o.trailingStop)) trigger(*o.trailingStop);
            return e;
        } else {
            return e;
        }
    }
    setTrail(s, inst, bar.open, t, out);
    if (!o.trailingStop) return e;
    if (down(bar.open, *o.trailingStop)) {
        trigger(bar.open);
        return e;
    }
    if (down(buy ? bar.high : bar.low, *o.trailingStop)) {
        trigger(*o.trailingStop);
        return e;
    }
    setTrail(s, inst, best, t, out);
    if (o.trailingStop && down(bar.close, *o.trailingStop)) trigger(*o.trailingStop);
    return e;
}

std::optional<Price> FillSimulator::livePrice(const Order& o, const MarketState& m, std::optional<Price> tradePrice,
                                              bool onArrival) {
    const bool buy = o.request.side == Side::Buy;
    if (tradePrice) return tradePrice;
    if (m.quote && !(buy ? m.quote->ask : m.quote->bid).isZero()) return buy ? m.quote->ask : m.quote->bid;
    if (onArrival && m.lastTrade) return m.lastTrade;
    return std::nullopt;
}

void FillSimulator::trailLive(Slot& s, const Instrument& inst, const MarketState& m, std::optional<Price> tradePrice,
                              bool onArrival, std::int64_t timeMs, OrderEvents& out) {
    const auto p = livePrice(s.order, m, tradePrice, onArrival);
    if (!p) return;
    const bool buy = s.order.request.side == Side::Buy;
    const auto& activation = s.order.request.stopPrice;
    if (!s.order.trailingExtreme && activation && (buy ? *activation < *p : *p < *activation)) return;
    setTrail(s, inst, *p, timeMs, out);
}

Status FillSimulator::restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) {
    for (const Order& o : openOrders) {
        if (o.id == 0) return makeError("a stored order has no id");
        if (!o.isOpen()) return makeError("stored order " + o.request.clientOrderId + " is not open");
        if (m_orders.count(o.id)) return makeError("stored order id " + std::to_string(o.id) + " is already in use");
    }
    for (const Order& o : openOrders) {
        Slot s;
        s.order = o;
        m_orders.emplace(o.id, std::move(s));
        m_open.insert(o.id);
        m_nextId = std::max(m_nextId, o.id + 1);
        if (o.parentId != 0) {
            Children& ch = m_children[o.parentId];
            if (o.role == OrderRole::StopLoss) {
                ch.sl = o.id;
            } else {
                // Ladder levels are named "<entry>-TP<n>"; a single take-profit "<entry>-TP".
                const std::string& cid = o.request.clientOrderId;
                const auto pos = cid.rfind("-TP");
                const std::string level = pos == std::string::npos ? std::string() : cid.substr(pos + 3);
                std::size_t index = 0;
                if (level.size() == 1 && level[0] >= '1' && level[0] <= '3') {
                    ch.ladder = true;
                    index = static_cast<std::size_t>(level[0] - '1');
                }
                if (ch.tps.size() <= index) ch.tps.resize(index + 1, 0);
                ch.tps[index] = o.id;
            }
        }
    }
    m_nextId = std::max(m_nextId, nextOrderId);
    m_nextFillId = std::max(m_nextFillId, nextFillId);
    return {};
}

}  // namespace kairos::trading
