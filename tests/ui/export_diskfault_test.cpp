// Fault injection on the disk (issue 12), offscreen: exports written to a small tmpfs that fills
// up and to a read-only mount. An export that cannot be written says so, leaves the previous file
// byte for byte and no temporary file beside it (QSaveFile: written aside, renamed over on success).
// Needs root to mount (CI runs as root); skips otherwise.
#include "candlechart.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "marketdata/csvimport.h"
#include "storage/database.h"
#include "storage/watchliststore.h"

#include "smalldisk.h"
#include "testdata.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::charts;
using namespace kairos::ui;
using kairos::test::fileBytes;
using kairos::test::SmallDisk;

namespace {

std::vector<Bar> ethHourly() {
    auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    if (!r.ok()) qFatal("%s", r.message().c_str());
    r->bars.resize(400);
    return r->bars;
}

struct Chart {
    CandleChart chart;
    Chart() {
        chart.resize(900, 600);
        chart.setInstrument(InstrumentId{"BINANCE", "ETHUSDT"});
        chart.setTimeframe(Timeframe::H1);
        chart.setBars(ethHourly());
        chart.setVisibleRange(299.5, 399.5);
        chart.show();
        if (!QTest::qWaitForWindowExposed(&chart)) qFatal("chart not exposed");
        chart.renderNow();
    }
};

struct Watchlist {
    QTemporaryDir profile;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<storage::WatchlistStore> store;
    std::unique_ptr<WatchlistWidget> widget;
    Watchlist() {
        auto d = storage::Database::openProfile(profile.path());
        if (!d.ok()) qFatal("%s", d.message().c_str());
        db = std::move(*d);
        store = std::make_unique<storage::WatchlistStore>(*db);
        widget = std::make_unique<WatchlistWidget>(store.get());
        widget->setKnownInstruments({{"BINANCE", "BTCUSDT"}, {"BINANCE", "ETHUSDT"}, {"BINANCE", "SOLUSDT"}});
        widget->loadLists(QStringLiteral("Main"), {{"BINANCE", "BTCUSDT"}, {"BINANCE", "ETHUSDT"}});
    }
};

}  // namespace

class ExportDiskFaultTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void chartImageOnAFullDiskKeepsThePreviousFile() {
        SmallDisk disk;
        if (!disk.mounted()) QSKIP("cannot mount a small tmpfs here (needs root)");
        // GIVEN a chart image exported before
        Chart c;
        const QString path = disk.path("chart.png");
        QVERIFY(c.chart.exportPng(path));
        const QByteArray before = fileBytes(path);
        QVERIFY(!QImage::fromData(before, "PNG").isNull());
        // WHEN the disk is full and the chart, scrolled, is exported again over it
        disk.fill();
        c.chart.setVisibleRange(199.5, 299.5);
        c.chart.renderNow();
        QVERIFY(!c.chart.exportPng(path));
        // THEN the previous image is intact and nothing else was left
        QCOMPARE(fileBytes(path), before);
        QCOMPARE(disk.entries(), QStringList({"chart.png", "filler"}));
        // AND with room again the new image replaces it
        disk.unfill();
        QVERIFY(c.chart.exportPng(path));
        QVERIFY(fileBytes(path) != before);
        QCOMPARE(disk.entries(), QStringList({"chart.png"}));
    }

    void chartImageOnAReadOnlyMountKeepsThePreviousFile() {
        SmallDisk disk;
        if (!disk.mounted()) QSKIP("cannot mount a small tmpfs here (needs root)");
        Chart c;
        const QString path = disk.path("chart.png");
        QVERIFY(c.chart.exportPng(path));
        const QByteArray before = fileBytes(path);
        QVERIFY(disk.setReadOnly(true));
        c.chart.setVisibleRange(199.5, 299.5);
        c.chart.renderNow();
        QVERIFY(!c.chart.exportPng(path));
        QCOMPARE(fileBytes(path), before);
        QCOMPARE(disk.entries(), QStringList({"chart.png"}));
        QVERIFY(disk.setReadOnly(false));
    }

    void watchlistExportOnAFullDiskSaysSoAndKeepsThePreviousFile() {
        SmallDisk disk;
        if (!disk.mounted()) QSKIP("cannot mount a small tmpfs here (needs root)");
        // GIVEN a watchlist exported before, as CSV and as JSON
        Watchlist w;
        const QString csv = disk.path("main.csv");
        const QString json = disk.path("main.json");
        QVERIFY(w.widget->exportFile(csv));
        QVERIFY(w.widget->exportFile(json));
        const QByteArray csvBefore = fileBytes(csv);
        const QByteArray jsonBefore = fileBytes(json);
        QVERIFY(csvBefore.contains("BINANCE:ETHUSDT"));
        // WHEN a symbol is added and the exports are written again on a full disk
        QVERIFY(w.widget->addSymbol(QStringLiteral("SOLUSDT")));
        disk.fill();
        QVERIFY(!w.widget->exportFile(csv));
        // THEN the status says which file could not be written, and the old files are whole
        QVERIFY2(w.widget->statusText().contains(QStringLiteral("Cannot write")) && w.widget->statusText().contains(csv),
                 qPrintable(w.widget->statusText()));
        QVERIFY(!w.widget->exportFile(json));
        QCOMPARE(fileBytes(csv), csvBefore);
        QCOMPARE(fileBytes(json), jsonBefore);
        QCOMPARE(disk.entries(), QStringList({"filler", "main.csv", "main.json"}));
        // AND with room again they are replaced
        disk.unfill();
        QVERIFY(w.widget->exportFile(csv));
        QVERIFY(fileBytes(csv).contains("BINANCE:SOLUSDT"));
    }

    void watchlistExportOnAReadOnlyMountSaysSoAndKeepsThePreviousFile() {
        SmallDisk disk;
        if (!disk.mounted()) QSKIP("cannot mount a small tmpfs here (needs root)");
        Watchlist w;
        const QString csv = disk.path("main.csv");
        QVERIFY(w.widget->exportFile(csv));
        const QByteArray before = fileBytes(csv);
        QVERIFY(w.widget->addSymbol(QStringLiteral("SOLUSDT")));
        QVERIFY(disk.setReadOnly(true));
        QVERIFY(!w.widget->exportFile(csv));
        QVERIFY2(w.widget->statusText().contains(QStringLiteral("Cannot write")) && w.widget->statusText().contains(csv),
                 qPrintable(w.widget->statusText()));
        QCOMPARE(fileBytes(csv), before);
        QCOMPARE(disk.entries(), QStringList({"main.csv"}));
        QVERIFY(disk.setReadOnly(false));
    }
};

QTEST_MAIN(ExportDiskFaultTest)
#include "export_diskfault_test.moc"
