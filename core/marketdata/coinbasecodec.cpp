#include "marketdata/coinbasecodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::coinbase {

using namespace kairos::marketdata::detail;

namespace {

constexpr std::pair<Timeframe, int> kGranularities[] = {
    {Timeframe::M1, 60},   {Timeframe::M5, 300},   {Timeframe::M15, 900},
    {Timeframe::H1, 3600}, {Timeframe::H6, 21600}, {Timeframe::D1, 86400},
};

constexpr std::pair<EventKind, std::string_view> kTypes[] = {
    {EventKind::Match, "match"},
    {EventKind::LastMatch, "last_match"},
    {EventKind::Ticker, "ticker"},
    {EventKind::Snapshot, "snapshot"},
    {EventKind::L2Update, "l2update"},
    {EventKind::Heartbeat, "heartbeat"},
    {EventKind::Subscriptions, "subscriptions"},
    {EventKind::Error, "error"},
};
EventKind kindOf(std::string_view type) { return meaningOr(kTypes, type, EventKind::Other); }

/// [["buy"|"sell", price, size], ...] into bids / asks, in order.
bool readChanges(JsonScanner& sc, Event& ev) {
    if (!sc.beginArray()) return false;
    std::string_view side;
    while (sc.nextElement()) {
        if (!sc.beginArray()) return false;
        BookLevel l;
        if (!sc.nextElement() || !sc.readString(side)) return sc.fail();
        if (!sc.nextElement() || !readDec(sc, l.price)) return sc.fail();
        if (!sc.nextElement() || !readDec(sc, l.quantity)) return sc.fail();
        while (sc.nextElement())
            if (!sc.skipValue()) return false;
        if (side == "buy")
            ev.bids.push_back(l);
        else if (side == "sell")
            ev.asks.push_back(l);
        else
            return sc.fail();
    }
    return !sc.failed();
}

bool readTime(JsonScanner& sc, std::int64_t& ms) {
    std::string_view t;
    return sc.readString(t) && parseRfc3339Ms(t, ms);
}

/// A decimal that may be null or "" (a ticker before any trade): zero then.
template <class T>
bool readOptDec(JsonScanner& sc, T& out) {
    if (sc.peekType() == 'n') {
        out = T{};
        return sc.skipValue();
    }
    std::string_view text;
    if (!sc.readNumberOrString(text)) return false;
    if (text.empty()) {
        out = T{};
        return true;
    }
    return parseDecimalText(text, out);
}

}  // namespace

std::string_view typeName(EventKind kind) { return spellingOf(kTypes, kind).value_or(std::string_view()); }

std::optional<int> granularityFor(Timeframe tf) { return spellingOf(kGranularities, tf); }

std::optional<Timeframe> timeframeFor(int seconds) { return meaningOf(kGranularities, seconds); }

Status decode(std::string_view json, Event& ev) {
    ev.kind = EventKind::Unknown;
    ev.type = {};
    ev.productId = {};
    ev.trade.tradeId.clear();
    ev.trade.price = Price{};
    ev.trade.quantity = Quantity{};
    ev.tradeId = 0;
    ev.sequence = 0;
    ev.quote = Quote{};
    ev.ticker = Ticker24h{};
    ev.bids.clear();
    ev.asks.clear();
    ev.timeMs = 0;
    ev.message = {};
    ev.reason = {};
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("not a JSON object");
    // One pass: the keys of the message types do not collide in meaning except "side" and
    // "price", which are read once and interpreted by type afterwards.
    std::string_view key, side, text;
    bool haveBids = false, haveAsks = false, haveChanges = false, havePrice = false, haveSize = false, haveTime = false;
    Price price;
    Quantity size;
    while (sc.nextKey(key)) {
        bool ok = true;
        if (key == "type")
            ok = sc.readString(ev.type);
        else if (key == "product_id")
            ok = sc.readString(ev.productId);
        else if (key == "trade_id" || key == "last_trade_id")
            ok = sc.readInt(ev.tradeId);
        else if (key == "sequence")
            ok = sc.readInt(ev.sequence);
        else if (key == "price")
            ok = havePrice = readDec(sc, price, text);
        else if (key == "size" || key == "last_size")
            ok = haveSize = readDec(sc, size, text);
        else if (key == "side")
            ok = sc.readString(side);
        else if (key == "time")
            ok = haveTime = readTime(sc, ev.timeMs);
        else if (key == "best_bid")
            ok = readOptDec(sc, ev.quote.bid);
        else if (key == "best_bid_size")
            ok = readOptDec(sc, ev.quote.bidSize);
        else if (key == "best_ask")
            ok = readOptDec(sc, ev.quote.ask);
        else if (key == "best_ask_size")
            ok = readOptDec(sc, ev.quote.askSize);
        else if (key == "open_24h")
            ok = readOptDec(sc, ev.ticker.openPrice);
        else if (key == "high_24h")
            ok = readOptDec(sc, ev.ticker.highPrice);
        else if (key == "low_24h")
            ok = readOptDec(sc, ev.ticker.lowPrice);
        else if (key == "volume_24h")
            ok = readOptDec(sc, ev.ticker.volume);
        else if (key == "bids")
            ok = haveBids = readLevelArrays(sc, ev.bids);
        else if (key == "asks")
            ok = haveAsks = readLevelArrays(sc, ev.asks);
        else if (key == "changes")
            ok = haveChanges = readChanges(sc, ev);
        else if (key == "message")
            ok = sc.readString(ev.message);
        else if (key == "reason")
            ok = sc.readString(ev.reason);
        else
            ok = sc.skipValue();
        if (!ok) return badField(ev.type.empty() ? "message" : std::string(ev.type).c_str(), std::string(key).c_str(), text);
    }
    if (sc.failed() || !sc.atEnd()) return makeError("not JSON");
    if (ev.type.empty()) return makeError("no \"type\"");
    ev.kind = kindOf(ev.type);
    const std::string what(ev.type);
    switch (ev.kind) {
    case EventKind::Match:
    case EventKind::LastMatch:
        if (ev.productId.empty() || !havePrice || !haveSize || !haveTime || ev.tradeId <= 0)
            return malformed(what.c_str(), "missing field(s) product_id, price, size, time, trade_id");
        ev.trade.price = price;
        ev.trade.quantity = size;
        ev.trade.timeMs = ev.timeMs;
        setId(ev.trade.tradeId, ev.tradeId);
        // "side" is the maker's order side: a "sell" maker was hit by a buyer.
        if (side == "sell")
            ev.trade.aggressor = Side::Buy;
        else if (side == "buy")
            ev.trade.aggressor = Side::Sell;
        else
            return badField(what.c_str(), "side", side);
        break;
    case EventKind::Ticker:
        if (ev.productId.empty() || !havePrice) return malformed(what.c_str(), "missing product_id or price");
        ev.ticker.lastPrice = price;
        ev.ticker.bid = ev.quote.bid;
        ev.ticker.ask = ev.quote.ask;
        ev.ticker.timeMs = ev.quote.timeMs = ev.timeMs;
        break;
    case EventKind::Snapshot:
        if (ev.productId.empty() || !haveBids || !haveAsks) return malformed(what.c_str(), "missing product_id, bids or asks");
        break;
    case EventKind::L2Update:
        if (ev.productId.empty() || !haveChanges) return malformed(what.c_str(), "missing product_id or changes");
        break;
    default:
        break;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// REST

std::string restMessage(std::string_view json) { return topLevelText(json, "message"); }

Result<std::vector<Bar>> parseCandles(std::string_view json) {
    if (auto m = restMessage(json); !m.empty()) return makeError("candles: " + m);
    JsonScanner sc(json);
    if (!sc.beginArray()) return makeError("candles: the response is not an array");
    std::vector<Bar> bars;
    while (sc.nextElement()) {
        using enum BarColumn;
        Bar b;
        const int bad = readBarRow(sc, {OpenSec, Low, High, Open, Close, Volume}, b);
        if (bad >= 0)
            return makeError("candles: row " + std::to_string(bars.size()) + " column " + std::to_string(bad) + " is not valid");
        bars.push_back(b);
    }
    if (sc.failed() || !sc.atEnd()) return makeError("candles: the response is not valid JSON");
    return bars;
}

Result<std::vector<Instrument>> parseProducts(const QByteArray& json, const std::string& venue) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) return makeError("products: the response is not valid JSON");
    if (doc.isObject()) return makeError("products: " + doc.object().value(QLatin1String("message")).toString().toStdString());
    std::vector<Instrument> out;
    for (const auto& v : doc.array()) {
        const QJsonObject p = v.toObject();
        Instrument i;
        const std::string id = p.value(QLatin1String("id")).toString().toStdString();
        i.id = InstrumentId{venue, id};
        i.baseAsset = p.value(QLatin1String("base_currency")).toString().toStdString();
        i.quoteAsset = p.value(QLatin1String("quote_currency")).toString().toStdString();
        if (id.empty() || i.baseAsset.empty() || i.quoteAsset.empty()) return makeError("products: an entry lacks id/base/quote");
        const QString tick = p.value(QLatin1String("quote_increment")).toString();
        const QString lot = p.value(QLatin1String("base_increment")).toString();
        if (!parseDecimalText(tick.toStdString(), i.tickSize)) return makeError("products " + id + ": bad quote_increment");
        if (!parseDecimalText(lot.toStdString(), i.lotSize)) return makeError("products " + id + ": bad base_increment");
        if (auto r = i.tickSize.rescaled(incrementDecimals(tick.toStdString()), RoundingMode::Exact)) i.tickSize = *r;
        if (auto r = i.lotSize.rescaled(incrementDecimals(lot.toStdString()), RoundingMode::Exact)) i.lotSize = *r;
        i.pricePrecision = incrementDecimals(tick.toStdString());
        i.quantityPrecision = incrementDecimals(lot.toStdString());
        const QJsonValue funds = p.value(QLatin1String("min_market_funds"));
        if (funds.isString() && !parseDecimalText(funds.toString().toStdString(), i.minNotional))
            return makeError("products " + id + ": bad min_market_funds");
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::coinbase
