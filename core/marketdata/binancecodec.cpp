#include "marketdata/binancecodec.h"

#include "marketdata/detail/decimaltext.h"
#include "marketdata/detail/jsonscan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <charconv>

namespace kairos::marketdata::binance {

using detail::JsonScanner;

namespace {

Error bad(const char* what, const char* field, std::string_view text) {
    return makeError(std::string(what) + ": bad " + field + " \"" + std::string(text.substr(0, 40)) + "\"");
}
Error missing(const char* what, const char* fields) {
    return makeError(std::string(what) + ": missing field(s) " + fields);
}

template <class T>
bool readDec(JsonScanner& sc, T& out, std::string_view& text) {
    return sc.readNumberOrString(text) && detail::parseDecimalText(text, out);
}

void setId(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.assign(buf, static_cast<std::size_t>(r.ptr - buf));
}

// Reads [[price, qty], ...] into `out` (cleared first).
bool readLevels(JsonScanner& sc, std::vector<BookLevel>& out) {
    out.clear();
    if (!sc.beginArray()) return false;
    while (sc.nextElement()) {
        if (!sc.beginArray()) return false;
        BookLevel l;
        std::string_view t;
        if (!sc.nextElement() || !readDec(sc, l.price, t)) return sc.fail();
        if (!sc.nextElement() || !readDec(sc, l.quantity, t)) return sc.fail();
        // Futures append more fields in some formats; skip anything after the pair.
        while (sc.nextElement())
            if (!sc.skipValue()) return false;
        out.push_back(l);
    }
    return !sc.failed();
}

Status decodeTrade(JsonScanner& sc, Event& ev, bool aggregated) {
    const char* what = aggregated ? "aggTrade" : "trade";
    if (!sc.beginObject()) return makeError(std::string(what) + ": data is not an object");
    std::string_view key, t;
    unsigned seen = 0;
    while (sc.nextKey(key)) {
        if (key.size() != 1) {
            if (!sc.skipValue()) break;
            continue;
        }
        switch (key[0]) {
        case 's':
            if (!sc.readString(ev.symbol)) return bad(what, "symbol", {});
            seen |= 1;
            break;
        case 'p':
            if (!readDec(sc, ev.trade.price, t)) return bad(what, "price", t);
            seen |= 2;
            break;
        case 'q':
            if (!readDec(sc, ev.trade.quantity, t)) return bad(what, "quantity", t);
            seen |= 4;
            break;
        case 'T':
            if (!sc.readInt(ev.trade.timeMs)) return bad(what, "trade time", {});
            seen |= 8;
            break;
        case 'm': {
            bool buyerIsMaker = false;
            if (!sc.readBool(buyerIsMaker)) return bad(what, "maker flag", {});
            // The buyer is the maker: the taker sold.
            ev.trade.aggressor = buyerIsMaker ? Side::Sell : Side::Buy;
            seen |= 16;
            break;
        }
        case 't':
        case 'a': {
            if ((key[0] == 'a') != aggregated) {
                if (!sc.skipValue()) return makeError(std::string(what) + ": not JSON");
                break;
            }
            std::int64_t id = 0;
            if (!sc.readInt(id)) return bad(what, "trade id", {});
            setId(ev.trade.tradeId, id);
            seen |= 32;
            break;
        }
        case 'E':
            if (!sc.readInt(ev.eventTimeMs)) return bad(what, "event time", {});
            break;
        default:
            if (!sc.skipValue()) return makeError(std::string(what) + ": not JSON");
        }
    }
    if (sc.failed()) return makeError(std::string(what) + ": not JSON");
    if (seen != 63) return missing(what, "s, p, q, T, m and the trade id");
    return {};
}

Status decodeBookTicker(JsonScanner& sc, Event& ev) {
    const char* what = "bookTicker";
    if (!sc.beginObject()) return makeError("bookTicker: data is not an object");
    std::string_view key, t;
    unsigned seen = 0;
    ev.quote.timeMs = 0;
    while (sc.nextKey(key)) {
        if (key.size() != 1) {
            if (!sc.skipValue()) break;
            continue;
        }
        switch (key[0]) {
        case 's':
            if (!sc.readString(ev.symbol)) return bad(what, "symbol", {});
            seen |= 1;
            break;
        case 'b':
            if (!readDec(sc, ev.quote.bid, t)) return bad(what, "bid", t);
            seen |= 2;
            break;
        case 'B':
            if (!readDec(sc, ev.quote.bidSize, t)) return bad(what, "bid size", t);
            seen |= 4;
            break;
        case 'a':
            if (!readDec(sc, ev.quote.ask, t)) return bad(what, "ask", t);
            seen |= 8;
            break;
        case 'A':
            if (!readDec(sc, ev.quote.askSize, t)) return bad(what, "ask size", t);
            seen |= 16;
            break;
        case 'u':
            if (!sc.readInt(ev.bookUpdateId)) return bad(what, "update id", {});
            break;
        case 'T':
        case 'E':
            // Futures carry times; spot does not.
            if (!sc.readInt(ev.quote.timeMs)) return bad(what, "time", {});
            break;
        default:
            if (!sc.skipValue()) return makeError("bookTicker: not JSON");
        }
    }
    if (sc.failed()) return makeError("bookTicker: not JSON");
    if (seen != 31) return missing(what, "s, b, B, a, A");
    return {};
}

Status decodeTicker(JsonScanner& sc, Event& ev, bool mini) {
    const char* what = mini ? "miniTicker" : "24hrTicker";
    if (!sc.beginObject()) return makeError(std::string(what) + ": data is not an object");
    std::string_view key, t;
    unsigned seen = 0;
    ev.ticker = Ticker24h{};
    while (sc.nextKey(key)) {
        if (key.size() != 1) {
            if (!sc.skipValue()) break;
            continue;
        }
        switch (key[0]) {
        case 's':
            if (!sc.readString(ev.symbol)) return bad(what, "symbol", {});
            seen |= 1;
            break;
        case 'E':
            if (!sc.readInt(ev.ticker.timeMs)) return bad(what, "event time", {});
            ev.eventTimeMs = ev.ticker.timeMs;
            break;
        case 'c':
            if (!readDec(sc, ev.ticker.lastPrice, t)) return bad(what, "last price", t);
            seen |= 2;
            break;
        case 'o':
            if (!readDec(sc, ev.ticker.openPrice, t)) return bad(what, "open price", t);
            break;
        case 'h':
            if (!readDec(sc, ev.ticker.highPrice, t)) return bad(what, "high price", t);
            break;
        case 'l':
            if (!readDec(sc, ev.ticker.lowPrice, t)) return bad(what, "low price", t);
            break;
        case 'v':
            if (!readDec(sc, ev.ticker.volume, t)) return bad(what, "volume", t);
            break;
        case 'q':
            if (!readDec(sc, ev.ticker.quoteVolume, t)) return bad(what, "quote volume", t);
            break;
        case 'b':
            if (!readDec(sc, ev.ticker.bid, t)) return bad(what, "bid", t);
            break;
        case 'a':
            if (!readDec(sc, ev.ticker.ask, t)) return bad(what, "ask", t);
            break;
        default:
            if (!sc.skipValue()) return makeError(std::string(what) + ": not JSON");
        }
    }
    if (sc.failed()) return makeError(std::string(what) + ": not JSON");
    if (seen != 3) return missing(what, "s, c");
    return {};
}

Status decodeKlineBody(JsonScanner& sc, Event& ev) {
    const char* what = "kline";
    if (!sc.beginObject()) return makeError("kline: k is not an object");
    std::string_view key, t;
    unsigned seen = 0;
    Bar& b = ev.bar;
    b.tradeCount = 0;
    b.quoteVolume = Quantity{};
    while (sc.nextKey(key)) {
        if (key.size() != 1) {
            if (!sc.skipValue()) break;
            continue;
        }
        switch (key[0]) {
        case 't':
            if (!sc.readInt(b.openTimeMs)) return bad(what, "open time", {});
            seen |= 1;
            break;
        case 'i': {
            if (!sc.readString(t)) return bad(what, "interval", {});
            auto tf = parseTimeframe(t);
            if (!tf) return bad(what, "interval", t);
            ev.timeframe = *tf;
            seen |= 2;
            break;
        }
        case 'o':
            if (!readDec(sc, b.open, t)) return bad(what, "open", t);
            seen |= 4;
            break;
        case 'h':
            if (!readDec(sc, b.high, t)) return bad(what, "high", t);
            seen |= 8;
            break;
        case 'l':
            if (!readDec(sc, b.low, t)) return bad(what, "low", t);
            seen |= 16;
            break;
        case 'c':
            if (!readDec(sc, b.close, t)) return bad(what, "close", t);
            seen |= 32;
            break;
        case 'v':
            if (!readDec(sc, b.volume, t)) return bad(what, "volume", t);
            seen |= 64;
            break;
        case 'x':
            if (!sc.readBool(b.closed)) return bad(what, "closed flag", {});
            seen |= 128;
            break;
        case 'q':
            if (!readDec(sc, b.quoteVolume, t)) return bad(what, "quote volume", t);
            break;
        case 'n':
            if (!sc.readInt(b.tradeCount)) return bad(what, "trade count", {});
            break;
        case 's':
            if (ev.symbol.empty()) {
                if (!sc.readString(ev.symbol)) return bad(what, "symbol", {});
            } else if (!sc.skipValue()) {
                return makeError("kline: not JSON");
            }
            break;
        default:
            if (!sc.skipValue()) return makeError("kline: not JSON");
        }
    }
    if (sc.failed()) return makeError("kline: not JSON");
    if (seen != 255) return missing(what, "t, i, o, h, l, c, v, x");
    return {};
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

Status decodeDepth(JsonScanner& sc, Event& ev) {
    const char* what = "depthUpdate";
    if (!sc.beginObject()) return makeError("depthUpdate: data is not an object");
    std::string_view key;
    unsigned seen = 0;
    DepthEvent& d = ev.depth;
    d.prevFinalUpdateId = -1;
    d.bids.clear();
    d.asks.clear();
    while (sc.nextKey(key)) {
        if (key == "s") {
            if (!sc.readString(ev.symbol)) return bad(what, "symbol", {});
            seen |= 1;
        } else if (key == "U") {
            if (!sc.readInt(d.firstUpdateId)) return bad(what, "first update id", {});
            seen |= 2;
        } else if (key == "u") {
            if (!sc.readInt(d.finalUpdateId)) return bad(what, "final update id", {});
            seen |= 4;
        } else if (key == "pu") {
            if (!sc.readInt(d.prevFinalUpdateId)) return bad(what, "previous update id", {});
        } else if (key == "b") {
            if (!readLevels(sc, d.bids)) return bad(what, "bids", {});
            seen |= 8;
        } else if (key == "a") {
            if (!readLevels(sc, d.asks)) return bad(what, "asks", {});
            seen |= 16;
        } else if (key == "E") {
            if (!sc.readInt(d.eventTimeMs)) return bad(what, "event time", {});
            ev.eventTimeMs = d.eventTimeMs;
        } else if (!sc.skipValue()) {
            break;
        }
    }
    if (sc.failed()) return makeError("depthUpdate: not JSON");
    if (seen != 31) return missing(what, "s, U, u, b, a");
    if (d.finalUpdateId < d.firstUpdateId) return makeError("depthUpdate: final update id below the first");
    return {};
}

Status decodeData(JsonScanner& sc, EventKind kind, Event& ev) {
    ev.kind = kind;
    switch (kind) {
    case EventKind::Trade: return decodeTrade(sc, ev, false);
    case EventKind::AggTrade: return decodeTrade(sc, ev, true);
    case EventKind::BookTicker: return decodeBookTicker(sc, ev);
    case EventKind::Ticker: return decodeTicker(sc, ev, false);
    case EventKind::MiniTicker: return decodeTicker(sc, ev, true);
    case EventKind::Kline: return decodeKline(sc, ev);
    case EventKind::DepthUpdate: return decodeDepth(sc, ev);
    case EventKind::ServerShutdown:
        if (!sc.skipValue()) return makeError("serverShutdown: not JSON");
        return {};
    default:
        if (!sc.skipValue()) return makeError("not JSON");
        return {};
    }
}

EventKind kindFromEventType(std::string_view e) {
    if (e == "trade") return EventKind::Trade;
    if (e == "aggTrade") return EventKind::AggTrade;
    if (e == "24hrTicker") return EventKind::Ticker;
    if (e == "24hrMiniTicker") return EventKind::MiniTicker;
    if (e == "kline") return EventKind::Kline;
    if (e == "depthUpdate") return EventKind::DepthUpdate;
    if (e == "bookTicker") return EventKind::BookTicker;
    if (e == "serverShutdown") return EventKind::ServerShutdown;
    return EventKind::Unknown;
}

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
            if (key == "u") hasU = true;
            else if (key == "b") hasB = true;
            else if (key == "A") hasA = true;
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
    const auto at = stream.find('@');
    if (at == std::string_view::npos) return stream == "!serverShutdown" ? EventKind::ServerShutdown : EventKind::Unknown;
    std::string_view s = stream.substr(at + 1);
    switch (s.empty() ? 0 : s[0]) {
    case 't':
        if (s == "trade") return EventKind::Trade;
        if (s == "ticker") return EventKind::Ticker;
        break;
    case 'a':
        if (s == "aggTrade") return EventKind::AggTrade;
        break;
    case 'b':
        if (s == "bookTicker") return EventKind::BookTicker;
        break;
    case 'm':
        if (s == "miniTicker") return EventKind::MiniTicker;
        break;
    case 'k':
        if (s.substr(0, 6) == "kline_") return EventKind::Kline;
        break;
    case 'd':
        if (s == "depth" || s == "depth@100ms" || s == "depth@1000ms") return EventKind::DepthUpdate;
        break;
    default: break;
    }
    return EventKind::Unknown;
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
            if (!sc.beginObject()) return makeError("control reply: bad error");
            std::string_view k;
            while (sc.nextKey(k)) {
                if (k == "code") {
                    if (!sc.readInt(ev.errorCode)) return makeError("control reply: bad error code");
                } else if (k == "msg") {
                    if (!sc.readString(ev.errorMessage)) return makeError("control reply: bad error message");
                } else if (!sc.skipValue()) {
                    break;
                }
            }
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
        if (!sc.beginArray()) return makeError("klines: a row is not an array");
        Bar b;
        std::string_view t;
        int col = 0;
        while (sc.nextElement()) {
            bool ok = true;
            switch (col) {
            case 0: ok = sc.readInt(b.openTimeMs); break;
            case 1: ok = readDec(sc, b.open, t); break;
            case 2: ok = readDec(sc, b.high, t); break;
            case 3: ok = readDec(sc, b.low, t); break;
            case 4: ok = readDec(sc, b.close, t); break;
            case 5: ok = readDec(sc, b.volume, t); break;
            case 7: ok = readDec(sc, b.quoteVolume, t); break;
            case 8: ok = sc.readInt(b.tradeCount); break;
            default: ok = sc.skipValue(); break;
            }
            if (!ok) return makeError("klines: row " + std::to_string(bars.size()) + " column " + std::to_string(col) + " is not valid");
            ++col;
        }
        if (col < 6) return makeError("klines: row " + std::to_string(bars.size()) + " has " + std::to_string(col) + " columns");
        b.closed = true;
        bars.push_back(std::move(b));
    }
    if (sc.failed() || !sc.atEnd()) return makeError("klines: the response is not valid JSON");
    return bars;
}

Result<DepthSnapshot> parseDepthSnapshot(std::string_view json) {
    JsonScanner sc(json);
    DepthSnapshot d;
    if (!sc.beginObject()) return makeError("depth: the response is not an object");
    std::string_view key;
    unsigned seen = 0;
    while (sc.nextKey(key)) {
        if (key == "lastUpdateId") {
            if (!sc.readInt(d.lastUpdateId)) return makeError("depth: bad lastUpdateId");
            seen |= 1;
        } else if (key == "bids") {
            if (!readLevels(sc, d.bids)) return makeError("depth: bad bids");
            seen |= 2;
        } else if (key == "asks") {
            if (!readLevels(sc, d.asks)) return makeError("depth: bad asks");
            seen |= 4;
        } else if (!sc.skipValue()) {
            break;
        }
    }
    if (sc.failed()) return makeError("depth: the response is not valid JSON");
    if (seen != 7) return makeError("depth: missing lastUpdateId, bids or asks");
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
    for (const QJsonValue& rl : root.value(QLatin1String("rateLimits")).toArray()) {
        const QJsonObject o = rl.toObject();
        if (o.value(QLatin1String("rateLimitType")).toString() != QLatin1String("REQUEST_WEIGHT")) continue;
        const QString interval = o.value(QLatin1String("interval")).toString();
        const int num = o.value(QLatin1String("intervalNum")).toInt(1);
        const int limit = o.value(QLatin1String("limit")).toInt();
        if (interval == QLatin1String("MINUTE") && num == 1) info.requestWeightPerMinute = limit;
    }
    const QJsonArray symbols = root.value(QLatin1String("symbols")).toArray();
    info.instruments.reserve(static_cast<std::size_t>(symbols.size()));
    for (const QJsonValue& sv : symbols) {
        const QJsonObject s = sv.toObject();
        Instrument inst;
        inst.id.venue = venue;
        inst.id.symbol = s.value(QLatin1String("symbol")).toString().toStdString();
        if (inst.id.symbol.empty()) return makeError("exchangeInfo: a symbol entry has no \"symbol\"");
        inst.baseAsset = s.value(QLatin1String("baseAsset")).toString().toStdString();
        inst.quoteAsset = s.value(QLatin1String("quoteAsset")).toString().toStdString();
        inst.pricePrecision = s.value(QLatin1String("quoteAssetPrecision")).toInt(s.value(QLatin1String("quotePrecision")).toInt(8));
        inst.quantityPrecision = s.value(QLatin1String("baseAssetPrecision")).toInt(8);
        for (const QJsonValue& fv : s.value(QLatin1String("filters")).toArray()) {
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
            return QStringLiteral("code %1: %2").arg(o.value(QLatin1String("code")).toInt()).arg(o.value(QLatin1String("msg")).toString());
    }
    QString t = QString::fromUtf8(body.left(200)).simplified();
    if (body.size() > 200) t += QStringLiteral("...");
    return t;
}

}  // namespace kairos::marketdata::binance
