#include "fakebinancetrading.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QStringList>
#include <QUrlQuery>

#include <algorithm>
#include <chrono>
#include <limits>

namespace kairos::test {

namespace {

constexpr Units kOne = 100'000'000;  // 1.00000000

using Params = std::map<QString, QString>;
__extension__ typedef __int128 Wide;

/// a × b for two 8-decimal amounts, rounded down to 8 decimals.
Units mul(Units a, Units b) { return static_cast<Units>((static_cast<Wide>(a) * b) / kOne); }

QString param(const Params& p, const char* name) {
    auto it = p.find(QLatin1String(name));
    return it == p.end() ? QString() : it->second;
}

bool has(const Params& p, const char* name) { return !param(p, name).isEmpty(); }

QByteArray hmacHex(const QByteArray& key, const QByteArray& message) {
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256).toHex();
}

/// "a=1&signature=ff&b=2" -> "a=1&b=2", and the signature's value.
QByteArray withoutSignature(const QByteArray& params, QByteArray& signature) {
    if (params.isEmpty()) return params;
    QList<QByteArray> kept;
    for (const QByteArray& part : params.split('&')) {
        if (part.startsWith("signature=")) {
            signature = part.mid(10);
            continue;
        }
        kept.append(part);
    }
    return kept.join('&');
}

void readParams(const QByteArray& encoded, Params& into) {
    const QUrlQuery q(QString::fromLatin1(encoded));
    for (const auto& [k, v] : q.queryItems(QUrl::FullyDecoded)) into[k] = v;
}

QString mandatoryMessage(const QString& name) {
    return QStringLiteral("Mandatory parameter '%1' was not sent, was empty/null, or malformed.").arg(name);
}

}  // namespace

std::optional<Units> parseUnits(const QString& text) {
    static const QRegularExpression re(QStringLiteral("^([0-9]{1,12})(?:\\.([0-9]{1,20}))?$"));
    const auto m = re.match(text);
    if (!m.hasMatch()) return std::nullopt;
    QString frac = m.captured(2);
    while (frac.size() > 8 && frac.endsWith(QLatin1Char('0'))) frac.chop(1);
    if (frac.size() > 8) return std::nullopt;
    frac = frac.leftJustified(8, QLatin1Char('0'));
    return m.captured(1).toLongLong() * kOne + frac.toLongLong();
}

QString formatUnits(Units u) {
    const QString sign = u < 0 ? QStringLiteral("-") : QString();
    const Units a = u < 0 ? -u : u;
    return sign + QString::number(a / kOne) + QLatin1Char('.') + QString::number(a % kOne).rightJustified(8, QLatin1Char('0'));
}

FakeBinanceTrading::FakeBinanceTrading(QByteArray apiKey, QByteArray secretKey, QObject* parent)
    : QObject(parent),
      m_apiKey(std::move(apiKey)),
      m_secret(std::move(secretKey)),
      m_now([] { return QDateTime::currentMSecsSinceEpoch(); }) {
    for (const char* path : {"/api/v3/time", "/api/v3/exchangeInfo", "/api/v3/order", "/api/v3/order/cancelReplace",
                             "/api/v3/openOrders", "/api/v3/myTrades", "/api/v3/account", "/api/v3/orderList/oco",
                             "/api/v3/orderList/otoco", "/api/v3/orderList/oto", "/api/v3/orderList", "/api/v3/openOrderList"}) {
        const QString p = QString::fromLatin1(path);
        http.route(p, [this, p](const HttpRequest& req) { return handle(req, p); });
    }
    ws.onText = [this](FakeWsServer::Client& c, const QString& text) { onWsText(c, text); };
}

FakeBinanceTrading::~FakeBinanceTrading() = default;

bool FakeBinanceTrading::listen() { return http.listen() && ws.listen(); }
QUrl FakeBinanceTrading::restUrl() const { return http.url(); }
QUrl FakeBinanceTrading::wsApiUrl() const {
    QUrl u = ws.url();
    u.setPath(QStringLiteral("/ws-api/v3"));
    return u;
}

void FakeBinanceTrading::addSymbol(const Symbol& s) { m_symbols[s.symbol] = s; }
void FakeBinanceTrading::setBalance(const QString& asset, Units free) { m_balances[asset].free = free; }
FakeBinanceTrading::Balance FakeBinanceTrading::balance(const QString& asset) const {
    auto it = m_balances.find(asset);
    return it == m_balances.end() ? Balance{} : it->second;
}
void FakeBinanceTrading::setCommissionBps(int makerBps, int takerBps) {
    m_makerBps = makerBps;
    m_takerBps = takerBps;
}

void FakeBinanceTrading::failNext(const QByteArray& method, const QString& path, RequestFault fault) {
    m_faults[{method, path}].push_back(std::move(fault));
}

const FakeBinanceTrading::Order* FakeBinanceTrading::orderByClientId(const QString& clientOrderId) const {
    // The newest order with that id (an id may be reused once the earlier order is closed).
    for (auto it = m_orders.rbegin(); it != m_orders.rend(); ++it)
        if (it->clientOrderId == clientOrderId) return &*it;
    return nullptr;
}

int FakeBinanceTrading::listPlaceAttempts(const QString& listClientOrderId) const {
    auto it = m_listPlaceAttempts.find(listClientOrderId);
    return it == m_listPlaceAttempts.end() ? 0 : it->second;
}

int FakeBinanceTrading::placeAttempts(const QString& clientOrderId) const {
    auto it = m_placeAttempts.find(clientOrderId);
    return it == m_placeAttempts.end() ? 0 : it->second;
}

int FakeBinanceTrading::refusals(int code) const {
    auto it = m_refusals.find(code);
    return it == m_refusals.end() ? 0 : it->second;
}

int FakeBinanceTrading::activeSubscriptions() const {
    int n = 0;
    for (const auto& [client, id] : m_subscriptions) {
        for (const auto* open : ws.openClients())
            if (open == client) ++n;
    }
    return n;
}

void FakeBinanceTrading::dropStreams() {
    m_subscriptions.clear();
    ws.dropAll();
}

// ---------------------------------------------------------------------------------------------
// REST

HttpReply FakeBinanceTrading::error(int status, int code, const QString& msg) {
    ++m_refusals[code];
    QJsonObject o{{QStringLiteral("code"), code}, {QStringLiteral("msg"), msg}};
    return HttpReply::json(QJsonDocument(o).toJson(QJsonDocument::Compact), status);
}

std::optional<HttpReply> FakeBinanceTrading::authenticate(const HttpRequest& req, Params& params) {
    QByteArray key;
    for (const auto& [name, value] : req.headers)
        if (name.compare("X-MBX-APIKEY", Qt::CaseInsensitive) == 0) key = value;
    if (key.isEmpty()) return error(401, -2014, QStringLiteral("API-key format invalid."));
    if (key != m_apiKey) return error(401, -2015, QStringLiteral("Invalid API-key, IP, or permissions for action."));

    const int q = static_cast<int>(req.target.indexOf('?'));
    const QByteArray query = q < 0 ? QByteArray() : req.target.mid(q + 1);
    QByteArray signature;
    // totalParams = query string + body, concatenated without a separator (Binance's REST rule).
    const QByteArray signedPart = withoutSignature(query, signature) + withoutSignature(req.body, signature);
    readParams(req.body, params);
    readParams(query, params);  // a parameter sent in both: the query string's wins
    params.erase(QStringLiteral("signature"));
    if (signature.isEmpty()) return error(400, -1102, mandatoryMessage(QStringLiteral("signature")));
    if (hmacHex(m_secret, signedPart).compare(signature.toLower()) != 0)
        return error(400, -1022, QStringLiteral("Signature for this request is not valid."));

    bool ok = false;
    const std::int64_t timestamp = param(params, "timestamp").toLongLong(&ok);
    if (!ok) return error(400, -1102, mandatoryMessage(QStringLiteral("timestamp")));
    std::int64_t recvWindow = 5000;
    if (has(params, "recvWindow")) {
        recvWindow = param(params, "recvWindow").toLongLong(&ok);
        if (!ok || recvWindow <= 0) return error(400, -1102, mandatoryMessage(QStringLiteral("recvWindow")));
        if (recvWindow > 60'000) return error(400, -1131, QStringLiteral("recvWindow must be less than 60000"));
    }
    const std::int64_t now = m_now();
    if (timestamp >= now + 1000)
        return error(400, -1021, QStringLiteral("Timestamp for this request was 1000ms ahead of the server's time."));
    if (now - timestamp > recvWindow)
        return error(400, -1021, QStringLiteral("Timestamp for this request is outside of the recvWindow."));
    return std::nullopt;
}

namespace {
/// Adds the time of its scope to a counter (the server's own handling time).
class BusyTimer {
public:
    explicit BusyTimer(std::atomic<std::int64_t>& into) : m_into(into), m_t0(std::chrono::steady_clock::now()) {}
    ~BusyTimer() {
        m_into.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - m_t0).count(),
                         std::memory_order_relaxed);
    }
    BusyTimer(const BusyTimer&) = delete;
    BusyTimer& operator=(const BusyTimer&) = delete;

private:
    std::atomic<std::int64_t>& m_into;
    std::chrono::steady_clock::time_point m_t0;
};
}  // namespace

HttpReply FakeBinanceTrading::handle(const HttpRequest& req, const QString& path) {
    const BusyTimer busy(m_busyNs);
    const QByteArray method = req.method;
    static const std::map<QString, int> weights{{QStringLiteral("/api/v3/order"), 1},
                                                {QStringLiteral("/api/v3/openOrders"), 6},
                                                {QStringLiteral("/api/v3/myTrades"), 20},
                                                {QStringLiteral("/api/v3/account"), 20},
                                                {QStringLiteral("/api/v3/time"), 1},
                                                {QStringLiteral("/api/v3/exchangeInfo"), 20},
                                                {QStringLiteral("/api/v3/order/cancelReplace"), 1},
                                                {QStringLiteral("/api/v3/orderList/oco"), 1},
                                                {QStringLiteral("/api/v3/orderList/otoco"), 1},
                                                {QStringLiteral("/api/v3/orderList/oto"), 1},
                                                {QStringLiteral("/api/v3/orderList"), 4},
                                                {QStringLiteral("/api/v3/openOrderList"), 6}};
    if (!weights.count(path)) return error(404, -1000, QStringLiteral("An unknown error occurred while processing the request."));
    int weight = weights.at(path);
    if (path == QLatin1String("/api/v3/myTrades") && req.query.hasQueryItem(QStringLiteral("orderId"))) weight = 5;
    // Since 2026-04-02 a successful place, cancel, cancel-replace or order-list request costs no
    // weight; a failed one is charged (CHANGELOG 2026-03-27). Every other request is charged.
    const bool freeWhenDone = method != "GET";
    useWeight(freeWhenDone ? 0 : weight);
    auto finishReply = [this, weight, freeWhenDone](HttpReply r) {
        useWeight(freeWhenDone && r.status != 200 ? weight : 0);
        r.headers.append({"X-MBX-USED-WEIGHT-1M", QByteArray::number(m_usedWeight)});
        return r;
    };

    if (path == QLatin1String("/api/v3/time"))
        return finishReply(
            HttpReply::json(QJsonDocument(QJsonObject{{QStringLiteral("serverTime"), static_cast<qint64>(m_now())}})
                                .toJson(QJsonDocument::Compact)));
    if (path == QLatin1String("/api/v3/exchangeInfo")) return finishReply(HttpReply::json(exchangeInfo()));

    std::optional<RequestFault> fault;
    if (auto f = m_faults.find({method, path}); f != m_faults.end() && !f->second.empty()) {
        fault = f->second.front();
        f->second.pop_front();
    }
    if (fault && fault->kind == RequestFault::Kind::Reject) return finishReply(error(fault->status, fault->code, fault->msg));
    if (fault && fault->kind == RequestFault::Kind::TimeoutBeforeAccept) {
        HttpReply r;
        r.withhold = true;
        return r;
    }

    Params p;
    if (auto refused = authenticate(req, p)) return finishReply(*refused);

    HttpReply reply;
    bool accepted = false;
    if (path == QLatin1String("/api/v3/order") && method == "POST") {
        reply = newOrder(p, accepted);
        if (accepted) {
            const std::int64_t now = m_now();
            int in10s = 0;
            for (auto t : m_recentOrders) in10s += t > now - 10'000 ? 1 : 0;
            reply.headers.append({"X-MBX-ORDER-COUNT-10S", QByteArray::number(in10s)});
            reply.headers.append({"X-MBX-ORDER-COUNT-1D", QByteArray::number(static_cast<int>(m_recentOrders.size()))});
        }
    } else if (path == QLatin1String("/api/v3/orderList/oco") && method == "POST") {
        reply = newOco(p, accepted);
    } else if (path == QLatin1String("/api/v3/orderList/otoco") && method == "POST") {
        reply = newOtoco(p, accepted);
    } else if (path == QLatin1String("/api/v3/orderList/oto") && method == "POST") {
        reply = newOto(p, accepted);
    } else if (path == QLatin1String("/api/v3/orderList") && method == "DELETE") {
        reply = cancelList(p);
        accepted = reply.status == 200;
    } else if (path == QLatin1String("/api/v3/orderList") && method == "GET") {
        reply = queryList(p);
    } else if (path == QLatin1String("/api/v3/openOrderList") && method == "GET") {
        reply = openLists();
    } else if (path == QLatin1String("/api/v3/order/cancelReplace") && method == "POST") {
        reply = cancelReplace(p, accepted);
    } else if (path == QLatin1String("/api/v3/order") && method == "DELETE") {
        reply = cancelOrder(p);
        accepted = reply.status == 200;
    } else if (path == QLatin1String("/api/v3/order") && method == "GET") {
        reply = queryOrder(p);
    } else if (path == QLatin1String("/api/v3/openOrders") && method == "GET") {
        reply = openOrders(p);
    } else if (path == QLatin1String("/api/v3/openOrders") && method == "DELETE") {
        reply = cancelAll(p);
        accepted = reply.status == 200;
    } else if (path == QLatin1String("/api/v3/myTrades") && method == "GET") {
        reply = myTrades(p);
    } else if (path == QLatin1String("/api/v3/account") && method == "GET") {
        reply = account();
    } else {
        reply = error(405, -1000, QStringLiteral("An unknown error occurred while processing the request."));
    }

    if (fault && accepted) {
        switch (fault->kind) {
        case RequestFault::Kind::ServerErrorAfterAccept:
            reply = HttpReply::json(
                R"({"code":-1006,"msg":"An unexpected response was received from the message bus. Execution status unknown."})",
                503);
            break;
        case RequestFault::Kind::TimeoutAfterAccept:
            reply.withhold = true;
            break;
        case RequestFault::Kind::DropAfterAccept:
            reply.abortInstead = true;
            break;
        default:
            break;
        }
    }
    return finishReply(reply);
}

void FakeBinanceTrading::useWeight(int weight) {
    // REQUEST_WEIGHT is counted per minute (rest-api.md "LIMITS"): a new minute starts from 0.
    if (const std::int64_t minute = m_now() / 60'000; minute != m_weightMinute) {
        m_weightMinute = minute;
        m_usedWeight = 0;
    }
    m_usedWeight += weight;
}

QByteArray FakeBinanceTrading::exchangeInfo() const {
    QJsonArray symbols;
    for (const auto& [name, s] : m_symbols) {
        QJsonArray filters{
            QJsonObject{{QStringLiteral("filterType"), QStringLiteral("PRICE_FILTER")},
                        {QStringLiteral("minPrice"), formatUnits(s.minPrice)},
                        {QStringLiteral("maxPrice"), formatUnits(s.maxPrice)},
                        {QStringLiteral("tickSize"), formatUnits(s.tickSize)}},
            QJsonObject{{QStringLiteral("filterType"), QStringLiteral("LOT_SIZE")},
                        {QStringLiteral("minQty"), formatUnits(s.minQty)},
                        {QStringLiteral("maxQty"), formatUnits(s.maxQty)},
                        {QStringLiteral("stepSize"), formatUnits(s.stepSize)}},
            QJsonObject{{QStringLiteral("filterType"), QStringLiteral("MIN_NOTIONAL")},
                        {QStringLiteral("minNotional"), formatUnits(s.minNotional)},
                        {QStringLiteral("applyToMarket"), true},
                        {QStringLiteral("avgPriceMins"), 5}},
            QJsonObject{{QStringLiteral("filterType"), QStringLiteral("TRAILING_DELTA")},
                        {QStringLiteral("minTrailingAboveDelta"), 10},
                        {QStringLiteral("maxTrailingAboveDelta"), 2000},
                        {QStringLiteral("minTrailingBelowDelta"), 10},
                        {QStringLiteral("maxTrailingBelowDelta"), 2000}},
        };
        symbols.append(QJsonObject{{QStringLiteral("symbol"), s.symbol},
                                   {QStringLiteral("status"), QStringLiteral("TRADING")},
                                   {QStringLiteral("baseAsset"), s.base},
                                   {QStringLiteral("quoteAsset"), s.quote},
                                   {QStringLiteral("baseAssetPrecision"), 8},
                                   {QStringLiteral("quoteAssetPrecision"), 8},
                                   {QStringLiteral("orderTypes"),
                                    QJsonArray{QStringLiteral("LIMIT"), QStringLiteral("LIMIT_MAKER"), QStringLiteral("MARKET"),
                                               QStringLiteral("STOP_LOSS"), QStringLiteral("STOP_LOSS_LIMIT"),
                                               QStringLiteral("TAKE_PROFIT"), QStringLiteral("TAKE_PROFIT_LIMIT")}},
                                   {QStringLiteral("ocoAllowed"), true},
                                   {QStringLiteral("allowTrailingStop"), true},
                                   {QStringLiteral("isSpotTradingAllowed"), true},
                                   {QStringLiteral("filters"), filters}});
    }
    QJsonObject info{{QStringLiteral("timezone"), QStringLiteral("UTC")},
                     {QStringLiteral("serverTime"), static_cast<qint64>(m_now())},
                     {QStringLiteral("rateLimits"),
                      QJsonArray{QJsonObject{{QStringLiteral("rateLimitType"), QStringLiteral("ORDERS")},
                                             {QStringLiteral("interval"), QStringLiteral("SECOND")},
                                             {QStringLiteral("intervalNum"), 10},
                                             {QStringLiteral("limit"), m_orderLimit10s}}}},
                     {QStringLiteral("symbols"), symbols}};
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

std::optional<HttpReply> FakeBinanceTrading::buildOrder(const Params& p, Order& o) {
    for (const char* name : {"symbol", "side", "type"})
        if (!has(p, name)) return error(400, -1102, mandatoryMessage(QString::fromLatin1(name)));
    const QString symbol = param(p, "symbol");
    auto sym = m_symbols.find(symbol);
    if (sym == m_symbols.end()) return error(400, -1121, QStringLiteral("Invalid symbol."));
    const Symbol& s = sym->second;
    o.symbol = symbol;
    o.side = param(p, "side");
    o.type = param(p, "type");
    if (o.side != QLatin1String("BUY") && o.side != QLatin1String("SELL"))
        return error(400, -1117, QStringLiteral("Invalid side."));
    static const QStringList types{QStringLiteral("LIMIT"),       QStringLiteral("MARKET"),
                                   QStringLiteral("STOP_LOSS"),   QStringLiteral("STOP_LOSS_LIMIT"),
                                   QStringLiteral("TAKE_PROFIT"), QStringLiteral("TAKE_PROFIT_LIMIT"),
                                   QStringLiteral("LIMIT_MAKER")};
    if (!types.contains(o.type)) return error(400, -1116, QStringLiteral("Invalid orderType."));

    static const QRegularExpression idRe(QStringLiteral("^[a-zA-Z0-9-_]{1,36}$"));
    if (p.count(QStringLiteral("newClientOrderId"))) {
        o.clientOrderId = param(p, "newClientOrderId");
        if (!idRe.match(o.clientOrderId).hasMatch())
            return error(
                400, -1100,
                QStringLiteral(
                    "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'."));
    } else {
        o.clientOrderId = QStringLiteral("fakeauto%1").arg(m_nextOrderId);
    }
    ++m_placeAttempts[o.clientOrderId];

    const bool isLimitPriced =
        o.type == QLatin1String("LIMIT") || o.type.endsWith(QLatin1String("_LIMIT")) || o.type == QLatin1String("LIMIT_MAKER");
    const bool isStop = o.type.startsWith(QLatin1String("STOP_LOSS")) || o.type.startsWith(QLatin1String("TAKE_PROFIT"));
    const bool needsTif = o.type == QLatin1String("LIMIT") || o.type.endsWith(QLatin1String("_LIMIT"));
    const bool quoteQtyMarket = o.type == QLatin1String("MARKET") && !has(p, "quantity") && has(p, "quoteOrderQty");
    if (!quoteQtyMarket && !has(p, "quantity")) return error(400, -1102, mandatoryMessage(QStringLiteral("quantity")));
    if (isLimitPriced && !has(p, "price")) return error(400, -1102, mandatoryMessage(QStringLiteral("price")));
    if (needsTif && !has(p, "timeInForce")) return error(400, -1102, mandatoryMessage(QStringLiteral("timeInForce")));
    if (isStop && !has(p, "stopPrice") && !has(p, "trailingDelta"))
        return error(400, -1102, QStringLiteral("Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!"));
    o.timeInForce =
        needsTif ? param(p, "timeInForce") : (o.type == QLatin1String("LIMIT_MAKER") ? QString() : QStringLiteral("GTC"));
    if (needsTif && o.timeInForce != QLatin1String("GTC") && o.timeInForce != QLatin1String("IOC") &&
        o.timeInForce != QLatin1String("FOK"))
        return error(400, -1115, QStringLiteral("Invalid timeInForce."));

    auto decimal = [&](const char* name, Units& out) -> std::optional<HttpReply> {
        if (!has(p, name)) return std::nullopt;
        auto v = parseUnits(param(p, name));
        if (!v)
            return error(
                400, -1100,
                QStringLiteral("Illegal characters found in parameter '%1'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.")
                    .arg(QString::fromLatin1(name)));
        out = *v;
        return std::nullopt;
    };
    Units quoteQty = 0;
    for (auto [name, target] : std::initializer_list<std::pair<const char*, Units*>>{
             {"quantity", &o.origQty}, {"price", &o.price}, {"stopPrice", &o.stopPrice}, {"quoteOrderQty", &quoteQty}})
        if (auto bad = decimal(name, *target)) return *bad;
    if (has(p, "trailingDelta")) {
        bool ok = false;
        o.trailingDelta = param(p, "trailingDelta").toLongLong(&ok);
        if (!ok || o.trailingDelta < 10 || o.trailingDelta > 2000)
            return error(400, -1013, QStringLiteral("Filter failure: TRAILING_DELTA"));
    }

    auto last = m_last.find(symbol);
    const Units lastPrice = last == m_last.end() ? 0 : last->second;
    if (lastPrice == 0 && !isLimitPriced) return error(400, -2010, QStringLiteral("Market is closed."));
    if (quoteQtyMarket) o.origQty = (quoteQty * kOne / lastPrice) / s.stepSize * s.stepSize;

    auto priceOk = [&](Units v) { return v >= s.minPrice && v <= s.maxPrice && v % s.tickSize == 0; };
    if (isLimitPriced && !priceOk(o.price)) return error(400, -1013, QStringLiteral("Filter failure: PRICE_FILTER"));
    if (o.stopPrice != 0 && !priceOk(o.stopPrice)) return error(400, -1013, QStringLiteral("Filter failure: PRICE_FILTER"));
    if (o.origQty < s.minQty || o.origQty > s.maxQty || o.origQty % s.stepSize != 0)
        return error(400, -1013, QStringLiteral("Filter failure: LOT_SIZE"));
    const Units notionalPrice = isLimitPriced ? o.price : (o.stopPrice != 0 ? o.stopPrice : lastPrice);
    if (mul(notionalPrice, o.origQty) < s.minNotional) return error(400, -1013, QStringLiteral("Filter failure: MIN_NOTIONAL"));
    for (const Order& other : m_orders)
        if (other.isLive() && other.clientOrderId == o.clientOrderId)
            return error(400, -2010, QStringLiteral("Duplicate order sent."));
    return std::nullopt;
}

HttpReply FakeBinanceTrading::newOrder(const Params& p, bool& accepted) {
    accepted = false;
    Order o;
    if (auto refused = buildOrder(p, o)) return *refused;
    const QString symbol = o.symbol;
    const Symbol& s = m_symbols.at(symbol);
    const bool isLimitPriced =
        o.type == QLatin1String("LIMIT") || o.type.endsWith(QLatin1String("_LIMIT")) || o.type == QLatin1String("LIMIT_MAKER");
    const bool isStop = o.type.startsWith(QLatin1String("STOP_LOSS")) || o.type.startsWith(QLatin1String("TAKE_PROFIT"));
    const Units lastPrice = m_last.count(symbol) ? m_last.at(symbol) : 0;

    const std::int64_t now = m_now();
    while (!m_recentOrders.empty() && m_recentOrders.front() <= now - 24LL * 3600 * 1000) m_recentOrders.pop_front();
    int in10s = 0;
    for (auto t : m_recentOrders) in10s += t > now - 10'000 ? 1 : 0;
    if (in10s >= m_orderLimit10s)
        return error(429, -1015,
                     QStringLiteral("Too many new orders; current limit is %1 orders per 10 SECOND.").arg(m_orderLimit10s));

    const bool buy = o.side == QLatin1String("BUY");
    if (o.type == QLatin1String("LIMIT_MAKER") && lastPrice != 0 && (buy ? o.price >= lastPrice : o.price <= lastPrice))
        return error(400, -2010, QStringLiteral("Order would immediately match and take."));
    if (isStop && o.stopPrice != 0 && o.trailingDelta == 0 && lastPrice != 0) {
        const bool stopLoss = o.type.startsWith(QLatin1String("STOP_LOSS"));
        const bool above = (stopLoss && buy) || (!stopLoss && !buy);  // triggers when the price rises to it
        if (above ? lastPrice >= o.stopPrice : lastPrice <= o.stopPrice)
            return error(400, -2010, QStringLiteral("Order would trigger immediately."));
    }

    o.orderId = m_nextOrderId++;
    o.time = o.updateTime = now;
    o.status = QStringLiteral("NEW");
    o.reserve = isLimitPriced ? o.price : (o.stopPrice != 0 ? o.stopPrice : lastPrice);
    if (!lock(o)) return error(400, -2010, QStringLiteral("Account has insufficient balance for requested action."));
    m_recentOrders.push_back(now);
    accepted = true;
    m_orders.push_back(o);
    Order& placed = m_orders.back();
    emitExecution(placed, QStringLiteral("NEW"), nullptr);
    emitAccountPosition({buy ? s.quote : s.base});
    const std::size_t tradesBefore = m_trades.size();
    match(placed, true);

    const Order& done = m_orders.back();
    QString respType = param(p, "newOrderRespType");
    if (respType.isEmpty())
        respType = (o.type == QLatin1String("MARKET") || o.type == QLatin1String("LIMIT")) ? QStringLiteral("FULL")
                                                                                           : QStringLiteral("ACK");
    QJsonObject out{{QStringLiteral("symbol"), done.symbol},
                    {QStringLiteral("orderId"), static_cast<qint64>(done.orderId)},
                    {QStringLiteral("orderListId"), -1},
                    {QStringLiteral("clientOrderId"), done.clientOrderId},
                    {QStringLiteral("transactTime"), static_cast<qint64>(now)}};
    if (respType != QLatin1String("ACK")) {
        const QJsonObject full = orderJson(done);
        for (const char* k : {"price", "origQty", "executedQty", "cummulativeQuoteQty", "status", "timeInForce", "type", "side"})
            out.insert(QLatin1String(k), full.value(QLatin1String(k)));
        out.insert(QStringLiteral("workingTime"), static_cast<qint64>(now));
        out.insert(QStringLiteral("selfTradePreventionMode"), QStringLiteral("EXPIRE_MAKER"));
    }
    if (respType == QLatin1String("FULL")) {
        QJsonArray fills;
        for (std::size_t i = tradesBefore; i < m_trades.size(); ++i) {
            const Trade& t = m_trades[i];
            fills.append(QJsonObject{{QStringLiteral("price"), formatUnits(t.price)},
                                     {QStringLiteral("qty"), formatUnits(t.qty)},
                                     {QStringLiteral("commission"), formatUnits(t.commission)},
                                     {QStringLiteral("commissionAsset"), t.commissionAsset},
                                     {QStringLiteral("tradeId"), static_cast<qint64>(t.id)}});
        }
        out.insert(QStringLiteral("fills"), fills);
    }
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

QJsonObject FakeBinanceTrading::placeOrderElsewhere(const Params& params) {
    bool accepted = false;
    const HttpReply r = newOrder(params, accepted);
    return QJsonDocument::fromJson(r.body).object();
}

bool FakeBinanceTrading::lock(Order& o) {
    const Symbol& s = m_symbols.at(o.symbol);
    const bool buy = o.side == QLatin1String("BUY");
    Balance& b = m_balances[buy ? s.quote : s.base];
    const Units need = buy ? mul(o.reserve, o.origQty) : o.origQty;
    if (b.free < need) return false;
    b.free -= need;
    b.locked += need;
    return true;
}

void FakeBinanceTrading::unlockRest(const Order& o) {
    if (!o.holdsLock) return;
    const Symbol& s = m_symbols.at(o.symbol);
    const bool buy = o.side == QLatin1String("BUY");
    Balance& b = m_balances[buy ? s.quote : s.base];
    const Units rest = o.origQty - o.executedQty;
    const Units amount = buy ? mul(o.reserve, rest) : rest;
    b.locked -= amount;
    b.free += amount;
}

bool FakeBinanceTrading::fillPart(const QString& clientOrderId, Units qty) {
    for (Order& o : m_orders) {
        if (o.clientOrderId != clientOrderId || !o.isOpen() ||
            (o.type != QLatin1String("LIMIT") && o.type != QLatin1String("LIMIT_MAKER")))
            continue;
        if (qty <= 0 || qty > o.origQty - o.executedQty) return false;
        fill(o, o.price, qty, true);
        return true;
    }
    return false;
}

void FakeBinanceTrading::fill(Order& o, Units price, Units qty, bool maker) {
    ocoExecute(o);
    const Symbol& s = m_symbols.at(o.symbol);
    const bool buy = o.side == QLatin1String("BUY");
    const Units quote = mul(price, qty);
    const int bps = maker ? m_makerBps : m_takerBps;
    Trade t;
    t.id = m_nextTradeId++;
    t.orderId = o.orderId;
    t.symbol = o.symbol;
    t.price = price;
    t.qty = qty;
    t.quoteQty = quote;
    t.time = m_now();
    t.isBuyer = buy;
    t.isMaker = maker;
    t.commissionAsset = buy ? s.base : s.quote;
    t.commission = (buy ? qty : quote) * bps / 10'000;
    const bool thirdAsset = !m_feeAsset.isEmpty() && m_feeAssetPrice > 0;
    if (thirdAsset) {
        // Paid in another asset (BNB): the commission's quote value at the asset's price.
        t.commissionAsset = m_feeAsset;
        t.commission = static_cast<Units>(static_cast<Wide>(quote) * bps / 10'000 * kOne / m_feeAssetPrice);
        m_balances[m_feeAsset].free -= t.commission;
    }
    const Units keptCommission = thirdAsset ? 0 : t.commission;
    Balance& base = m_balances[s.base];
    Balance& quoteBal = m_balances[s.quote];
    if (buy) {
        const Units reserved = mul(o.reserve, qty);
        quoteBal.locked -= reserved;
        quoteBal.free += reserved - quote;
        base.free += qty - keptCommission;
    } else {
        base.locked -= qty;
        quoteBal.free += quote - keptCommission;
    }
    o.executedQty += qty;
    o.cumQuote += quote;
    o.updateTime = t.time;
    o.status = o.executedQty == o.origQty ? QStringLiteral("FILLED") : QStringLiteral("PARTIALLY_FILLED");
    m_trades.push_back(t);
    emitExecution(o, QStringLiteral("TRADE"), &m_trades.back());
    emitAccountPosition(thirdAsset ? QStringList{s.base, s.quote, m_feeAsset} : QStringList{s.base, s.quote});
    if (const OrderList* l = listOf(o); l && l->workingOrderId == o.orderId && o.status == QLatin1String("FILLED"))
        activatePending(l->orderListId);
    ocoSettle(o);
}

void FakeBinanceTrading::finish(Order& o, const QString& status, const QString& execType) {
    unlockRest(o);
    o.status = status;
    o.updateTime = m_now();
    emitExecution(o, execType, nullptr);
    const Symbol& s = m_symbols.at(o.symbol);
    emitAccountPosition({o.side == QLatin1String("BUY") ? s.quote : s.base});
    if (const OrderList* l = listOf(o); l && l->workingOrderId == o.orderId) {
        // enums.md OTO_PHASE_ONE_EXPIRED: the working order expired, so does the list.
        const std::vector<std::int64_t> ids = l->orderIds;
        for (std::int64_t legId : ids)
            for (Order& leg : m_orders)
                if (leg.orderId == legId && leg.isPending()) {
                    leg.status = QStringLiteral("EXPIRED");
                    leg.expiryReason = QStringLiteral("OTO_PHASE_ONE_EXPIRED");
                    leg.updateTime = m_now();
                    emitExecution(leg, QStringLiteral("EXPIRED"), nullptr);
                }
    }
    ocoSettle(o);
}

void FakeBinanceTrading::match(Order& o, bool onPlacement) {
    if (!o.isOpen()) return;
    auto it = m_last.find(o.symbol);
    if (it == m_last.end()) return;
    const Units last = it->second;
    const bool buy = o.side == QLatin1String("BUY");
    const bool isStop = o.type.startsWith(QLatin1String("STOP_LOSS")) || o.type.startsWith(QLatin1String("TAKE_PROFIT"));
    if (isStop && !o.triggered) {
        bool trigger = false;
        if (o.trailingDelta > 0) {
            // This fake's reading of trailing-stop-faq.md: tracking starts at once without a stopPrice,
            // or once the price reaches stopPrice; SELL orders trigger on a fall of trailingDelta BIPS
            // from the highest price since, BUY orders on a rise from the lowest.
            const bool active = o.trailRef != 0 || o.stopPrice == 0 || (buy ? last <= o.stopPrice : last >= o.stopPrice);
            if (active) {
                if (o.trailRef == 0 || (buy ? last < o.trailRef : last > o.trailRef)) o.trailRef = last;
                const Units move = static_cast<Units>(static_cast<Wide>(o.trailRef) * o.trailingDelta / 10'000);
                trigger = !onPlacement && (buy ? last >= o.trailRef + move : last <= o.trailRef - move);
            }
        } else {
            const bool stopLoss = o.type.startsWith(QLatin1String("STOP_LOSS"));
            const bool above = (stopLoss && buy) || (!stopLoss && !buy);
            trigger = above ? last >= o.stopPrice : last <= o.stopPrice;
        }
        if (!trigger) return;
        o.triggered = true;
        ocoExecute(o);  // a triggered OCO leg expires the other
        if (!o.type.endsWith(QLatin1String("_LIMIT"))) {
            fill(o, last, o.origQty - o.executedQty, false);
            return;
        }
        onPlacement = true;  // the limit order enters the book now: it takes if it crosses
    }
    if (o.type == QLatin1String("MARKET")) {
        fill(o, last, o.origQty - o.executedQty, false);
        return;
    }
    const bool crosses = buy ? last <= o.price : last >= o.price;
    if (crosses) {
        // Placed across the market: takes at the last price (never worse than its limit). Resting:
        // the market came to it, so it fills at its own price as the maker.
        fill(o, onPlacement ? last : o.price, o.origQty - o.executedQty, !onPlacement);
        return;
    }
    if (onPlacement && (o.timeInForce == QLatin1String("IOC") || o.timeInForce == QLatin1String("FOK")))
        finish(o, QStringLiteral("EXPIRED"), QStringLiteral("EXPIRED"));
}

void FakeBinanceTrading::setLastPrice(const QString& symbol, Units price) {
    m_last[symbol] = price;
    for (std::size_t i = 0; i < m_orders.size(); ++i)
        if (m_orders[i].symbol == symbol) match(m_orders[i], false);
}

FakeBinanceTrading::Order* FakeBinanceTrading::findOrder(const QString& symbol, const Params& p) {
    const QString cid = param(p, "origClientOrderId");
    bool byId = false;
    const std::int64_t id = param(p, "orderId").toLongLong(&byId);
    for (auto it = m_orders.rbegin(); it != m_orders.rend(); ++it) {
        if (it->symbol != symbol) continue;
        if (byId && it->orderId != id) continue;
        if (!cid.isEmpty() && it->clientOrderId != cid) continue;
        return &*it;
    }
    return nullptr;
}

QJsonObject FakeBinanceTrading::orderJson(const Order& o) const {
    return QJsonObject{{QStringLiteral("symbol"), o.symbol},
                       {QStringLiteral("orderId"), static_cast<qint64>(o.orderId)},
                       {QStringLiteral("orderListId"), static_cast<qint64>(o.orderListId)},
                       {QStringLiteral("clientOrderId"), o.clientOrderId},
                       {QStringLiteral("price"), formatUnits(o.price)},
                       {QStringLiteral("origQty"), formatUnits(o.origQty)},
                       {QStringLiteral("executedQty"), formatUnits(o.executedQty)},
                       {QStringLiteral("cummulativeQuoteQty"), formatUnits(o.cumQuote)},
                       {QStringLiteral("status"), o.status},
                       {QStringLiteral("timeInForce"), o.timeInForce},
                       {QStringLiteral("type"), o.type},
                       {QStringLiteral("side"), o.side},
                       {QStringLiteral("stopPrice"), formatUnits(o.stopPrice)},
                       {QStringLiteral("icebergQty"), formatUnits(0)},
                       {QStringLiteral("time"), static_cast<qint64>(o.time)},
                       {QStringLiteral("updateTime"), static_cast<qint64>(o.updateTime)},
                       {QStringLiteral("isWorking"), o.isOpen()},
                       {QStringLiteral("workingTime"), static_cast<qint64>(o.time)},
                       {QStringLiteral("origQuoteOrderQty"), formatUnits(0)},
                       {QStringLiteral("selfTradePreventionMode"), QStringLiteral("EXPIRE_MAKER")}};
}

HttpReply FakeBinanceTrading::cancelOrder(const Params& p) {
    if (!has(p, "symbol")) return error(400, -1102, mandatoryMessage(QStringLiteral("symbol")));
    if (!has(p, "orderId") && !has(p, "origClientOrderId"))
        return error(400, -1102,
                     QStringLiteral("Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));
    Order* o = findOrder(param(p, "symbol"), p);
    if (!o || !o->isLive()) return error(400, -2011, QStringLiteral("Unknown order sent."));
    const QString cancelId =
        has(p, "newClientOrderId") ? param(p, "newClientOrderId") : QStringLiteral("fakecancel%1").arg(o->orderId);
    unlockRest(*o);
    o->status = QStringLiteral("CANCELED");
    o->updateTime = m_now();
    emitExecution(*o, QStringLiteral("CANCELED"), nullptr, cancelId);
    // rest-api.md: cancelling one order of an order list cancels the whole list.
    if (OrderList* l = listOf(*o)) {
        for (std::int64_t legId : l->orderIds) {
            for (Order& leg : m_orders) {
                if (leg.orderId != legId || !leg.isLive()) continue;
                unlockRest(leg);
                leg.status = QStringLiteral("CANCELED");
                leg.updateTime = m_now();
                emitExecution(leg, QStringLiteral("CANCELED"), nullptr);
            }
        }
        ocoSettle(*o);
    }
    const Symbol& s = m_symbols.at(o->symbol);
    emitAccountPosition({o->side == QLatin1String("BUY") ? s.quote : s.base});
    QJsonObject out = orderJson(*o);
    out.insert(QStringLiteral("origClientOrderId"), o->clientOrderId);
    out.insert(QStringLiteral("clientOrderId"), cancelId);
    out.insert(QStringLiteral("transactTime"), static_cast<qint64>(o->updateTime));
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

HttpReply FakeBinanceTrading::cancelReplace(const Params& p, bool& accepted) {
    accepted = false;
    if (!has(p, "symbol") || !has(p, "cancelReplaceMode"))
        return error(400, -1102,
                     mandatoryMessage(has(p, "symbol") ? QStringLiteral("cancelReplaceMode") : QStringLiteral("symbol")));
    if (param(p, "cancelReplaceMode") != QLatin1String("STOP_ON_FAILURE"))
        return error(400, -1000, QStringLiteral("Only STOP_ON_FAILURE is supported by this fake."));
    Params cancel{{QStringLiteral("symbol"), param(p, "symbol")}};
    if (has(p, "cancelOrderId")) cancel[QStringLiteral("orderId")] = param(p, "cancelOrderId");
    if (has(p, "cancelOrigClientOrderId")) cancel[QStringLiteral("origClientOrderId")] = param(p, "cancelOrigClientOrderId");
    Params place;
    for (const auto& [k, v] : p)
        if (!k.startsWith(QLatin1String("cancel")) && k != QLatin1String("timestamp") && k != QLatin1String("recvWindow") &&
            k != QLatin1String("signature"))
            place[k] = v;
    auto failure = [this](int status, int code, const QString& msg, const QString& cancelResult, const QString& newResult,
                          const QJsonObject& cancelResponse) {
        ++m_refusals[code];
        QJsonObject data{{QStringLiteral("cancelResult"), cancelResult}, {QStringLiteral("newOrderResult"), newResult}};
        if (!cancelResponse.isEmpty()) data.insert(QStringLiteral("cancelResponse"), cancelResponse);
        return HttpReply::json(
            QJsonDocument(
                QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("msg"), msg}, {QStringLiteral("data"), data}})
                .toJson(QJsonDocument::Compact),
            status);
    };
    const HttpReply cancelled = cancelOrder(cancel);
    if (cancelled.status != 200)
        return failure(400, -2022, QStringLiteral("Order cancel-replace failed."), QStringLiteral("FAILURE"),
                       QStringLiteral("NOT_ATTEMPTED"), QJsonDocument::fromJson(cancelled.body).object());
    accepted = true;
    bool placed = false;
    const HttpReply created = newOrder(place, placed);
    const QJsonObject cancelResponse = QJsonDocument::fromJson(cancelled.body).object();
    if (!placed)
        return failure(409, -2021, QStringLiteral("Order cancel-replace partially failed."), QStringLiteral("SUCCESS"),
                       QStringLiteral("FAILURE"), cancelResponse);
    return HttpReply::json(
        QJsonDocument(QJsonObject{{QStringLiteral("cancelResult"), QStringLiteral("SUCCESS")},
                                  {QStringLiteral("newOrderResult"), QStringLiteral("SUCCESS")},
                                  {QStringLiteral("cancelResponse"), cancelResponse},
                                  {QStringLiteral("newOrderResponse"), QJsonDocument::fromJson(created.body).object()}})
            .toJson(QJsonDocument::Compact));
}

HttpReply FakeBinanceTrading::cancelAll(const Params& p) {
    if (!has(p, "symbol")) return error(400, -1102, mandatoryMessage(QStringLiteral("symbol")));
    QJsonArray out;
    for (Order& o : m_orders) {
        if (o.symbol != param(p, "symbol") || !o.isLive()) continue;
        Params one{{QStringLiteral("symbol"), o.symbol}, {QStringLiteral("orderId"), QString::number(o.orderId)}};
        out.append(QJsonDocument::fromJson(cancelOrder(one).body).object());
    }
    if (out.isEmpty()) return error(400, -2011, QStringLiteral("Unknown order sent."));
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

HttpReply FakeBinanceTrading::queryOrder(const Params& p) {
    if (!has(p, "symbol")) return error(400, -1102, mandatoryMessage(QStringLiteral("symbol")));
    if (!has(p, "orderId") && !has(p, "origClientOrderId"))
        return error(400, -1102,
                     QStringLiteral("Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));
    const Order* o = findOrder(param(p, "symbol"), p);
    if (!o) return error(400, -2013, QStringLiteral("Order does not exist."));
    return HttpReply::json(QJsonDocument(orderJson(*o)).toJson(QJsonDocument::Compact));
}

HttpReply FakeBinanceTrading::openOrders(const Params& p) const {
    QJsonArray out;
    for (const Order& o : m_orders)
        if (o.isOpen() && (!has(p, "symbol") || o.symbol == param(p, "symbol"))) out.append(orderJson(o));
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

HttpReply FakeBinanceTrading::myTrades(const Params& p) {
    if (!has(p, "symbol")) return error(400, -1102, mandatoryMessage(QStringLiteral("symbol")));
    bool ok = false;
    const std::int64_t orderId = param(p, "orderId").toLongLong(&ok);
    const bool byOrder = ok;
    const std::int64_t fromId = param(p, "fromId").toLongLong(&ok);
    const bool byFrom = ok;
    const std::int64_t start = has(p, "startTime") ? param(p, "startTime").toLongLong() : 0;
    const std::int64_t end = has(p, "endTime") ? param(p, "endTime").toLongLong() : std::numeric_limits<std::int64_t>::max();
    const int limit = std::clamp(has(p, "limit") ? param(p, "limit").toInt() : 500, 1, 1000);
    QJsonArray out;
    for (const Trade& t : m_trades) {
        if (t.symbol != param(p, "symbol") || (byOrder && t.orderId != orderId) || (byFrom && t.id < fromId) || t.time < start ||
            t.time > end)
            continue;
        out.append(QJsonObject{{QStringLiteral("symbol"), t.symbol},
                               {QStringLiteral("id"), static_cast<qint64>(t.id)},
                               {QStringLiteral("orderId"), static_cast<qint64>(t.orderId)},
                               {QStringLiteral("orderListId"), -1},
                               {QStringLiteral("price"), formatUnits(t.price)},
                               {QStringLiteral("qty"), formatUnits(t.qty)},
                               {QStringLiteral("quoteQty"), formatUnits(t.quoteQty)},
                               {QStringLiteral("commission"), formatUnits(t.commission)},
                               {QStringLiteral("commissionAsset"), t.commissionAsset},
                               {QStringLiteral("time"), static_cast<qint64>(t.time)},
                               {QStringLiteral("isBuyer"), t.isBuyer},
                               {QStringLiteral("isMaker"), t.isMaker},
                               {QStringLiteral("isBestMatch"), true}});
        if (out.size() >= limit) break;
    }
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

HttpReply FakeBinanceTrading::account() const {
    QJsonArray balances;
    for (const auto& [asset, b] : m_balances)
        balances.append(QJsonObject{{QStringLiteral("asset"), asset},
                                    {QStringLiteral("free"), formatUnits(b.free)},
                                    {QStringLiteral("locked"), formatUnits(b.locked)}});
    const QString maker = formatUnits(static_cast<Units>(m_makerBps) * kOne / 10'000);
    const QString taker = formatUnits(static_cast<Units>(m_takerBps) * kOne / 10'000);
    QJsonObject out{{QStringLiteral("makerCommission"), m_makerBps},
                    {QStringLiteral("takerCommission"), m_takerBps},
                    {QStringLiteral("canTrade"), true},
                    {QStringLiteral("canWithdraw"), true},
                    {QStringLiteral("canDeposit"), true},
                    {QStringLiteral("updateTime"), static_cast<qint64>(m_now())},
                    {QStringLiteral("accountType"), QStringLiteral("SPOT")},
                    {QStringLiteral("balances"), balances},
                    {QStringLiteral("permissions"), QJsonArray{QStringLiteral("SPOT")}},
                    {QStringLiteral("commissionRates"),
                     QJsonObject{{QStringLiteral("maker"), maker},
                                 {QStringLiteral("taker"), taker},
                                 {QStringLiteral("buyer"), formatUnits(0)},
                                 {QStringLiteral("seller"), formatUnits(0)}}}};
    return HttpReply::json(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

// ---------------------------------------------------------------------------------------------
// User data stream (WebSocket API)

void FakeBinanceTrading::onWsText(FakeWsServer::Client& c, const QString& text) {
    const BusyTimer busy(m_busyNs);
    const QJsonObject req = QJsonDocument::fromJson(text.toUtf8()).object();
    const QJsonValue id = req.value(QStringLiteral("id"));
    const QString method = req.value(QStringLiteral("method")).toString();
    const QJsonObject params = req.value(QStringLiteral("params")).toObject();
    auto answer = [&](int status, const QJsonObject& resultOrError, bool isError) {
        useWeight(1);
        QJsonObject out{{QStringLiteral("id"), id}, {QStringLiteral("status"), status}};
        out.insert(isError ? QStringLiteral("error") : QStringLiteral("result"), resultOrError);
        out.insert(QStringLiteral("rateLimits"),
                   QJsonArray{QJsonObject{{QStringLiteral("rateLimitType"), QStringLiteral("REQUEST_WEIGHT")},
                                          {QStringLiteral("interval"), QStringLiteral("MINUTE")},
                                          {QStringLiteral("intervalNum"), 1},
                                          {QStringLiteral("limit"), 6000},
                                          {QStringLiteral("count"), m_usedWeight}}});
        ws.send(c, QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Compact)));
    };
    auto fail = [&](int code, const QString& msg) {
        ++m_refusals[code];
        answer(400, QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("msg"), msg}}, true);
    };
    if (method == QLatin1String("ping")) return answer(200, {}, false);
    if (method == QLatin1String("time"))
        return answer(200, QJsonObject{{QStringLiteral("serverTime"), static_cast<qint64>(m_now())}}, false);
    if (method == QLatin1String("userDataStream.unsubscribe")) {
        m_subscriptions.erase(&c);
        return answer(200, {}, false);
    }
    if (method != QLatin1String("userDataStream.subscribe.signature")) return fail(-1100, QStringLiteral("Unknown method."));

    // Signed string: every parameter but `signature`, sorted by name, k=v joined with '&', not
    // percent-encoded (web-socket-api.md).
    QStringList keys = params.keys();
    keys.removeAll(QStringLiteral("signature"));
    std::sort(keys.begin(), keys.end());
    QStringList parts;
    for (const QString& k : keys) {
        const QJsonValue v = params.value(k);
        parts.append(k + QLatin1Char('=') + (v.isString() ? v.toString() : QString::number(v.toInteger())));
    }
    if (params.value(QStringLiteral("apiKey")).toString().toUtf8() != m_apiKey)
        return fail(-2015, QStringLiteral("Invalid API-key, IP, or permissions for action."));
    const QByteArray signature = params.value(QStringLiteral("signature")).toString().toUtf8().toLower();
    if (signature.isEmpty() || hmacHex(m_secret, parts.join(QLatin1Char('&')).toUtf8()) != signature)
        return fail(-1022, QStringLiteral("Signature for this request is not valid."));
    const std::int64_t timestamp = params.value(QStringLiteral("timestamp")).toInteger();
    const std::int64_t recvWindow =
        params.contains(QStringLiteral("recvWindow")) ? params.value(QStringLiteral("recvWindow")).toInteger() : 5000;
    const std::int64_t now = m_now();
    if (timestamp >= now + 1000 || now - timestamp > recvWindow)
        return fail(-1021, QStringLiteral("Timestamp for this request is outside of the recvWindow."));
    if (m_subscriptions.count(&c)) return fail(-2035, QStringLiteral("User Data Stream subscription already active."));
    const int sub = m_nextSubscription++;
    m_subscriptions[&c] = sub;
    answer(200, QJsonObject{{QStringLiteral("subscriptionId"), sub}}, false);
}

void FakeBinanceTrading::emitExecution(const Order& o, const QString& execType, const Trade* t, const QString& cancelClientId) {
    const std::int64_t now = m_now();
    QJsonObject e{{QStringLiteral("e"), QStringLiteral("executionReport")},
                  {QStringLiteral("E"), static_cast<qint64>(now)},
                  {QStringLiteral("s"), o.symbol},
                  {QStringLiteral("c"), cancelClientId.isEmpty() ? o.clientOrderId : cancelClientId},
                  {QStringLiteral("S"), o.side},
                  {QStringLiteral("o"), o.type},
                  {QStringLiteral("f"), o.timeInForce},
                  {QStringLiteral("q"), formatUnits(o.origQty)},
                  {QStringLiteral("p"), formatUnits(o.price)},
                  {QStringLiteral("P"), formatUnits(o.stopPrice)},
                  {QStringLiteral("F"), formatUnits(0)},
                  {QStringLiteral("g"), static_cast<qint64>(o.orderListId)},
                  {QStringLiteral("C"), cancelClientId.isEmpty() ? QString() : o.clientOrderId},
                  {QStringLiteral("x"), execType},
                  {QStringLiteral("X"), o.status},
                  {QStringLiteral("r"), QStringLiteral("NONE")},
                  {QStringLiteral("i"), static_cast<qint64>(o.orderId)},
                  {QStringLiteral("l"), formatUnits(t ? t->qty : 0)},
                  {QStringLiteral("z"), formatUnits(o.executedQty)},
                  {QStringLiteral("L"), formatUnits(t ? t->price : 0)},
                  {QStringLiteral("n"), formatUnits(t ? t->commission : 0)},
                  {QStringLiteral("N"), t ? QJsonValue(t->commissionAsset) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("T"), static_cast<qint64>(t ? t->time : o.updateTime)},
                  {QStringLiteral("t"), static_cast<qint64>(t ? t->id : -1)},
                  {QStringLiteral("I"), static_cast<qint64>(++m_executionIds)},
                  {QStringLiteral("w"), o.isOpen()},
                  {QStringLiteral("m"), t ? t->isMaker : false},
                  {QStringLiteral("M"), false},
                  {QStringLiteral("O"), static_cast<qint64>(o.time)},
                  {QStringLiteral("Z"), formatUnits(o.cumQuote)},
                  {QStringLiteral("Y"), formatUnits(t ? t->quoteQty : 0)},
                  {QStringLiteral("Q"), formatUnits(0)},
                  {QStringLiteral("W"), static_cast<qint64>(o.time)},
                  {QStringLiteral("V"), QStringLiteral("EXPIRE_MAKER")}};
    if (o.trailingDelta > 0) e.insert(QStringLiteral("d"), static_cast<qint64>(o.trailingDelta));
    if (!o.expiryReason.isEmpty()) e.insert(QStringLiteral("eR"), o.expiryReason);
    emitEvent(e);
}

void FakeBinanceTrading::emitAccountPosition(const QStringList& assets) {
    QJsonArray b;
    for (const QString& a : assets) {
        const Balance bal = balance(a);
        b.append(QJsonObject{{QStringLiteral("a"), a},
                             {QStringLiteral("f"), formatUnits(bal.free)},
                             {QStringLiteral("l"), formatUnits(bal.locked)}});
    }
    const std::int64_t now = m_now();
    emitEvent(QJsonObject{{QStringLiteral("e"), QStringLiteral("outboundAccountPosition")},
                          {QStringLiteral("E"), static_cast<qint64>(now)},
                          {QStringLiteral("u"), static_cast<qint64>(now)},
                          {QStringLiteral("B"), b}});
}

void FakeBinanceTrading::emitEvent(const QJsonObject& event) {
    const QByteArray body = QJsonDocument(event).toJson(QJsonDocument::Compact);
    if (m_reorderNext) {
        m_reorderNext = false;
        m_heldEvent = body;
        return;
    }
    sendEvent(body);
    if (m_heldEvent) {
        const QByteArray held = *m_heldEvent;
        m_heldEvent.reset();
        sendEvent(held);
    }
}

void FakeBinanceTrading::releaseHeldEventsReversed() {
    m_holding = false;
    std::vector<QByteArray> held;
    held.swap(m_held);
    for (auto it = held.rbegin(); it != held.rend(); ++it) sendEvent(*it);
}

void FakeBinanceTrading::sendEvent(const QByteArray& event) {
    if (m_holding) {
        m_held.push_back(event);
        return;
    }
    const int copies = m_duplicateEvents > 0 ? 2 : 1;
    if (m_duplicateEvents > 0) --m_duplicateEvents;
    for (int i = 0; i < copies; ++i) {
        for (auto* c : ws.openClients()) {
            auto sub = m_subscriptions.find(c);
            if (sub == m_subscriptions.end()) continue;
            ws.send(*c, QStringLiteral(R"({"subscriptionId":%1,"event":%2})").arg(sub->second).arg(QString::fromUtf8(event)));
        }
        ++m_eventsSent;
        Q_EMIT eventSent();
    }
}

}  // namespace kairos::test
