#pragma once
// PaperVenue: paper trading against the terminal's prices (live exchange feeds or the bundled
// replay). It implements the venue port (trading/venue.h) over a FillSimulator: quotes/trades mode
// when fed trades and quotes, bars mode when fed closed bars only (a strategy on the replay's bars
// then fills exactly as in a backtest of those bars). Cash, positions and the journal are the
// Account's (trading/account.h); PaperAccount below puts the three together.
//
// Time: an order is stamped with the time of the latest price of its instrument (the replay
// clock when replaying, the exchange's event time when live, a bar's close when fed bars), so
// that resting orders meet the prices that come after them whatever the clock; before any price
// the injected clock is used. Orders for an instrument with no price yet are refused (there is
// nothing to fill or value them against); that refusal has order id 0 and only comes back from the
// call (it never reached the venue's book).
//
// Thread: the GUI thread's event loop (slots connected to the feeds' signals).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "trading/account.h"
#include "trading/clock.h"
#include "trading/fillsimulator.h"
#include "trading/order.h"
#include "trading/venue.h"
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

class PaperVenue : public QObject, public IVenue {
    Q_OBJECT
public:
    /// `clock` must outlive the venue.
    PaperVenue(SimulatorConfig config, const IClock& clock, QObject* parent = nullptr);
    ~PaperVenue() override;

    std::string name() const override { return "PAPER"; }
    void setListener(IVenueListener* listener) override { m_listener = listener; }
    const VenueRules& rules() const override { return m_sim->config().rules; }
    /// The rules in use for `id` (asks the resolver the first time); nullptr when unknown.
    const Instrument* instrument(const InstrumentId& id) const override;
    std::optional<Price> lastPrice(const InstrumentId& id) const override;
    std::optional<Quote> lastQuote(const InstrumentId& id) const override;
    std::optional<Trade> lastTrade(const InstrumentId& id) const override;
    std::vector<Order> openOrders() const override { return m_sim->openOrders(); }
    std::optional<Order> order(OrderId id) const override { return m_sim->order(id); }

    /// Supplies the trading rules of instruments the venue has not seen yet (venue lists,
    /// defaults for the bundled replay). Without rules, orders are rejected with a reason.
    void setInstrumentResolver(std::function<std::optional<Instrument>(const InstrumentId&)> resolver);

public Q_SLOTS:
    void onTrade(const kairos::InstrumentId& id, const kairos::Trade& trade);
    void onQuote(const kairos::InstrumentId& id, const kairos::Quote& quote);
    /// A bar of `tf`; only closed bars are matched (bars mode), forming ones are ignored.
    void onBar(const kairos::InstrumentId& id, kairos::Timeframe tf, const kairos::Bar& bar);

private:
    OrderEvents submit(const OrderRequest& request) override;
    Result<OrderEvents> cancel(OrderId id) override;
    OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) override;
    Result<OrderEvents> amend(OrderId id, const Price& price) override;
    Status restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) override;
    Status resetOrders() override;

    void deliver(const OrderEvents& events);
    std::int64_t nowFor(const InstrumentId& id) const;

    const IClock& m_clock;
    IVenueListener* m_listener = nullptr;
    std::unique_ptr<FillSimulator> m_sim;
    std::function<std::optional<Instrument>(const InstrumentId&)> m_resolver;
    mutable std::unordered_map<InstrumentId, Instrument> m_instruments;  // rules seen, kept across a reset
    std::unordered_map<InstrumentId, Quote> m_quotes;
    std::unordered_map<InstrumentId, Trade> m_trades;
    std::unordered_map<InstrumentId, Price> m_closes;
    std::unordered_map<InstrumentId, std::int64_t> m_lastEventMs;
};

/// A paper account ready to use: the paper venue, its journal in the profile database (when one is
/// given) and the Account over them, with the wall clock unless another is given.
class PaperAccount : public QObject {
    Q_OBJECT
public:
    /// `db` may be null (nothing persisted); it and `clock` must outlive this.
    PaperAccount(storage::Database* db, PaperSettings settings, const IClock* clock = nullptr, AccountInfo info = {},
                 QObject* parent = nullptr);
    ~PaperAccount() override;

    /// Account::open().
    Status open() { return m_account->open(); }
    PaperVenue& venue() { return *m_venue; }
    Account& account() { return *m_account; }
    const Account& account() const { return *m_account; }

private:
    WallClock m_wallClock;
    std::unique_ptr<PaperStore> m_store;
    std::unique_ptr<PaperVenue> m_venue;
    std::unique_ptr<Account> m_account;
};

}  // namespace kairos::trading
