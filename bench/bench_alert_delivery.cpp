// Throughput of the alert delivery queue: 2,000 firings of a real rule (BTCUSDT crossing a level
// on the week's 1m closes), each queued to a signed generic webhook, sent through DeliveryQueue
// (SQLite job table in a temporary profile, in-flight mark and outcome per job, HMAC-SHA256
// signature, HTTP/1.1 keep-alive over Qt Network) to a local receiver in the same process that
// answers 200 at once. Measures the time from start() to the last job recorded as sent.
// Prints BENCH alert_delivery.webhook_jobs_per_s <value> jobs/s.
#include "alerts/alertengine.h"
#include "alerts/alertstore.h"
#include "alerts/deliveryqueue.h"
#include "marketdata/csvimport.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>

using namespace kairos;
using namespace kairos::alerts;

namespace {
/// Answers every HTTP/1.1 request with 200 and a small JSON body, keeping connections open.
void serve(QTcpServer& server, int& received) {
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server, &received] {
        while (QTcpSocket* s = server.nextPendingConnection()) {
            QObject::connect(s, &QTcpSocket::readyRead, s, [s, &received] {
                QByteArray buf = s->property("buf").toByteArray() + s->readAll();
                for (;;) {
                    const auto end = buf.indexOf("\r\n\r\n");
                    if (end < 0) break;
                    const auto cl = buf.indexOf("Content-Length:");
                    const qsizetype len =
                        cl >= 0 && cl < end ? buf.mid(cl + 15, buf.indexOf("\r\n", cl) - cl - 15).trimmed().toLongLong() : 0;
                    if (buf.size() < end + 4 + len) break;
                    buf.remove(0, end + 4 + len);
                    ++received;
                    s->write(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"received\":true}");
                }
                s->setProperty("buf", buf);
            });
            QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    });
}
}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    constexpr int kJobs = 2000;
    auto csv =
        marketdata::readBarsCsv(std::string(KAIROS_BENCH_RESOURCES_DATA) + "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv");
    if (!csv || csv->bars.empty()) {
        std::fprintf(stderr, "cannot read the BTCUSDT 1m bars\n");
        return 1;
    }
    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    if (!db) {
        std::fprintf(stderr, "%s\n", db.message().c_str());
        return 1;
    }
    QTcpServer server;
    int received = 0;
    serve(server, received);
    if (!server.listen(QHostAddress::LocalHost, 0)) return 1;

    MemorySecretStore secrets;
    DeliveryQueue queue(**db, secrets);
    ChannelConfig hook;
    hook.kind = ChannelKind::Webhook;
    hook.name = "bench";
    hook.webhookUrl = "http://127.0.0.1:" + std::to_string(server.serverPort()) + "/hook";
    const std::int64_t ch = *queue.store().saveChannel(hook);
    secrets.write(secretKey(ch), "whsec_bench", [](const Status&) {});

    // The firings: the rule crossing its level on the real closes, repeated to kJobs events.
    AlertRule rule;
    rule.instrument = {"BINANCE", "BTCUSDT"};
    rule.condition = Condition::CrossesAbove;
    rule.level = *parseLevel("107000.25", 2);
    rule.trigger = Trigger::EveryTime;
    rule.cooldownMs = 0;
    rule.channelIds = {ch};
    AlertStore store(**db);
    rule.id = *store.save(rule);
    AlertEngine engine;
    (void)engine.setRule(rule);
    std::vector<AlertEvent> events;
    for (std::int64_t round = 0; static_cast<int>(events.size()) < kJobs; ++round)
        for (const Bar& b : csv->bars) {
            for (const AlertEvent& e : engine.onPrice(rule.instrument, b.openTimeMs + 60'000 + round * 7 * 86'400'000LL, b.close))
                if (static_cast<int>(events.size()) < kJobs) events.push_back(e);
        }
    for (const AlertEvent& e : events)
        if (auto st = store.record({e}, {*engine.rule(rule.id)}); !st) {
            std::fprintf(stderr, "%s\n", st.message().c_str());
            return 1;
        }

    int sent = 0;
    QObject::connect(&queue, &DeliveryQueue::jobChanged, &app, [&](qint64 id) {
        if (auto j = queue.store().job(id); j && j->status == DeliveryStatus::Sent && ++sent == kJobs) app.quit();
    });
    const auto t0 = std::chrono::steady_clock::now();
    if (auto st = queue.start(); !st) return 1;
    app.exec();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (received != kJobs) {
        std::fprintf(stderr, "receiver got %d requests for %d jobs\n", received, kJobs);
        return 1;
    }
    std::printf("BENCH alert_delivery.webhook_jobs_per_s %.0f jobs/s\n", kJobs / seconds);
    return 0;
}
