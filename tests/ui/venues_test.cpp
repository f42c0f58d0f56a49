// Qt Test, offscreen: the terminal with exchanges configured. A symbol added from a venue's list
// streams live prices from that venue (here the local Binance server, fed with the payload
// formats Binance documents); an unreachable venue is reported in the status bar while the
// bundled replay carries on; a symbol of a venue that is not enabled is greyed with the reason.
#include "candlechart.h"
#include "chartpane.h"
#include "chartworkspace.h"
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "fakebinance.h"
#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QDateTime>

#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {
// exchangeInfo in the documented shape, with the filters of the docs' filter examples.
const char* kExchangeInfo =
    R"({"timezone":"UTC","serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],
  "symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,"quoteAsset":"USDT","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
  {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"}]},
  {"symbol":"BNBBTC","status":"TRADING","baseAsset":"BNB","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"100000.00000000","tickSize":"0.00000100"},
  {"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"100000.00000000","stepSize":"0.00100000"}]}]})";
// The trade event as Binance documents it (tests/data/feeds/binance/docs-examples/trade.json).
const char* kTrade =
    R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})";
}  // namespace

class VenuesTest : public QObject {
    Q_OBJECT
private:
    TerminalSession::Options options(const QTemporaryDir& profile) const {
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        return o;
    }
    static void writeSettings(const QTemporaryDir& profile, const QString& venues, const QString& source, const QUrl& rest,
                              const QUrl& ws) {
        QSettings s(profile.filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);
        s.setValue(QStringLiteral("marketdata/venues"), venues);
        s.setValue(QStringLiteral("marketdata/source"), source);
        s.setValue(QStringLiteral("marketdata/BINANCE/restUrl"), rest.toString());
        s.setValue(QStringLiteral("marketdata/BINANCE/wsUrl"), ws.toString());
    }
    static QUrl closedPort(const QString& scheme) {
        QTcpServer s;
        if (!s.listen(QHostAddress::LocalHost)) return {};
        return QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(scheme).arg(s.serverPort()));
    }

private Q_SLOTS:
    void addedSymbolStreamsLiveFromItsVenue() {
        test::FakeBinance fake;
        fake.setExchangeInfo(kExchangeInfo);
        QTemporaryDir profile;
        writeSettings(profile, QStringLiteral("BINANCE"), QStringLiteral("replay"), fake.http.url(), fake.ws.url());
        TerminalSession session(options(profile));
        MainWindow w(session);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        // The venue's list reaches the search box: a bare symbol only Binance lists is accepted.
        QVERIFY(test::waitUntil([&] { return session.venues()->find({"BINANCE", "BNBBTC"}) != nullptr; }));
        QVERIFY(w.watchlist()->addSymbol(QStringLiteral("bnbbtc")));
        const InstrumentId bnb{"BINANCE", "BNBBTC"};
        QCOMPARE(w.routeOf(bnb), MainWindow::Route::Live);
        // The bundled symbols stay on the replay (data source "replay").
        QCOMPARE(w.routeOf({"BINANCE", "BTCUSDT"}), MainWindow::Route::Replay);
        // Subscribed on the server side: trades, best bid/ask, 24h ticker and 1h candles.
        for (const char* stream : {"bnbbtc@trade", "bnbbtc@bookTicker", "bnbbtc@ticker", "bnbbtc@kline_1h"})
            QVERIFY2(test::waitUntil([&] { return fake.liveStreams().contains(QString::fromLatin1(stream)); }), stream);
        QVERIFY(!fake.liveStreams().contains(QStringLiteral("btcusdt@trade")));
        QVERIFY(
            test::waitUntil([&] { return w.venueLabel(QStringLiteral("BINANCE"))->text().contains(QStringLiteral("live")); }));

        QCOMPARE(fake.publish(QStringLiteral("bnbbtc@trade"), kTrade), 1);
        WatchlistModel* model = w.watchlist()->model();
        const int row = model->rowOf(bnb);
        QVERIFY(test::waitUntil([&] {
            model->flush();
            return model->ticker(row).last.has_value();
        }));
        QCOMPARE(model->ticker(row).last->toTrimmedString(), std::string("0.001"));
        QVERIFY(!model->index(row, 0).data(WatchlistModel::StaleRole).toBool());

        // Removing the symbol unsubscribes it on the venue.
        model->removeRows({row});
        QVERIFY(test::waitUntil([&] { return !fake.liveStreams().contains(QStringLiteral("bnbbtc@trade")); }));
    }

    // Real BNBUSDT 1h bars, their times shifted so that the last one is the current hour (the
    // venue must have "recent" bars; prices and volumes are the recorded ones), served as BNBBTC.
    void chartOfALiveSymbolGetsWhatTheStoreLacksFromTheVenue_RealBarsShiftedToNow() {
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BNBUSDT_1h_2025-06-21_2025-09-19.csv"));
        QVERIFY(csv.ok());
        std::vector<Bar> bars = csv->bars;
        const std::int64_t hour = 3600LL * 1000;
        const std::int64_t shift = (QDateTime::currentMSecsSinceEpoch() / hour - 1) * hour - bars.back().openTimeMs;
        for (Bar& b : bars) b.openTimeMs += shift;
        test::FakeBinance fake;
        fake.setExchangeInfo(kExchangeInfo);
        fake.setKlines(QStringLiteral("BNBBTC"), Timeframe::H1, bars);
        QTemporaryDir profile;
        writeSettings(profile, QStringLiteral("BINANCE"), QStringLiteral("replay"), fake.http.url(), fake.ws.url());
        TerminalSession session(options(profile));
        MainWindow w(session);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        QVERIFY(test::waitUntil([&] { return session.venues()->find({"BINANCE", "BNBBTC"}) != nullptr; }));
        const InstrumentId bnb{"BINANCE", "BNBBTC"};
        QSignalSpy stored(&session, &TerminalSession::historyStored);
        QVERIFY(w.watchlist()->addSymbol(QStringLiteral("BINANCE:BNBBTC")));
        // Subscribing fetched the last 30 days of 1h bars into the store.
        QVERIFY(stored.wait(30000) || !stored.isEmpty());
        const int first = stored.first().at(2).toInt();
        QVERIFY2(first >= 30 * 24 - 1 && first <= 30 * 24 + 1, qPrintable(QString::number(first)));
        // The chart shows them, and having reached the store's oldest bar it asks the venue for
        // the page before: the next scroll-back prepends real bars that were never in the store.
        w.showInstrument(bnb);
        ChartPane* pane = w.chartWorkspace()->activePane();
        QVERIFY(QTest::qWaitFor([&] { return pane->state() == ChartPane::State::Ready; }, 30000));
        const int before = w.chart()->barCount();
        QCOMPARE(before, first);
        QVERIFY(QTest::qWaitFor([&] { return stored.size() >= 2; }, 30000));
        QVERIFY(stored.last().at(2).toInt() > 0);
        charts::CandleChart* c = w.chart();
        QVERIFY(QTest::qWaitFor(
            [&] {
                c->scrollBars(-double(c->barCount()));  // drag far into the past
                return c->barCount() > before;
            },
            30000));
        // Everything the venue has before the 30 days, up to one page, is there now.
        QCOMPARE(c->barCount(), std::min(int(bars.size()), before + 2000));
    }

    void unreachableVenueIsReportedAndTheReplayCarriesOn() {
        QTemporaryDir profile;
        writeSettings(profile, QStringLiteral("BINANCE"), QStringLiteral("live"), closedPort(QStringLiteral("http")),
                      closedPort(QStringLiteral("ws")));
        TerminalSession session(options(profile));
        MainWindow w(session);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        QSignalSpy failed(session.venues(), &marketdata::VenueDirectory::refreshFailed);
        session.load();
        QVERIFY(loaded.wait(60000));
        QVERIFY(failed.wait(30000) || !failed.isEmpty());
        auto* feedLabel = w.findChild<QLabel*>(QStringLiteral("FeedStatusLabel"));
        QVERIFY(feedLabel);
        QVERIFY2(feedLabel->text().contains(QStringLiteral("unreachable")) &&
                     feedLabel->text().contains(QStringLiteral("bundled replay")),
                 qPrintable(feedLabel->text()));
        QCOMPARE(w.venueLabel(QStringLiteral("BINANCE"))->text(), QStringLiteral("BINANCE: offline"));
        QVERIFY(!w.venueLabel(QStringLiteral("BINANCE"))->toolTip().isEmpty());
        // The bundled symbols fell back to the replay, which still moves them.
        const InstrumentId btc{"BINANCE", "BTCUSDT"};
        QCOMPARE(w.routeOf(btc), MainWindow::Route::Replay);
        WatchlistModel* model = w.watchlist()->model();
        const int row = model->rowOf(btc);
        model->flush();
        const auto before = model->ticker(row).last;
        session.feed()->setSpeed(0);
        session.feed()->start();
        QVERIFY(test::waitUntil([&] {
            model->flush();
            return model->ticker(row).last != before;
        }));
    }

    void symbolOfADisabledVenueIsGreyedWithTheReason() {
        QTemporaryDir profile;
        writeSettings(profile, QStringLiteral("none"), QStringLiteral("replay"), QUrl(QStringLiteral("http://127.0.0.1:1")),
                      QUrl(QStringLiteral("ws://127.0.0.1:1")));
        TerminalSession session(options(profile));
        MainWindow w(session);
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        session.load();
        QVERIFY(loaded.wait(60000));
        QVERIFY(w.watchlist()->addSymbol(QStringLiteral("OKX:BTC-USDT")));
        const InstrumentId id{"OKX", "BTC-USDT"};
        WatchlistModel* model = w.watchlist()->model();
        QVERIFY(test::waitUntil([&] { return !model->note(id).isEmpty(); }));
        const int row = model->rowOf(id);
        QVERIFY(model->index(row, 0).data(WatchlistModel::StaleRole).toBool());
        QVERIFY(model->index(row, WatchlistModel::Last)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("OKX is not enabled")));
        QCOMPARE(w.venueLabel(QStringLiteral("BINANCE")), nullptr);
    }
};

QTEST_MAIN(VenuesTest)
#include "venues_test.moc"
