// kairos-cli indicator / indicators, run as a process, checked against values computed here.
#include "testdata.h"

#include <QProcess>

#include <gtest/gtest.h>

#include <cmath>

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
QString daily() {
    return QString::fromStdString(kairos::test::resourcesData("binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
}
}  // namespace

TEST(CliIndicator, SmaMatchesAnIndependentMeanOfTheRealCloses) {
    // Closes read straight from the real file's text, independently of kairos' CSV reader.
    const QStringList rows =
        QString::fromStdString(kairos::test::readFile(daily().toStdString())).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    std::vector<double> closes;
    for (int i = 1; i < rows.size(); ++i) closes.push_back(rows[i].section(QLatin1Char(','), 4, 4).toDouble());
    Out r = cli({QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("30"), QStringLiteral("--input"), daily()});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), static_cast<int>(closes.size()) + 1);
    EXPECT_EQ(lines[0], QStringLiteral("time,sma"));
    EXPECT_EQ(lines[1], QStringLiteral("2020-09-20T00:00:00.000Z,NaN"));
    EXPECT_TRUE(lines[29].endsWith(QStringLiteral(",NaN")));
    for (int row : {30, 500, static_cast<int>(closes.size())}) {
        double mean = 0;
        for (int k = row - 30; k < row; ++k) mean += closes[static_cast<std::size_t>(k)];
        mean /= 30;
        const double got = lines[row].section(QLatin1Char(','), 1, 1).toDouble();
        EXPECT_NEAR(got, mean, 1e-9 * mean) << row;
    }
}

TEST(CliIndicator, OutputsInTulipOrderAndNamedOptions) {
    Out bb = cli({QStringLiteral("indicator"), QStringLiteral("bbands"), QStringLiteral("--input"), daily(),
                  QStringLiteral("--period"), QStringLiteral("20"), QStringLiteral("--stddev"), QStringLiteral("2")});
    ASSERT_EQ(bb.code, 0) << bb.err.toStdString();
    const QStringList lines = bb.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    EXPECT_EQ(lines[0], QStringLiteral("time,bbands_lower,bbands_middle,bbands_upper"));
    const QStringList v = lines[100].split(QLatin1Char(','));
    EXPECT_LT(v[1].toDouble(), v[2].toDouble());
    EXPECT_LT(v[2].toDouble(), v[3].toDouble());
    Out m = cli({QStringLiteral("indicator"), QStringLiteral("macd"), QStringLiteral("12"), QStringLiteral("26"),
                 QStringLiteral("9"), QStringLiteral("--input"), daily()});
    ASSERT_EQ(m.code, 0);
    const QStringList ml = m.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    EXPECT_EQ(ml[0], QStringLiteral("time,macd,macd_signal,macd_histogram"));
    EXPECT_TRUE(ml[26].section(QLatin1Char(','), 1, 1) != QStringLiteral("NaN"));  // line from index 25
    EXPECT_EQ(ml[26].section(QLatin1Char(','), 2, 2), QStringLiteral("NaN"));
    EXPECT_NE(ml[34].section(QLatin1Char(','), 2, 2), QStringLiteral("NaN"));  // signal from index 33
}

TEST(CliIndicator, ErrorsAndListing) {
    EXPECT_EQ(cli({QStringLiteral("indicator"), QStringLiteral("nope"), QStringLiteral("--input"), daily()}).code, 2);
    Out bad =
        cli({QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("2.5"), QStringLiteral("--input"), daily()});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("whole number"))) << bad.err.toStdString();
    EXPECT_EQ(cli({QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("30"), QStringLiteral("7"),
                   QStringLiteral("--input"), daily()})
                  .code,
              2);
    EXPECT_EQ(
        cli({QStringLiteral("indicator"), QStringLiteral("sma"), QStringLiteral("--input"), QStringLiteral("/nonexistent.csv")})
            .code,
        1);
    Out list = cli({QStringLiteral("indicators")});
    ASSERT_EQ(list.code, 0);
    for (const char* name : {"sma ", "ema ", "rsi ", "macd ", "bbands ", "atr ", "wma ", "obv "})
        EXPECT_TRUE(list.out.contains(QLatin1String(name))) << name;
    EXPECT_TRUE(list.out.contains(QStringLiteral("outputs: bbands_lower,bbands_middle,bbands_upper")));
}

TEST(CliIndicator, FormulaAndItsErrors) {
    Out f = cli({QStringLiteral("indicator"), QStringLiteral("formula"), QStringLiteral("sma(close, 30) - sma(close, 30)"),
                 QStringLiteral("--input"), daily()});
    ASSERT_EQ(f.code, 0) << f.err.toStdString();
    const QStringList lines = f.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    EXPECT_EQ(lines[0], QStringLiteral("time,formula"));
    EXPECT_TRUE(lines[29].endsWith(QStringLiteral(",NaN")));
    EXPECT_TRUE(lines[30].endsWith(QStringLiteral(",0"))) << lines[30].toStdString();
    Out bad = cli({QStringLiteral("indicator"), QStringLiteral("formula"), QStringLiteral("ema(close 9)"),
                   QStringLiteral("--input"), daily()});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("formula: column 11: expected ','"))) << bad.err.toStdString();
}
