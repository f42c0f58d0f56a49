// WatchlistModel and WatchlistProxy: model conformance (QAbstractItemModelTester), update
// coalescing, flashing, staleness, reordering, sorting without re-sorting per tick.
#include "watchlistmodel.h"
#include "watchlistproxy.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {

kairos::marketdata::TickerSignal makeSignal(kairos::marketdata::SignalSide side, int confidence, std::int64_t timeMs) {
    kairos::marketdata::TickerSignal s;
    s.side = side;
    s.confidence = confidence;
    s.timeMs = timeMs;
    return s;
}
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const InstrumentId kEth{"BINANCE", "ETHUSDT"};
const InstrumentId kSol{"BINANCE", "SOLUSDT"};

std::vector<Bar> bars(const char* file) {
    auto r = marketdata::readBarsCsv(test::resourcesData(file));
    return r.ok() ? r->bars : std::vector<Bar>{};
}
Trade trade(const Bar& b, const Price& p) {
    Trade t;
    t.timeMs = b.openTimeMs;
    t.price = p;
    t.quantity = b.volume;
    return t;
}
}  // namespace

class WatchlistModelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void conformsToQtModelRules() {
        WatchlistModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        WatchlistProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setInstruments({kBtc, kEth});
        model.addInstrument(kSol);
        model.addInstrument(kSol);  // duplicates are ignored
        QCOMPARE(model.rowCount(), 3);
        const auto eth = bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
        for (std::size_t i = 0; i < 30; ++i) model.onBar(kEth, Timeframe::H1, eth[i]);
        model.flush();
        proxy.sort(WatchlistModel::Last, Qt::DescendingOrder);
        QVERIFY(model.moveRow(0, 2));
        model.setFavourite(1, true);
        model.removeRows({0});
        QCOMPARE(model.rowCount(), 2);
        model.setInstruments({});
        QCOMPARE(proxy.rowCount(), 0);
    }

    void manyTicksBecomeOneDataChangedPerRowPerFrame() {
        // GIVEN three instruments and 3,000 real price updates arriving within one frame
        WatchlistModel model;
        model.setInstruments({kBtc, kEth, kSol});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const auto btc = bars("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
        const auto sol = bars("binance_spot_SOLUSDT_1h_2025-06-21_2025-09-19.csv");
        for (std::size_t i = 0; i < 1500; ++i) {
            model.onTrade(kBtc, trade(btc[i], btc[i].close));
            model.onTrade(kSol, trade(sol[i], sol[i].close));
        }
        // WHEN the frame is published
        model.flush();
        // THEN each changed row is announced once: rows 0 and 2 are not adjacent, so two signals
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed[0][0].toModelIndex().row(), 0);
        QCOMPARE(changed[0][1].toModelIndex().row(), 0);
        QCOMPARE(changed[1][0].toModelIndex().row(), 2);
        // AND the cells show the last real price, exactly
        QCOMPARE(model.data(model.index(0, WatchlistModel::Last), Qt::DisplayRole).toString(),
                 QString::fromStdString(btc[1499].close.toString()));
        // AND nothing is announced when nothing changed
        changed.clear();
        model.flush();
        QCOMPARE(changed.size(), 0);
    }

    void adjacentRowsShareOneSignal() {
        WatchlistModel model;
        model.setInstruments({kBtc, kEth, kSol});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const auto eth = bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
        model.onTrade(kBtc, trade(eth[0], eth[0].close));
        model.onTrade(kEth, trade(eth[0], eth[0].close));
        model.flush();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), 0);
        QCOMPARE(changed[0][1].toModelIndex().row(), 1);
        QCOMPARE(changed[0][1].toModelIndex().column(), WatchlistModel::ColumnCount - 1);
    }

    void priceChangesFlashAndStaleRowsGreyOut() {
        WatchlistModel model;
        std::int64_t now = 1000;
        model.setClock([&now] { return now; });
        model.setFlashMs(400);
        model.setStaleAfterMs(5000);
        model.setInstruments({kEth});
        const auto eth = bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
        model.onTrade(kEth, trade(eth[0], eth[0].open));
        model.flush();
        const QModelIndex last = model.index(0, WatchlistModel::Last);
        QCOMPARE(last.data(WatchlistModel::FlashRole).toInt(), 0);  // first price: nothing to compare with
        // A higher price flashes up (green), a lower one down (red)
        const Price up = *eth[0].open.add(*Price::parse("1"));
        model.onTrade(kEth, trade(eth[0], up));
        model.flush();
        QCOMPARE(last.data(WatchlistModel::FlashRole).toInt(), 1);
        QVERIFY(last.data(Qt::BackgroundRole).isValid());
        now += 401;
        model.flush();
        QCOMPARE(last.data(WatchlistModel::FlashRole).toInt(), 0);
        model.onTrade(kEth, trade(eth[0], eth[0].open));
        model.flush();
        QCOMPARE(last.data(WatchlistModel::FlashRole).toInt(), -1);
        // No update for longer than the stale interval: greyed, with the reason in the tooltip
        now += 5001;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.flush();
        QVERIFY(model.index(0, 0).data(WatchlistModel::StaleRole).toBool());
        QCOMPARE(changed.size(), 1);
        QVERIFY(last.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Stale: no update for 5 s")));
        // A new update clears it
        model.onTrade(kEth, trade(eth[1], eth[1].open));
        model.flush();
        QVERIFY(!model.index(0, 0).data(WatchlistModel::StaleRole).toBool());
    }

    void sortingDoesNotFollowEveryTickButKeepsSelection() {
        WatchlistModel model;
        model.setInstruments({kBtc, kEth, kSol});
        WatchlistProxy proxy;
        proxy.setRefreshIntervalMs(3600000);  // the test re-sorts explicitly
        proxy.setSourceModel(&model);
        QItemSelectionModel selection(&proxy);
        const auto eth = bars("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv");
        const Bar& b = eth[0];
        model.onTrade(kBtc, trade(b, *Price::parse("100000")));
        model.onTrade(kEth, trade(b, *Price::parse("2000")));
        model.onTrade(kSol, trade(b, *Price::parse("150")));
        model.flush();
        proxy.sort(WatchlistModel::Last, Qt::DescendingOrder);
        auto symbolAt = [&](int r) { return proxy.index(r, WatchlistModel::Symbol).data().toString(); };
        QCOMPARE(symbolAt(0), QStringLiteral("BTCUSDT"));
        QCOMPARE(symbolAt(2), QStringLiteral("SOLUSDT"));
        selection.select(proxy.index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        // WHEN SOL's price jumps above BTC's, the order stays until the next refresh
        model.onTrade(kSol, trade(b, *Price::parse("200000")));
        model.flush();
        QCOMPARE(symbolAt(2), QStringLiteral("SOLUSDT"));
        proxy.refresh();
        QCOMPARE(symbolAt(0), QStringLiteral("SOLUSDT"));
        // AND the selection followed the instrument
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(selection.selectedRows().first().data().toString(), QStringLiteral("☆"));
        QCOMPARE(selection.selectedRows().first().row(), 0);
    }

    void filtersByTextAndSignal() {
        WatchlistModel model;
        model.setInstruments({kBtc, kEth, kSol});
        WatchlistProxy proxy;
        proxy.setSourceModel(&model);
        proxy.setTextFilter(QStringLiteral("eth"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setTextFilter({});
        model.onSignal(kEth, makeSignal(marketdata::SignalSide::Long, 80, 1));
        model.onSignal(kSol, makeSignal(marketdata::SignalSide::Short, 60, 1));
        model.flush();
        proxy.setSignalFilter({marketdata::SignalSide::Long});
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, WatchlistModel::Signal).data().toString(), QStringLiteral("LONG"));
        proxy.setSignalFilter({marketdata::SignalSide::Long, marketdata::SignalSide::Short});
        QCOMPARE(proxy.rowCount(), 2);
    }

    void reorderAndFavouritesAnnounceEdits() {
        WatchlistModel model;
        model.setInstruments({kBtc, kEth, kSol});
        QSignalSpy edited(&model, &WatchlistModel::listEdited);
        QVERIFY(model.moveRow(2, 0));
        QCOMPARE(model.instrumentAt(0), kSol);
        QCOMPARE(model.instrumentAt(1), kBtc);
        model.setFavourite(1, true);
        QVERIFY(model.isFavourite(1));
        QCOMPARE(model.index(1, WatchlistModel::Favourite).data().toString(), QStringLiteral("★"));
        QCOMPARE(edited.size(), 2);
    }
};

QTEST_MAIN(WatchlistModelTest)
#include "watchlistmodel_test.moc"
