#include "marketdata/krakencodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace kairos::marketdata::kraken {

using namespace kairos::marketdata::detail;

namespace {

constexpr std::pair<Timeframe, int> kIntervals[] = {
    {Timeframe::M1, 1}, {Timeframe::M5, 5}, {Timeframe::M15, 15}, {Timeframe::M30, 30},
    {Timeframe::H1, 60}, {Timeframe::H4, 240}, {Timeframe::D1, 1440},
};

bool readTime(JsonScanner& sc, std::int64_t& ms) {
    std::string_view t;
    return sc.readString(t) && parseRfc3339Ms(t, ms);
}

/// [{"price": p, "qty": q}, ...]
bool readLevelObjects(JsonScanner& sc, std::vector<BookLevel>& out) {
    out.clear();
    if (!sc.beginArray()) return false;
    while (sc.nextElement()) {
        if (!sc.beginObject()) return false;
        BookLevel l;
        unsigned seen = 0;
        std::string_view key;
        while (sc.nextKey(key)) {
            if (key == "price") {
                if (!readDec(sc, l.price)) return sc.fail();
                seen |= 1;
            } else if (key == "qty") {
                if (!readDec(sc, l.quantity)) return sc.fail();
                seen |= 2;
            } else if (!sc.skipValue()) {
                return false;
            }
        }
        if (seen != 3) return sc.fail();
        out.push_back(l);
    }
    return !sc.failed();
}

Status decodeItems(JsonScanner& sc, Event& ev, std::string_view channel) {
    const std::string what(channel);
    std::size_t n = 0;
    std::string_view key, text;
    auto bad = [&](std::string_view field) { return badField(what.c_str(), std::string(field).c_str(), text); };
    if (ev.kind == EventKind::Instruments) {
        // {"assets": [...], "pairs": [...]}
        if (!sc.beginObject()) return malformed(what.c_str(), "data is not an object");
        while (sc.nextKey(key)) {
            if (key != "pairs") {
                if (!sc.skipValue()) break;
                continue;
            }
            if (!sc.beginArray()) return malformed(what.c_str(), "pairs is not an array");
            while (sc.nextElement()) {
                PairInfo& p = slot(ev.pairs, n);
                p = PairInfo{};
                if (!sc.beginObject()) return malformed(what.c_str(), "a pair is not an object");
                std::string_view k;
                while (sc.nextKey(k)) {
                    std::int64_t v = 0;
                    if (k == "symbol") {
                        if (!sc.readString(p.symbol)) return bad(k);
                    } else if (k == "price_precision") {
                        if (!sc.readInt(v)) return bad(k);
                        p.pricePrecision = static_cast<int>(v);
                    } else if (k == "qty_precision") {
                        if (!sc.readInt(v)) return bad(k);
                        p.qtyPrecision = static_cast<int>(v);
                    } else if (!sc.skipValue()) {
                        break;
                    }
                }
                ++n;
            }
        }
        if (sc.failed()) return malformed(what.c_str(), "not JSON");
        ev.pairs.resize(n);
        return {};
    }
    if (!sc.beginArray()) return malformed(what.c_str(), "data is not an array");
    while (sc.nextElement()) {
        if (!sc.beginObject()) return malformed(what.c_str(), "an entry is not an object");
        switch (ev.kind) {
        case EventKind::Trades: {
            Trade& t = slot(ev.trades, n);
            std::string_view& sym = slot(ev.tradeSymbols, n);
            unsigned seen = 0;
            while (sc.nextKey(key)) {
                bool ok = true;
                if (key == "symbol") ok = sc.readString(sym), seen |= 1;
                else if (key == "price") ok = readDec(sc, t.price, text), seen |= 2;
                else if (key == "qty") ok = readDec(sc, t.quantity, text), seen |= 4;
                else if (key == "timestamp") ok = readTime(sc, t.timeMs), seen |= 8;
                else if (key == "trade_id") {
                    std::int64_t id = 0;
                    ok = sc.readInt(id);
                    setId(t.tradeId, id);
                    seen |= 16;
                } else if (key == "side") {
                    ok = sc.readString(text);
                    if (text == "buy") t.aggressor = Side::Buy;  // taker side
                    else if (text == "sell") t.aggressor = Side::Sell;
                    else ok = false;
                    seen |= 32;
                } else {
                    ok = sc.skipValue();
                }
                if (!ok) return bad(key);
            }
            if (seen != 63) return malformed(what.c_str(), "missing field(s) symbol, price, qty, timestamp, trade_id, side");
            break;
        }
        case EventKind::Tickers: {
            TickerItem& it = slot(ev.tickers, n);
            it = TickerItem{};
            Price change;
            bool haveChange = false, haveLast = false;
            while (sc.nextKey(key)) {
                bool ok = true;
                if (key == "symbol") ok = sc.readString(it.symbol);
                else if (key == "bid") ok = readDec(sc, it.quote.bid, text);
                else if (key == "bid_qty") ok = readDec(sc, it.quote.bidSize, text);
                else if (key == "ask") ok = readDec(sc, it.quote.ask, text);
                else if (key == "ask_qty") ok = readDec(sc, it.quote.askSize, text);
                else if (key == "last") ok = haveLast = readDec(sc, it.ticker.lastPrice, text);
                else if (key == "volume") ok = readDec(sc, it.ticker.volume, text);
                else if (key == "low") ok = readDec(sc, it.ticker.lowPrice, text);
                else if (key == "high") ok = readDec(sc, it.ticker.highPrice, text);
                else if (key == "change") ok = haveChange = readDec(sc, change, text);
                else if (key == "timestamp") ok = readTime(sc, it.quote.timeMs);
                else ok = sc.skipValue();
                if (!ok) return bad(key);
            }
            if (it.symbol.empty() || !haveLast) return malformed(what.c_str(), "missing symbol or last");
            // The 24 h open is last - change, exactly.
            if (haveChange)
                if (auto open = it.ticker.lastPrice.sub(change)) it.ticker.openPrice = *open;
            it.ticker.bid = it.quote.bid;
            it.ticker.ask = it.quote.ask;
            it.ticker.timeMs = it.quote.timeMs;
            break;
        }
        case EventKind::Ohlc: {
            BarItem& b = slot(ev.bars, n);
            b = BarItem{};
            unsigned seen = 0;
            while (sc.nextKey(key)) {
                bool ok = true;
                std::int64_t v = 0;
                if (key == "symbol") ok = sc.readString(b.symbol), seen |= 1;
                else if (key == "open") ok = readDec(sc, b.bar.open, text), seen |= 2;
                else if (key == "high") ok = readDec(sc, b.bar.high, text), seen |= 4;
                else if (key == "low") ok = readDec(sc, b.bar.low, text), seen |= 8;
                else if (key == "close") ok = readDec(sc, b.bar.close, text), seen |= 16;
                else if (key == "volume") ok = readDec(sc, b.bar.volume, text), seen |= 32;
                else if (key == "trades") ok = sc.readInt(b.bar.tradeCount);
                // "timestamp" is the interval end in the docs example despite its description.
                else if (key == "interval_begin") ok = readTime(sc, b.bar.openTimeMs), seen |= 64;
                else if (key == "interval") {
                    ok = sc.readInt(v);
                    auto tf = timeframeFor(static_cast<int>(v));
                    if (!tf) return badField(what.c_str(), "interval");
                    b.timeframe = *tf;
                    seen |= 128;
                } else {
                    ok = sc.skipValue();
                }
                if (!ok) return bad(key);
            }
            if (seen != 255) return malformed(what.c_str(), "missing field(s) symbol, open, high, low, close, volume, interval_begin, interval");
            b.bar.closed = false;
            break;
        }
        case EventKind::Book: {
            if (n > 0) return malformed(what.c_str(), "more than one book in a message");
            while (sc.nextKey(key)) {
                bool ok = true;
                if (key == "symbol") ok = sc.readString(ev.symbol);
                else if (key == "bids") ok = readLevelObjects(sc, ev.bids);
                else if (key == "asks") ok = readLevelObjects(sc, ev.asks);
                else if (key == "timestamp") ok = readTime(sc, ev.timeMs);
                else if (key == "checksum") {
                    std::int64_t c = 0;
                    ok = sc.readInt(c) && c >= 0 && c <= 0xFFFFFFFFLL;
                    ev.checksum = static_cast<std::uint32_t>(c);
                    ev.hasChecksum = true;
                } else {
                    ok = sc.skipValue();
                }
                if (!ok) return bad(key);
            }
            if (ev.symbol.empty()) return malformed(what.c_str(), "missing symbol");
            break;
        }
        default:
            while (sc.nextKey(key))
                if (!sc.skipValue()) break;
        }
        if (sc.failed()) return malformed(what.c_str(), "not JSON");
        ++n;
    }
    if (sc.failed()) return malformed(what.c_str(), "not JSON");
    if (ev.kind == EventKind::Trades) {
        ev.trades.resize(n);
        ev.tradeSymbols.resize(n);
    }
    if (ev.kind == EventKind::Tickers) ev.tickers.resize(n);
    if (ev.kind == EventKind::Ohlc) ev.bars.resize(n);
    return {};
}

EventKind channelKind(std::string_view ch) {
    if (ch == "trade") return EventKind::Trades;
    if (ch == "ticker") return EventKind::Tickers;
    if (ch == "ohlc") return EventKind::Ohlc;
    if (ch == "book") return EventKind::Book;
    if (ch == "instrument") return EventKind::Instruments;
    if (ch == "heartbeat") return EventKind::Heartbeat;
    if (ch == "status") return EventKind::Status;
    return EventKind::Unknown;
}

const std::array<std::uint32_t, 256>& crcTable() {
    static const std::array<std::uint32_t, 256> t = [] {
        std::array<std::uint32_t, 256> table{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }();
    return t;
}

template <class T>
void appendLevelText(std::string& out, const T& v, int precision) {
    auto r = v.rescaled(precision, RoundingMode::HalfEven);
    std::string s = r ? r->toString() : v.toString();
    std::size_t i = 0;
    std::string digits;
    for (char c : s)
        if (c != '.') digits += c;
    while (i + 1 < digits.size() && digits[i] == '0') ++i;
    out.append(digits, i, std::string::npos);
}

}  // namespace

std::optional<int> intervalFor(Timeframe tf) {
    for (const auto& [t, m] : kIntervals)
        if (t == tf) return m;
    return std::nullopt;
}

std::optional<Timeframe> timeframeFor(int minutes) {
    for (const auto& [t, m] : kIntervals)
        if (m == minutes) return t;
    return std::nullopt;
}

std::uint32_t crc32(std::string_view data) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) c = crcTable()[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

std::uint32_t bookChecksum(const OrderBook& book, int pricePrecision, int qtyPrecision) {
    std::string s;
    int n = 0;
    for (auto it = book.asks().begin(); it != book.asks().end() && n < 10; ++it, ++n) {
        appendLevelText(s, it->first, pricePrecision);
        appendLevelText(s, it->second, qtyPrecision);
    }
    n = 0;
    for (auto it = book.bids().begin(); it != book.bids().end() && n < 10; ++it, ++n) {
        appendLevelText(s, it->first, pricePrecision);
        appendLevelText(s, it->second, qtyPrecision);
    }
    return crc32(s);
}

Status decode(std::string_view json, Event& ev) {
    ev.kind = EventKind::Unknown;
    ev.snapshot = false;
    ev.symbol = {};
    ev.bids.clear();
    ev.asks.clear();
    ev.hasChecksum = false;
    ev.checksum = 0;
    ev.timeMs = 0;
    ev.method = {};
    ev.error = {};
    ev.system = {};
    ev.success = false;
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("not a JSON object");
    std::string_view key, channel, deferred, text;
    bool haveMethod = false;
    while (sc.nextKey(key)) {
        if (key == "channel") {
            if (!sc.readString(channel)) return makeError("bad channel");
            ev.kind = channelKind(channel);
        } else if (key == "type") {
            if (!sc.readString(text)) return makeError("bad type");
            ev.snapshot = text == "snapshot";
        } else if (key == "data") {
            if (ev.kind != EventKind::Unknown && ev.kind != EventKind::Status) {
                if (auto st = decodeItems(sc, ev, channel); !st) return st;
            } else if (!sc.readRaw(deferred)) {
                return makeError("not JSON");
            }
        } else if (key == "method") {
            if (!sc.readString(ev.method)) return makeError("bad method");
            haveMethod = true;
        } else if (key == "success") {
            if (!sc.readBool(ev.success)) return makeError("bad success flag");
        } else if (key == "error") {
            if (!sc.readString(ev.error)) return makeError("bad error");
        } else if (!sc.skipValue()) {
            return makeError("not JSON");
        }
    }
    if (sc.failed() || !sc.atEnd()) return makeError("not JSON");
    if (haveMethod && channel.empty()) {
        ev.kind = ev.method == "pong" ? EventKind::Pong : EventKind::Ack;
        return {};
    }
    if (!deferred.empty()) {
        if (ev.kind == EventKind::Status) {
            // [{"system": "online", "connection_id": <uint64>, ...}]: the id does not fit int64, so
            // only the system state is read.
            JsonScanner ds(deferred);
            if (ds.beginArray() && ds.nextElement() && ds.beginObject()) {
                std::string_view k;
                while (ds.nextKey(k)) {
                    if (k == "system") {
                        if (!ds.readString(ev.system)) break;
                    } else if (!ds.skipValue()) {
                        break;
                    }
                }
            }
            if (ds.failed()) return makeError("status: not JSON");
        } else if (ev.kind != EventKind::Unknown) {
            JsonScanner ds(deferred);
            if (auto st = decodeItems(ds, ev, channel); !st) return st;
        }
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// REST

std::string restErrors(std::string_view json) {
    JsonScanner sc(json);
    if (!sc.beginObject()) return {};
    std::string_view key, e;
    std::string out;
    while (sc.nextKey(key)) {
        if (key == "error" && sc.peekType() == '[') {
            sc.beginArray();
            while (sc.nextElement()) {
                if (!sc.readString(e)) return out;
                if (!out.empty()) out += "; ";
                out.append(e);
            }
        } else if (!sc.skipValue()) {
            break;
        }
    }
    return out;
}

Result<std::vector<Bar>> parseOhlc(std::string_view json, std::int64_t* last) {
    if (auto e = restErrors(json); !e.empty()) return makeError("OHLC: " + e);
    JsonScanner sc(json);
    if (!sc.beginObject()) return makeError("OHLC: the response is not an object");
    std::string_view key;
    std::vector<Bar> bars;
    bool haveRows = false;
    while (sc.nextKey(key)) {
        if (key != "result") {
            if (!sc.skipValue()) break;
            continue;
        }
        if (!sc.beginObject()) return makeError("OHLC: result is not an object");
        std::string_view k;
        while (sc.nextKey(k)) {
            if (k == "last") {
                std::int64_t l = 0;
                if (!sc.readInt(l)) return makeError("OHLC: bad last");
                if (last) *last = l;
                continue;
            }
            if (haveRows || sc.peekType() != '[') {
                if (!sc.skipValue()) break;
                continue;
            }
            haveRows = true;
            sc.beginArray();
            while (sc.nextElement()) {
                using enum BarColumn;
                Bar b;
                // Column 5 is the vwap.
                const int bad = readBarRow(sc, {OpenSec, Open, High, Low, Close, Skip, Volume, TradeCount}, b);
                if (bad >= 0) return makeError("OHLC: row " + std::to_string(bars.size()) + " column " + std::to_string(bad) + " is not valid");
                bars.push_back(b);
            }
        }
    }
    if (sc.failed()) return makeError("OHLC: the response is not valid JSON");
    if (!haveRows) return makeError("OHLC: no rows in result");
    return bars;
}

namespace {
std::string v2Asset(std::string a) {
    if (a == "XBT") return "BTC";
    if (a == "XDG") return "DOGE";
    return a;
}
}  // namespace

std::string restPairGuess(const std::string& wsSymbol) {
    std::string s;
    const auto slash = wsSymbol.find('/');
    std::string base = wsSymbol.substr(0, slash), quote = slash == std::string::npos ? "" : wsSymbol.substr(slash + 1);
    auto v1 = [](const std::string& a) { return a == "BTC" ? std::string("XBT") : a == "DOGE" ? std::string("XDG") : a; };
    return v1(base) + v1(quote);
}

Result<std::vector<Instrument>> parseAssetPairs(const QByteArray& json, std::vector<std::string>* altnames, const std::string& venue) {
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    if (root.isEmpty()) return makeError("AssetPairs: the response is not a JSON object");
    const QJsonArray errs = root.value(QLatin1String("error")).toArray();
    if (!errs.isEmpty()) return makeError("AssetPairs: " + errs.first().toString().toStdString());
    std::vector<Instrument> out;
    const QJsonObject result = root.value(QLatin1String("result")).toObject();
    for (auto it = result.begin(); it != result.end(); ++it) {
        const QJsonObject p = it.value().toObject();
        const QString wsname = p.value(QLatin1String("wsname")).toString();
        const qsizetype slash = wsname.indexOf(QLatin1Char('/'));
        if (slash < 0) continue;  // dark-pool and other pairs without a WebSocket name
        Instrument i;
        i.baseAsset = v2Asset(wsname.left(slash).toStdString());
        i.quoteAsset = v2Asset(wsname.mid(slash + 1).toStdString());
        i.id = InstrumentId{venue, i.baseAsset + "/" + i.quoteAsset};
        i.pricePrecision = p.value(QLatin1String("pair_decimals")).toInt();
        i.quantityPrecision = p.value(QLatin1String("lot_decimals")).toInt();
        i.lotSize = Quantity::fromRaw(1, i.quantityPrecision);
        const QJsonValue tick = p.value(QLatin1String("tick_size"));
        if (tick.isString() && !parseDecimalText(tick.toString().toStdString(), i.tickSize))
            return makeError("AssetPairs " + it.key().toStdString() + ": bad tick_size");
        if (!tick.isString()) i.tickSize = Price::fromRaw(1, i.pricePrecision);
        const QJsonValue costmin = p.value(QLatin1String("costmin"));
        if (costmin.isString() && !parseDecimalText(costmin.toString().toStdString(), i.minNotional))
            return makeError("AssetPairs " + it.key().toStdString() + ": bad costmin");
        if (altnames) altnames->push_back(p.value(QLatin1String("altname")).toString().toStdString());
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::kraken
