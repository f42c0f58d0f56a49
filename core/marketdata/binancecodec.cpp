#include "marketdata/binancecodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::binance {

using detail::JsonScanner;

namespace {

using detail::Field;
using detail::readDec;
using detail::readLevelArrays;
using detail::scanFields;
using F = Field<Event>;

Error missing(const char* what, const char* fields) { return makeError(std::string(what) + ": missing field(s) " + fields); }

bool readSymbol(JsonScanner& sc, Event& ev, std::string_view&) { return sc.readString(ev.symbol); }

constexpr std::array<F, 6> tradeFields(std::string_view idKey) {
    return {{
        {"s", "symbol", readSymbol, true},
        {"p", "price", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.trade.price, t); }, true},
        {"q", "quantity", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.trade.quantity, t); },
         true},
        {"T", "trade time", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.trade.timeMs); }, true},
        {"m", "maker flag",
         [](JsonScanner& sc, Event& ev, std::string_view&) {
             bool buyerIsMaker = false;
             if (!sc.readBool(buyerIsMaker)) return false;
             ev.trade.aggressor = buyerIsMaker ? Side::Sell : Side::Buy;  // the buyer made: the taker sold
             return true;
         },
         true},
        {idKey, "trade id",
         [](JsonScanner& sc, Event& ev, std::string_view&) {
             std::int64_t id = 0;
             if (!sc.readInt(id)) return false;
             detail::setId(ev.trade.tradeId, id);
             return true;
         },
         true},
    }};
}
constexpr auto kTradeFields = tradeFields("t");
constexpr auto kAggTradeFields = tradeFields("a");

Status decodeTrade(JsonScanner& sc, Event& ev, bool aggregated) {
    return aggregated ? scanFields(sc, "aggTrade", kAggTradeFields, ev) : scanFields(sc, "trade", kTradeFields, ev);
}

// Futures carry times ("T", "E") in bookTicker; spot does not.
constexpr std::array<F, 8> kBookTickerFields{{
    {"s", "symbol", readSymbol, true},
    {"b", "bid", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.quote.bid, t); }, true},
    {"B", "bid size", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.quote.bidSize, t); }, true},
    {"a", "ask", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.quote.ask, t); }, true},
    {"A", "ask size", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.quote.askSize, t); }, true},
    {"u", "update id", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.bookUpdateId); }},
    {"T", "time", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.quote.timeMs); }},
    {"E", "time", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.quote.timeMs); }},
}};

Status decodeBookTicker(JsonScanner& sc, Event& ev) {
    ev.quote.timeMs = 0;
    return scanFields(sc, "bookTicker", kBookTickerFields, ev);
}

constexpr std::array<F, 10> kTickerFields{{
    {"s", "symbol", readSymbol, true},
    {"E", "event time",
     [](JsonScanner& sc, Event& ev, std::string_view&) {
         if (!sc.readInt(ev.ticker.timeMs)) return false;
         ev.eventTimeMs = ev.ticker.timeMs;
         return true;
     }},
    {"c", "last price", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.lastPrice, t); },
     true},
    {"o", "open price", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.openPrice, t); }},
    {"h", "high price", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.highPrice, t); }},
    {"l", "low price", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.lowPrice, t); }},
    {"v", "volume", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.volume, t); }},
    {"q", "quote volume", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.quoteVolume, t); }},
    {"b", "bid", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.bid, t); }},
    {"a", "ask", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.ticker.ask, t); }},
}};

Status decodeTicker(JsonScanner& sc, Event& ev, bool mini) {
    ev.ticker = Ticker24h{};
    return scanFields(sc, mini ? "miniTicker" : "24hrTicker", kTickerFields, ev);
}

constexpr std::array<F, 11> kKlineFields{{
    {"t", "open time", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.bar.openTimeMs); }, true},
    {"i", "interval",
     [](JsonScanner& sc, Event& ev, std::string_view& t) {
         if (!sc.readString(t)) return false;
         auto tf = parseTimeframe(t);
         if (tf) ev.timeframe = *tf;
         return tf.ok();
     },
     true},
    {"o", "open", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.bar.open, t); }, true},
    {"h", "high", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.bar.high, t); }, true},
    {"l", "low", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.bar.low, t); }, true},
    {"c", "close", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.bar.close, t); }, true},
    {"v", "volume", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.bar.volume, t); }, true},
    {"x", "closed flag", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readBool(ev.bar.closed); }, true},
    {"q", "quote volume", [](JsonScanner& sc, Event& ev, std::string_view& t) { return readDec(sc, ev.bar.quoteVolume, t); }},
    {"n", "trade count", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.bar.tradeCount); }},
    {"s", "symbol",
     [](JsonScanner& sc, Event& ev, std::string_view&) { return ev.symbol.empty() ? sc.readString(ev.symbol) : sc.skipValue(); }},
}};

Status decodeKlineBody(JsonScanner& sc, Event& ev) {
    ev.bar.tradeCount = 0;
    ev.bar.quoteVolume = Quantity{};
    return scanFields(sc, "kline", kKlineFields, ev);
}

Status decodeKline(JsonScanner& sc, Event& ev) {
    if (!sc.beginObject()) return makeError("kline: data is not an object");
    std::string_view key;
    bool haveK = false;
    while (sc.nextKey(key)) {
        if (key == "s") {
            if (!sc.readString(ev.symbol)) return makeError("kline: bad symbol");
        } else if (key == "E") {
            if (!sc.readInt(ev.eventTimeMs)) return makeError("kline: bad event time");
        } else if (key == "k") {
            auto st = decodeKlineBody(sc, ev);
            if (!st) return st;
            haveK = true;
        } else if (!sc.skipValue()) {
            break;
        }
    }
    if (sc.failed()) return makeError("kline: not JSON");
    if (!haveK) return missing("kline", "k");
    if (ev.symbol.empty()) return missing("kline", "s");
    return {};
}

constexpr std::array<F, 7> kDepthFields{{
    {"s", "symbol", readSymbol, true},
    {"U", "first update id", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.depth.firstUpdateId); },
     true},
    {"u", "final update id", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.depth.finalUpdateId); },
     true},
    {"pu", "previous update id",
     [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.depth.prevFinalUpdateId); }},
    {"b", "bids", [](JsonScanner& sc, Event& ev, std::string_view&) { return readLevelArrays(sc, ev.depth.bids); }, true},
    {"a", "asks", [](JsonScanner& sc, Event& ev, std::string_view&) { return readLevelArrays(sc, ev.depth.asks); }, true},
    {"E", "event time",
     [](JsonScanner& sc, Event& ev, std::string_view&) {
         if (!sc.readInt(ev.depth.eventTimeMs)) return false;
         ev.eventTimeMs = ev.depth.eventTimeMs;
         return true;
     }},
}};

Status decodeDepth(JsonScanner& sc, Event& ev) {
    DepthEvent& d = ev.depth;
    d.prevFinalUpdateId = -1;
    d.bids.clear();
    d.asks.clear();
    if (auto st = scanFields(sc, "depthUpdate", kDepthFields, ev); !st) return st;
    if (d.finalUpdateId < d.firstUpdateId) return makeError("depthUpdate: final update id below the first");
    return {};
}

Status decodeData(JsonScanner& sc, EventKind kind, Event& ev) {
    ev.kind = kind;
    switch (kind) {
    case EventKind::Trade:
        return decodeTrade(sc, ev, false);
    case EventKind::AggTrade:
        return decodeTrade(sc, ev, true);
    case EventKind::BookTicker:
        return decodeBookTicker(sc, ev);
    case EventKind::Ticker:
        return decodeTicker(sc, ev, false);
    case EventKind::MiniTicker:
        return decodeTicker(sc, ev, true);
    case EventKind::Kline:
        return decodeKline(sc, ev);
    case EventKind::DepthUpdate:
        return decodeDepth(sc, ev);
    case EventKind::ServerShutdown:
        if (!sc.skipValue()) return makeError("serverShutdown: not JSON");
        return {};
    default:
        if (!sc.skipValue()) return makeError("not JSON");
        return {};
    }
}

constexpr std::pair<EventKind, std::string_view> kEventTypes[] = {
    {EventKind::Trade, "trade"},           {EventKind::AggTrade, "aggTrade"},
    {EventKind::Ticker, "24hrTicker"},     {EventKind::MiniTicker, "24hrMiniTicker"},
    {EventKind::Kline, "kline"},           {EventKind::DepthUpdate, "depthUpdate"},
    {EventKind::BookTicker, "bookTicker"}, {EventKind::ServerShutdown, "serverShutdown"},
};
EventKind kindFromEventType(std::string_view e) { return detail::meaningOr(kEventTypes, e, EventKind::Unknown); }

// A raw payload (no combined wrapper): find its kind from "e" (bookTicker has none but has
// "u", "b" and "A"), then decode it.
Status decodeRaw(std::string_view json, Event& ev) {
    JsonScanner probe(json);
    if (!probe.beginObject()) return makeError("not a JSON object");
    std::string_view key, e;
    bool hasU = false, hasB = false, hasA = false;
    while (probe.nextKey(key)) {
        if (key == "e") {
            if (!probe.readString(e)) break;
        } else {
            if (key == "u")
                hasU = true;
            else if (key == "b")
                hasB = true;
            else if (key == "A")
                hasA = true;
            if (!probe.skipValue()) break;
        }
    }
    if (probe.failed()) return makeError("not JSON");
    EventKind kind = kindFromEventType(e);
    if (kind == EventKind::Unknown && e.empty() && hasU && hasB && hasA) kind = EventKind::BookTicker;
    ev.kind = kind;
    if (kind == EventKind::Unknown) return {};
    JsonScanner sc(json);
    return decodeData(sc, kind, ev);
}

}  // namespace

EventKind streamKind(std::string_view stream) {
    constexpr std::pair<EventKind, std::string_view> kSuffixes[] = {
        {EventKind::Trade, "trade"},
        {EventKind::Ticker, "ticker"},
        {EventKind::AggTrade, "aggTrade"},
        {EventKind::BookTicker, "bookTicker"},
        {EventKind::MiniTicker, "miniTicker"},
        {EventKind::DepthUpdate, "depth"},
        {EventKind::DepthUpdate, "depth@100ms"},
        {EventKind::DepthUpdate, "depth@1000ms"},
    };
    const auto at = stream.find('@');
    if (at == std::string_view::npos) return stream == "!serverShutdown" ? EventKind::ServerShutdown : EventKind::Unknown;
    const std::string_view s = stream.substr(at + 1);
    if (s.substr(0, 6) == "kline_") return EventKind::Kline;
    return detail::meaningOr(kSuffixes, s, EventKind::Unknown);
}

QString streamName(std::string_view symbol, std::string_view suffix) {
    return QString::fromUtf8(symbol.data(), static_cast<qsizetype>(symbol.size())).toLower() + QLatin1Char('@') +
        QString::fromUtf8(suffix.data(), static_cast<qsizetype>(suffix.size()));
}

Status decode(std::string_view json, Event& ev) {
    ev.kind = EventKind::Unknown;
    ev.stream = {};
    ev.symbol = {};
    ev.eventTimeMs = 0;
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("not a JSON object");
    std::string_view key, deferred;
    bool wrapped = false, control = false;
    Status st;
    while (sc.nextKey(key)) {
        if (key == "stream") {
            if (!sc.readString(ev.stream)) return makeError("bad stream name");
            wrapped = true;
        } else if (key == "data") {
            wrapped = true;
            if (!ev.stream.empty()) {
                st = decodeData(sc, streamKind(ev.stream), ev);
                if (!st) return st;
            } else if (!sc.readRaw(deferred)) {
                return makeError("not JSON");
            }
        } else if (key == "result") {
            control = true;
            ev.kind = EventKind::ControlResult;
            if (!sc.skipValue()) return makeError("not JSON");
        } else if (key == "id") {
            const char type = sc.peekType();
            std::string_view idText;
            const bool ok = type == 'n' ? sc.readNull() : type == '"' ? sc.readString(idText) : sc.readInt(ev.requestId);
            if (!ok) return makeError("control reply: bad id");
        } else if (key == "error") {
            control = true;
            ev.kind = EventKind::ControlError;
            static constexpr std::array<F, 2> kErrorFields{{
                {"code", "error code", [](JsonScanner& s, Event& e, std::string_view&) { return s.readInt(e.errorCode); }},
                {"msg", "error message",
                 [](JsonScanner& s, Event& e, std::string_view&) { return s.readString(e.errorMessage); }},
            }};
            if (auto st = scanFields(sc, "control reply", kErrorFields, ev); !st) return st;
        } else if (key == "code" || key == "msg") {
            // {"code": 0, "msg": "Unknown property", "id": 1}
            control = true;
            ev.kind = EventKind::ControlError;
            if (key == "code") {
                if (!sc.readInt(ev.errorCode)) return makeError("control reply: bad error code");
            } else if (!sc.readString(ev.errorMessage)) {
                return makeError("control reply: bad error message");
            }
        } else if (!wrapped && !control) {
            // Not a combined-stream wrapper: a raw payload.
            return decodeRaw(json, ev);
        } else if (!sc.skipValue()) {
            return makeError("not JSON");
        }
    }
    if (sc.failed()) return makeError("not JSON");
    if (!deferred.empty()) {
        JsonScanner ds(deferred);
        st = decodeData(ds, streamKind(ev.stream), ev);
        if (!st) return st;
    }
    if (wrapped && ev.stream.empty()) return makeError("combined message without a stream name");
    if (wrapped && ev.kind == EventKind::Unknown) return {};
    if (!sc.atEnd()) return makeError("trailing characters after the message");
    return {};
}

// ---------------------------------------------------------------------------------------------
// REST

Result<std::vector<Bar>> parseKlines(std::string_view json) {
    JsonScanner sc(json);
    std::vector<Bar> bars;
    if (!sc.beginArray()) return makeError("klines: the response is not an array");
    while (sc.nextElement()) {
        using enum detail::BarColumn;
        Bar b;
        const int bad = detail::readBarRow(sc, {OpenMs, Open, High, Low, Close, Volume, Skip, QuoteVolume, TradeCount}, b);
        if (bad >= 0)
            return makeError("klines: row " + std::to_string(bars.size()) + " column " + std::to_string(bad) + " is not valid");
        bars.push_back(b);
    }
    if (sc.failed() || !sc.atEnd()) return makeError("klines: the response is not valid JSON");
    return bars;
}

Result<DepthSnapshot> parseDepthSnapshot(std::string_view json) {
    static constexpr std::array<detail::Field<DepthSnapshot>, 3> kFields{{
        {"lastUpdateId", "lastUpdateId",
         [](JsonScanner& sc, DepthSnapshot& d, std::string_view&) { return sc.readInt(d.lastUpdateId); }, true},
        {"bids", "bids", [](JsonScanner& sc, DepthSnapshot& d, std::string_view&) { return readLevelArrays(sc, d.bids); }, true},
        {"asks", "asks", [](JsonScanner& sc, DepthSnapshot& d, std::string_view&) { return readLevelArrays(sc, d.asks); }, true},
    }};
    JsonScanner sc(json);
    DepthSnapshot d;
    if (auto st = scanFields(sc, "depth", kFields, d); !st) return st.error();
    return d;
}

namespace {
template <class T>
Status decField(const QJsonObject& o, const char* name, T& out, bool& present) {
    const QJsonValue v = o.value(QLatin1String(name));
    present = false;
    if (v.isUndefined() || v.isNull()) return {};
    const QByteArray text = v.isString() ? v.toString().toUtf8() : QByteArray::number(v.toDouble(), 'g', 17);
    if (!detail::parseDecimalText(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), out))
        return makeError(std::string(name) + " \"" + text.toStdString() + "\" is not a decimal");
    present = true;
    return {};
}

Status applyFilterObject(const QJsonObject& f, Instrument& inst) {
    const QString type = f.value(QLatin1String("filterType")).toString();
    bool present = false;
    if (type == QLatin1String("PRICE_FILTER")) {
        if (auto st = decField(f, "tickSize", inst.tickSize, present); !st) return st;
        if (present) inst.pricePrecision = detail::stepPrecision(inst.tickSize);
    } else if (type == QLatin1String("LOT_SIZE")) {
        if (auto st = decField(f, "stepSize", inst.lotSize, present); !st) return st;
        if (present) inst.quantityPrecision = detail::stepPrecision(inst.lotSize);
    } else if (type == QLatin1String("NOTIONAL") || type == QLatin1String("MIN_NOTIONAL")) {
        if (auto st = decField(f, "minNotional", inst.minNotional, present); !st) return st;
    }
    return {};
}
}  // namespace

Status applyFilter(const QByteArray& filterJson, Instrument& inst) {
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(filterJson, &err);
    if (!doc.isObject()) return makeError("filter is not a JSON object: " + err.errorString().toStdString());
    return applyFilterObject(doc.object(), inst);
}

Result<ExchangeInfo> parseExchangeInfo(const QByteArray& json, const std::string& venue) {
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (!doc.isObject()) return makeError("exchangeInfo is not a JSON object: " + err.errorString().toStdString());
    const QJsonObject root = doc.object();
    ExchangeInfo info;
    for (const QJsonValue rl : root.value(QLatin1String("rateLimits")).toArray()) {
        const QJsonObject o = rl.toObject();
        if (o.value(QLatin1String("rateLimitType")).toString() != QLatin1String("REQUEST_WEIGHT")) continue;
        const QString interval = o.value(QLatin1String("interval")).toString();
        const int num = o.value(QLatin1String("intervalNum")).toInt(1);
        const int limit = o.value(QLatin1String("limit")).toInt();
        if (interval == QLatin1String("MINUTE") && num == 1) info.requestWeightPerMinute = limit;
    }
    const QJsonArray symbols = root.value(QLatin1String("symbols")).toArray();
    info.instruments.reserve(static_cast<std::size_t>(symbols.size()));
    for (const QJsonValue sv : symbols) {
        const QJsonObject s = sv.toObject();
        Instrument inst;
        inst.id.venue = venue;
        inst.id.symbol = s.value(QLatin1String("symbol")).toString().toStdString();
        if (inst.id.symbol.empty()) return makeError("exchangeInfo: a symbol entry has no \"symbol\"");
        inst.baseAsset = s.value(QLatin1String("baseAsset")).toString().toStdString();
        inst.quoteAsset = s.value(QLatin1String("quoteAsset")).toString().toStdString();
        inst.pricePrecision =
            s.value(QLatin1String("quoteAssetPrecision")).toInt(s.value(QLatin1String("quotePrecision")).toInt(8));
        inst.quantityPrecision = s.value(QLatin1String("baseAssetPrecision")).toInt(8);
        for (const QJsonValue fv : s.value(QLatin1String("filters")).toArray()) {
            if (auto st = applyFilterObject(fv.toObject(), inst); !st)
                return makeError("exchangeInfo " + inst.id.symbol + ": " + st.message());
        }
        info.statuses.push_back(s.value(QLatin1String("status")).toString().toStdString());
        info.instruments.push_back(std::move(inst));
    }
    return info;
}

QString errorText(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        if (o.contains(QLatin1String("code")) && o.contains(QLatin1String("msg")))
            return QStringLiteral("code %1: %2")
                .arg(o.value(QLatin1String("code")).toInt())
                .arg(o.value(QLatin1String("msg")).toString());
    }
    QString t = QString::fromUtf8(body.left(200)).simplified();
    if (body.size() > 200) t += QStringLiteral("...");
    return t;
}

}  // namespace kairos::marketdata::binance
