#include "marketdata/coinbaseatcodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::coinbase_at {

using namespace kairos::marketdata::detail;

namespace {

struct Gran {
    Timeframe tf;
    std::string_view name;
};
constexpr Gran kGranularities[] = {
    {Timeframe::M1, "ONE_MINUTE"}, {Timeframe::M5, "FIVE_MINUTE"}, {Timeframe::M15, "FIFTEEN_MINUTE"}, {Timeframe::M30, "THIRTY_MINUTE"},
    {Timeframe::H1, "ONE_HOUR"},   {Timeframe::H2, "TWO_HOUR"},    {Timeframe::H4, "FOUR_HOUR"},       {Timeframe::H6, "SIX_HOUR"},
    {Timeframe::D1, "ONE_DAY"},
};

EventKind channelKind(std::string_view ch) {
    if (ch == "market_trades") return EventKind::Trades;
    if (ch == "ticker" || ch == "ticker_batch") return EventKind::Tickers;
    if (ch == "candles") return EventKind::Candles;
    if (ch == "l2_data") return EventKind::Book;
    if (ch == "heartbeats") return EventKind::Heartbeats;
    if (ch == "subscriptions") return EventKind::Subscriptions;
    return EventKind::Other;
}

bool readTime(JsonScanner& sc, std::int64_t& ms) {
    std::string_view t;
    return sc.readString(t) && parseRfc3339Ms(t, ms);
}

/// An integer sent as a string of digits ("1688998200").
bool readIntString(JsonScanner& sc, std::int64_t& out) {
    std::string_view t;
    if (!sc.readNumberOrString(t) || t.empty()) return false;
    std::int64_t v = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

template <class T>
bool readOptDec(JsonScanner& sc, T& out) {
    std::string_view text;
    if (sc.peekType() == 'n') {
        out = T{};
        return sc.skipValue();
    }
    if (!sc.readNumberOrString(text)) return false;
    if (text.empty()) {
        out = T{};
        return true;
    }
    return parseDecimalText(text, out);
}

Status decodeTrade(JsonScanner& sc, Event& ev, std::size_t n) {
    Trade& t = slot(ev.trades, n);
    std::string_view& product = slot(ev.tradeProducts, n);
    t = Trade{};
    product = {};
    unsigned seen = 0;
    std::string_view key, text;
    while (sc.nextKey(key)) {
        bool ok = true;
        if (key == "trade_id") {
            ok = sc.readNumberOrString(text);
            t.tradeId.assign(text);
            seen |= 1;
        } else if (key == "product_id") {
            ok = sc.readString(product), seen |= 2;
        } else if (key == "price") {
            ok = readDec(sc, t.price, text), seen |= 4;
        } else if (key == "size") {
            ok = readDec(sc, t.quantity, text), seen |= 8;
        } else if (key == "time") {
            ok = readTime(sc, t.timeMs), seen |= 16;
        } else if (key == "side") {
            ok = sc.readString(text);
            // The maker's side (EXCHANGES.md trap 10): a SELL maker was hit by a buyer.
            if (text == "SELL") t.aggressor = Side::Buy;
            else if (text == "BUY") t.aggressor = Side::Sell;
            else ok = false;
            seen |= 32;
        } else {
            ok = sc.skipValue();
        }
        if (!ok) return badField("market_trades", std::string(key).c_str(), text);
    }
    if (seen != 63) return malformed("market_trades", "missing field(s) trade_id, product_id, price, size, time, side");
    return {};
}

Status decodeTicker(JsonScanner& sc, Event& ev, std::size_t n) {
    TickerItem& it = slot(ev.tickers, n);
    it = TickerItem{};
    bool havePrice = false;
    std::string_view key, text;
    while (sc.nextKey(key)) {
        bool ok = true;
        if (key == "product_id") ok = sc.readString(it.productId);
        else if (key == "price") ok = havePrice = readDec(sc, it.ticker.lastPrice, text);
        else if (key == "volume_24_h") ok = readOptDec(sc, it.ticker.volume);
        else if (key == "low_24_h") ok = readOptDec(sc, it.ticker.lowPrice);
        else if (key == "high_24_h") ok = readOptDec(sc, it.ticker.highPrice);
        else if (key == "best_bid") ok = readOptDec(sc, it.quote.bid);
        else if (key == "best_bid_quantity") ok = readOptDec(sc, it.quote.bidSize);
        else if (key == "best_ask") ok = readOptDec(sc, it.quote.ask);
        else if (key == "best_ask_quantity") ok = readOptDec(sc, it.quote.askSize);
        else ok = sc.skipValue();
        if (!ok) return badField("ticker", std::string(key).c_str(), text);
    }
    if (it.productId.empty() || !havePrice) return malformed("ticker", "missing product_id or price");
    it.quote.timeMs = it.ticker.timeMs = ev.timeMs;
    it.ticker.bid = it.quote.bid;
    it.ticker.ask = it.quote.ask;
    return {};
}

Status decodeCandle(JsonScanner& sc, Event& ev, std::size_t n) {
    CandleItem& c = slot(ev.candles, n);
    c = CandleItem{};
    unsigned seen = 0;
    std::string_view key, text;
    std::int64_t secs = 0;
    while (sc.nextKey(key)) {
        bool ok = true;
        if (key == "product_id") ok = sc.readString(c.productId), seen |= 1;
        else if (key == "start") ok = readIntString(sc, secs), seen |= 2;
        else if (key == "open") ok = readDec(sc, c.bar.open, text), seen |= 4;
        else if (key == "high") ok = readDec(sc, c.bar.high, text), seen |= 8;
        else if (key == "low") ok = readDec(sc, c.bar.low, text), seen |= 16;
        else if (key == "close") ok = readDec(sc, c.bar.close, text), seen |= 32;
        else if (key == "volume") ok = readDec(sc, c.bar.volume, text), seen |= 64;
        else ok = sc.skipValue();
        if (!ok) return badField("candles", std::string(key).c_str(), text);
    }
    if (seen != 127) return malformed("candles", "missing field(s) product_id, start, open, high, low, close, volume");
    c.bar.openTimeMs = secs * 1000;
    c.bar.closed = false;
    return {};
}

/// One l2_data event: {"type", "product_id", "updates": [{"side", "event_time", "price_level", "new_quantity"}]}.
Status decodeBook(JsonScanner& sc, Event& ev, std::size_t n, std::string_view type) {
    BookItem& b = slot(ev.books, n);
    b.productId = {};
    b.bids.clear();
    b.asks.clear();
    b.snapshot = type == "snapshot";
    std::string_view key, text;
    bool haveUpdates = false;
    while (sc.nextKey(key)) {
        if (key == "product_id") {
            if (!sc.readString(b.productId)) return badField("l2_data", "product_id");
        } else if (key == "type") {
            if (!sc.readString(text)) return badField("l2_data", "type");
            b.snapshot = text == "snapshot";
        } else if (key == "updates") {
            if (!sc.beginArray()) return badField("l2_data", "updates");
            haveUpdates = true;
            while (sc.nextElement()) {
                if (!sc.beginObject()) return badField("l2_data", "updates");
                BookLevel l;
                std::string_view side, k;
                unsigned seen = 0;
                while (sc.nextKey(k)) {
                    bool ok = true;
                    if (k == "side") ok = sc.readString(side), seen |= 1;
                    else if (k == "price_level") ok = readDec(sc, l.price, text), seen |= 2;
                    else if (k == "new_quantity") ok = readDec(sc, l.quantity, text), seen |= 4;
                    else ok = sc.skipValue();
                    if (!ok) return badField("l2_data", std::string(k).c_str(), text);
                }
                if (seen != 7) return malformed("l2_data", "an update lacks side, price_level or new_quantity");
                // "bid"; the ask side is "offer" (⚠ not shown in the stored docs; "ask" accepted too).
                if (side == "bid") b.bids.push_back(l);
                else if (side == "offer" || side == "ask") b.asks.push_back(l);
                else return badField("l2_data", "side", side);
            }
        } else if (!sc.skipValue()) {
            return malformed("l2_data", "not JSON");
        }
    }
    if (b.productId.empty() || !haveUpdates) return malformed("l2_data", "missing product_id or updates");
    return {};
}

/// The "events" array of a channel message.
Status decodeEvents(std::string_view raw, Event& ev) {
    JsonScanner sc(raw);
    std::size_t trades = 0, tickers = 0, candles = 0, books = 0;
    if (!sc.beginArray()) return malformed("events", "not an array");
    std::string_view key, type;
    while (sc.nextElement()) {
        if (ev.kind == EventKind::Book) {
            // The event object holds the book fields directly; "type" is read inside.
            if (!sc.beginObject()) return malformed("l2_data", "an event is not an object");
            if (auto st = decodeBook(sc, ev, books++, {}); !st) return st;
            continue;
        }
        if (!sc.beginObject()) return malformed("events", "an event is not an object");
        while (sc.nextKey(key)) {
            const char* list = ev.kind == EventKind::Trades ? "trades" : ev.kind == EventKind::Tickers ? "tickers"
                             : ev.kind == EventKind::Candles ? "candles" : nullptr;
            if (key == "type") {
                if (!sc.readString(type)) return malformed("events", "bad type");
            } else if (list && key == list) {
                if (!sc.beginArray()) return badField(list, list);
                while (sc.nextElement()) {
                    if (!sc.beginObject()) return malformed(list, "an entry is not an object");
                    const Status st = ev.kind == EventKind::Trades    ? decodeTrade(sc, ev, trades++)
                                      : ev.kind == EventKind::Tickers ? decodeTicker(sc, ev, tickers++)
                                                                      : decodeCandle(sc, ev, candles++);
                    if (!st) return st;
                }
            } else if (!sc.skipValue()) {
                return malformed("events", "not JSON");
            }
        }
    }
    if (sc.failed()) return malformed("events", "not JSON");
    ev.trades.resize(trades);
    ev.tradeProducts.resize(trades);
    ev.tickers.resize(tickers);
    ev.candles.resize(candles);
    ev.books.resize(books);
    return {};
}

}  // namespace

std::optional<std::string_view> granularityFor(Timeframe tf) {
    for (const auto& g : kGranularities)
        if (g.tf == tf) return g.name;
    return std::nullopt;
}

std::optional<Timeframe> timeframeFor(std::string_view name) {
    for (const auto& g : kGranularities)
        if (g.name == name) return g.tf;
    return std::nullopt;
}

Status decode(std::string_view json, Event& ev) {
    ev.kind = EventKind::Unknown;
    ev.channel = {};
    ev.sequenceNum = -1;
    ev.timeMs = 0;
    ev.message = {};
    ev.trades.clear();
    ev.tradeProducts.clear();
    ev.tickers.clear();
    ev.candles.clear();
    ev.books.clear();
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("not a JSON object");
    std::string_view key, events, type;
    while (sc.nextKey(key)) {
        bool ok = true;
        if (key == "channel") ok = sc.readString(ev.channel);
        else if (key == "timestamp") ok = readTime(sc, ev.timeMs);
        else if (key == "sequence_num") ok = sc.readInt(ev.sequenceNum);
        else if (key == "events") ok = sc.readRaw(events);
        else if (key == "type") ok = sc.readString(type);
        else if (key == "message") ok = sc.readString(ev.message);
        else ok = sc.skipValue();
        if (!ok) return badField("message", std::string(key).c_str());
    }
    if (sc.failed() || !sc.atEnd()) return makeError("not JSON");
    if (ev.channel.empty()) {
        if (type == "error") {
            ev.kind = EventKind::Error;
            return {};
        }
        return makeError("no \"channel\"");
    }
    ev.kind = channelKind(ev.channel);
    if (ev.kind == EventKind::Trades || ev.kind == EventKind::Tickers || ev.kind == EventKind::Candles || ev.kind == EventKind::Book) {
        if (events.empty()) return malformed(std::string(ev.channel).c_str(), "no events");
        return decodeEvents(events, ev);
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// REST

Result<std::vector<Bar>> parseCandles(std::string_view json) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("candles: the response is not an object");
    std::string_view key, message;
    std::vector<Bar> bars;
    bool haveCandles = false;
    while (sc.nextKey(key)) {
        if (key == "message" || key == "error") {
            if (!sc.readString(message)) return makeError("candles: bad error body");
            continue;
        }
        if (key != "candles") {
            if (!sc.skipValue()) break;
            continue;
        }
        haveCandles = true;
        if (!sc.beginArray()) return makeError("candles: not an array");
        while (sc.nextElement()) {
            if (!sc.beginObject()) return makeError("candles: a row is not an object");
            Bar b;
            unsigned seen = 0;
            std::string_view k;
            std::int64_t secs = 0;
            while (sc.nextKey(k)) {
                bool ok = true;
                if (k == "start") ok = readIntString(sc, secs), seen |= 1;
                else if (k == "low") ok = readDec(sc, b.low), seen |= 2;
                else if (k == "high") ok = readDec(sc, b.high), seen |= 4;
                else if (k == "open") ok = readDec(sc, b.open), seen |= 8;
                else if (k == "close") ok = readDec(sc, b.close), seen |= 16;
                else if (k == "volume") ok = readDec(sc, b.volume), seen |= 32;
                else ok = sc.skipValue();
                if (!ok) return makeError("candles: row " + std::to_string(bars.size()) + ": bad " + std::string(k));
            }
            if (seen != 63) return makeError("candles: row " + std::to_string(bars.size()) + " lacks a field");
            b.openTimeMs = secs * 1000;
            b.closed = true;
            bars.push_back(b);
        }
    }
    if (sc.failed()) return makeError("candles: the response is not valid JSON");
    if (!haveCandles) return makeError("candles: " + (message.empty() ? std::string("no candles in the response") : std::string(message)));
    return bars;
}

namespace {
int decimalsOf(const QString& increment) {
    const qsizetype dot = increment.indexOf(QLatin1Char('.'));
    if (dot < 0) return 0;
    qsizetype end = increment.size();
    while (end > dot + 1 && increment[end - 1] == QLatin1Char('0')) --end;
    return static_cast<int>(end - dot - 1);
}
}  // namespace

Result<std::vector<Instrument>> parseProducts(const QByteArray& json, const std::string& venue) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return makeError("products: the response is not a JSON object");
    const QJsonObject root = doc.object();
    if (!root.contains(QLatin1String("products")))
        return makeError("products: " + root.value(QLatin1String("message")).toString(QStringLiteral("no products in the response")).toStdString());
    std::vector<Instrument> out;
    for (const auto& v : root.value(QLatin1String("products")).toArray()) {
        const QJsonObject p = v.toObject();
        Instrument i;
        const std::string id = p.value(QLatin1String("product_id")).toString().toStdString();
        i.id = InstrumentId{venue, id};
        i.baseAsset = p.value(QLatin1String("base_currency_id")).toString().toStdString();
        i.quoteAsset = p.value(QLatin1String("quote_currency_id")).toString().toStdString();
        if (id.empty() || i.baseAsset.empty() || i.quoteAsset.empty()) return makeError("products: an entry lacks product_id/base/quote");
        QString tick = p.value(QLatin1String("price_increment")).toString();
        if (tick.isEmpty()) tick = p.value(QLatin1String("quote_increment")).toString();
        const QString lot = p.value(QLatin1String("base_increment")).toString();
        if (!parseDecimalText(tick.toStdString(), i.tickSize)) return makeError("products " + id + ": bad price_increment");
        if (!parseDecimalText(lot.toStdString(), i.lotSize)) return makeError("products " + id + ": bad base_increment");
        i.pricePrecision = decimalsOf(tick);
        i.quantityPrecision = decimalsOf(lot);
        if (auto r = i.tickSize.rescaled(i.pricePrecision, RoundingMode::Exact)) i.tickSize = *r;
        if (auto r = i.lotSize.rescaled(i.quantityPrecision, RoundingMode::Exact)) i.lotSize = *r;
        const QJsonValue minQuote = p.value(QLatin1String("quote_min_size"));
        if (minQuote.isString() && !parseDecimalText(minQuote.toString().toStdString(), i.minNotional))
            return makeError("products " + id + ": bad quote_min_size");
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::coinbase_at
