// Qt Test, offscreen: the terminal with exchanges configured. A symbol added from a venue's list
// streams live prices from that venue (here the local Binance server, fed with the payload
// formats Binance documents); an unreachable venue is reported in the status bar while the
// bundled replay carries on; a symbol of a venue that is not enabled is greyed with the reason.
#include "mainwindow.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "fakebinance.h"
#include "testdata.h"

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
const char* kExchangeInfo = R"({"timezone":"UTC","serverTime":1,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],
  "symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,"quoteAsset":"USDT","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
  {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"}]},
  {"symbol":"BNBBTC","status":"TRADING","baseAsset":"BNB","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,
  "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"100000.00000000","tickSize":"0.00000100"},
  {"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"100000.00000000","stepSize":"0.00100000"}]}]})";
// The trade event as Binance documents it (tests/data/feeds/binance/docs-examples/trade.json).
const char* kTrade = R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})";
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
        QVERIFY(test::waitUntil([&] { return w.venueLabel(QStringLiteral("BINANCE"))->text().contains(QStringLiteral("live")); }));

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
        QVERIFY2(feedLabel->text().contains(QStringLiteral("unreachable")) && feedLabel->text().contains(QStringLiteral("bundled replay")),
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
        QVERIFY(model->index(row, WatchlistModel::Last).data(Qt::ToolTipRole).toString().contains(QStringLiteral("OKX is not enabled")));
        QCOMPARE(w.venueLabel(QStringLiteral("BINANCE")), nullptr);
    }
};

QTEST_MAIN(VenuesTest)
#include "venues_test.moc"
