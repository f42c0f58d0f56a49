#pragma once
// PaperVenue: paper trading against the terminal's prices (live exchange feeds or the bundled
// replay). It holds the orders (a FillSimulator in quotes/trades mode), the account (a
// Portfolio) and, when given a database, keeps both in the profile's SQLite (PaperStore): every
// batch of order changes is written in one transaction before it is announced, so open orders,
// fills and positions survive a restart or a crash.
//
// Time: an order is stamped with the time of the latest price of its instrument (the replay
// clock when replaying, the exchange's event time when live), so that resting orders meet the
// prices that come after them whatever the clock. Orders for an instrument with no price yet
// are refused (there is nothing to fill or value them against).
//
// Thread: the GUI thread's event loop (slots connected to the feeds' signals).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/fillsimulator.h"
#include "trading/order.h"
#include "trading/portfolio.h"
#include "util/result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::trading {

class PaperStore;

struct PaperSettings {
    SimulatorConfig simulator;
    Money startingCash = Money::fromRaw(10000, 0);  ///< in the quote (account) currency, e.g. USDT
};

class PaperVenue : public QObject {
    Q_OBJECT
public:
    /// `db` may be null (nothing persisted: the session's memory only); it must outlive this.
    PaperVenue(storage::Database* db, PaperSettings settings, QObject* parent = nullptr);
    ~PaperVenue() override;

    /// Loads the stored account, orders and fills (creating the account on first use). Error
    /// when the stored data cannot be read; the venue then runs in memory from a fresh account
    /// and writes nothing, so the stored data is left untouched for a later version or repair.
    Status open();
    bool isPersistent() const { return m_store != nullptr; }
    /// "PAPER": the name orders are confirmed with.
    static QString name() { return QStringLiteral("PAPER"); }

    /// Supplies the trading rules of instruments the venue has not seen yet (venue lists,
    /// defaults for the bundled replay). Without rules, orders are rejected with a reason.
    void setInstrumentResolver(std::function<std::optional<Instrument>(const InstrumentId&)> resolver);
    /// The rules in use for `id` (asks the resolver the first time); nullptr when unknown.
    const Instrument* instrument(const InstrumentId& id);

    /// Validates and places an order; the events say what happened (Accepted/Rejected and any
    /// immediate fills). Also announced through the signals below.
    OrderEvents submit(OrderRequest request);
    Result<OrderEvents> cancel(OrderId id);
    /// Moves an open limit/stop order's price (FillSimulator::amend); stored, then announced.
    Result<OrderEvents> amend(OrderId id, const Price& price);
    /// A market order for the whole open position of `id` on the other side; Error when flat.
    Result<OrderEvents> closePosition(const InstrumentId& id);
    /// Deletes every order and fill and starts again with `startingCash`.
    Status reset(const Money& startingCash);

    const Portfolio& portfolio() const { return m_portfolio; }
    const FillSimulator& simulator() const { return *m_sim; }
    std::vector<Order> openOrders() const { return m_sim->openOrders(); }
    /// Every order (by id, so newest last), including final ones.
    std::vector<Order> orders() const;
    /// Every fill, oldest first.
    const std::vector<Fill>& fills() const { return m_fills; }

    std::optional<Quote> lastQuote(const InstrumentId& id) const;
    std::optional<Trade> lastTrade(const InstrumentId& id) const;
    /// The latest price this venue has for `id` (last trade, else quote mid).
    std::optional<Price> lastPrice(const InstrumentId& id) const;
    /// The last storage failure ("" when none): the UI shows it.
    QString storageError() const { return m_storageError; }

public Q_SLOTS:
    void onTrade(const kairos::InstrumentId& id, const kairos::Trade& trade);
    void onQuote(const kairos::InstrumentId& id, const kairos::Quote& quote);

Q_SIGNALS:
    /// An order changed (accepted, rejected, triggered, filled, cancelled).
    void orderUpdated(const kairos::trading::Order& order);
    void filled(const kairos::trading::Fill& fill);
    /// Cash or positions changed (a fill was booked, or the account was reset).
    void portfolioChanged();
    /// Only the mark price of an open position changed (unrealized P&L, equity): once per price
    /// event of an instrument with an open position, so receivers should coalesce.
    void marksChanged();
    /// reset() emptied every order and fill.
    void accountReset();
    /// A new price for `id` (trade or quote).
    void priceChanged(const kairos::InstrumentId& id);
    /// Writing to the profile database failed; the venue keeps running in memory and writes what
    /// was not saved with the next change (so the journal catches up once the disk has room).
    void storageFailed(const QString& message);

private:
    void handle(const OrderEvents& events);
    std::int64_t nowFor(const InstrumentId& id) const;

    storage::Database* m_db;
    PaperSettings m_settings;
    std::unique_ptr<PaperStore> m_store;
    std::unique_ptr<FillSimulator> m_sim;
    Portfolio m_portfolio;
    std::vector<Fill> m_fills;
    std::vector<Order> m_finalOrders;  // final orders read back from storage (the simulator holds open ones)
    OrderEvents m_unsaved;             // changes a failed write could not store yet (written with the next batch)
    std::function<std::optional<Instrument>(const InstrumentId&)> m_resolver;
    std::unordered_map<InstrumentId, Instrument> m_instruments;  // rules seen, kept across reset()
    std::unordered_map<InstrumentId, Quote> m_quotes;
    std::unordered_map<InstrumentId, Trade> m_trades;
    std::unordered_map<InstrumentId, std::int64_t> m_lastEventMs;
    QString m_storageError;
};

}  // namespace kairos::trading

Q_DECLARE_METATYPE(kairos::trading::Order)
Q_DECLARE_METATYPE(kairos::trading::Fill)
