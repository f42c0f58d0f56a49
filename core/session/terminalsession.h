#pragma once
// TerminalSession: what the terminal runs on — the profile (SQLite database, settings file) and
// the market-data feed. On start it imports the bundled real data into the profile's
// CandleStore (first run only, off the GUI thread), loads the replay series from the store and
// starts the ReplayFeed (the embedded default when no exchange is configured).

#include "marketdata/replayfeed.h"
#include "marketdata/venuedirectory.h"

#include <QFutureWatcher>
#include <QObject>
#include <QSettings>
#include <QString>

#include <memory>
#include <vector>

namespace kairos::storage {
class CandleStore;
class Database;
class WatchlistStore;
}  // namespace kairos::storage

namespace kairos::session {

/// A bundled file and the series it holds.
struct BundledSeries {
    QString file;  ///< file name inside the bundled data dir
    InstrumentId id;
    Timeframe tf;
};

/// The series replayed by default: the five bundled Binance spot pairs, 1h.
std::vector<BundledSeries> defaultReplaySeries();

class TerminalSession : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString profileDir;         ///< resolved profile directory (must exist)
        QString dataDir;            ///< bundled data dir (resources/data)
        double replaySpeed = 3600;  ///< 0 = max
        bool autoStart = true;      ///< start the replay once loaded
        /// Venues enabled when the settings do not say (the app: BINANCE; tests: none, so
        /// nothing reaches for the internet unless a test asks).
        QStringList defaultVenues;
    };
    explicit TerminalSession(Options options, QObject* parent = nullptr);
    ~TerminalSession() override;

    /// Imports/loads in the background; emits loaded() or loadFailed().
    void load();
    bool isLoaded() const { return m_loaded; }

    marketdata::ReplayFeed* feed() const { return m_feed; }
    /// Per-profile settings (window layout, preferences). Never holds secrets.
    QSettings& settings() { return *m_settings; }
    const Options& options() const { return m_options; }
    QString databasePath() const;
    /// The GUI thread's connection to the profile database (nullptr when it could not be
    /// opened: databaseError() says why).
    storage::Database* database() const { return m_db.get(); }
    QString databaseError() const { return m_dbError; }
    /// Watchlists in the profile database (nullptr without a database).
    storage::WatchlistStore* watchlists() const { return m_watchlists.get(); }
    /// Candles in the profile database, for the GUI thread (nullptr without a database).
    storage::CandleStore* candles() const { return m_candles.get(); }
    /// The instruments the session knows, in display order.
    std::vector<InstrumentId> instruments() const;
    /// Whether the bundled replay has this series.
    bool replayHas(const InstrumentId& id) const;

    /// Market-data settings in effect (settings + environment); venueSettingsError() says what
    /// was wrong when they could not be read (the defaults are used then).
    const marketdata::VenueSettings& venueSettings() const { return m_venueSettings; }
    QString venueSettingsError() const { return m_venueSettingsError; }
    /// Saves new market-data settings and enables/disables venues accordingly (the data source
    /// takes effect on the next start).
    void applyVenueSettings(const marketdata::VenueSettings& v);
    /// The configured exchanges: live feeds and instrument lists.
    marketdata::VenueDirectory* venues() const { return m_venues.get(); }

    /// Fills [fromMs, toMs) of a live instrument's series in the CandleStore from its venue
    /// (only the gaps the store has); historyStored() or historyFailed() follows.
    void fetchHistory(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs);

Q_SIGNALS:
    void progress(const QString& message);
    void loaded();
    void loadFailed(const QString& message);
    /// A history download finished; `count` bars were written.
    void historyStored(const kairos::InstrumentId& id, kairos::Timeframe tf, int count);
    void historyFailed(const kairos::InstrumentId& id, kairos::Timeframe tf, const QString& reason);

private:
    struct LoadResult;
    void onLoadFinished();

    Options m_options;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<storage::WatchlistStore> m_watchlists;
    QString m_dbError;
    marketdata::VenueSettings m_venueSettings;
    QString m_venueSettingsError;
    std::unique_ptr<marketdata::VenueDirectory> m_venues;
    std::unique_ptr<storage::CandleStore> m_candles;
    marketdata::ReplayFeed* m_feed;
    QFutureWatcher<std::shared_ptr<LoadResult>> m_watcher;
    bool m_loaded = false;
};

}  // namespace kairos::session
