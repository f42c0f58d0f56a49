// Order round trip of a live account on loopback: Account::submit → OrderGateway (a pre-trade
// check) → LiveVenue (journal write of the sending order in a temporary profile's SQLite, signed
// REST request through libcurl) → the local Binance trading server (tests/support) →
// executionReport over the WebSocket user data stream → LiveVenue → Account (journal transaction,
// ledger) → the Filled event. 300 market orders of 0.001 BTC, buys and sells alternating, one at a
// time, at a real BTCUSDT close.
// The server runs on its own thread (its own QThread and event loop), as a remote exchange would:
// the terminal's thread does not spend the server's handling time, so the figures are the
// terminal's path plus loopback. The server measures its own handling of each request and WebSocket
// message (FakeBinanceTrading::busyNanos(): the trading logic, the answer and the events it sends;
// not the HTTP parsing of tests/support/fakeservers), and the _excl_server figures subtract it.
// Prints BENCH live_order_roundtrip_p50 / _p99, live_order_roundtrip_excl_server_p50 / _p99 (µs)
// and live_orders_per_s.
#include "fakebinancetrading.h"
#include "live/livevenue.h"
#include "storage/database.h"
#include "trading/account.h"
#include "trading/paperstore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

using namespace kairos;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    constexpr int kOrders = 300;
    constexpr int kWarmUp = 20;
    const QByteArray key = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const QByteArray secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    QFile csv(QStringLiteral(KAIROS_BENCH_RESOURCES_DATA "/binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv"));
    if (!csv.open(QIODevice::ReadOnly)) return 1;
    csv.readLine();
    const QString close = QString::fromLatin1(csv.readLine().trimmed().split(',').value(4));

    // The server lives on its own thread: created, configured and destroyed there.
    QThread serverThread;
    serverThread.setObjectName(QStringLiteral("fake-binance"));
    QObject serverContext;
    serverContext.moveToThread(&serverThread);
    serverThread.start();
    std::unique_ptr<test::FakeBinanceTrading> server;
    bool listening = false;
    QUrl restUrl;
    QUrl wsApiUrl;
    QMetaObject::invokeMethod(
        &serverContext,
        [&] {
            server = std::make_unique<test::FakeBinanceTrading>(key, secret);
            listening = server->listen();
            server->addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
            server->setBalance(QStringLiteral("USDT"), *test::parseUnits(QStringLiteral("100000")));
            server->setBalance(QStringLiteral("BTC"), *test::parseUnits(QStringLiteral("1")));
            server->setLastPrice(QStringLiteral("BTCUSDT"), *test::parseUnits(close));
            server->setOrderLimitPer10s(1'000'000);
            restUrl = server->restUrl();
            wsApiUrl = server->wsApiUrl();
        },
        Qt::BlockingQueuedConnection);
    auto stopServer = [&] {
        QMetaObject::invokeMethod(
            &serverContext, [&] { server.reset(); }, Qt::BlockingQueuedConnection);
        serverThread.quit();
        serverThread.wait();
    };
    if (!listening) {
        stopServer();
        return 1;
    }

    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    if (!db) {
        stopServer();
        return 1;
    }
    trading::AccountInfo info{0, "BENCH TESTNET", trading::AccountKind::Testnet, "BINANCE"};
    auto added = trading::PaperStore::addAccount(**db, info, *Money::parse("100000"), 0);
    if (!added) {
        stopServer();
        return 1;
    }
    trading::PaperStore store(**db, *added);
    trading::WallClock clock;
    live::LiveVenue::Options o;
    o.endpoints = {restUrl, wsApiUrl};
    o.orderLimit10s = 1'000'000;  // the local server's limit too: measure the path, not Binance's budget
    live::LiveVenue venue(o, live::BinanceCredentials{key.toStdString(), secret.toStdString()}, clock);
    venue.setJournal(&store);
    trading::Account account(*added, venue, clock, &store, *Money::parse("100000"));
    account.gateway().addCheck(trading::maxOrderNotionalCheck(*Money::parse("1000")));
    if (!account.open()) {
        stopServer();
        return 1;
    }

    {
        QEventLoop ready;
        QTimer::singleShot(30'000, &ready, &QEventLoop::quit);
        QObject::connect(&venue, &live::LiveVenue::ready, &ready, &QEventLoop::quit);
        venue.start();
        ready.exec();
    }
    if (!venue.isReady()) {
        std::fprintf(stderr, "the venue did not become ready\n");
        stopServer();
        return 1;
    }

    QEventLoop loop;
    bool filled = false;
    std::string reason;
    account.addObserver([&](const trading::OrderEvent& e) {
        if (e.kind == trading::OrderEventKind::Filled || e.kind == trading::OrderEventKind::Rejected) {
            filled = e.kind == trading::OrderEventKind::Filled;
            reason = e.order.rejectReason;
            loop.quit();
        }
    });
    std::vector<double> us;
    std::vector<double> usTerminal;  // minus the server's own handling time of that order
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kOrders + kWarmUp; ++i) {
        trading::OrderRequest r;
        r.instrument = {"BINANCE", "BTCUSDT"};
        r.side = i % 2 == 0 ? Side::Buy : Side::Sell;
        r.type = trading::OrderType::Market;
        r.quantity = *Quantity::parse("0.001");
        filled = false;
        const std::int64_t busy0 = server->busyNanos();
        const auto t0 = std::chrono::steady_clock::now();
        account.submit(r);
        // A fill that never comes is reported, not waited for forever.
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
            reason = "no fill or rejection within 10 s";
            loop.quit();
        });
        timeout.start(10'000);
        if (!filled) loop.exec();
        const auto t1 = std::chrono::steady_clock::now();
        if (!filled) {
            std::fprintf(stderr, "order %d was not filled: %s\n", i, reason.c_str());
            stopServer();
            return 1;
        }
        if (i >= kWarmUp) {
            const double total = std::chrono::duration<double, std::micro>(t1 - t0).count();
            us.push_back(total);
            usTerminal.push_back(total - static_cast<double>(server->busyNanos() - busy0) / 1000.0);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    venue.stop();
    stopServer();
    std::sort(us.begin(), us.end());
    std::sort(usTerminal.begin(), usTerminal.end());
    auto pct = [](const std::vector<double>& v, double p) {
        return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
    };
    std::printf("BENCH live_order_roundtrip_p50 %.0f us\n", pct(us, 0.50));
    std::printf("BENCH live_order_roundtrip_p99 %.0f us\n", pct(us, 0.99));
    std::printf("BENCH live_order_roundtrip_excl_server_p50 %.0f us\n", pct(usTerminal, 0.50));
    std::printf("BENCH live_order_roundtrip_excl_server_p99 %.0f us\n", pct(usTerminal, 0.99));
    std::printf("BENCH live_orders_per_s %.0f orders/s\n", (kOrders + kWarmUp) / seconds);
    return 0;
}
