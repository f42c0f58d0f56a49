// FakeBinanceTrading's order lists (fakebinancetrading.h): OCO, OTO and OTOCO placement, their
// matching rules, cancel, look-up and listStatus events. The rest of the server is in
// fakebinancetrading.cpp.
#include "fakebinancetrading.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace kairos::test {

namespace {

using Params = std::map<QString, QString>;

QString param(const Params& p, const char* name) {
    auto it = p.find(QLatin1String(name));
    return it == p.end() ? QString() : it->second;
}

bool has(const Params& p, const char* name) { return !param(p, name).isEmpty(); }

QString mandatoryMessage(const QString& name) {
    return QStringLiteral("Mandatory parameter '%1' was not sent, was empty/null, or malformed.").arg(name);
}

// The leg types rest-api.md allows above and below the price in an OCO pair.
const QStringList& aboveTypes() {
    static const QStringList types{QStringLiteral("STOP_LOSS_LIMIT"), QStringLiteral("STOP_LOSS"), QStringLiteral("LIMIT_MAKER"),
                                   QStringLiteral("TAKE_PROFIT"), QStringLiteral("TAKE_PROFIT_LIMIT")};
    return types;
}
const QStringList& belowTypes() {
    static const QStringList types{QStringLiteral("STOP_LOSS"), QStringLiteral("STOP_LOSS_LIMIT"), QStringLiteral("TAKE_PROFIT"),
                                   QStringLiteral("TAKE_PROFIT_LIMIT")};
    return types;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Order lists: rest-api.md "New Order list - OCO / OTO / OTOCO", "Cancel Order list", "Query Order list"

std::optional<HttpReply> FakeBinanceTrading::startList(const Params& p, std::initializer_list<const char*> mandatory,
                                                       QString& symbol, QString& listCid) {
    for (const char* name : mandatory)
        if (!has(p, name)) return error(400, -1102, mandatoryMessage(QString::fromLatin1(name)));
    symbol = param(p, "symbol");
    if (!m_symbols.count(symbol)) return error(400, -1121, QStringLiteral("Invalid symbol."));
    static const QRegularExpression idRe(QStringLiteral("^[a-zA-Z0-9-_]{1,36}$"));
    listCid = has(p, "listClientOrderId") ? param(p, "listClientOrderId") : QStringLiteral("fakelist%1").arg(m_nextListId);
    if (!idRe.match(listCid).hasMatch())
        return error(400, -1100,
                     QStringLiteral("Illegal characters found in parameter 'listClientOrderId'; legal range is "
                                    "'^[a-zA-Z0-9-_]{1,36}$'."));
    ++m_listPlaceAttempts[listCid];
    return std::nullopt;
}

FakeBinanceTrading::OrderList* FakeBinanceTrading::listOf(const Order& o) {
    if (o.orderListId < 0) return nullptr;
    for (OrderList& l : m_lists)
        if (l.orderListId == o.orderListId) return &l;
    return nullptr;
}

HttpReply FakeBinanceTrading::newOco(const Params& p, bool& accepted) {
    accepted = false;
    QString symbol;
    QString listCid;
    if (auto refused = startList(p, {"symbol", "side", "quantity", "aboveType", "belowType"}, symbol, listCid)) return *refused;
    const QString aboveType = param(p, "aboveType");
    const QString belowType = param(p, "belowType");
    if (!aboveTypes().contains(aboveType) || !belowTypes().contains(belowType))
        return error(400, -1116, QStringLiteral("Invalid orderType."));
    const auto isStopLoss = [](const QString& t) { return t.startsWith(QLatin1String("STOP_LOSS")); };
    Order above;
    Order below;
    const QString side = param(p, "side");
    const QString quantity = param(p, "quantity");
    if (auto refused = buildOrder(legParams(p, QStringLiteral("above"), side, aboveType, quantity), above)) return *refused;
    if (auto refused = buildOrder(legParams(p, QStringLiteral("below"), side, belowType, quantity), below)) return *refused;
    if (above.clientOrderId == below.clientOrderId) return error(400, -2010, QStringLiteral("Duplicate order sent."));
    for (const OrderList& l : m_lists)
        if (l.listClientOrderId == listCid && l.listOrderStatus == QLatin1String("EXECUTING"))
            return error(400, -2010, QStringLiteral("Duplicate order sent."));
    const Units last = m_last.count(symbol) ? m_last.at(symbol) : 0;
    if (last == 0) return error(400, -2010, QStringLiteral("Market is closed."));
    const bool buy = side == QLatin1String("BUY");
    if (auto refused = checkOcoPair(above, below, buy, last)) return *refused;
    const Order& tp = isStopLoss(aboveType) ? below : above;
    const Order& sl = isStopLoss(aboveType) ? above : below;

    const std::int64_t now = m_now();
    int in10s = 0;
    for (auto t : m_recentOrders) in10s += t > now - 10'000 ? 1 : 0;
    if (in10s + 2 > m_orderLimit10s)
        return error(429, -1015,
                     QStringLiteral("Too many new orders; current limit is %1 orders per 10 SECOND.").arg(m_orderLimit10s));
    // One lock for the list: the quantity (SELL) or the dearer leg's quote (BUY).
    const Units reserve = std::max({tp.price, tp.stopPrice, sl.price, sl.stopPrice, last});
    OrderList list;
    list.orderListId = m_nextListId++;
    list.listClientOrderId = listCid;
    list.symbol = symbol;
    list.listStatusType = QStringLiteral("EXEC_STARTED");
    list.listOrderStatus = QStringLiteral("EXECUTING");
    list.transactionTime = now;
    for (Order* o : {&below, &above}) {
        o->orderId = m_nextOrderId++;
        o->orderListId = list.orderListId;
        o->time = o->updateTime = now;
        o->status = QStringLiteral("NEW");
        o->reserve = reserve;
        o->holdsLock = o == &below;
        list.orderIds.push_back(o->orderId);
    }
    if (!lock(below)) return error(400, -2010, QStringLiteral("Account has insufficient balance for requested action."));
    m_recentOrders.push_back(now);
    m_recentOrders.push_back(now);
    accepted = true;
    m_orders.push_back(below);
    m_orders.push_back(above);
    m_lists.push_back(list);
    const std::size_t first = m_orders.size() - 2;
    emitExecution(m_orders[first], QStringLiteral("NEW"), nullptr);
    emitExecution(m_orders[first + 1], QStringLiteral("NEW"), nullptr);
    emitListStatus(m_lists.back());
    const Symbol& s = m_symbols.at(symbol);
    emitAccountPosition({buy ? s.quote : s.base});
    match(m_orders[first], true);
    match(m_orders[first + 1], true);
    for (const OrderList& l : m_lists)
        if (l.orderListId == list.orderListId)
            return HttpReply::json(QJsonDocument(listJson(l, true)).toJson(QJsonDocument::Compact));
    return error(500, -1000, QStringLiteral("An unknown error occurred while processing the request."));
}

std::map<QString, QString> FakeBinanceTrading::legParams(const Params& p, const QString& prefix, const QString& side,
                                                         const QString& type, const QString& quantity) {
    Params lp{{QStringLiteral("symbol"), param(p, "symbol")},
              {QStringLiteral("side"), side},
              {QStringLiteral("type"), type},
              {QStringLiteral("quantity"), quantity}};
    const std::pair<const char*, const char*> names[] = {{"Price", "price"},
                                                         {"StopPrice", "stopPrice"},
                                                         {"TrailingDelta", "trailingDelta"},
                                                         {"TimeInForce", "timeInForce"},
                                                         {"ClientOrderId", "newClientOrderId"}};
    for (const auto& [suffix, name] : names) {
        auto it = p.find(prefix + QLatin1String(suffix));
        if (it != p.end()) lp[QString::fromLatin1(name)] = it->second;
    }
    if (!lp.count(QStringLiteral("newClientOrderId")))
        lp[QStringLiteral("newClientOrderId")] = QStringLiteral("fakeauto%1%2").arg(m_nextOrderId).arg(prefix);
    return lp;
}

std::optional<HttpReply> FakeBinanceTrading::checkOcoPair(const Order& above, const Order& below, bool buy, Units reference) {
    const auto isStopLoss = [](const QString& t) { return t.startsWith(QLatin1String("STOP_LOSS")); };
    // "One of the orders must be a LIMIT_MAKER/TAKE_PROFIT/TAKE_PROFIT_LIMIT order and the other must
    // be STOP_LOSS or STOP_LOSS_LIMIT order."
    if (isStopLoss(above.type) == isStopLoss(below.type)) return error(400, -1116, QStringLiteral("Invalid orderType."));
    // Price restrictions: SELL: take-profit side > last > stop; BUY: take-profit side < last < stop.
    const Order& tp = isStopLoss(above.type) ? below : above;
    const Order& sl = isStopLoss(above.type) ? above : below;
    const Units tpLevel = tp.type == QLatin1String("TAKE_PROFIT") ? tp.stopPrice : tp.price;
    const bool tpOk = tpLevel == 0 || (buy ? tpLevel < reference : tpLevel > reference);
    const bool slOk = sl.stopPrice == 0 || (buy ? reference < sl.stopPrice : reference > sl.stopPrice);
    const bool sidesOk = buy ? &sl == &above : &tp == &above;
    if (!tpOk || !slOk || !sidesOk)
        return error(400, -2010, QStringLiteral("The relationship of the prices for the orders is not correct."));
    return std::nullopt;
}

HttpReply FakeBinanceTrading::newOto(const Params& p, bool& accepted) {
    accepted = false;
    if (!has(p, "pendingType")) return error(400, -1102, mandatoryMessage(QStringLiteral("pendingType")));
    if (param(p, "pendingType") == QLatin1String("MARKET") && has(p, "pendingQuoteOrderQty"))
        return error(400, -1116, QStringLiteral("Invalid orderType."));
    // The one pending order goes through the OTOCO path as its only ("above") pending order.
    Params q;
    for (const auto& [k, v] : p) {
        if (k.startsWith(QLatin1String("pending")) && k != QLatin1String("pendingSide") && k != QLatin1String("pendingQuantity"))
            q[QStringLiteral("pendingAbove") + k.mid(7)] = v;
        else
            q[k] = v;
    }
    return newOtoco(q, accepted, true);
}

HttpReply FakeBinanceTrading::newOtoco(const Params& p, bool& accepted, bool oto) {
    accepted = false;
    QString symbol;
    QString listCid;
    if (auto refused = startList(p,
                                 {"symbol", "workingType", "workingSide", "workingPrice", "workingQuantity", "pendingSide",
                                  "pendingQuantity", "pendingAboveType"},
                                 symbol, listCid))
        return *refused;
    const QString workingType = param(p, "workingType");
    if (workingType != QLatin1String("LIMIT") && workingType != QLatin1String("LIMIT_MAKER"))
        return error(400, -1116, QStringLiteral("Invalid orderType."));
    const QString aboveType = param(p, "pendingAboveType");
    const bool pair = !oto && has(p, "pendingBelowType");
    static const QStringList otoTypes{QStringLiteral("LIMIT"),       QStringLiteral("MARKET"),
                                      QStringLiteral("STOP_LOSS"),   QStringLiteral("STOP_LOSS_LIMIT"),
                                      QStringLiteral("TAKE_PROFIT"), QStringLiteral("TAKE_PROFIT_LIMIT"),
                                      QStringLiteral("LIMIT_MAKER")};
    if (!oto && !pair) return error(400, -1102, mandatoryMessage(QStringLiteral("pendingBelowType")));
    if (oto && !otoTypes.contains(aboveType)) return error(400, -1116, QStringLiteral("Invalid orderType."));
    const QString belowType = param(p, "pendingBelowType");
    if ((!oto && !aboveTypes().contains(aboveType)) || (pair && !belowTypes().contains(belowType)))
        return error(400, -1116, QStringLiteral("Invalid orderType."));

    Order working;
    const Params wp = legParams(p, QStringLiteral("working"), param(p, "workingSide"), workingType, param(p, "workingQuantity"));
    if (auto refused = buildOrder(wp, working)) return *refused;
    const QString pendingSide = param(p, "pendingSide");
    const QString pendingQty = param(p, "pendingQuantity");
    Order above;
    Order below;
    if (auto refused = buildOrder(legParams(p, QStringLiteral("pendingAbove"), pendingSide, aboveType, pendingQty), above))
        return *refused;
    if (pair) {
        if (auto refused = buildOrder(legParams(p, QStringLiteral("pendingBelow"), pendingSide, belowType, pendingQty), below))
            return *refused;
        // The pending pair follows the OCO rules; its "last price" is the working price it starts at.
        if (auto refused = checkOcoPair(above, below, pendingSide == QLatin1String("BUY"), working.price)) return *refused;
    }
    QStringList ids{working.clientOrderId, above.clientOrderId};
    if (pair) ids.append(below.clientOrderId);
    ids.removeDuplicates();
    if (ids.size() != (pair ? 3 : 2)) return error(400, -2010, QStringLiteral("Duplicate order sent."));
    for (const OrderList& l : m_lists)
        if (l.listClientOrderId == listCid && l.listOrderStatus == QLatin1String("EXECUTING"))
            return error(400, -2010, QStringLiteral("Duplicate order sent."));
    const Units last = m_last.count(symbol) ? m_last.at(symbol) : 0;
    const bool workingBuy = working.side == QLatin1String("BUY");
    if (workingType == QLatin1String("LIMIT_MAKER") && last != 0 && (workingBuy ? working.price >= last : working.price <= last))
        return error(400, -2010, QStringLiteral("Order would immediately match and take."));
    const std::int64_t now = m_now();
    int in10s = 0;
    for (auto t : m_recentOrders) in10s += t > now - 10'000 ? 1 : 0;
    const int count = pair ? 3 : 2;
    if (in10s + count > m_orderLimit10s)
        return error(429, -1015,
                     QStringLiteral("Too many new orders; current limit is %1 orders per 10 SECOND.").arg(m_orderLimit10s));

    OrderList list;
    list.orderListId = m_nextListId++;
    list.listClientOrderId = listCid;
    list.symbol = symbol;
    list.contingencyType = QStringLiteral("OTO");
    list.listStatusType = QStringLiteral("EXEC_STARTED");
    list.listOrderStatus = QStringLiteral("EXECUTING");
    list.transactionTime = now;
    working.orderId = m_nextOrderId++;
    working.orderListId = list.orderListId;
    working.time = working.updateTime = now;
    working.status = QStringLiteral("NEW");
    working.reserve = working.price;
    if (!lock(working)) return error(400, -2010, QStringLiteral("Account has insufficient balance for requested action."));
    list.workingOrderId = working.orderId;
    list.orderIds.push_back(working.orderId);
    const Units reserve = std::max({above.price, above.stopPrice, below.price, below.stopPrice, working.price});
    std::vector<Order> pending;
    if (pair) pending.push_back(below);
    pending.push_back(above);
    for (Order& o : pending) {
        o.orderId = m_nextOrderId++;
        o.orderListId = list.orderListId;
        o.time = o.updateTime = now;
        o.status = QStringLiteral("PENDING_NEW");
        o.reserve = reserve;
        o.holdsLock = false;  // locks when it goes on the book
        list.orderIds.push_back(o.orderId);
    }
    for (int i = 0; i < count; ++i) m_recentOrders.push_back(now);
    accepted = true;
    m_orders.push_back(working);
    const std::size_t workingIndex = m_orders.size() - 1;
    for (const Order& o : pending) m_orders.push_back(o);
    m_lists.push_back(list);
    emitExecution(m_orders[workingIndex], QStringLiteral("NEW"), nullptr);
    emitListStatus(m_lists.back());
    const Symbol& s = m_symbols.at(symbol);
    emitAccountPosition({workingBuy ? s.quote : s.base});
    match(m_orders[workingIndex], true);
    for (const OrderList& l : m_lists)
        if (l.orderListId == list.orderListId)
            return HttpReply::json(QJsonDocument(listJson(l, true)).toJson(QJsonDocument::Compact));
    return error(500, -1000, QStringLiteral("An unknown error occurred while processing the request."));
}

void FakeBinanceTrading::activatePending(std::int64_t orderListId) {
    std::vector<std::size_t> legs;
    for (std::size_t i = 0; i < m_orders.size(); ++i)
        if (m_orders[i].orderListId == orderListId && m_orders[i].isPending()) legs.push_back(i);
    if (legs.empty()) return;
    // One lock for the pending order (or the pending pair): on the first leg.
    Order& first = m_orders[legs.front()];
    first.holdsLock = true;
    if (!lock(first)) {
        // enums.md REJECTED: "a contingent order ... was rejected by the matching engine when trying
        // to place it on the order book. Common reasons are lack of funds".
        first.holdsLock = false;
        for (std::size_t i : legs) {
            m_orders[i].status = QStringLiteral("EXPIRED");
            m_orders[i].expiryReason = QStringLiteral("REJECTED");
            m_orders[i].updateTime = m_now();
            emitExecution(m_orders[i], QStringLiteral("EXPIRED"), nullptr);
        }
        return;
    }
    for (std::size_t i : legs) {
        m_orders[i].status = QStringLiteral("NEW");
        m_orders[i].time = m_orders[i].updateTime = m_now();
        emitExecution(m_orders[i], QStringLiteral("NEW"), nullptr);
    }
    const Symbol& s = m_symbols.at(first.symbol);
    emitAccountPosition({first.side == QLatin1String("BUY") ? s.quote : s.base});
    for (std::size_t i : legs) match(m_orders[i], true);
}

void FakeBinanceTrading::ocoExecute(Order& o) {
    OrderList* l = listOf(o);
    // An OTO(CO)'s working order filling does not touch its pending orders (they wait for its full fill).
    if (!l || o.orderId == l->workingOrderId) return;
    for (std::int64_t legId : l->orderIds) {
        if (legId == o.orderId || legId == l->workingOrderId) continue;
        for (Order& other : m_orders) {
            if (other.orderId != legId || !other.isOpen()) continue;
            if (other.holdsLock) {  // the list's lock goes to the executing leg
                other.holdsLock = false;
                o.holdsLock = true;
            }
            other.status = QStringLiteral("EXPIRED");
            other.expiryReason = QStringLiteral("OCO_TRIGGER");
            other.updateTime = m_now();
            emitExecution(other, QStringLiteral("EXPIRED"), nullptr);
        }
    }
}

void FakeBinanceTrading::ocoSettle(const Order& o) {
    OrderList* l = listOf(o);
    if (!l || l->listOrderStatus == QLatin1String("ALL_DONE")) return;
    for (std::int64_t legId : l->orderIds)
        for (const Order& leg : m_orders)
            if (leg.orderId == legId && leg.isLive()) return;
    l->listStatusType = QStringLiteral("ALL_DONE");
    l->listOrderStatus = QStringLiteral("ALL_DONE");
    l->transactionTime = m_now();
    emitListStatus(*l);
}

QJsonObject FakeBinanceTrading::listJson(const OrderList& l, bool withReports) const {
    QJsonArray legs;
    QJsonArray reports;
    for (std::int64_t legId : l.orderIds) {
        for (const Order& o : m_orders) {
            if (o.orderId != legId) continue;
            legs.append(QJsonObject{{QStringLiteral("symbol"), o.symbol},
                                    {QStringLiteral("orderId"), static_cast<qint64>(o.orderId)},
                                    {QStringLiteral("clientOrderId"), o.clientOrderId}});
            reports.append(orderJson(o));
        }
    }
    QJsonObject out{{QStringLiteral("orderListId"), static_cast<qint64>(l.orderListId)},
                    {QStringLiteral("contingencyType"), l.contingencyType},
                    {QStringLiteral("listStatusType"), l.listStatusType},
                    {QStringLiteral("listOrderStatus"), l.listOrderStatus},
                    {QStringLiteral("listClientOrderId"), l.listClientOrderId},
                    {QStringLiteral("transactionTime"), static_cast<qint64>(l.transactionTime)},
                    {QStringLiteral("symbol"), l.symbol},
                    {QStringLiteral("orders"), legs}};
    if (withReports) out.insert(QStringLiteral("orderReports"), reports);
    return out;
}

void FakeBinanceTrading::emitListStatus(const OrderList& l) {
    QJsonArray legs;
    for (std::int64_t legId : l.orderIds)
        for (const Order& o : m_orders)
            if (o.orderId == legId)
                legs.append(QJsonObject{{QStringLiteral("s"), o.symbol},
                                        {QStringLiteral("i"), static_cast<qint64>(o.orderId)},
                                        {QStringLiteral("c"), o.clientOrderId}});
    emitEvent(QJsonObject{{QStringLiteral("e"), QStringLiteral("listStatus")},
                          {QStringLiteral("E"), static_cast<qint64>(m_now())},
                          {QStringLiteral("s"), l.symbol},
                          {QStringLiteral("g"), static_cast<qint64>(l.orderListId)},
                          {QStringLiteral("c"), l.contingencyType},
                          {QStringLiteral("l"), l.listStatusType},
                          {QStringLiteral("L"), l.listOrderStatus},
                          {QStringLiteral("r"), QStringLiteral("NONE")},
                          {QStringLiteral("C"), l.listClientOrderId},
                          {QStringLiteral("T"), static_cast<qint64>(l.transactionTime)},
                          {QStringLiteral("O"), legs}});
}

HttpReply FakeBinanceTrading::cancelList(const Params& p) {
    if (!has(p, "symbol")) return error(400, -1102, mandatoryMessage(QStringLiteral("symbol")));
    if (!has(p, "orderListId") && !has(p, "listClientOrderId"))
        return error(400, -1102,
                     QStringLiteral("Param 'orderListId' or 'listClientOrderId' must be sent, but both were empty/null!"));
    OrderList* found = nullptr;
    for (OrderList& l : m_lists) {
        if (l.symbol != param(p, "symbol")) continue;
        if (has(p, "orderListId") && QString::number(l.orderListId) != param(p, "orderListId")) continue;
        if (has(p, "listClientOrderId") && l.listClientOrderId != param(p, "listClientOrderId")) continue;
        found = &l;
    }
    if (!found || found->listOrderStatus != QLatin1String("EXECUTING"))
        return error(400, -2011, QStringLiteral("Unknown order list sent."));
    const std::int64_t listId = found->orderListId;
    QStringList assets;
    for (std::int64_t legId : found->orderIds) {
        for (Order& o : m_orders) {
            if (o.orderId != legId || !o.isLive()) continue;
            unlockRest(o);
            o.status = QStringLiteral("CANCELED");
            o.updateTime = m_now();
            emitExecution(o, QStringLiteral("CANCELED"), nullptr);
            const Symbol& s = m_symbols.at(o.symbol);
            assets.append(o.side == QLatin1String("BUY") ? s.quote : s.base);
        }
    }
    for (OrderList& l : m_lists) {
        if (l.orderListId != listId) continue;
        l.listStatusType = QStringLiteral("ALL_DONE");
        l.listOrderStatus = QStringLiteral("ALL_DONE");
        l.transactionTime = m_now();
        emitListStatus(l);
        assets.removeDuplicates();
        emitAccountPosition(assets);
        return HttpReply::json(QJsonDocument(listJson(l, true)).toJson(QJsonDocument::Compact));
    }
    return error(400, -2011, QStringLiteral("Unknown order list sent."));
}

HttpReply FakeBinanceTrading::queryList(const Params& p) {
    if (!has(p, "orderListId") && !has(p, "origClientOrderId"))
        return error(400, -1102,
                     QStringLiteral("Param 'orderListId' or 'origClientOrderId' must be sent, but both were empty/null!"));
    for (auto it = m_lists.rbegin(); it != m_lists.rend(); ++it) {
        if (has(p, "orderListId") && QString::number(it->orderListId) != param(p, "orderListId")) continue;
        if (has(p, "origClientOrderId") && it->listClientOrderId != param(p, "origClientOrderId")) continue;
        return HttpReply::json(QJsonDocument(listJson(*it, false)).toJson(QJsonDocument::Compact));
    }
    return error(400, -2011, QStringLiteral("Order list does not exist."));
}

HttpReply FakeBinanceTrading::openLists() const {
    QJsonArray out;
    for (const OrderList& l : m_lists)
        if (l.listOrderStatus == QLatin1String("EXECUTING")) out.append(listJson(l, false));
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

}  // namespace kairos::test
