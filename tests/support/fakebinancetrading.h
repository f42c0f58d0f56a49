#pragma once
// FakeBinanceTrading: a local Binance spot trading API for the live-venue tests, written from
// Binance's documentation (../shared/reference/TRADING-BINANCE.md) and independent of the product's
// code. It is strict where Binance is strict:
//
// - REST (/api/v3/...): `X-MBX-APIKEY`, HMAC-SHA256 over the exact bytes of query string + body
//   (-1022), `timestamp`/`recvWindow` against its own clock (-1021, -1131), mandatory parameters
//   (-1102), symbol filters PRICE_FILTER / LOT_SIZE / MIN_NOTIONAL (-1013 "Filter failure: NAME"),
//   `newClientOrderId` format (-1100) and uniqueness among open orders (-2010 "Duplicate order
//   sent."), balances (-2010 insufficient balance), LIMIT_MAKER that would take, stops that would
//   trigger at once, the orders-per-10 s limit (429, -1015). Used-weight (per minute of its clock;
//   successful orders and cancels free, as since 2026-04-02) and order-count headers.
// - The account: balances (free/locked), open orders, trades with commission in the received asset,
//   matched against a last price per symbol that the test moves (setLastPrice): market orders fill
//   at once, limit orders when the price reaches them, stop and take-profit orders (also with
//   `trailingDelta`) trigger as Binance documents.
// - Order lists: OCO (`orderList/oco`: the two legs' rules and price relationship, one lock, a leg's
//   execution expires the other with eR OCO_TRIGGER), OTO and OTOCO (`orderList/oto`, `/otoco`: the
//   working order's full fill places the pending order(s) as NEW; before that they are PENDING_NEW),
//   `listStatus` events, `DELETE orderList` (and cancelling one leg cancels the list), `GET
//   orderList` by listClientOrderId, `GET openOrderList`. Commission optionally paid in a third
//   asset (BNB, payCommissionIn), without Binance's 25 % discount.
// - The user data stream by the current method (WebSocket API, `userDataStream.subscribe.signature`,
//   params signed sorted by name): `executionReport` and `outboundAccountPosition` events.
// - Faults a test asks for: a request rejected with any code, answered only after the order was
//   accepted with a 5xx (status unknown), never answered (timeout), the connection dropped after
//   the order was accepted; events sent twice or out of order; the stream connection dropped.
//
// Amounts are fixed point with 8 decimals (Binance prints "0.00100000"). Thread: the test's Qt
// event loop.

#include "fakeservers.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrl>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <vector>

namespace kairos::test {

/// An amount in units of 1e-8, as Binance's 8-decimal strings.
using Units = std::int64_t;
/// "0.001" -> 100000; nullopt for anything that is not a plain non-negative decimal with ≤ 8 decimals.
std::optional<Units> parseUnits(const QString& text);
/// 100000 -> "0.00100000".
QString formatUnits(Units u);

class FakeBinanceTrading : public QObject {
    Q_OBJECT
public:
    struct Symbol {
        QString symbol, base, quote;
        Units tickSize = 1'000'000;  ///< 0.01
        Units minPrice = 1'000'000;
        Units maxPrice = 100'000'000'000'000;  ///< 1,000,000
        Units stepSize = 1'000;                ///< 0.00001
        Units minQty = 1'000;
        Units maxQty = 900'000'000'000;   ///< 9,000
        Units minNotional = 500'000'000;  ///< 5
    };

    struct Order {
        std::int64_t orderId = 0;
        QString clientOrderId, symbol, side, type, timeInForce, status;
        Units price = 0, stopPrice = 0, origQty = 0, executedQty = 0, cumQuote = 0;
        std::int64_t trailingDelta = 0;  ///< BIPS; 0 = none
        Units trailRef = 0;              ///< best price seen since trailing started
        Units reserve = 0;               ///< price at which a BUY's quote was locked
        bool triggered = false;          ///< stop reached (STOP_LOSS*, TAKE_PROFIT*)
        std::int64_t orderListId = -1;   ///< its order list (OCO), -1 when none
        bool holdsLock = true;           ///< an OCO locks once: only one leg holds the balance
        QString expiryReason;            ///< `eR` of its final event ("OCO_TRIGGER")
        std::int64_t time = 0, updateTime = 0;
        bool isOpen() const { return status == QLatin1String("NEW") || status == QLatin1String("PARTIALLY_FILLED"); }
        /// A pending order of an OTO/OTOCO list: placed when its working order is fully filled.
        bool isPending() const { return status == QLatin1String("PENDING_NEW"); }
        bool isLive() const { return isOpen() || isPending(); }
    };

    struct Trade {
        std::int64_t id = 0, orderId = 0, time = 0;
        QString symbol, commissionAsset;
        Units price = 0, qty = 0, quoteQty = 0, commission = 0;
        bool isBuyer = false, isMaker = false;
    };

    struct Balance {
        Units free = 0, locked = 0;
    };

    /// An order list: OCO (two orders where the execution of one expires the other) or OTO/OTOCO
    /// (a working order whose full fill places one pending order or a pending OCO pair).
    struct OrderList {
        std::int64_t orderListId = 0;
        QString listClientOrderId, symbol, contingencyType = QStringLiteral("OCO");
        QString listStatusType, listOrderStatus;  ///< EXEC_STARTED/ALL_DONE, EXECUTING/ALL_DONE
        std::vector<std::int64_t> orderIds;       ///< OCO: below, above; OTO(CO): working, then pending below, above
        std::int64_t workingOrderId = 0;          ///< OTO(CO): the working order; 0 for an OCO
        std::int64_t transactionTime = 0;
    };

    /// What happens to the next request matching a method and path.
    struct RequestFault {
        enum class Kind : std::uint8_t {
            Reject,                  ///< answered `status` + {"code","msg"}; nothing done
            ServerErrorAfterAccept,  ///< the order is accepted, then HTTP 503 "status unknown"
            TimeoutAfterAccept,      ///< the order is accepted, the answer never comes
            DropAfterAccept,         ///< the order is accepted, the connection is aborted
            TimeoutBeforeAccept,     ///< never processed, never answered
        };
        Kind kind = Kind::Reject;
        int status = 400;
        int code = 0;
        QString msg;

        static RequestFault of(Kind k) {
            RequestFault f;
            f.kind = k;
            return f;
        }
        static RequestFault reject(int status, int code, QString msg) { return {Kind::Reject, status, code, std::move(msg)}; }
    };

    FakeBinanceTrading(QByteArray apiKey, QByteArray secretKey, QObject* parent = nullptr);
    ~FakeBinanceTrading() override;

    bool listen();
    /// "http://127.0.0.1:PORT" (REST base; paths are /api/v3/...).
    QUrl restUrl() const;
    /// "ws://127.0.0.1:PORT/ws-api/v3".
    QUrl wsApiUrl() const;

    /// The server's clock in ms (default: the wall clock).
    void setClock(std::function<std::int64_t()> nowMs) { m_now = std::move(nowMs); }
    std::int64_t nowMs() const { return m_now(); }

    void addSymbol(const Symbol& s);
    void setBalance(const QString& asset, Units free);
    Balance balance(const QString& asset) const;
    /// Commission in basis points of the received amount (default 10 = 0.1 %, Binance's base rate).
    void setCommissionBps(int makerBps, int takerBps);
    /// Commission paid in `asset` (BNB) instead of the received asset: the commission's value in the
    /// quote asset, divided by `priceInQuote` (the asset's price in the quote), taken from that
    /// balance. An empty asset restores the default.
    void payCommissionIn(const QString& asset, Units priceInQuote) {
        m_feeAsset = asset;
        m_feeAssetPrice = priceInQuote;
    }
    /// Orders per 10 s before 429 / -1015 (default 50, as Binance's example).
    void setOrderLimitPer10s(int n) { m_orderLimit10s = n; }
    /// Adds `weight` to this minute's REQUEST_WEIGHT (per IP: another program on the same IP used it).
    void useWeight(int weight);
    /// This minute's REQUEST_WEIGHT so far (what X-MBX-USED-WEIGHT-1M says).
    int usedWeight() const { return m_usedWeight; }

    /// The market moves: resting orders of `symbol` are triggered and filled against `price`.
    void setLastPrice(const QString& symbol, Units price);

    /// The next request `method path` ("POST", "/api/v3/order") meets `fault`.
    void failNext(const QByteArray& method, const QString& path, RequestFault fault);
    /// A counterparty takes `qty` of the resting LIMIT order `clientOrderId` at its price (a partial
    /// fill when less than what is left). False when there is no such open order or not that much left.
    bool fillPart(const QString& clientOrderId, Units qty);
    /// The next `n` user-data events are each sent twice.
    void duplicateNextEvents(int n) { m_duplicateEvents = n; }
    /// The next event is held back and sent after the one following it.
    void reorderNextEvent() { m_reorderNext = true; }
    /// From now on user-data events are held back (not sent) until releaseHeldEvents().
    void holdEvents() { m_holding = true; }
    /// Sends the held events newest first (the worst reordering) and stops holding.
    void releaseHeldEventsReversed();
    /// Aborts every user-data-stream connection (the subscription ends with it).
    void dropStreams();
    /// An order placed "elsewhere" (the exchange's website): same effects as a REST order.
    QJsonObject placeOrderElsewhere(const std::map<QString, QString>& params);

    const std::vector<Order>& orders() const { return m_orders; }
    const std::vector<OrderList>& orderLists() const { return m_lists; }
    /// Order-list requests (POST orderList/oco) that reached the placing logic with this list id.
    int listPlaceAttempts(const QString& listClientOrderId) const;
    const Order* orderByClientId(const QString& clientOrderId) const;
    const std::vector<Trade>& trades() const { return m_trades; }
    /// Requests that reached the order-placing logic with this client order id (accepted or not).
    int placeAttempts(const QString& clientOrderId) const;
    /// Requests refused with this Binance error code so far.
    int refusals(int code) const;
    /// Time spent handling requests and WebSocket messages so far (ns, steady clock): the trading
    /// logic, its answer and the events it sends. Readable from any thread (benches).
    std::int64_t busyNanos() const { return m_busyNs.load(std::memory_order_relaxed); }
    /// User-data events sent so far (duplicates counted).
    int eventsSent() const { return m_eventsSent; }
    /// Open user-data subscriptions.
    int activeSubscriptions() const;

    FakeHttpServer http;
    FakeWsServer ws;

Q_SIGNALS:
    void eventSent();

private:
    HttpReply handle(const HttpRequest& req, const QString& path);
    HttpReply error(int status, int code, const QString& msg);
    std::optional<HttpReply> authenticate(const HttpRequest& req, std::map<QString, QString>& params);
    /// Parses and checks one order's parameters and filters (nothing placed); the refusal if any.
    std::optional<HttpReply> buildOrder(const std::map<QString, QString>& p, Order& o);
    HttpReply newOrder(const std::map<QString, QString>& p, bool& accepted);
    /// The checks every list placement starts with: mandatory parameters, the symbol, the list's
    /// client id (generated when absent; counted as an attempt). The refusal if any.
    std::optional<HttpReply> startList(const std::map<QString, QString>& p, std::initializer_list<const char*> mandatory,
                                       QString& symbol, QString& listCid);
    /// POST /api/v3/orderList/oco (rest-api.md "New Order list - OCO").
    HttpReply newOco(const std::map<QString, QString>& p, bool& accepted);
    /// POST /api/v3/orderList/otoco (rest-api.md "New Order list - OTOCO"); `oto`: the request came
    /// as an OTO (newOto) with its one pending order as "pendingAbove".
    HttpReply newOtoco(const std::map<QString, QString>& p, bool& accepted, bool oto = false);
    /// POST /api/v3/orderList/oto: one pending order (`pending*` parameters), any type but MARKET.
    HttpReply newOto(const std::map<QString, QString>& p, bool& accepted);
    /// One leg of a list from its prefixed parameters ("above", "pendingBelow", ...).
    std::map<QString, QString> legParams(const std::map<QString, QString>& p, const QString& prefix, const QString& side,
                                         const QString& type, const QString& quantity);
    /// The OCO pair rules: one STOP_LOSS* and one LIMIT_MAKER/TAKE_PROFIT*, prices on the right
    /// sides of `reference` (the last price; an OTOCO's working price).
    std::optional<HttpReply> checkOcoPair(const Order& above, const Order& below, bool buy, Units reference);
    /// The working order of an OTO(CO) filled in full: its pending orders go on the book.
    void activatePending(std::int64_t orderListId);
    /// DELETE /api/v3/orderList.
    HttpReply cancelList(const std::map<QString, QString>& p);
    /// GET /api/v3/orderList (by orderListId or origClientOrderId = listClientOrderId).
    HttpReply queryList(const std::map<QString, QString>& p);
    HttpReply openLists() const;
    QJsonObject listJson(const OrderList& l, bool withReports) const;
    void emitListStatus(const OrderList& l);
    OrderList* listOf(const Order& o);
    /// An OCO leg starts executing (fills or triggers): the other leg expires (OCO_TRIGGER) and
    /// hands the list's locked balance over.
    void ocoExecute(Order& o);
    /// After a leg ended: the list is ALL_DONE once no leg is open.
    void ocoSettle(const Order& o);
    HttpReply cancelOrder(const std::map<QString, QString>& p);
    HttpReply cancelAll(const std::map<QString, QString>& p);
    /// POST /api/v3/order/cancelReplace, STOP_ON_FAILURE only: -2022 when the cancel fails (nothing
    /// done), 409 -2021 when the new order is refused after the cancel.
    HttpReply cancelReplace(const std::map<QString, QString>& p, bool& accepted);
    HttpReply queryOrder(const std::map<QString, QString>& p);
    HttpReply openOrders(const std::map<QString, QString>& p) const;
    HttpReply myTrades(const std::map<QString, QString>& p);
    HttpReply account() const;
    QByteArray exchangeInfo() const;
    void onWsText(FakeWsServer::Client& c, const QString& text);

    Order* findOrder(const QString& symbol, const std::map<QString, QString>& p);
    void match(Order& o, bool onPlacement);
    void fill(Order& o, Units price, Units qty, bool maker);
    void finish(Order& o, const QString& status, const QString& execType);
    bool lock(Order& o);
    void unlockRest(const Order& o);
    QJsonObject orderJson(const Order& o) const;
    void emitExecution(const Order& o, const QString& execType, const Trade* t, const QString& rejectReason = {});
    void emitAccountPosition(const QStringList& assets);
    void emitEvent(const QJsonObject& event);
    void sendEvent(const QByteArray& text);

    QByteArray m_apiKey, m_secret;
    std::function<std::int64_t()> m_now;
    std::map<QString, Symbol> m_symbols;
    std::map<QString, Balance> m_balances;
    std::map<QString, Units> m_last;
    std::vector<Order> m_orders;
    std::vector<Trade> m_trades;
    std::vector<OrderList> m_lists;
    std::map<QString, int> m_listPlaceAttempts;
    QString m_feeAsset;
    Units m_feeAssetPrice = 0;
    std::int64_t m_nextListId = 700;
    std::map<std::pair<QByteArray, QString>, std::deque<RequestFault>> m_faults;
    std::map<QString, int> m_placeAttempts;
    std::map<int, int> m_refusals;
    std::deque<std::int64_t> m_recentOrders;
    std::map<const FakeWsServer::Client*, int> m_subscriptions;  ///< client -> subscriptionId
    std::optional<QByteArray> m_heldEvent;
    std::vector<QByteArray> m_held;
    bool m_holding = false;
    int m_makerBps = 10, m_takerBps = 10;
    int m_orderLimit10s = 50;
    int m_duplicateEvents = 0;
    bool m_reorderNext = false;
    int m_eventsSent = 0;
    std::int64_t m_executionIds = 0;  ///< `I` of the last executionReport (unique, as Binance's)
    int m_nextSubscription = 0;
    std::int64_t m_nextOrderId = 1000, m_nextTradeId = 5000;
    int m_usedWeight = 0;              ///< REQUEST_WEIGHT of the current minute
    std::int64_t m_weightMinute = -1;  ///< the minute (server clock) m_usedWeight belongs to
    std::atomic<std::int64_t> m_busyNs{0};
};

}  // namespace kairos::test
