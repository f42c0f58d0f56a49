#pragma once
// TradeJournal: every closed trade of every account of a profile, derived from the stored orders
// and fills (PaperStore's tables account_orders / account_fills), with what opened each trade
// (its origin) and the user's notes and tags (profile schema 10: tables order_origins and
// trade_annotations).
//
// What a closed trade is (deriveClosedTrades below):
// * A round trip from flat to flat of one instrument on one account. Fills are taken in fill-id
//   order (the order they happened). The first fill from flat opens the trade and gives its side
//   (Buy: long, Sell: short); fills on the same side add to it (scale-in); fills on the other side
//   reduce it; the trade closes when the position is flat again. Partial closes therefore stay in
//   one trade: its exit price is the quantity-weighted average of every reducing fill, its entry
//   price the average of every increasing fill.
// * A fill larger than the open position (a reversal) is split: the part that flattens closes the
//   trade, the rest opens the next one at the same price. Its fee is split pro rata to quantity
//   (half-to-even at the fee's scale; the opening part takes what is left, so no unit is lost).
// * P&L is gross of fees and exact: exit notional - entry notional for a long, the reverse for a
//   short. Over a round trip this equals what the Portfolio ledger (average cost, the last unit
//   takes what is left) books as realized P&L, to the last unit. Fees are every fee of the trade's
//   fills; net P&L = P&L - fees.
// * Initial risk exists when the entry order had a stop: its bracket's stop-loss, else a
//   stop-loss order linked to it (a bracket child with parentId = the entry order). Risk =
//   |entry price - stop| x entry quantity. The R multiple = P&L / initial risk (gross of fees, so a
//   stop filled exactly at its price is -1.00R, as the signal history counts it); empty without a
//   stop.
// * A position still open is not a closed trade (it is not listed).
//
// The trade's id is the fill id of its first fill (unique per account); annotations are keyed by
// (account, trade id, entry time) so that an account reset (ids start again) orphans them instead
// of attaching them to a different trade. Origins are keyed by (account, order id, the order's
// creation time) for the same reason.
//
// Thread: one TradeJournal per thread, as the Database. Reading is O(fills) per call; nothing is
// cached (the stored fills are the truth).

#include "domain/decimal.h"
#include "domain/instrument.h"
#include "trading/accountinfo.h"
#include "trading/order.h"
#include "util/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::trading {

struct ClosedTrade {
    std::int64_t accountId = 0;
    std::string accountName;
    std::uint64_t tradeId = 0;  ///< fill id of the first fill
    InstrumentId instrument;
    Side side = Side::Buy;  ///< Buy: a long trade, Sell: a short one
    OrderId entryOrderId = 0;
    Quantity quantity;  ///< total entry quantity (= total exit quantity)
    Price entryPrice;   ///< quantity-weighted average of the entry fills (HalfEven at the fills' price scale)
    Price exitPrice;    ///< same over the exit fills
    std::int64_t entryTimeMs = 0;
    std::int64_t exitTimeMs = 0;
    Money pnl;                         ///< gross of fees
    Money fees;                        ///< every fee of the trade's fills
    Money netPnl;                      ///< pnl - fees
    std::optional<Price> stopLoss;     ///< the entry's stop when it had one
    std::optional<Money> initialRisk;  ///< |entry - stop| x quantity
    std::optional<double> rMultiple;   ///< pnl / initialRisk
    std::string exitKind;              ///< "stop-loss", "take-profit", "order" (any other order), "booking" (no venue order)
    std::string origin = "manual";     ///< "manual", "signal #12", "strategy SMA cross", "alert #3"
    std::string notes;
    std::vector<std::string> tags;
    std::vector<std::uint64_t> fillIds;

    std::int64_t durationMs() const { return exitTimeMs - entryTimeMs; }
    bool isLong() const { return side == Side::Buy; }
};

/// Closed trades from one account's orders and fills (the rules above), oldest exit first. Money
/// values at `moneyScale`. Error names the fill whose values overflow.
Result<std::vector<ClosedTrade>> deriveClosedTrades(const std::vector<Order>& orders, const std::vector<Fill>& fills,
                                                    int moneyScale);

/// Which trades to list; every set field must match.
struct TradeFilter {
    std::optional<std::int64_t> accountId{};
    std::optional<InstrumentId> instrument{};
    std::optional<std::int64_t> fromMs{};  ///< exit time >= fromMs
    std::optional<std::int64_t> toMs{};    ///< exit time < toMs
    std::optional<Side> side{};
    std::string tag{};   ///< one of the trade's tags (case-insensitive); "" = any
    std::string text{};  ///< case-insensitive substring of instrument, origin, notes, tags or account; "" = any
};
bool matches(const ClosedTrade& trade, const TradeFilter& filter);

/// Tags as typed ("breakout, news  ,Breakout") -> trimmed, empty ones dropped, duplicates
/// (case-insensitive) dropped, first spelling kept: {"breakout", "news"}.
std::vector<std::string> normalizeTags(const std::string& text);

/// RFC 4180 CSV with a header row: exact decimals (as stored, never rounded through double),
/// times ISO-8601 UTC with milliseconds ("2020-09-21T05:00:00.000Z"), R with 4 decimals, tags
/// joined with "; ". Columns: account, trade_id, instrument, side, quantity, entry_time,
/// entry_price, exit_time, exit_price, pnl, fees, net_pnl, stop_loss, initial_risk, r_multiple,
/// duration_s, exit, origin, tags, notes.
std::string toCsv(const std::vector<ClosedTrade>& trades);

class TradeJournal {
public:
    /// `db` must outlive the journal.
    explicit TradeJournal(storage::Database& db);

    /// Closed trades of every account of the profile matching `filter`, oldest exit first, with
    /// origins, notes and tags. Error when stored orders or fills cannot be read.
    Result<std::vector<ClosedTrade>> trades(const TradeFilter& filter = {}) const;
    /// Starting cash of the accounts `accountId` selects (all when empty), for equity curves.
    Result<Money> startingCash(std::optional<std::int64_t> accountId) const;

    /// Records what opened `order` (sent by `accountId`): "manual", "signal #12", "strategy X",
    /// "alert #3". Error when `origin` is empty or longer than 200 characters, or on a write error.
    Status setOrigin(std::int64_t accountId, const Order& order, const std::string& origin);
    /// The recorded origin of an order, or nullopt.
    Result<std::optional<std::string>> origin(std::int64_t accountId, const Order& order) const;

    /// Stores the user's notes and tags (normalizeTags) of a trade, replacing earlier ones. Error on
    /// notes longer than 10000 characters, a tag longer than 50, or a write error (nothing changed).
    Status annotate(const ClosedTrade& trade, const std::string& notes, const std::vector<std::string>& tags);

    /// Writes toCsv(trades) to `path` atomically (a crash leaves the old file or the new one).
    static Status exportCsv(const std::vector<ClosedTrade>& trades, const std::string& path);

    /// The id of a stored signal in the signal history (the "#id" of "signal #id"), by its series
    /// and bar; nullopt when it is not stored. `timeframe` as the history spells it ("1h").
    Result<std::optional<std::int64_t>> signalId(const InstrumentId& id, const std::string& timeframe,
                                                 std::int64_t barOpenMs) const;

private:
    storage::Database& m_db;
};

}  // namespace kairos::trading
