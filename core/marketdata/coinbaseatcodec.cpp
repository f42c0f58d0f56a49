#include "marketdata/coinbaseatcodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <limits>

namespace kairos::marketdata::coinbase_at {

using namespace kairos::marketdata::detail;

namespace {

constexpr std::pair<Timeframe, std::string_view> kGranularities[] = {
    {Timeframe::M1, "ONE_MINUTE"},     {Timeframe::M5, "FIVE_MINUTE"}, {Timeframe::M15, "FIFTEEN_MINUTE"},
    {Timeframe::M30, "THIRTY_MINUTE"}, {Timeframe::H1, "ONE_HOUR"},    {Timeframe::H2, "TWO_HOUR"},
    {Timeframe::H4, "FOUR_HOUR"},      {Timeframe::H6, "SIX_HOUR"},    {Timeframe::D1, "ONE_DAY"},
};

constexpr std::pair<EventKind, std::string_view> kChannels[] = {
    {EventKind::Trades, "market_trades"},
    {EventKind::Tickers, "ticker"},
    {EventKind::Tickers, "ticker_batch"},
    {EventKind::Candles, "candles"},
    {EventKind::Book, "l2_data"},
    {EventKind::Heartbeats, "heartbeats"},
    {EventKind::Subscriptions, "subscriptions"},
};
EventKind channelKind(std::string_view ch) { return meaningOr(kChannels, ch, EventKind::Other); }

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
        if (v > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) return false;  // does not fit 64 bits
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

struct TradeSlot {
    Trade* trade;
    std::string_view* product;
};
constexpr std::array<Field<TradeSlot>, 6> kTradeFields{{
    {"trade_id", "trade_id",
     [](JsonScanner& sc, TradeSlot& c, std::string_view& x) {
         if (!sc.readNumberOrString(x)) return false;
         c.trade->tradeId.assign(x);
         return true;
     },
     true},
    {"product_id", "product_id", [](JsonScanner& sc, TradeSlot& c, std::string_view&) { return sc.readString(*c.product); },
     true},
    {"price", "price", [](JsonScanner& sc, TradeSlot& c, std::string_view& x) { return readDec(sc, c.trade->price, x); }, true},
    {"size", "size", [](JsonScanner& sc, TradeSlot& c, std::string_view& x) { return readDec(sc, c.trade->quantity, x); }, true},
    {"time", "time", [](JsonScanner& sc, TradeSlot& c, std::string_view&) { return readTime(sc, c.trade->timeMs); }, true},
    // The maker's side (EXCHANGES.md trap 10): a SELL maker was hit by a buyer.
    {"side", "side",
     [](JsonScanner& sc, TradeSlot& c, std::string_view& x) {
         if (!sc.readString(x) || (x != "SELL" && x != "BUY")) return false;
         c.trade->aggressor = x == "SELL" ? Side::Buy : Side::Sell;
         return true;
     },
     true},
}};

Status decodeTrade(JsonScanner& sc, Event& ev, std::size_t n) {
    TradeSlot c{&slot(ev.trades, n), &slot(ev.tradeProducts, n)};
    *c.trade = Trade{};
    *c.product = {};
    return scanFields(sc, "market_trades", kTradeFields, c);
}

constexpr std::array<Field<TickerItem>, 9> kTickerFields{{
    {"product_id", "product_id", [](JsonScanner& sc, TickerItem& it, std::string_view&) { return sc.readString(it.productId); },
     true},
    {"price", "price", [](JsonScanner& sc, TickerItem& it, std::string_view& x) { return readDec(sc, it.ticker.lastPrice, x); },
     true},
    {"volume_24_h", "volume_24_h",
     [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.ticker.volume); }},
    {"low_24_h", "low_24_h",
     [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.ticker.lowPrice); }},
    {"high_24_h", "high_24_h",
     [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.ticker.highPrice); }},
    {"best_bid", "best_bid", [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.quote.bid); }},
    {"best_bid_quantity", "best_bid_quantity",
     [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.quote.bidSize); }},
    {"best_ask", "best_ask", [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.quote.ask); }},
    {"best_ask_quantity", "best_ask_quantity",
     [](JsonScanner& sc, TickerItem& it, std::string_view&) { return readOptDec(sc, it.quote.askSize); }},
}};

Status decodeTicker(JsonScanner& sc, Event& ev, std::size_t n) {
    TickerItem& it = slot(ev.tickers, n);
    it = TickerItem{};
    if (auto st = scanFields(sc, "ticker", kTickerFields, it); !st) return st;
    it.quote.timeMs = it.ticker.timeMs = ev.timeMs;
    it.ticker.bid = it.quote.bid;
    it.ticker.ask = it.quote.ask;
    return {};
}

constexpr std::array<Field<CandleItem>, 7> kCandleFields{{
    {"product_id", "product_id", [](JsonScanner& sc, CandleItem& c, std::string_view&) { return sc.readString(c.productId); }},
    {"start", "start",
     [](JsonScanner& sc, CandleItem& c, std::string_view&) {
         std::int64_t secs = 0;
         if (!readIntString(sc, secs) || secs > std::numeric_limits<std::int64_t>::max() / 1000) return false;
         c.bar.openTimeMs = secs * 1000;
         return true;
     },
     true},
    {"open", "open", [](JsonScanner& sc, CandleItem& c, std::string_view& x) { return readDec(sc, c.bar.open, x); }, true},
    {"high", "high", [](JsonScanner& sc, CandleItem& c, std::string_view& x) { return readDec(sc, c.bar.high, x); }, true},
    {"low", "low", [](JsonScanner& sc, CandleItem& c, std::string_view& x) { return readDec(sc, c.bar.low, x); }, true},
    {"close", "close", [](JsonScanner& sc, CandleItem& c, std::string_view& x) { return readDec(sc, c.bar.close, x); }, true},
    {"volume", "volume", [](JsonScanner& sc, CandleItem& c, std::string_view& x) { return readDec(sc, c.bar.volume, x); }, true},
}};

Status decodeCandle(JsonScanner& sc, Event& ev, std::size_t n) {
    CandleItem& c = slot(ev.candles, n);
    c = CandleItem{};
    if (auto st = scanFields(sc, "candles", kCandleFields, c); !st) return st;
    if (c.productId.empty()) return malformed("candles", "missing field(s) product_id");
    c.bar.closed = false;
    return {};
}

struct LevelUpdate {
    BookLevel level;
    std::string_view side;
};
constexpr std::array<Field<LevelUpdate>, 3> kLevelFields{{
    {"side", "side", [](JsonScanner& sc, LevelUpdate& u, std::string_view&) { return sc.readString(u.side); }, true},
    {"price_level", "price_level",
     [](JsonScanner& sc, LevelUpdate& u, std::string_view& x) { return readDec(sc, u.level.price, x); }, true},
    {"new_quantity", "new_quantity",
     [](JsonScanner& sc, LevelUpdate& u, std::string_view& x) { return readDec(sc, u.level.quantity, x); }, true},
}};

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
                LevelUpdate u;
                if (auto st = scanFields(sc, "l2_data", kLevelFields, u); !st) return st;
                // "bid"; the ask side is "offer" (⚠ not shown in the stored docs; "ask" accepted too).
                if (u.side == "bid")
                    b.bids.push_back(u.level);
                else if (u.side == "offer" || u.side == "ask")
                    b.asks.push_back(u.level);
                else
                    return badField("l2_data", "side", u.side);
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
            const char* list = ev.kind == EventKind::Trades ? "trades"
                : ev.kind == EventKind::Tickers             ? "tickers"
                : ev.kind == EventKind::Candles             ? "candles"
                                                            : nullptr;
            if (key == "type") {
                if (!sc.readString(type)) return malformed("events", "bad type");
            } else if (list && key == list) {
                if (!sc.beginArray()) return badField(list, list);
                while (sc.nextElement()) {
                    Status st = ev.kind == EventKind::Trades ? decodeTrade(sc, ev, trades++)
                        : ev.kind == EventKind::Tickers      ? decodeTicker(sc, ev, tickers++)
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

std::optional<std::string_view> granularityFor(Timeframe tf) { return spellingOf(kGranularities, tf); }

std::optional<Timeframe> timeframeFor(std::string_view name) { return meaningOf(kGranularities, name); }

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
        if (key == "channel")
            ok = sc.readString(ev.channel);
        else if (key == "timestamp")
            ok = readTime(sc, ev.timeMs);
        else if (key == "sequence_num")
            ok = sc.readInt(ev.sequenceNum);
        else if (key == "events")
            ok = sc.readRaw(events);
        else if (key == "type")
            ok = sc.readString(type);
        else if (key == "message")
            ok = sc.readString(ev.message);
        else
            ok = sc.skipValue();
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
    if (ev.kind == EventKind::Trades || ev.kind == EventKind::Tickers || ev.kind == EventKind::Candles ||
        ev.kind == EventKind::Book) {
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
            CandleItem c;  // the WebSocket candle's fields, without product_id
            if (auto st = scanFields(sc, "candles", kCandleFields, c); !st)
                return makeError("candles: row " + std::to_string(bars.size()) + ": " + st.message());
            c.bar.closed = true;
            bars.push_back(c.bar);
        }
    }
    if (sc.failed()) return makeError("candles: the response is not valid JSON");
    if (!haveCandles)
        return makeError("candles: " + (message.empty() ? std::string("no candles in the response") : std::string(message)));
    return bars;
}

Result<std::vector<Instrument>> parseProducts(const QByteArray& json, const std::string& venue) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return makeError("products: the response is not a JSON object");
    const QJsonObject root = doc.object();
    if (!root.contains(QLatin1String("products")))
        return makeError(
            "products: " +
            root.value(QLatin1String("message")).toString(QStringLiteral("no products in the response")).toStdString());
    std::vector<Instrument> out;
    for (const auto& v : root.value(QLatin1String("products")).toArray()) {
        const QJsonObject p = v.toObject();
        Instrument i;
        const std::string id = p.value(QLatin1String("product_id")).toString().toStdString();
        i.id = InstrumentId{venue, id};
        i.baseAsset = p.value(QLatin1String("base_currency_id")).toString().toStdString();
        i.quoteAsset = p.value(QLatin1String("quote_currency_id")).toString().toStdString();
        if (id.empty() || i.baseAsset.empty() || i.quoteAsset.empty())
            return makeError("products: an entry lacks product_id/base/quote");
        QString tick = p.value(QLatin1String("price_increment")).toString();
        if (tick.isEmpty()) tick = p.value(QLatin1String("quote_increment")).toString();
        const QString lot = p.value(QLatin1String("base_increment")).toString();
        if (!parseDecimalText(tick.toStdString(), i.tickSize)) return makeError("products " + id + ": bad price_increment");
        if (!parseDecimalText(lot.toStdString(), i.lotSize)) return makeError("products " + id + ": bad base_increment");
        i.pricePrecision = incrementDecimals(tick.toStdString());
        i.quantityPrecision = incrementDecimals(lot.toStdString());
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
