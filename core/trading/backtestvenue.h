#pragma once
// BacktestVenue: the venue port (trading/venue.h) over a FillSimulator in bars mode, driven by the
// backtest engine one bar at a time on a backtest clock. The engine's Account books its events
// exactly as a paper account books the paper venue's.
//
// Thread: the backtest's worker thread; not thread-safe.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/clock.h"
#include "trading/fillsimulator.h"
#include "trading/venue.h"

#include <optional>
#include <unordered_map>

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

    const IClock& m_clock;
    IVenueListener* m_listener = nullptr;
    FillSimulator m_sim;
    std::unordered_map<InstrumentId, Price> m_closes;
};

}  // namespace kairos::trading
