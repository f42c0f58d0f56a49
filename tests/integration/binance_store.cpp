// BinanceFeed + the real CandleStore: a gap in the live kline stream is backfilled over REST and
// the store ends complete; history downloads fetch only what the store lacks, page by page, with
// progress and cancel, also on a worker thread.
#include "marketdata/binancefeed.h"
#include "marketdata/candlerecorder.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include "fakebinance.h"
#include "testdata.h"

#include <QSignalSpy>
#include <QThread>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::marketdata;
using kairos::test::FakeBinance;
using kairos::test::waitUntil;

namespace {

const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

QByteArray klinePayload(const Bar& b, bool closed) {
    auto s = [](const auto& v) { return QByteArray::fromStdString(v.toString()); };
    QByteArray m = R"({"e":"kline","E":1,"s":"BTCUSDT","k":{"t":)";
    m += QByteArray::number(static_cast<qlonglong>(b.openTimeMs));
    m += R"(,"i":"1m","o":")" + s(b.open) + R"(","c":")" + s(b.close) + R"(","h":")" + s(b.high) + R"(","l":")" + s(b.low) +
        R"(","v":")" + s(b.volume) + R"(","n":3,"x":)" + (closed ? QByteArray("true") : QByteArray("false")) + R"(,"q":"0"}})";
    return m;
}

struct StoreFixture : ::testing::Test {
    FakeBinance fake;
    std::vector<Bar> bars = test::readKlineCsv(test::fixture("feeds/binance/BTCUSDT_1m_2025-05-20_3000rows.csv"));
    QString dbPath;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<storage::CandleStore> store;
    std::unique_ptr<BinanceFeed> feed;

    void SetUp() override {
        fake.setKlines("BTCUSDT", Timeframe::M1, bars);
        dbPath = QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite");
        auto opened = storage::Database::open(dbPath);
        ASSERT_TRUE(opened.ok()) << opened.message();
        db = std::move(*opened);
        store = std::make_unique<storage::CandleStore>(*db);
        feed = std::make_unique<BinanceFeed>(fake.config());
    }

    void expectStored(std::size_t first, std::size_t endExclusive) {
        auto got = store->range(kBtc, Timeframe::M1, bars[first].openTimeMs, bars[endExclusive].openTimeMs);
        ASSERT_TRUE(got.ok()) << got.message();
        ASSERT_EQ(got->size(), endExclusive - first);
        for (std::size_t i = 0; i < got->size(); ++i) {
            const Bar& want = bars[first + i];
            const Bar& have = (*got)[i];
            ASSERT_EQ(have.openTimeMs, want.openTimeMs);
            ASSERT_EQ(have.open.toString(), want.open.toString());
            ASSERT_EQ(have.high.toString(), want.high.toString());
            ASSERT_EQ(have.low.toString(), want.low.toString());
            ASSERT_EQ(have.close.toString(), want.close.toString());
            ASSERT_EQ(have.volume.toString(), want.volume.toString());
        }
        auto gaps = store->gaps(kBtc, Timeframe::M1, bars[first].openTimeMs, bars[endExclusive].openTimeMs);
        ASSERT_TRUE(gaps.ok());
        EXPECT_TRUE(gaps->empty());
    }
};

TEST_F(StoreFixture, StreamGapIsBackfilledAndTheStoreEndsComplete) {
    CandleRecorder recorder(*feed, *store);
    ASSERT_TRUE(recorder.record(kBtc, Timeframe::M1).ok());
    ASSERT_TRUE(waitUntil([&] { return fake.liveStreams().contains("btcusdt@kline_1m"); }));
    fake.publish("btcusdt@kline_1m", klinePayload(bars[10], true));
    fake.publish("btcusdt@kline_1m", klinePayload(bars[11], false));
    // Bars 11..19 never close on the stream (a drop); bar 20 closes.
    fake.publish("btcusdt@kline_1m", klinePayload(bars[20], true));
    ASSERT_TRUE(waitUntil([&] { return recorder.barsWritten() == 11; }));
    expectStored(10, 21);
    EXPECT_EQ(fake.http.requestCount("/api/v3/klines"), 1);
}

TEST_F(StoreFixture, TheHoleSinceTheLastSessionIsBackfilledFromTheStoresLatestBar) {
    ASSERT_TRUE(store->upsert(kBtc, Timeframe::M1, std::vector<Bar>(bars.begin(), bars.begin() + 100)).ok());
    CandleRecorder recorder(*feed, *store);
    ASSERT_TRUE(recorder.record(kBtc, Timeframe::M1).ok());
    ASSERT_TRUE(waitUntil([&] { return fake.liveStreams().contains("btcusdt@kline_1m"); }));
    fake.publish("btcusdt@kline_1m", klinePayload(bars[1450], false));  // first live message: bar 1450 forming
    ASSERT_TRUE(waitUntil([&] { return recorder.barsWritten() == 1350; }));
    expectStored(0, 1450);
    // 1350 missing bars: two REST pages.
    EXPECT_EQ(fake.http.requestCount("/api/v3/klines"), 2);
}

TEST_F(StoreFixture, HistoryDownloadFetchesOnlyWhatTheStoreLacks) {
    ASSERT_TRUE(store->upsert(kBtc, Timeframe::M1, std::vector<Bar>(bars.begin() + 1000, bars.begin() + 1100)).ok());
    HistoryDownloader dl(*feed, *store);
    QSignalSpy progress(&dl, &HistoryDownloader::progress);
    QSignalSpy finished(&dl, &HistoryDownloader::finished);
    ASSERT_TRUE(dl.start(kBtc, Timeframe::M1, bars[0].openTimeMs, bars[2500].openTimeMs).ok());
    EXPECT_FALSE(dl.start(kBtc, Timeframe::M1, 0, 1).ok());  // one at a time
    ASSERT_TRUE(finished.wait(20'000));
    EXPECT_TRUE(finished[0][0].toBool()) << finished[0][1].toString().toStdString();
    EXPECT_EQ(dl.barsWritten(), 2400);
    expectStored(0, 2500);
    // [0,1000) in one page, [1100,2500) in two.
    const auto reqs = fake.http.requests("/api/v3/klines");
    ASSERT_EQ(reqs.size(), 3);
    EXPECT_EQ(reqs[0].query.queryItemValue("startTime").toLongLong(), bars[0].openTimeMs);
    EXPECT_EQ(reqs[1].query.queryItemValue("startTime").toLongLong(), bars[1100].openTimeMs);
    ASSERT_FALSE(progress.isEmpty());
    qint64 last = -1;
    for (const auto& p : progress) {
        EXPECT_GE(p[0].toLongLong(), last);
        last = p[0].toLongLong();
        EXPECT_EQ(p[1].toLongLong(), 2400);
    }
    EXPECT_EQ(last, 2400);
    // A second run has nothing to do.
    finished.clear();
    ASSERT_TRUE(dl.start(kBtc, Timeframe::M1, bars[0].openTimeMs, bars[2500].openTimeMs).ok());
    ASSERT_TRUE(finished.wait(5000));
    EXPECT_EQ(dl.barsWritten(), 0);
    EXPECT_EQ(fake.http.requestCount("/api/v3/klines"), 3);
}

TEST_F(StoreFixture, VenueOutagesAreReportedAsStillMissing) {
    std::vector<Bar> withHole = bars;
    withHole.erase(withHole.begin() + 500, withHole.begin() + 510);  // the venue has no bars there
    fake.setKlines("BTCUSDT", Timeframe::M1, withHole);
    HistoryDownloader dl(*feed, *store);
    QSignalSpy finished(&dl, &HistoryDownloader::finished);
    ASSERT_TRUE(dl.start(kBtc, Timeframe::M1, bars[0].openTimeMs, bars[1000].openTimeMs).ok());
    ASSERT_TRUE(finished.wait(20'000));
    EXPECT_TRUE(finished[0][0].toBool());
    EXPECT_EQ(dl.barsWritten(), 990);
    ASSERT_EQ(dl.stillMissing().size(), 1u);
    EXPECT_EQ(dl.stillMissing()[0].fromMs, bars[500].openTimeMs);
    EXPECT_EQ(dl.stillMissing()[0].missingBars, 10);
    EXPECT_TRUE(finished[0][1].toString().contains(QStringLiteral("not available"))) << finished[0][1].toString().toStdString();
}

TEST_F(StoreFixture, HistoryDownloadCanBeCancelled) {
    // Hold every request for 1 s so the cancel lands mid-download.
    for (int i = 0; i < 5; ++i) {
        test::HttpReply slow = test::HttpReply::json(R"({"code":-1003,"msg":"Too many requests."})", 429);
        slow.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
        fake.http.queueReply("/api/v3/klines", slow);
    }
    HistoryDownloader dl(*feed, *store);
    QSignalSpy finished(&dl, &HistoryDownloader::finished);
    ASSERT_TRUE(dl.start(kBtc, Timeframe::M1, bars[0].openTimeMs, bars[2999].openTimeMs).ok());
    QSignalSpy limited(feed.get(), &ExchangeFeed::rateLimited);
    ASSERT_TRUE(limited.wait(5000));
    dl.cancel();
    ASSERT_EQ(finished.size(), 1);
    EXPECT_FALSE(finished[0][0].toBool());
    EXPECT_TRUE(finished[0][1].toString().startsWith(QStringLiteral("cancelled")));
    EXPECT_FALSE(dl.isRunning());
    EXPECT_EQ(dl.barsWritten(), 0);
}

TEST_F(StoreFixture, BackgroundDownloadRunsOnAWorkerThread) {
    BackgroundHistoryDownload job;
    QSignalSpy progress(&job, &BackgroundHistoryDownload::progress);
    QSignalSpy finished(&job, &BackgroundHistoryDownload::finished);
    Qt::HANDLE progressThread = nullptr;
    QObject::connect(&job, &BackgroundHistoryDownload::progress, &job, [&] { progressThread = QThread::currentThreadId(); });
    BackgroundHistoryDownload::Request r;
    r.venue = QStringLiteral("BINANCE");
    r.config = fake.config();
    r.databasePath = dbPath;
    r.instrument = kBtc;
    r.timeframe = Timeframe::M1;
    r.fromMs = bars[0].openTimeMs;
    r.toMs = bars[2999].openTimeMs;
    ASSERT_TRUE(job.start(r));
    EXPECT_FALSE(job.start(r));
    ASSERT_TRUE(finished.wait(30'000));
    EXPECT_TRUE(finished[0][0].toBool()) << finished[0][1].toString().toStdString();
    EXPECT_EQ(finished[0][2].toLongLong(), 2999);
    EXPECT_FALSE(progress.isEmpty());
    EXPECT_EQ(progressThread, QThread::currentThreadId());  // delivered on the owner's thread
    ASSERT_TRUE(waitUntil([&] { return !job.isRunning(); }));
    expectStored(0, 2999);  // written by the worker's own connection, read here through ours
}

}  // namespace
