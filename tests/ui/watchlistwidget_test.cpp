// WatchlistWidget, offscreen: the search-add-remove-reorder flow, list management, import and
// export, persistence across a restart (a new widget on the same profile database).
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "storage/database.h"
#include "storage/watchliststore.h"

#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QListView>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {
std::vector<InstrumentId> known() {
    return {{"BINANCE", "BTCUSDT"}, {"BINANCE", "ETHUSDT"}, {"BINANCE", "SOLUSDT"}, {"BINANCE", "BNBUSDT"},
            {"BINANCE", "XRPUSDT"}, {"BYBIT", "BTCUSDT"},   {"COINBASE", "BTC-USD"}};
}
std::vector<InstrumentId> defaults() { return {{"BINANCE", "BTCUSDT"}, {"BINANCE", "ETHUSDT"}}; }

struct Profile {
    QTemporaryDir dir;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<storage::WatchlistStore> store;
    void open() {
        store.reset();
        db.reset();
        auto d = storage::Database::openProfile(dir.path());
        QVERIFY2(d.ok(), d.ok() ? "" : d.message().c_str());
        db = std::move(*d);
        store = std::make_unique<storage::WatchlistStore>(*db);
    }
};

QStringList symbols(const WatchlistModel* m) {
    QStringList out;
    for (int r = 0; r < m->rowCount(); ++r) out << QString::fromStdString(m->instrumentAt(r).toString());
    return out;
}
}  // namespace

class WatchlistWidgetTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void searchAddRemoveReorderAndRestart() {
        Profile p;
        p.open();
        {
            WatchlistWidget w(p.store.get());
            w.setKnownInstruments(known());
            w.loadLists(QStringLiteral("Main"), defaults());
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QCOMPARE(symbols(w.model()), QStringList({"BINANCE:BTCUSDT", "BINANCE:ETHUSDT"}));
            // Type a full id and press Enter
            QTest::keyClicks(w.searchBox(), QStringLiteral("binance:solusdt"));
            QTest::keyClick(w.searchBox(), Qt::Key_Return);
            QCOMPARE(w.model()->rowCount(), 3);
            QVERIFY(w.searchBox()->text().isEmpty());
            // A bare symbol that exists on one venue only is resolved
            QVERIFY(w.addSymbol(QStringLiteral("xrpusdt")));
            // A bare symbol on several venues asks to pick one; an unknown one is refused
            QVERIFY(!w.addSymbol(QStringLiteral("BTCUSDT")));
            QVERIFY(w.statusText().contains(QStringLiteral("several venues")));
            QVERIFY(!w.addSymbol(QStringLiteral("NOPE")));
            QVERIFY(!w.addSymbol(QStringLiteral("BINANCE:ETHUSDT")));  // already there
            QCOMPARE(symbols(w.model()),
                     QStringList({"BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "BINANCE:SOLUSDT", "BINANCE:XRPUSDT"}));
            // Select ETH and press Delete
            w.table()->setFocus();
            w.table()->selectRow(1);
            QTest::keyClick(w.table(), Qt::Key_Delete);
            QCOMPARE(symbols(w.model()), QStringList({"BINANCE:BTCUSDT", "BINANCE:SOLUSDT", "BINANCE:XRPUSDT"}));
            // Reorder (what a drag does) and star one
            QVERIFY(w.model()->moveRow(2, 0));
            w.model()->setFavourite(0, true);
            // Typing a letter in the table starts a search
            w.table()->setFocus();
            QTest::keyClick(w.table(), Qt::Key_E);
            QCOMPARE(w.searchBox()->text(), QStringLiteral("e"));
            // Hide a column: the layout is kept
            w.table()->setColumnHidden(WatchlistModel::Sparkline, true);
            w.table()->horizontalHeader()->resizeSection(WatchlistModel::Symbol, 111);
        }
        // WHEN the app restarts on the same profile
        p.open();
        WatchlistWidget again(p.store.get());
        again.loadLists(QStringLiteral("Main"), defaults());
        // THEN the list, its order, favourites and the column layout are back
        QCOMPARE(symbols(again.model()), QStringList({"BINANCE:XRPUSDT", "BINANCE:BTCUSDT", "BINANCE:SOLUSDT"}));
        QVERIFY(again.model()->isFavourite(0));
        QVERIFY(!again.model()->isFavourite(1));
        QVERIFY(again.table()->isColumnHidden(WatchlistModel::Sparkline));
        QCOMPARE(again.table()->horizontalHeader()->sectionSize(WatchlistModel::Symbol), 111);
    }

    void listManagement() {
        Profile p;
        p.open();
        WatchlistWidget w(p.store.get());
        w.setKnownInstruments(known());
        w.loadLists(QStringLiteral("Main"), defaults());
        QVERIFY(w.createList(QStringLiteral("Alts")));
        QCOMPARE(w.currentList(), QStringLiteral("Alts"));
        QCOMPARE(w.model()->rowCount(), 0);
        QVERIFY(w.addSymbol(QStringLiteral("BINANCE:SOLUSDT")));
        QVERIFY(!w.createList(QStringLiteral("Main")));
        QVERIFY(w.statusText().contains(QStringLiteral("exists already")));
        QVERIFY(w.duplicateList(QStringLiteral("Alts 2")));
        QCOMPARE(symbols(w.model()), QStringList({"BINANCE:SOLUSDT"}));
        QVERIFY(w.renameList(QStringLiteral("Alts copy")));
        QCOMPARE(w.listNames(), QStringList({"Main", "Alts", "Alts copy"}));
        QVERIFY(w.deleteList());
        QCOMPARE(w.listNames(), QStringList({"Main", "Alts"}));
        w.selectList(QStringLiteral("Main"));
        QCOMPARE(symbols(w.model()), QStringList({"BINANCE:BTCUSDT", "BINANCE:ETHUSDT"}));
        w.selectList(QStringLiteral("Alts"));
        QVERIFY(w.deleteList());
        QVERIFY(!w.deleteList());  // the last list stays
        QVERIFY(w.statusText().contains(QStringLiteral("cannot be deleted")));
    }

    void malformedImportIsRejectedWithLineAndChangesNothing() {
        Profile p;
        p.open();
        WatchlistWidget w(p.store.get());
        w.loadLists(QStringLiteral("Main"), defaults());
        const QString bad = p.dir.filePath(QStringLiteral("bad.csv"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("instrument,favourite\nBINANCE:SOLUSDT,1\nSOLUSDT,0\nBINANCE:XRPUSDT,0\n");
        f.close();
        QVERIFY(!w.importFile(bad));
        QVERIFY2(w.statusText().contains(QStringLiteral("bad.csv: line 3: instrument \"SOLUSDT\" needs a venue")),
                 qPrintable(w.statusText()));
        QVERIFY(w.statusText().contains(QStringLiteral("nothing was imported")));
        QCOMPARE(w.listNames(), QStringList({"Main"}));
        QVERIFY(!w.importFile(bad, true));
        QCOMPARE(symbols(w.model()), QStringList({"BINANCE:BTCUSDT", "BINANCE:ETHUSDT"}));
        auto stored = p.store->all();
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), std::size_t{1});
        QCOMPARE(stored->front().items.size(), std::size_t{2});
    }

    void exportAndImportRoundTrip() {
        Profile p;
        p.open();
        WatchlistWidget w(p.store.get());
        w.setKnownInstruments(known());
        w.loadLists(QStringLiteral("Main"), defaults());
        QVERIFY(w.addSymbol(QStringLiteral("COINBASE:BTC-USD")));
        w.model()->setFavourite(2, true);
        for (const char* ext : {"csv", "json"}) {
            const QString path = p.dir.filePath(QStringLiteral("out.") + QLatin1String(ext));
            QVERIFY(w.exportFile(path));
            QVERIFY(w.importFile(path));
            QCOMPARE(symbols(w.model()), QStringList({"BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "COINBASE:BTC-USD"}));
            QVERIFY(w.model()->isFavourite(2));
            w.selectList(QStringLiteral("Main"));
        }
        QCOMPARE(w.listNames().size(), 3);  // Main plus one imported list per format
    }

    void cardViewTogglesAndPersists() {
        Profile p;
        p.open();
        {
            WatchlistWidget w(p.store.get());
            w.loadLists(QStringLiteral("Main"), defaults());
            QVERIFY(!w.isCardView());
            w.setCardView(true);
            QVERIFY(w.isCardView());
            QCOMPARE(w.cards()->model()->rowCount(), 2);
        }
        WatchlistWidget again(p.store.get());
        again.loadLists(QStringLiteral("Main"), defaults());
        QVERIFY(again.isCardView());
    }
};

QTEST_MAIN(WatchlistWidgetTest)
#include "watchlistwidget_test.moc"
