#pragma once
// MarketRouter: where each instrument's prices come from, and keeping the feeds subscribed to
// what is watched. A bundled instrument plays from the replay unless the live data source is
// chosen and its venue is enabled and reachable; any other instrument goes live on its enabled
// venue (or has no source, with a note saying why). The router subscribes the replay and the
// venues to the watched instruments and unsubscribes the rest, attaches every venue feed it uses
// to the EventHub, warms a new live instrument from the profile's candles (then downloads its last
// 30 days), and asks a venue for a chart's missing history once per range and session.
// Headless; GUI thread (or a headless event loop).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <set>
#include <tuple>
#include <vector>

namespace kairos::marketdata {
class ExchangeFeed;
struct FeedStatus;
}  // namespace kairos::marketdata

namespace kairos::session {

class EventHub;
class TerminalSession;

/// Where an instrument's prices come from.
enum class Route : std::uint8_t { Replay = 1, Live, None };

class MarketRouter : public QObject {
    Q_OBJECT
public:
    /// Bars a live instrument is warmed with and downloaded for when it is subscribed.
    static constexpr std::int64_t kWarmDaysMs = 30LL * 24 * 3600 * 1000;
    /// Replayed bars a signal engine is warmed with when the replay is loaded (enough for every rule).
    static constexpr std::size_t kReplayWarmBars = 500;

    /// `session` and `hub` must outlive the router. Attaches the replay feed to the hub.
    MarketRouter(TerminalSession& session, EventHub& hub, QObject* parent = nullptr);
    ~MarketRouter() override;

    /// The route of `id`; `why` (optional) says why when None.
    Route routeOf(const InstrumentId& id, QString* why = nullptr) const;
    /// The live source was chosen but its default venue could not be reached: the replay stands in.
    bool isLiveFallback() const { return m_liveFallback; }

    /// The instruments the user watches (the watchlist); sync() subscribes them.
    void setWatched(std::vector<InstrumentId> ids) { m_watched = std::move(ids); }
    const std::vector<InstrumentId>& watched() const { return m_watched; }
    /// Subscribes the watched instruments on their route and unsubscribes the rest; emits
    /// noteChanged for every watched instrument, then subscriptionsChanged. Call it when routes
    /// may have changed (market-data settings).
    void sync();
    /// Live instruments subscribed on their venue now.
    const std::set<InstrumentId>& liveSubscribed() const { return m_liveSubscribed; }

    /// The clock of the instrument's route: the replay clock (INT64_MIN before the replay is
    /// loaded) or the wall clock (UTC ms).
    std::int64_t clockOf(const InstrumentId& id) const;
    /// Where a chart's history of `id` ends: the replay clock for replayed instruments (the store
    /// also holds the replay's future), everything stored for the others.
    std::int64_t historyEnd(const InstrumentId& id) const;
    /// Closed bars before now: what the replay has played, else the last 90 days stored.
    std::vector<Bar> recentBars(const InstrumentId& id, Timeframe tf) const;

    /// A chart of a live instrument lacks [fromMs, toMs): asks its venue, once per range and
    /// session. False when not asked (not live, no feed or timeframe, asked before).
    bool requestHistory(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs);

Q_SIGNALS:
    /// Bars to warm an instrument with (oldest first, closed): the replay's history when it is
    /// loaded (`fromStore` false), the profile's candles of a newly subscribed live instrument
    /// or of its downloaded 30 days (`fromStore` true: the store has more of it now).
    void warmed(const kairos::InstrumentId& id, const std::vector<kairos::Bar>& bars, bool fromStore);
    /// The watchlist note of `id` ("BINANCE: reconnecting…", why it has no source), or empty.
    void noteChanged(const kairos::InstrumentId& id, const QString& note);
    /// Live subscriptions or their venues' states changed.
    void subscriptionsChanged();
    /// Routes changed (live source fell back to the replay): history ends elsewhere now.
    void routesChanged();
    /// What the market-data source is doing ("Replay: running", "Live: BINANCE", "… unreachable").
    void sourceStatusChanged(const QString& text);
    /// History a chart asked for arrived in the store.
    void historyArrived(const kairos::InstrumentId& id, kairos::Timeframe tf);
    void historyFailed(const kairos::InstrumentId& id, kairos::Timeframe tf, const QString& reason);

private:
    bool liveChosen() const;
    void onLoaded();
    void attachVenueFeed(marketdata::ExchangeFeed* f);
    void onVenueStatus(const QString& venue, const marketdata::FeedStatus& st);
    void warmFromStore(const InstrumentId& id);

    TerminalSession& m_session;
    EventHub& m_hub;
    std::vector<InstrumentId> m_watched;
    std::set<InstrumentId> m_liveSubscribed;
    std::set<marketdata::ExchangeFeed*> m_wiredFeeds;
    /// Ranges already asked from a venue for the charts.
    std::set<std::tuple<InstrumentId, Timeframe, std::int64_t>> m_historyAsked;
    /// Live instruments whose first 30 days of history are being fetched.
    std::set<InstrumentId> m_warmPending;
    bool m_liveFallback = false;
};

}  // namespace kairos::session
