#include "trading/papervenue.h"

#include "trading/paperstore.h"

#include <QDateTime>

#include <algorithm>

namespace kairos::trading {

PaperVenue::PaperVenue(storage::Database* db, PaperSettings settings, QObject* parent)
    : QObject(parent),
      m_db(db),
      m_settings(settings),
      m_sim(std::make_unique<FillSimulator>(m_settings.simulator)),
      m_portfolio(m_settings.startingCash, m_settings.simulator.rules.moneyScale) {
    qRegisterMetaType<kairos::trading::Order>();
    qRegisterMetaType<kairos::trading::Fill>();
}

PaperVenue::~PaperVenue() = default;

Status PaperVenue::open() {
    const int ms = m_settings.simulator.rules.moneyScale;
    m_sim = std::make_unique<FillSimulator>(m_settings.simulator);
    m_portfolio = Portfolio(m_settings.startingCash, ms);
    m_fills.clear();
    m_storageError.clear();
    if (!m_db) return {};
    m_store = std::make_unique<PaperStore>(*m_db);
    auto fail = [this](const std::string& why) -> Status {
        m_store.reset();  // leave what is stored untouched
        m_storageError = QString::fromStdString(why);
        return makeError(why);
    };
    auto snap = m_store->load();
    if (!snap) return fail("paper trading data could not be read: " + snap.message());
    if (!snap->exists) {
        auto cash = m_settings.startingCash.rescaled(ms, RoundingMode::HalfEven);
        if (!cash) return fail("starting cash: " + cash.message());
        if (auto s = m_store->createAccount(*cash, QDateTime::currentMSecsSinceEpoch()); !s)
            return fail("paper account could not be created: " + s.message());
        m_portfolio = Portfolio(*cash, ms);
        return {};
    }
    auto book = snap->portfolio();
    if (!book) return fail(book.message());
    if (auto s = m_sim->restore(snap->openOrders(), snap->nextOrderId, snap->nextFillId); !s)
        return fail("stored paper orders: " + s.message());
    m_portfolio = std::move(*book);
    m_fills = std::move(snap->fills);
    for (Order& o : snap->orders)
        if (!o.isOpen()) m_finalOrders.push_back(std::move(o));
    // Rules for the instruments of the restored orders, so that they can fill.
    for (const Order& o : m_sim->openOrders()) instrument(o.request.instrument);
    return {};
}

void PaperVenue::setInstrumentResolver(std::function<std::optional<Instrument>(const InstrumentId&)> resolver) {
    m_resolver = std::move(resolver);
    for (const Order& o : m_sim->openOrders()) instrument(o.request.instrument);
}

const Instrument* PaperVenue::instrument(const InstrumentId& id) {
    if (const Instrument* i = m_sim->instrument(id)) return i;
    if (!m_resolver) return nullptr;
    auto found = m_resolver(id);
    if (!found) return nullptr;
    m_sim->addInstrument(*found);
    m_instruments[id] = *found;
    return m_sim->instrument(id);
}

std::vector<Order> PaperVenue::orders() const {
    std::vector<Order> all = m_finalOrders;
    std::vector<Order> live = m_sim->allOrders();
    all.insert(all.end(), std::make_move_iterator(live.begin()), std::make_move_iterator(live.end()));
    std::sort(all.begin(), all.end(), [](const Order& a, const Order& b) { return a.id < b.id; });
    return all;
}

std::int64_t PaperVenue::nowFor(const InstrumentId& id) const {
    auto it = m_lastEventMs.find(id);
    return it != m_lastEventMs.end() ? it->second : QDateTime::currentMSecsSinceEpoch();
}

OrderEvents PaperVenue::submit(OrderRequest request) {
    instrument(request.instrument);
    if (!lastPrice(request.instrument)) {
        Order o;
        o.request = std::move(request);
        o.status = OrderStatus::Rejected;
        o.rejectReason = "no price for " + o.request.instrument.toString() +
            " has arrived yet: paper orders fill against the terminal's prices; wait for the first trade or quote";
        o.createdMs = o.updatedMs = QDateTime::currentMSecsSinceEpoch();
        return {OrderEvent{OrderEventKind::Rejected, o, std::nullopt}};
    }
    const std::int64_t now = nowFor(request.instrument);
    OrderEvents events = m_sim->submit(std::move(request), now);
    handle(events);
    return events;
}

Result<OrderEvents> PaperVenue::cancel(OrderId id) {
    const auto o = m_sim->order(id);
    auto r = m_sim->cancel(id, o ? nowFor(o->request.instrument) : QDateTime::currentMSecsSinceEpoch());
    if (r) handle(*r);
    return r;
}

Result<OrderEvents> PaperVenue::amend(OrderId id, const Price& price) {
    const auto o = m_sim->order(id);
    auto r = m_sim->amend(id, price, o ? nowFor(o->request.instrument) : QDateTime::currentMSecsSinceEpoch());
    if (r) handle(*r);
    return r;
}

Result<OrderEvents> PaperVenue::closePosition(const InstrumentId& id) {
    const Position* p = m_portfolio.position(id);
    if (!p || p->isFlat()) return makeError("there is no open paper position in " + id.toString());
    OrderRequest r;
    r.instrument = id;
    r.side = p->isLong() ? Side::Sell : Side::Buy;
    r.type = OrderType::Market;
    r.quantity = p->isLong() ? p->quantity : p->quantity.negated();
    return submit(std::move(r));
}

Status PaperVenue::reset(const Money& startingCash) {
    const int ms = m_settings.simulator.rules.moneyScale;
    auto cash = startingCash.rescaled(ms, RoundingMode::HalfEven);
    if (!cash) return makeError("starting cash: " + cash.message());
    if (m_store)
        if (auto s = m_store->reset(*cash, QDateTime::currentMSecsSinceEpoch()); !s) return s;
    m_settings.startingCash = *cash;
    auto sim = std::make_unique<FillSimulator>(m_settings.simulator);
    for (const auto& [id, inst] : m_instruments) sim->addInstrument(inst);
    // The market as last seen, so that orders fill at once again (no orders yet: nothing fills here).
    for (const auto& [id, q] : m_quotes) (void)sim->onQuote(id, q);
    for (const auto& [id, t] : m_trades) (void)sim->onTrade(id, t);
    m_sim = std::move(sim);
    m_portfolio = Portfolio(*cash, ms);
    m_fills.clear();
    m_finalOrders.clear();
    Q_EMIT accountReset();
    Q_EMIT portfolioChanged();
    return {};
}

void PaperVenue::handle(const OrderEvents& events) {
    if (events.empty()) return;
    // Durable first, then announced: a crash after this line loses nothing the user was told.
    if (m_store) {
        if (auto s = m_store->record(events, m_sim->nextOrderId(), m_sim->nextFillId()); !s) {
            m_storageError = QString::fromStdString("paper trading could not be saved: " + s.message());
            Q_EMIT storageFailed(m_storageError);
        }
    }
    bool booked = false;
    for (const auto& e : events) {
        if (e.fill) {
            if (auto s = m_portfolio.applyFill(*e.fill); !s) {
                m_storageError = QString::fromStdString("fill not booked: " + s.message());
                Q_EMIT storageFailed(m_storageError);
            } else {
                m_fills.push_back(*e.fill);
                booked = true;
            }
        }
        Q_EMIT orderUpdated(e.order);
        if (e.fill) Q_EMIT filled(*e.fill);
    }
    if (booked) Q_EMIT portfolioChanged();
}

std::optional<Quote> PaperVenue::lastQuote(const InstrumentId& id) const {
    auto it = m_quotes.find(id);
    if (it == m_quotes.end()) return std::nullopt;
    return it->second;
}

std::optional<Trade> PaperVenue::lastTrade(const InstrumentId& id) const {
    auto it = m_trades.find(id);
    if (it == m_trades.end()) return std::nullopt;
    return it->second;
}

std::optional<Price> PaperVenue::lastPrice(const InstrumentId& id) const {
    if (auto t = lastTrade(id)) return t->price;
    if (auto q = lastQuote(id)) {
        if (q->bid.isZero()) return q->ask.isZero() ? std::nullopt : std::optional<Price>(q->ask);
        if (q->ask.isZero()) return q->bid;
        auto sum = q->bid.add(q->ask);
        if (!sum) return q->bid;
        auto mid = sum->divInt(2, sum->scale() + 1, RoundingMode::HalfEven);
        return mid ? std::optional<Price>(*mid) : std::optional<Price>(q->bid);
    }
    return std::nullopt;
}

void PaperVenue::onTrade(const InstrumentId& id, const Trade& trade) {
    m_trades[id] = trade;
    m_lastEventMs[id] = std::max(m_lastEventMs[id], trade.timeMs);
    instrument(id);
    m_portfolio.mark(id, trade.price);
    handle(m_sim->onTrade(id, trade));
    Q_EMIT priceChanged(id);
    if (const Position* p = m_portfolio.position(id); p && !p->isFlat()) Q_EMIT marksChanged();
}

void PaperVenue::onQuote(const InstrumentId& id, const Quote& quote) {
    m_quotes[id] = quote;
    if (quote.timeMs != 0)
        m_lastEventMs[id] = std::max(m_lastEventMs[id], quote.timeMs);
    else
        m_lastEventMs.try_emplace(id, QDateTime::currentMSecsSinceEpoch());
    instrument(id);
    if (!m_trades.count(id))
        if (auto p = lastPrice(id)) m_portfolio.mark(id, *p);
    Quote q = quote;
    q.timeMs = m_lastEventMs[id];
    handle(m_sim->onQuote(id, q));
    Q_EMIT priceChanged(id);
    if (const Position* p = m_portfolio.position(id); p && !p->isFlat()) Q_EMIT marksChanged();
}

}  // namespace kairos::trading
