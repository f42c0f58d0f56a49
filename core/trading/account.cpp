#include "trading/account.h"

#include <algorithm>

namespace kairos::trading {

Account::Account(AccountInfo info, IVenue& venue, const IClock& clock, IJournal* journal, Money startingCash, QObject* parent)
    : QObject(parent),
      m_info(std::move(info)),
      m_venue(venue),
      m_clock(clock),
      m_journal(journal),
      m_startingCash(startingCash),
      m_gateway(venue, clock),
      m_portfolio(startingCash, venue.rules().moneyScale) {
    qRegisterMetaType<kairos::trading::Order>();
    qRegisterMetaType<kairos::trading::Fill>();
    m_venue.setListener(this);
}

Account::~Account() { m_venue.setListener(nullptr); }

Status Account::open() {
    const int ms = m_venue.rules().moneyScale;
    m_portfolio = Portfolio(m_startingCash, ms);
    m_fills.clear();
    m_orders.clear();
    m_storageError.clear();
    if (!m_journal) return {};
    auto fail = [this](const std::string& why) -> Status {
        m_journal = nullptr;  // leave what is stored untouched
        m_storageError = QString::fromStdString(why);
        return makeError(why);
    };
    auto snap = m_journal->load();
    if (!snap) return fail(m_info.name + " account data could not be read: " + snap.message());
    if (!snap->exists) {
        auto cash = m_startingCash.rescaled(ms, RoundingMode::HalfEven);
        if (!cash) return fail("starting cash: " + cash.message());
        if (auto s = m_journal->createAccount(*cash, m_clock.nowMs()); !s)
            return fail(m_info.name + " account could not be created: " + s.message());
        m_portfolio = Portfolio(*cash, ms);
        return {};
    }
    auto book = snap->portfolio();
    if (!book) return fail(book.message());
    if (auto s = m_venue.restore(snap->openOrders(), snap->nextOrderId, snap->nextFillId); !s)
        return fail("stored " + m_info.name + " orders: " + s.message());
    m_portfolio = std::move(*book);
    m_fills = std::move(snap->fills);
    m_nextOrderId = snap->nextOrderId;
    m_nextFillId = snap->nextFillId;
    for (Order& o : snap->orders) m_orders[o.id] = std::move(o);
    return {};
}

void Account::setName(const std::string& name) {
    if (m_info.name == name) return;
    m_info.name = name;
    Q_EMIT infoChanged();
}

OrderEvents Account::submit(OrderRequest request) { return m_gateway.submit(std::move(request)); }

Result<OrderEvents> Account::cancel(OrderId id) { return m_gateway.cancel(id); }

Result<OrderEvents> Account::amend(OrderId id, const Price& price) { return m_gateway.amend(id, price); }

OrderEvents Account::cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) {
    return m_gateway.cancelAll(instrument, reason);
}

Result<OrderEvents> Account::closePosition(const InstrumentId& id) {
    const Position* p = m_portfolio.position(id);
    if (!p || p->isFlat()) return makeError("there is no open " + m_info.name + " position in " + id.toString());
    OrderRequest r;
    r.instrument = id;
    r.side = p->isLong() ? Side::Sell : Side::Buy;
    r.type = OrderType::Market;
    r.quantity = p->isLong() ? p->quantity : p->quantity.negated();
    return submit(std::move(r));
}

Status Account::reset(const Money& startingCash) {
    const int ms = m_venue.rules().moneyScale;
    auto cash = startingCash.rescaled(ms, RoundingMode::HalfEven);
    if (!cash) return makeError("starting cash: " + cash.message());
    if (m_journal)
        if (auto s = m_journal->reset(*cash, m_clock.nowMs()); !s) return s;
    if (auto s = m_venue.resetOrders(); !s) return s;
    m_startingCash = *cash;
    m_portfolio = Portfolio(*cash, ms);
    m_fills.clear();
    m_orders.clear();
    m_unsaved.clear();
    m_queue.clear();
    Q_EMIT accountReset();
    Q_EMIT portfolioChanged();
    return {};
}

void Account::syncBalances(const Money& cash, const std::vector<Holding>& holdings) {
    const int ms = m_portfolio.moneyScale();
    auto newCash = cash.rescaled(ms, RoundingMode::HalfEven);
    bool changed = newCash && *newCash != m_portfolio.cash();
    std::map<InstrumentId, Position> positions;
    for (const Position& p : m_portfolio.allPositions()) positions[p.instrument] = p;
    for (const Holding& h : holdings) {
        auto it = positions.find(h.instrument);
        if (it != positions.end() && it->second.quantity == h.quantity) continue;
        if (it != positions.end() && !it->second.isFlat()) {
            // Same average entry for what is held now.
            Position& p = it->second;
            const Price entry = p.averageEntry(ms + 4);
            auto basis = notional(entry, h.quantity, ms, RoundingMode::HalfEven);
            if (!basis) continue;
            p.quantity = h.quantity;
            p.costBasis = *basis;
            changed = true;
            continue;
        }
        if (h.quantity.isZero() || !h.price) continue;
        auto basis = notional(*h.price, h.quantity, ms, RoundingMode::HalfEven);
        if (!basis) continue;
        Position& p = positions[h.instrument];
        if (it == positions.end()) {
            p.instrument = h.instrument;
            p.realizedPnl = Money::fromRaw(0, ms);
            p.feesPaid = Money::fromRaw(0, ms);
        }
        p.quantity = h.quantity;
        p.costBasis = *basis;
        p.markPrice = *h.price;
        changed = true;
    }
    if (!changed) return;
    std::vector<Position> list;
    list.reserve(positions.size());
    for (auto& [id, p] : positions) list.push_back(std::move(p));
    m_portfolio.restore(m_portfolio.startingCash(), newCash ? *newCash : m_portfolio.cash(), list);
    Q_EMIT portfolioChanged();
}

std::vector<Order> Account::orders() const {
    std::map<OrderId, Order> all = m_orders;
    // The venue's working orders are the current truth for those still open.
    for (Order& o : m_venue.openOrders()) all[o.id] = std::move(o);
    std::vector<Order> out;
    out.reserve(all.size());
    for (auto& [id, o] : all) out.push_back(std::move(o));
    return out;
}

std::optional<Order> Account::order(OrderId id) const {
    if (auto o = m_venue.order(id)) return o;
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return std::nullopt;
    return it->second;
}

void Account::addObserver(std::function<void(const OrderEvent&)> observer) { m_observers.push_back(std::move(observer)); }

void Account::onOrderEvents(const OrderEvents& events) {
    if (events.empty()) return;
    for (const OrderEvent& e : events) {
        if (e.order.id != 0) m_nextOrderId = std::max(m_nextOrderId, e.order.id + 1);
        if (e.fill && e.fill->fillId != 0) m_nextFillId = std::max(m_nextFillId, e.fill->fillId + 1);
    }
    // Durable first, then announced: a crash after this line loses nothing the user was told.
    if (m_journal) {
        // A batch that could not be written (a full disk) is written with the next one, in order,
        // so the journal catches up once there is room instead of lacking what was shown meanwhile.
        for (const OrderEvent& e : events)
            if (e.order.id != 0) m_unsaved.push_back(e);
        if (!m_unsaved.empty()) {
            if (auto s = m_journal->record(m_unsaved, m_nextOrderId, m_nextFillId); !s) {
                m_storageError = QString::fromStdString(m_info.name + " trading could not be saved: " + s.message());
                Q_EMIT storageFailed(m_storageError);
            } else {
                m_unsaved.clear();
            }
        }
    }
    m_queue.insert(m_queue.end(), events.begin(), events.end());
    if (m_announcing) return;  // the outer call announces these after what it is announcing
    m_announcing = true;
    bool booked = false;
    while (!m_queue.empty()) {
        const OrderEvent e = std::move(m_queue.front());
        m_queue.pop_front();
        announce(e, booked);
    }
    m_announcing = false;
    if (booked) Q_EMIT portfolioChanged();
}

void Account::announce(const OrderEvent& e, bool& booked) {
    if (e.fill) {
        if (auto s = m_portfolio.applyFill(*e.fill); !s) {
            m_storageError = QString::fromStdString("fill not booked: " + s.message());
            Q_EMIT storageFailed(m_storageError);
        } else {
            m_fills.push_back(*e.fill);
            booked = true;
        }
    }
    if (e.order.id != 0) m_orders[e.order.id] = e.order;
    for (const auto& observer : m_observers) observer(e);
    if (e.order.id != 0) Q_EMIT orderUpdated(e.order);
    if (e.fill) Q_EMIT filled(*e.fill);
}

void Account::onPrice(const InstrumentId& instrument, const std::optional<Price>& mark) {
    if (mark) m_portfolio.mark(instrument, *mark);
    Q_EMIT priceChanged(instrument);
    if (const Position* p = m_portfolio.position(instrument); p && !p->isFlat()) Q_EMIT marksChanged();
}

}  // namespace kairos::trading
