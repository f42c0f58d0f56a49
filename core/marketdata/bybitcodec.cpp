#include "marketdata/bybitcodec.h"

#include "marketdata/detail/codecutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace kairos::marketdata::bybit {

using namespace kairos::marketdata::detail;

namespace {

constexpr std::pair<Timeframe, std::string_view> kIntervals[] = {
    {Timeframe::M1, "1"},  {Timeframe::M3, "3"},   {Timeframe::M5, "5"},   {Timeframe::M15, "15"}, {Timeframe::M30, "30"},
    {Timeframe::H1, "60"}, {Timeframe::H2, "120"}, {Timeframe::H4, "240"}, {Timeframe::H6, "360"}, {Timeframe::H12, "720"},
    {Timeframe::D1, "D"},  {Timeframe::W1, "W"},   {Timeframe::MN1, "M"},
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

constexpr std::array<Field<Trade>, 5> kTradeFields{{
    {"p", "price", [](JsonScanner& sc, Trade& t, std::string_view& x) { return readDec(sc, t.price, x); }, true},
    {"v", "size", [](JsonScanner& sc, Trade& t, std::string_view& x) { return readDec(sc, t.quantity, x); }, true},
    {"T", "time", [](JsonScanner& sc, Trade& t, std::string_view&) { return sc.readInt(t.timeMs); }, true},
    {"S", "side",
     [](JsonScanner& sc, Trade& t, std::string_view& x) {
         if (!sc.readString(x) || (x != "Buy" && x != "Sell")) return false;
         t.aggressor = x == "Buy" ? Side::Buy : Side::Sell;  // taker side
         return true;
     },
     true},
    {"i", "trade id",
     [](JsonScanner& sc, Trade& t, std::string_view& x) {
         if (!sc.readNumberOrString(x)) return false;
         t.tradeId.assign(x.data(), x.size());
         return true;
     },
     true},
}};

constexpr std::array<Field<Event>, 4> kBookFields{{
    {"b", "bids", [](JsonScanner& sc, Event& ev, std::string_view&) { return readLevelArrays(sc, ev.bids); }, true},
    {"a", "asks", [](JsonScanner& sc, Event& ev, std::string_view&) { return readLevelArrays(sc, ev.asks); }, true},
    {"u", "update id", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.updateId); }, true},
    {"seq", "seq", [](JsonScanner& sc, Event& ev, std::string_view&) { return sc.readInt(ev.crossSeq); }},
}};

constexpr std::array<Field<Ticker24h>, 8> kTickerFields{{
    {"lastPrice", "lastPrice", [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.lastPrice, x); },
     true},
    {"prevPrice24h", "prevPrice24h",
     [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.openPrice, x); }},
    {"highPrice24h", "highPrice24h",
     [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.highPrice, x); }},
    {"lowPrice24h", "lowPrice24h", [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.lowPrice, x); }},
    {"volume24h", "volume24h", [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.volume, x); }},
    {"turnover24h", "turnover24h",
     [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.quoteVolume, x); }},
    {"bid1Price", "bid1Price", [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.bid, x); }},
    {"ask1Price", "ask1Price", [](JsonScanner& sc, Ticker24h& t, std::string_view& x) { return readDec(sc, t.ask, x); }},
}};

constexpr std::array<Field<Bar>, 8> kKlineFields{{
    {"start", "start", [](JsonScanner& sc, Bar& b, std::string_view&) { return sc.readInt(b.openTimeMs); }, true},
    {"open", "open", [](JsonScanner& sc, Bar& b, std::string_view& x) { return readDec(sc, b.open, x); }, true},
    {"high", "high", [](JsonScanner& sc, Bar& b, std::string_view& x) { return readDec(sc, b.high, x); }, true},
    {"low", "low", [](JsonScanner& sc, Bar& b, std::string_view& x) { return readDec(sc, b.low, x); }, true},
    {"close", "close", [](JsonScanner& sc, Bar& b, std::string_view& x) { return readDec(sc, b.close, x); }, true},
    {"volume", "volume", [](JsonScanner& sc, Bar& b, std::string_view& x) { return readDec(sc, b.volume, x); }, true},
    {"turnover", "turnover", [](JsonScanner& sc, Bar& b, std::string_view& x) { return readDec(sc, b.quoteVolume, x); }},
    {"confirm", "confirm", [](JsonScanner& sc, Bar& b, std::string_view&) { return sc.readBool(b.closed); }, true},
}};

Status decodeData(JsonScanner& sc, Event& ev) {
    switch (ev.kind) {
    case EventKind::Trades:
        return scanObjectArray(sc, "publicTrade", kTradeFields, ev.trades);
    case EventKind::Book:
        return scanFields(sc, "orderbook", kBookFields, ev);
    case EventKind::Ticker:
        ev.ticker = Ticker24h{};
        return scanFields(sc, "tickers", kTickerFields, ev.ticker);
    case EventKind::Kline:
        return scanObjectArray(sc, "kline", kKlineFields, ev.bars);
    default:
        if (!sc.skipValue()) return makeError("not JSON");
        return {};
    }
}

}  // namespace

std::optional<std::string_view> intervalFor(Timeframe tf) { return spellingOf(kIntervals, tf); }

std::optional<Timeframe> timeframeFor(std::string_view interval) { return meaningOf(kIntervals, interval); }

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
                    using enum BarColumn;
                    Bar b;
                    const int bad = readBarRow(sc, {OpenMs, Open, High, Low, Close, Volume, QuoteVolume}, b);
                    if (bad >= 0)
                        return makeError("kline: row " + std::to_string(bars.size()) + " column " + std::to_string(bad) +
                                         " is not valid");
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
            return makeError("instruments-info " + sym + ": " + name + " \"" + v.toString().toStdString() +
                             "\" is not a decimal");
        return {};
    };
    for (const QJsonValue v : list) {
        const QJsonObject o = v.toObject();
        Instrument i;
        i.id = InstrumentId{venue, o.value(QLatin1String("symbol")).toString().toStdString()};
        i.baseAsset = o.value(QLatin1String("baseCoin")).toString().toStdString();
        i.quoteAsset = o.value(QLatin1String("quoteCoin")).toString().toStdString();
        const QJsonObject pf = o.value(QLatin1String("priceFilter")).toObject();
        const QJsonObject lf = o.value(QLatin1String("lotSizeFilter")).toObject();
        if (auto st = dec(pf.value(QLatin1String("tickSize")), i.tickSize, "tickSize", i.id.symbol); !st) return st.error();
        // basePrecision is the quantity step for spot (EXCHANGES.md §2.1).
        if (auto st = dec(lf.value(QLatin1String("basePrecision")), i.lotSize, "basePrecision", i.id.symbol); !st)
            return st.error();
        if (auto st = dec(lf.value(QLatin1String("minOrderAmt")), i.minNotional, "minOrderAmt", i.id.symbol); !st)
            return st.error();
        i.pricePrecision = stepPrecision(i.tickSize);
        i.quantityPrecision = stepPrecision(i.lotSize);
        out.push_back(std::move(i));
    }
    return out;
}

}  // namespace kairos::marketdata::bybit
