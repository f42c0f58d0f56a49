// kairos-cli under hostile input: current Binance archives, overflowing decimals, damaged or
// read-only profiles, secrets in URLs. Run through the executable, as a user runs it.
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
    // A crash (abort) is never an answer: report it as such, not as an exit code.
    EXPECT_EQ(p.exitStatus(), QProcess::NormalExit) << "kairos-cli crashed: " << p.readAllStandardError().toStdString();
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly)) << path.toStdString();
    f.write(bytes);
}

QString resource(const char* name) { return QString::fromStdString(kairos::test::resourcesData(name)); }

class CliRobustness : public ::testing::Test {
protected:
    QTemporaryDir profile;
    QTemporaryDir files;
    QStringList withProfile(QStringList args) const { return QStringList{QStringLiteral("--profile"), profile.path()} + args; }
    QString file(const QString& name) const { return QDir(files.path()).filePath(name); }
};

// The first rows of Binance's spot archive DOGEUSDT-1s-2025-01-01.csv as quoted in
// binance/binance-public-data issue #386: 12 columns, open and close times in microseconds.
const QByteArray kDogeMicrosecondRows =
    "1735689600000000,0.31600000,0.31600000,0.31600000,0.31600000,27.00000000,1735689600999999,8.53200000,1,"
    "0.00000000,0.00000000,0\n"
    "1735689601000000,0.31601000,0.31601000,0.31601000,0.31601000,17.00000000,1735689601999999,5.37217000,5,"
    "17.00000000,5.37217000,0\n"
    "1735689602000000,0.31601000,0.31601000,0.31601000,0.31601000,0.00000000,1735689602999999,0.00000000,0,"
    "0.00000000,0.00000000,0\n";
}  // namespace

TEST_F(CliRobustness, CurrentBinanceArchiveInMicrosecondsImportsAt2025) {
    // GIVEN a current spot archive file (µs times since 2025-01-01)
    const QString doge = file(QStringLiteral("DOGEUSDT-1s-2025-01-01.csv"));
    writeFile(doge, kDogeMicrosecondRows);
    // WHEN it is imported
    CliRun imp = cli(withProfile({QStringLiteral("import"), doge}));
    ASSERT_EQ(imp.code, 0) << imp.err.toStdString();
    // THEN its bars are on 2025-01-01, not in the year 56970
    EXPECT_TRUE(imp.out.startsWith(QStringLiteral(
        "imported 3 bars of BINANCE:DOGEUSDT 1s (2025-01-01T00:00:00.000Z .. 2025-01-01T00:00:02.000Z)")))
        << imp.out.toStdString();
    CliRun bars = cli(withProfile({QStringLiteral("bars"), QStringLiteral("BINANCE:DOGEUSDT"), QStringLiteral("1s")}));
    ASSERT_EQ(bars.code, 0) << bars.err.toStdString();
    const QStringList lines = bars.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 4);
    EXPECT_EQ(lines[1], QStringLiteral("1735689600000,0.31600000,0.31600000,0.31600000,0.31600000,27.00000000,8.53200000,1"));
}

TEST_F(CliRobustness, MixedTimeUnitsAreRefusedWithFileAndLine) {
    // GIVEN the last second of 2024 (ms, the old unit) glued before the 2025 rows (µs)
    const QString doge = file(QStringLiteral("DOGEUSDT-1s-2025-01-01.csv"));
    writeFile(doge, "1735689599000,0.31550000,0.31600000,0.31550000,0.31600000,12.00000000,1735689599999,3.79000000,2,"
                    "0.00000000,0.00000000,0\n" + kDogeMicrosecondRows);
    CliRun imp = cli(withProfile({QStringLiteral("import"), doge}));
    EXPECT_EQ(imp.code, 1);
    EXPECT_TRUE(imp.err.contains(doge + QStringLiteral(":2: open time 1735689600000000 is not between 1970 and 2100")))
        << imp.err.toStdString();
}

TEST_F(CliRobustness, SyntheticDecimalsOverflowIsAFileLineErrorInEveryCommand) {
    // GIVEN prices 1000 and 0.30000000000000004: 1000 at 17 decimals does not fit 64 bits
    const QString wide = file(QStringLiteral("BTCUSDT-1m-2025-01-01.csv"));
    writeFile(wide, "open_time,open,high,low,close,volume\n"
                    "1735689600000,1000,1000,1000,1000,1\n"
                    "1735689660000,0.30000000000000004,0.30000000000000004,0.30000000000000004,0.30000000000000004,1\n");
    const QString expected = wide + QStringLiteral(":2: open 1000 does not fit 64 bits at 17 decimals");
    // WHEN import, indicator and backtest read it THEN each exits 1 with FILE:LINE (cli() fails on a crash)
    CliRun imp = cli(withProfile({QStringLiteral("import"), wide}));
    EXPECT_EQ(imp.code, 1);
    EXPECT_TRUE(imp.err.contains(expected)) << imp.err.toStdString();
    CliRun ind = cli(withProfile({QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("--input"), wide}));
    EXPECT_EQ(ind.code, 1);
    EXPECT_TRUE(ind.err.contains(expected)) << ind.err.toStdString();
    CliRun bt = cli(withProfile({QStringLiteral("backtest"), QStringLiteral("--input"), wide}));
    EXPECT_EQ(bt.code, 1);
    EXPECT_TRUE(bt.err.contains(expected)) << bt.err.toStdString();
}
