#include "marketdata/bybitcodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::bybit {

using namespace kairos::marketdata::detail;

namespace {

struct IntervalName {
    Timeframe tf;
    std::string_view name;
};
constexpr IntervalName kIntervals[] = {
    {Timeframe::M1, "1"},   {Timeframe::M3, "3"},    {Timeframe::M5, "5"},    {Timeframe::M15, "15"}, {Timeframe::M30, "30"},
    {Timeframe::H1, "60"},  {Timeframe::H2, "120"},  {Timeframe::H4, "240"},  {Timeframe::H6, "360"}, {Timeframe::H12, "720"},
    {Timeframe::D1, "D"},   {Timeframe::W1, "W"},    {Timeframe::MN1, "M"},
};

EventKind topicKind(std::string_view topic, Event& ev) {
    const auto lastDot = topic.rfind('.');
    if (lastDot == std::string_view::npos) return EventKind::Unknown;
    ev.symbol = topic.substr(lastDot + 1);
    const auto firstDot = topic.find('.');
    const std::string_view head = topic.substr(0, firstDot);
    const std::string_view mid = firstDot < lastDot ? topic.substr(firstDot + 1, lastDot - firstDot - 1) : std::string_view{};
    if (head == "publicTrade") return EventKind::Trades;
    if (head == "tickers") return EventKind::Ticker;
    if (head == "orderbook") {
        std::int64_t d = 0;
        if (!JsonScanner::parseInt(mid, d)) return EventKind::Unknown;
        ev.bookDepth = static_cast<int>(d);
        return EventKind::Book;
    }
    if (head == "kline") {
        auto tf = timeframeFor(mid);
        if (!tf) return EventKind::Unknown;
        ev.timeframe = *tf;
        return EventKind::Kline;
    }
    return EventKind::Unknown;
}

Status decodeTrades(JsonScanner& sc, Event& ev) {
    const char* what = "publicTrade";
    if (!sc.beginArray()) return malformed(what, "data is not an array");
    std::size_t n = 0;
    while (sc.nextElement()) {
        Trade& t = slot(ev.trades, n);
        if (!sc.beginObject()) return malformed(what, "a trade is not an object");
        std::string_view key, text;
        unsigned seen = 0;
        while (sc.nextKey(key)) {
            if (key == "p") {
                if (!readDec(sc, t.price, text)) return badField(what, "price", text);
                seen |= 1;
            } else if (key == "v") {
                if (!readDec(sc, t.quantity, text)) return badField(what, "size", text);
                seen |= 2;
            } else if (key == "T") {
                if (!sc.readInt(t.timeMs)) return badField(what, "time");
                seen |= 4;
            } else if (key == "S") {
                if (!sc.readString(text)) return badField(what, "side");
                if (text == "Buy") t.aggressor = Side::Buy;  // taker side
                else if (text == "Sell") t.aggressor = Side::Sell;
                else return badField(what, "side", text);
                seen |= 8;
            } else if (key == "i") {
                if (!sc.readNumberOrString(text)) return badField(what, "trade id");
                t.tradeId.assign(text.data(), text.size());
                seen |= 16;
            } else if (!sc.skipValue()) {
                break;
            }
        }
        if (sc.failed()) return malformed(what, "not JSON");
        if (seen != 31) return malformed(what, "missing field(s) p, v, T, S, i");
        ++n;
    }
    if (sc.failed()) return malformed(what, "not JSON");
    ev.trades.resize(n);
    return {};
}

Status decodeBook(JsonScanner& sc, Event& ev) {
    const char* what = "orderbook";
    if (!sc.beginObject()) return malformed(what, "data is not an object");
    std::string_view key;
    unsigned seen = 0;
    while (sc.nextKey(key)) {
        if (key == "b") {
            if (!readLevelArrays(sc, ev.bids)) return badField(what, "bids");
            seen |= 1;
        } else if (key == "a") {
            if (!readLevelArrays(sc, ev.asks)) return badField(what, "asks");
            seen |= 2;
        } else if (key == "u") {
            if (!sc.readInt(ev.updateId)) return badField(what, "update id");
            seen |= 4;
        } else if (key == "seq") {
            if (!sc.readInt(ev.crossSeq)) return badField(what, "seq");
        } else if (!sc.skipValue()) {
            break;
        }
    }
    if (sc.failed()) return malformed(what, "not JSON");
    if (seen != 7) return malformed(what, "missing field(s) b, a, u");
    return {};
}

Status decodeTicker(JsonScanner& sc, Event& ev) {
    const char* what = "tickers";
    if (!sc.beginObject()) return malformed(what, "data is not an object");
    std::string_view key, text;
    Ticker24h& t = ev.ticker;
    t = Ticker24h{};
    bool haveLast = false;
    while (sc.nextKey(key)) {
        bool ok = true;
        if (key == "lastPrice") ok = haveLast = readDec(sc, t.lastPrice, text);
        else if (key == "prevPrice24h") ok = readDec(sc, t.openPrice, text);
        else if (key == "highPrice24h") ok = readDec(sc, t.highPrice, text);
        else if (key == "lowPrice24h") ok = readDec(sc, t.lowPrice, text);
        else if (key == "volume24h") ok = readDec(sc, t.volume, text);
        else if (key == "turnover24h") ok = readDec(sc, t.quoteVolume, text);
        else if (key == "bid1Price") ok = readDec(sc, t.bid, text);
        else if (key == "ask1Price") ok = readDec(sc, t.ask, text);
        else ok = sc.skipValue();
        if (!ok) return sc.failed() && text.empty() ? malformed(what, "not JSON") : badField(what, std::string(key).c_str(), text);
    }
    if (sc.failed()) return malformed(what, "not JSON");
    if (!haveLast) return malformed(what, "missing lastPrice");
    return {};
}

Status decodeKlines(JsonScanner& sc, Event& ev) {
    const char* what = "kline";
    if (!sc.beginArray()) return malformed(what, "data is not an array");
    std::size_t n = 0;
    while (sc.nextElement()) {
        Bar& b = slot(ev.bars, n);
        b = Bar{};
        if (!sc.beginObject()) return malformed(what, "a bar is not an object");
        std::string_view key, text;
        unsigned seen = 0;
        while (sc.nextKey(key)) {
            bool ok = true;
            if (key == "start") ok = sc.readInt(b.openTimeMs), seen |= 1;
            else if (key == "open") ok = readDec(sc, b.open, text), seen |= 2;
            else if (key == "high") ok = readDec(sc, b.high, text), seen |= 4;
            else if (key == "low") ok = readDec(sc, b.low, text), seen |= 8;
            else if (key == "close") ok = readDec(sc, b.close, text), seen |= 16;
            else if (key == "volume") ok = readDec(sc, b.volume, text), seen |= 32;
            else if (key == "turnover") ok = readDec(sc, b.quoteVolume, text);
            else if (key == "confirm") ok = sc.readBool(b.closed), seen |= 64;
            else ok = sc.skipValue();
            if (!ok) return badField(what, std::string(key).c_str(), text);
        }
        if (sc.failed()) return malformed(what, "not JSON");
        if (seen != 127) return malformed(what, "missing field(s) start, open, high, low, close, volume, confirm");
        ++n;
    }
    if (sc.failed()) return malformed(what, "not JSON");
    ev.bars.resize(n);
    return {};
}

Status decodeData(JsonScanner& sc, Event& ev) {
    switch (ev.kind) {
    case EventKind::Trades: return decodeTrades(sc, ev);
    case EventKind::Book: return decodeBook(sc, ev);
    case EventKind::Ticker: return decodeTicker(sc, ev);
    case EventKind::Kline: return decodeKlines(sc, ev);
    default:
        if (!sc.skipValue()) return makeError("not JSON");
        return {};
    }
}

}  // namespace

std::optional<std::string_view> intervalFor(Timeframe tf) {
    for (const auto& i : kIntervals)
        if (i.tf == tf) return i.name;
    return std::nullopt;
}

std::optional<Timeframe> timeframeFor(std::string_view interval) {
    for (const auto& i : kIntervals)
        if (i.name == interval) return i.tf;
    return std::nullopt;
}

Status decode(std::string_view json, Event& ev) {
    ev.kind = EventKind::Unknown;
    ev.topic = {};
    ev.symbol = {};
    ev.timeMs = 0;
    ev.snapshot = false;
    ev.op = {};
    ev.message = {};
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("not a JSON object");
    std::string_view key, deferred, text;
    bool control = false;
    while (sc.nextKey(key)) {
        if (key == "topic") {
            if (!sc.readString(ev.topic)) return makeError("bad topic");
            ev.kind = topicKind(ev.topic, ev);
        } else if (key == "data") {
            if (!ev.topic.empty()) {
                if (auto st = decodeData(sc, ev); !st) return st;
            } else if (!sc.readRaw(deferred)) {
                return makeError("not JSON");
            }
        } else if (key == "type") {
            if (!sc.readString(text)) return makeError("bad type");
            ev.snapshot = text == "snapshot";
        } else if (key == "ts") {
            if (!sc.readInt(ev.timeMs)) return makeError("bad ts");
        } else if (key == "success") {
            control = true;
            if (!sc.readBool(ev.success)) return makeError("bad success flag");
        } else if (key == "op") {
            if (!sc.readString(ev.op)) return makeError("bad op");
        } else if (key == "ret_msg") {
            if (!sc.readString(ev.message)) return makeError("bad ret_msg");
        } else if (!sc.skipValue()) {
            return makeError("not JSON");
        }
    }
    if (sc.failed() || !sc.atEnd()) return makeError("not JSON");
    if (!deferred.empty() && ev.kind != EventKind::Unknown) {
        JsonScanner ds(deferred);
        if (auto st = decodeData(ds, ev); !st) return st;
    }
    if (control && ev.topic.empty()) ev.kind = EventKind::Control;
    if (ev.kind == EventKind::Book && ev.updateId == 1) ev.snapshot = true;  // service restart: a fresh book
    return {};
}

// ---------------------------------------------------------------------------------------------
// REST

std::optional<std::int64_t> retCode(std::string_view json) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return std::nullopt;
    std::string_view key;
    while (sc.nextKey(key)) {
        if (key == "retCode") {
            std::int64_t c = 0;
            if (!sc.readInt(c)) return std::nullopt;
            return c;
        }
        if (!sc.skipValue()) return std::nullopt;
    }
    return std::nullopt;
}

Result<std::vector<Bar>> parseKlines(std::string_view json) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("kline: the response is not an object");
    std::string_view key, retMsg;
    std::int64_t code = -1;
    std::vector<Bar> bars;
    bool haveList = false;
    while (sc.nextKey(key)) {
        if (key == "retCode") {
            if (!sc.readInt(code)) return makeError("kline: bad retCode");
        } else if (key == "retMsg") {
            if (!sc.readString(retMsg)) return makeError("kline: bad retMsg");
        } else if (key == "result") {
            if (sc.peekType() != '{') {
                if (!sc.skipValue()) break;
                continue;
            }
            sc.beginObject();
            std::string_view k;
            while (sc.nextKey(k)) {
                if (k != "list") {
                    if (!sc.skipValue()) break;
                    continue;
                }
                haveList = true;
                if (!sc.beginArray()) return makeError("kline: list is not an array");
                while (sc.nextElement()) {
                    if (!sc.beginArray()) return makeError("kline: a row is not an array");
                    Bar b;
                    int col = 0;
                    while (sc.nextElement()) {
                        bool ok = true;
                        switch (col) {
                        case 0: ok = sc.readInt(b.openTimeMs); break;
                        case 1: ok = readDec(sc, b.open); break;
                        case 2: ok = readDec(sc, b.high); break;
                        case 3: ok = readDec(sc, b.low); break;
                        case 4: ok = readDec(sc, b.close); break;
                        case 5: ok = readDec(sc, b.volume); break;
                        case 6: ok = readDec(sc, b.quoteVolume); break;
                        default: ok = sc.skipValue(); break;
                        }
                        if (!ok) return makeError("kline: row " + std::to_string(bars.size()) + " column " + std::to_string(col) + " is not valid");
                        ++col;
                    }
                    if (col < 6) return makeError("kline: a row has " + std::to_string(col) + " columns");
                    bars.push_back(b);
                }
            }
        } else if (!sc.skipValue()) {
            break;
        }
    }
    if (sc.failed()) return makeError("kline: the response is not valid JSON");
    if (code != 0) return makeError("kline: retCode " + std::to_string(code) + ": " + std::string(retMsg));
    if (!haveList) return makeError("kline: no result.list");
    return bars;
}

Result<std::vector<Instrument>> parseInstruments(const QByteArray& json, const std::string& venue) {
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    if (root.isEmpty()) return makeError("instruments-info: the response is not a JSON object");
    if (root.value(QLatin1String("retCode")).toInt(-1) != 0)
        return makeError("instruments-info: retCode " + std::to_string(root.value(QLatin1String("retCode")).toInt(-1)) + ": " +
                         root.value(QLatin1String("retMsg")).toString().toStdString());
    std::vector<Instrument> out;
    const QJsonArray list = root.value(QLatin1String("result")).toObject().value(QLatin1String("list")).toArray();
    auto dec = [](const QJsonValue& v, auto& target, const char* name, const std::string& sym) -> Status {
        if (v.isUndefined() || v.toString().isEmpty()) return {};
        if (!parseDecimalText(v.toString().toStdString(), target))
            return makeError("instruments-info " + sym + ": " + name + " \"" + v.toString().toStdString() + "\" is not a decimal");
        return {};
    };
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        Instrument i;
        i.id = InstrumentId{venue, o.value(QLatin1String("symbol")).toString().toStdString()};
        i.baseAsset = o.value(QLatin1String("baseCoin")).toString().toStdString();
        i.quoteAsset = o.value(QLatin1String("quoteCoin")).toString().toStdString();
        const QJsonObject pf = o.value(QLatin1String("priceFilter")).toObject();
        const QJsonObject lf = o.value(QLatin1String("lotSizeFilter")).toObject();
        if (auto st = dec(pf.value(QLatin1String("tickSize")), i.tickSize, "tickSize", i.id.symbol); !st) return st.error();
        // basePrecision is the quantity step for spot (EXCHANGES.md §2.1).
        if (auto st = dec(lf.value(QLatin1String("basePrecision")), i.lotSize, "basePrecision", i.id.symbol); !st) return st.error();
        if (auto st = dec(lf.value(QLatin1String("minOrderAmt")), i.minNotional, "minOrderAmt", i.id.symbol); !st) return st.error();
        i.pricePrecision = stepPrecision(i.tickSize);
        i.quantityPrecision = stepPrecision(i.lotSize);
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::bybit
