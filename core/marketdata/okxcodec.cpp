#include "marketdata/okxcodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::okx {

using namespace kairos::marketdata::detail;

namespace {

struct BarName {
    Timeframe tf;
    std::string_view name;
};
// UTC-aligned spellings: plain 6H/12H/1D/1W/1M open at UTC+8 (EXCHANGES.md trap 2).
constexpr BarName kBars[] = {
    {Timeframe::M1, "1m"},      {Timeframe::M3, "3m"},       {Timeframe::M5, "5m"},    {Timeframe::M15, "15m"},
    {Timeframe::M30, "30m"},    {Timeframe::H1, "1H"},       {Timeframe::H2, "2H"},    {Timeframe::H4, "4H"},
    {Timeframe::H6, "6Hutc"},   {Timeframe::H12, "12Hutc"},  {Timeframe::D1, "1Dutc"}, {Timeframe::W1, "1Wutc"},
    {Timeframe::MN1, "1Mutc"},
};

EventKind channelKind(std::string_view ch, Event& ev) {
    if (ch == "trades" || ch == "trades-all") return EventKind::Trades;
    if (ch == "bbo-tbt") return EventKind::Quote;
    if (ch == "tickers") return EventKind::Ticker;
    if (ch == "books" || ch == "books5" || ch == "books50-l2-tbt" || ch == "books-l2-tbt") return EventKind::Book;
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

bool readCandleRow(JsonScanner& sc, Bar& b) {
    if (!sc.beginArray()) return false;
    int col = 0;
    std::string_view text;
    b = Bar{};
    while (sc.nextElement()) {
        bool ok = true;
        switch (col) {
        case 0: ok = sc.readInt(b.openTimeMs); break;
        case 1: ok = readDec(sc, b.open); break;
        case 2: ok = readDec(sc, b.high); break;
        case 3: ok = readDec(sc, b.low); break;
        case 4: ok = readDec(sc, b.close); break;
        case 5: ok = readDec(sc, b.volume); break;  // base currency for SPOT
        case 7: ok = readDec(sc, b.quoteVolume); break;
        case 8:
            ok = sc.readString(text);
            b.closed = text == "1";
            break;
        default: ok = sc.skipValue(); break;
        }
        if (!ok) return sc.fail();
        ++col;
    }
    return !sc.failed() && col >= 6;
}

Status decodeData(JsonScanner& sc, Event& ev) {
    const char* what = "data";
    if (!sc.beginArray()) return malformed(what, "data is not an array");
    std::size_t n = 0;
    std::string_view key, text;
    while (sc.nextElement()) {
        switch (ev.kind) {
        case EventKind::Trades: {
            what = "trades";
            Trade& t = slot(ev.trades, n);
            if (!sc.beginObject()) return malformed(what, "a trade is not an object");
            unsigned seen = 0;
            while (sc.nextKey(key)) {
                if (key == "px") {
                    if (!readDec(sc, t.price, text)) return badField(what, "px", text);
                    seen |= 1;
                } else if (key == "sz") {
                    if (!readDec(sc, t.quantity, text)) return badField(what, "sz", text);
                    seen |= 2;
                } else if (key == "ts") {
                    if (!sc.readInt(t.timeMs)) return badField(what, "ts");
                    seen |= 4;
                } else if (key == "side") {
                    if (!sc.readString(text)) return badField(what, "side");
                    if (text == "buy") t.aggressor = Side::Buy;  // taker side
                    else if (text == "sell") t.aggressor = Side::Sell;
                    else return badField(what, "side", text);
                    seen |= 8;
                } else if (key == "tradeId") {
                    if (!sc.readNumberOrString(text)) return badField(what, "tradeId");
                    t.tradeId.assign(text.data(), text.size());
                    seen |= 16;
                } else if (!sc.skipValue()) {
                    break;
                }
            }
            if (sc.failed()) return malformed(what, "not JSON");
            if (seen != 31) return malformed(what, "missing field(s) px, sz, ts, side, tradeId");
            ++n;
            break;
        }
        case EventKind::Quote:
        case EventKind::Book: {
            what = ev.kind == EventKind::Quote ? "bbo-tbt" : "books";
            if (!sc.beginObject()) return malformed(what, "an entry is not an object");
            unsigned seen = 0;
            while (sc.nextKey(key)) {
                if (key == "bids") {
                    if (!readLevelArrays(sc, ev.bids)) return badField(what, "bids");
                    seen |= 1;
                } else if (key == "asks") {
                    if (!readLevelArrays(sc, ev.asks)) return badField(what, "asks");
                    seen |= 2;
                } else if (key == "ts") {
                    if (!sc.readInt(ev.timeMs)) return badField(what, "ts");
                } else if (key == "seqId") {
                    if (!sc.readInt(ev.seqId)) return badField(what, "seqId");
                    seen |= 4;
                } else if (key == "prevSeqId") {
                    if (!sc.readInt(ev.prevSeqId)) return badField(what, "prevSeqId");
                } else if (!sc.skipValue()) {
                    break;
                }
            }
            if (sc.failed()) return malformed(what, "not JSON");
            if ((seen & 3) != 3) return malformed(what, "missing bids or asks");
            if (ev.kind == EventKind::Quote) {
                if (ev.bids.empty() || ev.asks.empty()) return malformed(what, "an empty side");
                ev.quote = Quote{ev.timeMs, ev.bids[0].price, ev.bids[0].quantity, ev.asks[0].price, ev.asks[0].quantity};
            }
            ++n;
            break;
        }
        case EventKind::Ticker: {
            what = "tickers";
            Ticker24h& t = ev.ticker;
            t = Ticker24h{};
            Quantity bidSz, askSz;
            if (!sc.beginObject()) return malformed(what, "an entry is not an object");
            bool haveLast = false;
            while (sc.nextKey(key)) {
                bool ok = true;
                if (key == "last") ok = haveLast = readDec(sc, t.lastPrice, text);
                else if (key == "open24h") ok = readDec(sc, t.openPrice, text);
                else if (key == "high24h") ok = readDec(sc, t.highPrice, text);
                else if (key == "low24h") ok = readDec(sc, t.lowPrice, text);
                else if (key == "vol24h") ok = readDec(sc, t.volume, text);        // base for SPOT
                else if (key == "volCcy24h") ok = readDec(sc, t.quoteVolume, text);  // quote for SPOT
                else if (key == "bidPx") ok = readOptionalDec(sc, t.bid, text);
                else if (key == "askPx") ok = readOptionalDec(sc, t.ask, text);
                else if (key == "bidSz") ok = readOptionalDec(sc, bidSz, text);
                else if (key == "askSz") ok = readOptionalDec(sc, askSz, text);
                else if (key == "ts") ok = sc.readInt(t.timeMs);
                else ok = sc.skipValue();
                if (!ok || sc.failed()) return badField(what, std::string(key).c_str(), text);
            }
            if (!haveLast) return malformed(what, "missing last");
            ev.quote = Quote{t.timeMs, t.bid, bidSz, t.ask, askSz};
            ++n;
            break;
        }
        case EventKind::Candles: {
            what = "candle";
            if (!readCandleRow(sc, slot(ev.bars, n))) return malformed(what, "a row is not valid");
            ++n;
            break;
        }
        default:
            if (!sc.skipValue()) return malformed(what, "not JSON");
        }
    }
    if (sc.failed()) return malformed(what, "not JSON");
    if (ev.kind == EventKind::Trades) ev.trades.resize(n);
    if (ev.kind == EventKind::Candles) ev.bars.resize(n);
    if ((ev.kind == EventKind::Book || ev.kind == EventKind::Quote || ev.kind == EventKind::Ticker) && n != 1)
        return malformed(what, "expected exactly one entry in data");
    return {};
}

}  // namespace

std::optional<std::string_view> barFor(Timeframe tf) {
    for (const auto& b : kBars)
        if (b.tf == tf) return b.name;
    return std::nullopt;
}

std::optional<Timeframe> timeframeFor(std::string_view bar) {
    for (const auto& b : kBars)
        if (b.name == bar) return b.tf;
    return std::nullopt;
}

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
            if (!sc.beginObject()) return makeError("arg is not an object");
            std::string_view k;
            while (sc.nextKey(k)) {
                if (k == "channel") {
                    if (!sc.readString(ev.channel)) return makeError("bad channel");
                } else if (k == "instId") {
                    if (!sc.readString(ev.instId)) return makeError("bad instId");
                } else if (!sc.skipValue()) {
                    break;
                }
            }
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

std::string envelopeCode(std::string_view json) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return {};
    std::string_view key, code;
    while (sc.nextKey(key)) {
        if (key == "code") return sc.readNumberOrString(code) ? std::string(code) : std::string();
        if (!sc.skipValue()) return {};
    }
    return {};
}

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
    for (const QJsonValue& v : root.value(QLatin1String("data")).toArray()) {
        const QJsonObject o = v.toObject();
        Instrument i;
        i.id = InstrumentId{venue, o.value(QLatin1String("instId")).toString().toStdString()};
        i.baseAsset = o.value(QLatin1String("baseCcy")).toString().toStdString();
        i.quoteAsset = o.value(QLatin1String("quoteCcy")).toString().toStdString();
        const std::string tick = o.value(QLatin1String("tickSz")).toString().toStdString();
        const std::string lot = o.value(QLatin1String("lotSz")).toString().toStdString();
        if (!parseDecimalText(tick, i.tickSize)) return makeError("instruments " + i.id.symbol + ": tickSz \"" + tick + "\" is not a decimal");
        if (!parseDecimalText(lot, i.lotSize)) return makeError("instruments " + i.id.symbol + ": lotSz \"" + lot + "\" is not a decimal");
        // OKX lists no minimum notional for SPOT (minSz is a base quantity): left at zero.
        i.pricePrecision = stepPrecision(i.tickSize);
        i.quantityPrecision = stepPrecision(i.lotSize);
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::okx
