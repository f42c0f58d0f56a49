#include "marketdata/okxcodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::okx {

using namespace kairos::marketdata::detail;

namespace {

// UTC-aligned spellings: plain 6H/12H/1D/1W/1M open at UTC+8 (EXCHANGES.md trap 2).
constexpr std::pair<Timeframe, std::string_view> kBars[] = {
    {Timeframe::M1, "1m"},     {Timeframe::M3, "3m"},      {Timeframe::M5, "5m"},    {Timeframe::M15, "15m"},
    {Timeframe::M30, "30m"},   {Timeframe::H1, "1H"},      {Timeframe::H2, "2H"},    {Timeframe::H4, "4H"},
    {Timeframe::H6, "6Hutc"},  {Timeframe::H12, "12Hutc"}, {Timeframe::D1, "1Dutc"}, {Timeframe::W1, "1Wutc"},
    {Timeframe::MN1, "1Mutc"},
};

EventKind channelKind(std::string_view ch, Event& ev) {
    constexpr std::pair<EventKind, std::string_view> kChannels[] = {
        {EventKind::Trades, "trades"},       {EventKind::Trades, "trades-all"}, {EventKind::Quote, "bbo-tbt"},
        {EventKind::Ticker, "tickers"},      {EventKind::Book, "books"},        {EventKind::Book, "books5"},
        {EventKind::Book, "books50-l2-tbt"}, {EventKind::Book, "books-l2-tbt"},
    };
    if (auto k = meaningOf(kChannels, ch)) return *k;
    if (ch.substr(0, 6) == "candle") {
        auto tf = timeframeFor(ch.substr(6));
        if (!tf) return EventKind::Unknown;
        ev.timeframe = *tf;
        return EventKind::Candles;
    }
    return EventKind::Unknown;
}

/// A decimal that may be sent as "" (no bid, no ask): zero then.
template <class T>
bool readOptionalDec(JsonScanner& sc, T& out, std::string_view& text) {
    if (!sc.readNumberOrString(text)) return false;
    if (text.empty()) {
        out = T{};
        return true;
    }
    return parseDecimalText(text, out);
}

/// [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]: vol in the base currency for SPOT.
bool readCandleRow(JsonScanner& sc, Bar& b) {
    using enum BarColumn;
    return readBarRow(sc, {OpenMs, Open, High, Low, Close, Volume, Skip, QuoteVolume, Confirm}, b) < 0;
}

constexpr std::array<Field<Trade>, 5> kTradeFields{{
    {"px", "px", [](JsonScanner& sc, Trade& t, std::string_view& x) { return readDec(sc, t.price, x); }, true},
    {"sz", "sz", [](JsonScanner& sc, Trade& t, std::string_view& x) { return readDec(sc, t.quantity, x); }, true},
    {"ts", "ts", [](JsonScanner& sc, Trade& t, std::string_view&) { return sc.readInt(t.timeMs); }, true},
    {"side", "side",
     [](JsonScanner& sc, Trade& t, std::string_view& x) {
         if (!sc.readString(x) || (x != "buy" && x != "sell")) return false;
         t.aggressor = x == "buy" ? Side::Buy : Side::Sell;  // taker side
         return true;
     },
     true},
    {"tradeId", "tradeId",
     [](JsonScanner& sc, Trade& t, std::string_view& x) {
         if (!sc.readNumberOrString(x)) return false;
         t.tradeId.assign(x.data(), x.size());
         return true;
     },
     true},
}};

// books and bbo-tbt entries.
constexpr std::array<Field<Event>, 5> kBookFields{{
    {"bids", "bids", [](JsonScanner& sc, Event& ev, std::string_view&) { return readLevelArrays(sc, ev.bids); }, true},
    {"asks", "asks", [](JsonScanner& sc, Event& ev, std::string_view&) { return readLevelArrays(sc, ev.asks); }, true},
    {"ts", "ts", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.timeMs); }},
    {"seqId", "seqId", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.seqId); }},
    {"prevSeqId", "prevSeqId", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.prevSeqId); }},
}};

// Volumes: vol24h in the base, volCcy24h in the quote currency for SPOT.
constexpr std::array<Field<Event>, 11> kTickerFields{{
    {"last", "last", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readDec(sc, ev.ticker.lastPrice, x); }, true},
    {"open24h", "open24h", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readDec(sc, ev.ticker.openPrice, x); }},
    {"high24h", "high24h", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readDec(sc, ev.ticker.highPrice, x); }},
    {"low24h", "low24h", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readDec(sc, ev.ticker.lowPrice, x); }},
    {"vol24h", "vol24h", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readDec(sc, ev.ticker.volume, x); }},
    {"volCcy24h", "volCcy24h",
     [](JsonScanner& sc, Event& ev, std::string_view& x) { return readDec(sc, ev.ticker.quoteVolume, x); }},
    {"bidPx", "bidPx", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readOptionalDec(sc, ev.ticker.bid, x); }},
    {"askPx", "askPx", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readOptionalDec(sc, ev.ticker.ask, x); }},
    {"bidSz", "bidSz", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readOptionalDec(sc, ev.quote.bidSize, x); }},
    {"askSz", "askSz", [](JsonScanner& sc, Event& ev, std::string_view& x) { return readOptionalDec(sc, ev.quote.askSize, x); }},
    {"ts", "ts", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.ticker.timeMs); }},
}};

/// "data" holding exactly one entry (books, bbo-tbt, tickers).
template <std::size_t N>
Status scanOne(JsonScanner& sc, const char* what, const std::array<Field<Event>, N>& fields, Event& ev) {
    if (!sc.beginArray()) return malformed(what, "data is not an array");
    int n = 0;
    while (sc.nextElement()) {
        if (auto st = scanFields(sc, what, fields, ev); !st) return st;
        ++n;
    }
    if (sc.failed()) return malformed(what, "not JSON");
    if (n != 1) return malformed(what, "expected exactly one entry in data");
    return {};
}

Status decodeData(JsonScanner& sc, Event& ev) {
    switch (ev.kind) {
    case EventKind::Trades:
        return scanObjectArray(sc, "trades", kTradeFields, ev.trades);
    case EventKind::Book:
        return scanOne(sc, "books", kBookFields, ev);
    case EventKind::Quote: {
        if (auto st = scanOne(sc, "bbo-tbt", kBookFields, ev); !st) return st;
        if (ev.bids.empty() || ev.asks.empty()) return malformed("bbo-tbt", "an empty side");
        ev.quote = Quote{ev.timeMs, ev.bids[0].price, ev.bids[0].quantity, ev.asks[0].price, ev.asks[0].quantity};
        return {};
    }
    case EventKind::Ticker: {
        ev.ticker = Ticker24h{};
        ev.quote = Quote{};
        if (auto st = scanOne(sc, "tickers", kTickerFields, ev); !st) return st;
        const Ticker24h& t = ev.ticker;
        ev.quote = Quote{t.timeMs, t.bid, ev.quote.bidSize, t.ask, ev.quote.askSize};
        return {};
    }
    case EventKind::Candles: {
        if (!sc.beginArray()) return malformed("candle", "data is not an array");
        std::size_t n = 0;
        while (sc.nextElement())
            if (!readCandleRow(sc, slot(ev.bars, n++))) return malformed("candle", "a row is not valid");
        if (sc.failed()) return malformed("candle", "not JSON");
        ev.bars.resize(n);
        return {};
    }
    default:
        if (!sc.skipValue()) return malformed("data", "not JSON");
        return {};
    }
}

}  // namespace

std::optional<std::string_view> barFor(Timeframe tf) { return spellingOf(kBars, tf); }

std::optional<Timeframe> timeframeFor(std::string_view bar) { return meaningOf(kBars, bar); }

Status decode(std::string_view json, Event& ev) {
    ev.kind = EventKind::Unknown;
    ev.channel = {};
    ev.instId = {};
    ev.snapshot = false;
    ev.event = {};
    ev.code = {};
    ev.message = {};
    ev.seqId = ev.prevSeqId = ev.timeMs = 0;
    if (json == "pong") {
        ev.kind = EventKind::Pong;
        return {};
    }
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("not a JSON object");
    std::string_view key, deferred, text;
    while (sc.nextKey(key)) {
        if (key == "arg") {
            static constexpr std::array<Field<Event>, 2> kArgFields{{
                {"channel", "channel", [](JsonScanner& s, Event& e, std::string_view&) { return s.readString(e.channel); }},
                {"instId", "instId", [](JsonScanner& s, Event& e, std::string_view&) { return s.readString(e.instId); }},
            }};
            if (auto st = scanFields(sc, "arg", kArgFields, ev); !st) return st;
            if (ev.event.empty()) ev.kind = channelKind(ev.channel, ev);
        } else if (key == "data") {
            if (ev.kind != EventKind::Unknown && ev.event.empty()) {
                if (auto st = decodeData(sc, ev); !st) return st;
            } else if (!sc.readRaw(deferred)) {
                return makeError("not JSON");
            }
        } else if (key == "action") {
            if (!sc.readString(text)) return makeError("bad action");
            ev.snapshot = text == "snapshot";
        } else if (key == "event") {
            if (!sc.readString(ev.event)) return makeError("bad event");
            ev.kind = EventKind::Event;
        } else if (key == "code") {
            if (!sc.readNumberOrString(ev.code)) return makeError("bad code");
        } else if (key == "msg") {
            if (!sc.readString(ev.message)) return makeError("bad msg");
        } else if (!sc.skipValue()) {
            return makeError("not JSON");
        }
    }
    if (sc.failed() || !sc.atEnd()) return makeError("not JSON");
    if (!deferred.empty() && ev.kind != EventKind::Unknown && ev.kind != EventKind::Event) {
        JsonScanner ds(deferred);
        if (auto st = decodeData(ds, ev); !st) return st;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------

std::string envelopeCode(std::string_view json) { return topLevelText(json, "code"); }

Result<std::vector<Bar>> parseCandles(std::string_view json) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("candles: the response is not an object");
    std::string_view key, code, msg;
    std::vector<Bar> bars;
    bool haveData = false;
    while (sc.nextKey(key)) {
        if (key == "code") {
            if (!sc.readNumberOrString(code)) return makeError("candles: bad code");
        } else if (key == "msg") {
            if (!sc.readString(msg)) return makeError("candles: bad msg");
        } else if (key == "data") {
            haveData = true;
            if (!sc.beginArray()) return makeError("candles: data is not an array");
            while (sc.nextElement()) {
                Bar b;
                if (!readCandleRow(sc, b)) return makeError("candles: row " + std::to_string(bars.size()) + " is not valid");
                bars.push_back(b);
            }
        } else if (!sc.skipValue()) {
            break;
        }
    }
    if (sc.failed()) return makeError("candles: the response is not valid JSON");
    if (code != "0") return makeError("candles: code " + std::string(code) + ": " + std::string(msg));
    if (!haveData) return makeError("candles: no data");
    return bars;
}

Result<std::vector<Instrument>> parseInstruments(const QByteArray& json, const std::string& venue) {
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    if (root.isEmpty()) return makeError("instruments: the response is not a JSON object");
    if (root.value(QLatin1String("code")).toString() != QLatin1String("0"))
        return makeError("instruments: code " + root.value(QLatin1String("code")).toString().toStdString() + ": " +
                         root.value(QLatin1String("msg")).toString().toStdString());
    std::vector<Instrument> out;
    for (const QJsonValue v : root.value(QLatin1String("data")).toArray()) {
        const QJsonObject o = v.toObject();
        Instrument i;
        i.id = InstrumentId{venue, o.value(QLatin1String("instId")).toString().toStdString()};
        i.baseAsset = o.value(QLatin1String("baseCcy")).toString().toStdString();
        i.quoteAsset = o.value(QLatin1String("quoteCcy")).toString().toStdString();
        const std::string tick = o.value(QLatin1String("tickSz")).toString().toStdString();
        const std::string lot = o.value(QLatin1String("lotSz")).toString().toStdString();
        if (!parseDecimalText(tick, i.tickSize))
            return makeError("instruments " + i.id.symbol + ": tickSz \"" + tick + "\" is not a decimal");
        if (!parseDecimalText(lot, i.lotSize))
            return makeError("instruments " + i.id.symbol + ": lotSz \"" + lot + "\" is not a decimal");
        // OKX lists no minimum notional for SPOT (minSz is a base quantity): left at zero.
        i.pricePrecision = stepPrecision(i.tickSize);
        i.quantityPrecision = stepPrecision(i.lotSize);
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::okx
