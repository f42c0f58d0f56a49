// Qt Test, offscreen: the chart workspace on the bundled real data (TerminalSession imports it
// into a fresh profile's CandleStore): grids, the active chart, synchronised crosshair, exact
// aggregated timeframes, scroll-back without a jump, live aggregation and named layouts that
// survive a restart.
#include "candlechart.h"
#include "chartpane.h"
#include "chartseries.h"
#include "chartworkspace.h"
#include "terminalsession.h"

#include "marketdata/csvimport.h"
#include "storage/barhistory.h"
#include "storage/candlestore.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "testdata.h"

#include <QAction>
#include <QComboBox>
#include <QDate>
#include <QDateTime>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>

#include <qcustomplot.h>

#include <functional>
#include <memory>
#include <set>

using namespace kairos;
using namespace kairos::ui;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const InstrumentId kEth{"BINANCE", "ETHUSDT"};
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;

std::vector<Bar> csvBars(const char* file) {
    auto csv = marketdata::readBarsCsv(test::resourcesData(file));
    if (!csv) qFatal("%s", csv.message().c_str());
    return csv->bars;
}

// Bucket rules written out independently of core/domain: hours since the epoch, Monday weeks
// (1970-01-01 was a Thursday), calendar months through QDate.
std::int64_t hoursBucket(std::int64_t t, int hours) { return t - t % (hours * kHourMs); }
std::int64_t mondayBucket(std::int64_t t) {
    const std::int64_t days = t / kDayMs;
    return (days - (days + 3) % 7) * kDayMs;
}
std::int64_t monthBucket(std::int64_t t) {
    const QDate d = QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).date();
    return QDate(d.year(), d.month(), 1).startOfDay(Qt::UTC).toMSecsSinceEpoch();
}

// OHLCV aggregation written out independently of storage::aggregateBars.
std::vector<Bar> aggregateByHand(const std::vector<Bar>& bars, const std::function<std::int64_t(std::int64_t)>& bucketOf) {
    std::vector<Bar> out;
    for (const Bar& b : bars) {
        const std::int64_t start = bucketOf(b.openTimeMs);
        if (out.empty() || out.back().openTimeMs != start) {
            out.push_back(b);
            out.back().openTimeMs = start;
            continue;
        }
        Bar& a = out.back();
        a.high = std::max(a.high, b.high);
        a.low = std::min(a.low, b.low);
        a.close = b.close;
        a.volume = a.volume.add(b.volume).value();
        a.quoteVolume = a.quoteVolume.add(b.quoteVolume).value();
        a.tradeCount += b.tradeCount;
    }
    return out;
}

// The chart shows `expected` as its last bars (times exact; prices as the doubles it draws).
void compareChartTail(const charts::CandleChart& chart, const std::vector<Bar>& expected) {
    const charts::ChartSeries& s = chart.series();
    QVERIFY(s.size() >= expected.size());
    const std::size_t off = s.size() - expected.size();
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const Bar& e = expected[i];
        QCOMPARE(s.time()[off + i], e.openTimeMs);
        QCOMPARE(s.open()[off + i], e.open.toDouble());
        QCOMPARE(s.high()[off + i], e.high.toDouble());
        QCOMPARE(s.low()[off + i], e.low.toDouble());
        QCOMPARE(s.close()[off + i], e.close.toDouble());
        QCOMPARE(s.volume()[off + i], e.volume.toDouble());
    }
}

bool waitReady(ChartPane* p) {
    if (!QTest::qWaitFor([p] { return p->state() != ChartPane::State::Loading; }, 30000)) return false;
    return p->state() == ChartPane::State::Ready;
}
}  // namespace

class ChartWorkspaceTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_profile;
    std::unique_ptr<TerminalSession> m_session;
    std::vector<Bar> m_btc1h;
    std::int64_t m_start = 0;  ///< the replay clock after loading

    TerminalSession::Options options() const {
        TerminalSession::Options o;
        o.profileDir = m_profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;  // the test drives the replay clock
        return o;
    }
    void openSession() {
        m_session = std::make_unique<TerminalSession>(options());
        QSignalSpy loaded(m_session.get(), &TerminalSession::loaded);
        QSignalSpy failed(m_session.get(), &TerminalSession::loadFailed);
        m_session->load();
        QVERIFY(loaded.wait(60000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        m_start = m_session->feed()->clockMs();
        for (const InstrumentId& id : m_session->instruments()) {
            m_session->feed()->subscribeTrades(id);
            m_session->feed()->subscribeBars(id, Timeframe::H1);
        }
    }
    // A workspace wired like MainWindow wires it.
    std::unique_ptr<ChartWorkspace> makeWorkspace(int pageBars = 2000) {
        auto ws = std::make_unique<ChartWorkspace>(m_session->databasePath(), m_session->database());
        ws->setPageBars(pageBars);
        TerminalSession* s = m_session.get();
        ws->setInstruments(s->instruments());
        ws->setLiveBarTimeframe(Timeframe::H1);
        ws->setHistoryEnd([s](const InstrumentId&) { return s->feed()->clockMs(); });
        auto* feed = s->feed();
        connect(feed, &marketdata::MarketDataFeed::barUpdated, ws.get(), &ChartWorkspace::onBar);
        connect(feed, &marketdata::MarketDataFeed::tradeReceived, ws.get(), &ChartWorkspace::onTrade);
        ws->resize(1400, 800);
        ws->reloadAll();
        return ws;
    }
    // Bars of BTCUSDT 1h that have closed by the replay clock `clockMs`.
    std::vector<Bar> btcClosedBy(std::int64_t clockMs) const {
        std::vector<Bar> out;
        for (const Bar& b : m_btc1h)
            if (b.openTimeMs + kHourMs <= clockMs) out.push_back(b);
        return out;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_profile.isValid());
        m_btc1h = csvBars("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
        openSession();
    }

    void panesWaitUntilTheWorkspaceIsSetUp() {
        // MainWindow builds the workspace before the session has loaded: nothing is read with
        // the wrong history end (the store also holds the replay's future).
        ChartWorkspace ws(m_session->databasePath(), m_session->database());
        ChartPane* p = ws.pane(0);
        QCOMPARE(p->state(), ChartPane::State::Loading);
        QVERIFY(p->stateText().contains(QStringLiteral("Waiting")));
        QSignalSpy loaded(p, &ChartPane::historyLoaded);
        TerminalSession* s = m_session.get();
        ws.setHistoryEnd([s](const InstrumentId&) { return s->feed()->clockMs(); });
        ws.reloadAll();
        QVERIFY(loaded.wait(30000));
        QCOMPARE(p->chart()->series().time().back(), m_start - kHourMs);
    }

    void gridSwitchingCreatesNCharts() {
        auto ws = makeWorkspace();
        ws->show();
        QVERIFY(QTest::qWaitForWindowExposed(ws.get()));
        for (int n : {1, 2, 4, 6, 2, 1, 6}) {
            ws->setGrid(n);
            QCoreApplication::processEvents();
            QCOMPARE(ws->grid(), n);
            QCOMPARE(ws->findChildren<charts::CandleChart*>().size(), n);
            QCOMPARE(ws->findChildren<ChartPane*>().size(), n);
        }
        // 6 = three columns over two rows; 4 = two by two.
        QCOMPARE(ws->pane(1)->y(), ws->pane(0)->y());
        QCOMPARE(ws->pane(2)->y(), ws->pane(0)->y());
        QVERIFY(ws->pane(3)->y() > ws->pane(0)->y());
        QCOMPARE(ws->pane(3)->x(), ws->pane(0)->x());
        // The toolbar's buttons do the same; each new chart shows another instrument.
        ws->findChild<QAction*>(QStringLiteral("Grid4Action"))->trigger();
        QCoreApplication::processEvents();
        QCOMPARE(ws->grid(), 4);
        QVERIFY(ws->pane(3)->y() > ws->pane(0)->y() && ws->pane(2)->x() == ws->pane(0)->x());
        std::set<InstrumentId> shown;
        for (int i = 0; i < 4; ++i) shown.insert(ws->pane(i)->instrument());
        QCOMPARE(shown.size(), std::size_t(4));
        for (int i = 0; i < 4; ++i) QVERIFY(waitReady(ws->pane(i)) || ws->pane(i)->state() == ChartPane::State::NoData);
    }

    void activeChartReceivesShowInstrument() {
        auto ws = makeWorkspace();
        ws->setGrid(4);
        ws->show();
        QVERIFY(QTest::qWaitForWindowExposed(ws.get()));
        QCOMPARE(ws->activeIndex(), 0);
        // WHEN the user clicks into the third chart
        QWidget* plot = ws->chart(2)->plot();
        QTest::mouseClick(plot, Qt::LeftButton, {}, plot->rect().center());
        QCOMPARE(ws->activeIndex(), 2);
        QVERIFY(ws->pane(2)->isActive() && !ws->pane(0)->isActive());
        const InstrumentId others[] = {ws->pane(0)->instrument(), ws->pane(1)->instrument(), ws->pane(3)->instrument()};
        // AND the watchlist opens BTCUSDT
        ws->showInstrument(kBtc);
        // THEN only the active chart shows it, its latest bar is the last 1h bar closed at the replay clock
        QCOMPARE(ws->pane(2)->instrument(), kBtc);
        QCOMPARE(ws->pane(0)->instrument(), others[0]);
        QCOMPARE(ws->pane(1)->instrument(), others[1]);
        QCOMPARE(ws->pane(3)->instrument(), others[2]);
        QVERIFY(waitReady(ws->pane(2)));
        const auto closed = btcClosedBy(m_start);
        compareChartTail(*ws->chart(2), {closed.end() - 3, closed.end()});
        QCOMPARE(ws->chart(2)->barCount(), ws->pageBars());
    }

    void instrumentSwitcherCompletesAndRejectsUnknown() {
        auto ws = makeWorkspace();
        ws->show();
        ChartPane* p = ws->pane(0);
        auto* box = p->findChild<QComboBox*>(QStringLiteral("InstrumentBox"));
        QVERIFY(box && box->isEditable());
        QVERIFY(box->findText(QStringLiteral("BINANCE:SOLUSDT")) >= 0);
        // A bare symbol resolves to the known instrument.
        box->lineEdit()->setText(QStringLiteral("solusdt"));
        QTest::keyClick(box->lineEdit(), Qt::Key_Return);
        QCOMPARE(p->instrument(), (InstrumentId{"BINANCE", "SOLUSDT"}));
        // Nonsense is refused with a message; the chart keeps its instrument.
        box->lineEdit()->setText(QStringLiteral("NOPE"));
        QTest::keyClick(box->lineEdit(), Qt::Key_Return);
        QCOMPARE(p->instrument(), (InstrumentId{"BINANCE", "SOLUSDT"}));
        QVERIFY(p->stateText().contains(QStringLiteral("Unknown instrument")));
    }

    void syncCrosshairPropagates() {
        auto ws = makeWorkspace();
        ws->setGrid(2);
        ws->show();
        QVERIFY(QTest::qWaitForWindowExposed(ws.get()));
        QVERIFY(waitReady(ws->pane(0)));
        ws->setSync(ChartWorkspace::Sync::Crosshair, true);
        QVERIFY(ws->findChild<QAction*>(QStringLiteral("SyncCrosshairAction"))->isChecked());
        charts::CandleChart* c0 = ws->chart(0);
        c0->renderNow();
        QSignalSpy moved(c0, &charts::CandleChart::crosshairMoved);
        // WHEN the mouse moves over the first chart's price pane
        const QRect r = c0->priceRect()->rect();
        QTest::mouseMove(c0->plot(), QPoint(r.left() + r.width() / 3, r.center().y()));
        QTRY_VERIFY(!moved.isEmpty());
        const auto timeMs = moved.last().at(0).value<std::int64_t>();
        QVERIFY(timeMs > 0);
        // THEN the second chart shows its crosshair at that bar time
        QCOMPARE(ws->pane(1)->syncedCrosshairMs(), timeMs);
        // AND with sync off it is cleared and no longer follows
        ws->setSync(ChartWorkspace::Sync::Crosshair, false);
        QCOMPARE(ws->pane(1)->syncedCrosshairMs(), std::int64_t(-1));
        QTest::mouseMove(c0->plot(), QPoint(r.left() + r.width() / 2, r.center().y()));
        QCOMPARE(ws->pane(1)->syncedCrosshairMs(), std::int64_t(-1));
    }

    void syncSymbolAndTimeframe() {
        auto ws = makeWorkspace();
        ws->setGrid(4);
        ws->setSync(ChartWorkspace::Sync::Symbol, true);  // aligns the others with the active chart
        for (int i = 0; i < 4; ++i) QCOMPARE(ws->pane(i)->instrument(), ws->pane(0)->instrument());
        ws->pane(1)->setInstrument(kEth);
        for (int i = 0; i < 4; ++i) QCOMPARE(ws->pane(i)->instrument(), kEth);
        ws->setSync(ChartWorkspace::Sync::Timeframe, true);
        ws->pane(3)->setTimeframe(Timeframe::D1);
        for (int i = 0; i < 4; ++i) QVERIFY(ws->pane(i)->timeframe() == Timeframe::D1);
    }

    void drawingsStayInStepAcrossChartsOfOneInstrument() {
        auto ws = makeWorkspace();
        ws->setGrid(2);
        ws->pane(0)->setSeries(kBtc, Timeframe::H1);
        ws->pane(1)->setSeries(kBtc, Timeframe::D1);
        QVERIFY(waitReady(ws->pane(0)) && waitReady(ws->pane(1)));
        ws->chart(0)->clearDrawings();
        QVERIFY(ws->chart(1)->drawings().empty());
        // WHEN a line is drawn in one chart and a note in the other
        storage::Drawing line;
        line.kind = storage::DrawingKind::HorizontalLine;
        line.anchors = {{m_start - 5 * kHourMs, 101234.5}};
        QVERIFY(ws->chart(0)->addDrawing(line) >= 0);
        QCOMPARE(ws->chart(1)->drawings().size(), std::size_t(1));  // the other chart shows it at once
        storage::Drawing note;
        note.kind = storage::DrawingKind::Text;
        note.text = "support";
        note.anchors = {{m_start - 48 * kHourMs, 100000}};
        QVERIFY(ws->chart(1)->addDrawing(note) >= 0);
        // THEN both are stored (the second edit did not write back a list without the first)
        QCOMPARE(ws->chart(0)->drawings().size(), std::size_t(2));
        storage::DrawingStore store(*m_session->database());
        auto stored = store.load(kBtc);
        QVERIFY(stored.ok());
        QCOMPARE(stored->drawings.size(), std::size_t(2));
        ws->chart(0)->clearDrawings();
        QVERIFY(ws->chart(1)->drawings().empty());
    }

    void timeframeSwitchShowsExactAggregatedBars() {
        auto ws = makeWorkspace();
        ChartPane* p = ws->pane(0);
        p->setInstrument(kBtc);
        const auto closed = btcClosedBy(m_start);
        const std::pair<Timeframe, std::function<std::int64_t(std::int64_t)>> cases[] = {
            {Timeframe::H4, [](std::int64_t t) { return hoursBucket(t, 4); }},
            {Timeframe::H12, [](std::int64_t t) { return hoursBucket(t, 12); }},
            {Timeframe::D1, [](std::int64_t t) { return hoursBucket(t, 24); }},
            {Timeframe::W1, mondayBucket},
            {Timeframe::MN1, monthBucket},
        };
        storage::CandleStore store(*m_session->database());
        for (const auto& [tf, bucketOf] : cases) {
            // GIVEN the store holds only 1h bars; WHEN the chart switches timeframe
            p->setTimeframe(tf);
            QCOMPARE(p->state(), ChartPane::State::Loading);
            QVERIFY(!p->stateText().isEmpty());
            QVERIFY2(waitReady(p), qPrintable(p->stateText()));
            // THEN it shows the 1h bars aggregated by hand, the last (partial) bucket included
            auto expected = aggregateByHand(closed, bucketOf);
            if (expected.size() > static_cast<std::size_t>(ws->pageBars()))
                expected.erase(expected.begin(), expected.end() - ws->pageBars());
            QCOMPARE(p->chart()->barCount(), static_cast<int>(expected.size()));
            compareChartTail(*p->chart(), expected);
            // AND exactly, decimals and all (what the chart was given)
            auto page = storage::BarHistory(store).page(kBtc, tf, INT64_MAX, m_start, ws->pageBars());
            QVERIFY(page.ok());
            QVERIFY(page->source == std::optional<Timeframe>(Timeframe::H1));
            QCOMPARE(page->bars.size(), expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) {
                Bar e = expected[i];
                e.closed = i + 1 < expected.size() || nextBucketStart(tf, e.openTimeMs) <= m_start;
                QVERIFY2(page->bars[i] == e, qPrintable(QString::fromStdString(formatUtc(e.openTimeMs))));
            }
        }
    }

    void dailyFromHoursEqualsBinanceDailyBars() {
        // Real-data cross-check: BTCUSDT 1d aggregated from the stored 1h bars equals the daily
        // klines Binance publishes (OHLC and base volume), day by day.
        storage::CandleStore store(*m_session->database());
        auto page = storage::BarHistory(store).page(kBtc, Timeframe::D1, INT64_MAX, m_start, 100000);
        QVERIFY(page.ok());
        const auto daily = csvBars("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv");
        std::size_t compared = 0, j = 0;
        for (const Bar& d : daily) {
            while (j < page->bars.size() && page->bars[j].openTimeMs < d.openTimeMs) ++j;
            if (j == page->bars.size() || page->bars[j].openTimeMs != d.openTimeMs || !page->bars[j].closed) continue;
            const Bar& a = page->bars[j];
            const QString day = QString::fromStdString(formatUtc(d.openTimeMs)).left(10);
            QVERIFY2(a.open == d.open && a.high == d.high && a.low == d.low && a.close == d.close, qPrintable(day));
            QVERIFY2(a.volume == d.volume,
                     qPrintable(day + QStringLiteral(" volume ") + QString::fromStdString(a.volume.toString()) +
                                QStringLiteral(" vs ") + QString::fromStdString(d.volume.toString())));
            ++compared;
        }
        QVERIFY2(compared > 1500, qPrintable(QString::number(compared)));
    }

    void scrollBackPrependsWithoutJump() {
        auto ws = makeWorkspace(500);
        ChartPane* p = ws->pane(0);
        p->setSeries(kBtc, Timeframe::H1);
        ws->show();
        QVERIFY(waitReady(p));
        charts::CandleChart* c = p->chart();
        QCOMPARE(c->barCount(), 500);
        const std::int64_t oldFirstIndex = c->series().firstIndex();
        const std::int64_t oldFirstTime = c->series().time().front();
        QSignalSpy older(p, &ChartPane::olderHistoryLoaded);
        // WHEN the user scrolls past the oldest loaded bar
        c->setVisibleRange(oldFirstIndex - 30.0, oldFirstIndex + 70.0);
        const double left = c->visibleLeft(), right = c->visibleRight();
        c->renderNow();
        const QCPRange axisBefore = c->timeAxis()->range();
        // THEN the previous page arrives in the background and is put in front
        QVERIFY(older.wait(30000));
        QCOMPARE(older.first().first().toInt(), 500);
        QCOMPARE(c->barCount(), 1000);
        // AND the view did not move: same logical range, same bar at the same index
        QCOMPARE(c->visibleLeft(), left);
        QCOMPARE(c->visibleRight(), right);
        QCOMPARE(c->series().time()[c->series().slot(oldFirstIndex)], oldFirstTime);
        c->renderNow();
        QCOMPARE(c->timeAxis()->range().lower, axisBefore.lower);
        QCOMPARE(c->timeAxis()->range().upper, axisBefore.upper);
        // AND the new bars are the 500 real bars just before the old first one
        const auto closed = btcClosedBy(m_start);
        auto it = std::find_if(closed.begin(), closed.end(), [&](const Bar& b) { return b.openTimeMs == oldFirstTime; });
        QVERIFY(it - closed.begin() >= 500);
        for (int k = 1; k <= 500; ++k) QCOMPARE(c->series().time()[c->series().slot(oldFirstIndex - k)], (it - k)->openTimeMs);
    }

    void scrollBackStopsAtTheOldestStoredBar() {
        auto ws = makeWorkspace();
        ChartPane* p = ws->pane(0);
        p->setSeries(kBtc, Timeframe::W1);  // ~260 weeks: one page holds them all
        QVERIFY(waitReady(p));
        const int n = p->chart()->barCount();
        QCOMPARE(p->chart()->series().time().front(), mondayBucket(m_btc1h.front().openTimeMs));
        QVERIFY(p->isHistoryComplete());  // the page came back shorter than asked: nothing older
        QSignalSpy needed(p->chart(), &charts::CandleChart::historyNeeded);
        p->chart()->setVisibleRange(-50, 50);
        QCOMPARE(needed.size(), 1);     // the chart asks...
        QVERIFY(!p->isLoadingOlder());  // ...and the pane knows there is nothing to read
        QCOMPARE(p->chart()->barCount(), n);
    }

    void noDataStateThenLiveBars() {
        auto ws = makeWorkspace();
        ChartPane* p = ws->pane(0);
        // ETHUSDT's bundled 1h bars start at the replay start: nothing before the clock.
        p->setSeries(kEth, Timeframe::H1);
        QVERIFY(!waitReady(p));
        QCOMPARE(p->state(), ChartPane::State::NoData);
        QVERIFY(p->stateText().contains(QStringLiteral("No data for BINANCE:ETHUSDT on 1h")));
        // A symbol the store has never seen says so too.
        p->setSeries(InstrumentId{"BINANCE", "DOGEUSDT"}, Timeframe::H4);
        QVERIFY(!waitReady(p));
        QCOMPARE(p->stateText(), QStringLiteral("No data for BINANCE:DOGEUSDT on 4h"));
        p->setSeries(kEth, Timeframe::H1);
        QVERIFY(!waitReady(p));
        // WHEN the replay runs (restored afterwards for the other tests via a fresh session)
        m_session->feed()->advanceTo(m_start + kHourMs);
        // THEN live bars replace the message
        QCOMPARE(p->state(), ChartPane::State::Ready);
        QCOMPARE(p->chart()->barCount(), 2);  // the closed first bar and the next one forming
        const auto eth = csvBars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
        const charts::ChartSeries& s = p->chart()->series();
        QCOMPARE(s.time().front(), eth.front().openTimeMs);
        QCOMPARE(s.close().front(), eth.front().close.toDouble());
        QCOMPARE(s.high().front(), eth.front().high.toDouble());
        QCOMPARE(s.low().front(), eth.front().low.toDouble());
        QCOMPARE(s.time().back(), eth[1].openTimeMs);
        QVERIFY(!s.lastClosed());
        // AND the view shows them (the empty chart's view is reset by the first bar)
        QVERIFY(p->chart()->visibleLeft() <= 0 && p->chart()->visibleRight() >= 1);
        ws.reset();
        resetReplay();
    }

    void liveBarsAggregatedPerChartTimeframe() {
        auto ws = makeWorkspace();
        ws->setGrid(4);
        ws->pane(0)->setSeries(kBtc, Timeframe::H1);
        ws->pane(1)->setSeries(kBtc, Timeframe::H4);
        ws->pane(2)->setSeries(kBtc, Timeframe::M15);  // finer than the feed's bars: built from trades
        ws->pane(3)->setSeries(kEth, Timeframe::H4);
        for (int i = 0; i < 2; ++i) QVERIFY(waitReady(ws->pane(i)));
        QVERIFY(!waitReady(ws->pane(2)));  // no 15m (or finer) bars stored
        QCOMPARE(ws->pane(2)->state(), ChartPane::State::NoData);
        auto* feed = m_session->feed();
        QSignalSpy bars(feed, &marketdata::MarketDataFeed::barUpdated);
        // GIVEN the replay clock at 23:00 (the 20:00 4h bucket holds three closed hours)
        QCOMPARE(m_start % (4 * kHourMs), 3 * kHourMs);
        const std::int64_t bucket = m_start - 3 * kHourMs;
        // WHEN the 23:00 bar is forming (its last implied trade, at 23:45)
        feed->advanceTo(m_start + kHourMs - 1);
        Bar forming;
        for (const auto& args : bars)
            if (args.at(0).value<InstrumentId>() == kBtc) forming = args.at(2).value<Bar>();
        QVERIFY(!forming.closed && forming.openTimeMs == m_start);
        // THEN the 1h chart shows the forming bar, the 4h chart the three closed hours plus it
        compareChartTail(*ws->chart(0), {forming});
        std::vector<Bar> hours;
        for (const Bar& b : m_btc1h)
            if (b.openTimeMs >= bucket && b.openTimeMs < m_start) hours.push_back(b);
        hours.push_back(forming);
        compareChartTail(*ws->chart(1), aggregateByHand(hours, [](std::int64_t t) { return hoursBucket(t, 4); }));
        QVERIFY(!ws->chart(1)->series().lastClosed());
        // AND the 15m chart has a bar per implied trade's quarter hour, closing at the trade price
        QCOMPARE(ws->pane(2)->state(), ChartPane::State::Ready);
        QCOMPARE(ws->chart(2)->barCount(), 4);
        QCOMPARE(ws->chart(2)->series().time().back(), m_start + 45 * 60000);
        QCOMPARE(ws->chart(2)->series().close().back(), forming.close.toDouble());
        // WHEN the hour closes, the 4h bar is complete and equals the 1h bars aggregated by hand
        feed->advanceTo(m_start + kHourMs);
        std::vector<Bar> full;
        for (const Bar& b : m_btc1h)
            if (b.openTimeMs >= bucket && b.openTimeMs < bucket + 4 * kHourMs) full.push_back(b);
        QCOMPARE(full.size(), std::size_t(4));
        const auto fourHours = aggregateByHand(full, [](std::int64_t t) { return hoursBucket(t, 4); });
        const auto& s1 = ws->chart(1)->series();
        QCOMPARE(s1.time()[s1.size() - 2], fourHours.front().openTimeMs);  // a new 4h bar opened at 00:00
        QCOMPARE(s1.close()[s1.size() - 2], fourHours.front().close.toDouble());
        QCOMPARE(s1.high()[s1.size() - 2], fourHours.front().high.toDouble());
        QCOMPARE(s1.low()[s1.size() - 2], fourHours.front().low.toDouble());
        QCOMPARE(s1.volume()[s1.size() - 2], fourHours.front().volume.toDouble());
        QCOMPARE(s1.time().back(), bucket + 4 * kHourMs);
        ws.reset();
        resetReplay();
    }

    void namedLayoutSurvivesRestart() {
        QJsonObject saved;
        std::vector<std::vector<charts::IndicatorConfig>> indicators;
        std::vector<std::pair<std::int64_t, std::int64_t>> edges;  // bar times at the view's edges
        std::vector<double> widths;
        {
            auto ws = makeWorkspace();
            ws->setGrid(4);
            ws->pane(0)->setSeries(kBtc, Timeframe::H4);
            ws->pane(1)->setSeries(kBtc, Timeframe::D1);
            ws->pane(2)->setSeries(kBtc, Timeframe::H12);
            ws->pane(3)->setSeries(kBtc, Timeframe::W1);
            ws->pane(1)->setChartType(charts::ChartType::HeikinAshi);
            ws->pane(3)->setChartType(charts::ChartType::Line);
            auto ema = charts::IndicatorConfig::defaults(QStringLiteral("ema"));
            ema.params = {50};
            ema.colours = {QColor(QStringLiteral("#ff8800"))};
            ema.lineWidth = 2;
            ws->chart(0)->addIndicator(ema);
            ws->chart(0)->addIndicator(charts::IndicatorConfig::defaults(QStringLiteral("rsi")));
            ws->chart(1)->addIndicator(charts::IndicatorConfig::defaults(QStringLiteral("bbands")));
            // A drawing on BTCUSDT (stored per instrument by the chart's DrawingStore).
            storage::Drawing line;
            line.kind = storage::DrawingKind::HorizontalLine;
            line.anchors = {{m_start - 10 * kHourMs, 100000.5}};
            QVERIFY(ws->chart(0)->addDrawing(line) >= 0);
            ws->setSync(ChartWorkspace::Sync::Crosshair, true);
            ws->setActiveIndex(1);
            for (int i = 0; i < 4; ++i) QVERIFY(waitReady(ws->pane(i)));
            ws->chart(0)->setVisibleRange(1500.25, 1620.25);
            ws->chart(1)->setVisibleRange(900, 980);
            for (int i = 0; i < 4; ++i) {
                charts::CandleChart* c = ws->chart(i);
                std::vector<charts::IndicatorConfig> cfgs;
                for (int id : c->indicatorIds()) cfgs.push_back(c->indicatorConfig(id));
                indicators.push_back(cfgs);
                edges.emplace_back(
                    c->series().timeOfIndex(static_cast<std::int64_t>(std::floor(c->visibleLeft())), c->timeframe()),
                    c->series().timeOfIndex(static_cast<std::int64_t>(std::floor(c->visibleRight())), c->timeframe()));
                widths.push_back(c->visibleRight() - c->visibleLeft());
            }
            QVERIFY(ws->saveLayout(QStringLiteral("Swing")).ok());
            QVERIFY(ws->saveLayout(QStringLiteral("Other")).ok());
            QVERIFY(!ws->saveLayout(QStringLiteral("  ")).ok());
            saved = ws->saveState();
        }
        // WHEN the terminal restarts (a new session: new database connections, same profile)
        m_session.reset();
        openSession();
        auto ws = makeWorkspace();
        QCOMPARE(ws->layoutNames(), (QStringList{QStringLiteral("Other"), QStringLiteral("Swing")}));
        QVERIFY(ws->loadLayout(QStringLiteral("Swing")).ok());
        // THEN the layout comes back identically
        QCOMPARE(ws->grid(), 4);
        QCOMPARE(ws->activeIndex(), 1);
        QVERIFY(ws->isSynced(ChartWorkspace::Sync::Crosshair));
        QVERIFY(!ws->isSynced(ChartWorkspace::Sync::Symbol));
        QCOMPARE(ws->pane(0)->instrument(), kBtc);
        QVERIFY(ws->pane(0)->timeframe() == Timeframe::H4);
        QVERIFY(ws->pane(1)->timeframe() == Timeframe::D1);
        QVERIFY(ws->pane(2)->timeframe() == Timeframe::H12);
        QVERIFY(ws->pane(3)->timeframe() == Timeframe::W1);
        QVERIFY(ws->chart(1)->chartType() == charts::ChartType::HeikinAshi);
        QVERIFY(ws->chart(3)->chartType() == charts::ChartType::Line);
        for (int i = 0; i < 4; ++i) {
            QVERIFY(waitReady(ws->pane(i)));
            charts::CandleChart* c = ws->chart(i);
            std::vector<charts::IndicatorConfig> cfgs;
            for (int id : c->indicatorIds()) cfgs.push_back(c->indicatorConfig(id));
            QVERIFY2(cfgs == indicators[static_cast<std::size_t>(i)], qPrintable(QString::number(i)));
            QCOMPARE(c->series().timeOfIndex(static_cast<std::int64_t>(std::floor(c->visibleLeft())), c->timeframe()),
                     edges[static_cast<std::size_t>(i)].first);
            QCOMPARE(c->series().timeOfIndex(static_cast<std::int64_t>(std::floor(c->visibleRight())), c->timeframe()),
                     edges[static_cast<std::size_t>(i)].second);
            QCOMPARE(c->visibleRight() - c->visibleLeft(), widths[static_cast<std::size_t>(i)]);
        }
        QCOMPARE(ws->chart(0)->indicatorIds().size(), std::size_t(2));
        // The drawing came back with the instrument, in every chart showing BTCUSDT.
        for (int i = 0; i < 4; ++i) {
            const auto& drawings = ws->chart(i)->drawings();
            QVERIFY2(std::any_of(drawings.begin(), drawings.end(),
                                 [](const storage::Drawing& d) {
                                     return d.kind == storage::DrawingKind::HorizontalLine && d.anchors.front().price == 100000.5;
                                 }),
                     qPrintable(QString::number(i)));
        }
        QCOMPARE(ws->chart(0)->indicatorConfig(ws->chart(0)->indicatorIds().front()).colours.front(),
                 QColor(QStringLiteral("#ff8800")));
        QCOMPARE(ws->saveState(), saved);
        // Delete removes it; loading it then fails with a clear message and changes nothing.
        QVERIFY(ws->deleteLayout(QStringLiteral("Other")).ok());
        QCOMPARE(ws->layoutNames(), QStringList{QStringLiteral("Swing")});
        auto missing = ws->loadLayout(QStringLiteral("Other"));
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.message()).contains(QStringLiteral("no chart layout named \"Other\"")));
        QCOMPARE(ws->grid(), 4);
    }

    void layoutViewOlderThanTheFirstPageIsReadBackTo() {
        std::int64_t leftMs = 0, rightMs = 0;
        {
            // GIVEN a chart scrolled back into its second page of history
            auto ws = makeWorkspace(500);
            ChartPane* p = ws->pane(0);
            p->setSeries(kBtc, Timeframe::H1);
            QVERIFY(waitReady(p));
            QCOMPARE(p->chart()->barCount(), 500);
            QSignalSpy older(p, &ChartPane::olderHistoryLoaded);
            p->chart()->setVisibleRange(p->chart()->series().firstIndex() - 10.0, p->chart()->series().firstIndex() + 90.0);
            QVERIFY(older.wait(30000));
            const std::int64_t first = p->chart()->series().firstIndex();
            p->chart()->setVisibleRange(first + 20.0, first + 140.0);  // well inside the older page
            leftMs = p->chart()->series().time()[p->chart()->series().slot(first + 20)];
            rightMs = p->chart()->series().time()[p->chart()->series().slot(first + 140)];
            QVERIFY(ws->saveLayout(QStringLiteral("Deep")).ok());
        }
        // WHEN it is loaded into a workspace that reads only the latest page at first
        auto ws = makeWorkspace(500);
        ChartPane* p = ws->pane(0);
        QSignalSpy older(p, &ChartPane::olderHistoryLoaded);
        QVERIFY(ws->loadLayout(QStringLiteral("Deep")).ok());
        QVERIFY(waitReady(p));
        // THEN it reads back far enough and shows the same bars at the edges
        QTRY_VERIFY_WITH_TIMEOUT(!p->hasPendingView(), 30000);
        const charts::ChartSeries& s = p->chart()->series();
        QCOMPARE(s.timeOfIndex(std::llround(p->chart()->visibleLeft()), Timeframe::H1), leftMs);
        QCOMPARE(s.timeOfIndex(std::llround(p->chart()->visibleRight()), Timeframe::H1), rightMs);
        QVERIFY(p->chart()->barCount() > 500);
        QVERIFY(!older.isEmpty());
    }

    void lastLayoutRestoredOnStart() {
        {
            auto ws = makeWorkspace();
            ws->setGrid(2);
            ws->pane(1)->setSeries(kEth, Timeframe::D1);
            ws->setActiveIndex(1);
            QVERIFY(ws->saveLastLayout().ok());
        }
        m_session.reset();
        openSession();
        auto ws = makeWorkspace();
        QVERIFY(ws->restoreLastLayout());
        QCOMPARE(ws->grid(), 2);
        QCOMPARE(ws->activeIndex(), 1);
        QCOMPARE(ws->pane(1)->instrument(), kEth);
        QVERIFY(ws->pane(1)->timeframe() == Timeframe::D1);
        // A damaged layout is refused and leaves the workspace as it is.
        QVERIFY(!ws->restoreState(QJsonObject{
            {QStringLiteral("version"), 1},
            {QStringLiteral("charts"), QJsonArray{QJsonObject{{QStringLiteral("instrument"), QStringLiteral("nope")}}}}}));
        QCOMPARE(ws->grid(), 2);
    }

private:
    // Tests that run the replay put the clock back for the next ones (a fresh session).
    void resetReplay() {
        m_session.reset();
        openSession();
    }
};

QTEST_MAIN(ChartWorkspaceTest)
#include "chartworkspace_test.moc"
