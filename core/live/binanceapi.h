#pragma once
// Binance spot trading API: the pure parts — request signing, parameter encoding, and decoding of
// order answers, account answers and user-data events — as Binance documents them
// (../shared/reference/TRADING-BINANCE.md). No I/O here: BinanceRest and BinanceUserStream use it,
// the tests check it against Binance's published examples, and a fuzz target feeds it bytes.

#include "domain/decimal.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kairos::live {

/// Request parameters in the order they are sent.
using Params = std::vector<std::pair<std::string, std::string>>;

/// Lower-case hex HMAC-SHA256 of `payload` with `secret` (OpenSSL).
std::string hmacSha256Hex(std::string_view secret, std::string_view payload);

/// "k=v&k2=v2" with keys and values percent-encoded (RFC 3986 unreserved characters kept). REST
/// signs exactly this string, after encoding (Binance rejects signatures of the unencoded text).
std::string encodeParams(const Params& params);

/// The WebSocket API's signed string: every parameter but `signature`, sorted by name, "k=v"
/// joined with '&', not percent-encoded.
std::string wsSignaturePayload(Params params);

/// A client order id Binance accepts: 1..36 of [A-Za-z0-9_-].
bool isValidClientOrderId(std::string_view id);

/// An error answer of Binance ({"code":-2010,"msg":"..."}).
struct ApiError {
    int httpStatus = 0;
    int code = 0;
    std::string msg;
};
/// The error in a body, or nullopt when the body is not Binance's error shape.
std::optional<ApiError> parseApiError(int httpStatus, std::string_view body);

/// What a trading request's answer means for the order it carried.
enum class Outcome : std::uint8_t {
    Done = 1,     ///< 2xx: the request was carried out
    Rejected,     ///< 4xx with a code: refused, nothing happened (safe to correct and send again)
    RateLimited,  ///< 429/418: refused for now; nothing happened
    Unknown,      ///< 5xx, -1006/-1007, timeout or a dropped connection: it may or may not have happened
};
Outcome classify(int httpStatus, const std::optional<ApiError>& error, bool transportFailed);

/// A symbol's trading rules from exchangeInfo (the filters orders are checked against).
struct SymbolRules {
    std::string symbol, baseAsset, quoteAsset;
    Price tickSize, minPrice, maxPrice;
    Quantity stepSize, minQty, maxQty;
    Price minNotional;  ///< MIN_NOTIONAL or NOTIONAL's minNotional, in the quote asset
    bool trailingAllowed = false;
    /// TRAILING_DELTA filter (BIPS); 0 when the symbol has none. "Above": STOP_LOSS(_LIMIT) BUY and
    /// TAKE_PROFIT(_LIMIT) SELL; "below": the other two.
    int minTrailingAboveDelta = 0, maxTrailingAboveDelta = 0, minTrailingBelowDelta = 0, maxTrailingBelowDelta = 0;
};
Result<std::vector<SymbolRules>> parseExchangeInfo(std::string_view json);

/// Binance's refusal in plain words, with the rule's numbers where the filter is known:
/// "Binance refused: Filter failure: LOT_SIZE — the quantity must be a multiple of 0.00001".
std::string describeRejection(const ApiError& error, const SymbolRules* rules = nullptr);

/// One order as Binance reports it (POST/GET order, openOrders).
struct OrderState {
    std::string symbol, clientOrderId, side, type, timeInForce, status;
    std::int64_t orderId = 0;
    std::int64_t orderListId = -1;   ///< the order list (OCO, OTOCO) it belongs to; -1 when none
    std::int64_t trailingDelta = 0;  ///< BIPS; 0 when it does not trail
    Price price, stopPrice;
    Quantity origQty, executedQty;
    Price cumQuote;  ///< cummulativeQuoteQty
    std::int64_t time = 0, updateTime = 0;
    /// A FULL answer to a new order: the trades it made on arrival (always as the taker).
    struct PlacementFill {
        std::int64_t tradeId = 0;
        Price price;
        Quantity qty, commission;
        std::string commissionAsset;
    };
    std::vector<PlacementFill> fills;
};
Result<OrderState> parseOrder(std::string_view json);
Result<std::vector<OrderState>> parseOrders(std::string_view json);

/// One of the account's trades (GET myTrades).
struct AccountTrade {
    std::string symbol, commissionAsset;
    std::int64_t id = 0, orderId = 0, time = 0;
    Price price;
    Quantity qty;
    Price quoteQty;
    Quantity commission;
    bool isBuyer = false, isMaker = false;
};
Result<std::vector<AccountTrade>> parseTrades(std::string_view json);

struct AssetBalance {
    std::string asset;
    Quantity free, locked;
};
Result<std::vector<AssetBalance>> parseAccountBalances(std::string_view json);

/// executionReport (user data stream).
struct ExecutionReport {
    std::int64_t eventTime = 0, transactTime = 0, orderId = 0, tradeId = -1;
    std::int64_t executionId = 0;    ///< `I`: unique per event of the account; a repeated one is a duplicate
    std::int64_t orderListId = -1;   ///< `g`: the order list (OCO, OTOCO) of the order; -1 when none
    std::int64_t trailingDelta = 0;  ///< `d`: BIPS when it trails
    std::string expiryReason;        ///< `eR`: why it expired ("OCO_TRIGGER", ...), when sent
    std::string symbol;
    std::string clientOrderId;      ///< `c`: for a cancel, the cancel request's id
    std::string origClientOrderId;  ///< `C`: for a cancel, the cancelled order's id; else empty
    std::string side, type, timeInForce, execType, status, rejectReason;
    Quantity qty, lastQty, cumQty;
    Price price, stopPrice, lastPrice, cumQuote;
    Quantity commission;
    std::string commissionAsset;
    bool maker = false;
    /// The order's own client id: `C` when set (cancels), else `c`.
    const std::string& orderClientId() const { return origClientOrderId.empty() ? clientOrderId : origClientOrderId; }
};

/// An order list (OCO, OTO, OTOCO) as Binance reports it: the answer of POST orderList/*, GET
/// orderList, GET openOrderList, DELETE orderList, and the `listStatus` user-data event.
struct OrderListState {
    std::int64_t orderListId = -1;
    std::string contingencyType;   ///< "OCO", "OTO"
    std::string listStatusType;    ///< RESPONSE, EXEC_STARTED, UPDATED, ALL_DONE
    std::string listOrderStatus;   ///< EXECUTING, ALL_DONE, REJECT
    std::string listRejectReason;  ///< "NONE" or Binance's reason
    std::string listClientOrderId;
    std::string symbol;
    std::int64_t transactionTime = 0;
    struct Leg {
        std::string symbol, clientOrderId;
        std::int64_t orderId = 0;
    };
    std::vector<Leg> orders;
    std::vector<OrderState> orderReports;  ///< POST answers with RESULT/FULL: each leg's state
};
Result<OrderListState> parseOrderList(std::string_view json);
Result<std::vector<OrderListState>> parseOrderLists(std::string_view json);

/// One user-data message: {"subscriptionId":N,"event":{...}}.
struct UserEvent {
    enum class Kind : std::uint8_t { Execution = 1, AccountPosition, BalanceUpdate, StreamTerminated, ListStatus, Other };
    Kind kind = Kind::Other;
    int subscriptionId = -1;
    std::string eventType;  ///< `e`
    ExecutionReport execution;
    OrderListState list;                 ///< ListStatus
    std::vector<AssetBalance> balances;  ///< AccountPosition
    std::int64_t updateTimeMs = 0;       ///< AccountPosition `u`: time of the account's last update
    std::string balanceAsset;            ///< BalanceUpdate
    std::string balanceDelta;            ///< BalanceUpdate, as sent
};

/// A WebSocket API message: either an event or the answer to a request.
struct WsMessage {
    bool isEvent = false;
    UserEvent event;
    std::string id;  ///< answer: the request id
    int status = 0;  ///< answer: HTTP-like status
    std::optional<ApiError> error;
    int subscriptionId = -1;  ///< answer to a subscribe: the new subscription
};
Result<WsMessage> parseWsMessage(std::string_view json);

}  // namespace kairos::live
