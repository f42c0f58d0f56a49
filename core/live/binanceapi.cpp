#include "live/binanceapi.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

namespace kairos::live {

namespace {

QJsonDocument parseJson(std::string_view json, QJsonParseError& err) {
    return QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &err);
}

std::string str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString().toStdString(); }
std::int64_t integer(const QJsonObject& o, const char* key, std::int64_t fallback = 0) {
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toInteger(fallback) : fallback;
}

/// A decimal field sent as a string ("0.00100000"); an absent or malformed one is an error that names it.
template <class T>
Result<T> decimalField(const QJsonObject& o, const char* key, bool required = true) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        if (!required) return T{};
        return makeError(std::string("field '") + key + "' is missing");
    }
    if (!v.isString()) return makeError(std::string("field '") + key + "' is not a decimal string");
    auto parsed = T::parse(v.toString().toStdString());
    if (!parsed) return makeError(std::string("field '") + key + "': " + parsed.message());
    return parsed;
}

#define KAIROS_TRY_FIELD(target, expr) \
    do {                               \
        auto r_ = (expr);              \
        if (!r_) return r_.error();    \
        (target) = *r_;                \
    } while (false)

std::string trimZeros(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

Result<OrderState> orderFrom(const QJsonObject& o) {
    OrderState s;
    s.symbol = str(o, "symbol");
    s.clientOrderId = str(o, "clientOrderId");
    s.side = str(o, "side");
    s.type = str(o, "type");
    s.timeInForce = str(o, "timeInForce");
    s.status = str(o, "status");
    s.orderId = integer(o, "orderId");
    s.orderListId = integer(o, "orderListId", -1);
    s.trailingDelta = integer(o, "trailingDelta");
    if (s.symbol.empty() || s.orderId == 0) return makeError("an order without symbol or orderId");
    KAIROS_TRY_FIELD(s.price, decimalField<Price>(o, "price", false));
    KAIROS_TRY_FIELD(s.stopPrice, decimalField<Price>(o, "stopPrice", false));
    KAIROS_TRY_FIELD(s.origQty, decimalField<Quantity>(o, "origQty", false));
    KAIROS_TRY_FIELD(s.executedQty, decimalField<Quantity>(o, "executedQty", false));
    KAIROS_TRY_FIELD(s.cumQuote, decimalField<Price>(o, "cummulativeQuoteQty", false));
    s.time = integer(o, "time", integer(o, "transactTime"));
    s.updateTime = integer(o, "updateTime", s.time);
    for (const auto& v : o.value(QLatin1String("fills")).toArray()) {
        const QJsonObject f = v.toObject();
        OrderState::PlacementFill fill;
        fill.tradeId = integer(f, "tradeId", -1);
        if (fill.tradeId < 0) return makeError("a fill without tradeId");
        fill.commissionAsset = str(f, "commissionAsset");
        KAIROS_TRY_FIELD(fill.price, decimalField<Price>(f, "price"));
        KAIROS_TRY_FIELD(fill.qty, decimalField<Quantity>(f, "qty"));
        KAIROS_TRY_FIELD(fill.commission, decimalField<Quantity>(f, "commission", false));
        s.fills.push_back(std::move(fill));
    }
    return s;
}

Result<ExecutionReport> executionFrom(const QJsonObject& e) {
    ExecutionReport r;
    r.eventTime = integer(e, "E");
    r.transactTime = integer(e, "T");
    r.orderId = integer(e, "i");
    r.tradeId = integer(e, "t", -1);
    r.executionId = integer(e, "I");
    r.orderListId = integer(e, "g", -1);
    r.trailingDelta = integer(e, "d");
    r.expiryReason = str(e, "eR");
    r.symbol = str(e, "s");
    r.clientOrderId = str(e, "c");
    r.origClientOrderId = str(e, "C");
    r.side = str(e, "S");
    r.type = str(e, "o");
    r.timeInForce = str(e, "f");
    r.execType = str(e, "x");
    r.status = str(e, "X");
    r.rejectReason = str(e, "r");
    r.commissionAsset = str(e, "N");
    r.maker = e.value(QLatin1String("m")).toBool();
    if (r.symbol.empty() || r.execType.empty() || r.status.empty() || r.clientOrderId.empty())
        return makeError("executionReport without s, c, x or X");
    KAIROS_TRY_FIELD(r.qty, decimalField<Quantity>(e, "q"));
    KAIROS_TRY_FIELD(r.price, decimalField<Price>(e, "p"));
    KAIROS_TRY_FIELD(r.stopPrice, decimalField<Price>(e, "P", false));
    KAIROS_TRY_FIELD(r.lastQty, decimalField<Quantity>(e, "l"));
    KAIROS_TRY_FIELD(r.cumQty, decimalField<Quantity>(e, "z"));
    KAIROS_TRY_FIELD(r.lastPrice, decimalField<Price>(e, "L"));
    KAIROS_TRY_FIELD(r.cumQuote, decimalField<Price>(e, "Z", false));
    KAIROS_TRY_FIELD(r.commission, decimalField<Quantity>(e, "n", false));
    if (r.execType == "TRADE" && (r.tradeId < 0 || r.lastQty.raw() <= 0 || r.lastPrice.raw() <= 0))
        return makeError("executionReport TRADE without a trade id, quantity or price");
    return r;
}

Result<std::vector<AssetBalance>> balancesFrom(const QJsonArray& arr, const char* asset, const char* free, const char* locked) {
    std::vector<AssetBalance> out;
    for (const auto& v : arr) {
        const QJsonObject b = v.toObject();
        AssetBalance bal;
        bal.asset = str(b, asset);
        if (bal.asset.empty()) return makeError("a balance without an asset");
        KAIROS_TRY_FIELD(bal.free, decimalField<Quantity>(b, free));
        KAIROS_TRY_FIELD(bal.locked, decimalField<Quantity>(b, locked));
        out.push_back(std::move(bal));
    }
    return out;
}

/// An order list; REST answers use long names, the `listStatus` event one-letter keys.
Result<OrderListState> orderListFrom(const QJsonObject& o, bool event) {
    OrderListState l;
    l.orderListId = integer(o, event ? "g" : "orderListId", -1);
    l.contingencyType = str(o, event ? "c" : "contingencyType");
    l.listStatusType = str(o, event ? "l" : "listStatusType");
    l.listOrderStatus = str(o, event ? "L" : "listOrderStatus");
    l.listRejectReason = str(o, event ? "r" : "listRejectReason");
    l.listClientOrderId = str(o, event ? "C" : "listClientOrderId");
    l.symbol = str(o, event ? "s" : "symbol");
    l.transactionTime = integer(o, event ? "T" : "transactionTime");
    if (l.orderListId < 0 || l.listOrderStatus.empty()) return makeError("an order list without orderListId or status");
    for (const auto& v : o.value(QLatin1String(event ? "O" : "orders")).toArray()) {
        const QJsonObject leg = v.toObject();
        OrderListState::Leg g;
        g.symbol = str(leg, event ? "s" : "symbol");
        g.orderId = integer(leg, event ? "i" : "orderId");
        g.clientOrderId = str(leg, event ? "c" : "clientOrderId");
        if (g.orderId == 0 && g.clientOrderId.empty()) return makeError("an order list leg without orderId or clientOrderId");
        l.orders.push_back(std::move(g));
    }
    if (!event) {
        for (const auto& v : o.value(QLatin1String("orderReports")).toArray()) {
            auto r = orderFrom(v.toObject());
            if (!r) return r.error();
            l.orderReports.push_back(std::move(*r));
        }
    }
    return l;
}

}  // namespace

Result<OrderListState> parseOrderList(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError("an order list answer that is not a JSON object");
    return orderListFrom(doc.object(), false);
}

Result<std::vector<OrderListState>> parseOrderLists(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isArray()) return makeError("order lists that are not a JSON array");
    std::vector<OrderListState> out;
    for (const auto& v : doc.array()) {
        auto l = orderListFrom(v.toObject(), false);
        if (!l) return l.error();
        out.push_back(std::move(*l));
    }
    return out;
}

std::string hmacSha256Hex(std::string_view secret, std::string_view payload) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(payload.data()),
         payload.size(), mac.data(), &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[mac[i] >> 4]);
        out.push_back(kHex[mac[i] & 0xF]);
    }
    return out;
}

std::string encodeParams(const Params& params) {
    auto enc = [](const std::string& s) {
        return QByteArray::fromRawData(s.data(), static_cast<qsizetype>(s.size())).toPercentEncoding().toStdString();
    };
    std::string out;
    for (const auto& [k, v] : params) {
        if (!out.empty()) out += '&';
        out += enc(k);
        out += '=';
        out += enc(v);
    }
    return out;
}

std::string wsSignaturePayload(Params params) {
    params.erase(std::remove_if(params.begin(), params.end(), [](const auto& p) { return p.first == "signature"; }),
                 params.end());
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [k, v] : params) {
        if (!out.empty()) out += '&';
        out += k + '=' + v;
    }
    return out;
}

bool isValidClientOrderId(std::string_view id) {
    if (id.empty() || id.size() > 36) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

std::optional<ApiError> parseApiError(int httpStatus, std::string_view body) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(body, err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    const QJsonObject o = doc.object();
    if (!o.value(QLatin1String("code")).isDouble() || !o.value(QLatin1String("msg")).isString()) return std::nullopt;
    return ApiError{httpStatus, static_cast<int>(o.value(QLatin1String("code")).toInteger()), str(o, "msg")};
}

Outcome classify(int httpStatus, const std::optional<ApiError>& error, bool transportFailed) {
    if (transportFailed || httpStatus >= 500 || httpStatus == 0) return Outcome::Unknown;
    if (error && (error->code == -1006 || error->code == -1007)) return Outcome::Unknown;
    if (httpStatus == 429 || httpStatus == 418) return Outcome::RateLimited;
    if (httpStatus >= 200 && httpStatus < 300) return Outcome::Done;
    return Outcome::Rejected;
}

Result<std::vector<SymbolRules>> parseExchangeInfo(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return makeError("exchangeInfo is not a JSON object");
    std::vector<SymbolRules> out;
    for (const auto& sv : doc.object().value(QLatin1String("symbols")).toArray()) {
        const QJsonObject s = sv.toObject();
        SymbolRules r;
        r.symbol = str(s, "symbol");
        r.baseAsset = str(s, "baseAsset");
        r.quoteAsset = str(s, "quoteAsset");
        r.trailingAllowed = s.value(QLatin1String("allowTrailingStop")).toBool();
        if (r.symbol.empty()) return makeError("exchangeInfo: a symbol without a name");
        for (const auto& fv : s.value(QLatin1String("filters")).toArray()) {
            const QJsonObject f = fv.toObject();
            const std::string type = str(f, "filterType");
            if (type == "PRICE_FILTER") {
                KAIROS_TRY_FIELD(r.tickSize, decimalField<Price>(f, "tickSize"));
                KAIROS_TRY_FIELD(r.minPrice, decimalField<Price>(f, "minPrice"));
                KAIROS_TRY_FIELD(r.maxPrice, decimalField<Price>(f, "maxPrice"));
            } else if (type == "LOT_SIZE") {
                KAIROS_TRY_FIELD(r.stepSize, decimalField<Quantity>(f, "stepSize"));
                KAIROS_TRY_FIELD(r.minQty, decimalField<Quantity>(f, "minQty"));
                KAIROS_TRY_FIELD(r.maxQty, decimalField<Quantity>(f, "maxQty"));
            } else if (type == "MIN_NOTIONAL" || type == "NOTIONAL") {
                KAIROS_TRY_FIELD(r.minNotional, decimalField<Price>(f, "minNotional"));
            } else if (type == "TRAILING_DELTA") {
                const auto bips = [&f](const char* key) {
                    return static_cast<int>(std::clamp<std::int64_t>(integer(f, key), 0, 1'000'000));
                };
                r.minTrailingAboveDelta = bips("minTrailingAboveDelta");
                r.maxTrailingAboveDelta = bips("maxTrailingAboveDelta");
                r.minTrailingBelowDelta = bips("minTrailingBelowDelta");
                r.maxTrailingBelowDelta = bips("maxTrailingBelowDelta");
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::string describeRejection(const ApiError& error, const SymbolRules* rules) {
    std::string out = "Binance refused: " + error.msg;
    auto plain = [](const auto& d) { return trimZeros(d.toString()); };
    const std::string& m = error.msg;
    std::string why;
    if (m == "Filter failure: LOT_SIZE" && rules)
        why = "the quantity must be a multiple of " + plain(rules->stepSize) + ", from " + plain(rules->minQty) + " to " +
            plain(rules->maxQty);
    else if (m == "Filter failure: PRICE_FILTER" && rules)
        why = "the price must be a multiple of " + plain(rules->tickSize) + ", from " + plain(rules->minPrice) + " to " +
            plain(rules->maxPrice);
    else if ((m == "Filter failure: MIN_NOTIONAL" || m == "Filter failure: NOTIONAL") && rules)
        why = "the order must be worth at least " + plain(rules->minNotional) + " " + rules->quoteAsset;
    else if (error.code == -1021)
        why = "this computer's clock is off from Binance's; Kairos re-syncs the time, try again";
    else if (error.code == -1022)
        why = "the request's signature was not accepted: check the API secret";
    else if (error.code == -2014 || error.code == -2015)
        why = "the API key is wrong, lacks trading permission, or this IP is not allowed for it";
    else if (m == "Account has insufficient balance for requested action.")
        why = "not enough free balance for this order";
    else if (m == "Duplicate order sent.")
        why = "an open order already has this client order id";
    else if (m == "Order would immediately match and take.")
        why = "a post-only (LIMIT_MAKER) order would have taken liquidity";
    else if (m == "Order would trigger immediately.")
        why = "the stop price is already reached";
    else if (error.code == -1015 || error.httpStatus == 429)
        why = "too many orders or requests; Kairos waits before sending more";
    else if (error.httpStatus == 418)
        why = "this IP is temporarily banned for ignoring rate limits";
    if (!why.empty()) out += " \xE2\x80\x94 " + why;  // em dash
    out += " (code " + std::to_string(error.code) + ")";
    return out;
}

Result<OrderState> parseOrder(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return makeError("an order answer that is not a JSON object");
    return orderFrom(doc.object());
}

Result<std::vector<OrderState>> parseOrders(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isArray()) return makeError("an order list that is not a JSON array");
    std::vector<OrderState> out;
    for (const auto& v : doc.array()) {
        auto o = orderFrom(v.toObject());
        if (!o) return o.error();
        out.push_back(std::move(*o));
    }
    return out;
}

Result<std::vector<AccountTrade>> parseTrades(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isArray()) return makeError("a trade list that is not a JSON array");
    std::vector<AccountTrade> out;
    for (const auto& v : doc.array()) {
        const QJsonObject o = v.toObject();
        AccountTrade t;
        t.symbol = str(o, "symbol");
        t.commissionAsset = str(o, "commissionAsset");
        t.id = integer(o, "id", -1);
        t.orderId = integer(o, "orderId");
        t.time = integer(o, "time");
        t.isBuyer = o.value(QLatin1String("isBuyer")).toBool();
        t.isMaker = o.value(QLatin1String("isMaker")).toBool();
        if (t.symbol.empty() || t.id < 0) return makeError("a trade without symbol or id");
        KAIROS_TRY_FIELD(t.price, decimalField<Price>(o, "price"));
        KAIROS_TRY_FIELD(t.qty, decimalField<Quantity>(o, "qty"));
        KAIROS_TRY_FIELD(t.quoteQty, decimalField<Price>(o, "quoteQty", false));
        KAIROS_TRY_FIELD(t.commission, decimalField<Quantity>(o, "commission", false));
        out.push_back(std::move(t));
    }
    return out;
}

Result<std::vector<AssetBalance>> parseAccountBalances(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return makeError("an account answer that is not a JSON object");
    return balancesFrom(doc.object().value(QLatin1String("balances")).toArray(), "asset", "free", "locked");
}

Result<WsMessage> parseWsMessage(std::string_view json) {
    QJsonParseError err{};
    const QJsonDocument doc = parseJson(json, err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError("a WebSocket API message that is not a JSON object");
    const QJsonObject o = doc.object();
    WsMessage m;
    if (o.contains(QLatin1String("event"))) {
        m.isEvent = true;
        UserEvent& ev = m.event;
        ev.subscriptionId = static_cast<int>(integer(o, "subscriptionId", -1));
        const QJsonObject e = o.value(QLatin1String("event")).toObject();
        ev.eventType = str(e, "e");
        if (ev.eventType == "executionReport") {
            auto r = executionFrom(e);
            if (!r) return r.error();
            ev.kind = UserEvent::Kind::Execution;
            ev.execution = std::move(*r);
        } else if (ev.eventType == "outboundAccountPosition") {
            auto b = balancesFrom(e.value(QLatin1String("B")).toArray(), "a", "f", "l");
            if (!b) return b.error();
            ev.kind = UserEvent::Kind::AccountPosition;
            ev.balances = std::move(*b);
            ev.updateTimeMs = integer(e, "u", 0);
        } else if (ev.eventType == "balanceUpdate") {
            ev.kind = UserEvent::Kind::BalanceUpdate;
            ev.balanceAsset = str(e, "a");
            ev.balanceDelta = str(e, "d");
        } else if (ev.eventType == "listStatus") {
            auto l = orderListFrom(e, true);
            if (!l) return l.error();
            ev.kind = UserEvent::Kind::ListStatus;
            ev.list = std::move(*l);
        } else if (ev.eventType == "eventStreamTerminated") {
            ev.kind = UserEvent::Kind::StreamTerminated;
        } else if (ev.eventType.empty()) {
            return makeError("a user-data event without a type");
        }
        return m;
    }
    const QJsonValue id = o.value(QLatin1String("id"));
    m.id = id.isString() ? id.toString().toStdString() : std::to_string(id.toInteger());
    m.status = static_cast<int>(integer(o, "status"));
    if (o.contains(QLatin1String("error"))) {
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        m.error = ApiError{m.status, static_cast<int>(integer(e, "code")), str(e, "msg")};
    }
    m.subscriptionId = static_cast<int>(integer(o.value(QLatin1String("result")).toObject(), "subscriptionId", -1));
    return m;
}

}  // namespace kairos::live
