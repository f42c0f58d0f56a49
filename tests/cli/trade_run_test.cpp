// kairos-cli run: a built-in strategy (sma_cross) on the paper account of a temporary profile, fed the
// bundled replay of ETHUSDT 1h (real Binance candles, 2025-06-21 to 2025-09-19). A run killed with
// SIGKILL while it holds a position and started again resumes without doubling anything: its orders
// and fills are exactly those of a run that was never interrupted. SIGTERM stops it cleanly, leaving
// the position unless --flatten-on-stop.
#include "trade_support.h"

#include "domain/timeframe.h"

#include <QJsonArray>

namespace kairos::test::cli {
namespace {

const QStringList kBot{"run",     "--account",   "PAPER", "--strategy", "sma_cross", "--symbol",
                       "ETHUSDT", "--timeframe", "1h",    "--speed",    "max"};

QStringList fillLines(const QString& out) {
    QStringList fills;
    for (const QString& l : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        if (l.startsWith(QStringLiteral("fill "))) fills << l.left(l.lastIndexOf(QStringLiteral(" (")));  // without the client id
    return fills;
}

/// "fill 2025-06-23T05:00:00.000Z buy 1.2345 ETHUSDT at ..." -> the time.
std::int64_t fillTime(const QString& line) {
    auto t = parseUtc(line.split(QLatin1Char(' ')).value(1).toStdString());
    EXPECT_TRUE(t.ok()) << line.toStdString();
    return t ? *t : 0;
}

QJsonArray allOrders(const TempProfile& prof) {
    Cli c;
    EXPECT_EQ(prof.run(c, {"orders", "--account", "PAPER", "--all", "--json"}), 0) << c.err.toStdString();
    return c.json().value("orders").toArray();
}

/// Starts the bot replaying up to `until`, waits until it says it is waiting there.
void runUntil(const TempProfile& prof, Cli& bot, const QString& until, const QStringList& extra = {}) {
    prof.start(bot, kBot + QStringList{"--until", until} + extra);
    ASSERT_TRUE(waitUntil(
        [&] { return bot.err.contains(QStringLiteral("waiting until stopped")) || bot.p.state() == QProcess::NotRunning; },
        120'000))
        << bot.err.toStdString();
    ASSERT_EQ(bot.p.state(), QProcess::Running) << bot.err.toStdString();
}

TEST(CliTradeRun, APaperBotKilledMidPositionResumesWithoutDoublingAndMatchesAnUninterruptedRun) {
    // GIVEN the uninterrupted run over the whole replay
    TempProfile reference;
    Cli whole;
    ASSERT_EQ(reference.run(whole, kBot), 0) << whole.err.toStdString();
    const QStringList fills = fillLines(whole.out);
    ASSERT_GE(fills.size(), 4) << whole.out.toStdString();
    EXPECT_TRUE(whole.out.startsWith(QStringLiteral("decision "))) << whole.out.toStdString();
    EXPECT_TRUE(fills[0].contains(QStringLiteral(" buy "))) << fills[0].toStdString();
    // the bot holds its first position from the first fill until the second
    const std::int64_t killAt = fillTime(fills[0]) + 3'600'000;
    ASSERT_GT(fillTime(fills[1]), killAt);
    const QString entryQty = fills[0].split(QLatin1Char(' ')).value(3);

    // WHEN the same bot on a fresh profile is killed (SIGKILL) while it holds that position
    TempProfile prof;
    Cli first;
    runUntil(prof, first, QString::fromStdString(formatUtc(killAt)));
    first.p.kill();
    ASSERT_TRUE(waitUntil([&] { return first.p.state() == QProcess::NotRunning; }, 20'000));
    first.out += QString::fromUtf8(first.p.readAllStandardOutput());
    EXPECT_EQ(first.p.exitStatus(), QProcess::CrashExit);
    Cli held;
    ASSERT_EQ(prof.run(held, {"positions", "--account", "PAPER", "--json"}), 0);
    const QJsonArray positions = held.json().value("positions").toArray();
    ASSERT_EQ(positions.size(), 1) << held.out.toStdString();
    EXPECT_EQ(positions[0].toObject().value("quantity").toString(), entryQty);

    // AND started again
    Cli second;
    ASSERT_EQ(prof.run(second, kBot), 0) << second.err.toStdString();

    // THEN it resumed after the last bar it handled, holding the position it had
    EXPECT_TRUE(second.err.contains(QStringLiteral("earlier bars warmed the indicators up"))) << second.err.toStdString();
    EXPECT_TRUE(second.err.contains(QStringLiteral("position ") + entryQty)) << second.err.toStdString();
    // AND its fills and orders are exactly the uninterrupted run's: nothing doubled, nothing lost
    EXPECT_EQ(fillLines(first.out) + fillLines(second.out), fills);
    const QJsonArray a = allOrders(reference), b = allOrders(prof);
    ASSERT_EQ(a.size(), b.size());
    for (qsizetype i = 0; i < a.size(); ++i)
        for (const char* field : {"side", "quantity", "filled", "status", "average_price", "created", "type"})
            EXPECT_EQ(a[i].toObject().value(field), b[i].toObject().value(field)) << "order " << i << " " << field;
    // AND the journal names the bot's strategy (its name with its parameters) as the origin of every order
    // it sent, before and after the kill
    for (const auto& o : b)
        EXPECT_TRUE(o.toObject().value("origin").toString().startsWith(QStringLiteral("strategy SMA cross 10/30")))
            << o.toObject().value("origin").toString().toStdString();
}

TEST(CliTradeRun, SigtermStopsCleanlyLeavingThePositionAndFlattenOnStopClosesIt) {
    TempProfile reference;
    Cli whole;
    ASSERT_EQ(reference.run(whole, kBot), 0) << whole.err.toStdString();
    const QStringList fills = fillLines(whole.out);
    ASSERT_GE(fills.size(), 2);
    const QString until = QString::fromStdString(formatUtc(fillTime(fills[0]) + 3'600'000));

    TempProfile prof;
    // GIVEN the bot holding its first position (JSON lines)
    Cli bot;
    runUntil(prof, bot, until, {"--json"});
    // WHEN it is sent SIGTERM
    bot.p.terminate();
    // THEN it stops cleanly and leaves the position
    ASSERT_EQ(bot.finish(), 0) << bot.err.toStdString();
    EXPECT_TRUE(bot.err.contains(QStringLiteral("(left as it is; --flatten-on-stop closes it)"))) << bot.err.toStdString();
    const QStringList lines = bot.lines();
    ASSERT_GE(lines.size(), 2);
    const QJsonObject decision = QJsonDocument::fromJson(lines[0].toUtf8()).object();
    EXPECT_EQ(decision.value("event").toString(), QStringLiteral("decision"));
    EXPECT_EQ(decision.value("side").toString(), QStringLiteral("buy"));
    EXPECT_EQ(decision.value("symbol").toString(), QStringLiteral("ETHUSDT"));
    EXPECT_EQ(decision.value("reason").toString(), QStringLiteral("entry-long"));
    EXPECT_TRUE(decision.value("client_order_id").toString().startsWith(QStringLiteral("kb")));
    const QJsonObject fill = QJsonDocument::fromJson(lines[1].toUtf8()).object();
    EXPECT_EQ(fill.value("event").toString(), QStringLiteral("fill"));
    EXPECT_EQ(fill.value("client_order_id"), decision.value("client_order_id"));
    Cli held;
    ASSERT_EQ(prof.run(held, {"positions", "--account", "PAPER", "--json"}), 0);
    EXPECT_EQ(held.json().value("positions").toArray().size(), 1);

    // WHEN it runs again with --flatten-on-stop and is stopped
    Cli again;
    runUntil(prof, again, until, {"--flatten-on-stop"});
    again.p.terminate();
    ASSERT_EQ(again.finish(), 0) << again.err.toStdString();
    // THEN the position was closed at market on the way out
    Cli flat;
    ASSERT_EQ(prof.run(flat, {"positions", "--account", "PAPER", "--json"}), 0);
    EXPECT_TRUE(flat.json().value("positions").toArray().isEmpty()) << flat.out.toStdString();
    EXPECT_TRUE(again.out.contains(QStringLiteral("fill "))) << again.out.toStdString();
}

}  // namespace
}  // namespace kairos::test::cli
