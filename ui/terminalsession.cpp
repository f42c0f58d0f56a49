#include "terminalsession.h"

#include "marketdata/csvimport.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "storage/watchliststore.h"

#include <QDir>
#include <QtConcurrent/QtConcurrentRun>

namespace kairos::ui {

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
    : QObject(parent), m_options(std::move(options)),
      m_settings(std::make_unique<QSettings>(QDir(m_options.profileDir).filePath(QStringLiteral("kairos.ini")),
                                             QSettings::IniFormat)),
      m_feed(new marketdata::ReplayFeed(this)) {
    m_feed->setSpeed(m_options.replaySpeed);
    if (auto db = storage::Database::openProfile(m_options.profileDir); db) {
        m_db = std::move(*db);
        m_watchlists = std::make_unique<storage::WatchlistStore>(*m_db);
    } else {
        m_dbError = QString::fromStdString(db.message());
    }
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<LoadResult>>::finished, this, &TerminalSession::onLoadFinished);
}

TerminalSession::~TerminalSession() { m_watcher.waitForFinished(); }

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
            auto bars = store.range(s.id, s.tf, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max());
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

}  // namespace kairos::ui
