// kairos-cli's trading commands on a paper account in a temporary profile: the account the terminal
// creates on a new profile, priced at the newest close of the bundled real BTCUSDT data (Binance's
// 1h candles, last one 2025-09-19 21:00 UTC, close 115613.21), every order through the account's
// risk manager. Exit codes: 0 ok, 1 refused, 2 usage.
#include "trade_support.h"

#include "session/tradingaccounts.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace kairos::test::cli {
namespace {

const char* const kBtc1h = "binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv";

/// A decimal from the JSON output, trimmed ("8842.71176790" -> "8842.7117679").
std::string decimal(const QJsonValue& v) {
    auto m = Money::parse(v.toString().toStdString());
    EXPECT_TRUE(m.ok()) << v.toString().toStdString();
    return m ? m->toTrimmedString() : std::string();
}

TEST(CliTradePaper, AMarketBuyFillsAtTheProfilesLatestCloseAndShowsInPositionsBalancesAndOrders) {
    TempProfile prof;
    const Price close = bundledLastClose(kBtc1h);
    ASSERT_EQ(close.toTrimmedString(), "115613.21");
    // WHEN a market buy is sent on the new profile's paper account
    Cli buy;
    ASSERT_EQ(prof.run(buy, {"order", "--account", "PAPER", "buy", "BTCUSDT", "0.01"}), 0) << buy.err.toStdString();
    // THEN it fills at once at the latest close
    EXPECT_TRUE(buy.out.contains(QStringLiteral("PAPER: order 1 ("))) << buy.out.toStdString();
    EXPECT_TRUE(buy.out.trimmed().endsWith(QStringLiteral("buy 0.01 BTCUSDT market: filled 0.01 at 115613.21")))
        << buy.out.toStdString();
    // AND positions shows it (JSON parsed)
    Cli pos;
    ASSERT_EQ(prof.run(pos, {"positions", "--account", "PAPER", "--json"}), 0) << pos.err.toStdString();
    const QJsonObject pj = pos.json();
    EXPECT_EQ(pj.value("name").toString(), QStringLiteral("PAPER"));
    EXPECT_EQ(pj.value("kind").toString(), QStringLiteral("paper"));
    const QJsonArray positions = pj.value("positions").toArray();
    ASSERT_EQ(positions.size(), 1) << pos.out.toStdString();
    const QJsonObject p0 = positions[0].toObject();
    EXPECT_EQ(p0.value("symbol").toString(), QStringLiteral("BTCUSDT"));
    EXPECT_EQ(p0.value("side").toString(), QStringLiteral("long"));
    EXPECT_EQ(p0.value("quantity").toString(), QStringLiteral("0.01"));
    EXPECT_EQ(decimal(p0.value("average_entry")), close.toTrimmedString());
    // AND the cash paid the notional and the 10 bp taker fee (the paper defaults): 10000 - 1156.1321 - 1.1561321
    Cli bal;
    ASSERT_EQ(prof.run(bal, {"balances", "--account", "PAPER", "--json"}), 0) << bal.err.toStdString();
    EXPECT_EQ(decimal(bal.json().value("cash")), "8842.7117679");
    const QJsonArray balances = bal.json().value("balances").toArray();
    ASSERT_EQ(balances.size(), 1);
    EXPECT_EQ(balances[0].toObject().value("asset").toString(), QStringLiteral("cash"));
    // AND the order is listed with --all, not among the open ones
    Cli open;
    ASSERT_EQ(prof.run(open, {"orders", "--account", "PAPER"}), 0);
    EXPECT_EQ(open.out.trimmed(), QStringLiteral("PAPER: no open orders"));
    Cli all;
    ASSERT_EQ(prof.run(all, {"orders", "--account", "PAPER", "--all", "--json"}), 0);
    const QJsonArray orders = all.json().value("orders").toArray();
    ASSERT_EQ(orders.size(), 1);
    const QJsonObject o = orders[0].toObject();
    EXPECT_EQ(o.value("status").toString(), QStringLiteral("filled"));
    EXPECT_EQ(o.value("side").toString(), QStringLiteral("buy"));
    EXPECT_EQ(o.value("type").toString(), QStringLiteral("market"));
    EXPECT_EQ(o.value("filled").toString(), QStringLiteral("0.01"));
    EXPECT_FALSE(o.value("client_order_id").toString().isEmpty());
    EXPECT_EQ(o.value("origin").toString(), QStringLiteral("manual"));  // sent by hand, not by a strategy
    // AND the text listing is aligned columns under a header
    Cli text;
    ASSERT_EQ(prof.run(text, {"orders", "--account", "PAPER", "--all"}), 0);
    ASSERT_EQ(text.lines().size(), 2) << text.out.toStdString();
    EXPECT_TRUE(text.lines()[0].startsWith(QStringLiteral("ID  CLIENT ID"))) << text.out.toStdString();
    EXPECT_EQ(text.lines()[0].indexOf(QStringLiteral("SYMBOL")), text.lines()[1].indexOf(QStringLiteral("BTCUSDT")));
}

TEST(CliTradePaper, ARestingLimitOrderIsCancelledByIdAndTheAccountsListShowsThePaperAccount) {
    TempProfile prof;
    Cli limit;
    ASSERT_EQ(
        prof.run(limit,
                 {"order", "--account", "paper", "buy", "BTCUSDT", "0.01", "--type", "limit", "--price", "60000", "--json"}),
        0)
        << limit.err.toStdString();
    const QJsonObject placed = limit.json();
    EXPECT_TRUE(placed.value("ok").toBool());
    EXPECT_EQ(placed.value("order").toObject().value("status").toString(), QStringLiteral("accepted"));
    EXPECT_EQ(placed.value("order").toObject().value("price").toString(), QStringLiteral("60000"));
    const QString id = QString::number(placed.value("order").toObject().value("id").toInteger());
    Cli listed;
    ASSERT_EQ(prof.run(listed, {"orders", "--account", "PAPER", "--json"}), 0);
    ASSERT_EQ(listed.json().value("orders").toArray().size(), 1);
    // WHEN it is cancelled by its id
    Cli cancel;
    ASSERT_EQ(prof.run(cancel, {"cancel", "--account", "PAPER", id, "--json"}), 0) << cancel.err.toStdString();
    EXPECT_TRUE(cancel.json().value("ok").toBool());
    EXPECT_EQ(cancel.json().value("orders").toArray()[0].toObject().value("status").toString(), QStringLiteral("cancelled"));
    // THEN no order is open, and cancelling it again is refused
    Cli after;
    ASSERT_EQ(prof.run(after, {"orders", "--account", "PAPER", "--json"}), 0);
    EXPECT_TRUE(after.json().value("orders").toArray().isEmpty());
    Cli again;
    EXPECT_EQ(prof.run(again, {"cancel", "--account", "PAPER", id}), 1);
    EXPECT_TRUE(again.err.contains(QStringLiteral("is already cancelled"))) << again.err.toStdString();
    // AND the accounts list names the paper account with its cash
    Cli accounts;
    ASSERT_EQ(prof.run(accounts, {"accounts", "--json"}), 0) << accounts.err.toStdString();
    const QJsonArray list = accounts.json().value("accounts").toArray();
    ASSERT_EQ(list.size(), 1);
    const QJsonObject a = list[0].toObject();
    EXPECT_EQ(a.value("name").toString(), QStringLiteral("PAPER"));
    EXPECT_EQ(a.value("kind").toString(), QStringLiteral("paper"));
    EXPECT_EQ(a.value("label").toString(), QStringLiteral("PAPER"));
    EXPECT_TRUE(a.value("open").toBool());
    EXPECT_EQ(decimal(a.value("cash")), "10000");
    Cli accountsText;
    ASSERT_EQ(prof.run(accountsText, {"accounts"}), 0);
    ASSERT_EQ(accountsText.lines().size(), 2);
    EXPECT_EQ(accountsText.lines()[1].split(QRegularExpression(QStringLiteral("\\s+"))),
              (QStringList{"PAPER", "PAPER", "PAPER", "open", "cash", "10000"}))
        << accountsText.out.toStdString();
}

TEST(CliTradePaper, TheRiskManagerRefusesAnOrderOverTheAccountsLimitWithItsReasonAndExitCode1) {
    TempProfile prof;
    {
        // GIVEN the paper account (created by a first command) with a limit of 500 per order
        Cli first;
        ASSERT_EQ(prof.run(first, {"accounts"}), 0);
        auto db = storage::Database::openProfile(prof.path());
        ASSERT_TRUE(db.ok()) << db.message();
        session::AccountSettings s;
        s.limits.maxOrderValue = *Money::parse("500");
        ASSERT_TRUE(session::saveAccountSettings(**db, 1, s).ok());
    }
    // WHEN an order worth 1156.13 is sent
    Cli refused;
    EXPECT_EQ(prof.run(refused, {"order", "--account", "PAPER", "buy", "BTCUSDT", "0.01"}), 1);
    // THEN the risk manager's rule and numbers are the reason, and nothing was booked
    EXPECT_TRUE(
        refused.err.contains(QStringLiteral("order refused: Refused: risk rule 'max order value': the order is worth 1156.1321")))
        << refused.err.toStdString();
    Cli pos;
    ASSERT_EQ(prof.run(pos, {"positions", "--account", "PAPER", "--json"}), 0);
    EXPECT_TRUE(pos.json().value("positions").toArray().isEmpty());
    // AND a smaller order passes
    Cli small;
    EXPECT_EQ(prof.run(small, {"order", "--account", "PAPER", "buy", "BTCUSDT", "0.004"}), 0) << small.err.toStdString();
}

TEST(CliTradePaper, BadUsageExitsWith2AndNamesTheProblem) {
    TempProfile prof;
    const std::vector<std::pair<QStringList, QString>> cases{
        {{"order", "--account", "PAPER", "buy", "BTCUSDT"}, "needs buy|sell SYMBOL QTY"},
        {{"order", "--account", "PAPER", "hold", "BTCUSDT", "1"}, "the side is buy or sell"},
        {{"order", "--account", "PAPER", "buy", "BTCUSDT", "-1"}, "the quantity must be a positive number"},
        {{"order", "--account", "PAPER", "buy", "BTCUSDT", "0.01", "--type", "limit"}, "a limit order needs --price"},
        {{"order", "--account", "PAPER", "buy", "BTCUSDT", "0.01", "--type", "trailing"}, "needs --trail-bps"},
        {{"order", "--account", "PAPER", "buy", "BTCUSDT", "0.01", "--tif", "day"}, "--tif is gtc, ioc, fok or post-only"},
        {{"order", "--account", "PAPER", "buy", "BTCUSDT", "0.01", "--tp", "1:50", "--tp", "2:40"}, "must add up to 100"},
        {{"orders"}, "needs --account NAME"},
        {{"orders", "--account", "PAPER", "--bogus"}, "unknown option --bogus"},
        {{"orders", "--account", "NOPE"}, "there is no account \"NOPE\" in this profile (accounts: PAPER)"},
        {{"cancel", "--account", "PAPER"}, "needs one order"},
        {{"kill-switch", "--yes"}, "needs --account NAME or --all"},
        {{"balances", "--account", "PAPER", "--api-key", "abc"}, "API keys are never taken from the command line"},
        {{"run", "--account", "PAPER", "--strategy", "nope", "--symbol", "BTCUSDT"}, "unknown strategy \"nope\""},
        {{"run", "--account", "PAPER", "--strategy", "sma_cross", "--symbol", "BTCUSDT", "--param", "fast=50", "--param",
          "slow=20"},
         "fast"},
    };
    for (const auto& [args, message] : cases) {
        Cli c;
        EXPECT_EQ(prof.run(c, args), 2) << args.join(' ').toStdString() << "\n" << c.err.toStdString();
        EXPECT_TRUE(c.err.contains(message)) << args.join(' ').toStdString() << "\n" << c.err.toStdString();
    }
}

TEST(CliTradePaper, TheKillSwitchNeedsYesThenCancelsAndFlattens) {
    TempProfile prof;
    Cli buy, rest;
    ASSERT_EQ(prof.run(buy, {"order", "--account", "PAPER", "buy", "BTCUSDT", "0.02"}), 0) << buy.err.toStdString();
    ASSERT_EQ(prof.run(rest, {"order", "--account", "PAPER", "sell", "BTCUSDT", "0.01", "--type", "limit", "--price", "150000"}),
              0)
        << rest.err.toStdString();
    // WHEN the kill switch is asked without --yes THEN it refuses and does nothing
    Cli no;
    EXPECT_EQ(prof.run(no, {"kill-switch", "--account", "PAPER"}), 1);
    EXPECT_TRUE(no.err.contains(QStringLiteral("refused without --yes"))) << no.err.toStdString();
    Cli still;
    ASSERT_EQ(prof.run(still, {"orders", "--account", "PAPER", "--json"}), 0);
    EXPECT_EQ(still.json().value("orders").toArray().size(), 1);
    // WHEN confirmed
    Cli kill;
    ASSERT_EQ(prof.run(kill, {"kill-switch", "--account", "PAPER", "--yes", "--json"}), 0) << kill.err.toStdString();
    const QJsonObject r = kill.json();
    EXPECT_TRUE(r.value("ok").toBool());
    EXPECT_EQ(r.value("summary").toString(), QStringLiteral("1 order cancelled, 1 position closed, 0 failed"));
    EXPECT_EQ(r.value("lines").toArray().size(), 2);
    // THEN the account is flat with no open orders
    Cli pos, orders;
    ASSERT_EQ(prof.run(pos, {"positions", "--account", "PAPER", "--json"}), 0);
    EXPECT_TRUE(pos.json().value("positions").toArray().isEmpty()) << pos.out.toStdString();
    ASSERT_EQ(prof.run(orders, {"orders", "--account", "PAPER", "--json"}), 0);
    EXPECT_TRUE(orders.json().value("orders").toArray().isEmpty());
}

TEST(CliTradePaper, ReconcileOnAPaperAccountSaysThereIsNothingToReconcile) {
    TempProfile prof;
    Cli c;
    ASSERT_EQ(prof.run(c, {"reconcile", "--account", "PAPER"}), 0) << c.err.toStdString();
    EXPECT_TRUE(c.out.contains(QStringLiteral("nothing to reconcile"))) << c.out.toStdString();
}

}  // namespace
}  // namespace kairos::test::cli
