// kairos-cli optimize, merge-results, walkforward and montecarlo, run as processes over real
// bundled BTCUSDT days.
#include "testdata.h"

#include <QProcess>
#include <QStringList>

#include <gtest/gtest.h>

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
QStringList base() {
    return {QStringLiteral("--input"),      btcDays(),
            QStringLiteral("--strategy"),   QStringLiteral("sma_cross"),
            QStringLiteral("--commission"), QStringLiteral("0.001")};
}
QStringList grid() {
    return {QStringLiteral("--param"), QStringLiteral("fast=5:25:5"), QStringLiteral("--param"), QStringLiteral("slow=20:60:20")};
}
}  // namespace

TEST(CliOptimize, GridResultsHaveAColumnPerParamThenEveryMetricRankedByTheObjective) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString results = dir + QStringLiteral("/r.csv");
    Out r =
        cli(QStringList{QStringLiteral("optimize")} + base() + grid() +
            QStringList{QStringLiteral("--objective"), QStringLiteral("max_drawdown_pct"), QStringLiteral("--results"), results});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("13/13 combinations"))) << r.err.toStdString();  // progress on stderr
    const QStringList rows = lines(results);
    // 5 x 3 combinations less (20,20) and (25,20), which sma_cross refuses
    ASSERT_EQ(rows.size(), 14);
    const QStringList header = rows[0].split(QLatin1Char(','));
    EXPECT_EQ(header[0], QStringLiteral("fast"));
    EXPECT_EQ(header[1], QStringLiteral("slow"));
    for (const char* key : {"final_equity", "closed_trades", "sharpe", "total_return_pct", "max_drawdown_pct", "profit_factor"})
        EXPECT_TRUE(header.contains(QLatin1String(key))) << key;
    EXPECT_FALSE(header.contains(QStringLiteral("open_position")));
    const int dd = static_cast<int>(header.indexOf(QStringLiteral("max_drawdown_pct")));
    // drawdown is minimised: lowest first
    for (int i = 2; i < rows.size(); ++i) {
        const QStringList a = rows[i - 1].split(QLatin1Char(',')), b = rows[i].split(QLatin1Char(','));
        ASSERT_EQ(a.size(), header.size());
        EXPECT_LE(a[dd].toDouble(), b[dd].toDouble()) << i;
        EXPECT_LT(b[0].toInt(), b[1].toInt());  // fast < slow in every row
    }
    // stdout: the top rows, best first
    EXPECT_TRUE(r.out.contains(QStringLiteral("rank,fast,slow,max_drawdown_pct"))) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("\n1,") + rows[1].section(QLatin1Char(','), 0, 1) + QLatin1Char(',')))
        << r.out.toStdString();
}

TEST(CliOptimize, OneAndTwoThreadsAndThreeMergedShardsWriteTheSameTableByteForByte) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString one = dir + QStringLiteral("/one.csv"), two = dir + QStringLiteral("/two.csv"),
                  merged = dir + QStringLiteral("/merged.csv");
    ASSERT_EQ(cli(QStringList{QStringLiteral("optimize")} + base() + grid() +
                  QStringList{QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--results"), one})
                  .code,
              0);
    ASSERT_EQ(cli(QStringList{QStringLiteral("optimize")} + base() + grid() +
                  QStringList{QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--results"), two})
                  .code,
              0);
    EXPECT_EQ(text(one), text(two));
    QStringList shards;
    for (int k = 1; k <= 3; ++k) {
        const QString part = dir + QStringLiteral("/shard%1.csv").arg(k);
        Out r = cli(QStringList{QStringLiteral("optimize")} + base() + grid() +
                    QStringList{QStringLiteral("--shard"), QStringLiteral("%1/3").arg(k), QStringLiteral("--results"), part});
        ASSERT_EQ(r.code, 0) << r.err.toStdString();
        EXPECT_LT(lines(part).size(), 14);
        shards << part;
    }
    // the shards in any order merge to the single run's table
    Out m =
        cli(QStringList{QStringLiteral("merge-results"), shards[2], shards[0], shards[1], QStringLiteral("--results"), merged});
    ASSERT_EQ(m.code, 0) << m.err.toStdString();
    EXPECT_EQ(text(merged), text(one));
    // merging with another objective than the shards ran with is refused, naming the flag
    Out wrong = cli(QStringList{QStringLiteral("merge-results"), shards[0], shards[1], shards[2], QStringLiteral("--results"),
                                merged, QStringLiteral("--objective"), QStringLiteral("max_drawdown_pct")});
    EXPECT_EQ(wrong.code, 2);
    EXPECT_TRUE(wrong.err.contains(QStringLiteral("--objective"))) << wrong.err.toStdString();
    // the same shard twice is a data error
    Out twice = cli(QStringList{QStringLiteral("merge-results"), shards[0], shards[0], QStringLiteral("--results"), merged});
    EXPECT_EQ(twice.code, 1);
}

TEST(CliOptimize, RandomAndGeneticSearchesRepeatWithTheirSeed) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QStringList space = {QStringLiteral("--param"), QStringLiteral("fast=2:40:1"), QStringLiteral("--param"),
                               QStringLiteral("slow=20:150:1")};
    for (const QStringList& method :
         {QStringList{QStringLiteral("--method"), QStringLiteral("random"), QStringLiteral("--samples"), QStringLiteral("12")},
          QStringList{QStringLiteral("--method"), QStringLiteral("genetic"), QStringLiteral("--population"), QStringLiteral("6"),
                      QStringLiteral("--generations"), QStringLiteral("3")}}) {
        QStringList files;
        for (const char* seed : {"3", "3", "4"}) {
            const QString f = dir + QStringLiteral("/%1-%2.csv").arg(method[1]).arg(files.size());
            Out r = cli(QStringList{QStringLiteral("optimize")} + base() + space + method +
                        QStringList{QStringLiteral("--seed"), QLatin1String(seed), QStringLiteral("--results"), f});
            ASSERT_EQ(r.code, 0) << r.err.toStdString();
            files << f;
        }
        EXPECT_EQ(text(files[0]), text(files[1])) << method[1].toStdString();
        EXPECT_NE(text(files[0]), text(files[2])) << method[1].toStdString();
        EXPECT_GE(lines(files[0]).size(), 7);
    }
}

TEST(CliOptimize, BadFlagsAndParametersExitTwoNamingThem) {
    struct Case {
        QStringList args;
        const char* message;
    };
    const QStringList g = grid();
    const std::vector<Case> cases = {
        {{QStringLiteral("--param"), QStringLiteral("fast=0:10:1")}, "fast a whole number 1..1000"},
        {{QStringLiteral("--param"), QStringLiteral("period=5:10:1")}, "unknown parameter \"period\""},
        {{QStringLiteral("--param"), QStringLiteral("fast=10:5:1")}, "below its start"},
        {g + QStringList{QStringLiteral("--method"), QStringLiteral("annealing")}, "--method takes grid, random or genetic"},
        {g + QStringList{QStringLiteral("--shard"), QStringLiteral("4/3")}, "--shard takes K/N"},
        {g + QStringList{QStringLiteral("--objective"), QStringLiteral("luck")}, "--objective \"luck\" is not a metric"},
        {g + QStringList{QStringLiteral("--threads"), QStringLiteral("0")}, "--threads takes a whole number from 1 to 1024"},
        {g + QStringList{QStringLiteral("--samples"), QStringLiteral("5")}, "--samples goes with --method random"},
        {g + QStringList{QStringLiteral("--method"), QStringLiteral("genetic"), QStringLiteral("--shard"), QStringLiteral("1/2")},
         "--shard works with --method grid or random"},
        {{}, "--param"},
    };
    for (const Case& c : cases) {
        Out r = cli(QStringList{QStringLiteral("optimize")} + base() + c.args);
        EXPECT_EQ(r.code, 2) << c.message << ": " << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(QString::fromUtf8(c.message))) << c.message << ": " << r.err.toStdString();
    }
    // a data error exits 1
    Out missing =
        cli({QStringLiteral("optimize"), QStringLiteral("--input"), QStringLiteral("/nonexistent/x.csv"),
             QStringLiteral("--strategy"), QStringLiteral("sma_cross"), QStringLiteral("--param"), QStringLiteral("fast=5,10")});
    EXPECT_EQ(missing.code, 1) << missing.err.toStdString();
}

TEST(CliOptimize, TakesBacktestsMakerTakerFeesAndRiskPerTradeFlags) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QStringList sma = {QStringLiteral("--input"),    btcDays(),
                             QStringLiteral("--strategy"), QStringLiteral("sma_cross"),
                             QStringLiteral("--param"),    QStringLiteral("fast=5,10"),
                             QStringLiteral("--param"),    QStringLiteral("slow=20,40")};
    auto run = [&](const QStringList& fees, const QString& results) {
        return cli(QStringList{QStringLiteral("optimize")} + sma + fees + QStringList{QStringLiteral("--results"), results});
    };
    // GIVEN sma_cross, which enters and exits with market orders (taker fills only)
    const QString commission = dir + QStringLiteral("/commission.csv"), taker = dir + QStringLiteral("/taker.csv"),
                  dearer = dir + QStringLiteral("/dearer.csv");
    ASSERT_EQ(run({QStringLiteral("--commission"), QStringLiteral("0.001")}, commission).code, 0);
    // WHEN optimised with maker 2 bp and taker 10 bp
    Out r = run({QStringLiteral("--maker-bps"), QStringLiteral("2"), QStringLiteral("--taker-bps"), QStringLiteral("10")}, taker);
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    // THEN the run says so, and every row is the one a 0.001 (10 bp) commission gives; 20 bp taker costs more
    EXPECT_TRUE(r.out.contains(QStringLiteral("commission maker 2 bp, taker 10 bp"))) << r.out.toStdString();
    EXPECT_EQ(lines(taker).size(), 5);
    EXPECT_EQ(text(taker), text(commission));
    ASSERT_EQ(run({QStringLiteral("--taker-bps"), QStringLiteral("20")}, dearer).code, 0);
    EXPECT_NE(text(dearer), text(commission));
    // --commission with maker/taker, a bad fee and --risk-per-trade for a strategy without a stop exit 2 naming the fix
    struct Case {
        QStringList args;
        const char* message = nullptr;
    };
    for (const Case& c :
         {Case{{QStringLiteral("--commission"), QStringLiteral("0.001"), QStringLiteral("--taker-bps"), QStringLiteral("10")},
               "--commission and --maker-bps/--taker-bps exclude each other"},
          Case{{QStringLiteral("--maker-bps"), QStringLiteral("-1")}, "--maker-bps takes"},
          Case{{QStringLiteral("--risk-per-trade"), QStringLiteral("1")}, "sma_cross sets no stop (use --strategy formula"},
          Case{{QStringLiteral("--risk-per-trade"), QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("1")},
               "exclude each other"}}) {
        Out bad = cli(QStringList{QStringLiteral("optimize")} + sma + c.args);
        EXPECT_EQ(bad.code, 2) << c.message << ": " << bad.err.toStdString();
        EXPECT_TRUE(bad.err.contains(QString::fromUtf8(c.message))) << c.message << ": " << bad.err.toStdString();
    }
    // AND the signal strategy, whose entries carry a stop, is sized by --risk-per-trade
    const QString risk = dir + QStringLiteral("/risk.csv");
    Out s = cli({QStringLiteral("optimize"), QStringLiteral("--input"), btcDays(), QStringLiteral("--strategy"),
                 QStringLiteral("signal"), QStringLiteral("--param"), QStringLiteral("tp=1,2"),
                 QStringLiteral("--risk-per-trade"), QStringLiteral("1"), QStringLiteral("--results"), risk});
    ASSERT_EQ(s.code, 0) << s.err.toStdString();
    EXPECT_TRUE(s.out.contains(QStringLiteral("risk 1 % of equity a trade"))) << s.out.toStdString();
    EXPECT_EQ(lines(risk).size(), 3);
}

TEST(CliWalkForward, RollingWindowsOverRealDaysPrintTheChosenParametersAndTheEfficiency) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString windows = dir + QStringLiteral("/w.csv"), equity = dir + QStringLiteral("/e.csv"),
                  trades = dir + QStringLiteral("/t.csv");
    Out r = cli(QStringList{QStringLiteral("walkforward")} + base() + grid() +
                QStringList{QStringLiteral("--in-sample"), QStringLiteral("2y"), QStringLiteral("--out-of-sample"),
                            QStringLiteral("6m"), QStringLiteral("--results"), windows, QStringLiteral("--equity"), equity,
                            QStringLiteral("--trades"), trades});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    const QStringList w = lines(windows);
    ASSERT_EQ(w.size(), 7);  // header + 6 windows (out-of-sample from 2022-09-20, every 6 months)
    EXPECT_TRUE(
        w[0].startsWith(QStringLiteral("window,in_start,in_end,out_start,out_end,in_bars,out_bars,combinations,fast,slow,"
                                       "in_sharpe,out_sharpe")))
        << w[0].toStdString();
    EXPECT_TRUE(
        w[1].startsWith(QStringLiteral("1,2020-09-20T00:00:00.000Z,2022-09-20T00:00:00.000Z,2022-09-20T00:00:00.000Z,"
                                       "2023-03-20T00:00:00.000Z,730,181,13,")))
        << w[1].toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("walk_forward_efficiency,"))) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("rolling: in-sample 2y, out-of-sample 6m, 6 windows")));
    // the stitched equity has one row per out-of-sample bar, and its last value is the final equity
    const QStringList e = lines(equity);
    EXPECT_EQ(e[0], QStringLiteral("time,equity"));
    EXPECT_TRUE(r.out.contains(QStringLiteral("out_of_sample_final_equity,") + e.back().section(QLatin1Char(','), 1)));
    EXPECT_EQ(lines(trades)[0].section(QLatin1Char(','), 0, 0), QStringLiteral("entry_time"));
    // anchored: every in-sample window starts at the first bar
    Out a = cli(QStringList{QStringLiteral("walkforward")} + base() + grid() +
                QStringList{QStringLiteral("--in-sample"), QStringLiteral("2y"), QStringLiteral("--out-of-sample"),
                            QStringLiteral("1y"), QStringLiteral("--anchored"), QStringLiteral("--results"), windows});
    ASSERT_EQ(a.code, 0) << a.err.toStdString();
    const QStringList aw = lines(windows);
    ASSERT_EQ(aw.size(), 4);  // out-of-sample from 2022-09-20, 2023-09-20, 2024-09-20
    for (int i = 1; i < aw.size(); ++i)
        EXPECT_EQ(aw[i].section(QLatin1Char(','), 1, 1), QStringLiteral("2020-09-20T00:00:00.000Z"));
    // bad spans exit 2 naming the flag
    Out bad = cli(QStringList{QStringLiteral("walkforward")} + base() + grid() +
                  QStringList{QStringLiteral("--in-sample"), QStringLiteral("2q"), QStringLiteral("--out-of-sample"),
                              QStringLiteral("6m")});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("--in-sample"))) << bad.err.toStdString();
    // data shorter than the in-sample window is a data error
    Out shortData = cli(QStringList{QStringLiteral("walkforward")} + base() + grid() +
                        QStringList{QStringLiteral("--in-sample"), QStringLiteral("10y"), QStringLiteral("--out-of-sample"),
                                    QStringLiteral("6m")});
    EXPECT_EQ(shortData.code, 1) << shortData.err.toStdString();
}

TEST(CliMonteCarlo, ShuffleAndBootstrapOfABacktestsTradesRepeatWithTheSeed) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString trades = dir + QStringLiteral("/t.csv"), bands = dir + QStringLiteral("/b.csv");
    Out bt = cli(QStringList{QStringLiteral("backtest")} + base() +
                 QStringList{QStringLiteral("--at-end"), QStringLiteral("close"), QStringLiteral("--trades"), trades});
    ASSERT_EQ(bt.code, 0) << bt.err.toStdString();
    const QStringList mc = {QStringLiteral("montecarlo"), QStringLiteral("--trades"), trades,
                            QStringLiteral("--runs"),     QStringLiteral("2000"),     QStringLiteral("--seed"),
                            QStringLiteral("9"),          QStringLiteral("--bands"),  bands};
    Out a = cli(mc);
    ASSERT_EQ(a.code, 0) << a.err.toStdString();
    const QString bandsA = text(bands);
    Out b = cli(mc);
    ASSERT_EQ(b.code, 0);
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(text(bands), bandsA);
    // shuffling keeps the final equity: the 5th and 95th percentiles are the same number
    QString shuffleFinal, bootFinal;
    for (const QString& line : a.out.split(QLatin1Char('\n'))) {
        if (line.startsWith(QStringLiteral("shuffle,final_equity,"))) shuffleFinal = line;
        if (line.startsWith(QStringLiteral("bootstrap,final_equity,"))) bootFinal = line;
    }
    const QStringList s = shuffleFinal.split(QLatin1Char(',')), bs = bootFinal.split(QLatin1Char(','));
    ASSERT_EQ(s.size(), 8) << a.out.toStdString();
    ASSERT_EQ(bs.size(), 8) << a.out.toStdString();
    EXPECT_EQ(s[2], s[6]);
    EXPECT_NE(bs[2], bs[6]);  // bootstrap: it varies
    EXPECT_TRUE(a.out.contains(QStringLiteral("method,ruin_probability\nshuffle,")));
    EXPECT_EQ(lines(bands)[0], QStringLiteral("method,trade,p5,p50,p95"));
    // another seed, other numbers
    QStringList other = mc;
    other[6] = QStringLiteral("10");
    EXPECT_NE(cli(other).out, a.out);
    // bad flags exit 2, a missing file 1
    Out runs =
        cli({QStringLiteral("montecarlo"), QStringLiteral("--trades"), trades, QStringLiteral("--runs"), QStringLiteral("0")});
    EXPECT_EQ(runs.code, 2);
    EXPECT_TRUE(runs.err.contains(QStringLiteral("--runs takes a whole number from 1 to 10000000"))) << runs.err.toStdString();
    Out ruin = cli({QStringLiteral("montecarlo"), QStringLiteral("--trades"), trades, QStringLiteral("--ruin-drawdown"),
                    QStringLiteral("150")});
    EXPECT_EQ(ruin.code, 2);
    EXPECT_EQ(cli({QStringLiteral("montecarlo")}).code, 2);
    EXPECT_EQ(cli({QStringLiteral("montecarlo"), QStringLiteral("--trades"), dir + QStringLiteral("/none.csv")}).code, 1);
    // optimize --montecarlo: the analysis of the best combination's trades
    Out opt = cli(QStringList{QStringLiteral("optimize")} + base() + grid() +
                  QStringList{QStringLiteral("--montecarlo"), QStringLiteral("200")});
    ASSERT_EQ(opt.code, 0) << opt.err.toStdString();
    EXPECT_TRUE(opt.out.contains(QStringLiteral("# Monte Carlo of the best combination's"))) << opt.out.toStdString();
}
