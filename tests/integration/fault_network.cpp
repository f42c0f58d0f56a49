// Fault injection on the network (issue 12): a venue's live candle stream reaches the feed through
// a FaultProxy that drops, delays, truncates, duplicates and reorders WebSocket frames, cuts the
// connection (between frames or inside one) and refuses reconnects. The feed records into a real
// CandleStore; after each scenario the store holds exactly the source file's bars for the period
// (real BTCUSDT 1m candles, tests/data/feeds/binance), with no gap, whatever the stream lost: the
// feed reconnects with back-off, counts what it could not read and backfills holes over REST.
//
// Synchronisation: a frame is published only when the venue has a connection carrying the stream,
// and the next one only after the proxy has decided about it; the end is the store being complete.
// Faults are chosen by the bar a frame carries, so each run injects the same faults.
#include "marketdata/binancefeed.h"
#include "marketdata/bybitfeed.h"
#include "marketdata/candlerecorder.h"
#include "storage/candlestore.h"
#include "storage/database.h"

#include "fakebinance.h"
#include "fakebybit.h"
#include "faultproxy.h"
#include "testdata.h"

#include <QRegularExpression>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>

using namespace kairos;
using namespace kairos::marketdata;
using kairos::test::FakeWsServer;
using kairos::test::FaultProxy;
using kairos::test::waitUntil;
using Fault = FaultProxy::Fault;

namespace {

/// Which bar a kline frame carries and whether it says the bar is closed.
struct BarKey {
    std::int64_t openTimeMs = 0;
    bool closed = false;
    friend auto operator<=>(const BarKey&, const BarKey&) = default;
};

std::optional<BarKey> barKeyOf(const QByteArray& payload, const char* timeField, const char* closedField) {
    const QRegularExpression time(QStringLiteral("\"%1\":(\\d+)").arg(QLatin1String(timeField)));
    const QRegularExpression closed(QStringLiteral("\"%1\":(true|false)").arg(QLatin1String(closedField)));
    const QString text = QString::fromUtf8(payload);
    const auto t = time.match(text);
    const auto c = closed.match(text);
    if (!t.hasMatch() || !c.hasMatch()) return std::nullopt;
    return BarKey{t.captured(1).toLongLong(), c.captured(1) == QLatin1String("true")};
}

QString num(const Price& p) { return QString::fromStdString(p.toString()); }
QString num(const Quantity& q) { return QString::fromStdString(q.toString()); }

}  // namespace

// The kits are outside the anonymous namespace so that CTest names read NetworkFaultBinance.X<BinanceKit>.
struct BinanceKit {
    using Fake = test::FakeBinance;
    static InstrumentId instrument() { return {"BINANCE", "BTCUSDT"}; }
    static QString stream() { return QStringLiteral("btcusdt@kline_1m"); }
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<BinanceFeed>(std::move(c)); }
    static void serve(Fake& f, const std::vector<Bar>& bars) { f.setKlines(QStringLiteral("BTCUSDT"), Timeframe::M1, bars); }
    static bool carries(const Fake& f, const FakeWsServer::Client& c) { return f.streamsOf(c).contains(stream()); }
    static int publish(Fake& f, const Bar& b, bool closed) {
        const QString data =
            QStringLiteral(
                R"({"e":"kline","E":%1,"s":"BTCUSDT","k":{"t":%1,"T":%2,"s":"BTCUSDT","i":"1m","o":"%3","c":"%4","h":"%5","l":"%6","v":"%7","n":3,"x":%8,"q":"0"}})")
                .arg(b.openTimeMs)
                .arg(b.openTimeMs + 59'999)
                .arg(num(b.open), num(b.close), num(b.high), num(b.low), num(b.volume), closed ? "true" : "false");
        return f.publish(stream(), data.toUtf8());
    }
    static constexpr const char* kTimeField = "t";
    static std::optional<BarKey> barKey(const QByteArray& payload) { return barKeyOf(payload, kTimeField, "x"); }
    static QString candlePath() { return QStringLiteral("/api/v3/klines"); }
};

struct BybitKit {
    using Fake = test::FakeBybit;
    static InstrumentId instrument() { return {"BYBIT", "BTCUSDT"}; }
    static QString stream() { return QStringLiteral("kline.1.BTCUSDT"); }
    static std::unique_ptr<ExchangeFeed> makeFeed(FeedConfig c) { return std::make_unique<BybitFeed>(std::move(c)); }
    static void serve(Fake& f, const std::vector<Bar>& bars) { f.setBars(QStringLiteral("BTCUSDT"), Timeframe::M1, bars); }
    static bool carries(const Fake& f, const FakeWsServer::Client& c) { return f.topicsOf(c).contains(stream()); }
    static int publish(Fake& f, const Bar& b, bool closed) {
        const QString text =
            QStringLiteral(
                R"({"topic":"kline.1.BTCUSDT","data":[{"start":%1,"end":%2,"interval":"1","open":"%3","close":"%4","high":"%5","low":"%6","volume":"%7","turnover":"0","confirm":%8,"timestamp":%2}],"ts":%2,"type":"snapshot"})")
                .arg(b.openTimeMs)
                .arg(b.openTimeMs + 59'999)
                .arg(num(b.open), num(b.close), num(b.high), num(b.low), num(b.volume), closed ? "true" : "false");
        return f.publish(stream(), text);
    }
    static constexpr const char* kTimeField = "start";
    static std::optional<BarKey> barKey(const QByteArray& payload) { return barKeyOf(payload, kTimeField, "confirm"); }
    static QString candlePath() { return QStringLiteral("/v5/market/kline"); }
};

namespace {

/// Bars [0, kSeed) are in the store before the feed starts (the last session's), so a fault on
/// the very first live bar is detected too.
constexpr std::size_t kSeed = 100;

template <class Kit>
class NetworkFault : public ::testing::Test {
protected:
    typename Kit::Fake fake;
    /// The source: the real candle file, read by the test's own CSV reader (not the product's).
    const std::vector<Bar> bars = test::readKlineCsv(test::fixture("feeds/binance/BTCUSDT_1m_2025-05-20_3000rows.csv"));
    FaultProxy proxy{fake.ws.url()};
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<storage::CandleStore> store;
    std::unique_ptr<ExchangeFeed> feed;
    std::unique_ptr<CandleRecorder> recorder;
    std::unique_ptr<QSignalSpy> gaps;
    /// The fault for the frame of each (bar, closed); every other frame passes.
    std::map<BarKey, Fault> schedule;
    int barFramesDecided = 0;
    int cutConnection = -1;  ///< the proxy connection cut last

    void SetUp() override {
        ASSERT_GE(bars.size(), 1000u);
        Kit::serve(fake, bars);
        ASSERT_TRUE(proxy.listen());
        auto opened = storage::Database::open(QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite"));
        ASSERT_TRUE(opened.ok()) << opened.message();
        db = std::move(*opened);
        store = std::make_unique<storage::CandleStore>(*db);
        ASSERT_TRUE(store->upsert(Kit::instrument(), Timeframe::M1, std::vector<Bar>(bars.begin(), bars.begin() + kSeed)).ok());
        FeedConfig config = fake.config();
        config.wsUrl = proxy.url();  // the stream through the proxy; REST straight to the venue
        feed = Kit::makeFeed(std::move(config));
        gaps = std::make_unique<QSignalSpy>(feed.get(), &ExchangeFeed::gapDetected);
        recorder = std::make_unique<CandleRecorder>(*feed, *store);
        proxy.setRule([this](const FaultProxy::Frame& f) {
            const auto key = Kit::barKey(f.payload);
            if (!key) return Fault::Pass;  // subscription answers
            ++barFramesDecided;
            const auto it = schedule.find(*key);
            const Fault fault = it == schedule.end() ? Fault::Pass : it->second;
            if (fault == Fault::Cut || fault == Fault::CutMidFrame) cutConnection = f.connection;
            return fault;
        });
        ASSERT_TRUE(recorder->record(Kit::instrument(), Timeframe::M1).ok());
    }

    void TearDown() override {
        recorder.reset();
        feed.reset();
    }

    void at(std::size_t bar, bool closed, Fault fault) { schedule[BarKey{bars[bar].openTimeMs, closed}] = fault; }

    /// One open connection at the venue, newer than the last cut one, carrying the stream.
    bool live() const {
        const auto open = fake.ws.openClients();
        return open.size() == 1 && open[0]->index > cutConnection && Kit::carries(fake, *open[0]);
    }

    /// Publishes one frame of bar `i` once the stream is live and waits until the proxy decided it.
    void send(std::size_t i, bool closed) {
        ASSERT_TRUE(waitUntil([&] { return live(); })) << "the feed did not reconnect through the proxy";
        const int decided = barFramesDecided;
        ASSERT_EQ(Kit::publish(fake, bars[i], closed), 1);
        ASSERT_TRUE(waitUntil([&] { return barFramesDecided > decided; })) << "frame of bar " << i << " never reached the proxy";
    }

    /// Bars [from, to] on the stream: an update while each forms, then its close.
    void play(std::size_t from, std::size_t to) {
        for (std::size_t i = from; i <= to; ++i) {
            send(i, false);
            if (::testing::Test::HasFatalFailure()) return;
            send(i, true);
            if (::testing::Test::HasFatalFailure()) return;
        }
    }

    std::size_t storedIn(std::size_t endExclusive) const {
        auto got = store->range(Kit::instrument(), Timeframe::M1, bars[0].openTimeMs, bars[endExclusive].openTimeMs);
        return got.ok() ? got->size() : 0;
    }

    /// The store holds bars [0, endExclusive) exactly as the source file has them, with no gap.
    void expectStoreMatchesSource(std::size_t endExclusive) {
        EXPECT_TRUE(waitUntil([&] { return storedIn(endExclusive) == endExclusive; }, 20'000))
            << "stored " << storedIn(endExclusive) << " of " << endExclusive << " bars";
        auto got = store->range(Kit::instrument(), Timeframe::M1, bars[0].openTimeMs, bars[endExclusive].openTimeMs);
        ASSERT_TRUE(got.ok()) << got.message();
        ASSERT_EQ(got->size(), endExclusive);
        for (std::size_t i = 0; i < endExclusive; ++i) {
            const Bar& want = bars[i];
            const Bar& have = (*got)[i];
            ASSERT_EQ(have.openTimeMs, want.openTimeMs) << "bar " << i;
            ASSERT_EQ(have.open.toString(), want.open.toString()) << "bar " << i;
            ASSERT_EQ(have.high.toString(), want.high.toString()) << "bar " << i;
            ASSERT_EQ(have.low.toString(), want.low.toString()) << "bar " << i;
            ASSERT_EQ(have.close.toString(), want.close.toString()) << "bar " << i;
            ASSERT_EQ(have.volume.toString(), want.volume.toString()) << "bar " << i;
        }
        auto holes = store->gaps(Kit::instrument(), Timeframe::M1, bars[0].openTimeMs, bars[endExclusive].openTimeMs);
        ASSERT_TRUE(holes.ok());
        EXPECT_TRUE(holes->empty());
        // Nothing beyond the last bar played was invented.
        auto after = store->range(Kit::instrument(), Timeframe::M1, bars[endExclusive].openTimeMs, bars.back().openTimeMs + 1);
        ASSERT_TRUE(after.ok());
        EXPECT_TRUE(after->empty());
    }
};

TYPED_TEST_SUITE_P(NetworkFault);

TYPED_TEST_P(NetworkFault, DroppedFramesAreBackfilledOverRest) {
    using Kit = TypeParam;
    // GIVEN one lost close, three whole bars lost, and a lost close of the first live bar
    this->at(100, true, Fault::Drop);
    for (std::size_t i = 120; i <= 122; ++i) {
        this->at(i, false, Fault::Drop);
        this->at(i, true, Fault::Drop);
    }
    this->at(150, true, Fault::Drop);
    // WHEN the stream plays bars 100..200
    this->play(100, 200);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN each hole was seen once and fetched, and the store equals the source
    this->expectStoreMatchesSource(201);
    EXPECT_EQ(this->gaps->size(), 3);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 3);
    EXPECT_EQ(this->proxy.count(Fault::Drop), 8);
    EXPECT_EQ(this->feed->malformedCount(), 0u);
}

TYPED_TEST_P(NetworkFault, DelayedFramesArriveLateWithoutABackfill) {
    using Kit = TypeParam;
    // GIVEN two bars held back and released in order before the next frame, and then ten bars
    for (std::size_t i = 130; i <= 131; ++i) {
        this->at(i, false, Fault::Hold);
        this->at(i, true, Fault::Hold);
    }
    this->at(132, false, Fault::ReleaseThenPass);
    for (std::size_t i = 150; i <= 159; ++i) {
        this->at(i, false, Fault::Hold);
        this->at(i, true, Fault::Hold);
    }
    this->at(160, false, Fault::ReleaseThenPass);
    // WHEN the stream plays bars 100..180
    this->play(100, 180);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN a delay loses nothing: no gap, no REST request, the store equals the source
    this->expectStoreMatchesSource(181);
    EXPECT_EQ(this->proxy.count(Fault::Hold), 24);
    EXPECT_EQ(this->proxy.heldFrames(), 0);
    EXPECT_EQ(this->gaps->size(), 0);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 0);
}

TYPED_TEST_P(NetworkFault, TruncatedFramesAreCountedAsMalformedAndBackfilled) {
    using Kit = TypeParam;
    // GIVEN three closes and one update cut to half their length (well-formed frames, broken JSON)
    this->at(110, true, Fault::Truncate);
    this->at(130, false, Fault::Truncate);  // an update of a forming bar: nothing to fetch
    this->at(150, true, Fault::Truncate);
    this->at(151, true, Fault::Truncate);
    // WHEN the stream plays bars 100..170
    this->play(100, 170);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN each broken frame is counted as malformed, the stream goes on and the closes are fetched
    this->expectStoreMatchesSource(171);
    EXPECT_EQ(this->feed->malformedCount(), 4u);
    EXPECT_EQ(this->gaps->size(), 3);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 3);
    EXPECT_EQ(this->feed->reconnectCount(), 0);
}

TYPED_TEST_P(NetworkFault, CorruptedValuesAreCountedAsInvalidAndBackfilled) {
    using Kit = TypeParam;
    // GIVEN a close and an update whose bar open time is moved 1 ms off the minute grid (valid JSON)
    this->proxy.setCorruption([](const QByteArray& payload) {
        QString text = QString::fromUtf8(payload);
        const QRegularExpression time(QStringLiteral("\"%1\":(\\d+)").arg(QLatin1String(Kit::kTimeField)));
        const auto m = time.match(text);
        text.replace(m.capturedStart(1), m.capturedLength(1), QString::number(m.captured(1).toLongLong() + 1));
        return text.toUtf8();
    });
    this->at(110, true, Fault::Corrupt);
    this->at(130, false, Fault::Corrupt);
    // WHEN the stream plays bars 100..140
    this->play(100, 140);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN both are skipped and counted as invalid (not malformed), the lost close is fetched
    this->expectStoreMatchesSource(141);
    EXPECT_EQ(this->feed->invalidCount(), 2u);
    EXPECT_EQ(this->feed->malformedCount(), 0u);
    EXPECT_EQ(this->gaps->size(), 1);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 1);
}

TYPED_TEST_P(NetworkFault, DuplicatedFramesAreStoredOnce) {
    using Kit = TypeParam;
    // GIVEN every frame of bars 100..150 sent twice
    for (std::size_t i = 100; i <= 150; ++i) {
        this->at(i, false, Fault::Duplicate);
        this->at(i, true, Fault::Duplicate);
    }
    // WHEN the stream plays bars 100..160
    this->play(100, 160);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN each bar is stored once with its values; no gap is imagined
    this->expectStoreMatchesSource(161);
    EXPECT_EQ(this->proxy.count(Fault::Duplicate), 102);
    EXPECT_EQ(this->gaps->size(), 0);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 0);
    EXPECT_EQ(this->feed->invalidCount(), 0u);
}

TYPED_TEST_P(NetworkFault, ReorderedFramesEndInTheStoreInOrder) {
    using Kit = TypeParam;
    // GIVEN a close overtaken by the next bar's update, and a close, update and close overtaken
    this->at(110, true, Fault::Hold);
    this->at(111, false, Fault::PassThenRelease);
    this->at(120, true, Fault::Hold);
    this->at(121, false, Fault::Hold);
    this->at(121, true, Fault::Hold);
    this->at(122, false, Fault::PassThenRelease);
    // WHEN the stream plays bars 100..140
    this->play(100, 140);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN the overtaking update looks like a gap (fetched), the late closes change nothing wrong
    this->expectStoreMatchesSource(141);
    EXPECT_EQ(this->proxy.count(Fault::PassThenRelease), 2);
    EXPECT_EQ(this->gaps->size(), 2);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 2);
}

TYPED_TEST_P(NetworkFault, CutConnectionsReconnectWithBackoffAndBackfill) {
    using Kit = TypeParam;
    // GIVEN a cut between frames at bar 110's close, a cut inside bar 130's close, two reconnects
    // refused, and bars 111..119 and 131..134 published while the feed was away
    this->at(110, true, Fault::Cut);
    this->at(130, true, Fault::CutMidFrame);
    FaultProxy& proxy = this->proxy;
    // WHEN the stream plays bars 100..110, 120..130 and 135..160
    this->play(100, 110);
    proxy.refuseNextConnections(2);  // whichever reconnects come next
    this->play(120, 130);
    this->play(135, 160);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN the feed reconnected each time, through refused attempts, resubscribed and fetched the holes
    this->expectStoreMatchesSource(161);
    EXPECT_EQ(proxy.cuts(), 2);
    EXPECT_EQ(proxy.refusedConnections(), 2);
    EXPECT_EQ(proxy.forwardedConnections(), 3);
    EXPECT_GE(this->feed->reconnectCount(), 2);
    EXPECT_EQ(this->gaps->size(), 2);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 2);
    EXPECT_EQ(this->feed->status().state, FeedState::Live);
}

TYPED_TEST_P(NetworkFault, ABackfillAnsweredWithServerErrorsIsRetried) {
    using Kit = TypeParam;
    // GIVEN a lost close whose backfill meets two "503 Service Unavailable" answers first
    this->at(110, true, Fault::Drop);
    for (int i = 0; i < 2; ++i)
        this->fake.http.queueReply(Kit::candlePath(), test::HttpReply::json(R"({"msg":"Service Unavailable"})", 503));
    // WHEN the stream plays bars 100..130
    this->play(100, 130);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN the request was retried with back-off until it succeeded, and the store equals the source
    this->expectStoreMatchesSource(131);
    EXPECT_EQ(this->gaps->size(), 1);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 3);
}

TYPED_TEST_P(NetworkFault, ABackfillCutOffMidResponseIsRetried) {
    using Kit = TypeParam;
    // GIVEN a lost close whose backfill answer is cut off in the middle of its body, twice
    this->at(110, true, Fault::Drop);
    this->fake.http.changeNextReplies(Kit::candlePath(), 2, [](test::HttpReply& r) {
        ASSERT_GT(r.body.size(), 2);
        r.cutBodyAfterBytes = static_cast<int>(r.body.size() / 2);
    });
    // WHEN the stream plays bars 100..130
    this->play(100, 130);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN no half answer was stored: the request was retried until a whole answer came, and the
    // store equals the source
    this->expectStoreMatchesSource(131);
    EXPECT_EQ(this->gaps->size(), 1);
    EXPECT_GE(this->fake.http.requestCount(Kit::candlePath()), 3);
}

TYPED_TEST_P(NetworkFault, ABackfillWithATruncatedBodyIsRetried) {
    using Kit = TypeParam;
    // GIVEN a lost close whose backfill answer arrives whole as HTTP but with its JSON cut in half
    // (Content-Length matches the shortened body, as a broken proxy would send it)
    this->at(110, true, Fault::Drop);
    this->fake.http.changeNextReplies(Kit::candlePath(), 1, [](test::HttpReply& r) {
        ASSERT_GT(r.body.size(), 2);
        r.body.truncate(r.body.size() / 2);
    });
    // WHEN the stream plays bars 100..130
    this->play(100, 130);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN the truncated answer was refused as a whole and the request retried
    this->expectStoreMatchesSource(131);
    EXPECT_EQ(this->gaps->size(), 1);
    EXPECT_EQ(this->fake.http.requestCount(Kit::candlePath()), 2);
}

TYPED_TEST_P(NetworkFault, SeededMixOfEveryFaultLeavesTheStoreComplete) {
    // GIVEN 500 bars where about one frame in six meets a fault of any kind (fixed seed)
    std::mt19937 rng(20251207);
    int held = 0;
    const std::size_t last = 600;
    for (std::size_t i = 100; i <= last; ++i) {
        for (bool closed : {false, true}) {
            const unsigned roll = rng() % 100;
            Fault f = Fault::Pass;
            if (i + 3 > last) {
                f = held ? Fault::ReleaseThenPass : Fault::Pass;  // the tail arrives clean
            } else if (roll < 4) {
                f = Fault::Drop;
            } else if (roll < 7) {
                f = Fault::Duplicate;
            } else if (roll < 10) {
                f = Fault::Truncate;
            } else if (roll < 13) {
                f = Fault::Hold;
            } else if (roll < 15) {
                f = held ? Fault::PassThenRelease : Fault::Pass;
            } else if (roll < 16) {
                f = held ? Fault::ReleaseThenPass : Fault::Pass;
            } else if (roll == 16) {
                f = (i % 2) ? Fault::Cut : Fault::CutMidFrame;
            }
            if (f == Fault::Hold) ++held;
            if (f == Fault::PassThenRelease || f == Fault::ReleaseThenPass || f == Fault::Cut || f == Fault::CutMidFrame)
                held = 0;
            this->at(i, closed, f);
        }
    }
    // WHEN the stream plays them
    this->play(100, last);
    ASSERT_FALSE(this->HasFatalFailure());
    // THEN the store equals the source
    this->expectStoreMatchesSource(last + 1);
    EXPECT_GT(this->proxy.count(Fault::Drop), 0);
    EXPECT_GT(this->proxy.count(Fault::Truncate), 0);
    EXPECT_GT(this->proxy.count(Fault::Duplicate), 0);
    EXPECT_GT(this->proxy.count(Fault::Hold), 0);
    EXPECT_GT(this->proxy.cuts(), 0);
    // A truncated frame written just before a cut may die with the connection.
    EXPECT_GT(this->feed->malformedCount(), 0u);
    EXPECT_LE(this->feed->malformedCount(), static_cast<quint64>(this->proxy.count(Fault::Truncate)));
}

REGISTER_TYPED_TEST_SUITE_P(NetworkFault, DroppedFramesAreBackfilledOverRest, DelayedFramesArriveLateWithoutABackfill,
                            TruncatedFramesAreCountedAsMalformedAndBackfilled, CorruptedValuesAreCountedAsInvalidAndBackfilled,
                            DuplicatedFramesAreStoredOnce, ReorderedFramesEndInTheStoreInOrder,
                            CutConnectionsReconnectWithBackoffAndBackfill, ABackfillAnsweredWithServerErrorsIsRetried,
                            ABackfillCutOffMidResponseIsRetried, ABackfillWithATruncatedBodyIsRetried,
                            SeededMixOfEveryFaultLeavesTheStoreComplete);
INSTANTIATE_TYPED_TEST_SUITE_P(NetworkFaultBinance, NetworkFault, ::testing::Types<BinanceKit>);
INSTANTIATE_TYPED_TEST_SUITE_P(NetworkFaultBybit, NetworkFault, ::testing::Types<BybitKit>);

}  // namespace
