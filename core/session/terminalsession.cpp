#include "session/terminalsession.h"

#include "marketdata/candlerecorder.h"
#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "storage/watchliststore.h"

#include <QDir>
#include <QtConcurrent/QtConcurrentRun>

namespace kairos::session {

std::vector<BundledSeries> defaultReplaySeries() {
    const Timeframe h1 = Timeframe::H1;
    return {
        {QStringLiteral("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"), {"BINANCE", "BTCUSDT"}, h1},
        {QStringLiteral("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"), {"BINANCE", "ETHUSDT"}, h1},
        {QStringLiteral("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv"), {"BINANCE", "SOLUSDT"}, h1},
        {QStringLiteral("binance_spot_BNBUSDT_1h_2025-06-21_2025-09-19.csv"), {"BINANCE", "BNBUSDT"}, h1},
        {QStringLiteral("binance_spot_XRPUSDT_1h_2025-06-21_2025-09-19.csv"), {"BINANCE", "XRPUSDT"}, h1},
    };
}

struct TerminalSession::LoadResult {
    QString error;
    std::vector<std::pair<BundledSeries, std::vector<Bar>>> series;
};

TerminalSession::TerminalSession(Options options, QObject* parent)
    : QObject(parent),
      m_options(std::move(options)),
      m_settings(
          std::make_unique<QSettings>(QDir(m_options.profileDir).filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat)),
      m_feed(new marketdata::ReplayFeed(this)) {
    m_feed->setSpeed(m_options.replaySpeed);
    if (auto db = storage::Database::openProfile(m_options.profileDir); db) {
        m_db = std::move(*db);
        m_watchlists = std::make_unique<storage::WatchlistStore>(*m_db);
        m_candles = std::make_unique<storage::CandleStore>(*m_db);
    } else {
        m_dbError = QString::fromStdString(db.message());
    }
    marketdata::VenueSettings defaults;
    defaults.enabled = m_options.defaultVenues;
    if (auto v = marketdata::readVenueSettings(m_settings.get(), defaults); v) {
        m_venueSettings = *v;
    } else {
        m_venueSettingsError = QString::fromStdString(v.message());
        m_venueSettings = defaults;
        m_venueSettings.defaultVenue = defaults.enabled.isEmpty() ? QStringLiteral("BINANCE") : defaults.enabled.front();
    }
    m_venues = std::make_unique<marketdata::VenueDirectory>(QDir(m_options.profileDir).filePath(QStringLiteral("instruments")),
                                                            m_venueSettings.enabled, m_settings.get());
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<LoadResult>>::finished, this, &TerminalSession::onLoadFinished);
}

TerminalSession::~TerminalSession() {
    m_watcher.waitForFinished();
    // Downloads reference the venues' feeds and the store: they go before the members do.
    qDeleteAll(findChildren<marketdata::HistoryDownloader*>(QString(), Qt::FindDirectChildrenOnly));
}

bool TerminalSession::replayHas(const InstrumentId& id) const {
    for (const auto& s : defaultReplaySeries())
        if (s.id == id) return true;
    return false;
}

void TerminalSession::applyVenueSettings(const marketdata::VenueSettings& v) {
    marketdata::writeVenueSettings(*m_settings, v);
    m_settings->sync();
    const marketdata::DataSource source = m_venueSettings.source;  // takes effect on restart
    m_venueSettings = v;
    m_venueSettings.source = source;
    m_venueSettingsError.clear();
    m_venues->setEnabledVenues(v.enabled);
}

void TerminalSession::fetchHistory(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) {
    QString error;
    marketdata::ExchangeFeed* feed = m_venues->feed(QString::fromStdString(id.venue), &error);
    if (!feed || !m_candles) {
        Q_EMIT historyFailed(id, tf, feed ? m_dbError : error);
        return;
    }
    // One downloader per request; it deletes itself when done. Pages are written as they come
    // (each in its own transaction), so a cancelled or failed download keeps what it fetched.
    auto* dl = new marketdata::HistoryDownloader(*feed, *m_candles, this);
    connect(dl, &marketdata::HistoryDownloader::finished, this, [this, dl, id, tf](bool ok, const QString& message) {
        dl->deleteLater();
        if (!ok)
            Q_EMIT historyFailed(id, tf, message);
        else
            Q_EMIT historyStored(id, tf, static_cast<int>(dl->barsWritten()));
    });
    if (auto st = dl->start(id, tf, fromMs, toMs); !st) {
        dl->deleteLater();
        Q_EMIT historyFailed(id, tf, QString::fromStdString(st.message()));
    }
}

QString TerminalSession::databasePath() const { return QDir(m_options.profileDir).filePath(QStringLiteral("kairos.sqlite")); }

std::vector<InstrumentId> TerminalSession::instruments() const {
    std::vector<InstrumentId> out;
    for (const auto& s : defaultReplaySeries()) out.push_back(s.id);
    return out;
}

void TerminalSession::load() {
    Q_EMIT progress(tr("Loading bundled market data…"));
    const QString profile = m_options.profileDir;
    const QString data = m_options.dataDir;
    // Runs on a worker thread with its own database connection (SQLite handles are per thread).
    m_watcher.setFuture(QtConcurrent::run([profile, data]() {
        auto result = std::make_shared<LoadResult>();
        auto db = storage::Database::openProfile(profile);
        if (!db) {
            result->error = QString::fromStdString(db.message());
            return result;
        }
        storage::CandleStore store(**db);
        for (const BundledSeries& s : defaultReplaySeries()) {
            auto latest = store.latest(s.id, s.tf);
            if (!latest) {
                result->error = QString::fromStdString(latest.message());
                return result;
            }
            if (!latest->has_value()) {  // first run: import the bundled file
                const QString path = QDir(data).filePath(s.file);
                auto csv = marketdata::readBarsCsv(path.toStdString());
                if (!csv) {
                    result->error = QString::fromStdString(csv.message());
                    return result;
                }
                if (auto st = store.upsert(s.id, s.tf, csv->bars); !st) {
                    result->error = QString::fromStdString(st.message());
                    return result;
                }
            }
            auto bars =
                store.range(s.id, s.tf, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
            if (!bars) {
                result->error = QString::fromStdString(bars.message());
                return result;
            }
            result->series.emplace_back(s, std::move(*bars));
        }
        return result;
    }));
}

void TerminalSession::onLoadFinished() {
    const auto result = m_watcher.result();
    if (!result->error.isEmpty()) {
        Q_EMIT loadFailed(result->error);
        return;
    }
    // Replay from the latest common start, so that every instrument moves from the first second;
    // earlier bars (BTCUSDT has five years) are history the chart shows at once.
    std::int64_t commonStart = std::numeric_limits<std::int64_t>::min();
    for (auto& [s, bars] : result->series) {
        if (!bars.empty()) commonStart = std::max(commonStart, bars.front().openTimeMs);
        m_feed->addSeries(s.id, s.tf, std::move(bars));
    }
    if (commonStart != std::numeric_limits<std::int64_t>::min()) m_feed->seek(commonStart);
    m_loaded = true;
    Q_EMIT loaded();
    if (m_options.autoStart) m_feed->start();
}

}  // namespace kairos::session
