// kairos-cli import / bars / gaps / replay, run as a user runs them: through the executable.
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {
struct CliRun {
    int code = -1;
    QString out;
    QString err;
};

CliRun cli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(KAIROS_CLI_PATH), args);
    EXPECT_TRUE(p.waitForFinished(120000)) << "kairos-cli did not finish";
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString btc1h() {
    return QString::fromStdString(kairos::test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
}

class CliData : public ::testing::Test {
protected:
    QTemporaryDir profile;
    QStringList withProfile(const QStringList& args) const {
        return QStringList{QStringLiteral("--profile"), profile.path()} + args;
    }
};
}  // namespace

TEST_F(CliData, ImportInfersSeriesFromBinanceFileNameAndBarsPrintsExactDecimals) {
    // WHEN the real BTCUSDT 1h file is imported without --instrument/--timeframe
    CliRun imp = cli(withProfile({QStringLiteral("import"), btc1h()}));
    ASSERT_EQ(imp.code, 0) << imp.err.toStdString();
    EXPECT_TRUE(imp.out.startsWith(QStringLiteral("imported 43803 bars of BINANCE:BTCUSDT 1h"))) << imp.out.toStdString();
    // THEN bars prints the stored rows with the file's decimals (2 for prices, 6 for volume)
    CliRun bars = cli(
        withProfile({QStringLiteral("bars"), QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("1h"), QStringLiteral("--from"),
                     QStringLiteral("2020-09-20"), QStringLiteral("--to"), QStringLiteral("2020-09-20T03:00")}));
    ASSERT_EQ(bars.code, 0) << bars.err.toStdString();
    const QStringList lines = bars.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 4);
    EXPECT_EQ(lines[0], QStringLiteral("open_time,open,high,low,close,volume,quote_volume,trades"));
    EXPECT_EQ(lines[1], QStringLiteral("1600560000000,11080.64,11080.64,11042.70,11056.00,1168.906046,0,0"));
    EXPECT_EQ(lines[3], QStringLiteral("1600567200000,10939.63,10966.88,10913.00,10918.19,1372.808095,0,0"));
}

TEST_F(CliData, GapsListsTheRealBinanceOutages) {
    ASSERT_EQ(cli(withProfile({QStringLiteral("import"), btc1h()})).code, 0);
    // --profile also works after the subcommand
    CliRun gaps = cli({QStringLiteral("gaps"), QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("1h"),
                       QStringLiteral("--profile"), profile.path()});
    ASSERT_EQ(gaps.code, 0) << gaps.err.toStdString();
    const QStringList lines = gaps.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    // shared/data/README.md §1a: 10 gaps, 20 missing hours in the 2020-2025 1h files.
    ASSERT_EQ(lines.size(), 11);
    EXPECT_EQ(lines[1], QStringLiteral("2020-11-30T06:00:00.000Z,2020-11-30T07:00:00.000Z,1"));
    EXPECT_EQ(lines[2], QStringLiteral("2020-12-21T14:00:00.000Z,2020-12-21T18:00:00.000Z,4"));
    EXPECT_EQ(lines[10], QStringLiteral("2023-03-24T13:00:00.000Z,2023-03-24T14:00:00.000Z,1"));
    int missing = 0;
    for (int i = 1; i < lines.size(); ++i) missing += lines[i].section(QLatin1Char(','), 2).toInt();
    EXPECT_EQ(missing, 20);
}

TEST_F(CliData, CorruptFileIsRejectedWithLineAndChangesNothing) {
    ASSERT_EQ(cli(withProfile({QStringLiteral("import"), btc1h()})).code, 0);
    const QString before =
        cli(withProfile({QStringLiteral("bars"), QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("1h")})).out;
    // GIVEN a copy of the real file whose last data row has high below its open
    QFile src(btc1h());
    ASSERT_TRUE(src.open(QIODevice::ReadOnly));
    QByteArray text = src.readAll();
    const int lastLineStart = text.lastIndexOf('\n', text.size() - 2) + 1;
    text.replace(lastLineStart, text.size() - lastLineStart, "1758322800000,115000,1,114000,114500,10\n");
    const QString bad = QDir(profile.path()).filePath(QStringLiteral("binance_spot_BTCUSDT_1h_corrupt.csv"));
    QFile out(bad);
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();
    // WHEN it is imported THEN exit code 1, the message names file, line and reason
    CliRun imp = cli(withProfile({QStringLiteral("import"), bad}));
    EXPECT_EQ(imp.code, 1);
    EXPECT_TRUE(imp.err.contains(bad + QStringLiteral(":43804: high 1 is below open 115000"))) << imp.err.toStdString();
    EXPECT_TRUE(imp.err.contains(QStringLiteral("nothing was imported")));
    // AND the store is exactly as before
    EXPECT_EQ(cli(withProfile({QStringLiteral("bars"), QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("1h")})).out, before);
}

TEST_F(CliData, UsageErrorsExitWithTwo) {
    CliRun noInference =
        cli(withProfile({QStringLiteral("import"), QString::fromStdString(kairos::test::resourcesData("orcl-1995-2014.txt"))}));
    EXPECT_EQ(noInference.code, 2);
    EXPECT_TRUE(noInference.err.contains(QStringLiteral("pass --instrument"))) << noInference.err.toStdString();
    // With both given, the Yahoo file imports.
    CliRun yahoo = cli(withProfile(
        {QStringLiteral("import"), QString::fromStdString(kairos::test::resourcesData("orcl-1995-2014.txt")),
         QStringLiteral("--instrument"), QStringLiteral("NASDAQ:ORCL"), QStringLiteral("--timeframe"), QStringLiteral("1d")}));
    EXPECT_EQ(yahoo.code, 0) << yahoo.err.toStdString();
    EXPECT_TRUE(yahoo.out.startsWith(QStringLiteral("imported 5036 bars of NASDAQ:ORCL 1d")));
    // A timeframe that does not match the file's grid is a data error.
    CliRun wrongTf = cli(withProfile({QStringLiteral("import"), btc1h(), QStringLiteral("--timeframe"), QStringLiteral("1d")}));
    EXPECT_EQ(wrongTf.code, 1);
    EXPECT_TRUE(wrongTf.err.contains(QStringLiteral("not on the 1d grid")));
    EXPECT_EQ(cli({QStringLiteral("frobnicate")}).code, 2);
    EXPECT_EQ(cli(withProfile({QStringLiteral("bars"), QStringLiteral("BTCUSDT"), QStringLiteral("1h")})).code, 2);
    EXPECT_EQ(cli(withProfile({QStringLiteral("bars"), QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("7m")})).code, 2);
    CliRun version = cli({QStringLiteral("--version")});
    EXPECT_EQ(version.code, 0);
    EXPECT_TRUE(version.out.startsWith(QStringLiteral("kairos-cli ")));
}

TEST_F(CliData, ReplayPrintsImpliedTradesThenBars) {
    CliRun r =
        cli(withProfile({QStringLiteral("replay"),
                         QString::fromStdString(kairos::test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv")),
                         QStringLiteral("--limit"), QStringLiteral("12")}));
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 13);  // header + 12 events
    // First real 1m bar: 2025-05-20 00:00, open 106,... (first trade is at the open price)
    const QString first =
        QString::fromStdString(
            kairos::test::readFile(kairos::test::resourcesData("binance_spot_BTCUSDT_1m_2025-05-20_2025-05-26.csv")))
            .section(QLatin1Char('\n'), 1, 1);
    const QString open = first.section(QLatin1Char(','), 1, 1);
    EXPECT_TRUE(lines[1].startsWith(QStringLiteral("trade,2025-05-20T00:00:00.000Z,BINANCE:BTCUSDT,"))) << lines[1].toStdString();
    EXPECT_EQ(lines[1].section(QLatin1Char(','), 3, 3).toDouble(), open.toDouble());
    EXPECT_TRUE(lines[2].startsWith(QStringLiteral("bar_1m,2025-05-20T00:00:00.000Z,BINANCE:BTCUSDT,")))
        << lines[2].toStdString();
    EXPECT_TRUE(lines[2].endsWith(QStringLiteral(",forming")));
    EXPECT_TRUE(lines[9].endsWith(QStringLiteral(",closed"))) << lines[9].toStdString();
}
