// kairos-cli run --bot NAME: a bot saved in the profile (as the terminal's Bots dock saves it) runs
// headless on the paper account over the bundled replay of ETHUSDT 1h (real Binance candles). It
// trades exactly as the same strategy given on the command line, writes its log and cursor to the
// profile, resumes after kill -9 without doubling, and refuses unknown bots and mixed options.
#include "trade_support.h"

#include "bots/botstore.h"
#include "domain/timeframe.h"
#include "storage/database.h"

#include <QJsonArray>

namespace kairos::test::cli {
namespace {

const QStringList kAdHoc{"run",     "--account",   "PAPER", "--strategy", "sma_cross", "--symbol",
                         "ETHUSDT", "--timeframe", "1h",    "--speed",    "max"};
const QStringList kSaved{"run", "--bot", "eth trend", "--speed", "max"};

/// Saves the bot "eth trend": sma_cross with its defaults on ETHUSDT 1h, the PAPER account, 95 % of equity.
std::int64_t saveBot(const TempProfile& prof) {
    auto db = storage::Database::openProfile(prof.path());
    EXPECT_TRUE(db.ok()) << db.message();
    if (!db) return 0;
    bots::BotConfig c;
    c.name = "eth trend";
    c.strategy = "sma_cross";
    c.symbols = {"ETHUSDT"};
    c.timeframe = Timeframe::H1;
    c.accountId = 1;
    auto id = bots::BotStore(**db).create(c, 0);
    EXPECT_TRUE(id.ok()) << id.message();
    return id ? *id : 0;
}

std::optional<bots::BotConfig> readBot(const TempProfile& prof, std::int64_t id,
                                       std::vector<bots::BotLogEntry>* fills = nullptr) {
    auto db = storage::Database::openProfile(prof.path());
    if (!db) return std::nullopt;
    bots::BotStore store(**db);
    if (fills)
        if (auto f = store.log(id, 100000, bots::BotLogKind::Fill)) *fills = *f;
    auto got = store.get(id);
    if (!got) return std::nullopt;
    return *got;
}

QStringList fillLines(const QString& out) {
    QStringList fills;
    for (const QString& l : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        if (l.startsWith(QStringLiteral("fill "))) fills << l.left(l.lastIndexOf(QStringLiteral(" (")));  // without the client id
    return fills;
}

std::int64_t fillTime(const QString& line) {
    auto t = parseUtc(line.split(QLatin1Char(' ')).value(1).toStdString());
    return t ? *t : 0;
}

TEST(CliTradeRunBot, ASavedBotTradesExactlyAsTheSameStrategyGivenOnTheCommandLineAndKeepsItsLog) {
    // GIVEN the command-line run of sma_cross on ETHUSDT 1h in one profile
    TempProfile reference;
    Cli adHoc;
    ASSERT_EQ(reference.run(adHoc, kAdHoc), 0) << adHoc.err.toStdString();
    const QStringList expected = fillLines(adHoc.out);
    ASSERT_GE(expected.size(), 4) << adHoc.out.toStdString();
    // AND the same strategy saved as a bot in another
    TempProfile prof;
    const std::int64_t id = saveBot(prof);
    ASSERT_GT(id, 0);
    // WHEN the saved bot runs
    Cli bot;
    ASSERT_EQ(prof.run(bot, kSaved), 0) << bot.err.toStdString();
    // THEN it makes exactly the same fills
    EXPECT_EQ(fillLines(bot.out), expected);
    EXPECT_TRUE(bot.err.contains(QStringLiteral("bot eth trend:"))) << bot.err.toStdString();
    // AND the profile has its log (one line per fill), its cursor at the last bar, and it is stopped again
    std::vector<bots::BotLogEntry> logged;
    const auto saved = readBot(prof, id, &logged);
    ASSERT_TRUE(saved.has_value());
    EXPECT_EQ(saved->state, bots::BotState::Stopped);
    ASSERT_TRUE(saved->lastBarMs.has_value());
    EXPECT_GE(*saved->lastBarMs, fillTime(expected.back()));
    EXPECT_EQ(static_cast<qsizetype>(logged.size()), expected.size());
    // AND the journal names the bot as the origin of its orders
    Cli orders;
    ASSERT_EQ(prof.run(orders, {"orders", "--account", "PAPER", "--all", "--json"}), 0);
    const QJsonArray list = orders.json().value("orders").toArray();
    ASSERT_FALSE(list.isEmpty());
    for (const auto& o : list)
        EXPECT_TRUE(o.toObject().value("origin").toString().contains(QStringLiteral("(bot eth trend)")))
            << o.toObject().value("origin").toString().toStdString();
}

TEST(CliTradeRunBot, ASavedBotKilledMidPositionResumesWithoutDoubling) {
    TempProfile reference;
    const std::int64_t refId = saveBot(reference);
    ASSERT_GT(refId, 0);
    Cli whole;
    ASSERT_EQ(reference.run(whole, kSaved), 0) << whole.err.toStdString();
    const QStringList fills = fillLines(whole.out);
    ASSERT_GE(fills.size(), 2);
    const std::int64_t killAt = fillTime(fills[0]) + 3'600'000;
    const QString entryQty = fills[0].split(QLatin1Char(' ')).value(3);

    // GIVEN the bot killed (SIGKILL) while it holds its first position
    TempProfile prof;
    const std::int64_t id = saveBot(prof);
    Cli first;
    prof.start(first, kSaved + QStringList{"--until", QString::fromStdString(formatUtc(killAt))});
    ASSERT_TRUE(waitUntil(
        [&] { return first.err.contains(QStringLiteral("waiting until stopped")) || first.p.state() == QProcess::NotRunning; },
        120'000))
        << first.err.toStdString();
    first.p.kill();
    ASSERT_TRUE(waitUntil([&] { return first.p.state() == QProcess::NotRunning; }, 20'000));
    first.out += QString::fromUtf8(first.p.readAllStandardOutput());
    const auto killed = readBot(prof, id);
    ASSERT_TRUE(killed.has_value());
    EXPECT_EQ(killed->state, bots::BotState::Running);  // it never got to say it stopped
    // WHEN it runs again
    Cli second;
    ASSERT_EQ(prof.run(second, kSaved), 0) << second.err.toStdString();
    // THEN it resumed holding its position, and its fills are exactly the uninterrupted run's
    EXPECT_TRUE(second.err.contains(QStringLiteral("earlier bars warmed the indicators up"))) << second.err.toStdString();
    EXPECT_TRUE(second.err.contains(QStringLiteral("position ") + entryQty)) << second.err.toStdString();
    EXPECT_EQ(fillLines(first.out) + fillLines(second.out), fills);
}

TEST(CliTradeRunBot, RefusesAnUnknownBotAndOptionsThatWouldChangeASavedOne) {
    TempProfile prof;
    ASSERT_GT(saveBot(prof), 0);
    Cli unknown;
    EXPECT_EQ(prof.run(unknown, {"run", "--bot", "nope"}), 2);
    EXPECT_TRUE(unknown.err.contains(QStringLiteral("there is no bot \"nope\" in this profile (bots: eth trend)")))
        << unknown.err.toStdString();
    Cli mixed;
    EXPECT_EQ(prof.run(mixed, {"run", "--bot", "eth trend", "--strategy", "rsi3"}), 2);
    EXPECT_TRUE(mixed.err.contains(QStringLiteral("--bot runs a saved bot as it is saved"))) << mixed.err.toStdString();
}

}  // namespace
}  // namespace kairos::test::cli
