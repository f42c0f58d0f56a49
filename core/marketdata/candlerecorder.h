#pragma once
// Keeping the candle store complete from a live feed, and downloading history into it.
//
// CandleRecorder: subscribes bars on an ExchangeFeed and writes every closed bar, and every bar
// the feed backfills over REST after a gap (ExchangeFeed::barsBackfilled), into a CandleStore.
// The store's latest bar seeds the feed's gap detection, so the hole between the last session
// and the first live bar is filled too.
//
// HistoryDownloader: fills [from, to) of one series: it asks the store for its gaps and fetches
// only those over REST (paged and rate-limited by the feed), writing page by page, with progress
// and cancel. Network I/O is asynchronous; for a long download on a GUI, use
// BackgroundHistoryDownload, which runs its own feed, database connection and downloader on a
// worker thread.
//
// Threads: CandleRecorder and HistoryDownloader live on the thread of their feed and store.

#include "marketdata/exchangefeed.h"
#include "storage/candlestore.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>
#include <set>
#include <vector>

namespace kairos::marketdata {

class CandleRecorder : public QObject {
    Q_OBJECT
public:
    /// `feed` and `store` must outlive the recorder.
    CandleRecorder(ExchangeFeed& feed, storage::CandleStore& store, QObject* parent = nullptr);

    /// Subscribes (id, tf) bars and records closed ones. Error when the store cannot be read.
    Status record(const InstrumentId& id, Timeframe tf);
    /// Stops recording and unsubscribes.
    void stopRecording(const InstrumentId& id, Timeframe tf);

    /// Bars written so far (live closes and backfills).
    std::int64_t barsWritten() const { return m_written; }
    /// Bars the venue sent that failed validation (not stored).
    std::int64_t barsRejected() const { return m_rejected; }

Q_SIGNALS:
    /// `count` bars of the series were written (1 for a live close, more for a backfill).
    void barsStored(const kairos::InstrumentId& id, kairos::Timeframe tf, int count);
    /// A write failed or a bar was invalid; recording continues.
    void errorOccurred(const QString& message);

private:
    void write(const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars);

    ExchangeFeed& m_feed;
    storage::CandleStore& m_store;
    std::set<std::pair<InstrumentId, Timeframe>> m_series;
    std::int64_t m_written = 0;
    std::int64_t m_rejected = 0;
};

class HistoryDownloader : public QObject {
    Q_OBJECT
public:
    /// `feed` and `store` must outlive the downloader.
    HistoryDownloader(ExchangeFeed& feed, storage::CandleStore& store, QObject* parent = nullptr);
    ~HistoryDownloader() override;

    /// Starts filling [fromMs, toMs) (toMs is capped at now). One download at a time: Error if
    /// one runs, or if the store cannot be read. finished() follows in every other case.
    Status start(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs);
    /// Stops after the page in flight; finished(false, "cancelled ...") follows.
    void cancel();
    bool isRunning() const { return m_running; }

    std::int64_t barsWritten() const { return m_written; }
    /// Bars the venue sent that failed validation (not stored).
    std::int64_t barsRejected() const { return m_rejected; }
    /// Runs still missing after the download (venue outages, data before listing, history limits).
    const std::vector<storage::Gap>& stillMissing() const { return m_stillMissing; }

Q_SIGNALS:
    /// `doneBars` of `totalBars` missing buckets have been fetched.
    void progress(qint64 doneBars, qint64 totalBars);
    /// The end. `message`: a one-line summary, or the error / "cancelled".
    void finished(bool ok, const QString& message);

private:
    void nextGap();
    void finish(bool ok, const QString& message);

    ExchangeFeed& m_feed;
    storage::CandleStore& m_store;
    InstrumentId m_id;
    Timeframe m_tf = Timeframe::M1;
    std::int64_t m_fromMs = 0;
    std::int64_t m_toMs = 0;
    std::vector<storage::Gap> m_gaps;
    std::size_t m_gapIndex = 0;
    std::int64_t m_totalBars = 0;
    std::int64_t m_doneBars = 0;
    std::int64_t m_written = 0;
    std::int64_t m_rejected = 0;
    std::vector<storage::Gap> m_stillMissing;
    quint64 m_fetch = 0;
    bool m_running = false;
};

/// A HistoryDownloader on a worker thread with its own feed (from createExchangeFeed) and its
/// own connection to the profile database, so that a year of 1-minute bars never blocks the
/// GUI. Signals arrive on the thread that owns this object.
class BackgroundHistoryDownload : public QObject {
    Q_OBJECT
public:
    struct Request {
        QString venue;         ///< "BINANCE", ...
        FeedConfig config;     ///< e.g. defaultFeedConfig + applyUrlOverrides
        QString databasePath;  ///< the profile database file
        InstrumentId instrument;
        Timeframe timeframe = Timeframe::M1;
        std::int64_t fromMs = 0;
        std::int64_t toMs = 0;
    };

    explicit BackgroundHistoryDownload(QObject* parent = nullptr);
    /// Cancels and waits for the worker thread.
    ~BackgroundHistoryDownload() override;

    /// Starts the download; false when one is running.
    bool start(Request request);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    void progress(qint64 doneBars, qint64 totalBars);
    void finished(bool ok, const QString& message, qint64 barsWritten);

private:
    class Worker;
    QThread* m_thread = nullptr;
    Worker* m_worker = nullptr;
};

}  // namespace kairos::marketdata
