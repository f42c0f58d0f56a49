#include "live/ledgersync.h"

#include <map>

namespace kairos::live {

LedgerSync::LedgerSync(LiveVenue& venue, trading::Account& account, std::string quoteAsset, QObject* parent)
    : QObject(parent), m_venue(venue), m_account(account), m_quote(std::move(quoteAsset)) {
    connect(&venue, &LiveVenue::reconciled, this, [this] { apply(); });
    // During a reconciliation the balances may already count fills not booked yet: its end applies them.
    connect(&venue, &LiveVenue::balancesChanged, this, [this] {
        if (!m_venue.isReconciling()) apply();
    });
    // A fill booked after the balance update that already counts it (Binance does not promise the order
    // of the two events) would count twice: the balances are applied again over it.
    connect(&account, &trading::Account::filled, this, [this](const trading::Fill& f) {
        if (!m_venue.isReconciling() && m_venue.balancesRead() && f.timeMs <= m_venue.balancesTimeMs()) apply();
    });
    connect(&account, &trading::Account::priceChanged, this, [this](const InstrumentId& id) {
        if (m_unpriced.count(id)) apply();
    });
}

void LedgerSync::apply() {
    if (!m_venue.balancesRead()) return;
    std::map<std::string, Quantity> held;
    std::optional<Money> cash;
    for (const AssetBalance& b : m_venue.balances()) {
        auto total = b.free.add(b.locked);
        if (!total) continue;
        if (b.asset == m_quote) {
            auto m = Money::fromRawChecked(total->raw(), total->scale());
            if (m) cash = *m;
        } else {
            held[b.asset] = *total;
        }
    }
    std::vector<trading::Account::Holding> holdings;
    m_unpriced.clear();
    auto holdingOf = [this](const InstrumentId& id, const Quantity& q) {
        trading::Account::Holding h{id, q, m_venue.lastPrice(id)};
        if (const trading::Position* p = m_account.portfolio().position(id); !h.price && p && p->markPrice)
            h.price = p->markPrice;
        return h;
    };
    std::set<InstrumentId> covered;
    for (const auto& [asset, q] : held) {
        const InstrumentId id{m_venue.name(), asset + m_quote};
        const Instrument* in = m_venue.instrument(id);
        if (!in || in->quoteAsset != m_quote) continue;
        auto h = holdingOf(id, q);
        const trading::Position* p = m_account.portfolio().position(id);
        if (!h.price && (!p || p->isFlat()) && !q.isZero()) m_unpriced.insert(id);
        covered.insert(id);
        holdings.push_back(std::move(h));
    }
    // Positions of this quote asset whose asset Binance no longer holds are flat.
    for (const trading::Position& p : m_account.portfolio().openPositions()) {
        if (covered.count(p.instrument) || p.instrument.venue != m_venue.name()) continue;
        const Instrument* in = m_venue.instrument(p.instrument);
        if (!in || in->quoteAsset != m_quote || held.count(in->baseAsset)) continue;
        holdings.push_back({p.instrument, Quantity::fromRaw(0, p.quantity.scale()), std::nullopt});
    }
    m_account.syncBalances(cash ? *cash : Money::fromRaw(0, m_account.portfolio().moneyScale()), holdings);
}

}  // namespace kairos::live
