// Order round trip of a live account on loopback: Account::submit → OrderGateway (a pre-trade
// check) → LiveVenue (journal write of the sending order in a temporary profile's SQLite, signed
// REST request through libcurl) → the local Binance trading server (tests/support, same process
// and thread, so its own handling time is included) → executionReport over the WebSocket user data
// stream → LiveVenue → Account (journal transaction, ledger) → the Filled event. 300 market orders
// of 0.001 BTC, buys and sells alternating, one at a time, at a real BTCUSDT close.
// Prints BENCH live_order_roundtrip_p50 / _p99 (µs) and live_orders_per_s.
#include "fakebinancetrading.h"
#include "live/livevenue.h"
#include "storage/database.h"
#include "trading/account.h"
#include "trading/paperstore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
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

    test::FakeBinanceTrading fake(key, secret);
    if (!fake.listen()) return 1;
    fake.addSymbol({QStringLiteral("BTCUSDT"), QStringLiteral("BTC"), QStringLiteral("USDT")});
    fake.setBalance(QStringLiteral("USDT"), *test::parseUnits(QStringLiteral("100000")));
    fake.setBalance(QStringLiteral("BTC"), *test::parseUnits(QStringLiteral("1")));
    fake.setLastPrice(QStringLiteral("BTCUSDT"), *test::parseUnits(close));
    fake.setOrderLimitPer10s(1'000'000);

    QTemporaryDir dir;
    auto db = storage::Database::openProfile(dir.path());
    if (!db) return 1;
    trading::AccountInfo info{0, "BENCH TESTNET", trading::AccountKind::Testnet, "BINANCE"};
    auto added = trading::PaperStore::addAccount(**db, info, *Money::parse("100000"), 0);
    if (!added) return 1;
    trading::PaperStore store(**db, *added);
    trading::WallClock clock;
    live::LiveVenue::Options o;
    o.endpoints = {fake.restUrl(), fake.wsApiUrl()};
    o.orderLimit10s = 1'000'000;  // the local server's limit too: measure the path, not Binance's budget
    live::LiveVenue venue(o, live::BinanceCredentials{key.toStdString(), secret.toStdString()}, clock);
    venue.setJournal(&store);
    trading::Account account(*added, venue, clock, &store, *Money::parse("100000"));
    account.gateway().addCheck(trading::maxOrderNotionalCheck(*Money::parse("1000")));
    if (!account.open()) return 1;

    {
        QEventLoop ready;
        QTimer::singleShot(30'000, &ready, &QEventLoop::quit);
        QObject::connect(&venue, &live::LiveVenue::ready, &ready, &QEventLoop::quit);
        venue.start();
        ready.exec();
    }
    if (!venue.isReady()) {
        std::fprintf(stderr, "the venue did not become ready\n");
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
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kOrders + kWarmUp; ++i) {
        trading::OrderRequest r;
        r.instrument = {"BINANCE", "BTCUSDT"};
        r.side = i % 2 == 0 ? Side::Buy : Side::Sell;
        r.type = trading::OrderType::Market;
        r.quantity = *Quantity::parse("0.001");
        filled = false;
        const auto t0 = std::chrono::steady_clock::now();
        account.submit(r);
        if (!filled) loop.exec();
        const auto t1 = std::chrono::steady_clock::now();
        if (!filled) {
            std::fprintf(stderr, "order %d was not filled: %s\n", i, reason.c_str());
            return 1;
        }
        if (i >= kWarmUp) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::sort(us.begin(), us.end());
    auto pct = [&us](double p) { return us[static_cast<std::size_t>(p * static_cast<double>(us.size() - 1))]; };
    std::printf("BENCH live_order_roundtrip_p50 %.0f us\n", pct(0.50));
    std::printf("BENCH live_order_roundtrip_p99 %.0f us\n", pct(0.99));
    std::printf("BENCH live_orders_per_s %.0f orders/s\n", (kOrders + kWarmUp) / seconds);
    return 0;
}
