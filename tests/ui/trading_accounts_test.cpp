// Qt Test, offscreen: trading accounts in open widgets.
// - A rename shows at once in the Trading dock's selector and summary and in an open ticket (title
//   and account choices), without a restart.
// - An exchange account opened with an order placed behind its back (on the local Binance trading
//   server, tests/support/fakebinancetrading.h) shows the reconciliation notice in the Trading dock,
//   and "Details…" lists that order as adopted, in a dialog that is not modal. Needs the OS keychain
//   (scripts/with-keyring.sh), like trading_live_test.
#include "mainwindow.h"
#include "orderticketdialog.h"
#include "terminalsession.h"
#include "tradingnotice.h"
#include "tradingpanel.h"

#include "fakebinancetrading.h"
#include "marketdata/csvimport.h"
#include "session/tradingaccounts.h"
#include "testdata.h"
#include "trading/account.h"

#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace kairos;
using namespace kairos::ui;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const QByteArray kApiKey = "accountsUiKeyPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7";
const QByteArray kSecret = "accountsUiSecretPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbv";
constexpr int kWaitMs = 20'000;

Price firstClose() {
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    return csv && !csv->bars.empty() ? csv->bars.front().close : Price{};
}

TerminalSession::Options optionsFor(const QString& profile) {
    TerminalSession::Options o;
    o.profileDir = profile;
    o.dataDir = QString::fromStdString(test::resourcesData());
    o.autoStart = false;
    return o;
}

/// Adds an account through TradingAccounts and waits for its answer.
std::optional<trading::AccountInfo> addAccount(session::TradingAccounts& accounts, trading::AccountKind kind, const char* name,
                                               const char* cash, const QByteArray& key = {}, const QByteArray& secret = {}) {
    trading::AccountInfo info;
    info.name = name;
    info.kind = kind;
    std::optional<Result<trading::AccountInfo>> out;
    accounts.addAccount(info, *Money::parse(cash), key.toStdString(), secret.toStdString(),
                        [&](Result<trading::AccountInfo> r) { out = std::move(r); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, kWaitMs) || !out->ok()) return std::nullopt;
    return **out;
}

QStringList itemTexts(const QComboBox* box) {
    QStringList out;
    for (int i = 0; i < box->count(); ++i) out << box->itemText(i);
    return out;
}
}  // namespace

class TradingAccountsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aRenameShowsAtOnceInTheDockAndAnOpenTicket() {
        // GIVEN a terminal with a second paper account "Swing", active, and a ticket open on it
        QTemporaryDir profile;
        TerminalSession session(optionsFor(profile.path()));
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        session::TradingAccounts* accounts = w.tradingAccounts();
        QVERIFY(accounts);
        const auto swing = addAccount(*accounts, trading::AccountKind::Paper, "Swing", "5000");
        QVERIFY(swing);
        QVERIFY(accounts->setActive(swing->id).ok());
        QTRY_VERIFY(w.tradingPanel() && w.paperAccount() == accounts->account(swing->id));
        OrderTicketDialog* ticket = w.openOrderTicket(kBtc);
        QVERIFY(ticket);
        QCOMPARE(ticket->windowTitle(), QStringLiteral("New order — PAPER · Swing"));
        auto* ticketBox = ticket->findChild<QComboBox*>(QStringLiteral("TicketAccountBox"));
        QVERIFY(ticketBox);
        QVERIFY(itemTexts(ticketBox).contains(QStringLiteral("PAPER · Swing")));
        auto* selector = w.findChild<QComboBox*>(QStringLiteral("TradingAccountBox"));
        QVERIFY(selector);
        QVERIFY(itemTexts(selector).contains(QStringLiteral("PAPER · Swing")));

        // WHEN the account is renamed "Momentum"
        QVERIFY(accounts->rename(swing->id, "Momentum").ok());

        // THEN, with no restart, the dock's selector and summary, and the open ticket's title and
        // account choices say "PAPER · Momentum", and no longer "Swing"
        QCOMPARE(selector->currentText(), QStringLiteral("PAPER · Momentum"));
        QVERIFY(!itemTexts(selector).contains(QStringLiteral("PAPER · Swing")));
        QVERIFY2(w.tradingPanel()->summaryLabel()->text().contains(QStringLiteral("PAPER · Momentum")),
                 qPrintable(w.tradingPanel()->summaryLabel()->text()));
        QCOMPARE(ticket->windowTitle(), QStringLiteral("New order — PAPER · Momentum"));
        QCOMPARE(ticketBox->currentText(), QStringLiteral("PAPER · Momentum"));
        QVERIFY(!itemTexts(ticketBox).contains(QStringLiteral("PAPER · Swing")));
        ticket->close();
    }

    void anOrderPlacedBehindTheTerminalsBackIsShownAsAdoptedWhenTheAccountOpens() {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("no D-Bus session (run under scripts/with-keyring.sh)");
        // GIVEN the local Binance at a real BTCUSDT price, and a profile whose live endpoints point at it
        test::FakeBinanceTrading fake(kApiKey, kSecret);
        QVERIFY(fake.listen());
        fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
        fake.setBalance(QStringLiteral("USDT"), *test::parseUnits(QStringLiteral("10000")));
        const Price close = firstClose();
        QVERIFY(!close.isZero());
        fake.setLastPrice(QStringLiteral("BTCUSDT"), *test::parseUnits(QString::fromStdString(close.toString())));
        QTemporaryDir profile;
        {
            QSettings s(QDir(profile.path()).filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);
            s.setValue(QStringLiteral("binance/liveRestUrl"), fake.restUrl().toString());
            s.setValue(QStringLiteral("binance/liveWsApiUrl"), fake.wsApiUrl().toString());
        }
        std::int64_t liveId = 0;
        {
            // AND a live account added in an earlier run of the terminal, made active
            TerminalSession session(optionsFor(profile.path()));
            MainWindow w(session);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            session::TradingAccounts* accounts = w.tradingAccounts();
            const auto live = addAccount(*accounts, trading::AccountKind::Live, "Main", "0", kApiKey, kSecret);
            QVERIFY(live);
            liveId = live->id;
            QTRY_VERIFY_WITH_TIMEOUT(accounts->liveVenue(liveId) && accounts->liveVenue(liveId)->isReady(), kWaitMs);
            QVERIFY(accounts->setActive(liveId).ok());
            // (a reconciliation that changed nothing shows no notice)
            auto* notice = w.findChild<ReconciliationNotice*>();
            QVERIFY(notice);
            QVERIFY(notice->isHidden());
        }
        // WHEN, while the terminal is closed, a limit buy is placed on Binance's website
        const QJsonObject placed =
            fake.placeOrderElsewhere({{QStringLiteral("symbol"), QStringLiteral("BTCUSDT")},
                                      {QStringLiteral("side"), QStringLiteral("BUY")},
                                      {QStringLiteral("type"), QStringLiteral("LIMIT")},
                                      {QStringLiteral("timeInForce"), QStringLiteral("GTC")},
                                      {QStringLiteral("quantity"), QStringLiteral("0.001")},
                                      {QStringLiteral("price"), QStringLiteral("50000")},
                                      {QStringLiteral("newClientOrderId"), QStringLiteral("web-order-1")}});
        QCOMPARE(placed.value(QStringLiteral("status")).toString(), QStringLiteral("NEW"));
        // AND the terminal starts again
        TerminalSession session(optionsFor(profile.path()));
        MainWindow w(session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        session::TradingAccounts* accounts = w.tradingAccounts();
        QTRY_VERIFY_WITH_TIMEOUT(accounts->liveVenue(liveId) && accounts->liveVenue(liveId)->isReady(), kWaitMs);
        // THEN the Trading dock shows the reconciliation's notice, naming the account and the adoption
        auto* notice = w.findChild<ReconciliationNotice*>();
        QVERIFY(notice);
        QTRY_VERIFY_WITH_TIMEOUT(!notice->isHidden(), kWaitMs);
        QVERIFY2(notice->text().startsWith(QStringLiteral("LIVE · Main reconciled with Binance:")), qPrintable(notice->text()));
        QVERIFY2(notice->text().contains(QStringLiteral("1 adopted")), qPrintable(notice->text()));
        QCOMPARE(notice->details().size(), 1);
        QCOMPARE(notice->details().at(0), QStringLiteral("web-order-1: placed elsewhere (LIMIT BUY 0.001 BTCUSDT), adopted"));
        // AND "Details…" lists that order in a dialog that does not block the terminal
        QTest::mouseClick(notice->detailsButton(), Qt::LeftButton);
        auto* details = w.findChild<QDialog*>(QStringLiteral("TradingReconcileDialog"));
        QVERIFY(details);
        QVERIFY(details->isVisible());
        QVERIFY(!details->isModal());
        auto* list = details->findChild<QListWidget*>(QStringLiteral("TradingReconcileList"));
        QVERIFY(list);
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->text().startsWith(QStringLiteral("web-order-1: placed elsewhere")));
        // AND the adopted order is the account's, open
        trading::Account* account = accounts->account(liveId);
        QVERIFY(account);
        QCOMPARE(account->openOrders().size(), std::size_t{1});
        QCOMPARE(account->openOrders()[0].request.clientOrderId, std::string("web-order-1"));
        details->close();
    }
};

QTEST_MAIN(TradingAccountsTest)
#include "trading_accounts_test.moc"
