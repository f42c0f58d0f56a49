// Fault injection, process (issue 12): paper trading SIGKILLed in the middle of its orders' lives.
// A child process (this executable again) trades on the profile against the replay of real
// BTCUSDT 1h bars (market orders both ways, resting limits with stop-loss/take-profit brackets,
// cancels) and prints every fill and order change the venue announces. The parent kills it with
// SIGKILL at a different point each round, restarts it on the same profile, and checks after each
// kill: the database is intact; every announced fill and final order state is stored as announced;
// no fill is stored twice and none belongs to an unknown order; each order's filled quantity and
// fees are the sum of its fills; cash and positions equal the fills; the next ids are past every
// stored one, so a restarted venue never reuses one.
#include "marketdata/replayfeed.h"
#include "storage/database.h"
#include "storage/sqlite.h"
#include "trading/papervenue.h"
#include "trading/paperstore.h"
#include "tradingfixtures.h"

#include <QCoreApplication>
#include <QProcess>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace kairos::trading {
namespace {

using namespace kairos::trading::test;

constexpr const char* kChildEnv = "KAIROS_PAPER_KILL_CHILD";
constexpr const char* kStartEnv = "KAIROS_PAPER_KILL_START";

int statusCode(OrderStatus s) { return static_cast<int>(s); }

// Child half of KilledMidOrderLeavesAConsistentAccount: runs only when the parent starts this
// executable with KAIROS_PAPER_KILL_CHILD set; otherwise it returns at once (a pass).
TEST(PaperKill, ChildProcessTradesUntilKilled) {
    const QByteArray dir = qgetenv(kChildEnv);
    if (dir.isEmpty()) return;
    const auto start = static_cast<std::size_t>(qgetenv(kStartEnv).toLongLong());
    const auto& all = btcHourBars();
    ASSERT_LT(start + 2000, all.size());
    const std::vector<Bar> bars(all.begin() + static_cast<std::ptrdiff_t>(start),
                                all.begin() + static_cast<std::ptrdiff_t>(start + 2000));
    auto db = storage::Database::openProfile(QString::fromLocal8Bit(dir));
    ASSERT_TRUE(db.ok()) << db.message();
    marketdata::ReplayFeed feed;
    PaperAccount paper(db->get(), PaperSettings{});
    Account& venue = paper.account();
    paperOnReplay(paper, feed, bars);
    // What the venue announces (it journals each batch before): one line each, flushed at once.
    QObject::connect(&venue, &Account::filled, [](const Fill& f) {
        std::printf("fill %llu %llu %s %s %s\n", static_cast<unsigned long long>(f.fillId),
                    static_cast<unsigned long long>(f.orderId), f.price.toString().c_str(), f.quantity.toString().c_str(),
                    f.fee.toString().c_str());
        std::fflush(stdout);
    });
    QObject::connect(&venue, &Account::orderUpdated, [](const Order& o) {
        std::printf("order %llu %d %s\n", static_cast<unsigned long long>(o.id), statusCode(o.status),
                    o.filledQuantity.toString().c_str());
        std::fflush(stdout);
    });
    ASSERT_TRUE(venue.open().ok()) << venue.storageError().toStdString();
    for (std::size_t i = 0; i < bars.size(); ++i) {
        feed.advanceTo(bars[i].openTimeMs);  // resting orders meet the bar's open
        venue.submit(request(i % 2 ? Side::Sell : Side::Buy, OrderType::Market, "0.01000"));
        // A limit 1 % under the open with a bracket 3 % below and 2 % above it.
        const Price open = *bars[i].open.rescaled(2, RoundingMode::HalfEven);
        auto limit = request(Side::Buy, OrderType::Limit, "0.00200");
        limit.limitPrice = *open.mulInt(99)->divInt(100, 2, RoundingMode::HalfEven);
        limit.bracket.stopLoss = *open.mulInt(96)->divInt(100, 2, RoundingMode::HalfEven);
        limit.bracket.takeProfit = *open.mulInt(101)->divInt(100, 2, RoundingMode::HalfEven);
        venue.submit(limit);
        if (i % 3 == 2) {
            const auto open = venue.openOrders();
            if (!open.empty()) (void)venue.cancel(open.front().id);
        }
        feed.advanceTo(bars[i].openTimeMs + 3'600'000 - 1);  // the rest of the bar
    }
    ADD_FAILURE() << "the parent never killed this process";
}

struct Announced {
    std::map<std::uint64_t, std::vector<std::string>> fills;  // fill id -> order id, price, quantity, fee
    std::map<OrderId, std::pair<int, std::string>> orders;    // last announced status and filled quantity
};

/// Runs the child from replay bar `start` and SIGKILLs it once it has announced `killAfterFills`
/// fills (it goes on trading until the signal lands). Collects what it announced.
void runAndKill(const std::string& dir, std::size_t start, int killAfterFills, Announced& seen) {
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kChildEnv), QString::fromStdString(dir));
    env.insert(QString::fromLatin1(kStartEnv), QString::number(start));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--gtest_filter=PaperKill.ChildProcessTradesUntilKilled")});
    ASSERT_TRUE(child.waitForStarted());
    QByteArray pending;
    int fills = 0;
    auto parse = [&](bool onlyWhole) {
        for (;;) {
            const auto eol = pending.indexOf('\n');
            if (eol < 0) {
                if (!onlyWhole) pending.clear();  // a line cut by the kill: not announced in full
                return;
            }
            const QList<QByteArray> w = pending.left(eol).split(' ');
            pending.remove(0, eol + 1);
            if (w.size() == 6 && w[0] == "fill") {
                seen.fills[w[1].toULongLong()] = {w[2].toStdString(), w[3].toStdString(), w[4].toStdString(), w[5].toStdString()};
                ++fills;
            } else if (w.size() == 4 && w[0] == "order") {
                seen.orders[w[1].toULongLong()] = {w[2].toInt(), w[3].toStdString()};
            }
        }
    };
    while (fills < killAfterFills && child.waitForReadyRead(60'000)) {
        pending += child.readAllStandardOutput();
        parse(true);
    }
    ASSERT_GE(fills, killAfterFills) << child.readAllStandardError().toStdString();
    child.kill();  // SIGKILL: no destructor, no rollback
    ASSERT_TRUE(child.waitForFinished());
    EXPECT_EQ(child.exitStatus(), QProcess::CrashExit);
    pending += child.readAllStandardOutput();  // announced before the signal landed
    parse(false);
}

/// The state a killed child left: consistent, and holding everything it announced.
void expectConsistent(const std::string& dir, const Announced& seen) {
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    ASSERT_TRUE(db.ok()) << db.message();
    auto check = storage::sql::queryText((*db)->handle(), "PRAGMA integrity_check");
    ASSERT_TRUE(check.ok()) << check.message();
    EXPECT_EQ(*check, "ok");
    auto snap = PaperStore(**db).load();
    ASSERT_TRUE(snap.ok()) << snap.message();
    ASSERT_TRUE(snap->exists);

    std::map<OrderId, const Order*> orders;
    for (const Order& o : snap->orders) {
        EXPECT_TRUE(orders.emplace(o.id, &o).second) << "order " << o.id << " stored twice";
        EXPECT_LT(o.id, snap->nextOrderId) << "a restarted venue would reuse order id " << o.id;
    }
    // Fills: unique, of known orders, and each order's totals are its fills'.
    std::set<std::uint64_t> fillIds;
    std::map<OrderId, std::pair<Quantity, Money>> sums;
    Money buys = Money::fromRaw(0, 0);
    Money sells = Money::fromRaw(0, 0);
    Money fees = Money::fromRaw(0, 0);
    Quantity position = Quantity::fromRaw(0, 0);
    for (const Fill& f : snap->fills) {
        EXPECT_TRUE(fillIds.insert(f.fillId).second) << "fill " << f.fillId << " stored twice";
        EXPECT_LT(f.fillId, snap->nextFillId) << "a restarted venue would reuse fill id " << f.fillId;
        ASSERT_TRUE(orders.count(f.orderId)) << "fill " << f.fillId << " of unknown order " << f.orderId;
        auto& [q, fee] = sums.try_emplace(f.orderId, Quantity::fromRaw(0, 0), Money::fromRaw(0, 0)).first->second;
        q = *q.add(f.quantity);
        fee = *fee.add(f.fee);
        const Money value = *notional(f.price, f.quantity, f.price.scale() + f.quantity.scale(), RoundingMode::Exact);
        Money& side = f.side == Side::Buy ? buys : sells;
        side = *side.add(value);
        fees = *fees.add(f.fee);
        position = f.side == Side::Buy ? *position.add(f.quantity) : *position.sub(f.quantity);
    }
    for (const Order& o : snap->orders) {
        const auto it = sums.find(o.id);
        const Quantity filled = it == sums.end() ? Quantity::fromRaw(0, 0) : it->second.first;
        const Money paid = it == sums.end() ? Money::fromRaw(0, 0) : it->second.second;
        EXPECT_EQ(o.filledQuantity, filled) << "order " << o.id;
        EXPECT_EQ(o.feesPaid, paid) << "order " << o.id;
        if (o.status == OrderStatus::Filled) {
            EXPECT_EQ(o.filledQuantity, o.request.quantity) << "order " << o.id;
        }
    }
    // Everything announced is stored as announced (a kill may only lose what nobody was told).
    for (const auto& [id, f] : seen.fills) {
        const std::uint64_t fillId = id;  // (a structured binding cannot be captured before C++20 compilers caught up)
        const auto it = std::find_if(snap->fills.begin(), snap->fills.end(), [&](const Fill& s) { return s.fillId == fillId; });
        ASSERT_NE(it, snap->fills.end()) << "announced fill " << id << " is not stored";
        EXPECT_EQ(std::to_string(it->orderId), f[0]);
        EXPECT_EQ(it->price.toString(), f[1]);
        EXPECT_EQ(it->quantity.toString(), f[2]);
        EXPECT_EQ(it->fee.toString(), f[3]);
    }
    for (const auto& [id, state] : seen.orders) {
        ASSERT_TRUE(orders.count(id)) << "announced order " << id << " is not stored";
        const Order& o = *orders[id];
        const auto announced = static_cast<OrderStatus>(state.first);
        const bool final =
            announced == OrderStatus::Filled || announced == OrderStatus::Cancelled || announced == OrderStatus::Rejected;
        if (final) {
            EXPECT_EQ(statusCode(o.status), state.first) << "order " << id;
            EXPECT_EQ(o.filledQuantity.toString(), state.second) << "order " << id;
        } else {
            EXPECT_GE(o.filledQuantity, *Quantity::parse(state.second)) << "order " << id;  // it may have moved on unannounced
        }
    }
    // Cash and position are the fills, computed here apart from the ledger.
    auto ledger = snap->portfolio();
    ASSERT_TRUE(ledger.ok()) << ledger.message();
    const Money cash = *snap->startingCash.sub(buys)->add(sells)->sub(fees);
    EXPECT_EQ(ledger->cash(), cash);
    EXPECT_EQ(ledger->feesPaid(), fees);
    const Position* p = ledger->position(btcusdt().id);
    EXPECT_EQ(p ? p->quantity : Quantity::fromRaw(0, 0), position);
}

TEST(PaperKill, KilledMidOrderLeavesAConsistentAccount) {
    const std::string dir = kairos::test::tempDir();
    Announced seen;
    // Five lives of the terminal, each killed at another point, later in the real hours each time.
    for (int round = 0; round < 5; ++round) {
        runAndKill(dir, 100 + static_cast<std::size_t>(round) * 2500, 20 + 11 * round, seen);
        ASSERT_FALSE(HasFatalFailure()) << "round " << round;
        expectConsistent(dir, seen);
        ASSERT_FALSE(HasFatalFailure()) << "round " << round;
    }
    EXPECT_GE(seen.fills.size(), 150u);
    // A venue opened on what the kills left runs on: its open orders are the stored open ones.
    auto db = storage::Database::openProfile(QString::fromStdString(dir));
    ASSERT_TRUE(db.ok());
    PaperAccount paper(db->get(), PaperSettings{});
    Account& venue = paper.account();
    ASSERT_TRUE(venue.open().ok()) << venue.storageError().toStdString();
    auto snap = PaperStore(**db).load();
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ(venue.openOrders().size(), snap->openOrders().size());
    EXPECT_EQ(venue.fills().size(), snap->fills.size());
    EXPECT_EQ(venue.portfolio().cash(), snap->portfolio()->cash());
}

}  // namespace
}  // namespace kairos::trading
