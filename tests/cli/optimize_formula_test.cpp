// kairos-cli optimize and walkforward with formula strategies (parameter placeholders filled by
// --param) and their HTML reports (optimisation heatmap, walk-forward windows), run as processes over
// real bundled BTCUSDT days.
#include "testdata.h"

#include <QProcess>
#include <QStringList>

#include <gtest/gtest.h>

#include <utility>

namespace {
struct Out {
    int code;
    QString out, err;
};
Out cli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(KAIROS_CLI_PATH), args);
    EXPECT_TRUE(p.waitForFinished(300000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
QString btcDays() {
    return QString::fromStdString(kairos::test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
}
QString text(const QString& path) { return QString::fromStdString(kairos::test::readFile(path.toStdString())); }
QStringList lines(const QString& path) { return text(path).split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
QStringList common() {
    return {QStringLiteral("--input"),      btcDays(),
            QStringLiteral("--commission"), QStringLiteral("0.001"),
            QStringLiteral("--param"),      QStringLiteral("fast=5:15:5"),
            QStringLiteral("--param"),      QStringLiteral("slow=30,50")};
}
QStringList formula(const char* ma) {
    const QString m = QString::fromLatin1(ma);
    return {QStringLiteral("--entry"), QStringLiteral("crossover(%1(close,{fast}), %1(close,{slow}))").arg(m),
            QStringLiteral("--exit"), QStringLiteral("crossunder(%1(close,{fast}), %1(close,{slow}))").arg(m)};
}
}  // namespace

TEST(CliOptimizeFormula, PlaceholderFormulasRankExactlyLikeTheEquivalentBuiltins) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    for (const auto& [builtin, ma] : {std::pair{"sma_cross", "sma"}, std::pair{"ema_cross", "ema"}}) {
        SCOPED_TRACE(builtin);
        const QString a = dir + QStringLiteral("/builtin.csv"), b = dir + QStringLiteral("/formula.csv");
        // WHEN the built-in and the formula with {fast}/{slow} are optimised over the same grid
        Out x = cli(QStringList{QStringLiteral("optimize"), QStringLiteral("--strategy"), QString::fromLatin1(builtin)} +
                    common() + QStringList{QStringLiteral("--results"), a});
        ASSERT_EQ(x.code, 0) << x.err.toStdString();
        Out y =
            cli(QStringList{QStringLiteral("optimize")} + formula(ma) + common() + QStringList{QStringLiteral("--results"), b});
        ASSERT_EQ(y.code, 0) << y.err.toStdString();
        // THEN the same table byte for byte (same trades for every combination), so the same best row
        const QStringList rows = lines(a);
        ASSERT_EQ(rows.size(), 7);  // 3 x 2 combinations
        EXPECT_TRUE(rows[0].startsWith(QStringLiteral("fast,slow,")));
        EXPECT_EQ(text(a), text(b));
        EXPECT_TRUE(y.out.contains(QStringLiteral("; formula, "))) << y.out.left(300).toStdString();
    }
}

TEST(CliOptimizeFormula, UnknownPlaceholdersAndParamsWithoutOneExitTwoNamingThem) {
    const QStringList data = {QStringLiteral("optimize"), QStringLiteral("--input"), btcDays()};
    // a placeholder no --param fills
    Out a = cli(data +
                QStringList{QStringLiteral("--entry"), QStringLiteral("crossover(ema(close,{fast}), ema(close,{slowest}))"),
                            QStringLiteral("--param"), QStringLiteral("fast=5,10")});
    EXPECT_EQ(a.code, 2);
    EXPECT_TRUE(a.err.contains(QStringLiteral("unknown placeholder {slowest}"))) << a.err.toStdString();
    // a --param that fills no placeholder
    Out b = cli(data + formula("ema") +
                QStringList{QStringLiteral("--param"), QStringLiteral("fast=5,10"), QStringLiteral("--param"),
                            QStringLiteral("slow=30"), QStringLiteral("--param"), QStringLiteral("period=3")});
    EXPECT_EQ(b.code, 2);
    EXPECT_TRUE(b.err.contains(QStringLiteral("--param period fills no placeholder"))) << b.err.toStdString();
    // a brace that opens no placeholder names its column; a syntax error after filling is a usage error too
    Out c = cli(
        data +
        QStringList{QStringLiteral("--entry"), QStringLiteral("close > {"), QStringLiteral("--param"), QStringLiteral("x=1")});
    EXPECT_EQ(c.code, 2);
    EXPECT_TRUE(c.err.contains(QStringLiteral("entry: column 9"))) << c.err.toStdString();
    Out d = cli(data +
                QStringList{QStringLiteral("--entry"), QStringLiteral("crossover(close, {x}"), QStringLiteral("--param"),
                            QStringLiteral("x=1")});
    EXPECT_EQ(d.code, 2);
    EXPECT_TRUE(d.err.contains(QStringLiteral("entry:"))) << d.err.toStdString();
    // walkforward checks the same way
    Out w = cli({QStringLiteral("walkforward"), QStringLiteral("--input"), btcDays(), QStringLiteral("--entry"),
                 QStringLiteral("close > sma(close,{n})"), QStringLiteral("--param"), QStringLiteral("m=5"),
                 QStringLiteral("--in-sample"), QStringLiteral("2y"), QStringLiteral("--out-of-sample"), QStringLiteral("6m")});
    EXPECT_EQ(w.code, 2);
    EXPECT_TRUE(w.err.contains(QStringLiteral("{n}"))) << w.err.toStdString();
}

TEST(CliOptimizeFormula, WalkForwardOfAFormulaEqualsTheBuiltinsAndBothReportsHaveTheirSections) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString a = dir + QStringLiteral("/a.csv"), b = dir + QStringLiteral("/b.csv"),
                  wfHtml = dir + QStringLiteral("/wf.html"), optHtml = dir + QStringLiteral("/opt.html");
    const QStringList windows = {QStringLiteral("--in-sample"), QStringLiteral("2y"), QStringLiteral("--out-of-sample"),
                                 QStringLiteral("6m")};
    // WHEN sma_cross and its formula are walked forward, the formula with a report
    Out x = cli(QStringList{QStringLiteral("walkforward"), QStringLiteral("--strategy"), QStringLiteral("sma_cross")} + common() +
                windows + QStringList{QStringLiteral("--results"), a});
    ASSERT_EQ(x.code, 0) << x.err.toStdString();
    Out y = cli(QStringList{QStringLiteral("walkforward")} + formula("sma") + common() + windows +
                QStringList{QStringLiteral("--results"), b, QStringLiteral("--report"), wfHtml});
    ASSERT_EQ(y.code, 0) << y.err.toStdString();
    // THEN the same windows and chosen parameters, and the report has the walk-forward section
    EXPECT_EQ(lines(a).size(), 7);
    EXPECT_EQ(text(a), text(b));
    const QString wf = text(wfHtml);
    EXPECT_TRUE(wf.contains(QStringLiteral("<section id=\"walk-forward\">")));
    EXPECT_FALSE(wf.contains(QStringLiteral("id=\"optimisation\"")));
    EXPECT_TRUE(wf.contains(QStringLiteral("fast=")));

    // WHEN optimize writes a report with the heatmap of slow (columns) by fast (rows) and a Monte Carlo
    Out o = cli(QStringList{QStringLiteral("optimize"), QStringLiteral("--strategy"), QStringLiteral("sma_cross")} + common() +
                QStringList{QStringLiteral("--report"), optHtml, QStringLiteral("--heatmap"), QStringLiteral("slow,fast"),
                            QStringLiteral("--montecarlo"), QStringLiteral("200")});
    ASSERT_EQ(o.code, 0) << o.err.toStdString();
    // THEN the optimisation and Monte Carlo sections are there, the heatmap's axes as asked
    const QString opt = text(optHtml);
    EXPECT_TRUE(opt.contains(QStringLiteral("<section id=\"optimisation\">")));
    EXPECT_TRUE(opt.contains(QStringLiteral("sharpe by fast (rows) and slow (columns)"))) << "heatmap axes";
    EXPECT_TRUE(opt.contains(QStringLiteral("<section id=\"monte-carlo\">")));
    EXPECT_FALSE(opt.contains(QStringLiteral("id=\"walk-forward\"")));
    // --heatmap must name two of the --param
    Out bad = cli(QStringList{QStringLiteral("optimize"), QStringLiteral("--strategy"), QStringLiteral("sma_cross")} + common() +
                  QStringList{QStringLiteral("--report"), optHtml, QStringLiteral("--heatmap"), QStringLiteral("fast,k")});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("--heatmap takes two of the --param names"))) << bad.err.toStdString();
}
