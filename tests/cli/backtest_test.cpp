// kairos-backtest (and `kairos-cli backtest`), run as processes over real bundled bars.
#include "domain/decimal.h"
#include "testdata.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

#include <gtest/gtest.h>

#include <map>
#include <tuple>

namespace {
struct Out {
    int code;
    QString out, err;
};
Out run(const char* program, const QStringList& args) {
    QProcess p;
    p.start(QString::fromUtf8(program), args);
    EXPECT_TRUE(p.waitForFinished(120000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
Out backtest(const QStringList& args) { return run(KAIROS_BACKTEST_PATH, args); }
QString eth() { return QString::fromStdString(kairos::test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv")); }

/// metric -> value from the "metric,value" block; trade rows (CSV fields) from the block after it.
struct Parsed {
    std::map<QString, QString> metrics;
    std::vector<QStringList> trades;
};
Parsed parse(const QString& out) {
    Parsed p;
    const QStringList blocks = out.split(QStringLiteral("\n\n"));
    for (const QString& line : blocks[0].split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1Char('#')) || line == QStringLiteral("metric,value")) continue;
        const int comma = line.indexOf(QLatin1Char(','));
        p.metrics[line.left(comma)] = line.mid(comma + 1);
    }
    if (blocks.size() > 1) {
        const QStringList lines = blocks[1].split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (int i = 1; i < lines.size(); ++i) p.trades.push_back(lines[i].split(QLatin1Char(',')));
    }
    return p;
}
kairos::Money money(const QString& s) {
    auto m = kairos::Money::parse(s.toStdString());
    EXPECT_TRUE(m.ok()) << s.toStdString();
    return m.ok() ? *m : kairos::Money{};
}
}  // namespace

TEST(CliBacktest, PrintsMetricsAndTradesThatAddUp) {
    // WHEN the signal strategy is backtested over 90 days of real ETHUSDT hours with its trades listed
    Out r = backtest({QStringLiteral("--input"), eth(), QStringLiteral("--capital"), QStringLiteral("5000"),
                      QStringLiteral("--fee-bps"), QStringLiteral("7.5"), QStringLiteral("--trades")});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.startsWith(QStringLiteral("# BINANCE:ETHUSDT 1h, 2160 bars, 2025-06-21T23:00:00.000Z")))
        << r.out.left(200).toStdString();
    const Parsed p = parse(r.out);
    for (const char* key : {"initial_capital",
                            "final_equity",
                            "net_profit",
                            "total_return_pct",
                            "cagr_pct",
                            "max_drawdown",
                            "max_drawdown_pct",
                            "max_drawdown_peak",
                            "max_drawdown_trough",
                            "sharpe",
                            "sortino",
                            "periods_per_year",
                            "profit_factor",
                            "win_rate_pct",
                            "average_win",
                            "average_loss",
                            "expectancy",
                            "trades",
                            "wins",
                            "losses",
                            "total_fees",
                            "exposure_pct",
                            "buy_hold_return_pct"})
        EXPECT_TRUE(p.metrics.count(QString::fromLatin1(key))) << key;
    // THEN the trades listed are the trades counted, and their net P&L and fees add up to the totals exactly
    ASSERT_GT(p.trades.size(), 10u);
    EXPECT_EQ(p.metrics.at(QStringLiteral("trades")).toInt(), static_cast<int>(p.trades.size()));
    EXPECT_EQ(p.metrics.at(QStringLiteral("initial_capital")), QStringLiteral("5000"));
    kairos::Money net, fees;
    int wins = 0;
    for (const QStringList& t : p.trades) {
        ASSERT_EQ(t.size(), 11) << t.join(QLatin1Char(',')).toStdString();
        EXPECT_TRUE(t[2] == QStringLiteral("LONG") || t[2] == QStringLiteral("SHORT"));
        EXPECT_EQ(money(t[8]), *money(t[6]).sub(money(t[7])));  // net = gross - fees
        net = *net.add(money(t[8]));
        fees = *fees.add(money(t[7]));
        wins += money(t[8]) > kairos::Money{} ? 1 : 0;
        EXPECT_LE(t[0], t[1]);  // entry before exit (ISO text sorts by time)
    }
    EXPECT_EQ(money(p.metrics.at(QStringLiteral("net_profit"))), net);
    EXPECT_EQ(money(p.metrics.at(QStringLiteral("total_fees"))), fees);
    EXPECT_EQ(money(p.metrics.at(QStringLiteral("final_equity"))), *money(QStringLiteral("5000")).add(net));
    EXPECT_EQ(p.metrics.at(QStringLiteral("wins")).toInt(), wins);

    // kairos-cli backtest is the same command
    Out same = run(KAIROS_CLI_PATH,
                   {QStringLiteral("backtest"), QStringLiteral("--input"), eth(), QStringLiteral("--capital"),
                    QStringLiteral("5000"), QStringLiteral("--fee-bps"), QStringLiteral("7.5"), QStringLiteral("--trades")});
    ASSERT_EQ(same.code, 0) << same.err.toStdString();
    EXPECT_EQ(same.out, r.out);

    // without fees nothing is paid; without --trades only the metrics are printed
    Out free = backtest({QStringLiteral("--input"), eth(), QStringLiteral("--fee-bps"), QStringLiteral("0")});
    ASSERT_EQ(free.code, 0) << free.err.toStdString();
    const Parsed f = parse(free.out);
    EXPECT_EQ(f.metrics.at(QStringLiteral("total_fees")), QStringLiteral("0"));
    EXPECT_TRUE(f.trades.empty());
}

TEST(CliBacktest, BadInputGivesAClearErrorAndExitCode) {
    Out none = backtest({});
    EXPECT_EQ(none.code, 2);
    EXPECT_TRUE(none.out.contains(QStringLiteral("Usage: kairos-backtest --input FILE")));
    auto expectError = [](const QStringList& args, int code, const QString& text) {
        Out r = backtest(args);
        EXPECT_EQ(r.code, code) << args.join(QLatin1Char(' ')).toStdString();
        EXPECT_TRUE(r.err.startsWith(QStringLiteral("kairos-backtest: "))) << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(text)) << r.err.toStdString();
        EXPECT_TRUE(r.out.isEmpty()) << r.out.toStdString();
    };
    expectError({QStringLiteral("--trades")}, 2, QStringLiteral("needs --input FILE"));
    expectError({QStringLiteral("--input"), QStringLiteral("/nonexistent/x_1h.csv")}, 1, QStringLiteral("/nonexistent/x_1h.csv"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--capital"), QStringLiteral("lots")}, 2,
                QStringLiteral("--capital takes a plain decimal number"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--capital"), QStringLiteral("0")}, 2,
                QStringLiteral("--capital must be above 0"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--fee-bps"), QStringLiteral("-1")}, 2,
                QStringLiteral("--fee-bps cannot be negative"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--fraction"), QStringLiteral("2")}, 2,
                QStringLiteral("fraction of equity"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--tp"), QStringLiteral("5")}, 2,
                QStringLiteral("take-profit level"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--bogus")}, 2, QStringLiteral("unknown option --bogus"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--timeframe"), QStringLiteral("1d")}, 1,
                QStringLiteral("are these 1d bars?"));
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--from"), QStringLiteral("2030-01-01")}, 1,
                QStringLiteral("no bars"));
    // a rules file that is not valid JSON, and a candle file with a broken row: the file and line are named
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    QFile rules(dir + QStringLiteral("/rules.json"));
    ASSERT_TRUE(rules.open(QIODevice::WriteOnly));
    rules.write("{\"minScore\": \"three\"}");
    rules.close();
    expectError({QStringLiteral("--input"), eth(), QStringLiteral("--rules"), rules.fileName()}, 2, QStringLiteral("minScore"));
    const QStringList lines = QString::fromStdString(kairos::test::readFile(eth().toStdString())).split(QLatin1Char('\n'));
    QStringList broken = lines.mid(0, 50);
    QStringList row = broken[10].split(QLatin1Char(','));
    row[2] = QStringLiteral("1");  // high far below the low
    broken[10] = row.join(QLatin1Char(','));
    QFile bad(dir + QStringLiteral("/binance_spot_ETHUSDT_1h_broken.csv"));
    ASSERT_TRUE(bad.open(QIODevice::WriteOnly));
    bad.write(broken.join(QLatin1Char('\n')).toUtf8());
    bad.close();
    expectError({QStringLiteral("--input"), bad.fileName()}, 1, QStringLiteral("binance_spot_ETHUSDT_1h_broken.csv:11"));
}

TEST(CliBacktest, APreTradeCheckRefusesTheStrategysOrdersBeforeTheVenue) {
    // GIVEN 90 days of real ETHUSDT hours, which the signal strategy trades when unchecked
    Out free = backtest({QStringLiteral("--input"), eth()});
    ASSERT_EQ(free.code, 0) << free.err.toStdString();
    ASSERT_NE(parse(free.out).metrics.at(QStringLiteral("trades")), QStringLiteral("0"));
    // WHEN every order worth more than 1 USDT is refused by the pre-trade check (the account's gateway)
    Out r = backtest({QStringLiteral("--input"), eth(), QStringLiteral("--max-order-notional"), QStringLiteral("1")});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    // THEN no order reaches the venue, nothing trades, and the refusals are counted and explained
    EXPECT_EQ(parse(r.out).metrics.at(QStringLiteral("trades")), QStringLiteral("0"));
    const QRegularExpression orders(QStringLiteral("# orders: 0 placed by the strategy, (\\d+) rejected"));
    const auto m = orders.match(r.out);
    ASSERT_TRUE(m.hasMatch()) << r.out.left(400).toStdString();
    EXPECT_GT(m.captured(1).toInt(), 0);
    EXPECT_TRUE(r.out.contains(QStringLiteral("# pre-trade check: at most 1 per order"))) << r.out.left(400).toStdString();
    Out bad = backtest({QStringLiteral("--input"), eth(), QStringLiteral("--max-order-notional"), QStringLiteral("0")});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("--max-order-notional must be above 0"))) << bad.err.toStdString();
}

// ---------------------------------------------------------------------------------------------
// The strategy form: kairos-cli backtest --strategy NAME / --entry FORMULA with the flags.

namespace {
QString btcDaily() {
    return QString::fromStdString(kairos::test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
}
Out cliBacktest(const QStringList& args) { return run(KAIROS_CLI_PATH, QStringList{QStringLiteral("backtest")} + args); }
QString readText(const QString& path) { return QString::fromStdString(kairos::test::readFile(path.toStdString())); }
QStringList csvRows(const QString& path) { return readText(path).split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
}  // namespace

TEST(CliBacktestStrategy, SmaCrossWritesTradesSummaryAndEquityThatAgree) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString trades = dir + QStringLiteral("/trades.csv"), summary = dir + QStringLiteral("/summary.json"),
                  equity = dir + QStringLiteral("/equity.csv");
    // WHEN sma_cross 10/30 runs over five years of real BTCUSDT days with the command line
    Out r = cliBacktest({QStringLiteral("--input"), btcDaily(), QStringLiteral("--strategy"), QStringLiteral("sma_cross"),
                         QStringLiteral("--param"), QStringLiteral("fast=10"), QStringLiteral("--param"),
                         QStringLiteral("slow=30"), QStringLiteral("--cash"), QStringLiteral("10000"),
                         QStringLiteral("--commission"), QStringLiteral("0.001"), QStringLiteral("--trades"), trades,
                         QStringLiteral("--summary"), summary, QStringLiteral("--equity"), equity});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.startsWith(QStringLiteral("# BINANCE:BTCUSDT 1d, 1825 bars"))) << r.out.left(200).toStdString();
    // THEN the trades file has the exact header and one row per closed trade
    const QStringList rows = csvRows(trades);
    ASSERT_GE(rows.size(), 10);
    EXPECT_EQ(rows[0],
              QStringLiteral("entry_time,entry_price,exit_time,exit_price,side,quantity,pnl_gross,commission,pnl_net,"
                             "exit_reason,bars_held"));
    // and the summary has every metric, agreeing with the trades and the equity file
    QJsonParseError err;
    const QJsonObject s = QJsonDocument::fromJson(readText(summary).toUtf8(), &err).object();
    ASSERT_EQ(err.error, QJsonParseError::NoError) << err.errorString().toStdString();
    for (const char* key : {"total_return_pct",
                            "cagr_pct",
                            "annual_volatility_pct",
                            "sharpe",
                            "sortino",
                            "risk_free_rate",
                            "calmar",
                            "max_drawdown",
                            "max_drawdown_pct",
                            "max_drawdown_duration_bars",
                            "win_rate_pct",
                            "profit_factor",
                            "expectancy",
                            "average_win",
                            "average_loss",
                            "exposure_pct",
                            "trades",
                            "longest_win_streak",
                            "longest_loss_streak",
                            "buy_hold_return_pct",
                            "final_equity",
                            "final_cash",
                            "closed_trades",
                            "open_position"})
        EXPECT_TRUE(s.contains(QLatin1String(key))) << key;
    EXPECT_EQ(s.value(QStringLiteral("closed_trades")).toInt(), rows.size() - 1);
    kairos::Money net;
    for (int i = 1; i < rows.size(); ++i) {
        const QStringList t = rows[i].split(QLatin1Char(','));
        ASSERT_EQ(t.size(), 11) << rows[i].toStdString();
        EXPECT_EQ(t[4], QStringLiteral("long"));  // long only by default
        EXPECT_EQ(money(t[8]), *money(t[6]).sub(money(t[7])));
        net = *net.add(money(t[8]));
        EXPECT_TRUE(t[9] == QStringLiteral("signal")) << t[9].toStdString();
    }
    // final equity = cash + open position at the last close; with no open position = capital + net
    const QStringList eq = csvRows(equity);
    EXPECT_EQ(eq[0], QStringLiteral("time,equity"));
    EXPECT_EQ(eq.size(), 1826);
    const QString finalEquity = eq.back().split(QLatin1Char(',')).at(1);
    const QString summaryText = readText(summary);
    EXPECT_TRUE(summaryText.contains(QStringLiteral("\"final_equity\": ") + finalEquity)) << finalEquity.toStdString();
    if (s.value(QStringLiteral("open_position")).isNull()) {
        EXPECT_EQ(money(finalEquity), *money(QStringLiteral("10000")).add(net));
    } else {
        const QJsonObject p = s.value(QStringLiteral("open_position")).toObject();
        EXPECT_EQ(p.value(QStringLiteral("side")).toString(), QStringLiteral("long"));
        EXPECT_TRUE(p.contains(QStringLiteral("entry_time")));
        EXPECT_TRUE(p.contains(QStringLiteral("entry_price")));
        EXPECT_TRUE(p.contains(QStringLiteral("quantity")));
    }
}

TEST(CliBacktestStrategy, FormulaCrossesTradeExactlyLikeTheBuiltinSmaCross) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString a = dir + QStringLiteral("/builtin.csv"), b = dir + QStringLiteral("/formula.csv");
    Out builtin = cliBacktest({QStringLiteral("--input"), btcDaily(), QStringLiteral("--strategy"), QStringLiteral("sma_cross"),
                               QStringLiteral("--commission"), QStringLiteral("0.001"), QStringLiteral("--trades"), a});
    ASSERT_EQ(builtin.code, 0) << builtin.err.toStdString();
    Out formula = cliBacktest({QStringLiteral("--input"), btcDaily(), QStringLiteral("--entry"),
                               QStringLiteral("crossover(sma(close,10), sma(close,30))"), QStringLiteral("--exit"),
                               QStringLiteral("crossunder(sma(close,10), sma(close,30))"), QStringLiteral("--commission"),
                               QStringLiteral("0.001"), QStringLiteral("--trades"), b});
    ASSERT_EQ(formula.code, 0) << formula.err.toStdString();
    EXPECT_GT(csvRows(a).size(), 20);
    EXPECT_EQ(readText(a), readText(b));
}

TEST(CliBacktestStrategy, ReadsBacktradersSampleDataAndKeepsOrClosesAtTheEnd) {
    // backtrader's own sample (Oracle daily 1995-2014, Yahoo format): the timeframe comes from the bars
    const QString orcl = QString::fromStdString(kairos::test::realData("backtrader/orcl-1995-2014.txt"));
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString keep = dir + QStringLiteral("/keep.json"), close = dir + QStringLiteral("/close.json");
    // sma_cross 5/20 with 10 shares an entry, no commission, under both end conventions
    const QStringList common = {QStringLiteral("--input"),    orcl,
                                QStringLiteral("--strategy"), QStringLiteral("sma_cross"),
                                QStringLiteral("--param"),    QStringLiteral("fast=5"),
                                QStringLiteral("--param"),    QStringLiteral("slow=20"),
                                QStringLiteral("--size"),     QStringLiteral("10")};
    Out k = cliBacktest(common + QStringList{QStringLiteral("--summary"), keep});
    ASSERT_EQ(k.code, 0) << k.err.toStdString();
    EXPECT_TRUE(k.out.startsWith(QStringLiteral("# FILE:orcl-1995-2014 1d, 5036 bars"))) << k.out.left(200).toStdString();
    Out c = cliBacktest(common +
                        QStringList{QStringLiteral("--at-end"), QStringLiteral("close"), QStringLiteral("--summary"), close});
    ASSERT_EQ(c.code, 0) << c.err.toStdString();
    const QJsonObject sk = QJsonDocument::fromJson(readText(keep).toUtf8()).object();
    const QJsonObject sc = QJsonDocument::fromJson(readText(close).toUtf8()).object();
    // no commission: final equity is the same either way; keep reports the position, close one more trade
    EXPECT_EQ(sk.value(QStringLiteral("final_equity")), sc.value(QStringLiteral("final_equity")));
    EXPECT_TRUE(sc.value(QStringLiteral("open_position")).isNull());
    if (sk.value(QStringLiteral("open_position")).isNull()) {
        EXPECT_EQ(sk.value(QStringLiteral("closed_trades")), sc.value(QStringLiteral("closed_trades")));
    } else {
        EXPECT_EQ(sk.value(QStringLiteral("closed_trades")).toInt() + 1, sc.value(QStringLiteral("closed_trades")).toInt());
        EXPECT_EQ(sk.value(QStringLiteral("open_position")).toObject().value(QStringLiteral("quantity")).toInt(), 10);
    }
}

TEST(CliBacktestStrategy, RunsOnAStoredSeriesLikeOnTheFile) {
    const QString profile = QString::fromStdString(kairos::test::tempDir());
    Out imp = run(KAIROS_CLI_PATH, {QStringLiteral("--profile"), profile, QStringLiteral("import"), btcDaily()});
    ASSERT_EQ(imp.code, 0) << imp.err.toStdString();
    const QString a = profile + QStringLiteral("/file.csv"), b = profile + QStringLiteral("/store.csv");
    const QStringList common = {QStringLiteral("--strategy"), QStringLiteral("donchian_breakout"),
                                QStringLiteral("--from"),     QStringLiteral("2022-01-01"),
                                QStringLiteral("--to"),       QStringLiteral("2025-01-01")};
    Out f = cliBacktest(common + QStringList{QStringLiteral("--input"), btcDaily(), QStringLiteral("--trades"), a});
    ASSERT_EQ(f.code, 0) << f.err.toStdString();
    Out s = cliBacktest(common +
                        QStringList{QStringLiteral("--profile"), profile, QStringLiteral("--store"),
                                    QStringLiteral("BINANCE:BTCUSDT 1d"), QStringLiteral("--trades"), b});
    ASSERT_EQ(s.code, 0) << s.err.toStdString();
    EXPECT_GT(csvRows(a).size(), 3);
    EXPECT_EQ(readText(a), readText(b));
    EXPECT_TRUE(s.out.contains(QStringLiteral("1096 bars"))) << s.out.left(200).toStdString();
}

TEST(CliBacktestStrategy, BadFlagsAndParametersExitTwoNamingThemAndDataErrorsExitOne) {
    auto expectError = [](const QStringList& args, int code, const QString& text) {
        Out r = cliBacktest(args);
        EXPECT_EQ(r.code, code) << args.join(QLatin1Char(' ')).toStdString();
        EXPECT_TRUE(r.err.contains(text)) << r.err.toStdString();
        EXPECT_TRUE(r.out.isEmpty()) << r.out.toStdString();
    };
    const QStringList sma = {QStringLiteral("--input"), btcDaily(), QStringLiteral("--strategy"), QStringLiteral("sma_cross")};
    expectError(sma + QStringList{QStringLiteral("--param"), QStringLiteral("fast=0")}, 2,
                QStringLiteral("fast a whole number 1..1000"));
    expectError(sma + QStringList{QStringLiteral("--param"), QStringLiteral("fast=40")}, 2, QStringLiteral("must be below slow"));
    expectError(sma + QStringList{QStringLiteral("--param"), QStringLiteral("speed=3")}, 2,
                QStringLiteral("unknown parameter \"speed\""));
    expectError(sma + QStringList{QStringLiteral("--param"), QStringLiteral("fast")}, 2,
                QStringLiteral("--param takes KEY=VALUE"));
    expectError({QStringLiteral("--input"), btcDaily(), QStringLiteral("--strategy"), QStringLiteral("nope")}, 2,
                QStringLiteral("built-ins: sma_cross"));
    expectError(sma + QStringList{QStringLiteral("--commission"), QStringLiteral("abc")}, 2, QStringLiteral("--commission"));
    expectError(sma + QStringList{QStringLiteral("--commission"), QStringLiteral("1.5")}, 2, QStringLiteral("--commission"));
    expectError(sma + QStringList{QStringLiteral("--at-end"), QStringLiteral("maybe")}, 2,
                QStringLiteral("--at-end takes keep or close"));
    expectError(sma + QStringList{QStringLiteral("--fill"), QStringLiteral("later")}, 2, QStringLiteral("--fill takes"));
    expectError(sma + QStringList{QStringLiteral("--percent-equity"), QStringLiteral("0")}, 2,
                QStringLiteral("--percent-equity"));
    expectError(
        sma + QStringList{QStringLiteral("--size"), QStringLiteral("1"), QStringLiteral("--notional"), QStringLiteral("5")}, 2,
        QStringLiteral("exclude each other"));
    expectError(sma + QStringList{QStringLiteral("--risk-per-trade"), QStringLiteral("1")}, 2,
                QStringLiteral("sma_cross sets no stop"));
    expectError(sma + QStringList{QStringLiteral("--risk-per-trade"), QStringLiteral("0")}, 2,
                QStringLiteral("--risk-per-trade takes"));
    expectError(
        sma + QStringList{QStringLiteral("--size"), QStringLiteral("1"), QStringLiteral("--risk-per-trade"), QStringLiteral("1")},
        2, QStringLiteral("exclude each other"));
    expectError(sma +
                    QStringList{QStringLiteral("--commission"), QStringLiteral("0.001"), QStringLiteral("--taker-bps"),
                                QStringLiteral("10")},
                2, QStringLiteral("--commission and --maker-bps/--taker-bps exclude each other"));
    expectError(sma + QStringList{QStringLiteral("--maker-bps"), QStringLiteral("-1")}, 2, QStringLiteral("--maker-bps takes"));
    expectError(sma + QStringList{QStringLiteral("--report"), QStringLiteral("/nonexistent/dir/x.html")}, 1,
                QStringLiteral("cannot write"));
    expectError({QStringLiteral("--input"), btcDaily(), QStringLiteral("--entry"), QStringLiteral("crossover(close, )")}, 2,
                QStringLiteral("entry: column 18:"));
    expectError({QStringLiteral("--input"), QStringLiteral("/nonexistent/x_1d.csv"), QStringLiteral("--strategy"),
                 QStringLiteral("sma_cross")},
                1, QStringLiteral("no such file"));
    expectError(sma + QStringList{QStringLiteral("--from"), QStringLiteral("2030-01-01")}, 1, QStringLiteral("no bars"));
}

TEST(CliBacktestStrategy, SeveralInputFilesOfOneSeriesAreReadInOrder) {
    // GIVEN the real BTCUSDT daily file cut in two files (each with the header)
    const QStringList lines = readText(btcDaily()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_GT(lines.size(), 1000);
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString first = dir + QStringLiteral("/binance_spot_BTCUSDT_1d_part1.csv");
    const QString second = dir + QStringLiteral("/binance_spot_BTCUSDT_1d_part2.csv");
    for (const auto& [path, from, to] : {std::tuple{first, 1, 900}, std::tuple{second, 900, static_cast<int>(lines.size())}}) {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write((QStringList{lines[0]} + lines.mid(from, to - from)).join(QLatin1Char('\n')).toUtf8());
    }
    const QString a = dir + QStringLiteral("/whole.csv"), b = dir + QStringLiteral("/parts.csv");
    // WHEN backtested from the whole file and from the two parts
    Out whole = cliBacktest({QStringLiteral("--input"), btcDaily(), QStringLiteral("--strategy"), QStringLiteral("ema_cross"),
                             QStringLiteral("--trades"), a});
    ASSERT_EQ(whole.code, 0) << whole.err.toStdString();
    Out parts = cliBacktest({QStringLiteral("--input"), first, QStringLiteral("--input"), second, QStringLiteral("--strategy"),
                             QStringLiteral("ema_cross"), QStringLiteral("--trades"), b});
    ASSERT_EQ(parts.code, 0) << parts.err.toStdString();
    // THEN the same trades; the parts in the wrong order are a data error naming the file
    EXPECT_GT(csvRows(a).size(), 5);
    EXPECT_EQ(readText(a), readText(b));
    Out wrong = cliBacktest({QStringLiteral("--input"), second, QStringLiteral("--input"), first, QStringLiteral("--strategy"),
                             QStringLiteral("ema_cross")});
    EXPECT_EQ(wrong.code, 1);
    EXPECT_TRUE(wrong.err.contains(QStringLiteral("part1.csv"))) << wrong.err.toStdString();
}

TEST(CliBacktestStrategy, MakerTakerFeesAndRiskPerTradeOnRealDays) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString trades = dir + QStringLiteral("/trades.csv"), summary = dir + QStringLiteral("/summary.json");
    // GIVEN a formula strategy with an ATR stop and target over real BTCUSDT days, sized to risk 1 %
    // of equity a trade, maker 2 bp (its resting targets) and taker 10 bp (market entries, stops)
    Out r = cliBacktest({QStringLiteral("--input"), btcDaily(), QStringLiteral("--entry"),
                         QStringLiteral("crossover(ema(close,9), ema(close,21))"), QStringLiteral("--stop"),
                         QStringLiteral("close - 2*atr(14)"), QStringLiteral("--target"), QStringLiteral("close + 4*atr(14)"),
                         QStringLiteral("--risk-per-trade"), QStringLiteral("1"), QStringLiteral("--maker-bps"),
                         QStringLiteral("2"), QStringLiteral("--taker-bps"), QStringLiteral("10"), QStringLiteral("--trades"),
                         trades, QStringLiteral("--summary"), summary});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("# commission maker 2 bp, taker 10 bp"))) << r.out.left(400).toStdString();
    EXPECT_TRUE(r.out.contains(QStringLiteral("risk 1 % of equity a trade"))) << r.out.left(400).toStdString();
    // THEN every trade's commission is 10 bp of its entry plus 2 bp (take profit) or 10 bp (stop) of its exit
    const QStringList rows = csvRows(trades);
    ASSERT_GT(rows.size(), 5);
    int targets = 0, stops = 0;
    for (int i = 1; i < rows.size(); ++i) {
        const QStringList t = rows[i].split(QLatin1Char(','));
        const double qty = t[5].toDouble(), entry = t[1].toDouble(), exit = t[3].toDouble();
        const double exitBps = t[9] == QStringLiteral("take_profit") ? 2 : 10;
        targets += t[9] == QStringLiteral("take_profit") ? 1 : 0;
        stops += t[9] == QStringLiteral("stop_loss") ? 1 : 0;
        EXPECT_NEAR(t[7].toDouble(), qty * entry * 10e-4 + qty * exit * exitBps * 1e-4, 2e-8) << rows[i].toStdString();
    }
    EXPECT_GT(targets, 0);
    EXPECT_GT(stops, 0);
    // and the summary has an average R over the trades (each had a stop), between the stop's -1 R
    // (less fees and gaps) and the target's about +2 R
    const QJsonObject s = QJsonDocument::fromJson(readText(summary).toUtf8()).object();
    EXPECT_EQ(s.value(QStringLiteral("trades_with_r")).toInt(), s.value(QStringLiteral("closed_trades")).toInt());
    const double avgR = s.value(QStringLiteral("average_r")).toDouble();
    EXPECT_GT(avgR, -1.5);
    EXPECT_LT(avgR, 2.5);
    for (const char* key : {"excess_return_pct", "monthly_returns", "yearly_returns"})
        EXPECT_TRUE(s.contains(QLatin1String(key))) << key;
    const QJsonArray years = s.value(QStringLiteral("yearly_returns")).toArray();
    ASSERT_EQ(years.size(), 6);  // 2020..2025
    EXPECT_EQ(years[0].toObject().value(QStringLiteral("year")).toInt(), 2020);
    EXPECT_EQ(s.value(QStringLiteral("monthly_returns")).toArray().size(), 61);  // Sep 2020 .. Sep 2025
    // the years chain to the total return
    double growth = 1;
    for (const auto& y : years) growth *= 1 + y.toObject().value(QStringLiteral("return_pct")).toDouble() / 100;
    EXPECT_NEAR((growth - 1) * 100, s.value(QStringLiteral("total_return_pct")).toDouble(), 1e-6);
}
