// Exact OHLC aggregation (charts/ohlcaggregate.h) against the real bars each group covers, and the
// zoomed-out chart drawing exactly those groups.
#include "candlechart.h"
#include "chartseries.h"
#include "ohlcaggregate.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QFileInfo>
#include <QtTest>

#include <qcustomplot.h>

#include <algorithm>

using namespace kairos;
using namespace kairos::charts;

namespace {

std::vector<Bar> loadBars(const std::string& path) {
    auto r = marketdata::readBarsCsv(path);
    if (!r.ok()) qFatal("cannot read %s: %s", path.c_str(), r.message().c_str());
    return r->bars;
}

/// The expected group, computed from the fixed-point bars (no doubles until the end).
struct Expected {
    Price open, high, low, close;
    double volume = 0;
    int count = 0;
};
Expected expectedGroup(const std::vector<Bar>& bars, std::size_t from, std::size_t to) {
    Expected e;
    e.open = bars[from].open;
    e.close = bars[to - 1].close;
    e.high = bars[from].high;
    e.low = bars[from].low;
    Quantity vol = Quantity::fromRaw(0, 0);
    for (std::size_t i = from; i < to; ++i) {
        e.high = std::max(e.high, bars[i].high);
        e.low = std::min(e.low, bars[i].low);
        vol = *vol.add(bars[i].volume);
    }
    e.volume = vol.toDouble();
    e.count = static_cast<int>(to - from);
    return e;
}

/// Checks `got` against the bars: every bar in exactly one group, groups aligned to multiples of
/// `n` in logical index, OHLC exact.
void checkGroups(const std::vector<Bar>& bars, std::int64_t origin, const std::vector<OhlcBucket>& got, std::int32_t n,
                 std::int64_t from, std::int64_t to) {
    const std::int64_t first = std::max(from, origin),
                       last = std::min<std::int64_t>(to, origin + static_cast<std::int64_t>(bars.size()) - 1);
    QVERIFY(!got.empty());
    std::int64_t next = floorDiv(first, n) * n;
    next = std::max(next, origin);
    for (const OhlcBucket& g : got) {
        QCOMPARE(g.firstIndex, next);
        const std::int64_t groupEnd =
            std::min(floorDiv(g.firstIndex, n) * n + n, origin + static_cast<std::int64_t>(bars.size()));
        QCOMPARE(static_cast<std::int64_t>(g.count), groupEnd - g.firstIndex);
        const auto a = static_cast<std::size_t>(g.firstIndex - origin), b = static_cast<std::size_t>(groupEnd - origin);
        const Expected e = expectedGroup(bars, a, b);
        QCOMPARE(g.open, e.open.toDouble());
        QCOMPARE(g.high, e.high.toDouble());
        QCOMPARE(g.low, e.low.toDouble());
        QCOMPARE(g.close, e.close.toDouble());
        // Volume is a double sum of exact decimals: equal to the exact sum to ~1e-12 relative.
        QVERIFY2(std::fabs(g.volume - e.volume) <= 1e-9 * std::max(1.0, e.volume),
                 qPrintable(QString::number(g.volume - e.volume)));
        next = groupEnd;
    }
    QVERIFY(next > last);  // the last group reaches past the last bar asked for
}

}  // namespace

class ChartAggregateTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void groupsAreExactOnRealOneMinuteBars() {
        // GIVEN a week of real BTCUSDT 1m bars (10,080 bars)
        const auto bars = loadBars(test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
        QCOMPARE(bars.size(), std::size_t(10080));
        ChartSeries s;
        s.assign(bars);
        for (std::int64_t origin : {std::int64_t(0), std::int64_t(-4321)}) {
            OhlcColumns cols{origin, s.open(), s.high(), s.low(), s.close(), s.volume()};
            for (std::int32_t n : {1, 2, 3, 7, 60, 61, 240, 1440, 5000, 20000}) {
                for (auto [from, to] : {std::pair<std::int64_t, std::int64_t>{origin, origin + 10079},
                                        {origin + 17, origin + 9000},
                                        {origin - 500, origin + 100},
                                        {origin + 9999, origin + 20000}}) {
                    // WHEN the bars are grouped n to a candle
                    std::vector<OhlcBucket> got;
                    aggregateOhlc(cols, from, to, n, got);
                    // THEN each group is the exact OHLC of the bars it covers
                    checkGroups(bars, origin, got, n, from, to);
                    if (QTest::currentTestFailed()) {
                        qWarning("origin %lld n %d range %lld..%lld", static_cast<long long>(origin), n,
                                 static_cast<long long>(from), static_cast<long long>(to));
                        return;
                    }
                }
            }
        }
    }

    void singleGroupMatchesTheRangeFunction() {
        const auto bars = loadBars(test::resourcesData("binance_spot_ETHUSDT_1m_2025-05-20_2025-05-26.csv"));
        ChartSeries s;
        s.assign(bars);
        OhlcColumns cols{0, s.open(), s.high(), s.low(), s.close(), s.volume()};
        std::vector<OhlcBucket> all;
        aggregateOhlc(cols, 0, 10079, 97, all);
        for (const OhlcBucket& g : all) {
            QCOMPARE(aggregateBucketAt(cols, g.firstIndex, 97), g);
            QCOMPARE(aggregateBucketAt(cols, g.firstIndex + g.count - 1, 97), g);
        }
    }

    void bucketSizeLeavesAtMostOneCandlePerColumn() {
        QCOMPARE(bucketBarsFor(100, 800), 1);
        QCOMPARE(bucketBarsFor(800, 800), 1);
        QCOMPARE(bucketBarsFor(801, 800), 2);
        QCOMPARE(bucketBarsFor(1'000'000, 1500), 667);
        for (double bars : {1234.0, 99'999.0, 1'000'000.0, 130'708.0})
            for (double px : {300.0, 799.0, 1503.0}) QVERIFY(std::ceil(bars / bucketBarsFor(bars, px)) <= px);
    }

    void zoomedOutChartDrawsTheExactGroups() {
        // GIVEN 130,708 real 1m bars fully zoomed out in an 1100 px wide chart
        // The 90-day shared file when ../shared/data is present, else the bundled 7-day slice.
        const std::string shared = test::sharedData("candles/binance_spot_BTCUSDT_1m_2025-05-20_2025-08-18.csv");
        const auto bars = loadBars(!shared.empty() && QFileInfo::exists(QString::fromStdString(shared))
                                       ? shared
                                       : test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
        QVERIFY(bars.size() > 10000);
        CandleChart chart;
        chart.resize(1100, 600);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setBars(bars);
        chart.setVisibleRange(-0.5, static_cast<double>(bars.size()) - 0.5);
        chart.renderNow();
        chart.renderNow();  // the second frame uses the laid-out pane width
        // THEN there is at most one candle per pixel column...
        const int n = chart.barsPerCandle();
        QVERIFY(n > 1);
        auto* fin = qobject_cast<QCPFinancial*>(chart.plot()->plottable(0));
        QVERIFY(fin != nullptr);
        const int width = chart.priceRect()->width();
        QVERIFY(fin->data()->size() <= width + 2);
        // ...and each drawn candle is the exact OHLC of the bars it covers
        int checked = 0;
        for (auto it = fin->data()->constBegin(); it != fin->data()->constEnd(); ++it) {
            const auto start = static_cast<std::size_t>(std::llround(it->key - (n - 1) / 2.0));
            QCOMPARE(start % static_cast<std::size_t>(n), std::size_t(0));
            const std::size_t end = std::min(bars.size(), start + static_cast<std::size_t>(n));
            const Expected e = expectedGroup(bars, start, end);
            QCOMPARE(it->open, e.open.toDouble());
            QCOMPARE(it->high, e.high.toDouble());
            QCOMPARE(it->low, e.low.toDouble());
            QCOMPARE(it->close, e.close.toDouble());
            ++checked;
        }
        QVERIFY(checked >= static_cast<int>(bars.size() / static_cast<std::size_t>(n)));
    }
};

QTEST_MAIN(ChartAggregateTest)
#include "chart_aggregate_test.moc"
