// kairos-cli montecarlo: trade-order shuffling and bootstrap resampling of a backtest's closed
// trades (core/backtest/montecarlo.h), from the --trades file of `kairos-cli backtest`.
#include "command.h"

#include "backtest_common.h"
#include "montecarlo_print.h"

#include <QFile>

#include <cstdio>

namespace kairos::cli {
namespace {

const char* kName = "montecarlo";

int runMonteCarloCommand(Context& ctx) {
    Args a(ctx.args);
    const auto tradesIn = a.takeOption(QStringLiteral("--trades"));
    const auto runsText = a.takeOption(QStringLiteral("--runs"));
    const auto seedText = a.takeOption(QStringLiteral("--seed"));
    const auto cashText = a.takeOption(QStringLiteral("--cash"));
    const auto methodText = a.takeOption(QStringLiteral("--method"));
    const auto ruinText = a.takeOption(QStringLiteral("--ruin-drawdown"));
    const auto bandsOut = a.takeOption(QStringLiteral("--bands"));
    if (!a.error.isEmpty()) return fail(kName, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(kName, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(kName, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    if (!tradesIn)
        return fail(kName, QStringLiteral("needs --trades TRADES.csv (the --trades file of kairos-cli backtest)"), kUsageError);
    backtest::MonteCarloSettings s;
    if (runsText) {
        auto v = parseIntegerOption(QStringLiteral("--runs"), *runsText, 1, 10'000'000);
        if (!v) return fail(kName, QString::fromStdString(v.message()), kUsageError);
        s.runs = static_cast<int>(*v);
    }
    if (seedText) {
        auto v = parseSeedOption(*seedText);
        if (!v) return fail(kName, QString::fromStdString(v.message()), kUsageError);
        s.seed = *v;
    }
    if (ruinText) {
        auto v = parsePercentOption(QStringLiteral("--ruin-drawdown"), QStringLiteral("a drawdown in %"), *ruinText);
        if (!v) return fail(kName, QString::fromStdString(v.message()), kUsageError);
        s.ruinDrawdownPct = *v;
    }
    Money capital = Money::fromRaw(10000, 0);
    if (cashText) {
        auto c = Money::parse(cashText->trimmed().toStdString());
        if (!c || c->isNegative() || c->isZero())
            return fail(kName, QStringLiteral("--cash takes the starting capital, a decimal above 0 (got \"%1\")").arg(*cashText),
                        kUsageError);
        capital = *c;
    }
    std::vector<backtest::MonteCarloMethod> methods{backtest::MonteCarloMethod::Shuffle, backtest::MonteCarloMethod::Bootstrap};
    if (methodText) {
        if (*methodText == QLatin1String("shuffle"))
            methods = {backtest::MonteCarloMethod::Shuffle};
        else if (*methodText == QLatin1String("bootstrap"))
            methods = {backtest::MonteCarloMethod::Bootstrap};
        else if (*methodText != QLatin1String("both"))
            return fail(kName, QStringLiteral("--method takes shuffle, bootstrap or both (got \"%1\")").arg(*methodText),
                        kUsageError);
    }

    QFile f(*tradesIn);
    if (!f.open(QIODevice::ReadOnly))
        return fail(kName, QStringLiteral("%1: cannot read (%2)").arg(*tradesIn, f.errorString()), kDataError);
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QStringList header = lines.value(0).trimmed().split(QLatin1Char(','));
    const auto column = header.indexOf(QStringLiteral("pnl_net"));
    if (column < 0)
        return fail(kName, QStringLiteral("%1: no pnl_net column (give the --trades file of kairos-cli backtest)").arg(*tradesIn),
                    kDataError);
    std::vector<Money> pnl;
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].trimmed().split(QLatin1Char(','));
        auto m = Money::parse(cells.value(column).toStdString());
        if (cells.size() != header.size() || !m)
            return fail(
                kName,
                QStringLiteral("%1 line %2: pnl_net \"%3\" is not a decimal").arg(*tradesIn).arg(i + 1).arg(cells.value(column)),
                kDataError);
        pnl.push_back(*m);
    }
    if (pnl.empty()) return fail(kName, QStringLiteral("%1: no closed trades to resample").arg(*tradesIn), kDataError);
    return printMonteCarlo(kName, pnl, capital, s, bandsOut, methods);
}

}  // namespace

const CommandRegistration kMonteCarloCommand{
    {kName, "Monte Carlo of a backtest's trades: shuffled order and bootstrap, bands, drawdowns, ruin",
     "Usage: kairos-cli montecarlo --trades TRADES.csv [--runs N] [--seed S] [--cash AMOUNT] [--method shuffle|bootstrap|both]\n"
     "         [--ruin-drawdown P] [--bands OUT.csv]\n"
     "Replays the closed trades of a backtest (its --trades file, column pnl_net) --runs times (default 1000) from\n"
     "--cash (default 10000, the backtest's default): shuffle = the same trades in a random order (every run ends at\n"
     "the same equity, the path differs), bootstrap = as many trades drawn with replacement. Seeded (--seed, default\n"
     "1): the same seed gives the same numbers. Prints the 5/25/50/75/95th percentiles and mean of the final return %,\n"
     "the maximum drawdown % and the final equity, and the probability of ruin: the share of runs whose drawdown\n"
     "reaches --ruin-drawdown % of the peak (default 50). --bands: the 5/50/95 % equity after each trade (at most\n"
     "1000 points). Exit codes: 0 ok, 1 unreadable trades file, 2 bad flag.",
     runMonteCarloCommand}};

}  // namespace kairos::cli
