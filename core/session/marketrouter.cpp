#include "session/marketrouter.h"

#include "session/eventhub.h"
#include "session/terminalsession.h"

#include "marketdata/exchangefeed.h"
#include "marketdata/feedfactory.h"
#include "storage/candlestore.h"

#include <QDateTime>

#include <limits>

namespace kairos::session {

MarketRouter::MarketRouter(TerminalSession& session, EventHub& hub, QObject* parent)
    : QObject(parent), m_session(session), m_hub(hub) {
    hub.attachFeed(session.feed());
    connect(&session, &TerminalSession::loaded, this, &MarketRouter::onLoaded);
    connect(session.feed(), &marketdata::MarketDataFeed::statusChanged, this, [this](const marketdata::FeedStatus& s) {
        if (liveChosen() && !m_liveFallback) return;
        Q_EMIT sourceStatusChanged(tr("Replay: %1").arg(s.toString()));
    });
    marketdata::VenueDirectory* venues = session.venues();
    connect(venues, &marketdata::VenueDirectory::instrumentsChanged, this, [this](const QString& venue) {
        if (liveChosen() && !m_liveFallback && venue == m_session.venueSettings().defaultVenue)
            Q_EMIT sourceStatusChanged(tr("Live: %1").arg(venue));
    });
    connect(venues, &marketdata::VenueDirectory::refreshFailed, this, [this](const QString& venue, const QString& reason) {
        if (!liveChosen() || m_liveFallback || venue != m_session.venueSettings().defaultVenue) return;
        // No internet (or the venue is down): say so and stay on the bundled replay.
        m_liveFallback = true;
        Q_EMIT sourceStatusChanged(tr("%1 unreachable (%2): showing the bundled replay").arg(venue, reason));
        sync();
        Q_EMIT routesChanged();
    });
    connect(&session, &TerminalSession::historyStored, this, [this](const InstrumentId& id, Timeframe tf, int count) {
        // The subscription's 30 days warm the engine and reload the charts; a chart's own request
        // (scroll-back) is handed to the charts instead, so the view does not jump.
        if (count > 0 && !m_warmPending.count(id)) Q_EMIT historyArrived(id, tf);
        if (tf == Timeframe::H1 && m_warmPending.erase(id) && m_liveSubscribed.count(id)) warmFromStore(id);
    });
    connect(&session, &TerminalSession::historyFailed, this, [this](const InstrumentId& id, Timeframe tf, const QString& reason) {
        if (tf == Timeframe::H1) m_warmPending.erase(id);
        Q_EMIT historyFailed(id, tf, reason);
    });
}

MarketRouter::~MarketRouter() = default;

bool MarketRouter::liveChosen() const { return m_session.venueSettings().source == marketdata::DataSource::Live; }

Route MarketRouter::routeOf(const InstrumentId& id, QString* why) const {
    const QString venue = QString::fromStdString(id.venue);
    const bool enabled = m_session.venues()->isEnabled(venue);
    const bool live = liveChosen() && !m_liveFallback;
    if (m_session.replayHas(id) && !(live && enabled)) return Route::Replay;
    if (enabled) return Route::Live;
    if (why) {
        *why = marketdata::supportedVenues().contains(venue)
            ? tr("%1 is not enabled: Tools > Market data settings").arg(venue)
            : tr("No data source for %1: the bundled replay does not have it and %2 is not a supported venue")
                  .arg(QString::fromStdString(id.toString()), venue);
    }
    return Route::None;
}

std::int64_t MarketRouter::clockOf(const InstrumentId& id) const {
    if (routeOf(id) == Route::Replay)
        return m_session.isLoaded() ? m_session.feed()->clockMs() : std::numeric_limits<std::int64_t>::min();
    return QDateTime::currentMSecsSinceEpoch();
}

std::int64_t MarketRouter::historyEnd(const InstrumentId& id) const {
    if (routeOf(id) != Route::Replay) return std::numeric_limits<std::int64_t>::max();
    return m_session.isLoaded() ? m_session.feed()->clockMs() : std::numeric_limits<std::int64_t>::min();
}

std::vector<Bar> MarketRouter::recentBars(const InstrumentId& id, Timeframe tf) const {
    if (routeOf(id) == Route::Replay) return m_session.isLoaded() ? m_session.feed()->closedBars(id, tf) : std::vector<Bar>{};
    if (!m_session.candles()) return {};
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    auto bars = m_session.candles()->range(id, tf, now - 90LL * 24 * 3600 * 1000, now);
    return bars ? std::move(*bars) : std::vector<Bar>{};
}

bool MarketRouter::requestHistory(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) {
    if (routeOf(id) != Route::Live) return false;
    marketdata::ExchangeFeed* f = m_session.venues()->feed(QString::fromStdString(id.venue));
    if (!f || !f->supportsTimeframe(tf)) return false;
    if (!m_historyAsked.insert({id, tf, toMs}).second) return false;
    m_session.fetchHistory(id, tf, fromMs, toMs);
    return true;
}

void MarketRouter::onLoaded() {
    for (const InstrumentId& id : m_session.instruments()) {
        const std::vector<Bar> history = m_session.feed()->closedBars(id, Timeframe::H1);
        const std::size_t from = history.size() > kReplayWarmBars ? history.size() - kReplayWarmBars : 0;
        Q_EMIT warmed(id, std::vector<Bar>(history.begin() + static_cast<std::ptrdiff_t>(from), history.end()), false);
    }
    sync();
}

void MarketRouter::sync() {
    std::set<InstrumentId> wanted;
    for (const InstrumentId& id : m_watched) {
        QString why;
        const Route r = routeOf(id, &why);
        if (r == Route::Live) wanted.insert(id);
        if (r != Route::None) why.clear();
        Q_EMIT noteChanged(id, why);
    }
    // The replay serves its instruments whenever they are routed to it (it is idle otherwise).
    if (m_session.isLoaded())
        for (const InstrumentId& id : m_session.instruments()) {
            if (routeOf(id) == Route::Replay) {
                m_session.feed()->subscribeTrades(id);
                m_session.feed()->subscribeBars(id, Timeframe::H1);
            } else {
                m_session.feed()->unsubscribeTrades(id);
                m_session.feed()->unsubscribeBars(id, Timeframe::H1);
            }
        }
    for (auto it = m_liveSubscribed.begin(); it != m_liveSubscribed.end();) {
        if (wanted.count(*it)) {
            ++it;
            continue;
        }
        if (auto* f = m_session.venues()->feed(QString::fromStdString(it->venue))) {
            f->unsubscribeTrades(*it);
            f->unsubscribeQuotes(*it);
            f->unsubscribeTicker(*it);
            f->unsubscribeBars(*it, Timeframe::H1);
        }
        it = m_liveSubscribed.erase(it);
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (const InstrumentId& id : wanted) {
        if (m_liveSubscribed.count(id)) continue;
        QString error;
        marketdata::ExchangeFeed* f = m_session.venues()->feed(QString::fromStdString(id.venue), &error);
        if (!f) {
            Q_EMIT noteChanged(id, error);
            continue;
        }
        attachVenueFeed(f);
        m_liveSubscribed.insert(id);
        warmFromStore(id);
        f->subscribeTrades(id);
        f->subscribeQuotes(id);
        f->subscribeTicker(id);
        f->subscribeBars(id, Timeframe::H1);
        // History first from the store, then the venue fills what is missing (enough 1h bars to
        // warm every signal rule).
        m_warmPending.insert(id);
        m_session.fetchHistory(id, Timeframe::H1, now - kWarmDaysMs, now);
        if (f->status().state != marketdata::FeedState::Live)
            Q_EMIT noteChanged(id, tr("%1: %2").arg(f->name(), f->status().toString()));
    }
    Q_EMIT subscriptionsChanged();
}

void MarketRouter::attachVenueFeed(marketdata::ExchangeFeed* f) {
    if (!m_wiredFeeds.insert(f).second) return;
    m_hub.attachFeed(f);
    const QString venue = f->name();
    connect(f, &marketdata::MarketDataFeed::statusChanged, this,
            [this, venue](const marketdata::FeedStatus& st) { onVenueStatus(venue, st); });
    // The feed is destroyed when its venue is disabled.
    connect(f, &QObject::destroyed, this, [this, f] { m_wiredFeeds.erase(f); });
}

void MarketRouter::onVenueStatus(const QString& venue, const marketdata::FeedStatus& st) {
    const QString note = st.state == marketdata::FeedState::Live ? QString() : tr("%1: %2").arg(venue, st.toString());
    for (const InstrumentId& id : m_liveSubscribed)
        if (QString::fromStdString(id.venue) == venue) Q_EMIT noteChanged(id, note);
    Q_EMIT subscriptionsChanged();
}

void MarketRouter::warmFromStore(const InstrumentId& id) {
    if (!m_session.candles()) return;
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    auto bars = m_session.candles()->range(id, Timeframe::H1, now - kWarmDaysMs, now + 3600 * 1000);
    if (!bars || bars->empty()) return;
    Q_EMIT warmed(id, *bars, true);
}

}  // namespace kairos::session
