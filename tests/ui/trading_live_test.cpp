// Qt Test, offscreen: a LIVE Binance account in the terminal, against the local Binance trading
// server (tests/support/fakebinancetrading.h) that the profile's settings point the live endpoints
// at. Trade › Accounts… adds the account with its keys (stored in the OS keychain: the test runs
// under scripts/with-keyring.sh), "Test connection" shows Binance's answer, the Trading dock's
// selector makes it active (LIVE badge), the ticket asks with a LIVE confirmation and sends a
// market buy to the server, the fill arrives as an event and shows as a position and a fill row in
// the Trading dock, and the kill switch sells it on the server. Then the keys are looked for in the
// profile: they are not there.
//
// Prices: BTCUSDT 1m closes of 2025-05-20 (resources/data), Binance's own.
#include "killswitchdialog.h"
#include "mainwindow.h"
#include "orderticketdialog.h"
#include "terminalsession.h"
#include "tradingaccountsdialog.h"
#include "tradingmodels.h"
#include "tradingpanel.h"

#include "fakebinancetrading.h"
#include "fakeservers.h"
#include "marketdata/csvimport.h"
#include "session/tradingaccounts.h"
#include "testdata.h"
#include "trading/account.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace kairos;
using namespace kairos::ui;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const QByteArray kApiKey = "liveUiKeyvmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju";
const QByteArray kSecret = "liveUiSecretNhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqq";
constexpr int kWaitMs = 20'000;

Price firstClose() {
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    return csv && !csv->bars.empty() ? csv->bars.front().close : Price{};
}
test::Units units(const QString& text) { return *test::parseUnits(text); }

/// With KAIROS_CHART_SCREENSHOTS set, saves what the user sees (for a human look; no assertion).
void screenshot(QWidget* w, const QString& name) {
    const QString dir = qEnvironmentVariable("KAIROS_CHART_SCREENSHOTS");
    if (dir.isEmpty() || !w) return;
    QDir().mkpath(dir);
    w->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}
}  // namespace

class TradingLiveTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aLiveOrderIsConfirmedAsLiveFilledOnBinanceShownInTheDockAndFlattenedByTheKillSwitch() {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("no D-Bus session (run under scripts/with-keyring.sh)");
        // GIVEN the local Binance at a real BTCUSDT price, and a profile whose live endpoints point at it
        test::FakeBinanceTrading fake(kApiKey, kSecret);
        QVERIFY(fake.listen());
        fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
        fake.setBalance(QStringLiteral("USDT"), units(QStringLiteral("10000")));
        fake.setBalance(QStringLiteral("BTC"), 0);  // the buy's commission is taken in BTC: 0.01 bought, 0.00999 held
        const Price close = firstClose();
        QVERIFY(!close.isZero());
        fake.setLastPrice(QStringLiteral("BTCUSDT"), units(QString::fromStdString(close.toString())));
        QTemporaryDir profile;
        {
            QSettings s(QDir(profile.path()).filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);
            s.setValue(QStringLiteral("binance/liveRestUrl"), fake.restUrl().toString());
            s.setValue(QStringLiteral("binance/liveWsApiUrl"), fake.wsApiUrl().toString());
        }
        TerminalSession::Options o;
        o.profileDir = profile.path();
        o.dataDir = QString::fromStdString(test::resourcesData());
        o.autoStart = false;
        TerminalSession session(o);
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        session::TradingAccounts* accounts = w.tradingAccounts();
        QVERIFY(accounts);
        QCOMPARE(accounts->accounts().size(), std::size_t{1});
        auto* badge = w.findChild<QLabel*>(QStringLiteral("TradingAccountKind"));
        QVERIFY(badge);
        QCOMPARE(badge->text(), QStringLiteral("PAPER"));

        // WHEN "Test connection" is asked with the keys, then with a wrong secret
        {
            AccountKeysDialog keys(*accounts, trading::AccountKind::Live, false, &w);
            keys.keyEdit()->setText(QString::fromLatin1(kApiKey));
            keys.secretEdit()->setText(QString::fromLatin1(kSecret));
            keys.testConnection();
            QTRY_VERIFY_WITH_TIMEOUT(keys.answerLabel()->text().startsWith(QStringLiteral("Connected")), kWaitMs);
            QVERIFY2(keys.answerLabel()->text().contains(QStringLiteral("USDT 10000")), qPrintable(keys.answerLabel()->text()));
            keys.secretEdit()->setText(QStringLiteral("not-the-secret"));
            keys.testConnection();
            QTRY_VERIFY_WITH_TIMEOUT(keys.answerLabel()->text().startsWith(QStringLiteral("Binance refused")), kWaitMs);
            QVERIFY(!keys.answerLabel()->text().contains(QStringLiteral("not-the-secret")));
        }
        // AND Trade › Accounts… adds a live account with them
        auto* accountsAction = w.findChild<QAction*>(QStringLiteral("TradingAccountsAction"));
        QVERIFY(accountsAction);
        accountsAction->trigger();
        auto* dialog = w.findChild<TradingAccountsDialog*>();
        QVERIFY(dialog);
        dialog->addAccount(trading::AccountKind::Live, QStringLiteral("Binance"), {}, QString::fromLatin1(kApiKey),
                           QString::fromLatin1(kSecret));
        QTRY_COMPARE_WITH_TIMEOUT(accounts->accounts().size(), std::size_t{2}, kWaitMs);
        const std::int64_t liveId = accounts->accounts().back().id;
        QTRY_VERIFY_WITH_TIMEOUT(accounts->liveVenue(liveId) && accounts->liveVenue(liveId)->isReady(), kWaitMs);
        QVERIFY2(dialog->statusText().contains(QStringLiteral("Added LIVE · Binance")), qPrintable(dialog->statusText()));
        screenshot(dialog, QStringLiteral("trading_accounts_dialog"));
        dialog->close();
        // AND the Trading dock's selector makes it the active account
        auto* selector = w.findChild<QComboBox*>(QStringLiteral("TradingAccountBox"));
        QVERIFY(selector);
        const int at = selector->findData(QVariant::fromValue<qlonglong>(liveId));
        QVERIFY(at >= 0);
        QCOMPARE(selector->itemText(at), QStringLiteral("LIVE · Binance"));
        Q_EMIT selector->activated(at);
        QCOMPARE(accounts->activeId(), liveId);
        // THEN the dock is bound to it, labelled LIVE
        QCOMPARE(badge->text(), QStringLiteral("LIVE"));
        TradingPanel* panel = w.tradingPanel();
        QVERIFY(panel);
        QVERIFY2(panel->summaryLabel()->text().contains(QStringLiteral("LIVE · Binance")),
                 qPrintable(panel->summaryLabel()->text()));
        QVERIFY(w.paperAccount()->info().kind == trading::AccountKind::Live);

        // WHEN the market data gives BTCUSDT's price and the ticket buys 0.01 BTC at market
        accounts->liveVenue(liveId)->updatePrice(kBtc, close);
        OrderTicketDialog* ticket = w.openOrderTicket(kBtc);
        QVERIFY(ticket);
        QCOMPARE(ticket->windowTitle(), QStringLiteral("New order — LIVE · Binance"));
        QCOMPARE(ticket->accountBadge()->text(), QStringLiteral("LIVE"));
        ticket->quantityEdit()->setText(QStringLiteral("0.01"));
        QTRY_VERIFY2(ticket->validationText().isEmpty(), qPrintable(ticket->validationText()));
        QStringList asked;
        ticket->setConfirmer([&](const QString& text) {
            asked << text;
            return true;
        });
        screenshot(ticket, QStringLiteral("trading_live_ticket"));
        ticket->submit();
        // THEN the confirmation said LIVE in words, and the order went to the server
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked[0].startsWith(QStringLiteral("LIVE ORDER — REAL MONEY: Buy 0.01")), qPrintable(asked[0]));
        QVERIFY2(asked[0].contains(QStringLiteral("BTCUSDT at market on LIVE · Binance")), qPrintable(asked[0]));
        QVERIFY2(ticket->resultText().contains(QStringLiteral("Sent to LIVE · Binance")), qPrintable(ticket->resultText()));
        // AND the fill event comes back: a fill row and a long position in the Trading dock
        QTRY_COMPARE_WITH_TIMEOUT(panel->fills()->rowCount(), 1, kWaitMs);
        QCOMPARE(panel->fills()->at(0).price, close);
        QTRY_COMPARE_WITH_TIMEOUT(panel->positions()->rowCount(), 1, kWaitMs);
        QCOMPARE(panel->positions()->index(0, PositionsModel::Side).data().toString(), QStringLiteral("Long"));
        // the ledger keeps Binance's 8 decimals: the entry is the fill price exactly, not rounded
        QCOMPARE(w.paperAccount()->portfolio().position(kBtc)->averageEntry(2), close);
        QCOMPARE(fake.orders().size(), std::size_t{1});
        QCOMPARE(fake.orders()[0].status, QStringLiteral("FILLED"));
        QCOMPARE(fake.balance(QStringLiteral("BTC")).free, units(QStringLiteral("0.00999")));
        // the ledger follows Binance's balances: the BTC held after the commission, the USDT left
        QTRY_COMPARE_WITH_TIMEOUT(w.paperAccount()->portfolio().position(kBtc)->quantity, *Quantity::parse("0.00999"), kWaitMs);
        QCOMPARE(w.paperAccount()->portfolio().cash(), Money::fromRaw(fake.balance(QStringLiteral("USDT")).free, 8));
        if (QDockWidget* dock = w.dock(QStringLiteral("OrdersDock"))) {
            dock->raise();
            screenshot(dock, QStringLiteral("trading_live_dock"));
        }
        ticket->close();

        // WHEN the kill switch runs on the live account (Ctrl+Shift+K's action, its report dialog)
        auto* killAction = w.findChild<QAction*>(QStringLiteral("KillSwitchAction"));
        QVERIFY(killAction);
        QCOMPARE(killAction->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+K")));
        killAction->trigger();
        auto* kill = w.findChild<KillSwitchDialog*>();
        QVERIFY(kill);
        QCOMPARE(kill->scopeBox()->currentData().toLongLong(), liveId);
        QVERIFY2(kill->planLabel()->text().contains(QStringLiteral("close 1 position")), qPrintable(kill->planLabel()->text()));
        QSignalSpy finished(kill, &KillSwitchDialog::finished);
        kill->run();
        QVERIFY(finished.wait(kWaitMs) || !finished.isEmpty());
        // THEN it says what it did, the position is flat, and the server sold the BTC
        QCOMPARE(kill->summaryLabel()->text(), QStringLiteral("0 orders cancelled, 1 position closed, 0 failed"));
        QCOMPARE(kill->reportTable()->rowCount(), 1);
        QVERIFY(w.paperAccount()->portfolio().openPositions().empty());
        QCOMPARE(fake.orders().size(), std::size_t{2});
        QCOMPARE(fake.orders()[1].side, QStringLiteral("SELL"));
        QCOMPARE(fake.orders()[1].status, QStringLiteral("FILLED"));
        QCOMPARE(fake.orders()[1].executedQty, units(QStringLiteral("0.00999")));
        QTRY_COMPARE_WITH_TIMEOUT(panel->fills()->rowCount(), 2, kWaitMs);
        kill->close();

        // AND the keys are nowhere in the profile (database, its WAL, the settings file)
        session.settings().sync();
        QByteArray all;
        QDirIterator it(profile.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly)) all += f.readAll();
        }
        QVERIFY(!all.isEmpty());
        QVERIFY(!all.contains(kApiKey));
        QVERIFY(!all.contains(kSecret));
    }
};

QTEST_MAIN(TradingLiveTest)
#include "trading_live_test.moc"
