#include "marketdata/candlerecorder.h"

#include "marketdata/feedfactory.h"
#include "storage/database.h"

#include <QPointer>

namespace kairos::marketdata {

namespace {
/// The bars that pass Bar::validate; the others are counted in `rejected` and described in `why`.
std::vector<Bar> validOnly(const std::vector<Bar>& bars, std::int64_t& rejected, QString& why) {
    std::vector<Bar> out;
    out.reserve(bars.size());
    for (const Bar& b : bars) {
        if (auto st = b.validate(); !st) {
            ++rejected;
            if (why.isEmpty())
                why = QStringLiteral("bar %1 rejected: %2")
                          .arg(QString::fromStdString(formatUtc(b.openTimeMs)), QString::fromStdString(st.message()));
            continue;
        }
        out.push_back(b);
    }
    return out;
}

std::int64_t bucketsIn(Timeframe tf, std::int64_t fromMs, std::int64_t toMs) {
    if (toMs <= fromMs) return 0;
    if (auto d = fixedDurationMs(tf)) return (toMs - fromMs + *d - 1) / *d;
    std::int64_t n = 0;
    for (std::int64_t t = fromMs; t < toMs; t = nextBucketStart(tf, t)) ++n;
    return n;
}
}  // namespace

// ---------------------------------------------------------------------------------------------

CandleRecorder::CandleRecorder(ExchangeFeed& feed, storage::CandleStore& store, QObject* parent)
    : QObject(parent), m_feed(feed), m_store(store) {
    connect(&m_feed, &MarketDataFeed::barUpdated, this, [this](const InstrumentId& id, Timeframe tf, const Bar& bar) {
        if (bar.closed && m_series.count({id, tf})) write(id, tf, {bar});
    });
    connect(&m_feed, &ExchangeFeed::barsBackfilled, this,
            [this](const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
                if (m_series.count({id, tf})) write(id, tf, bars);
            });
}

Status CandleRecorder::record(const InstrumentId& id, Timeframe tf) {
    auto latest = m_store.latest(id, tf);
    if (!latest) return latest.error();
    if (latest->has_value()) m_feed.setLastClosedBar(id, tf, (*latest)->openTimeMs);
    m_series.insert({id, tf});
    m_feed.subscribeBars(id, tf);
    return {};
}

void CandleRecorder::stopRecording(const InstrumentId& id, Timeframe tf) {
    m_series.erase({id, tf});
    m_feed.unsubscribeBars(id, tf);
}

void CandleRecorder::write(const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
    QString why;
    const std::vector<Bar> ok = validOnly(bars, m_rejected, why);
    if (!why.isEmpty()) Q_EMIT errorOccurred(QString::fromStdString(id.toString()) + QStringLiteral(": ") + why);
    if (ok.empty()) return;
    if (auto st = m_store.upsert(id, tf, ok); !st) {
        Q_EMIT errorOccurred(QStringLiteral("cannot store %1 %2 bars: %3")
                                 .arg(QString::fromStdString(id.toString()), QString::fromStdString(toString(tf)),
                                      QString::fromStdString(st.message())));
        return;
    }
    m_written += static_cast<std::int64_t>(ok.size());
    Q_EMIT barsStored(id, tf, static_cast<int>(ok.size()));
}

// ---------------------------------------------------------------------------------------------

HistoryDownloader::HistoryDownloader(ExchangeFeed& feed, storage::CandleStore& store, QObject* parent)
    : QObject(parent), m_feed(feed), m_store(store) {}

HistoryDownloader::~HistoryDownloader() {
    if (m_running) m_feed.cancelFetch(m_fetch);
}

Status HistoryDownloader::start(const InstrumentId& id, Timeframe tf, std::int64_t fromMs, std::int64_t toMs) {
    if (m_running) return makeError("a download is already running");
    if (!m_feed.supportsTimeframe(tf)) return makeError(m_feed.name().toStdString() + " has no " + toString(tf) + " candles");
    if (toMs <= fromMs) return makeError("the range is empty: --to must be after --from");
    m_id = id;
    m_tf = tf;
    m_fromMs = bucketStart(tf, fromMs);
    // Only whole bars that have closed: cap at the start of the bar running now.
    m_toMs = std::min(toMs, bucketStart(tf, m_feed.nowMs()));
    auto gaps = m_store.gaps(id, tf, m_fromMs, m_toMs);
    if (!gaps) return gaps.error();
    m_gaps = std::move(*gaps);
    m_gapIndex = 0;
    m_totalBars = 0;
    for (const auto& g : m_gaps) m_totalBars += g.missingBars;
    m_doneBars = 0;
    m_written = 0;
    m_rejected = 0;
    m_stillMissing.clear();
    m_running = true;
    QPointer<HistoryDownloader> self(this);
    QMetaObject::invokeMethod(
        this,
        [self] {
            if (self) self->nextGap();
        },
        Qt::QueuedConnection);
    return {};
}

void HistoryDownloader::cancel() {
    if (!m_running) return;
    m_feed.cancelFetch(m_fetch);
    finish(false, QStringLiteral("cancelled after %1 bars").arg(m_written));
}

void HistoryDownloader::nextGap() {
    if (!m_running) return;
    if (m_gapIndex >= m_gaps.size()) {
        auto left = m_store.gaps(m_id, m_tf, m_fromMs, m_toMs);
        if (!left) return finish(false, QString::fromStdString(left.message()));
        m_stillMissing = std::move(*left);
        std::int64_t missing = 0;
        for (const auto& g : m_stillMissing) missing += g.missingBars;
        QString msg = QStringLiteral("%1 bars written").arg(m_written);
        if (missing > 0)
            msg += QStringLiteral("; %1 bars in %2 runs not available from the venue").arg(missing).arg(m_stillMissing.size());
        if (m_rejected > 0) msg += QStringLiteral("; %1 invalid bars skipped").arg(m_rejected);
        return finish(true, msg);
    }
    const storage::Gap gap = m_gaps[m_gapIndex];
    const std::int64_t doneBefore = m_doneBars;
    QPointer<HistoryDownloader> self(this);
    ExchangeFeed::BarsCallbacks cb;
    cb.onPage = [self](const std::vector<Bar>& page) {
        if (!self || !self->m_running) return;
        QString why;
        const std::vector<Bar> ok = validOnly(page, self->m_rejected, why);
        if (ok.empty()) return;
        if (auto st = self->m_store.upsert(self->m_id, self->m_tf, ok); !st) {
            self->m_feed.cancelFetch(self->m_fetch);
            self->finish(false, QString::fromStdString("cannot store bars: " + st.message()));
            return;
        }
        self->m_written += static_cast<std::int64_t>(ok.size());
    };
    cb.onProgress = [self, gap, doneBefore](std::int64_t doneMs, std::int64_t, std::int64_t) {
        if (!self || !self->m_running) return;
        self->m_doneBars = doneBefore + std::min(gap.missingBars, bucketsIn(self->m_tf, gap.fromMs, doneMs));
        Q_EMIT self->progress(self->m_doneBars, self->m_totalBars);
    };
    cb.onDone = [self, gap, doneBefore](const Status& st) {
        if (!self || !self->m_running) return;
        if (!st) return self->finish(false, QString::fromStdString(st.message()));
        self->m_doneBars = doneBefore + gap.missingBars;
        Q_EMIT self->progress(self->m_doneBars, self->m_totalBars);
        ++self->m_gapIndex;
        self->nextGap();
    };
    m_fetch = m_feed.fetchBars(m_id, m_tf, gap.fromMs, gap.toMs, std::move(cb));
}

void HistoryDownloader::finish(bool ok, const QString& message) {
    if (!m_running) return;
    m_running = false;
    Q_EMIT finished(ok, message);
}

// ---------------------------------------------------------------------------------------------

class BackgroundHistoryDownload::Worker : public QObject {
public:
    explicit Worker(Request r) : m_request(std::move(r)) {}

    // Runs on the worker thread.
    void run(BackgroundHistoryDownload* owner) {
        auto fail = [owner](const std::string& why) {
            QMetaObject::invokeMethod(
                owner, [owner, why] { Q_EMIT owner->finished(false, QString::fromStdString(why), 0); }, Qt::QueuedConnection);
        };
        auto db = storage::Database::open(m_request.databasePath);
        if (!db) return fail(db.message());
        m_db = std::move(*db);
        m_store = std::make_unique<storage::CandleStore>(*m_db);
        auto feed = createExchangeFeed(m_request.venue, m_request.config);
        if (!feed) return fail(feed.message());
        m_feed = std::move(*feed);
        m_downloader = std::make_unique<HistoryDownloader>(*m_feed, *m_store);
        QObject::connect(m_downloader.get(), &HistoryDownloader::progress, owner, &BackgroundHistoryDownload::progress,
                         Qt::QueuedConnection);
        HistoryDownloader* d = m_downloader.get();
        QObject::connect(
            d, &HistoryDownloader::finished, owner,
            [owner, d](bool ok, const QString& msg) { Q_EMIT owner->finished(ok, msg, d->barsWritten()); }, Qt::QueuedConnection);
        if (auto st = m_downloader->start(m_request.instrument, m_request.timeframe, m_request.fromMs, m_request.toMs); !st)
            return fail(st.message());
    }
    void cancel() {
        if (m_downloader) m_downloader->cancel();
    }
    // Objects created on the worker thread are destroyed there.
    void teardown() {
        m_downloader.reset();
        m_feed.reset();
        m_store.reset();
        m_db.reset();
    }

private:
    Request m_request;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<storage::CandleStore> m_store;
    std::unique_ptr<ExchangeFeed> m_feed;
    std::unique_ptr<HistoryDownloader> m_downloader;
};

BackgroundHistoryDownload::BackgroundHistoryDownload(QObject* parent) : QObject(parent) {
    // When the download ends, tear the worker down on its thread and stop the thread.
    connect(
        this, &BackgroundHistoryDownload::finished, this,
        [this] {
            if (!m_thread) return;
            Worker* worker = m_worker;
            QMetaObject::invokeMethod(
                worker, [worker] { worker->teardown(); }, Qt::BlockingQueuedConnection);
            m_thread->quit();
            m_thread->wait();
            delete m_worker;
            delete m_thread;
            m_worker = nullptr;
            m_thread = nullptr;
        },
        Qt::QueuedConnection);
}

BackgroundHistoryDownload::~BackgroundHistoryDownload() {
    if (!m_thread) return;
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        w,
        [w] {
            w->cancel();
            w->teardown();
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

bool BackgroundHistoryDownload::start(Request request) {
    if (m_thread) return false;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("history-download"));
    m_worker = new Worker(std::move(request));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        w, [w, this] { w->run(this); }, Qt::QueuedConnection);
    return true;
}

void BackgroundHistoryDownload::cancel() {
    if (!m_worker) return;
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        w, [w] { w->cancel(); }, Qt::QueuedConnection);
}

}  // namespace kairos::marketdata
