// The server side of the alert channels dialog and of the Alerts log, against a real kairosd
// started by the test (tests/core/cloud/localkairosd.h) with a local Binance serving real BTCUSDT
// hours and local webhook receivers: the "Server" section lists, adds, edits, deletes and tests the
// account's channels on kairosd (the secret is sent once, never shown back), and the log shows each
// server channel's delivery of a server firing: sent, retrying (next attempt at …) with the
// receiver's answer, failed with the reason. Offscreen.

#include "../core/cloud/localkairosd.h"
#include "alertchannelsdialog.h"
#include "alertswidget.h"

#include "alerts/deliveryqueue.h"
#include "alerts/secretstore.h"
#include "cloud/cloudclient.h"
#include "session/alertservice.h"
#include "storage/database.h"
#include "sync/alertrulesource.h"

#include "fakebinance.h"
#include "fakeservers.h"
#include "testdata.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QTimer>
#include <QtTest>

#include <atomic>

using namespace kairos;

namespace {

const QString kPassword = QStringLiteral("correct horse battery staple");
const QString kSecret = QStringLiteral("whsec-ui-server-7d1e");
const QString kKeyHex = QStringLiteral("8c1f2a7d4b6e9c0f1a3d5b7e9f2c4a6d8e0b1c3d5f7a9b2c4e6d8f0a1b3c5d7e");

template <class T, class Call>
std::optional<cloud::Outcome<T>> await(Call call) {
    std::optional<cloud::Outcome<T>> out;
    call([&](cloud::Outcome<T> r) { out.emplace(std::move(r)); });
    test::waitUntilTrue([&] { return out.has_value(); });
    return out;
}

}  // namespace

class AlertServerChannelsTest : public QObject {
    Q_OBJECT
private slots:
    void init() {
        m_server = std::make_unique<test::LocalKairosd>();
        m_binance = std::make_unique<test::FakeBinance>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KAIROSD_ALERTS_SECRET_KEY"), kKeyHex);
        env.insert(QStringLiteral("KAIROSD_ALERTS_POLL_MS"), QStringLiteral("100"));
        env.insert(QStringLiteral("KAIROSD_ALERTS_BINANCE_URL"), m_binance->http.url().toString());
        const QString error = m_server->start(env);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_client = std::make_unique<cloud::CloudClient>(m_server->url(), m_keychain);
        // A verified account, signed in
        const QString email = QStringLiteral("desk@example.org");
        auto reg = await<cloud::Done>([&](auto cb) { m_client->registerAccount(email, kPassword, cb); });
        QVERIFY(reg && reg->ok());
        const QString mail = m_server->waitForMail(email, QStringLiteral("Verify your e-mail"));
        QVERIFY(!mail.isEmpty());
        auto ver = await<cloud::Done>([&](auto cb) { m_client->verifyEmailToken(test::LocalKairosd::linkIn(mail), cb); });
        QVERIFY(ver && ver->ok());
        auto in = await<cloud::AccountInfo>([&](auto cb) { m_client->signIn(email, kPassword, {}, cb); });
        QVERIFY(in && in->ok());
    }
    void cleanup() {
        m_client.reset();
        m_server.reset();
        m_binance.reset();
    }

    void theServerSectionAddsTestsEditsAndDeletesTheAccountsChannels() {
        // GIVEN a webhook receiver (answers 200, later 500) and the channels dialog of a signed-in terminal
        test::FakeHttpServer hook;
        QVERIFY(hook.listen());
        std::atomic<int> status{200};
        QList<QByteArray> bodies;
        hook.route(QStringLiteral("/hook"), [&](const test::HttpRequest& req) {
            bodies << req.body;
            return test::HttpReply::json(status == 200 ? "{\"ok\":true}" : "{\"error\":\"receiver down\"}", status);
        });
        auto db = storage::Database::openProfile(QString::fromStdString(test::tempDir()));
        QVERIFY(db.ok());
        alerts::MemorySecretStore secrets;
        alerts::DeliveryQueue queue(**db, secrets);
        ui::AlertChannelsDialog dialog(queue);
        QVERIFY(!dialog.serverSection()->isVisibleTo(&dialog));
        ui::ServerChannelsPanel* panel = dialog.serverPanel();
        QSignalSpy loaded(panel, &ui::ServerChannelsPanel::channelsLoaded);
        dialog.setCloudClient(m_client.get());

        // THEN the Server section is shown and lists no channel yet
        QVERIFY(dialog.serverSection()->isVisibleTo(&dialog));
        QVERIFY(test::waitUntilTrue([&] { return loaded.count() >= 1; }));
        QCOMPARE(panel->list()->count(), 0);
        QVERIFY(!panel->saveButton()->isEnabled());

        // WHEN a webhook channel is entered with its signing secret and saved
        panel->kindBox()->setCurrentIndex(panel->kindBox()->findData(QStringLiteral("webhook")));
        panel->nameEdit()->setText(QStringLiteral("Desk bot"));
        panel->targetEdit()->setText(hook.url().toString() + QStringLiteral("/hook"));
        QVERIFY(!panel->saveButton()->isEnabled());  // a webhook needs its secret
        panel->secretEdit()->setText(kSecret);
        QVERIFY(panel->saveButton()->isEnabled());
        panel->saveButton()->click();

        // THEN it is stored on the server; the secret left the form and is not shown back
        QVERIFY(test::waitUntilTrue([&] { return panel->list()->count() == 1; }));
        QVERIFY(panel->list()->item(0)->text().startsWith(QStringLiteral("Desk bot")));
        QVERIFY(panel->secretEdit()->text().isEmpty());
        QVERIFY2(panel->secretHint()->text().contains(QStringLiteral("stored on the server")),
                 qPrintable(panel->secretHint()->text()));
        auto listed = await<std::vector<cloud::ServerChannelInfo>>([&](auto cb) { m_client->serverAlertChannels(cb); });
        QVERIFY(listed && listed->ok());
        QCOMPARE((*listed)->size(), std::size_t{1});
        QVERIFY((*listed)->front().hasSecret);
        QCOMPARE((*listed)->front().url, hook.url().toString() + QStringLiteral("/hook"));

        // WHEN "Send test" is clicked
        panel->testButton()->click();
        // THEN kairosd sends it to the receiver, signed, and its answer is shown
        QVERIFY(test::waitUntilTrue([&] { return panel->resultLabel()->text().startsWith(QStringLiteral("Sent: ")); }));
        QVERIFY2(panel->resultLabel()->text().contains(QStringLiteral("HTTP 200")), qPrintable(panel->resultLabel()->text()));
        QCOMPARE(bodies.size(), 1);
        // AND when the receiver fails, the failure and its answer are shown
        status = 500;
        panel->testButton()->click();
        QVERIFY(test::waitUntilTrue([&] { return panel->resultLabel()->text().startsWith(QStringLiteral("Failed: ")); }));
        QVERIFY2(panel->resultLabel()->text().contains(QStringLiteral("HTTP 500")), qPrintable(panel->resultLabel()->text()));
        QVERIFY(!panel->resultLabel()->text().contains(kSecret));

        // WHEN it is renamed and switched off without typing the secret again
        loaded.clear();
        panel->nameEdit()->setText(QStringLiteral("Desk bot (night)"));
        panel->enabledBox()->setChecked(false);
        QVERIFY(panel->saveButton()->isEnabled());  // the stored secret is kept
        panel->saveButton()->click();
        QVERIFY(test::waitUntilTrue([&] { return loaded.count() >= 1; }));
        // THEN the server has the new name, off, with its secret still stored
        listed = await<std::vector<cloud::ServerChannelInfo>>([&](auto cb) { m_client->serverAlertChannels(cb); });
        QVERIFY(listed && listed->ok());
        QCOMPARE((*listed)->front().name, QStringLiteral("Desk bot (night)"));
        QVERIFY(!(*listed)->front().enabled);
        QVERIFY((*listed)->front().hasSecret);

        // WHEN it is deleted
        loaded.clear();
        panel->deleteButton()->click();
        QVERIFY(test::waitUntilTrue([&] { return loaded.count() >= 1; }));
        // THEN the server has none
        QCOMPARE(panel->list()->count(), 0);
        listed = await<std::vector<cloud::ServerChannelInfo>>([&](auto cb) { m_client->serverAlertChannels(cb); });
        QVERIFY(listed && listed->ok());
        QVERIFY((*listed)->empty());
    }

    void theLogShowsEachServerChannelsDeliveryOfAServerFiring() {
        // GIVEN three receivers: one answers 200, one 500 (transient), one 400 (permanent)
        test::FakeHttpServer hook;
        QVERIFY(hook.listen());
        hook.route(QStringLiteral("/ok"), [](const test::HttpRequest&) { return test::HttpReply::json("{\"ok\":true}"); });
        hook.route(QStringLiteral("/down"),
                   [](const test::HttpRequest&) { return test::HttpReply::json("{\"error\":\"receiver down\"}", 500); });
        hook.route(QStringLiteral("/bad"),
                   [](const test::HttpRequest&) { return test::HttpReply::json("{\"error\":\"unknown hook\"}", 400); });
        // AND a server channel for each
        for (const QString& path : {QStringLiteral("ok"), QStringLiteral("down"), QStringLiteral("bad")}) {
            cloud::ServerChannelInfo c;
            c.kind = QStringLiteral("webhook");
            c.name = path;
            c.url = hook.url().toString() + QLatin1Char('/') + path;
            auto saved = await<cloud::ServerChannelInfo>([&](auto cb) { m_client->saveServerAlertChannel(c, kSecret, cb); });
            QVERIFY(saved && saved->ok());
        }
        // AND real BTCUSDT hours on the local Binance, 200 of them so far
        const auto bars = test::readKlineCsv(test::realData("candles/binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
        QVERIFY(bars.size() > 210);
        m_binance->setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + 200});

        // AND a rule kept running on the server (price above 1: it fires on the next price), synced
        alerts::AlertRule rule;
        rule.instrument = {"BINANCE", "BTCUSDT"};
        rule.condition = alerts::Condition::GoesAbove;
        rule.level = Price::parse("1").value();
        rule.timeframe = Timeframe::H1;
        rule.trigger = alerts::Trigger::Once;
        rule.server = true;
        auto token = await<QString>([&](auto cb) { m_client->accessToken(cb); });
        QVERIFY(token && token->ok());
        const QJsonObject change{{QStringLiteral("kind"), QStringLiteral("alert_rule")},
                                 {QStringLiteral("id"), QStringLiteral("rule-ui")},
                                 {QStringLiteral("base_revision"), 0},
                                 {QStringLiteral("payload"),
                                  QJsonDocument::fromJson(QByteArray::fromStdString(sync::alertRulePayload(rule))).object()}};
        QNetworkAccessManager net;
        QNetworkRequest req(QUrl(m_server->url().toString() + QStringLiteral("/api/v1/sync/changes")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        req.setRawHeader("Authorization", "Bearer " + (*token)->toUtf8());
        QNetworkReply* reply = net.post(
            req, QJsonDocument(QJsonObject{{QStringLiteral("changes"), QJsonArray{change}}}).toJson(QJsonDocument::Compact));
        QVERIFY(test::waitUntilTrue([&] { return reply->isFinished(); }));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
        // AND kairosd has started the rule on the newest hour (its status says it runs)
        QVERIFY(test::waitUntilTrue([&] {
            auto st = await<cloud::ServerAlertStatus>([&](auto cb) { m_client->serverAlertStatus(cb); });
            return st && st->ok() && (*st)->rulesRunning == 1 && (*st)->lastEvaluationMs > 0;
        }));

        // AND the Alerts log of a terminal signed in to the account
        auto db = storage::Database::openProfile(QString::fromStdString(test::tempDir()));
        QVERIFY(db.ok());
        session::AlertService center(db->get(), {});
        ui::AlertsWidget widget(center);
        QAbstractItemModelTester tester(widget.logModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        widget.setCloudClient(m_client.get());

        // WHEN the next hours arrive at the venue
        m_binance->setKlines(QStringLiteral("BTCUSDT"), Timeframe::H1, {bars.begin(), bars.begin() + 203});

        // THEN the log shows the server firing with each channel's delivery: sent, retrying with the
        // next attempt and the receiver's answer, failed with the reason (read again until all three are known)
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &widget, &ui::AlertsWidget::refreshServerFirings);
        poll.start(200);
        auto deliveryOfFirst = [&] {
            const auto* log = widget.logModel();
            return log->rowCount() > 0 ? log->data(log->index(0, ui::AlertLogModel::Delivery), Qt::ToolTipRole).toString()
                                       : QString();
        };
        QVERIFY2(test::waitUntilTrue([&] {
                     const QString d = deliveryOfFirst();
                     return d.contains(QStringLiteral("ok: sent")) &&
                         d.contains(QStringLiteral("down: retrying (next attempt at ")) &&
                         d.contains(QStringLiteral("bad: failed: "));
                 }),
                 qPrintable(deliveryOfFirst()));
        poll.stop();
        const auto* log = widget.logModel();
        QCOMPARE(log->rowCount(), 1);
        QVERIFY(log->isServerRow(0));
        QCOMPARE(log->data(log->index(0, ui::AlertLogModel::Event), Qt::DisplayRole).toString(),
                 QStringLiteral("fired [server]"));
        QCOMPARE(log->data(log->index(0, ui::AlertLogModel::Price), Qt::DisplayRole).toString(),
                 QString::fromStdString(bars[200].open.toString()));
        const QString d = deliveryOfFirst();
        QVERIFY2(d.contains(QStringLiteral("HTTP 500")) && d.contains(QStringLiteral("receiver down")), qPrintable(d));
        QVERIFY2(d.contains(QStringLiteral("HTTP 400")) && d.contains(QStringLiteral("unknown hook")), qPrintable(d));
        QVERIFY(!d.contains(kSecret));
        // AND the cell itself carries the three lines too
        QCOMPARE(log->data(log->index(0, ui::AlertLogModel::Delivery), Qt::DisplayRole).toString().count(QStringLiteral(" · ")),
                 2);
    }

private:
    alerts::MemorySecretStore m_keychain;
    std::unique_ptr<test::LocalKairosd> m_server;
    std::unique_ptr<test::FakeBinance> m_binance;
    std::unique_ptr<cloud::CloudClient> m_client;
};

QTEST_MAIN(AlertServerChannelsTest)
#include "alert_server_channels_test.moc"
