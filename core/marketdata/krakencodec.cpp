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
    {Timeframe::M1, 1},  {Timeframe::M5, 5},   {Timeframe::M15, 15},  {Timeframe::M30, 30},
    {Timeframe::H1, 60}, {Timeframe::H4, 240}, {Timeframe::D1, 1440},
};

bool readTime(JsonScanner& sc, std::int64_t& ms) {
    std::string_view t;
    return sc.readString(t) && parseRfc3339Ms(t, ms);
}

constexpr std::array<Field<BookLevel>, 2> kLevelFields{{
    {"price", "price", [](JsonScanner& sc, BookLevel& l, std::string_view& x) { return readDec(sc, l.price, x); }, true},
    {"qty", "qty", [](JsonScanner& sc, BookLevel& l, std::string_view& x) { return readDec(sc, l.quantity, x); }, true},
}};

/// [{"price": p, "qty": q}, ...]
bool readLevelObjects(JsonScanner& sc, std::vector<BookLevel>& out) {
    out.clear();
    if (!sc.beginArray()) return false;
    while (sc.nextElement()) {
        BookLevel l;
        if (!scanFields(sc, "book", kLevelFields, l).ok()) return sc.fail();
        out.push_back(l);
    }
    return !sc.failed();
}

struct TradeSlot {
    Trade* trade;
    std::string_view* symbol;
};
constexpr std::array<Field<TradeSlot>, 6> kTradeFields{{
    {"symbol", "symbol", [](JsonScanner& sc, TradeSlot& c, std::string_view&) { return sc.readString(*c.symbol); }, true},
    {"price", "price", [](JsonScanner& sc, TradeSlot& c, std::string_view& x) { return readDec(sc, c.trade->price, x); }, true},
    {"qty", "qty", [](JsonScanner& sc, TradeSlot& c, std::string_view& x) { return readDec(sc, c.trade->quantity, x); }, true},
    {"timestamp", "timestamp", [](JsonScanner& sc, TradeSlot& c, std::string_view&) { return readTime(sc, c.trade->timeMs); },
     true},
    {"trade_id", "trade_id",
     [](JsonScanner& sc, TradeSlot& c, std::string_view&) {
         std::int64_t id = 0;
         if (!sc.readInt(id)) return false;
         setId(c.trade->tradeId, id);
         return true;
     },
     true},
    {"side", "side",
     [](JsonScanner& sc, TradeSlot& c, std::string_view& x) {
         if (!sc.readString(x) || (x != "buy" && x != "sell")) return false;
         c.trade->aggressor = x == "buy" ? Side::Buy : Side::Sell;  // taker side
         return true;
     },
     true},
}};

struct TickerSlot {
    TickerItem* item = nullptr;
    Price change;
    bool haveChange = false;
};
constexpr std::array<Field<TickerSlot>, 11> kTickerFields{{
    {"symbol", "symbol", [](JsonScanner& sc, TickerSlot& c, std::string_view&) { return sc.readString(c.item->symbol); }, true},
    {"bid", "bid", [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->quote.bid, x); }},
    {"bid_qty", "bid_qty",
     [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->quote.bidSize, x); }},
    {"ask", "ask", [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->quote.ask, x); }},
    {"ask_qty", "ask_qty",
     [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->quote.askSize, x); }},
    {"last", "last", [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->ticker.lastPrice, x); },
     true},
    {"volume", "volume",
     [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->ticker.volume, x); }},
    {"low", "low", [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->ticker.lowPrice, x); }},
    {"high", "high",
     [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return readDec(sc, c.item->ticker.highPrice, x); }},
    {"change", "change",
     [](JsonScanner& sc, TickerSlot& c, std::string_view& x) { return c.haveChange = readDec(sc, c.change, x); }},
    {"timestamp", "timestamp",
     [](JsonScanner& sc, TickerSlot& c, std::string_view&) { return readTime(sc, c.item->quote.timeMs); }},
}};

// "timestamp" is the interval end in the docs example despite its description: interval_begin.
constexpr std::array<Field<BarItem>, 9> kOhlcFields{{
    {"symbol", "symbol", [](JsonScanner& sc, BarItem& b, std::string_view&) { return sc.readString(b.symbol); }, true},
    {"open", "open", [](JsonScanner& sc, BarItem& b, std::string_view& x) { return readDec(sc, b.bar.open, x); }, true},
    {"high", "high", [](JsonScanner& sc, BarItem& b, std::string_view& x) { return readDec(sc, b.bar.high, x); }, true},
    {"low", "low", [](JsonScanner& sc, BarItem& b, std::string_view& x) { return readDec(sc, b.bar.low, x); }, true},
    {"close", "close", [](JsonScanner& sc, BarItem& b, std::string_view& x) { return readDec(sc, b.bar.close, x); }, true},
    {"volume", "volume", [](JsonScanner& sc, BarItem& b, std::string_view& x) { return readDec(sc, b.bar.volume, x); }, true},
    {"trades", "trades", [](JsonScanner& sc, BarItem& b, std::string_view&) { return sc.readInt(b.bar.tradeCount); }},
    {"interval_begin", "interval_begin",
     [](JsonScanner& sc, BarItem& b, std::string_view&) { return readTime(sc, b.bar.openTimeMs); }, true},
    {"interval", "interval",
     [](JsonScanner& sc, BarItem& b, std::string_view&) {
         std::int64_t v = 0;
         if (!sc.readInt(v)) return false;
         auto tf = timeframeFor(static_cast<int>(v));
         if (tf) b.timeframe = *tf;
         return tf.has_value();
     },
     true},
}};

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
        switch (ev.kind) {
        case EventKind::Trades: {
            TradeSlot ctx{&slot(ev.trades, n), &slot(ev.tradeSymbols, n)};
            if (auto st = scanFields(sc, what.c_str(), kTradeFields, ctx); !st) return st;
            break;
        }
        case EventKind::Tickers: {
            TickerSlot ctx{&slot(ev.tickers, n), Price{}, false};
            TickerItem& it = *ctx.item;
            it = TickerItem{};
            if (auto st = scanFields(sc, what.c_str(), kTickerFields, ctx); !st) return st;
            // The 24 h open is last - change, exactly.
            if (ctx.haveChange)
                if (auto open = it.ticker.lastPrice.sub(ctx.change)) it.ticker.openPrice = *open;
            it.ticker.bid = it.quote.bid;
            it.ticker.ask = it.quote.ask;
            it.ticker.timeMs = it.quote.timeMs;
            break;
        }
        case EventKind::Ohlc: {
            BarItem& b = slot(ev.bars, n);
            b = BarItem{};
            if (auto st = scanFields(sc, what.c_str(), kOhlcFields, b); !st) return st;
            b.bar.closed = false;
            break;
        }
        case EventKind::Book: {
            if (n > 0) return malformed(what.c_str(), "more than one book in a message");
            if (!sc.beginObject()) return malformed(what.c_str(), "an entry is not an object");
            while (sc.nextKey(key)) {
                bool ok = true;
                if (key == "symbol")
                    ok = sc.readString(ev.symbol);
                else if (key == "bids")
                    ok = readLevelObjects(sc, ev.bids);
                else if (key == "asks")
                    ok = readLevelObjects(sc, ev.asks);
                else if (key == "timestamp")
                    ok = readTime(sc, ev.timeMs);
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
            if (!sc.skipValue()) return malformed(what.c_str(), "not JSON");
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

constexpr std::pair<EventKind, std::string_view> kChannels[] = {
    {EventKind::Trades, "trade"},  {EventKind::Tickers, "ticker"},         {EventKind::Ohlc, "ohlc"},
    {EventKind::Book, "book"},     {EventKind::Instruments, "instrument"}, {EventKind::Heartbeat, "heartbeat"},
    {EventKind::Status, "status"},
};
EventKind channelKind(std::string_view ch) { return meaningOr(kChannels, ch, EventKind::Unknown); }

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

std::optional<int> intervalFor(Timeframe tf) { return spellingOf(kIntervals, tf); }

std::optional<Timeframe> timeframeFor(int minutes) { return meaningOf(kIntervals, minutes); }

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
                if (bad >= 0)
                    return makeError("OHLC: row " + std::to_string(bars.size()) + " column " + std::to_string(bad) +
                                     " is not valid");
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

Result<std::vector<Instrument>> parseAssetPairs(const QByteArray& json, std::vector<std::string>* altnames,
                                                const std::string& venue) {
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
