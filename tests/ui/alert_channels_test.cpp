// The alert UI's delivery parts: the channels dialog (Send test shows the server's answer; the
// secret goes to the secret store, never to the profile), the alert dialog's channel choice and
// live template preview, and the Alerts log's per-channel delivery status. Against the local
// Telegram/webhook stand-in (tests/support/fakechat.h). With KAIROS_TEST_SCREENSHOTS=<folder> it grabs both dialogs to PNGs.
#include "alertchannelsdialog.h"
#include "alertdialog.h"
#include "alertswidget.h"

#include "alerts/alertengine.h"
#include "alerts/alertstore.h"
#include "alerts/deliveryqueue.h"
#include "fakechat.h"
#include "fakeservers.h"
#include "marketdata/csvimport.h"
#include "session/alertservice.h"
#include "storage/database.h"
#include "testdata.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>

using namespace kairos;

namespace {
constexpr const char* kToken = "7012345678:AAH-ui-test-token";

std::unique_ptr<storage::Database> openDb(const std::string& dir) {
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    return db.ok() ? std::move(*db) : nullptr;
}

/// Saves a grab of `w` for a look when KAIROS_TEST_SCREENSHOTS names a folder (not in normal runs).
void saveGrab(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("KAIROS_TEST_SCREENSHOTS");
    if (!dir.isEmpty()) QVERIFY(w.grab().save(dir + "/" + name));
}
}  // namespace

class AlertChannelsTest : public QObject {
    Q_OBJECT
private slots:
    void sendTestShowsTheServersAnswerAndSaveKeepsTheSecretOutOfTheProfile() {
        // GIVEN the channels dialog on an empty profile and a local Bot API
        test::FakeChatServer server;
        QVERIFY(server.listen());
        const std::string dir = test::tempDir();
        auto db = openDb(dir);
        QVERIFY(db);
        alerts::MemorySecretStore secrets;
        alerts::DeliveryQueue queue(*db, secrets);
        ui::AlertChannelsDialog dlg(queue);
        // WHEN a Telegram channel is typed in and tested
        dlg.kindBox()->setCurrentIndex(dlg.kindBox()->findData(static_cast<int>(alerts::ChannelKind::Telegram)));
        dlg.nameEdit()->setText("Phone");
        dlg.apiBaseEdit()->setText(server.url().toString());  // the local Bot API instead of api.telegram.org
        dlg.chatEdit()->setText("-1001234567890");
        QVERIFY(!dlg.testButton()->isEnabled());  // no token yet
        dlg.secretEdit()->setText(kToken);
        QVERIFY(dlg.testButton()->isEnabled());
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        saveGrab(dlg, "alert_channels_dialog.png");
        dlg.testButton()->click();
        // THEN the server's answer is shown, and the request went to the Bot API with the token
        QTRY_VERIFY_WITH_TIMEOUT(dlg.resultLabel()->text().startsWith("Sent."), 30'000);
        QCOMPARE(dlg.resultLabel()->text(), QString("Sent. The server answered: HTTP 200: message 1"));
        QCOMPARE(server.requests().at(0).path, QString("/bot") + kToken + "/sendMessage");
        // A refused token shows the server's reason.
        server.queue(test::ChatReply::json(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
        dlg.testButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dlg.resultLabel()->text().startsWith("Not sent"), 30'000);
        QCOMPARE(dlg.resultLabel()->text(), QString("Not sent: HTTP 401: Unauthorized"));
        // WHEN saved THEN the channel is in the profile and its token only in the secret store
        dlg.saveButton()->click();
        auto channels = queue.store().channels();
        QVERIFY(channels.ok());
        QCOMPARE(channels->size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(channels->front().chatId), QString("-1001234567890"));
        QCOMPARE(dlg.list()->count(), 1);
        std::optional<std::string> stored;
        secrets.read(alerts::secretKey(channels->front().id), [&](Result<std::string> r) {
            if (r) stored = *r;
        });
        QCOMPARE(QString::fromStdString(stored.value_or("")), QString(kToken));
        db.reset();
        QFile file(QString::fromStdString(dir) + "/kairos.sqlite");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(kToken));
    }

    void alertDialogChoosesChannelsAndPreviewsTheTemplate() {
        alerts::ChannelConfig phone;
        phone.id = 3;
        phone.kind = alerts::ChannelKind::Telegram;
        phone.name = "Phone";
        phone.chatId = "-100";
        alerts::ChannelConfig hook;
        hook.id = 7;
        hook.kind = alerts::ChannelKind::Webhook;
        hook.name = "Bot";
        hook.webhookUrl = "https://example.com/h";
        const InstrumentId btc{"BINANCE", "BTCUSDT"};
        ui::AlertDialog dlg(btc, *alerts::parseLevel("104250.10", 2), 2);
        dlg.setChannels({phone, hook});
        dlg.levelEdit()->setText("105000");
        dlg.messageEdit()->setText("take profit");
        QVERIFY(dlg.channelBox(7));
        dlg.channelBox(7)->setChecked(true);
        // The default template's preview, then a typed one, live.
        QVERIFY(dlg.previewLabel()->text().startsWith("BINANCE:BTCUSDT crosses above 105000.00 (price 104250.10, "));
        dlg.templateEdit()->setText("{symbol} {condition} at {price} on {timeframe}: {note}");
        QCOMPARE(dlg.previewLabel()->text(), QString("BINANCE:BTCUSDT crosses above 105000.00 at 104250.10 on 1h: take profit"));
        auto rule = dlg.rule();
        QVERIFY(rule.ok());
        QCOMPARE(rule->channelIds, std::vector<std::int64_t>{7});
        QCOMPARE(QString::fromStdString(rule->messageTemplate),
                 QString("{symbol} {condition} at {price} on {timeframe}: {note}"));
        // Editing a rule checks its channels.
        alerts::AlertRule edited = *rule;
        edited.id = 12;
        edited.channelIds = {3};
        ui::AlertDialog again(btc, std::nullopt, 2);
        again.setChannels({phone, hook});
        again.setRule(edited);
        QVERIFY(again.channelBox(3)->isChecked());
        QVERIFY(!again.channelBox(7)->isChecked());
        dlg.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dlg));
        saveGrab(dlg, "alert_dialog_channels.png");
    }

    void alertsLogShowsEachChannelsStatus() {
        // GIVEN a stored firing of a real rule (BTCUSDT 1m closes) sent to a webhook that fails with 500
        test::FakeChatServer server;
        QVERIFY(server.listen());
        server.queue(test::ChatReply::json(500, "receiver is down"));
        const std::string dir = test::tempDir();
        auto db = openDb(dir);
        QVERIFY(db);
        alerts::MemorySecretStore secrets;
        alerts::DeliveryQueue queue(*db, secrets);
        alerts::ChannelConfig hook;
        hook.kind = alerts::ChannelKind::Webhook;
        hook.name = "Bot";
        hook.webhookUrl = server.url().toString().toStdString() + "/hook";
        const std::int64_t ch = *queue.store().saveChannel(hook);
        secrets.write(alerts::secretKey(ch), "whsec_ui", [](const Status&) {});
        auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
        QVERIFY(csv.ok());
        session::AlertService center(db.get(), {});
        alerts::AlertRule rule;
        rule.instrument = {"BINANCE", "BTCUSDT"};
        rule.condition = alerts::Condition::CrossesAbove;
        rule.level = *alerts::parseLevel("107000.25", 2);
        rule.channelIds = {ch};
        QVERIFY(center.addRule(rule).ok());
        for (const Bar& b : csv->bars) {
            Trade t;
            t.timeMs = b.openTimeMs + 60'000;
            t.price = b.close;
            center.onTrade(rule.instrument, t);
        }
        QVERIFY(!center.log().empty());
        ui::AlertsWidget panel(center);
        QAbstractItemModelTester tester(panel.logModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.setDeliveryQueue(&queue);
        QVERIFY(panel.channelsButton()->isEnabled());
        const QModelIndex cell = panel.logModel()->index(0, ui::AlertLogModel::Delivery);
        QCOMPARE(cell.data().toString(), QString("Bot: queued"));
        // WHEN the queue sends and the receiver answers 500
        QVERIFY(queue.start().ok());
        // THEN the log says it is retrying, when, and why
        QTRY_VERIFY_WITH_TIMEOUT(cell.data().toString().startsWith("Bot: retrying (next attempt at "), 30'000);
        QVERIFY(cell.data().toString().endsWith("): HTTP 500: receiver is down"));
    }
};

QTEST_MAIN(AlertChannelsTest)
#include "alert_channels_test.moc"
