#pragma once
// BacktestVenue: the venue port (trading/venue.h) over a FillSimulator in bars mode, driven by the
// backtest engine one bar at a time on a backtest clock. The engine's Account books its events
// exactly as a paper account books the paper venue's.
//
// Fast path: a bar that arrives while the simulator holds no open order cannot fill anything; the
// simulator would only note it (the instrument's last bar time and close, its reference price for
// the next order). Such bars are not handed over one by one: the venue keeps the newest of them per
// instrument and gives it to the simulator before the next call that could read it (submit, cancel,
// amend, restore, or a bar that meets open orders), so the simulator ends in the very state the
// bar-by-bar calls give and every event is the same. The listener still hears every close.
//
// Thread: the backtest's worker thread; not thread-safe.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/clock.h"
#include "trading/fillsimulator.h"
#include "trading/venue.h"

#include <optional>
#include <vector>

namespace kairos::trading {

class BacktestVenue final : public IVenue {
public:
    /// `clock` (the backtest clock, moved by the engine) must outlive the venue.
    BacktestVenue(SimulatorConfig config, const IClock& clock);

    /// Registers the rules of an instrument (orders for others are rejected).
    void addInstrument(const Instrument& instrument) { m_sim.addInstrument(instrument); }
    /// Matches the working orders against a closed bar (fills go to the listener), then reports
    /// the bar's close as the mark price.
    void onBar(const InstrumentId& id, const Bar& bar);
    /// Whether any order is working (a bar can fill something only then).
    bool hasOpenOrders() const { return m_sim.hasOpenOrders(); }
    /// A bar for a caller whose listener holds no position in `id` (so the close values nothing
    /// in its ledger): with no order working, noted as onBar notes it (lastPrice, the simulator's
    /// state) without telling the listener the close; with one working, onBar. The backtest
    /// engine's fast path.
    void onQuietBar(const InstrumentId& id, const Bar& bar);

    std::string name() const override { return "BACKTEST"; }
    void setListener(IVenueListener* listener) override { m_listener = listener; }
    const VenueRules& rules() const override { return m_sim.config().rules; }
    const Instrument* instrument(const InstrumentId& id) const override { return m_sim.instrument(id); }
    std::optional<Price> lastPrice(const InstrumentId& id) const override;
    std::optional<Quote> lastQuote(const InstrumentId&) const override { return std::nullopt; }
    std::optional<Trade> lastTrade(const InstrumentId&) const override { return std::nullopt; }
    std::vector<Order> openOrders() const override { return m_sim.openOrders(); }
    std::optional<Order> order(OrderId id) const override { return m_sim.order(id); }

private:
    OrderEvents submit(const OrderRequest& request) override;
    Result<OrderEvents> cancel(OrderId id) override;
    OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) override;
    Result<OrderEvents> amend(OrderId id, const Price& price) override;
    Status restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) override;
    Status resetOrders() override;
    void deliver(const OrderEvents& events);

    /// One instrument's prices: its last close and the newest bar the simulator has not seen yet
    /// (its open time and close: all a simulator without open orders reads of a bar).
    struct Market {
        InstrumentId id;
        Price close;
        bool hasPending = false;
        std::int64_t pendingOpenMs = 0;
        Price pendingClose;
    };
    Market& market(const InstrumentId& id);
    const Market* findMarket(const InstrumentId& id) const;
    /// Keeps `bar` for the simulator (see the file comment).
    void defer(Market& m, const Bar& bar);
    /// Hands the deferred bars to the simulator.
    void flush();

    const IClock& m_clock;
    IVenueListener* m_listener = nullptr;
    FillSimulator m_sim;
    std::vector<Market> m_markets;  // by first bar; a backtest has one or a few
    std::size_t m_lastMarket = 0;   // the one used last (bars come in runs of one instrument)
    bool m_hasPending = false;
};

}  // namespace kairos::trading
