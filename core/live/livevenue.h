#pragma once
// LiveVenue: the trading kernel's venue port (trading/venue.h) on Binance spot — the same Account
// and OrderGateway as paper and backtest, with the orders on the exchange.
//
// - Orders: market, limit (GTC/IOC/FOK; post-only as LIMIT_MAKER), stop (STOP_LOSS) and stop-limit
//   (STOP_LOSS_LIMIT) go out as signed REST requests (BinanceRest) with the gateway's client order
//   id as `newClientOrderId`; cancel, cancel all (per symbol) and amend (`order/cancelReplace`,
//   STOP_ON_FAILURE: the order keeps its local id and gets a new client order id) likewise.
// - Trailing stops go natively with `trailingDelta` (BIPS): without an activation price as
//   STOP_LOSS(_LIMIT), with one (the kernel's stopPrice) as TAKE_PROFIT(_LIMIT), Binance's reading
//   of "start trailing once the price reaches it". A trailing distance given as an amount is refused:
//   Binance trails by a share of the price only, so no BIPS value expresses it exactly.
// - OCO (a limit order with `ocoStop`) goes as one order list (`POST /api/v3/orderList/oco`): SELL =
//   LIMIT_MAKER above + STOP_LOSS(_LIMIT) below; BUY = TAKE_PROFIT_LIMIT below (stop = limit price,
//   Binance has no resting plain limit there) + STOP_LOSS(_LIMIT) above. The legs' client ids are
//   "<cid>" and "<cid>-S", the list's "<cid>-L" — all derived from the journaled limit leg, so both
//   legs are journaled before the request leaves. Cancelling a leg cancels the list
//   (`DELETE /api/v3/orderList`); a leg cannot be moved. An unknown outcome is resolved by looking
//   the list up (`GET /api/v3/orderList`, origClientOrderId = the list's id), never by resending.
// - Brackets go as one order list per take-profit so that Binance itself protects the position if
//   the terminal dies: a limit entry (GTC or post-only; Binance's working order is LIMIT or
//   LIMIT_MAKER) with a stop-loss and one take-profit is an OTOCO (`POST /api/v3/orderList/otoco`:
//   the entry works, its full fill places the stop-loss / take-profit OCO pair); with only one of
//   them an OTO (`orderList/oto`). A ladder of 2-3 take-profits is split into one OTOCO per tranche
//   (the entry's quantity by the levels' shares, rounded down to the lot, the last takes the rest;
//   entries "<cid>", "<cid>-2", "<cid>-3"), each with the stop-loss for its own quantity: a
//   take-profit fill expires only its tranche's stop, so the stops left always cover the position
//   left (the paper "stop follows the remaining quantity", made of native orders). Children are
//   "<entry>-SL" / "<entry>-TP" (role StopLoss / TakeProfit, parent the entry), created when Binance
//   puts them on the book (after the entry's full fill — unlike paper, a partly filled entry is not
//   protected until it fills in full). Market and stop entries with a bracket, and IOC/FOK entries,
//   are refused (Binance's working order rests; use a marketable limit).
// - Fees: Binance charges the received asset or, with BNB fee payment, BNB. The fill's fee (in the
//   quote asset) is the commission itself (quote), valued at the fill's price (base), or valued at
//   the latest <asset><quote> price the venue knows (its own fills or updatePrice(), e.g. BNBUSDT);
//   with no such price the fee is booked as 0, kept in its own asset (unvaluedFees()) and a
//   problem() says so.
// - Durable before sent: an order is written to the journal (the account's IJournal, status New =
//   "sending") before its request leaves; when that write fails the order is rejected unsent.
// - Unknown outcomes (timeout, 5xx, -1006/-1007, a dropped connection) are never resent: the order
//   is looked up by its client order id (GET /api/v3/order) and takes the state Binance has; an
//   order Binance does not know was not placed (Rejected, "never reached Binance").
// - Events: executionReports of the user data stream (BinanceUserStream) become past-tense order
//   events, exactly once: a repeated execution id is skipped, a trade already booked (symbol,
//   trade id) is never booked again, a late NEW never moves an order back, and fills that arrive
//   out of order are booked in the order they arrive. A rejection carries Binance's reason in plain
//   words (describeRejection).
// - Reconciliation (start, and after every re-subscription of the stream): every local open or
//   sending order is compared with Binance's (by client order id), missed fills are fetched
//   (myTrades of the order) and booked once — fills already in the journal are recognised by
//   order, time, price and quantity — orders Binance never received are marked so, open orders
//   placed elsewhere (the exchange's website) are adopted, the symbols' trades since the last
//   journaled fill are read (orders placed and filled elsewhere meanwhile are adopted with their
//   fills), and balances are read. The outcome is a ReconciliationReport (reconciled()).
//
// Credentials are passed in (the UI reads them from the keychain); the secret stays in the REST and
// stream objects and never appears in a message. Thread: one Qt event loop (the GUI thread).

#include "live/binanceapi.h"
#include "live/binancerest.h"
#include "live/binanceuserstream.h"
#include "trading/accountinfo.h"
#include "trading/clock.h"
#include "trading/journal.h"
#include "trading/order.h"
#include "trading/venue.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kairos::live {

/// What a reconciliation found and changed, for the UI to show.
struct ReconciliationReport {
    struct Change {
        std::string clientOrderId;
        std::string what;  ///< "filled 0.01 at 60000 (caught up from Binance's trades)", "never reached Binance", ...
    };
    std::vector<Change> changes;
    int ordersChecked = 0;
    int fillsApplied = 0;        ///< fills booked that the journal did not have
    int ordersAdopted = 0;       ///< open orders placed elsewhere, now tracked
    int ordersNeverArrived = 0;  ///< journaled as sending, unknown to Binance
    std::vector<AssetBalance> balances;
    std::string error;  ///< "" when the reconciliation completed; else why not (it is tried again)

    bool ok() const { return error.empty(); }
    /// One line: "3 orders checked, 1 fill applied, 0 adopted, 1 never reached Binance".
    std::string summary() const;
};

class LiveVenue : public QObject, public trading::IVenue {
    Q_OBJECT
public:
    struct Endpoints {
        QUrl restUrl;   ///< "https://api.binance.com"
        QUrl wsApiUrl;  ///< "wss://ws-api.binance.com:443/ws-api/v3"
    };
    /// Binance's endpoints for an account kind: Live → api.binance.com / ws-api.binance.com,
    /// Testnet → testnet.binance.vision. Other kinds have none (empty URLs).
    static Endpoints endpointsFor(trading::AccountKind kind);

    struct Options {
        Endpoints endpoints;            ///< tests point these at a local server
        std::string venue = "BINANCE";  ///< InstrumentId::venue of its instruments and its name()
        trading::VenueRules rules;      ///< money scale (fees are Binance's, not simulated)
        int timeoutMs = 10'000;         ///< per REST request
        int unknownRetryMs = 1000;      ///< wait before asking again about an order whose lookup failed
        int reconnectMinMs = 1000;      ///< user data stream reconnect back-off start
        int orderLimit10s = 50;         ///< the account's ORDERS per 10 s (exchangeInfo.rateLimits)
        int weightLimit1m = 6000;       ///< the IP's REQUEST_WEIGHT per minute (exchangeInfo.rateLimits)
    };

    /// `clock` must outlive the venue.
    LiveVenue(Options options, BinanceCredentials credentials, const trading::IClock& clock, QObject* parent = nullptr);
    ~LiveVenue() override;

    /// The journal orders are written to before they are sent (the account's; not owned, may be
    /// null: then nothing is written first — tests and benches only).
    void setJournal(trading::IJournal* journal) { m_journal = journal; }

    /// Syncs the clock, reads the symbols' rules, subscribes to the user data stream and then
    /// reconciles (reconciled()). Call after Account::open() (which restores the journal's open
    /// orders into the venue). ready() once the first reconciliation is done.
    void start();
    void stop();
    bool isReady() const { return m_ready; }
    /// Compares the journal with Binance now (see the file comment); reconciled() when done.
    void reconcile();
    const ReconciliationReport& lastReport() const { return m_report; }

    /// Balances as last reported (account answer, then outboundAccountPosition events).
    std::vector<AssetBalance> balances() const;
    /// Whether Binance's account (balances) has been read at least once.
    bool balancesRead() const { return m_balancesRead; }
    bool isReconciling() const { return m_reconciling; }
    /// Binance's time of the balances (the account's last update they include, ms since the epoch).
    std::int64_t balancesTimeMs() const { return m_balancesTimeMs; }
    /// What can be sold of `asset` now (its free balance); nullopt before the balances were read.
    std::optional<Quantity> freeBalance(const std::string& asset) const;
    /// A price from the terminal's market data (for lastPrice and pre-trade checks).
    void updatePrice(const InstrumentId& id, const Price& price);
    /// A commission that could not be valued in the quote asset (no price of its asset known):
    /// booked as a fee of 0, kept here in its own asset.
    struct UnvaluedFee {
        std::string clientOrderId;
        std::string asset;
        Quantity amount;
        std::int64_t timeMs = 0;
    };
    const std::vector<UnvaluedFee>& unvaluedFees() const { return m_unvaluedFees; }
    /// Requests sent whose answer has not come yet.
    int requestsInFlight() const { return m_inFlight; }
    BinanceRest& rest() { return *m_rest; }
    BinanceUserStream& userStream() { return *m_stream; }

    /// Where an order's round trip is, for bench_live_roundtrip's breakdown: Sent = its placing
    /// request was signed and handed to the transport; Answered = Binance's answer to it arrived;
    /// StreamTrade = a TRADE executionReport of it arrived on the user data stream.
    enum class TracePoint : std::uint8_t { Sent = 1, Answered, StreamTrade };
    using Trace = std::function<void(TracePoint point, const std::string& clientOrderId)>;
    /// Called at each TracePoint on the venue's thread; none by default (then nothing is done).
    void setTrace(Trace trace) { m_trace = std::move(trace); }

    // IVenue
    std::string name() const override { return m_options.venue; }
    void setListener(trading::IVenueListener* listener) override { m_listener = listener; }
    const trading::VenueRules& rules() const override { return m_options.rules; }
    const Instrument* instrument(const InstrumentId& id) const override;
    std::optional<Price> lastPrice(const InstrumentId& id) const override;
    std::optional<Quote> lastQuote(const InstrumentId&) const override { return std::nullopt; }
    std::optional<Trade> lastTrade(const InstrumentId& id) const override;
    std::vector<trading::Order> openOrders() const override;
    std::optional<trading::Order> order(trading::OrderId id) const override;

Q_SIGNALS:
    void ready();
    void reconciled(const kairos::live::ReconciliationReport& report);
    /// Something the user should know that is not an order event (a cancel refused, the stream
    /// refused, requests waiting for Binance's next rate-limit window).
    void problem(const QString& what);
    void balancesChanged();

private:
    trading::OrderEvents submit(const trading::OrderRequest& request) override;
    Result<trading::OrderEvents> cancel(trading::OrderId id) override;
    trading::OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) override;
    Result<trading::OrderEvents> amend(trading::OrderId id, const Price& price) override;
    Status restore(const std::vector<trading::Order>& openOrders, trading::OrderId nextOrderId,
                   std::uint64_t nextFillId) override;
    Status resetOrders() override;

    struct Tracked {
        trading::Order order;
        std::int64_t binanceId = 0;
        Quantity baseFilled;            ///< filled before the current Binance order (an amend replaces the order)
        bool placing = false;           ///< its placing request has not been answered yet
        bool neverArrived = false;      ///< rejected because Binance did not know it (a late arrival revives it)
        std::string listClientOrderId;  ///< an order list's leg (OCO): the list's client id; else empty
    };
    /// Journal fills of before a restart, by client order id, not yet matched to Binance trades.
    using FillPool = std::map<std::string, std::vector<trading::Fill>>;

    void deliver(const trading::OrderEvents& events);
    /// While one exists, delivered events are collected and reach the listener together when it
    /// ends (one journal transaction for an answer's Accepted and fills). Nested ones join the outer.
    class Batch {
    public:
        explicit Batch(LiveVenue& venue);
        ~Batch();
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

    private:
        LiveVenue& m_venue;
        bool m_outer;
        trading::OrderEvents m_events;
    };
    void emitChange(Tracked& t, trading::OrderEventKind kind, std::optional<trading::Fill> fill = std::nullopt);
    Tracked* byClientId(const std::string& clientOrderId);
    const SymbolRules* symbolRules(const std::string& symbol) const;
    Result<Params> orderParams(const trading::OrderRequest& r) const;
    /// The request's trailing distance as Binance's trailingDelta (BIPS), or why it cannot be.
    Result<int> trailingDelta(const trading::OrderRequest& r) const;
    /// POST orderList/oco parameters of a limit order with an OCO stop leg.
    Result<Params> ocoParams(const trading::OrderRequest& r, const std::string& stopClientId,
                             const std::string& listClientId) const;
    trading::OrderEvents submitOco(Tracked limitLeg);
    trading::OrderEvents submitBracket(Tracked entry);
    /// POST orderList/otoco (stop-loss and take-profit) or orderList/oto (one of them) parameters.
    Result<Params> bracketParams(const trading::OrderRequest& r, const std::string& listClientId, QString& path) const;
    /// The bracket child "<entry>-SL" / "<entry>-TP" of a known bracket entry, created on first
    /// sight (Binance put it on the book); nullptr when `clientOrderId` is not one.
    Tracked* bracketChild(const std::string& clientOrderId);
    /// A bracket child Binance could not put on the book when its entry filled (lack of funds, a
    /// filter): its end says so and problem() warns that the position is not protected by it.
    void notPlacedOnFill(Tracked& child);
    /// A tracked order, or the bracket child of that id created now; nullptr when neither.
    Tracked* trackedOrChild(const std::string& clientOrderId);
    /// DELETE orderList for the list of leg `id` (cancelling one leg cancels the list).
    Result<trading::OrderEvents> cancelList(trading::OrderId id);
    /// The list client id of a journaled OCO leg ("<limit leg's id>-L"); empty for other orders.
    static std::string listClientIdOf(const trading::Order& o);
    void onListPlaced(const std::string& listClientId, const BinanceRest::Reply& reply);
    /// GET orderList by its client id; resolves an unknown outcome of a list (never resent).
    void lookUpList(const std::string& listClientId, std::function<void()> done, int attempt = 1);
    void onListStatus(const OrderListState& list);
    std::vector<trading::OrderId> legsOf(const std::string& listClientId) const;
    /// Journaled as sending, unknown to Binance: rejected as never arrived.
    void markNeverArrived(Tracked& t);
    /// The commission in the quote asset (see the file comment), at the money scale.
    Money feeInQuote(const Tracked& t, const Price& price, const Quantity& commission, const std::string& asset,
                     std::int64_t timeMs);
    std::string describe(const ApiError& error, const std::string& symbol) const;

    void onPlaced(trading::OrderId id, const BinanceRest::Reply& reply);
    void onAmended(trading::OrderId id, const std::string& oldClientId, const std::string& newClientId, const Price& price,
                   const BinanceRest::Reply& reply);
    void onUserEvent(const UserEvent& event);
    void onExecution(const ExecutionReport& report);
    /// Books a trade once (seen trades and the journal's fill pool are skipped). True when booked.
    bool bookTrade(Tracked& t, std::int64_t tradeId, const Price& price, const Quantity& qty, const Quantity& commission,
                   const std::string& commissionAsset, bool maker, std::int64_t timeMs);
    /// Brings an order to Binance's state `s` (after fetching its missed trades); `done` after.
    void applyState(trading::OrderId id, const OrderState& s, std::function<void()> done);
    void setFinalStatus(Tracked& t, const std::string& binanceStatus, const std::string& reason);
    /// GET order by client id; resolves unknown outcomes and feeds reconciliation.
    void lookUp(trading::OrderId id, std::function<void()> done, int attempt = 1);
    void fetchTrades(trading::OrderId id, std::function<void()> done);
    Tracked& adopt(const OrderState& s);
    /// Trades of `symbol` since the last journaled fill whose orders the account does not track:
    /// orders placed and filled elsewhere while the terminal was away are adopted with their fills.
    void catchUpTrades(const std::string& symbol, const std::function<void()>& step);
    void loadFillPool();
    void finishReconcile();

    Options m_options;
    const trading::IClock& m_clock;
    std::unique_ptr<BinanceRest> m_rest;
    std::unique_ptr<BinanceUserStream> m_stream;
    trading::IVenueListener* m_listener = nullptr;
    trading::IJournal* m_journal = nullptr;
    Trace m_trace;
    trading::OrderEvents* m_batch = nullptr;  ///< collecting events (Batch), else null
    std::map<trading::OrderId, Tracked> m_orders;
    std::map<std::string, trading::OrderId> m_byClientId;
    std::map<std::string, SymbolRules> m_rules;
    std::map<InstrumentId, Instrument> m_instruments;
    std::map<InstrumentId, Trade> m_lastTrade;
    std::map<std::string, AssetBalance> m_balances;
    std::set<std::int64_t> m_seenExecutions;
    std::set<std::pair<std::string, std::int64_t>> m_seenTrades;
    std::set<std::string> m_replacedClientIds;  ///< cancelled by an amend: their CANCELED is not the order's end
    std::map<trading::OrderId, std::string> m_cancelReasons;
    std::map<std::string, std::vector<trading::OrderId>> m_lists;  ///< list client id -> its legs
    std::vector<UnvaluedFee> m_unvaluedFees;
    std::map<std::string, trading::Order> m_bracketEntries;  ///< journaled bracket entries by client id (final ones too)
    FillPool m_fillPool;
    std::set<std::string> m_journaledClientIds;  ///< every order the journal held at restore
    std::set<std::string> m_journaledSymbols;
    std::int64_t m_lastJournaledFillMs = 0;
    bool m_fillPoolLoaded = false;
    trading::OrderId m_nextOrderId = 1;
    std::uint64_t m_nextFillId = 1;
    int m_inFlight = 0;
    int m_amendSeq = 0;
    bool m_started = false;
    bool m_ready = false;
    bool m_reconciling = false;
    bool m_balancesRead = false;
    std::int64_t m_balancesTimeMs = 0;
    bool m_reconcileAgain = false;
    int m_reconcileSteps = 0;
    ReconciliationReport m_report;
    ReconciliationReport m_pendingReport;
};

}  // namespace kairos::live

Q_DECLARE_METATYPE(kairos::live::ReconciliationReport)
