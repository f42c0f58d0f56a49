// Qt Test, offscreen: paper trading in the terminal on the bundled replay of real Binance 1h
// bars. The watchlist's "Order ticket…" opens a ticket prefilled with the symbol and its price;
// a confirmed market buy fills at the replayed price and shows as a position; a limit order
// rests and fills when a replayed trade goes through its price; a restart keeps it all.
#include "mainwindow.h"
#include "orderticketdialog.h"
#include "terminalsession.h"
#include "tradingmodels.h"
#include "tradingpanel.h"
#include "watchlistwidget.h"

#include "fakebinance.h"
#include "fakeservers.h"
#include "marketdata/csvimport.h"
#include "marketdata/venuedirectory.h"
#include "testdata.h"
#include "trading/account.h"
#include "trading/sizing.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

const std::vector<Bar>& btcBars() {
    static const std::vector<Bar> bars = [] {
        auto r = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        return r ? r->bars : std::vector<Bar>{};
    }();
    return bars;
}
/// With KAIROS_CHART_SCREENSHOTS set, saves what the user sees (for a human look; no assertion).
void screenshot(QWidget* w, const QString& name) {
    const QString dir = qEnvironmentVariable("KAIROS_CHART_SCREENSHOTS");
    if (dir.isEmpty() || !w) return;
    QDir().mkpath(dir);
    w->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

std::size_t barAt(std::int64_t openMs) {
    const auto& b = btcBars();
    for (std::size_t i = 0; i < b.size(); ++i)
        if (b[i].openTimeMs == openMs) return i;
    return b.size();
}

/// The trades the replay makes of a bar (its documented path): open at +0, then low and high
/// (low first when the bar closed up, high first when it closed down) at +15 and +30 min, close
/// at +45 min.
std::vector<Trade> impliedTrades(const Bar& b) {
    const std::int64_t q = 15 * 60 * 1000;
    const bool up = b.close >= b.open;
    return {Trade{b.openTimeMs, b.open, {}, Side::Buy, {}}, Trade{b.openTimeMs + q, up ? b.low : b.high, {}, Side::Buy, {}},
            Trade{b.openTimeMs + 2 * q, up ? b.high : b.low, {}, Side::Buy, {}},
            Trade{b.openTimeMs + 3 * q, b.close, {}, Side::Buy, {}}};
}
}  // namespace

class TradingTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_profile;
    Price m_entry;
    QString m_restingOrder;

    TerminalSession::Options options() const {
        TerminalSession::Options o;
        o.profileDir = m_profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;  // the test drives the replay clock
        return o;
    }
    static bool load(TerminalSession& session) {
        QSignalSpy loaded(&session, &TerminalSession::loaded);
        QSignalSpy failed(&session, &TerminalSession::loadFailed);
        session.load();
        if (!loaded.wait(90000) && failed.isEmpty()) return false;
        return failed.isEmpty();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(btcBars().size() > 40000); }

    void ticketFromTheWatchlistBuysAtMarketAndShowsThePosition() {
        TerminalSession session(options());
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(load(session));
        QDockWidget* dock = w.dock(QStringLiteral("OrdersDock"));
        QVERIFY(dock);
        QCOMPARE(dock->windowTitle(), QStringLiteral("Trading"));
        TradingPanel* panel = w.tradingPanel();
        QVERIFY(panel);
        QVERIFY(dock->widget()->isAncestorOf(panel));  // under the account bar (TradingDockContents)
        QAbstractItemModelTester t1(panel->positions(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(panel->orders(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(panel->fills(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(panel->tabs()->count(), 3);
        QCOMPARE(panel->tabs()->tabText(0), QStringLiteral("Positions"));

        // GIVEN the replay at its first hour: BTCUSDT's last trade is that bar's open
        const std::int64_t start = session.feed()->clockMs();
        session.feed()->advanceTo(start);
        const std::size_t k = barAt(start);
        QVERIFY(k < btcBars().size());
        const Bar& bar = btcBars()[k];
        QCOMPARE(*w.paperAccount()->lastPrice(kBtc), bar.open);

        // WHEN the watchlist's context menu asks for an order ticket
        Q_EMIT w.watchlist()->orderTicketRequested(kBtc);
        auto* ticket = w.findChild<OrderTicketDialog*>();
        QVERIFY(ticket);
        QVERIFY(ticket->isVisible());
        // THEN it is prefilled with the symbol, its price and a quantity the filters accept
        QCOMPARE(ticket->symbolEdit()->text(), QStringLiteral("BINANCE:BTCUSDT"));
        QVERIFY2(ticket->quoteLabel()->text().contains(QString::fromStdString(bar.open.toString())),
                 qPrintable(ticket->quoteLabel()->text()));
        QVERIFY(!ticket->quantityEdit()->text().isEmpty());
        QVERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        ticket->typeBox()->setCurrentIndex(1);  // limit: prefilled with the price
        QCOMPARE(ticket->limitEdit()->text(), QString::fromStdString(bar.open.toString()));
        ticket->typeBox()->setCurrentIndex(0);  // back to market

        // Filters are checked as the user types; a symbol without its venue is explained
        ticket->symbolEdit()->setText(QStringLiteral("BTCUSDT"));
        QVERIFY2(ticket->validationText().contains(QStringLiteral("needs a venue, as in BINANCE:BTCUSDT")),
                 qPrintable(ticket->validationText()));
        QVERIFY(!ticket->sendButton()->isEnabled());
        ticket->symbolEdit()->setText(QStringLiteral("BINANCE:BTCUSDT"));
        ticket->quantityEdit()->setText(QStringLiteral("0.000001"));
        QVERIFY2(ticket->validationText().contains(QStringLiteral("not a multiple of the step 0.00001")),
                 qPrintable(ticket->validationText()));
        QVERIFY(!ticket->sendButton()->isEnabled());
        ticket->quantityEdit()->setText(QStringLiteral("0.00001"));
        QVERIFY2(ticket->validationText().contains(QStringLiteral("below the minimum of 5")),
                 qPrintable(ticket->validationText()));
        QVERIFY(ticket->submit().empty());  // nothing sent

        // A market buy of 0.01 BTC, confirmed in plain words
        ticket->quantityEdit()->setText(QStringLiteral("0.01000"));
        QVERIFY(ticket->estimateLabel()->text().contains(QStringLiteral("fee")));
        QStringList asked;
        ticket->setConfirmer([&](const QString& text) {
            asked << text;
            return true;
        });
        const auto events = ticket->submit();
        QCOMPARE(asked, QStringList{QStringLiteral("Buy 0.01000 BTCUSDT at market on PAPER")});
        QVERIFY(!events.empty());

        // THEN it fills at the replayed price, the Fills tab shows it, and the position appears
        QCOMPARE(panel->fills()->rowCount(), 1);
        QCOMPARE(panel->fills()->at(0).price, bar.open);
        QCOMPARE(panel->fills()->index(0, FillsModel::Quantity).data().toString(), QStringLiteral("0.01000"));
        QCOMPARE(panel->positions()->rowCount(), 1);
        QCOMPARE(panel->positions()->index(0, PositionsModel::Symbol).data().toString(), QStringLiteral("BINANCE:BTCUSDT"));
        QCOMPARE(panel->positions()->index(0, PositionsModel::Side).data().toString(), QStringLiteral("Long"));
        QCOMPARE(panel->positions()->index(0, PositionsModel::Quantity).data().toString(), QStringLiteral("0.01000"));
        QCOMPARE(panel->positions()->index(0, PositionsModel::AvgEntry).data().toString(),
                 QString::fromStdString(bar.open.toString()));
        // and the ticket says what happened: filled at, fee (10 bp), new position
        auto fee = w.paperAccount()->venue().rules().fee(bar.open, test_qty(), trading::Liquidity::Taker);
        QVERIFY(fee.ok());
        const QString expected =
            QStringLiteral("Bought 0.01000 BTCUSDT at %1 on PAPER, fee %2 USDT. Position: long 0.01000 at %1.")
                .arg(QString::fromStdString(bar.open.toString()), QString::fromStdString(fee->toTrimmedString()));
        QCOMPARE(ticket->resultText(), expected);
        m_entry = bar.open;
        screenshot(ticket, QStringLiteral("trading_ticket"));
        screenshot(w.dock(QStringLiteral("OrdersDock")), QStringLiteral("trading_dock"));
    }

    void limitOrderRestsAndFillsWhenAReplayedTradeGoesThrough() {
        TerminalSession session(options());
        MainWindow w(session);
        QVERIFY(load(session));
        TradingPanel* panel = w.tradingPanel();
        QCOMPARE(panel->positions()->rowCount(), 1);  // from the test before (same profile)
        const std::int64_t start = session.feed()->clockMs();
        session.feed()->advanceTo(start);
        const std::size_t k = barAt(start);
        const Price now = btcBars()[k].open;
        // A buy limit 0.5 % under the price, on the tick
        const Price limit = *now.mulInt(995)->divInt(1000, 2, RoundingMode::Floor);
        // Independently: the first replayed trade strictly below it
        std::optional<Trade> expected;
        for (std::size_t j = k; j < k + 200 && !expected; ++j)
            for (const Trade& tr : impliedTrades(btcBars()[j]))
                if (tr.timeMs > start && tr.price < limit) {
                    expected = tr;
                    break;
                }
        QVERIFY(expected);

        OrderTicketDialog* ticket = w.openOrderTicket(kBtc);
        QVERIFY(ticket);
        ticket->setConfirmer([](const QString&) { return true; });
        ticket->typeBox()->setCurrentIndex(1);
        ticket->limitEdit()->setText(QString::fromStdString(limit.toString()));
        ticket->quantityEdit()->setText(QStringLiteral("0.02000"));
        QVERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        QCOMPARE(ticket->confirmationText(),
                 QStringLiteral("Buy 0.02000 BTCUSDT limit at %1 on PAPER").arg(QString::fromStdString(limit.toString())));
        ticket->submit();
        QVERIFY2(ticket->resultText().contains(QStringLiteral("fills when the price gets there")),
                 qPrintable(ticket->resultText()));
        QVERIFY(panel->orders()->at(0).status == trading::OrderStatus::Accepted);
        m_restingOrder = QString::fromStdString(panel->orders()->at(0).request.clientOrderId);
        const int fillsBefore = panel->fills()->rowCount();

        // Just before the trade that goes through: still resting
        session.feed()->advanceTo(expected->timeMs - 1);
        QCOMPARE(panel->fills()->rowCount(), fillsBefore);
        QVERIFY(panel->orders()->at(0).status == trading::OrderStatus::Accepted);
        // The trade: filled at the limit, as maker
        session.feed()->advanceTo(expected->timeMs);
        QCOMPARE(panel->fills()->rowCount(), fillsBefore + 1);
        const trading::Fill f = panel->fills()->at(0);
        QCOMPARE(f.price, limit);
        QCOMPARE(f.timeMs, expected->timeMs);
        QVERIFY(f.liquidity == trading::Liquidity::Maker);
        QVERIFY(panel->orders()->at(0).status == trading::OrderStatus::Filled);
        QCOMPARE(panel->positions()->index(0, PositionsModel::Quantity).data().toString(), QStringLiteral("0.03000"));

        // A resting order to keep over the restart; cancel one to see Cancel work
        ticket->limitEdit()->setText(QStringLiteral("1000.00"));
        ticket->quantityEdit()->setText(QStringLiteral("0.01000"));
        ticket->submit();
        ticket->limitEdit()->setText(QStringLiteral("1001.00"));
        ticket->submit();
        QCOMPARE(w.paperAccount()->openOrders().size(), std::size_t{2});
        panel->ordersView()->setCurrentIndex(panel->orders()->index(0, 0));
        QVERIFY(panel->cancelSelectedOrder());
        QVERIFY(panel->orders()->at(0).status == trading::OrderStatus::Cancelled);
        QCOMPARE(w.paperAccount()->openOrders().size(), std::size_t{1});
        QVERIFY(!panel->cancelSelectedOrder());  // already cancelled
    }

    void restartKeepsPositionsOrdersAndFills() {
        TerminalSession session(options());
        MainWindow w(session);
        TradingPanel* panel = w.tradingPanel();
        // Read back before the replay even loads
        QCOMPARE(panel->positions()->rowCount(), 1);
        QCOMPARE(panel->positions()->index(0, PositionsModel::Quantity).data().toString(), QStringLiteral("0.03000"));
        QCOMPARE(panel->fills()->rowCount(), 2);
        QCOMPARE(panel->fills()->at(1).price, m_entry);
        const auto open = w.paperAccount()->openOrders();
        QCOMPARE(open.size(), std::size_t{1});
        QCOMPARE(*open[0].request.limitPrice, Price::parse("1000.00").value());
        QCOMPARE(panel->orders()->rowCount(), 4);

        // F9 opens a ticket too; Close position sells the whole position at market
        QVERIFY(load(session));
        session.feed()->advanceTo(session.feed()->clockMs());
        QAction* f9 = w.findChild<QAction*>(QStringLiteral("NewOrderAction"));
        QVERIFY(f9);
        QCOMPARE(f9->shortcut(), QKeySequence(Qt::Key_F9));
        QVERIFY(f9->isEnabled());
        f9->trigger();
        QVERIFY(w.findChild<OrderTicketDialog*>());
        QStringList asked;
        panel->setConfirmer([&](const QString& text) {
            asked << text;
            return true;
        });
        panel->positionsView()->setCurrentIndex(panel->positions()->index(0, 0));
        QVERIFY(panel->closeSelectedPosition());
        QCOMPARE(asked, QStringList{QStringLiteral("Sell 0.03000 BTCUSDT at market on PAPER to close the long position")});
        QCOMPARE(panel->positions()->rowCount(), 0);
        QVERIFY2(panel->statusText().startsWith(QStringLiteral("Closed: sold 0.03000 BTCUSDT")), qPrintable(panel->statusText()));
        QVERIFY(panel->summaryLabel()->text().contains(QStringLiteral("PAPER")));

        // Reset: a bad amount is refused with the reason; a good one empties every tab
        QVERIFY(!panel->resetAccount(QStringLiteral("ten")));
        QVERIFY(panel->statusText().contains(QStringLiteral("not a positive decimal")));
        QVERIFY(panel->resetAccount(QStringLiteral("2500")));
        QCOMPARE(asked.last(), QStringLiteral("Delete every paper order and fill and start again with 2500"));
        QCOMPARE(panel->orders()->rowCount(), 0);
        QCOMPARE(panel->fills()->rowCount(), 0);
        QCOMPARE(panel->positions()->rowCount(), 0);
        QVERIFY2(panel->summaryLabel()->text().contains(QStringLiteral("cash 2500.00")),
                 qPrintable(panel->summaryLabel()->text()));
    }

    // A live symbol: the local Binance server (documented payload formats) sends a best bid/ask;
    // the ticket shows it and a market buy fills at the ask, a market sell at the bid.
    void liveSymbolFillsAtTheVenuesBestBidAndAsk() {
        test::FakeBinance fake;
        // exchangeInfo in the documented shape; BNBBTC's filters are those of the docs' examples.
        fake.setExchangeInfo(R"({"timezone":"UTC","serverTime":1,"rateLimits":[],"symbols":[{"symbol":"BNBBTC","status":"TRADING",
          "baseAsset":"BNB","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,"filters":[
          {"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"100000.00000000","tickSize":"0.00000100"},
          {"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"100000.00000000","stepSize":"0.00100000"}]}]})");
        QTemporaryDir profile;
        {
            QSettings s(profile.filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);
            s.setValue(QStringLiteral("marketdata/venues"), QStringLiteral("BINANCE"));
            s.setValue(QStringLiteral("marketdata/BINANCE/restUrl"), fake.http.url().toString());
            s.setValue(QStringLiteral("marketdata/BINANCE/wsUrl"), fake.ws.url().toString());
            s.setValue(QStringLiteral("paper/confirm"), false);  // the setting that skips the question
        }
        TerminalSession::Options o = options();
        o.profileDir = profile.path();
        TerminalSession session(o);
        MainWindow w(session);
        QVERIFY(load(session));
        const InstrumentId bnb{"BINANCE", "BNBBTC"};
        QVERIFY(test::waitUntil([&] { return session.venues()->find(bnb) != nullptr; }));
        QVERIFY(w.watchlist()->addSymbol(QStringLiteral("BINANCE:BNBBTC")));
        QVERIFY(test::waitUntil([&] { return fake.liveStreams().contains(QStringLiteral("bnbbtc@bookTicker")); }));
        // Binance's documented bookTicker example (tests/data/feeds/binance/docs-examples/bookTicker.json), for BNBBTC
        QCOMPARE(fake.publish(
                     QStringLiteral("bnbbtc@bookTicker"),
                     R"({"u":400900217,"s":"BNBBTC","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"})"),
                 1);
        QVERIFY(test::waitUntil([&] { return w.paperAccount()->lastQuote(bnb).has_value(); }));

        OrderTicketDialog* ticket = w.openOrderTicket(bnb);
        QVERIFY(ticket);
        QVERIFY2(ticket->quoteLabel()->text().contains(QStringLiteral("Bid 25.35190000 · Ask 25.36520000")),
                 qPrintable(ticket->quoteLabel()->text()));
        ticket->quantityEdit()->setText(QStringLiteral("2.000"));
        auto buy = ticket->submit();  // no question asked: paper/confirm is false
        QVERIFY(!buy.empty());
        QVERIFY2(
            ticket->resultText().startsWith(QStringLiteral("Bought 2.000 BNBBTC at 25.36520000 on PAPER, fee 0.0507304 BTC.")),
            qPrintable(ticket->resultText()));
        ticket->sideBox()->setCurrentIndex(1);
        ticket->quantityEdit()->setText(QStringLiteral("0.500"));
        ticket->submit();
        QCOMPARE(w.tradingPanel()->fills()->at(0).price, Price::parse("25.3519").value());
        QCOMPARE(w.tradingPanel()->positions()->index(0, PositionsModel::Quantity).data().toString(), QStringLiteral("1.500"));
    }

    void aRefusingPreTradeCheckBlocksTheTicketsOrder() {
        TerminalSession session(options());
        MainWindow w(session);
        QVERIFY(load(session));
        session.feed()->advanceTo(session.feed()->clockMs());
        trading::Account* account = w.paperAccount();
        QVERIFY(account);
        QVERIFY(account->lastPrice(kBtc).has_value());
        const std::size_t fillsBefore = account->fills().size();
        const std::size_t ordersBefore = account->orders().size();
        // GIVEN a pre-trade check on the paper account's order gateway that refuses every order
        int asked = 0;
        account->gateway().addCheck([&asked](const trading::OrderRequest&, const trading::IVenue&) -> Status {
            ++asked;
            return makeError("trading is paused by the test");
        });
        // WHEN a confirmed market buy is sent from the ticket
        OrderTicketDialog* ticket = w.openOrderTicket(kBtc);
        QVERIFY(ticket);
        ticket->setConfirmer({});
        ticket->quantityEdit()->setText(QStringLiteral("0.01000"));
        QVERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        const auto events = ticket->submit();
        // THEN the check was asked, the order never reached the venue and the ticket says why
        QCOMPARE(asked, 1);
        QCOMPARE(events.size(), std::size_t{1});
        QVERIFY(events[0].kind == trading::OrderEventKind::Rejected);
        QCOMPARE(events[0].order.id, trading::OrderId{0});
        QCOMPARE(ticket->resultText(), QStringLiteral("Rejected: Refused: trading is paused by the test"));
        QCOMPARE(account->fills().size(), fillsBefore);
        QCOMPARE(account->orders().size(), ordersBefore);
        QVERIFY(!events[0].order.request.clientOrderId.empty());  // the id exists before sending
    }

    void ticketOffersTrailingOcoTimeInForceTakeProfitLaddersAndSizing() {
        TerminalSession session(options());
        MainWindow w(session);
        QVERIFY(load(session));
        session.feed()->advanceTo(session.feed()->clockMs());
        trading::Account* account = w.paperAccount();
        QVERIFY(account);
        const auto last = account->lastPrice(kBtc);
        QVERIFY(last.has_value());
        const QString lastText = QString::fromStdString(last->toString());
        OrderTicketDialog* ticket = w.openOrderTicket(kBtc);
        QVERIFY(ticket);
        QStringList asked;
        ticket->setConfirmer([&](const QString& text) {
            asked << text;
            return true;
        });
        auto priceAt = [&](int permille) {
            return QString::fromStdString(last->mulInt(permille)->divInt(1000, 2, RoundingMode::Floor)->toString());
        };

        // GIVEN a sell stop with a trailing distance of 1.5 %: the stop price becomes optional
        ticket->sideBox()->setCurrentIndex(1);
        ticket->typeBox()->setCurrentIndex(2);  // stop
        QVERIFY(ticket->trailingBox()->isEnabled());
        ticket->trailingBox()->setChecked(true);
        ticket->stopEdit()->clear();
        ticket->trailingEdit()->setText(QStringLiteral("1.5"));
        ticket->quantityEdit()->setText(QStringLiteral("0.01000"));
        QVERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        auto r = ticket->request();
        QVERIFY(r.ok());
        QVERIFY(r->trailing.has_value());
        QCOMPARE(r->trailing->bips, 150);
        QVERIFY(!r->stopPrice.has_value());
        QCOMPARE(
            ticket->confirmationText(),
            QStringLiteral("Sell 0.01000 BTCUSDT trailing stop 1.5 % (150 bips) behind the best price, then at market on PAPER"));
        ticket->trailingEdit()->setText(QStringLiteral("1.505"));
        QVERIFY2(ticket->validationText().contains(QStringLiteral("finer than one bip")), qPrintable(ticket->validationText()));
        ticket->trailingBox()->setChecked(false);

        // a sell limit maker above the market with an OCO stop below it
        ticket->typeBox()->setCurrentIndex(1);  // limit
        QVERIFY(!ticket->trailingBox()->isEnabled());
        ticket->limitEdit()->setText(priceAt(1020));
        ticket->tifBox()->setCurrentIndex(3);  // post-only
        ticket->ocoBox()->setChecked(true);
        ticket->ocoStopEdit()->setText(priceAt(980));
        QVERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        QCOMPARE(ticket->confirmationText(),
                 QStringLiteral("Sell 0.01000 BTCUSDT limit at %1 on PAPER, one-cancels-the-other with a stop at %2 "
                                "(post-only: rejected if it would fill at once)")
                     .arg(priceAt(1020), priceAt(980)));
        const std::size_t openBefore = account->openOrders().size();
        auto sent = ticket->submit();
        QVERIFY(!sent.empty());
        QCOMPARE(account->openOrders().size(), openBefore + 2);  // both legs rest
        // a post-only buy above the market would take: rejected with the reason
        ticket->ocoBox()->setChecked(false);
        ticket->sideBox()->setCurrentIndex(0);
        ticket->limitEdit()->setText(priceAt(1010));
        sent = ticket->submit();
        QVERIFY2(ticket->resultText().contains(QStringLiteral("would take liquidity at once")), qPrintable(ticket->resultText()));
        ticket->tifBox()->setCurrentIndex(2);  // FOK
        QVERIFY(ticket->confirmationText().endsWith(QStringLiteral("(FOK: all of it fills at once or nothing does)")));
        ticket->tifBox()->setCurrentIndex(0);

        // WHEN a market buy with a stop-loss 2 % below is sized to risk 1 % of equity
        ticket->typeBox()->setCurrentIndex(0);
        ticket->stopLossBox()->setChecked(true);
        ticket->stopLossEdit()->setText(priceAt(980));
        ticket->sizeModeBox()->setCurrentIndex(2);
        ticket->sizeValueEdit()->setText(QStringLiteral("1"));
        QTest::mouseClick(ticket->sizeButton(), Qt::LeftButton);
        // THEN the quantity is what the sizing helper says for the account's equity
        auto expected = trading::sizeByRisk(account->portfolio().equity(), trading::Percent::parse("1").value(), *last,
                                            Price::parse(priceAt(980).toStdString()).value(), *account->instrument(kBtc));
        QVERIFY(expected.ok());
        QCOMPARE(ticket->quantityEdit()->text(), QString::fromStdString(expected->quantity.toString()));
        QVERIFY2(ticket->sizingText().contains(QStringLiteral("risking")), qPrintable(ticket->sizingText()));
        // an impossible size is explained
        ticket->sizeModeBox()->setCurrentIndex(0);
        ticket->sizeValueEdit()->setText(QStringLiteral("3"));  // a few lots at any price below 300,000
        QVERIFY(!ticket->applySizing().ok());
        QVERIFY2(ticket->sizingText().contains(QStringLiteral("below the minimum order value of 5 USDT")),
                 qPrintable(ticket->sizingText()));
        ticket->sizeValueEdit()->setText(QStringLiteral("500"));
        QVERIFY(ticket->applySizing().ok());

        // AND with three take-profits 50/30/20 the market buy leaves a stop-loss and three take-profits
        ticket->takeProfitBox()->setChecked(true);
        ticket->takeProfitEdit()->setText(priceAt(1010));
        ticket->takeProfitShareEdit()->setText(QStringLiteral("50"));
        ticket->takeProfit2Box()->setChecked(true);
        ticket->takeProfit2Edit()->setText(priceAt(1020));
        ticket->takeProfit2ShareEdit()->setText(QStringLiteral("30"));
        ticket->takeProfit3Box()->setChecked(true);
        ticket->takeProfit3Edit()->setText(priceAt(1030));
        ticket->takeProfit3ShareEdit()->setText(QStringLiteral("10"));
        QVERIFY2(ticket->validationText().contains(QStringLiteral("add up to 90 %")), qPrintable(ticket->validationText()));
        ticket->takeProfit3ShareEdit()->setText(QStringLiteral("20"));
        QVERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        QVERIFY(ticket->confirmationText().contains(
            QStringLiteral("take-profits 50 % at %1, 30 % at %2, 20 % at %3").arg(priceAt(1010), priceAt(1020), priceAt(1030))));
        screenshot(ticket, QStringLiteral("trading_ticket_advanced"));
        const std::size_t before = account->openOrders().size();
        sent = ticket->submit();
        QVERIFY2(ticket->resultText().startsWith(QStringLiteral("Bought")), qPrintable(ticket->resultText()));
        QCOMPARE(account->openOrders().size(), before + 4);
        int takeProfits = 0;
        Quantity tpTotal = Quantity::fromRaw(0, 5);
        for (const auto& o : account->openOrders())
            if (o.role == trading::OrderRole::TakeProfit) {
                ++takeProfits;
                tpTotal = tpTotal.add(o.request.quantity).value();
            }
        QCOMPARE(takeProfits, 3);
        QCOMPARE(QString::fromStdString(tpTotal.toString()), ticket->quantityEdit()->text());
        QVERIFY(!lastText.isEmpty());
    }

private:
    static Quantity test_qty() { return Quantity::parse("0.01000").value(); }
};

QTEST_MAIN(TradingTest)
#include "trading_test.moc"
