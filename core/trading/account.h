#pragma once
// Account: one trading account on one venue — the only place where a venue's events become the
// account's state. For every batch of events from its venue (IVenueListener) it
//   1. journals them durably (IJournal, e.g. PaperStore's SQLite transaction) — write before
//      announce, so a crash never shows a fill that is not on disk;
//   2. books the fills into its Portfolio ledger and keeps its order and fill history;
//   3. announces them: Qt signals for widgets, observers (plain callbacks, same thread) for the
//      backtest engine and strategy runners.
// Paper, backtest and (later) live accounts are this class over different venues and journals.
//
// Orders go out through the account's OrderGateway (the single path into the venue, with the
// pre-trade checks); submit/cancel/amend/closePosition below are that path.
//
// Events are announced in the order they happened: an event raised while another is being
// announced (an observer reacting with a new order) is queued behind it. A batch whose journal
// write fails (a full disk) is reported (storageFailed) and written again, in order, with the next.
//
// Thread: the venue's (GUI thread for paper, the worker thread for a backtest).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "trading/accountinfo.h"
#include "trading/clock.h"
#include "trading/journal.h"
#include "trading/order.h"
#include "trading/ordergateway.h"
#include "trading/portfolio.h"
#include "trading/venue.h"
#include "util/result.h"

#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kairos::trading {

class Account : public QObject, public IVenueListener {
    Q_OBJECT
public:
    /// `venue` and `clock` must outlive the account; `journal` may be null (nothing persisted).
    /// `startingCash` is used when the journal holds no account yet (or there is none).
    Account(AccountInfo info, IVenue& venue, const IClock& clock, IJournal* journal, Money startingCash,
            QObject* parent = nullptr);
    ~Account() override;

    /// Loads the journal (creating the account on first use) and gives the venue back its open
    /// orders. Error when the stored data cannot be read; the account then runs in memory from a
    /// fresh ledger and writes nothing, so the stored data is left untouched.
    Status open();

    const AccountInfo& info() const { return m_info; }
    /// Renames the account in memory (storing the name is the caller's); emits infoChanged().
    void setName(const std::string& name);
    /// The account's name as orders are confirmed with ("PAPER").
    QString name() const { return QString::fromStdString(m_info.name); }
    /// The venue, to read prices and rules (orders go through gateway()).
    const IVenue& venue() const { return m_venue; }
    /// The single path of this account's orders into its venue (add pre-trade checks here).
    OrderGateway& gateway() { return m_gateway; }
    const IClock& clock() const { return m_clock; }
    bool isPersistent() const { return m_journal != nullptr; }
    /// The last storage or booking failure ("" when none): the UI shows it.
    QString storageError() const { return m_storageError; }

    // Orders: all through the gateway. The events returned are those of the call.
    OrderEvents submit(OrderRequest request);
    Result<OrderEvents> cancel(OrderId id);
    Result<OrderEvents> amend(OrderId id, const Price& price);
    OrderEvents cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason);
    /// A market order for the whole open position of `id` on the other side; Error when flat.
    Result<OrderEvents> closePosition(const InstrumentId& id);
    /// Deletes every order and fill and starts again with `startingCash` (simulated venues only).
    Status reset(const Money& startingCash);

    /// One asset an exchange holds for the account, as a position of `instrument` (<asset><quote>).
    struct Holding {
        InstrumentId instrument;
        Quantity quantity;           ///< what the exchange holds (free + locked)
        std::optional<Price> price;  ///< values a holding the ledger did not have (else it is left out)
    };
    /// Exchange accounts: the exchange is the truth of cash and holdings. Sets the ledger's cash to
    /// `cash` (the quote asset's balance) and each holding's position to its quantity: a position that
    /// changes keeps its average entry (a commission taken in the base asset, a sale elsewhere); a new
    /// one is valued at its price (no unrealized P&L at adoption). Realized P&L and fees are kept, so
    /// the paper identity equity = start + realized + unrealized - fees no longer holds for such an
    /// account. Not journaled: the venue reads the balances again at every start. Emits
    /// portfolioChanged() when something changed.
    void syncBalances(const Money& cash, const std::vector<Holding>& holdings);

    // State.
    const Portfolio& portfolio() const { return m_portfolio; }
    /// Every order (by id, so newest last), including final ones.
    std::vector<Order> orders() const;
    std::vector<Order> openOrders() const { return m_venue.openOrders(); }
    std::optional<Order> order(OrderId id) const;
    /// Every fill, oldest first.
    const std::vector<Fill>& fills() const { return m_fills; }

    // Reads through to the venue (for the widgets).
    const Instrument* instrument(const InstrumentId& id) const { return m_venue.instrument(id); }
    std::optional<Price> lastPrice(const InstrumentId& id) const { return m_venue.lastPrice(id); }
    std::optional<Quote> lastQuote(const InstrumentId& id) const { return m_venue.lastQuote(id); }
    std::optional<Trade> lastTrade(const InstrumentId& id) const { return m_venue.lastTrade(id); }

    /// Called for every announced event after the ledger has booked it, in registration order.
    void addObserver(std::function<void(const OrderEvent&)> observer);

    // IVenueListener (the venue calls these). A fill with order id 0 is a booking without a venue
    // order (a backtest's close at the end of the data).
    void onOrderEvents(const OrderEvents& events) override;
    void onPrice(const InstrumentId& instrument, const std::optional<Price>& mark) override;

Q_SIGNALS:
    /// An order changed (accepted, rejected, triggered, filled, cancelled, amended).
    void orderUpdated(const kairos::trading::Order& order);
    void filled(const kairos::trading::Fill& fill);
    /// Cash or positions changed (a fill was booked, or the account was reset).
    void portfolioChanged();
    /// Only the mark price of an open position changed: once per price event of an instrument
    /// with an open position, so receivers should coalesce.
    void marksChanged();
    /// reset() emptied every order and fill.
    void accountReset();
    /// The account's info (its name) changed.
    void infoChanged();
    /// A new price for `id` from the venue.
    void priceChanged(const kairos::InstrumentId& id);
    /// Writing the journal (or booking a fill) failed; the account keeps running in memory and
    /// writes what was not saved with the next change.
    void storageFailed(const QString& message);

private:
    void announce(const OrderEvent& e, bool& booked);

    AccountInfo m_info;
    IVenue& m_venue;
    const IClock& m_clock;
    IJournal* m_journal;
    Money m_startingCash;
    OrderGateway m_gateway;
    Portfolio m_portfolio;
    std::vector<Fill> m_fills;
    std::map<OrderId, Order> m_orders;  // last announced state of every order
    OrderEvents m_unsaved;              // changes a failed write could not store yet
    std::deque<OrderEvent> m_queue;     // events waiting to be announced (FIFO)
    bool m_announcing = false;
    OrderId m_nextOrderId = 1;
    std::uint64_t m_nextFillId = 1;
    std::vector<std::function<void(const OrderEvent&)>> m_observers;
    QString m_storageError;
};

}  // namespace kairos::trading

Q_DECLARE_METATYPE(kairos::trading::Order)
Q_DECLARE_METATYPE(kairos::trading::Fill)
