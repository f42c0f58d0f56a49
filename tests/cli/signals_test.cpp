// kairos-cli signals, run as a process over real bars.
#include "testdata.h"

#include <QProcess>

#include <gtest/gtest.h>

namespace {
struct Out {
    int code;
    QString out, err;
};
Out cli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(KAIROS_CLI_PATH), args);
    EXPECT_TRUE(p.waitForFinished(120000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
QString eth() { return QString::fromStdString(kairos::test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv")); }
}  // namespace

TEST(CliSignals, PrintsDirectionalSignalsWithLevelsOutcomesAndReasons) {
    Out r = cli({QStringLiteral("signals"), QStringLiteral("--input"), eth()});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_GT(lines.size(), 10);
    EXPECT_EQ(
        lines[0],
        QStringLiteral("time,side,confidence,score,entry,stop_loss,tp1,tp2,tp3,reward_risk,exit,tp_reached,r,bars_held,reasons"));
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList f = lines[i].split(QLatin1Char(','));
        ASSERT_TRUE(f[1] == QStringLiteral("LONG") || f[1] == QStringLiteral("SHORT")) << lines[i].toStdString();
        ASSERT_TRUE(QStringList({"stop", "tp3", "expired", "open"}).contains(f[10])) << lines[i].toStdString();
        ASSERT_TRUE(lines[i].endsWith(QLatin1Char('"')));  // quoted reasons
    }
    Out acc = cli({QStringLiteral("signals"), QStringLiteral("--input"), eth(), QStringLiteral("--accuracy")});
    ASSERT_EQ(acc.code, 0);
    EXPECT_TRUE(acc.out.startsWith(QStringLiteral("group,signals,win_rate,average_r\nLONG,")) ||
                acc.out.contains(QStringLiteral("\nall,")));
    EXPECT_EQ(cli({QStringLiteral("signals")}).code, 2);
    EXPECT_EQ(
        cli({QStringLiteral("signals"), QStringLiteral("--input"), eth(), QStringLiteral("--max-bars"), QStringLiteral("0")})
            .code,
        2);
}
