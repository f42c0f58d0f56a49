#include "trading/papervenue.h"

#include "trading/paperstore.h"

#include <algorithm>

namespace kairos::trading {

PaperVenue::PaperVenue(SimulatorConfig config, const IClock& clock, QObject* parent)
    : QObject(parent), m_clock(clock), m_sim(std::make_unique<FillSimulator>(config)) {}

PaperVenue::~PaperVenue() = default;

void PaperVenue::setInstrumentResolver(std::function<std::optional<Instrument>(const InstrumentId&)> resolver) {
    m_resolver = std::move(resolver);
    for (const Order& o : m_sim->openOrders()) instrument(o.request.instrument);
}

const Instrument* PaperVenue::instrument(const InstrumentId& id) const {
    if (const Instrument* i = m_sim->instrument(id)) return i;
    if (!m_resolver) return nullptr;
    auto found = m_resolver(id);
    if (!found) return nullptr;
    m_sim->addInstrument(*found);
    m_instruments[id] = *found;
    return m_sim->instrument(id);
}

std::int64_t PaperVenue::nowFor(const InstrumentId& id) const {
    auto it = m_lastEventMs.find(id);
    return it != m_lastEventMs.end() ? it->second : m_clock.nowMs();
}

void PaperVenue::deliver(const OrderEvents& events) {
    if (m_listener && !events.empty()) m_listener->onOrderEvents(events);
}

OrderEvents PaperVenue::submit(const OrderRequest& request) {
    instrument(request.instrument);
    if (!lastPrice(request.instrument)) {
        Order o;
        o.request = request;
        o.status = OrderStatus::Rejected;
        o.rejectReason = "no price for " + o.request.instrument.toString() +
            " has arrived yet: paper orders fill against the terminal's prices; wait for the first trade or quote";
        o.createdMs = o.updatedMs = m_clock.nowMs();
        return {OrderEvent{OrderEventKind::Rejected, o, std::nullopt}};
    }
    OrderEvents events = m_sim->submit(request, nowFor(request.instrument));
    deliver(events);
    return events;
}

Result<OrderEvents> PaperVenue::cancel(OrderId id) {
    const auto o = m_sim->order(id);
    auto r = m_sim->cancel(id, o ? nowFor(o->request.instrument) : m_clock.nowMs());
    if (r) deliver(*r);
    return r;
}

OrderEvents PaperVenue::cancelAll(const std::optional<InstrumentId>& instrument, const std::string& reason) {
    OrderEvents events = m_sim->cancelAll(instrument, instrument ? nowFor(*instrument) : m_clock.nowMs(), reason);
    deliver(events);
    return events;
}

Result<OrderEvents> PaperVenue::amend(OrderId id, const Price& price) {
    const auto o = m_sim->order(id);
    auto r = m_sim->amend(id, price, o ? nowFor(o->request.instrument) : m_clock.nowMs());
    if (r) deliver(*r);
    return r;
}

Status PaperVenue::restore(const std::vector<Order>& openOrders, OrderId nextOrderId, std::uint64_t nextFillId) {
    if (auto s = m_sim->restore(openOrders, nextOrderId, nextFillId); !s) return s;
    // Rules for the instruments of the restored orders, so that they can fill.
    for (const Order& o : m_sim->openOrders()) instrument(o.request.instrument);
    return {};
}

Status PaperVenue::resetOrders() {
    auto sim = std::make_unique<FillSimulator>(m_sim->config());
    for (const auto& [id, inst] : m_instruments) sim->addInstrument(inst);
    // The market as last seen, so that orders fill at once again (no orders yet: nothing fills here).
    for (const auto& [id, q] : m_quotes) (void)sim->onQuote(id, q);
    for (const auto& [id, t] : m_trades) (void)sim->onTrade(id, t);
    m_sim = std::move(sim);
    return {};
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
    if (auto c = m_closes.find(id); c != m_closes.end()) return c->second;
    return std::nullopt;
}

void PaperVenue::onTrade(const InstrumentId& id, const Trade& trade) {
    m_trades[id] = trade;
    m_lastEventMs[id] = std::max(m_lastEventMs[id], trade.timeMs);
    instrument(id);
    if (m_listener) m_listener->onPrice(id, trade.price);
    deliver(m_sim->onTrade(id, trade));
}

void PaperVenue::onQuote(const InstrumentId& id, const Quote& quote) {
    m_quotes[id] = quote;
    if (quote.timeMs != 0)
        m_lastEventMs[id] = std::max(m_lastEventMs[id], quote.timeMs);
    else
        m_lastEventMs.try_emplace(id, m_clock.nowMs());
    instrument(id);
    if (m_listener) m_listener->onPrice(id, m_trades.count(id) ? std::nullopt : lastPrice(id));
    Quote q = quote;
    q.timeMs = m_lastEventMs[id];
    deliver(m_sim->onQuote(id, q));
}

void PaperVenue::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    if (!bar.closed) return;
    instrument(id);
    // Fills in the bar, then the position is valued at its close (as a backtest does).
    deliver(m_sim->onBar(id, bar));
    m_closes[id] = bar.close;
    const std::int64_t closeMs = nextBucketStart(tf, bar.openTimeMs);
    m_lastEventMs[id] = std::max(m_lastEventMs[id], closeMs);
    if (m_listener) m_listener->onPrice(id, bar.close);
}

PaperAccount::PaperAccount(storage::Database* db, PaperSettings settings, const IClock* clock, AccountInfo info, QObject* parent)
    : QObject(parent) {
    const IClock& c = clock ? *clock : m_wallClock;
    if (db) m_store = std::make_unique<PaperStore>(*db, info);
    m_venue = std::make_unique<PaperVenue>(settings.simulator, c);
    m_venue->setObjectName(QStringLiteral("PaperVenue"));
    m_account = std::make_unique<Account>(std::move(info), *m_venue, c, m_store.get(), settings.startingCash);
    m_account->setObjectName(QStringLiteral("PaperAccount"));
}

PaperAccount::~PaperAccount() = default;

}  // namespace kairos::trading
