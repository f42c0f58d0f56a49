// Order round trip of a live account on loopback: Account::submit → OrderGateway (the account's
// RiskManager, every rule on) → LiveVenue (journal write of the sending order in a temporary
// profile's SQLite, signed REST request through libcurl) → the local Binance trading server
// (tests/support) → executionReport over the WebSocket user data stream → LiveVenue → Account
// (journal transaction, ledger) → the Filled event. 300 market orders of 0.001 BTC (after 20 for
// warm-up), buys and sells alternating, one at a time, at a real BTCUSDT close. An optional first
// argument sets the number of measured orders (`bench_live_roundtrip 2000`).
// The server runs on its own thread (its own QThread and event loop), as a remote exchange would:
// the terminal's thread does not spend the server's handling time, so the figures are the
// terminal's path plus loopback. The server measures its own handling of each request and WebSocket
// message (FakeBinanceTrading::busyNanos(): the trading logic, the answer and the events it sends;
// not the HTTP parsing of tests/support/fakeservers), and the _excl_server figures subtract it.
// Prints BENCH live_order_roundtrip_p50 / _p99, live_order_roundtrip_excl_server_p50 / _p99 (µs),
// live_orders_per_s, and the parts of the round trip (p50 / p99, µs):
// - live_risk_check: RiskManager::check of the order;
// - live_journal_before_send: the journal transaction of the sending order (before its request);
// - live_sign_and_hand_off: the rest of submit() (parameters, HMAC signature, hand-off to libcurl);
// - live_rest_answer: hand-off → Binance's REST answer back on the venue's thread;
// - live_stream_trade: hand-off → the TRADE executionReport parsed on the venue's thread;
// - live_fill_apply: the Account's handling of the Filled event (journal transaction, ledger, announce);
// and live_rest_answer_first_pct: the share of orders whose REST answer came before their TRADE event.
#include "fakebinancetrading.h"
#include "live/livevenue.h"
#include "storage/database.h"
#include "trading/account.h"
#include "trading/paperstore.h"
#include "trading/riskmanager.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace kairos;

namespace {

using Clock = std::chrono::steady_clock;

double usBetween(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::micro>(b - a).count(); }

/// The account's journal, timed: each record() call's duration goes to `last`.
class TimedJournal : public trading::IJournal {
public:
    explicit TimedJournal(trading::IJournal& inner) : m_inner(inner) {}
    Result<trading::JournalSnapshot> load() const override { return m_inner.load(); }
    Status createAccount(const Money& startingCash, std::int64_t nowMs) override {
        return m_inner.createAccount(startingCash, nowMs);
    }
    Status record(const trading::OrderEvents& events, trading::OrderId nextOrderId, std::uint64_t nextFillId) override {
        const auto t0 = Clock::now();
        Status s = m_inner.record(events, nextOrderId, nextFillId);
        last = usBetween(t0, Clock::now());
        return s;
    }
    Status reset(const Money& startingCash, std::int64_t nowMs) override { return m_inner.reset(startingCash, nowMs); }

    double last = 0;

private:
    trading::IJournal& m_inner;
};

/// Between the venue and its account: times the account's handling of each batch with a fill.
class TimedListener : public trading::IVenueListener {
public:
    explicit TimedListener(trading::IVenueListener& inner) : m_inner(inner) {}
    void onOrderEvents(const trading::OrderEvents& events) override {
        const auto t0 = Clock::now();
        m_inner.onOrderEvents(events);
        for (const auto& e : events)
            if (e.fill) lastFillApplyUs = usBetween(t0, Clock::now());
    }
    void onPrice(const InstrumentId& instrument, const std::optional<Price>& mark) override { m_inner.onPrice(instrument, mark); }

    double lastFillApplyUs = 0;

private:
    trading::IVenueListener& m_inner;
};

struct Series {
    const char* name;
    std::vector<double> us;
};

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int kOrders = argc > 1 ? std::max(1, std::atoi(argv[1])) : 300;
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
    TimedJournal journal(store);
    trading::WallClock clock;
    live::LiveVenue::Options o;
    o.endpoints = {restUrl, wsApiUrl};
    o.orderLimit10s = 1'000'000;  // the local server's limit too: measure the path, not Binance's budget
    live::LiveVenue venue(o, live::BinanceCredentials{key.toStdString(), secret.toStdString()}, clock);
    venue.setJournal(&journal);
    trading::Account account(*added, venue, clock, &journal, *Money::parse("100000"));
    TimedListener listener(account);
    venue.setListener(&listener);
    trading::RiskLimits limits;
    limits.allowedSymbols = {"ETHUSDT", "BTCUSDT"};
    limits.maxOrdersPerMinute = 1'000'000'000;
    limits.maxOrderValue = *Money::parse("1000");
    limits.maxPositionQuantity = *Quantity::parse("10");
    limits.maxPositionPercent = 100;
    limits.maxOpenPositions = 5;
    limits.maxDailyLoss = *Money::parse("1000");
    trading::RiskManager risk(account, limits);
    double riskUs = 0;
    account.gateway().addCheck([&](const trading::OrderRequest& r, const trading::IVenue& v) {
        const auto t0 = Clock::now();
        Status s = risk.check(r, v);
        riskUs = usBetween(t0, Clock::now());
        return s;
    });
    if (!account.open()) {
        stopServer();
        return 1;
    }
    // Binance's problems and held requests are printed, not swallowed: a stall must say why.
    QObject::connect(&venue, &live::LiveVenue::problem,
                     [](const QString& what) { std::fprintf(stderr, "venue problem: %s\n", qPrintable(what)); });
    QObject::connect(&venue.rest(), &live::BinanceRest::rateLimited, [](qint64 waitMs, const QString& why) {
        std::fprintf(stderr, "rate limited for %lld ms: %s\n", static_cast<long long>(waitMs), qPrintable(why));
    });

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
    venue.updatePrice({"BINANCE", "BTCUSDT"}, *Price::parse(close.toStdString()));

    // Per order (by client order id): when its request left, when the answer and the TRADE event came back.
    struct Times {
        Clock::time_point sent, answered, trade;
        bool isAnswered = false;
        bool isTraded = false;
    };
    std::map<std::string, Times> times;
    std::string current;
    venue.setTrace([&](live::LiveVenue::TracePoint point, const std::string& cid) {
        const auto now = Clock::now();
        Times& t = times[cid];
        switch (point) {
        case live::LiveVenue::TracePoint::Sent:
            t.sent = now;
            current = cid;
            break;
        case live::LiveVenue::TracePoint::Answered:
            t.answered = now;
            t.isAnswered = true;
            break;
        case live::LiveVenue::TracePoint::StreamTrade:
            if (!t.isTraded) t.trade = now;
            t.isTraded = true;
            break;
        }
    });

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
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        reason = "no fill or rejection within 10 s";
        loop.quit();
    });
    std::vector<double> us;
    std::vector<double> usTerminal;  // minus the server's own handling time of that order
    Series riskCheck{"live_risk_check", {}};
    Series journalBeforeSend{"live_journal_before_send", {}};
    Series signAndHandOff{"live_sign_and_hand_off", {}};
    Series restAnswer{"live_rest_answer", {}};
    Series streamTrade{"live_stream_trade", {}};
    Series fillApply{"live_fill_apply", {}};
    int answerFirst = 0;
    std::vector<std::string> measured;
    const auto start = Clock::now();
    for (int i = 0; i < kOrders + kWarmUp; ++i) {
        trading::OrderRequest r;
        r.instrument = {"BINANCE", "BTCUSDT"};
        r.side = i % 2 == 0 ? Side::Buy : Side::Sell;
        r.type = trading::OrderType::Market;
        r.quantity = *Quantity::parse("0.001");
        filled = false;
        const std::int64_t busy0 = server->busyNanos();
        const auto t0 = Clock::now();
        account.submit(r);
        const double journalUs = journal.last;
        const auto submitted = Clock::now();
        // A fill that never comes is reported, not waited for forever.
        timeout.start(10'000);
        if (!filled) loop.exec();
        timeout.stop();
        const auto t1 = Clock::now();
        const Times& t = times[current];
        if (!filled) {
            std::fprintf(stderr,
                         "order %d was not filled: %s (REST answer %s, TRADE event %s; requests in flight %d, used weight "
                         "%d, orders in 10 s %d)\n",
                         i, reason.c_str(), t.isAnswered ? "received" : "not received", t.isTraded ? "received" : "not received",
                         venue.requestsInFlight(), venue.rest().usedWeight1m(), venue.rest().orderCount10s());
            stopServer();
            return 1;
        }
        if (i >= kWarmUp) {
            const double total = usBetween(t0, t1);
            us.push_back(total);
            usTerminal.push_back(total - static_cast<double>(server->busyNanos() - busy0) / 1000.0);
            riskCheck.us.push_back(riskUs);
            journalBeforeSend.us.push_back(journalUs);
            signAndHandOff.us.push_back(usBetween(t0, submitted) - riskUs - journalUs);
            fillApply.us.push_back(listener.lastFillApplyUs);
            measured.push_back(current);
        }
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // Answers that came after their order's fill are still on their way: wait for them.
    {
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (venue.requestsInFlight() == 0) loop.quit();
        });
        poll.start(1);
        timeout.start(10'000);
        loop.exec();
    }
    for (const std::string& cid : measured) {
        const Times& t = times[cid];
        if (t.isAnswered) restAnswer.us.push_back(usBetween(t.sent, t.answered));
        if (t.isTraded) streamTrade.us.push_back(usBetween(t.sent, t.trade));
        if (t.isAnswered && (!t.isTraded || t.answered < t.trade)) ++answerFirst;
    }
    venue.setTrace({});
    venue.stop();
    stopServer();
    std::printf("BENCH live_order_roundtrip_p50 %.0f us\n", pct(us, 0.50));
    std::printf("BENCH live_order_roundtrip_p99 %.0f us\n", pct(us, 0.99));
    std::printf("BENCH live_order_roundtrip_excl_server_p50 %.0f us\n", pct(usTerminal, 0.50));
    std::printf("BENCH live_order_roundtrip_excl_server_p99 %.0f us\n", pct(usTerminal, 0.99));
    std::printf("BENCH live_orders_per_s %.0f orders/s\n", (kOrders + kWarmUp) / seconds);
    for (const Series* s : {&riskCheck, &journalBeforeSend, &signAndHandOff, &restAnswer, &streamTrade, &fillApply}) {
        std::printf("BENCH %s_p50 %.1f us\n", s->name, pct(s->us, 0.50));
        std::printf("BENCH %s_p99 %.1f us\n", s->name, pct(s->us, 0.99));
    }
    std::printf("BENCH live_rest_answer_first_pct %.0f %%\n", 100.0 * answerFirst / kOrders);
    return 0;
}
