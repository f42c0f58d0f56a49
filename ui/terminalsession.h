#pragma once
// TerminalSession: what the terminal runs on — the profile (SQLite database, settings file) and
// the market-data feed. On start it imports the bundled real data into the profile's
// CandleStore (first run only, off the GUI thread), loads the replay series from the store and
// starts the ReplayFeed (the embedded default when no exchange is configured).

#include "marketdata/replayfeed.h"

#include <QFutureWatcher>
#include <QObject>
#include <QSettings>
#include <QString>

#include <memory>
#include <vector>

namespace kairos::storage {
class Database;
class WatchlistStore;
}  // namespace kairos::storage

namespace kairos::ui {

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
        QString profileDir;   ///< resolved profile directory (must exist)
        QString dataDir;      ///< bundled data dir (resources/data)
        double replaySpeed = 3600;  ///< 0 = max
        bool autoStart = true;      ///< start the replay once loaded
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
    /// The instruments the session knows, in display order.
    std::vector<InstrumentId> instruments() const;

Q_SIGNALS:
    void progress(const QString& message);
    void loaded();
    void loadFailed(const QString& message);

private:
    struct LoadResult;
    void onLoadFinished();

    Options m_options;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<storage::WatchlistStore> m_watchlists;
    QString m_dbError;
    marketdata::ReplayFeed* m_feed;
    QFutureWatcher<std::shared_ptr<LoadResult>> m_watcher;
    bool m_loaded = false;
};

}  // namespace kairos::ui
