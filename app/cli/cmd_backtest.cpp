// kairos-cli backtest (and the kairos-backtest program). Two forms:
// - with --strategy NAME or --entry FORMULA: a built-in or formula strategy over candle files or a
//   stored series, with the flags (--cash, --commission, --size/--notional/--percent-equity,
//   --at-end, --trades/--summary/--equity files): runStrategy() below;
// - without them: the original form, the signal strategy with --capital/--fee-bps/--trades (flag).
#include "command.h"

#include "backtest_common.h"
#include "montecarlo_print.h"

#include "backtest/backtestengine.h"
#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "backtest/report.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"
#include "signals/rulesfile.h"
#include "trading/instrumentdefaults.h"

#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace kairos::cli {
namespace {

const char* kName = "backtest";

void printMetrics(const backtest::Metrics& m) {
    std::printf("metric,value\n");
    auto row = [](const char* k, const std::string& v) { std::printf("%s,%s\n", k, v.c_str()); };
    row("initial_capital", m.initialCapital.toTrimmedString());
    row("final_equity", m.finalEquity.toTrimmedString());
    row("net_profit", m.netProfit.toTrimmedString());
    row("total_return_pct", formatNumber(m.totalReturnPct));
    row("cagr_pct", formatNumber(m.cagrPct));
    row("max_drawdown", m.maxDrawdown.toTrimmedString());
    row("max_drawdown_pct", formatNumber(m.maxDrawdownPct));
    row("max_drawdown_peak", m.maxDrawdown.isZero() ? "" : formatUtc(m.maxDrawdownPeakMs));
    row("max_drawdown_trough", m.maxDrawdown.isZero() ? "" : formatUtc(m.maxDrawdownTroughMs));
    row("sharpe", formatNumber(m.sharpe));
    row("sortino", formatNumber(m.sortino));
    row("periods_per_year", formatNumber(m.periodsPerYear));
    row("profit_factor", formatNumber(m.profitFactor));
    row("win_rate_pct", formatNumber(m.winRatePct));
    row("average_win", formatNumber(m.averageWin));
    row("average_loss", formatNumber(m.averageLoss));
    row("expectancy", formatNumber(m.expectancy));
    row("trades", std::to_string(m.trades));
    row("wins", std::to_string(m.wins));
    row("losses", std::to_string(m.losses));
    row("gross_profit", m.grossProfit.toTrimmedString());
    row("gross_loss", m.grossLoss.toTrimmedString());
    row("total_fees", m.totalFees.toTrimmedString());
    row("exposure_pct", formatNumber(m.exposurePct));
    row("buy_hold_return_pct", formatNumber(m.buyHoldReturnPct));
}

void printTrades(const std::vector<backtest::TradeRecord>& trades) {
    std::printf("entry_time,exit_time,side,quantity,entry_price,exit_price,gross_pnl,fees,net_pnl,exit_reason,bars_held\n");
    for (const auto& t : trades)
        std::printf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d\n", formatUtc(t.entryTimeMs).c_str(), formatUtc(t.exitTimeMs).c_str(),
                    backtest::toString(t.side).c_str(), t.quantity.toTrimmedString().c_str(),
                    t.entryPrice.toTrimmedString().c_str(), t.exitPrice.toTrimmedString().c_str(),
                    t.grossPnl.toTrimmedString().c_str(), t.fees.toTrimmedString().c_str(), t.netPnl.toTrimmedString().c_str(),
                    backtest::toString(t.exitReason).c_str(), t.barsHeld);
}

int runStrategy(Context& ctx);

bool strategyForm(const QStringList& args) {
    for (const QString& a : args)
        for (const char* f : {"--strategy", "--entry"})
            if (a == QLatin1String(f) || a.startsWith(QLatin1String(f) + QLatin1Char('='))) return true;
    return false;
}

int runBacktest(Context& ctx) {
    if (strategyForm(ctx.args)) return runStrategy(ctx);
    Args a(ctx.args);
    const auto input = a.takeOption(QStringLiteral("--input"));
    const auto tfText = a.takeOption(QStringLiteral("--timeframe"));
    const auto symbolText = a.takeOption(QStringLiteral("--symbol"));
    const auto rulesFile = a.takeOption(QStringLiteral("--rules"));
    const auto capitalText = a.takeOption(QStringLiteral("--capital"));
    const auto feeText = a.takeOption(QStringLiteral("--fee-bps"));
    const auto slippageText = a.takeOption(QStringLiteral("--slippage-bps"));
    const auto fractionText = a.takeOption(QStringLiteral("--fraction"));
    const auto quantityText = a.takeOption(QStringLiteral("--quantity"));
    const auto tpText = a.takeOption(QStringLiteral("--tp"));
    const auto fromText = a.takeOption(QStringLiteral("--from"));
    const auto toText = a.takeOption(QStringLiteral("--to"));
    const auto maxNotionalText = a.takeOption(QStringLiteral("--max-order-notional"));
    const bool longOnly = a.takeFlag(QStringLiteral("--long-only"));
    const bool showTrades = a.takeFlag(QStringLiteral("--trades"));
    if (!a.error.isEmpty()) return fail(kName, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(kName, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(kName, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    if (!input) return fail(kName, QStringLiteral("needs --input FILE (a candle CSV)"), kUsageError);
    if (fractionText && quantityText)
        return fail(kName, QStringLiteral("--fraction and --quantity exclude each other"), kUsageError);

    if (QFileInfo(*input).isDir())
        return fail(kName, QStringLiteral("%1: is a folder, not a candle file").arg(*input), kDataError);
    if (!QFileInfo::exists(*input)) return fail(kName, QStringLiteral("%1: no such file").arg(*input), kDataError);
    const auto hints = marketdata::inferFromFileName(input->toStdString());
    Timeframe tf = Timeframe::H1;
    if (tfText) {
        auto t = parseTimeframe(tfText->toStdString());
        if (!t) return fail(kName, QString::fromStdString(t.message()), kUsageError);
        tf = *t;
    } else if (hints.timeframe) {
        tf = *hints.timeframe;
    } else {
        return fail(kName, QStringLiteral("cannot tell the timeframe from the file name; pass --timeframe (e.g. 1h)"),
                    kUsageError);
    }
    InstrumentId id{"FILE", QFileInfo(*input).completeBaseName().toStdString()};
    if (symbolText) {
        auto p = InstrumentId::parse(symbolText->toStdString());
        if (!p) return fail(kName, QStringLiteral("--symbol: %1").arg(QString::fromStdString(p.message())), kUsageError);
        id = *p;
    } else if (hints.instrument) {
        id = *hints.instrument;
    }

    backtest::BacktestSettings settings;
    settings.timeframe = tf;
    if (capitalText) {
        auto c = parseDecimalOption<Money>(QStringLiteral("--capital"), *capitalText);
        if (!c) return fail(kName, QString::fromStdString(c.message()), kUsageError);
        if (c->isNegative() || c->isZero()) return fail(kName, QStringLiteral("--capital must be above 0"), kUsageError);
        settings.initialCapital = *c;
    }
    if (feeText) {
        auto f = parseDecimalOption<trading::Bps>(QStringLiteral("--fee-bps"), *feeText);
        if (!f) return fail(kName, QString::fromStdString(f.message()), kUsageError);
        if (f->isNegative()) return fail(kName, QStringLiteral("--fee-bps cannot be negative"), kUsageError);
        settings.rules.fees.makerBps = settings.rules.fees.takerBps = *f;
    }
    if (slippageText) {
        auto f = parseDecimalOption<trading::Bps>(QStringLiteral("--slippage-bps"), *slippageText);
        if (!f) return fail(kName, QString::fromStdString(f.message()), kUsageError);
        if (f->isNegative()) return fail(kName, QStringLiteral("--slippage-bps cannot be negative"), kUsageError);
        settings.rules.slippageBps = *f;
    }
    if (maxNotionalText) {
        auto m = parseDecimalOption<Money>(QStringLiteral("--max-order-notional"), *maxNotionalText);
        if (!m) return fail(kName, QString::fromStdString(m.message()), kUsageError);
        if (m->isNegative() || m->isZero())
            return fail(kName, QStringLiteral("--max-order-notional must be above 0"), kUsageError);
        // The same pre-trade check path as the terminal's orders (the account's order gateway).
        settings.checks.push_back(trading::maxOrderNotionalCheck(*m));
    }
    backtest::SignalStrategySettings ss;
    if (rulesFile) {
        auto r = signal::loadRules(rulesFile->toStdString());
        if (!r) return fail(kName, QString::fromStdString(r.message()), kUsageError);
        ss.rules = std::move(*r);
    }
    if (fractionText) {
        bool ok = false;
        ss.sizing.fraction = fractionText->toDouble(&ok);
        if (!ok) return fail(kName, QStringLiteral("--fraction takes a number above 0 and at most 1"), kUsageError);
    }
    if (quantityText) {
        auto q = parseDecimalOption<Quantity>(QStringLiteral("--quantity"), *quantityText);
        if (!q) return fail(kName, QString::fromStdString(q.message()), kUsageError);
        ss.sizing.kind = backtest::Sizing::Kind::FixedQuantity;
        ss.sizing.quantity = *q;
    }
    if (tpText) {
        bool ok = false;
        ss.takeProfitLevel = tpText->toInt(&ok);
        if (!ok) ss.takeProfitLevel = 0;
    }
    ss.allowShort = !longOnly;
    if (auto st = backtest::validate(ss); !st) return fail(kName, QString::fromStdString(st.message()), kUsageError);
    const auto range = parseDateRange(fromText, toText);
    if (!range) return fail(kName, QString::fromStdString(range.message()), kUsageError);
    const std::int64_t fromMs = range->first;
    const std::int64_t toMs = range->second;

    auto csv = marketdata::readBarsCsv(input->toStdString());
    if (!csv) return fail(kName, QString::fromStdString(csv.message()), kDataError);
    std::vector<Bar> bars;
    bars.reserve(csv->bars.size());
    for (const Bar& b : csv->bars)
        if (b.openTimeMs >= fromMs && b.openTimeMs < toMs) bars.push_back(b);
    if (bars.empty()) return fail(kName, QStringLiteral("no bars of %1 fall in the chosen dates").arg(*input), kDataError);
    // The same rules as paper trading for the bundled Binance symbols; else what the data says.
    const auto known = trading::bundledInstrumentRules(id);
    settings.instrument = known ? *known : backtest::instrumentForFile(id, csv->priceScale);

    backtest::SignalStrategy strategy(ss);
    auto r = backtest::BacktestEngine(settings).run(strategy, bars);
    if (!r) return fail(kName, QString::fromStdString(r.message()), kDataError);
    std::printf("# %s %s, %zu bars, %s to %s\n", id.toString().c_str(), toString(tf).c_str(), bars.size(),
                formatUtc(bars.front().openTimeMs).c_str(), formatUtc(r->metrics.endMs).c_str());
    std::printf("# strategy: %s; fee %s bp, slippage %s bp; fills from the bar after each decision\n", r->strategyName.c_str(),
                settings.rules.fees.takerBps.toTrimmedString().c_str(), settings.rules.slippageBps.toTrimmedString().c_str());
    std::printf("# instrument rules: tick %s, lot %s, min notional %s (%s)\n",
                settings.instrument.tickSize.toTrimmedString().c_str(), settings.instrument.lotSize.toTrimmedString().c_str(),
                settings.instrument.minNotional.toTrimmedString().c_str(), known ? "Binance spot filters" : "tick from the data");
    int entries = 0;
    for (const auto& o : r->orders) entries += o.order.role == trading::OrderRole::Entry ? 1 : 0;
    std::printf("# orders: %d placed by the strategy, %d rejected (%s)\n", entries, r->rejectedOrders,
                r->rejectedOrders ? "see the fill simulator's validation: tick, lot, min notional, bracket sides; and the "
                                    "pre-trade checks"
                                  : "none");
    if (maxNotionalText)
        std::printf("# pre-trade check: at most %s per order (orders above it are refused before the venue)\n",
                    maxNotionalText->trimmed().toStdString().c_str());
    printMetrics(r->metrics);
    if (showTrades) {
        std::printf("\n");
        printTrades(r->trades);
    }
    return kOk;
}

// ---------------------------------------------------------------------------------------------
// The strategy form.

/// A JSON number for a double; null when not finite (JSON has no infinity).
std::string jsonNumber(double v) { return std::isfinite(v) ? formatNumber(v) : std::string("null"); }

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

// writeFile() to summaryFields(): shared with optimize and walkforward (backtest_common.h).
/// Writes `text` to `path` atomically (a failed write leaves any old file as it was).
Status writeFile(const QString& path, const std::string& text) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(path.toStdString() + ": cannot write (" + f.errorString().toStdString() + ")");
    f.write(text.data(), static_cast<qint64>(text.size()));
    if (!f.commit()) return makeError(path.toStdString() + ": cannot write (" + f.errorString().toStdString() + ")");
    return {};
}

std::string equityCsv(const std::vector<backtest::EquityPoint>& equity) {
    std::string out = "time,equity\n";
    for (const auto& p : equity) out += formatUtc(p.timeMs) + "," + p.equity.toTrimmedString() + "\n";
    return out;
}

/// Every metric, in a fixed order: (key, JSON value). Money values are exact decimals.
std::vector<std::pair<std::string, std::string>> summaryFields(const backtest::BacktestResult& r) {
    const backtest::Metrics& m = r.metrics;
    std::vector<std::pair<std::string, std::string>> f;
    auto money = [&](const char* k, const Money& v) { f.emplace_back(k, v.toTrimmedString()); };
    auto real = [&](const char* k, double v) { f.emplace_back(k, jsonNumber(v)); };
    auto integer = [&](const char* k, std::int64_t v) { f.emplace_back(k, std::to_string(v)); };
    auto text = [&](const char* k, const std::string& v) { f.emplace_back(k, jsonString(v)); };
    text("strategy", r.strategyName);
    text("start", formatUtc(m.startMs));
    text("end", formatUtc(m.endMs));
    integer("bars", m.bars);
    money("initial_capital", m.initialCapital);
    money("final_equity", m.finalEquity);
    money("final_cash", r.finalCash);
    money("net_profit", m.netProfit);
    real("total_return_pct", m.totalReturnPct);
    real("cagr_pct", m.cagrPct);
    real("annual_volatility_pct", m.annualVolatilityPct);
    real("sharpe", m.sharpe);
    real("sortino", m.sortino);
    real("periods_per_year", m.periodsPerYear);
    real("risk_free_rate", m.riskFreeRate);
    real("calmar", m.calmar);
    money("max_drawdown", m.maxDrawdown);
    real("max_drawdown_pct", m.maxDrawdownPct);
    integer("max_drawdown_duration_bars", m.maxDrawdownDurationBars);
    real("max_drawdown_duration_days", static_cast<double>(m.maxDrawdownDurationMs) / 86400000.0);
    if (m.maxDrawdown.isZero()) {
        f.emplace_back("max_drawdown_peak", "null");
        f.emplace_back("max_drawdown_trough", "null");
    } else {
        text("max_drawdown_peak", formatUtc(m.maxDrawdownPeakMs));
        text("max_drawdown_trough", formatUtc(m.maxDrawdownTroughMs));
    }
    integer("trades", m.trades);
    integer("closed_trades", static_cast<std::int64_t>(r.trades.size()));
    integer("wins", m.wins);
    integer("losses", m.losses);
    real("win_rate_pct", m.winRatePct);
    real("profit_factor", m.profitFactor);
    real("expectancy", m.expectancy);
    real("average_win", m.averageWin);
    real("average_loss", m.averageLoss);
    integer("longest_win_streak", m.longestWinStreak);
    integer("longest_loss_streak", m.longestLossStreak);
    money("gross_profit", m.grossProfit);
    money("gross_loss", m.grossLoss);
    money("total_fees", m.totalFees);
    real("exposure_pct", m.exposurePct);
    real("buy_hold_return_pct", m.buyHoldReturnPct);
    real("excess_return_pct", m.excessReturnPct);
    if (m.tradesWithR > 0)
        real("average_r", m.averageR);
    else
        f.emplace_back("average_r", "null");
    integer("trades_with_r", m.tradesWithR);
    integer("rejected_orders", r.rejectedOrders);
    if (r.openPosition) {
        const auto& p = *r.openPosition;
        f.emplace_back("open_position",
                       "{\"side\": " + jsonString(p.side == backtest::PositionSide::Long ? "long" : "short") +
                           ", \"quantity\": " + p.quantity.toTrimmedString() + ", \"entry_price\": " +
                           p.entryPrice.toTrimmedString() + ", \"entry_time\": " + jsonString(formatUtc(p.entryTimeMs)) + "}");
    } else {
        f.emplace_back("open_position", "null");
    }
    auto periods = [](const std::vector<backtest::PeriodReturn>& list, bool months) {
        std::string out = "[";
        for (const backtest::PeriodReturn& p : list) {
            out += std::string(out.size() > 1 ? ", " : "") + "{\"year\": " + std::to_string(p.year) +
                (months ? ", \"month\": " + std::to_string(p.month) : std::string()) +
                ", \"return_pct\": " + jsonNumber(p.returnPct) + ", \"end_equity\": " + p.endEquity.toTrimmedString() + "}";
        }
        return out + "]";
    };
    f.emplace_back("monthly_returns", periods(m.monthlyReturns, true));
    f.emplace_back("yearly_returns", periods(m.yearlyReturns, false));
    return f;
}

namespace {

std::string jsonFields(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out = "{\n";
    for (std::size_t i = 0; i < fields.size(); ++i)
        out += "  \"" + fields[i].first + "\": " + fields[i].second + (i + 1 < fields.size() ? ",\n" : "\n");
    return out + "}\n";
}

std::string summaryJson(const backtest::BacktestResult& r) { return jsonFields(summaryFields(r)); }

std::string openPositionJson(const backtest::OpenPosition& p) {
    return "{\"side\": " + jsonString(p.side == backtest::PositionSide::Long ? "long" : "short") +
        ", \"quantity\": " + p.quantity.toTrimmedString() + ", \"entry_price\": " + p.entryPrice.toTrimmedString() +
        ", \"entry_time\": " + jsonString(formatUtc(p.entryTimeMs)) + "}";
}

/// The --summary of a portfolio run: the combined fields (open_position replaced by open_positions, each
/// with its symbol), then allocation and the per-instrument breakdown.
std::string portfolioSummaryJson(const backtest::PortfolioResult& r, const std::string& allocation) {
    auto fields = summaryFields(r.combined);
    std::string open = "[";
    for (const auto& i : r.instruments) {
        if (!i.openPosition) continue;
        std::string one = openPositionJson(*i.openPosition);
        open += std::string(open.size() > 1 ? ", " : "") + "{\"symbol\": " + jsonString(i.instrument.toString()) + ", " +
            one.substr(1);
    }
    open += "]";
    for (auto& [k, v] : fields)
        if (k == "open_position") {
            k = "open_positions";
            v = open;
        }
    fields.emplace_back("allocation", jsonString(allocation));
    std::string list = "[";
    for (const auto& i : r.instruments) {
        const int n = static_cast<int>(i.trades.size());
        list += std::string(list.size() > 1 ? "," : "") + "\n    {\"symbol\": " + jsonString(i.instrument.toString()) +
            ", \"bars\": " + std::to_string(i.bars) + ", \"closed_trades\": " + std::to_string(n) +
            ", \"wins\": " + std::to_string(i.wins) + ", \"losses\": " + std::to_string(i.losses) +
            ", \"win_rate_pct\": " + jsonNumber(n ? 100.0 * i.wins / n : 0.0) +
            ", \"pnl_gross\": " + i.grossPnl.toTrimmedString() + ", \"commission\": " + i.fees.toTrimmedString() +
            ", \"pnl_net\": " + i.netPnl.toTrimmedString() + ", \"rejected_orders\": " + std::to_string(i.rejectedOrders) +
            ", \"buy_hold_return_pct\": " + jsonNumber(i.buyHoldReturnPct) +
            ", \"open_position\": " + (i.openPosition ? openPositionJson(*i.openPosition) : std::string("null")) + "}";
    }
    fields.emplace_back("instruments", list + "\n  ]");
    return jsonFields(fields);
}

/// The `backtest --montecarlo` flags.
struct MonteCarloOptions {
    long long runs = 0;  ///< 0: none
    backtest::MonteCarloSettings settings;
    std::optional<QString> bandsOut;
};

/// The output files and extras of the strategy form.
struct Outputs {
    std::optional<QString> trades, summary, equity, report;
    MonteCarloOptions monteCarlo;
};

std::vector<Money> netPnlOf(const std::vector<backtest::TradeRecord>& trades) {
    std::vector<Money> pnl;
    pnl.reserve(trades.size());
    for (const auto& t : trades) pnl.push_back(t.netPnl);
    return pnl;
}

/// The report's Monte Carlo section (bootstrap: the same numbers printMonteCarloBlock() prints for it, each
/// method being its own run from the seed); nullopt without --montecarlo or without closed trades.
std::optional<backtest::ReportMonteCarlo> monteCarloBands(const std::vector<backtest::TradeRecord>& trades, const Money& capital,
                                                          const MonteCarloOptions& mc) {
    if (mc.runs == 0 || trades.empty()) return std::nullopt;
    backtest::MonteCarloSettings s = mc.settings;
    s.method = backtest::MonteCarloMethod::Bootstrap;
    auto r = backtest::runMonteCarlo(netPnlOf(trades), capital, s);
    if (!r) return std::nullopt;  // printMonteCarloBlock() reports the error
    return reportMonteCarlo(*r, s);
}

/// Prints the Monte Carlo block of `trades` (the block kairos-cli montecarlo prints) after a blank line;
/// kOk or the error's exit code.
int printMonteCarloBlock(const std::vector<backtest::TradeRecord>& trades, const Money& capital, const MonteCarloOptions& mc) {
    if (mc.runs == 0) return kOk;
    std::printf("\n# Monte Carlo of the %zu closed trades\n", trades.size());
    if (trades.empty()) {
        std::printf("# no closed trades to resample\n");
        return kOk;
    }
    return printMonteCarlo(kName, netPnlOf(trades), capital, mc.settings, mc.bandsOut);
}

std::vector<std::pair<std::string, std::string>> reportSettings(const backtest::BacktestSettings& settings,
                                                                const std::string& sizing,
                                                                const std::vector<std::pair<std::string, std::string>>& given) {
    std::vector<std::pair<std::string, std::string>> out = {
        {"Cash", settings.initialCapital.toTrimmedString()},
        {"Commission", describeFees(settings)},
        {"Slippage", settings.rules.slippageBps.toTrimmedString() + " bp"},
        {"Sizing", sizing},
        {"Fills", settings.fillAt == backtest::FillAt::NextOpen ? "next bar's open" : "decision bar's close"},
        {"At the end", settings.atEnd == backtest::AtEnd::Keep ? "keep (marked at the last close)" : "close at the last close"},
    };
    for (const auto& [k, v] : given) out.emplace_back("Parameter " + k, v);
    return out;
}

int writeOutput(const std::optional<QString>& path, const std::string& text) {
    if (!path) return kOk;
    if (auto st = writeFile(*path, text); !st) return fail(kName, QString::fromStdString(st.message()), kDataError);
    return kOk;
}

/// The metric,value block of a run on stdout (summary fields that are single values).
void printMetricBlock(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::printf("metric,value\n");
    for (const auto& [k, v] : fields) {
        std::string value = v;
        if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
        if (k == "open_position" || k == "strategy" || k == "monthly_returns" || k == "yearly_returns") continue;
        std::printf("%s,%s\n", k.c_str(), value.c_str());
    }
}

using MakeStrategy = std::function<Result<std::unique_ptr<backtest::Strategy>>()>;

int runPortfolio(Context& ctx, const BacktestOptions& o, PreparedBacktest& prepared, const backtest::Allocation& allocation,
                 const MakeStrategy& make, const std::string& name, const std::vector<std::pair<std::string, std::string>>& given,
                 const Outputs& out) {
    std::vector<backtest::PortfolioSeries> series;
    if (const int rc = loadPortfolio(kName, o, ctx.profileDir, prepared, series); rc != kOk) return rc;
    backtest::PortfolioSettings ps;
    ps.base = prepared.settings;
    ps.allocation = allocation;
    auto r = backtest::PortfolioEngine(ps).run([&](const Instrument&) { return make(); }, series);
    if (!r) return fail(kName, QString::fromStdString(r.message()), kDataError);
    const backtest::BacktestResult& c = r->combined;
    const std::string allocationText = backtest::describe(allocation, series.size());
    std::vector<std::string> symbols;
    for (std::size_t k : r->tradeInstrument) symbols.push_back(r->instruments[k].instrument.toString());
    if (const int rc = writeOutput(out.trades, tradesCsv(c.trades, symbols)); rc != kOk) return rc;
    if (const int rc = writeOutput(out.summary, portfolioSummaryJson(*r, allocationText)); rc != kOk) return rc;
    if (const int rc = writeOutput(out.equity, equityCsv(c.equity)); rc != kOk) return rc;

    const backtest::BacktestSettings& settings = prepared.settings;
    std::string names;
    for (const auto& s : series) names += (names.empty() ? "" : ", ") + s.instrument.id.toString();
    // Every file before stdout: a file error leaves stdout empty.
    if (out.report) {
        backtest::ReportInput report;
        report.result = &c;
        report.instrument = names;
        report.timeframe = toString(prepared.timeframe);
        report.title = name + " · portfolio of " + std::to_string(series.size()) + " · " + report.timeframe;
        report.settings = reportSettings(settings, allocationText, given);
        report.settings.insert(report.settings.begin(), {"Instruments", names});
        report.monteCarlo = monteCarloBands(c.trades, settings.initialCapital, out.monteCarlo);
        backtest::ReportPortfolio breakdown;
        breakdown.allocation = allocationText;
        for (const auto& i : r->instruments) {
            backtest::ReportPortfolioInstrument row;
            row.symbol = i.instrument.toString();
            row.bars = i.bars;
            row.trades = static_cast<int>(i.trades.size());
            row.wins = i.wins;
            row.losses = i.losses;
            row.netPnl = i.netPnl.toTrimmedString();
            row.fees = i.fees.toTrimmedString();
            row.buyHoldReturnPct = i.buyHoldReturnPct;
            if (i.openPosition)
                row.openPosition = backtest::toString(i.openPosition->side) + " " + i.openPosition->quantity.toTrimmedString() +
                    " from " + i.openPosition->entryPrice.toTrimmedString();
            breakdown.instruments.push_back(std::move(row));
        }
        report.portfolio = std::move(breakdown);
        auto html = backtest::renderReport(report);
        if (!html) return fail(kName, QString::fromStdString(html.message()), kDataError);
        if (const int rc = writeOutput(out.report, *html); rc != kOk) return rc;
    }
    std::printf("# portfolio of %zu: %s; %s, %lld bars, %s to %s\n", series.size(), names.c_str(),
                toString(prepared.timeframe).c_str(), static_cast<long long>(c.barsTotal), formatUtc(c.metrics.startMs).c_str(),
                formatUtc(c.metrics.endMs).c_str());
    std::printf("# strategy: %s, one instance per instrument, one account\n", c.strategyName.c_str());
    std::printf("# allocation: %s (at most the cash left); bars with the same open time in the order above\n",
                allocationText.c_str());
    std::printf(
        "# commission %s, slippage %s bp; fills at the next bar's open; at the end: %s\n", describeFees(settings).c_str(),
        settings.rules.slippageBps.toTrimmedString().c_str(),
        settings.atEnd == backtest::AtEnd::Keep ? "open positions kept, marked at the last close" : "closed at the last close");
    printMetricBlock(summaryFields(c));
    std::printf("\nsymbol,bars,closed_trades,wins,losses,pnl_net,commission,buy_hold_return_pct,open_position\n");
    for (const auto& i : r->instruments)
        std::printf("%s,%lld,%zu,%d,%d,%s,%s,%s,%s\n", i.instrument.toString().c_str(), static_cast<long long>(i.bars),
                    i.trades.size(), i.wins, i.losses, i.netPnl.toTrimmedString().c_str(), i.fees.toTrimmedString().c_str(),
                    formatNumber(i.buyHoldReturnPct).c_str(),
                    i.openPosition
                        ? (backtest::toString(i.openPosition->side) + " " + i.openPosition->quantity.toTrimmedString() +
                           " from " + i.openPosition->entryPrice.toTrimmedString())
                              .c_str()
                        : "none");
    return printMonteCarloBlock(c.trades, settings.initialCapital, out.monteCarlo);
}

int runStrategy(Context& ctx) {
    Args a(ctx.args);
    const BacktestOptions o = takeBacktestOptions(a);
    std::vector<std::pair<std::string, std::string>> given;
    std::vector<QString> paramTexts;
    while (auto p = a.takeOption(QStringLiteral("--param"))) paramTexts.push_back(*p);
    Outputs out;
    out.trades = a.takeOption(QStringLiteral("--trades"));
    out.summary = a.takeOption(QStringLiteral("--summary"));
    out.equity = a.takeOption(QStringLiteral("--equity"));
    out.report = a.takeOption(QStringLiteral("--report"));
    const auto mcText = a.takeOption(QStringLiteral("--montecarlo"));
    const auto seedText = a.takeOption(QStringLiteral("--seed"));
    const auto ruinText = a.takeOption(QStringLiteral("--ruin-drawdown"));
    out.monteCarlo.bandsOut = a.takeOption(QStringLiteral("--bands"));
    if (!a.error.isEmpty()) return fail(kName, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(kName, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(kName, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    if (mcText) {
        auto v = parseIntegerOption(QStringLiteral("--montecarlo"), *mcText, 1, 10'000'000);
        if (!v) return fail(kName, QString::fromStdString(v.message()), kUsageError);
        out.monteCarlo.runs = *v;
        out.monteCarlo.settings.runs = static_cast<int>(*v);
    } else if (seedText || ruinText || out.monteCarlo.bandsOut) {
        return fail(kName, QStringLiteral("--seed, --ruin-drawdown and --bands go with --montecarlo RUNS"), kUsageError);
    }
    if (seedText) {
        auto v = parseSeedOption(*seedText);
        if (!v) return fail(kName, QString::fromStdString(v.message()), kUsageError);
        out.monteCarlo.settings.seed = *v;
    }
    if (ruinText) {
        auto v = parsePercentOption(QStringLiteral("--ruin-drawdown"), QStringLiteral("a drawdown in %"), *ruinText);
        if (!v) return fail(kName, QString::fromStdString(v.message()), kUsageError);
        out.monteCarlo.settings.ruinDrawdownPct = *v;
    }
    // Flags before data: every usage error is reported without reading the bars.
    const bool portfolio = isPortfolio(o);
    PreparedBacktest prepared;
    backtest::Allocation allocation;
    if (portfolio) {
        if (const int rc = parsePortfolioOptions(kName, o, prepared, allocation); rc != kOk) return rc;
    } else {
        if (const int rc = parseBacktestOptions(kName, o, prepared); rc != kOk) return rc;
    }
    const backtest::OrderSizing sizing = prepared.sizing;

    // Strategy and parameters.
    const std::string name = o.strategy ? o.strategy->toStdString() : std::string("formula");
    const bool formula = name == "formula";
    if (!formula && (o.entry || o.exit || o.stop || o.target))
        return fail(kName, QStringLiteral("--entry/--exit/--stop/--target go with --strategy formula (or no --strategy)"),
                    kUsageError);
    if (formula && !o.entry) return fail(kName, QStringLiteral("--strategy formula needs --entry FORMULA"), kUsageError);
    for (const QString& p : paramTexts) {
        const int eq = p.indexOf(QLatin1Char('='));
        if (eq <= 0) return fail(kName, QStringLiteral("--param takes KEY=VALUE (got \"%1\")").arg(p), kUsageError);
        given.emplace_back(p.left(eq).trimmed().toStdString(), p.mid(eq + 1).trimmed().toStdString());
    }
    MakeStrategy make;
    if (formula) {
        backtest::FormulaStrategySettings fs;
        fs.entry = o.entry->toStdString();
        fs.exit = o.exit ? o.exit->toStdString() : std::string();
        fs.stop = o.stop ? o.stop->toStdString() : std::string();
        fs.target = o.target ? o.target->toStdString() : std::string();
        fs.sizing = sizing;
        // `{NAME}` placeholders (as in optimize) take their value from --param NAME=VALUE.
        auto placeholders = backtest::formulaPlaceholders(fs);
        if (!placeholders) return fail(kName, QString::fromStdString(placeholders.message()), kUsageError);
        backtest::ParamValues values;
        for (const auto& [k, v] : given) {
            const bool isPlaceholder = std::find(placeholders->begin(), placeholders->end(), k) != placeholders->end();
            bool number = false;
            const double value = QString::fromStdString(v).toDouble(&number);
            if (isPlaceholder && number && std::isfinite(value)) {
                values[k] = value;
                continue;
            }
            if (k != "short" || (v != "0" && v != "1"))
                return fail(
                    kName,
                    QStringLiteral("unknown parameter \"%1\" for formula (it takes: short 0..1 (default 0), 1: the "
                                   "entry opens a short%2)")
                        .arg(QString::fromStdString(k),
                             placeholders->empty() ? QString()
                                                   : QStringLiteral("; and a number for each placeholder of the formulas: %1")
                                                         .arg(QString::fromStdString([&] {
                                                             std::string l;
                                                             for (const auto& n : *placeholders)
                                                                 l += (l.empty() ? "{" : ", {") + n + "}";
                                                             return l;
                                                         }()))),
                    kUsageError);
            fs.shortEntries = v == "1";
        }
        auto filled = backtest::fillPlaceholders(fs, values);
        if (!filled) return fail(kName, QString::fromStdString(filled.message()), kUsageError);
        fs = *filled;
        make = [fs]() -> Result<std::unique_ptr<backtest::Strategy>> {
            auto f = backtest::FormulaStrategy::create(fs);
            if (!f) return f.error();
            return std::unique_ptr<backtest::Strategy>(std::move(*f));
        };
    } else {
        const backtest::StrategyInfo* info = backtest::findBuiltin(name);
        if (!info)
            return fail(kName,
                        QStringLiteral("unknown strategy \"%1\" (built-ins: %2, formula)")
                            .arg(QString::fromStdString(name), QString::fromStdString(backtest::builtinNames())),
                        kUsageError);
        auto params = backtest::resolveParams(*info, given);
        if (!params) return fail(kName, QString::fromStdString(params.message()), kUsageError);
        make = [name, values = *params, sizing]() { return backtest::makeBuiltin(name, values, sizing); };
    }
    auto made = make();
    if (!made) return fail(kName, QString::fromStdString(made.message()), kUsageError);
    std::unique_ptr<backtest::Strategy> strategy = std::move(*made);
    if (portfolio) return runPortfolio(ctx, o, prepared, allocation, make, name, given, out);

    if (const int rc = loadBars(kName, o, ctx.profileDir, prepared); rc != kOk) return rc;
    const backtest::BacktestSettings& settings = prepared.settings;
    const std::vector<Bar>& bars = prepared.bars;
    const InstrumentId& id = prepared.id;
    const Timeframe tf = prepared.timeframe;
    auto r = backtest::BacktestEngine(settings).run(*strategy, bars);
    if (!r) return fail(kName, QString::fromStdString(r.message()), kDataError);
    if (const int rc = writeOutput(out.trades, tradesCsv(r->trades)); rc != kOk) return rc;
    if (const int rc = writeOutput(out.summary, summaryJson(*r)); rc != kOk) return rc;
    if (const int rc = writeOutput(out.equity, equityCsv(r->equity)); rc != kOk) return rc;
    if (out.report) {
        backtest::ReportInput report;
        report.result = &*r;
        report.instrument = id.toString();
        report.timeframe = toString(tf);
        report.title = name + " · " + report.instrument + " " + report.timeframe;
        report.bars = bars;
        report.settings = reportSettings(settings, backtest::describe(sizing), given);
        report.monteCarlo = monteCarloBands(r->trades, settings.initialCapital, out.monteCarlo);
        auto html = backtest::renderReport(report);
        if (!html) return fail(kName, QString::fromStdString(html.message()), kDataError);
        if (const int rc = writeOutput(out.report, *html); rc != kOk) return rc;
    }
    const std::string feeText = describeFees(settings);

    std::printf("# %s %s, %zu bars, %s to %s\n", id.toString().c_str(), toString(tf).c_str(), bars.size(),
                formatUtc(bars.front().openTimeMs).c_str(), formatUtc(r->metrics.endMs).c_str());
    std::printf("# strategy: %s\n", r->strategyName.c_str());
    std::printf(
        "# commission %s, slippage %s bp; fills at %s; at the end: %s\n", feeText.c_str(),
        settings.rules.slippageBps.toTrimmedString().c_str(),
        settings.fillAt == backtest::FillAt::NextOpen ? "the next bar's open" : "the decision bar's close",
        settings.atEnd == backtest::AtEnd::Keep ? "open position kept, marked at the last close" : "closed at the last close");
    printMetricBlock(summaryFields(*r));
    if (r->openPosition)
        std::printf("open_position,%s %s from %s at %s\n", backtest::toString(r->openPosition->side).c_str(),
                    r->openPosition->quantity.toTrimmedString().c_str(), r->openPosition->entryPrice.toTrimmedString().c_str(),
                    formatUtc(r->openPosition->entryTimeMs).c_str());
    else
        std::printf("open_position,none\n");
    return printMonteCarloBlock(r->trades, settings.initialCapital, out.monteCarlo);
}

}  // namespace

const CommandRegistration kBacktest{
    {kName, "backtest the signal strategy over a candle file",
     "Usage: kairos-backtest --input FILE [--timeframe TF] [--symbol VENUE:SYMBOL] [--rules FILE]\n"
     "         [--capital N] [--fee-bps N] [--slippage-bps N] [--fraction F | --quantity Q] [--tp 1|2|3]\n"
     "         [--long-only] [--from DATE] [--to DATE] [--max-order-notional N] [--trades]\n"
     "   (or: kairos-cli backtest ...)\n"
     "Trades the signal engine's LONG/SHORT signals (core/signals) over a candle CSV (the formats kairos-cli\n"
     "data reads): a market order on the bar after the signal, the signal's stop loss and take-profit TP (default 2)\n"
     "as a bracket; an opposite signal closes the position and opens the other way (--long-only: only closes).\n"
     "Size: --fraction of equity (default 0.95) or a fixed --quantity. Fills go through the trading fill simulator:\n"
     "fee --fee-bps of each fill's notional (default 10), slippage --slippage-bps on market and stop fills\n"
     "(default 0); capital default 10000 in the quote asset. Prints the metrics as CSV (metric,value; lines\n"
     "starting with # describe the run); --trades adds every closed trade after a blank line.\n"
     "--max-order-notional N: a pre-trade check refuses every order worth more than N (quote asset).\n"
     "--rules FILE: signal rules as JSON (see kairos-cli signals --help). Timeframe and symbol default to what a\n"
     "Binance-style file name says. Exit codes: 0 ok, 1 data error, 2 usage error.\n"
     "\n"
     "Strategy form (used when --strategy or --entry is given):\n"
     "  kairos-cli backtest --input FILE [--input FILE...] | --store \"INSTRUMENT TF\"\n"
     "         --strategy NAME [--param KEY=VALUE...] | [--strategy formula] --entry F [--exit F] [--stop F] [--target F]\n"
     "         [--cash AMOUNT] [--commission FRACTION | --maker-bps N --taker-bps N] [--slippage-bps N]\n"
     "         [--size QTY | --notional AMOUNT | --percent-equity P | --risk-per-trade P]\n"
     "         [--fill next-open|this-close] [--at-end keep|close] [--from T] [--to T] [--instrument VENUE:SYMBOL]\n"
     "         [--timeframe TF] [--trades OUT.csv] [--summary OUT.json] [--equity OUT.csv] [--report OUT.html]\n"
     "         [--montecarlo RUNS [--seed S] [--ruin-drawdown P] [--bands OUT.csv]]\n"
     "         [--input FILE --input FILE... | --store \"INSTRUMENT TF\"... | --watchlist NAME --timeframe TF]\n"
     "         [--allocation equal|notional:AMOUNT|percent:P]   (portfolio form, below)\n"
     "Built-ins: sma_cross (fast 10, slow 30), ema_cross (fast 12, slow 26), macd_cross (fast 12, slow 26, signal 9),\n"
     "rsi_reversion (period 14, lower 30, upper 70), rsi3 / rsi7 (lower, upper), bollinger_breakout (period 20, k 2),\n"
     "donchian_breakout (entry 20, exit 10), signal (tp 2, short 1); each takes short=0|1 (default 0: long only).\n"
     "Formulas are in the formula language (kairos-cli indicator --help), with crossover(a,b)/crossunder(a,b).\n"
     "Defaults: cash 10000, commission 0, slippage 0, 95 % of equity per entry, fills at the next open, at the end the\n"
     "open position is kept and marked at the last close. Several --input files of one series are read in order.\n"
     "--trades: entry_time,entry_price,exit_time,exit_price,side,quantity,pnl_gross,commission,pnl_net,exit_reason,bars_held;\n"
     "--summary: every metric as JSON with final_equity, final_cash, closed_trades, open_position, monthly_returns,\n"
     "yearly_returns; --equity: time,equity; --report: one self-contained HTML file (charts inline, opens offline).\n"
     "--maker-bps/--taker-bps: per-venue fees (market fills pay taker, resting limit fills such as a target pay maker;\n"
     "one not given is 0). --risk-per-trade P: the size that loses P % of equity at the strategy's stop (formula --stop,\n"
     "signal), at most 100 % of equity; strategies without a stop refuse it.\n"
     "Formula placeholders: {NAME} in a formula takes its number from --param NAME=VALUE (optimize fills ranges).\n"
     "--montecarlo RUNS [--seed S] [--ruin-drawdown P] [--bands OUT.csv]: after the metrics, the Monte Carlo block of\n"
     "kairos-cli montecarlo over the closed trades (the same numbers as montecarlo --trades on the --trades file, same\n"
     "--runs, --seed and --cash); --report adds its bootstrap bands.\n"
     "\n"
     "Portfolio form: one strategy over several instruments in one account (cash shared), used when the --input files\n"
     "name two or more instruments (Binance-style file names; files of one instrument are read in order as one\n"
     "series, a file whose name tells none is FILE:<name>), with several --store \"INSTRUMENT TF\", with --watchlist NAME\n"
     "--timeframe TF (the profile's watchlist; instruments without stored bars are skipped), or with --allocation:\n"
     "  --allocation equal | notional:AMOUNT | percent:P   what one entry may use, decided at its decision close:\n"
     "  equal (default) = equity / N (N series), notional:AMOUNT = AMOUNT, percent:P = P % of equity; each at most the\n"
     "  cash left after entries not yet filled. The entry's quantity = that budget / the decision close, rounded down\n"
     "  to the lot (--size/--notional/--percent-equity/--risk-per-trade are refused). Bars are processed in time\n"
     "  order; bars with the same open time fill first (in the order the series were given), then one equity point,\n"
     "  then the strategies decide in that order. Fills at the next open only (--fill this-close is refused).\n"
     "  --trades gains a first column symbol; --summary has the combined metrics, open_positions (with symbol),\n"
     "  allocation and instruments (per instrument: bars, closed_trades, wins, losses, win_rate_pct, pnl_gross,\n"
     "  commission, pnl_net, rejected_orders, buy_hold_return_pct, open_position); --equity the combined equity;\n"
     "  buy_hold_return_pct is the mean of the instruments' buy & hold returns.",
     runBacktest}};

}  // namespace kairos::cli
