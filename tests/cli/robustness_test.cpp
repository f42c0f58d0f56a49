// kairos-cli under hostile input: current Binance archives, overflowing decimals, damaged or
// read-only profiles, secrets in URLs. Run through the executable, as a user runs it.
#include "fakebinance.h"
#include "fakeservers.h"
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>

#include <gtest/gtest.h>

#include <unistd.h>

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
    QStringList withProfile(const QStringList& args) const {
        return QStringList{QStringLiteral("--profile"), profile.path()} + args;
    }
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
    EXPECT_TRUE(imp.out.startsWith(
        QStringLiteral("imported 3 bars of BINANCE:DOGEUSDT 1s (2025-01-01T00:00:00.000Z .. 2025-01-01T00:00:02.000Z)")))
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
    writeFile(doge,
              "1735689599000,0.31550000,0.31600000,0.31550000,0.31600000,12.00000000,1735689599999,3.79000000,2,"
              "0.00000000,0.00000000,0\n" +
                  kDogeMicrosecondRows);
    CliRun imp = cli(withProfile({QStringLiteral("import"), doge}));
    EXPECT_EQ(imp.code, 1);
    EXPECT_TRUE(imp.err.contains(doge + QStringLiteral(":2: open time 1735689600000000 is not between 1970 and 2100")))
        << imp.err.toStdString();
}

TEST_F(CliRobustness, SyntheticDecimalsOverflowIsAFileLineErrorInEveryCommand) {
    // GIVEN prices 1000 and 0.30000000000000004: 1000 at 17 decimals does not fit 64 bits
    const QString wide = file(QStringLiteral("BTCUSDT-1m-2025-01-01.csv"));
    writeFile(wide,
              "open_time,open,high,low,close,volume\n"
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

namespace {
QByteArray bytesOf(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}  // namespace

TEST_F(CliRobustness, DamagedProfileIsNotWrittenAndReadCommandsStillWork) {
    // GIVEN a real profile (the BTCUSDT 1h file imported) with 4 KiB inverted in the middle
    const QString btc = resource("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv");
    ASSERT_EQ(cli(withProfile({QStringLiteral("import"), btc})).code, 0);
    const QString db = QDir(profile.path()).filePath(QStringLiteral("kairos.sqlite"));
    ASSERT_TRUE(kairos::test::invertMiddleBlock(db.toStdString()));
    const QByteArray before = bytesOf(db);
    // WHEN more data is imported THEN it is refused with what to do, and the file is unchanged
    CliRun imp = cli(withProfile({QStringLiteral("import"), resource("binance_spot_ADABTC-1m-2021-11-27.csv")}));
    EXPECT_EQ(imp.code, 1);
    EXPECT_TRUE(imp.err.contains(QStringLiteral("is damaged"))) << imp.err.toStdString();
    EXPECT_TRUE(imp.err.contains(QStringLiteral("Restore kairos.sqlite from a backup"))) << imp.err.toStdString();
    EXPECT_EQ(bytesOf(db), before);
    // AND a read command still opens it, warns, and changes nothing
    CliRun gaps = cli(
        withProfile({QStringLiteral("gaps"), QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("1h"), QStringLiteral("--from"),
                     QStringLiteral("2020-09-20"), QStringLiteral("--to"), QStringLiteral("2020-09-21")}));
    EXPECT_TRUE(gaps.err.contains(QStringLiteral("warning:"))) << gaps.err.toStdString();
    EXPECT_TRUE(gaps.err.contains(QStringLiteral("is damaged"))) << gaps.err.toStdString();
    EXPECT_EQ(bytesOf(db), before);
}

namespace {
/// Runs kairos-cli as a user who may read but not write files owned by this one: "nobody" via
/// setpriv when the tests run as root (root writes anywhere), else this user. Empty program when
/// setpriv is missing (util-linux, in scripts/deps-debian.txt).
std::pair<QString, QStringList> asOtherUser(const QStringList& args) {
    if (::geteuid() != 0) return {QStringLiteral(KAIROS_CLI_PATH), args};
    const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
    if (setpriv.isEmpty()) return {};
    return {setpriv,
            QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                        QStringLiteral(KAIROS_CLI_PATH)} +
                args};
}
}  // namespace

TEST_F(CliRobustness, ReadOnlyProfileStillAnswersReadCommands) {
    // GIVEN a profile with real bars that the running user may read but not write
    ASSERT_EQ(cli(withProfile({QStringLiteral("import"), resource("binance_spot_ADABTC-1m-2021-11-27.csv")})).code, 0);
    const QString db = QDir(profile.path()).filePath(QStringLiteral("kairos.sqlite"));
    const auto readOnly = QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::ExeGroup |
        QFileDevice::ReadOther | QFileDevice::ExeOther;
    ASSERT_TRUE(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    ASSERT_TRUE(QFile::setPermissions(profile.path(), readOnly));
    const QByteArray before = bytesOf(db);
    auto [program, args] =
        asOtherUser(withProfile({QStringLiteral("bars"), QStringLiteral("BINANCE:ADABTC"), QStringLiteral("1m")}));
    ASSERT_FALSE(program.isEmpty()) << "running as root without setpriv (util-linux): cannot make the profile read-only";
    // WHEN bars reads it
    QProcess p;
    p.start(program, args);
    ASSERT_TRUE(p.waitForFinished(120000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    // THEN it prints the stored bars and changes nothing
    EXPECT_EQ(p.exitCode(), 0) << err.toStdString();
    EXPECT_EQ(out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size(), 11) << out.toStdString() << err.toStdString();
    EXPECT_TRUE(out.contains(QStringLiteral("1637971200000,0.00002853,"))) << out.toStdString();
    EXPECT_EQ(bytesOf(db), before);
    // AND a write command says the profile is read-only instead of "unable to open database file"
    auto [wprogram, wargs] =
        asOtherUser(withProfile({QStringLiteral("import"), resource("binance_spot_ADABTC-1m-2021-11-27.csv")}));
    QProcess w;
    w.start(wprogram, wargs);
    ASSERT_TRUE(w.waitForFinished(120000));
    const QString werr = QString::fromUtf8(w.readAllStandardError());
    EXPECT_EQ(w.exitCode(), 1) << werr.toStdString();
    EXPECT_TRUE(werr.contains(QStringLiteral("read-only"))) << werr.toStdString();
    QFile::setPermissions(profile.path(), readOnly | QFileDevice::WriteOwner);  // so the temp dir can be removed
}

TEST_F(CliRobustness, FolderMissingFileAndHeaderOnlyFileSayWhatIsWrong) {
    // A folder is not "an empty file".
    CliRun dir = cli(withProfile({QStringLiteral("import"), files.path(), QStringLiteral("--instrument"),
                                  QStringLiteral("BINANCE:BTCUSDT"), QStringLiteral("--timeframe"), QStringLiteral("1h")}));
    EXPECT_EQ(dir.code, 1);
    EXPECT_TRUE(dir.err.contains(QStringLiteral("is a folder, not a candle file"))) << dir.err.toStdString();
    CliRun btDir = cli({QStringLiteral("backtest"), QStringLiteral("--input"), files.path(), QStringLiteral("--timeframe"),
                        QStringLiteral("1h")});
    EXPECT_EQ(btDir.code, 1);
    EXPECT_TRUE(btDir.err.contains(QStringLiteral("is a folder"))) << btDir.err.toStdString();
    // A missing file says so.
    CliRun missing = cli({QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("--input"),
                          file(QStringLiteral("BTCUSDT-1h-gone.csv"))});
    EXPECT_EQ(missing.code, 1);
    EXPECT_TRUE(missing.err.contains(QStringLiteral("no such file"))) << missing.err.toStdString();
    // A header without rows imports nothing and says the file is empty.
    const QString headerOnly = file(QStringLiteral("BTCUSDT-1h-2025-01-01.csv"));
    writeFile(headerOnly, "open_time,open,high,low,close,volume\n");
    CliRun imp = cli(withProfile({QStringLiteral("import"), headerOnly}));
    EXPECT_EQ(imp.code, 1);
    EXPECT_TRUE(imp.err.contains(QStringLiteral("has a header but no rows of bars"))) << imp.err.toStdString();
    EXPECT_FALSE(imp.out.contains(QStringLiteral("imported"))) << imp.out.toStdString();
}

TEST_F(CliRobustness, UnreadableFileIsPermissionDeniedNotMissing) {
    // GIVEN a real candle file its reader may not read (mode 000, in a folder others may enter)
    const QString locked = file(QStringLiteral("BTCUSDT-1h-locked.csv"));
    writeFile(locked, bytesOf(resource("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv")).left(4096));
    ASSERT_TRUE(QFile::setPermissions(locked, QFileDevice::Permissions()));
    ASSERT_TRUE(QFile::setPermissions(files.path(),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                          QFileDevice::ReadOther | QFileDevice::ExeOther | QFileDevice::ReadGroup |
                                          QFileDevice::ExeGroup));
    // Root reads any file, so as root the CLI runs as "nobody" (setpriv) for this check.
    QString program = QStringLiteral(KAIROS_CLI_PATH);
    QStringList args{QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("--input"), locked};
    if (::geteuid() == 0) {
        const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
        ASSERT_FALSE(setpriv.isEmpty()) << "running as root without setpriv (util-linux): cannot make a file unreadable";
        args = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                           program} +
            args;
        program = setpriv;
    }
    QProcess p;
    p.start(program, args);
    ASSERT_TRUE(p.waitForFinished(120000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    // THEN the message says permission, not "no such file"
    EXPECT_EQ(p.exitCode(), 1) << err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("permission denied"))) << err.toStdString();
    EXPECT_FALSE(err.contains(QStringLiteral("no such file"))) << err.toStdString();
}

TEST_F(CliRobustness, PasswordsInUrlsAreNeverPrinted) {
    kairos::test::FakeBinance fake;
    QUrl ws = fake.ws.url();
    ws.setUserInfo(QStringLiteral("trader:s3cretPASS"));
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("XDG_CONFIG_HOME"), files.path());
    e.insert(QStringLiteral("HOME"), files.path());
    QProcess p;
    p.setProcessEnvironment(e);
    QString err;
    QObject::connect(&p, &QProcess::readyReadStandardError, [&] { err += QString::fromUtf8(p.readAllStandardError()); });
    p.start(QStringLiteral(KAIROS_CLI_PATH),
            {QStringLiteral("feed"), QStringLiteral("BINANCE"), QStringLiteral("BTCUSDT"), QStringLiteral("--channels"),
             QStringLiteral("trades"), QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--rest-url"),
             fake.http.url().toString(), QStringLiteral("--ws-url"), ws.toString()});
    ASSERT_TRUE(kairos::test::waitUntil([&] { return fake.liveStreams().contains(QStringLiteral("btcusdt@trade")); }, 30'000))
        << err.toStdString();
    fake.publish(QStringLiteral("btcusdt@trade"),
                 R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"60000.10","q":"0.5","T":1700000000000,"m":false})");
    ASSERT_TRUE(kairos::test::waitUntil([&] { return p.state() == QProcess::NotRunning; }, 60'000)) << err.toStdString();
    err += QString::fromUtf8(p.readAllStandardError());
    EXPECT_EQ(p.exitCode(), 0) << err.toStdString();
    EXPECT_TRUE(err.contains(QStringLiteral("via ws://127.0.0.1:"))) << err.toStdString();
    EXPECT_FALSE(err.contains(QStringLiteral("s3cretPASS"))) << err.toStdString();
    // A URL refused as invalid is quoted without its password too.
    CliRun bad = cli({QStringLiteral("feed"), QStringLiteral("BINANCE"), QStringLiteral("BTCUSDT"), QStringLiteral("--ws-url"),
                      QStringLiteral("ws://trader:s3cretPASS@")});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("--ws-url"))) << bad.err.toStdString();
    EXPECT_FALSE(bad.err.contains(QStringLiteral("s3cretPASS"))) << bad.err.toStdString();
}
