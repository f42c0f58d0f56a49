// kairos-cli backtest over several instruments in one account (a portfolio backtest) and backtest
// --montecarlo, run as processes over the real bundled daily files.
#include "domain/instrument.h"
#include "storage/database.h"
#include "storage/watchliststore.h"
#include "testdata.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

struct Out {
    int code;
    QString out, err;
};
Out run(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(KAIROS_CLI_PATH), args);
    EXPECT_TRUE(p.waitForFinished(120000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
Out cliBacktest(const QStringList& args) { return run(QStringList{QStringLiteral("backtest")} + args); }
QString daily(const char* symbol) {
    return QString::fromStdString(
        kairos::test::realData(std::string("candles/binance_spot_") + symbol + "USDT_1d_2020-09-20_2025-09-18.csv"));
}
QString readText(const QString& path) { return QString::fromStdString(kairos::test::readFile(path.toStdString())); }
QStringList csvRows(const QString& path) { return readText(path).split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
QJsonObject json(const QString& path) { return QJsonDocument::fromJson(readText(path).toUtf8()).object(); }

struct DayBar {
    std::int64_t openMs = 0;
    double open = 0, close = 0;
};
/// The rows of a Binance-style daily file with fromMs <= open time < toMs.
std::vector<DayBar> readBars(const QString& path, std::int64_t fromMs, std::int64_t toMs) {
    std::vector<DayBar> out;
    const QStringList lines = csvRows(path);
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList c = lines[i].split(QLatin1Char(','));
        const std::int64_t t = c[0].toLongLong();
        if (t >= fromMs && t < toMs) out.push_back({t, c[1].toDouble(), c[4].toDouble()});
    }
    return out;
}
std::int64_t ms(const char* iso) {
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toMSecsSinceEpoch();
}
QString iso(std::int64_t t) {
    return QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

/// A trade as the plain computation below makes it.
struct PlainTrade {
    int symbol = 0;
    std::int64_t entryMs = 0, exitMs = 0;
    double qty = 0, entry = 0, exit = 0, net = 0;
};

}  // namespace

TEST(CliBacktestPortfolio, EqualWeightOnTwoRealDailySeriesMatchesAPlainLedger) {
    // GIVEN BTCUSDT and ETHUSDT days of Q1 2024, sma_cross 3/8, 0.1 % commission, equal weight
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString trades = dir + QStringLiteral("/trades.csv"), summary = dir + QStringLiteral("/summary.json"),
                  equity = dir + QStringLiteral("/equity.csv");
    const std::int64_t from = ms("2024-01-01T00:00:00.000Z"), to = ms("2024-04-01T00:00:00.000Z");
    // WHEN the portfolio is backtested with its positions closed at the end
    Out r = cliBacktest({QStringLiteral("--input"),      daily("BTC"),
                         QStringLiteral("--input"),      daily("ETH"),
                         QStringLiteral("--strategy"),   QStringLiteral("sma_cross"),
                         QStringLiteral("--param"),      QStringLiteral("fast=3"),
                         QStringLiteral("--param"),      QStringLiteral("slow=8"),
                         QStringLiteral("--cash"),       QStringLiteral("10000"),
                         QStringLiteral("--commission"), QStringLiteral("0.001"),
                         QStringLiteral("--at-end"),     QStringLiteral("close"),
                         QStringLiteral("--from"),       QStringLiteral("2024-01-01"),
                         QStringLiteral("--to"),         QStringLiteral("2024-04-01"),
                         QStringLiteral("--trades"),     trades,
                         QStringLiteral("--summary"),    summary,
                         QStringLiteral("--equity"),     equity});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.out.startsWith(QStringLiteral("# portfolio of 2: BINANCE:BTCUSDT, BINANCE:ETHUSDT; 1d, 182 bars")))
        << r.out.left(300).toStdString();

    // THEN a plain ledger gives the same trades: decisions on each close (SMA 3 crossing SMA 8, as backtrader's
    // CrossOver), fills at the next open; an entry's budget is min(equity / 2, cash - entries not yet filled),
    // its quantity that budget / the decision close rounded down to the lot (BTC 0.00001, ETH 0.0001)
    const std::vector<DayBar> bars[2] = {readBars(daily("BTC"), from, to), readBars(daily("ETH"), from, to)};
    const double lotScale[2] = {1e5, 1e4};
    ASSERT_EQ(bars[0].size(), 91u);
    ASSERT_EQ(bars[1].size(), 91u);
    double cash = 10000;
    const double fee = 0.001;
    double pos[2] = {0, 0}, entryPx[2] = {0, 0}, entryFee[2] = {0, 0};
    std::int64_t entryMs[2] = {0, 0};
    int pending[2] = {0, 0};  // +1 buy, -1 sell at the next open
    double pendingQty[2] = {0, 0};
    std::deque<double> closes[2];
    int lastSign[2] = {0, 0};
    std::vector<PlainTrade> expected;
    const auto sma = [](const std::deque<double>& c, std::size_t n) {
        if (c.size() < n) return std::nan("");
        double s = 0;
        for (std::size_t i = c.size() - n; i < c.size(); ++i) s += c[i];
        return s / static_cast<double>(n);
    };
    for (std::size_t i = 0; i < bars[0].size(); ++i) {
        ASSERT_EQ(bars[0][i].openMs, bars[1][i].openMs);
        for (int k = 0; k < 2; ++k) {  // fills at this open
            const DayBar& b = bars[k][i];
            if (pending[k] > 0) {
                pos[k] = pendingQty[k];
                entryPx[k] = b.open;
                entryFee[k] = pos[k] * b.open * fee;
                entryMs[k] = b.openMs;
                cash -= pos[k] * b.open + entryFee[k];
            } else if (pending[k] < 0) {
                const double exitFee = pos[k] * b.open * fee;
                cash += pos[k] * b.open - exitFee;
                expected.push_back({k, entryMs[k], b.openMs, pos[k], entryPx[k], b.open,
                                    pos[k] * (b.open - entryPx[k]) - entryFee[k] - exitFee});
                pos[k] = 0;
            }
            pending[k] = 0;
        }
        double reserved = 0;
        for (int k = 0; k < 2; ++k) {  // decisions on this close, BTC first
            const DayBar& b = bars[k][i];
            closes[k].push_back(b.close);
            const double fast = sma(closes[k], 3), slow = sma(closes[k], 8);
            int cross = 0;
            if (!std::isnan(slow) && fast != slow) {
                const int sign = fast > slow ? 1 : -1;
                if (lastSign[k] != 0 && lastSign[k] != sign) cross = sign;
                lastSign[k] = sign;
            }
            const double equityNow = cash + pos[0] * bars[0][i].close + pos[1] * bars[1][i].close;
            if (pos[k] == 0 && cross > 0) {
                const double budget = std::min(equityNow / 2, cash - reserved);
                pendingQty[k] = std::floor(budget / b.close * lotScale[k]) / lotScale[k];
                if (pendingQty[k] > 0) {
                    pending[k] = 1;
                    reserved += pendingQty[k] * b.close;
                }
            } else if (pos[k] > 0 && cross < 0) {
                pending[k] = -1;
            }
        }
    }
    for (int k = 0; k < 2; ++k) {  // closed at the last close (the day's close time)
        if (pos[k] == 0) continue;
        const DayBar& b = bars[k].back();
        const double exitFee = pos[k] * b.close * fee;
        cash += pos[k] * b.close - exitFee;
        expected.push_back({k, entryMs[k], b.openMs + 86400000, pos[k], entryPx[k], b.close,
                            pos[k] * (b.close - entryPx[k]) - entryFee[k] - exitFee});
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [](const PlainTrade& a, const PlainTrade& b) { return a.exitMs < b.exitMs; });

    const QStringList rows = csvRows(trades);
    ASSERT_GE(expected.size(), 4u);
    ASSERT_EQ(static_cast<std::size_t>(rows.size()), expected.size() + 1) << readText(trades).toStdString();
    EXPECT_EQ(rows[0],
              QStringLiteral("symbol,entry_time,entry_price,exit_time,exit_price,side,quantity,pnl_gross,commission,"
                             "pnl_net,exit_reason,bars_held"));
    std::set<QString> symbolsTraded;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const QStringList c = rows[static_cast<int>(i) + 1].split(QLatin1Char(','));
        const PlainTrade& e = expected[i];
        SCOPED_TRACE(rows[static_cast<int>(i) + 1].toStdString());
        EXPECT_EQ(c[0], e.symbol == 0 ? QStringLiteral("BINANCE:BTCUSDT") : QStringLiteral("BINANCE:ETHUSDT"));
        symbolsTraded.insert(c[0]);
        EXPECT_EQ(c[1], iso(e.entryMs));
        EXPECT_EQ(c[3], iso(e.exitMs));
        EXPECT_DOUBLE_EQ(c[6].toDouble(), e.qty);
        EXPECT_DOUBLE_EQ(c[2].toDouble(), e.entry);
        EXPECT_DOUBLE_EQ(c[4].toDouble(), e.exit);
        EXPECT_NEAR(c[9].toDouble(), e.net, 1e-6);
    }
    EXPECT_EQ(symbolsTraded.size(), 2u);
    const QJsonObject s = json(summary);
    EXPECT_NEAR(s.value(QStringLiteral("final_cash")).toDouble(), cash, 1e-5);
    EXPECT_NEAR(s.value(QStringLiteral("final_equity")).toDouble(), cash, 1e-5);
    EXPECT_EQ(s.value(QStringLiteral("closed_trades")).toInt(), static_cast<int>(expected.size()));
    EXPECT_EQ(s.value(QStringLiteral("open_positions")).toArray().size(), 0);
    const QJsonArray per = s.value(QStringLiteral("instruments")).toArray();
    ASSERT_EQ(per.size(), 2);
    double btcNet = 0;
    for (const PlainTrade& e : expected) btcNet += e.symbol == 0 ? e.net : 0;
    EXPECT_EQ(per[0].toObject().value(QStringLiteral("symbol")).toString(), QStringLiteral("BINANCE:BTCUSDT"));
    EXPECT_NEAR(per[0].toObject().value(QStringLiteral("pnl_net")).toDouble(), btcNet, 1e-6);
    // the combined equity: one point per day, ending at the final cash
    const QStringList eq = csvRows(equity);
    ASSERT_EQ(eq.size(), 92);
    EXPECT_NEAR(eq.last().section(QLatin1Char(','), 1).toDouble(), cash, 1e-5);
}

TEST(CliBacktestPortfolio, EventsAreInTimeOrderAcrossSeriesWithDifferentDays) {
    // GIVEN BTCUSDT days of 2023 and an ETHUSDT file holding only every other day from April on
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString eth = dir + QStringLiteral("/binance_spot_ETHUSDT_1d_sparse.csv");
    const QStringList lines = csvRows(daily("ETH"));
    QStringList kept{lines[0]};
    const std::int64_t april = ms("2023-04-01T00:00:00.000Z");
    std::set<std::int64_t> times;
    for (int i = 1; i < lines.size(); i += 2)
        if (lines[i].section(QLatin1Char(','), 0, 0).toLongLong() >= april) kept << lines[i];
    QFile f(eth);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(kept.join(QLatin1Char('\n')).toUtf8());
    f.close();
    const std::int64_t from = ms("2023-01-01T00:00:00.000Z"), to = ms("2024-01-01T00:00:00.000Z");
    for (const QString& path : {daily("BTC"), eth})
        for (const DayBar& b : readBars(path, from, to)) times.insert(b.openMs);
    const QString trades = dir + QStringLiteral("/t.csv"), equity = dir + QStringLiteral("/e.csv");
    // WHEN ETH is given first and BTC second
    Out r = cliBacktest({QStringLiteral("--input"),    eth,
                         QStringLiteral("--input"),    daily("BTC"),
                         QStringLiteral("--strategy"), QStringLiteral("ema_cross"),
                         QStringLiteral("--param"),    QStringLiteral("fast=3"),
                         QStringLiteral("--param"),    QStringLiteral("slow=10"),
                         QStringLiteral("--from"),     QStringLiteral("2023-01-01"),
                         QStringLiteral("--to"),       QStringLiteral("2024-01-01"),
                         QStringLiteral("--trades"),   trades,
                         QStringLiteral("--equity"),   equity,
                         QStringLiteral("--report"),   dir + QStringLiteral("/r.html")});
    ASSERT_EQ(r.code, 0) << r.err.toStdString();
    // (the report has the per-instrument section)
    const QString html = readText(dir + QStringLiteral("/r.html"));
    EXPECT_TRUE(html.contains(QStringLiteral("<section id=\"portfolio\">")));
    EXPECT_TRUE(html.contains(QStringLiteral("BINANCE:ETHUSDT")));
    // THEN one equity point per distinct bar time of either series, in time order (the 365 BTC days)
    const QStringList eq = csvRows(equity);
    ASSERT_EQ(static_cast<std::size_t>(eq.size()), times.size() + 1);
    EXPECT_EQ(times.size(), 365u);
    for (int i = 2; i < eq.size(); ++i)
        EXPECT_LT(eq[i - 1].section(QLatin1Char(','), 0, 0), eq[i].section(QLatin1Char(','), 0, 0));
    // trades in exit-time order, ETH's none before its first bar, both instruments trading
    const QStringList t = csvRows(trades);
    ASSERT_GT(t.size(), 6);
    std::set<QString> symbols;
    for (int i = 1; i < t.size(); ++i) {
        const QStringList c = t[i].split(QLatin1Char(','));
        symbols.insert(c[0]);
        if (i > 1) {
            EXPECT_LE(t[i - 1].section(QLatin1Char(','), 3, 3), c[3]);
        }
        if (c[0] == QStringLiteral("BINANCE:ETHUSDT")) {
            EXPECT_GE(c[1], QStringLiteral("2023-04-01"));
        }
    }
    EXPECT_EQ(symbols.size(), 2u);
    EXPECT_TRUE(r.out.contains(QStringLiteral("# portfolio of 2: BINANCE:ETHUSDT, BINANCE:BTCUSDT"))) << r.out.toStdString();
}

TEST(CliBacktestPortfolio, NotionalAndPercentAllocationsSizeEachEntry) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const std::int64_t from = ms("2022-01-01T00:00:00.000Z"), to = ms("2023-01-01T00:00:00.000Z");
    const std::vector<DayBar> bars[2] = {readBars(daily("BTC"), from, to), readBars(daily("SOL"), from, to)};
    const double lotScale[2] = {1e5, 1e3};
    auto closeBefore = [&](int k, const QString& entryIso) {
        const std::int64_t t = QDateTime::fromString(entryIso, Qt::ISODateWithMs).toMSecsSinceEpoch();
        for (std::size_t i = 1; i < bars[k].size(); ++i)
            if (bars[k][i].openMs == t) return bars[k][i - 1].close;
        ADD_FAILURE() << "no bar at " << entryIso.toStdString();
        return 0.0;
    };
    for (const QString& rule : {QStringLiteral("notional:1000"), QStringLiteral("percent:30")}) {
        SCOPED_TRACE(rule.toStdString());
        const QString trades = dir + QStringLiteral("/t.csv"), equity = dir + QStringLiteral("/e.csv");
        // WHEN BTCUSDT and SOLUSDT are backtested with the allocation rule
        Out r = cliBacktest({QStringLiteral("--input"),      daily("BTC"),
                             QStringLiteral("--input"),      daily("SOL"),
                             QStringLiteral("--strategy"),   QStringLiteral("sma_cross"),
                             QStringLiteral("--param"),      QStringLiteral("fast=5"),
                             QStringLiteral("--param"),      QStringLiteral("slow=20"),
                             QStringLiteral("--allocation"), rule,
                             QStringLiteral("--from"),       QStringLiteral("2022-01-01"),
                             QStringLiteral("--to"),         QStringLiteral("2023-01-01"),
                             QStringLiteral("--trades"),     trades,
                             QStringLiteral("--equity"),     equity});
        ASSERT_EQ(r.code, 0) << r.err.toStdString();
        std::map<QString, double> equityAt;
        for (const QString& line : csvRows(equity).mid(1))
            equityAt[line.section(QLatin1Char(','), 0, 0)] = line.section(QLatin1Char(','), 1).toDouble();
        // THEN each entry's quantity is its budget / the decision close, rounded down to the lot: 1000, or
        // 30 % of the equity marked at that close (the two together never need more than the cash)
        const QStringList t = csvRows(trades);
        ASSERT_GT(t.size(), 4);
        for (int i = 1; i < t.size(); ++i) {
            const QStringList c = t[i].split(QLatin1Char(','));
            const int k = c[0] == QStringLiteral("BINANCE:BTCUSDT") ? 0 : 1;
            const double close = closeBefore(k, c[1]);
            const double budget = rule.startsWith(QStringLiteral("notional")) ? 1000.0 : equityAt.at(c[1]) * 0.3;
            EXPECT_DOUBLE_EQ(c[6].toDouble(), std::floor(budget / close * lotScale[k]) / lotScale[k]) << t[i].toStdString();
        }
    }
}

TEST(CliBacktestPortfolio, StoredSeriesAndAWatchlistRunLikeTheFiles) {
    // GIVEN a profile with BTCUSDT and ETHUSDT days imported and a watchlist of both (and one without data)
    const QString profile = QString::fromStdString(kairos::test::tempDir());
    for (const QString& file : {daily("BTC"), daily("ETH")}) {
        Out imp = run({QStringLiteral("--profile"), profile, QStringLiteral("import"), file});
        ASSERT_EQ(imp.code, 0) << imp.err.toStdString();
    }
    {
        auto db = kairos::storage::Database::openProfile(profile);
        ASSERT_TRUE(db.ok()) << db.message();
        kairos::storage::WatchlistStore lists(**db);
        auto id = lists.create("majors");
        ASSERT_TRUE(id.ok());
        ASSERT_TRUE(lists
                        .setItems(*id,
                                  {{*kairos::InstrumentId::parse("BINANCE:BTCUSDT"), false},
                                   {*kairos::InstrumentId::parse("BINANCE:DOGEUSDT"), false},
                                   {*kairos::InstrumentId::parse("BINANCE:ETHUSDT"), false}})
                        .ok());
    }
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QStringList common = {QStringLiteral("--strategy"), QStringLiteral("donchian_breakout"),
                                QStringLiteral("--from"),     QStringLiteral("2022-01-01"),
                                QStringLiteral("--to"),       QStringLiteral("2025-01-01")};
    // WHEN the same portfolio runs from the files, from two --store and from the watchlist
    Out f = cliBacktest(common +
                        QStringList{QStringLiteral("--input"), daily("BTC"), QStringLiteral("--input"), daily("ETH"),
                                    QStringLiteral("--trades"), dir + QStringLiteral("/f.csv")});
    ASSERT_EQ(f.code, 0) << f.err.toStdString();
    Out s = cliBacktest(common +
                        QStringList{QStringLiteral("--profile"), profile, QStringLiteral("--store"),
                                    QStringLiteral("BINANCE:BTCUSDT 1d"), QStringLiteral("--store"),
                                    QStringLiteral("BINANCE:ETHUSDT 1d"), QStringLiteral("--trades"),
                                    dir + QStringLiteral("/s.csv")});
    ASSERT_EQ(s.code, 0) << s.err.toStdString();
    Out w = cliBacktest(common +
                        QStringList{QStringLiteral("--profile"), profile, QStringLiteral("--watchlist"), QStringLiteral("majors"),
                                    QStringLiteral("--timeframe"), QStringLiteral("1d"), QStringLiteral("--trades"),
                                    dir + QStringLiteral("/w.csv")});
    ASSERT_EQ(w.code, 0) << w.err.toStdString();
    // THEN the same trades; the watchlist's instrument without stored bars is skipped with a note
    EXPECT_GT(csvRows(dir + QStringLiteral("/f.csv")).size(), 5);
    EXPECT_EQ(readText(dir + QStringLiteral("/f.csv")), readText(dir + QStringLiteral("/s.csv")));
    EXPECT_EQ(readText(dir + QStringLiteral("/f.csv")), readText(dir + QStringLiteral("/w.csv")));
    EXPECT_TRUE(w.err.contains(QStringLiteral("skipped BINANCE:DOGEUSDT"))) << w.err.toStdString();
    Out none = cliBacktest(common +
                           QStringList{QStringLiteral("--profile"), profile, QStringLiteral("--watchlist"),
                                       QStringLiteral("nope"), QStringLiteral("--timeframe"), QStringLiteral("1d")});
    EXPECT_EQ(none.code, 1);
    EXPECT_TRUE(none.err.contains(QStringLiteral("majors"))) << none.err.toStdString();
}

TEST(CliBacktestPortfolio, ASingleSeriesKeepsItsTradesFileAndBadPortfolioFlagsExitTwo) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    // a single instrument: no symbol column
    Out one = cliBacktest({QStringLiteral("--input"), daily("BTC"), QStringLiteral("--strategy"), QStringLiteral("sma_cross"),
                           QStringLiteral("--trades"), dir + QStringLiteral("/one.csv")});
    ASSERT_EQ(one.code, 0) << one.err.toStdString();
    EXPECT_TRUE(readText(dir + QStringLiteral("/one.csv")).startsWith(QStringLiteral("entry_time,entry_price,")));
    auto expectUsage = [](const QStringList& extra, const QString& text) {
        Out r = cliBacktest(QStringList{QStringLiteral("--input"), daily("BTC"), QStringLiteral("--input"), daily("ETH"),
                                        QStringLiteral("--strategy"), QStringLiteral("sma_cross")} +
                            extra);
        EXPECT_EQ(r.code, 2) << extra.join(QLatin1Char(' ')).toStdString();
        EXPECT_TRUE(r.err.contains(text)) << r.err.toStdString();
    };
    expectUsage({QStringLiteral("--allocation"), QStringLiteral("half")}, QStringLiteral("--allocation takes equal"));
    expectUsage({QStringLiteral("--allocation"), QStringLiteral("percent:120")}, QStringLiteral("percent:P"));
    expectUsage({QStringLiteral("--allocation"), QStringLiteral("notional:0")}, QStringLiteral("notional:AMOUNT"));
    expectUsage({QStringLiteral("--size"), QStringLiteral("1")}, QStringLiteral("--allocation sizes the entries"));
    expectUsage({QStringLiteral("--fill"), QStringLiteral("this-close")}, QStringLiteral("--fill this-close"));
    expectUsage({QStringLiteral("--instrument"), QStringLiteral("BINANCE:BTCUSDT")}, QStringLiteral("--instrument"));
    Out wl = cliBacktest(
        {QStringLiteral("--watchlist"), QStringLiteral("x"), QStringLiteral("--strategy"), QStringLiteral("sma_cross")});
    EXPECT_EQ(wl.code, 2);
    EXPECT_TRUE(wl.err.contains(QStringLiteral("--timeframe"))) << wl.err.toStdString();
}

TEST(CliBacktestMonteCarlo, IsReproducibleWithASeedAndEqualsMontecarloOnTheTradesFile) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString trades = dir + QStringLiteral("/t.csv"), bands = dir + QStringLiteral("/b.csv"),
                  report = dir + QStringLiteral("/r.html");
    auto backtest = [&](const QString& seed) {
        return cliBacktest({QStringLiteral("--input"), daily("BTC"), QStringLiteral("--strategy"), QStringLiteral("ema_cross"),
                            QStringLiteral("--trades"), trades, QStringLiteral("--montecarlo"), QStringLiteral("400"),
                            QStringLiteral("--seed"), seed, QStringLiteral("--bands"), bands, QStringLiteral("--report"),
                            report});
    };
    // WHEN a backtest runs its Monte Carlo twice with seed 7 and once with seed 8
    Out a = backtest(QStringLiteral("7")), b = backtest(QStringLiteral("7")), c = backtest(QStringLiteral("8"));
    ASSERT_EQ(a.code, 0) << a.err.toStdString();
    const QString marker = QStringLiteral("# Monte Carlo of the ");
    ASSERT_TRUE(a.out.contains(marker));
    const QString blockA = a.out.mid(a.out.indexOf(marker)), blockB = b.out.mid(b.out.indexOf(marker)),
                  blockC = c.out.mid(c.out.indexOf(marker));
    // THEN the same seed gives the same block, another seed another one
    EXPECT_EQ(blockA, blockB);
    EXPECT_NE(blockA, blockC);
    // and it is exactly what kairos-cli montecarlo prints for the trades file
    Out mc = run({QStringLiteral("montecarlo"), QStringLiteral("--trades"), trades, QStringLiteral("--runs"),
                  QStringLiteral("400"), QStringLiteral("--seed"), QStringLiteral("8")});
    ASSERT_EQ(mc.code, 0) << mc.err.toStdString();
    EXPECT_EQ(blockC.section(QLatin1Char('\n'), 1), mc.out);
    EXPECT_GT(csvRows(bands).size(), 10);
    const QString html = readText(report);
    EXPECT_TRUE(html.contains(QStringLiteral("id=\"monte-carlo\""))) << "no Monte Carlo section";
    // a bad run count is a usage error, as are its companions without it
    Out bad = cliBacktest({QStringLiteral("--input"), daily("BTC"), QStringLiteral("--strategy"), QStringLiteral("ema_cross"),
                           QStringLiteral("--montecarlo"), QStringLiteral("0")});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(QStringLiteral("--montecarlo"))) << bad.err.toStdString();
    Out lone = cliBacktest({QStringLiteral("--input"), daily("BTC"), QStringLiteral("--strategy"), QStringLiteral("ema_cross"),
                            QStringLiteral("--seed"), QStringLiteral("3")});
    EXPECT_EQ(lone.code, 2);
}

TEST(CliBacktestMonteCarlo, APortfolioResamplesItsCombinedTrades) {
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const QString trades = dir + QStringLiteral("/t.csv");
    Out a = cliBacktest({QStringLiteral("--input"), daily("BTC"), QStringLiteral("--input"), daily("ETH"),
                         QStringLiteral("--strategy"), QStringLiteral("ema_cross"), QStringLiteral("--trades"), trades,
                         QStringLiteral("--montecarlo"), QStringLiteral("300"), QStringLiteral("--seed"), QStringLiteral("5")});
    ASSERT_EQ(a.code, 0) << a.err.toStdString();
    Out mc = run({QStringLiteral("montecarlo"), QStringLiteral("--trades"), trades, QStringLiteral("--runs"),
                  QStringLiteral("300"), QStringLiteral("--seed"), QStringLiteral("5")});
    ASSERT_EQ(mc.code, 0) << mc.err.toStdString();
    const QString marker = QStringLiteral("# Monte Carlo of the ");
    EXPECT_EQ(a.out.mid(a.out.indexOf(marker)).section(QLatin1Char('\n'), 1), mc.out);
}
