// kairos-cli backtest (and the kairos-backtest program). Two forms:
// - with --strategy NAME or --entry FORMULA: a built-in or formula strategy over candle files or a
//   stored series, with the flags (--cash, --commission, --size/--notional/--percent-equity,
//   --at-end, --trades/--summary/--equity files): runStrategy() below;
// - without them: the original form, the signal strategy with --capital/--fee-bps/--trades (flag).
#include "command.h"

#include "backtest_common.h"

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

#include <cmath>
#include <cstdio>

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

const char* exitReasonKey(backtest::ExitReason r) {
    switch (r) {
    case backtest::ExitReason::StopLoss:
        return "stop_loss";
    case backtest::ExitReason::TakeProfit:
        return "take_profit";
    case backtest::ExitReason::Signal:
        return "signal";
    case backtest::ExitReason::EndOfData:
        return "end_of_data";
    case backtest::ExitReason::Cancelled:
        return "cancelled";
    }
    return "?";
}

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

std::string tradesCsv(const std::vector<backtest::TradeRecord>& trades) {
    std::string out =
        "entry_time,entry_price,exit_time,exit_price,side,quantity,pnl_gross,commission,pnl_net,exit_reason,bars_held\n";
    for (const auto& t : trades) {
        out += formatUtc(t.entryTimeMs) + "," + t.entryPrice.toTrimmedString() + "," + formatUtc(t.exitTimeMs) + "," +
            t.exitPrice.toTrimmedString() + "," + (t.side == backtest::PositionSide::Long ? "long" : "short") + "," +
            t.quantity.toTrimmedString() + "," + t.grossPnl.toTrimmedString() + "," + t.fees.toTrimmedString() + "," +
            t.netPnl.toTrimmedString() + "," + exitReasonKey(t.exitReason) + "," + std::to_string(t.barsHeld) + "\n";
    }
    return out;
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

std::string summaryJson(const backtest::BacktestResult& r) {
    std::string out = "{\n";
    const auto fields = summaryFields(r);
    for (std::size_t i = 0; i < fields.size(); ++i)
        out += "  \"" + fields[i].first + "\": " + fields[i].second + (i + 1 < fields.size() ? ",\n" : "\n");
    return out + "}\n";
}

int runStrategy(Context& ctx) {
    Args a(ctx.args);
    const BacktestOptions o = takeBacktestOptions(a);
    std::vector<std::pair<std::string, std::string>> given;
    std::vector<QString> paramTexts;
    while (auto p = a.takeOption(QStringLiteral("--param"))) paramTexts.push_back(*p);
    const auto tradesOut = a.takeOption(QStringLiteral("--trades"));
    const auto summaryOut = a.takeOption(QStringLiteral("--summary"));
    const auto equityOut = a.takeOption(QStringLiteral("--equity"));
    const auto reportOut = a.takeOption(QStringLiteral("--report"));
    if (!a.error.isEmpty()) return fail(kName, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(kName, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(kName, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    // Flags before data: every usage error is reported without reading the bars.
    PreparedBacktest prepared;
    if (const int rc = parseBacktestOptions(kName, o, prepared); rc != kOk) return rc;
    const backtest::OrderSizing& sizing = prepared.sizing;

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
    std::unique_ptr<backtest::Strategy> strategy;
    if (formula) {
        backtest::FormulaStrategySettings fs;
        fs.entry = o.entry->toStdString();
        fs.exit = o.exit ? o.exit->toStdString() : std::string();
        fs.stop = o.stop ? o.stop->toStdString() : std::string();
        fs.target = o.target ? o.target->toStdString() : std::string();
        fs.sizing = sizing;
        for (const auto& [k, v] : given) {
            if (k != "short" || (v != "0" && v != "1"))
                return fail(kName,
                            QStringLiteral("unknown parameter \"%1\" for formula (it takes: short 0..1 (default 0), 1: the "
                                           "entry opens a short)")
                                .arg(QString::fromStdString(k)),
                            kUsageError);
            fs.shortEntries = v == "1";
        }
        auto f = backtest::FormulaStrategy::create(fs);
        if (!f) return fail(kName, QString::fromStdString(f.message()), kUsageError);
        strategy = std::move(*f);
    } else {
        const backtest::StrategyInfo* info = backtest::findBuiltin(name);
        if (!info)
            return fail(kName,
                        QStringLiteral("unknown strategy \"%1\" (built-ins: %2, formula)")
                            .arg(QString::fromStdString(name), QString::fromStdString(backtest::builtinNames())),
                        kUsageError);
        auto params = backtest::resolveParams(*info, given);
        if (!params) return fail(kName, QString::fromStdString(params.message()), kUsageError);
        auto made = backtest::makeBuiltin(name, *params, sizing);
        if (!made) return fail(kName, QString::fromStdString(made.message()), kUsageError);
        strategy = std::move(*made);
    }

    if (const int rc = loadBars(kName, o, ctx.profileDir, prepared); rc != kOk) return rc;
    const backtest::BacktestSettings& settings = prepared.settings;
    const std::vector<Bar>& bars = prepared.bars;
    const InstrumentId& id = prepared.id;
    const Timeframe tf = prepared.timeframe;
    auto r = backtest::BacktestEngine(settings).run(*strategy, bars);
    if (!r) return fail(kName, QString::fromStdString(r.message()), kDataError);
    if (tradesOut)
        if (auto st = writeFile(*tradesOut, tradesCsv(r->trades)); !st)
            return fail(kName, QString::fromStdString(st.message()), kDataError);
    if (summaryOut)
        if (auto st = writeFile(*summaryOut, summaryJson(*r)); !st)
            return fail(kName, QString::fromStdString(st.message()), kDataError);
    if (equityOut)
        if (auto st = writeFile(*equityOut, equityCsv(r->equity)); !st)
            return fail(kName, QString::fromStdString(st.message()), kDataError);
    const std::string feeText = describeFees(settings);
    if (reportOut) {
        backtest::ReportInput report;
        report.result = &*r;
        report.instrument = id.toString();
        report.timeframe = toString(tf);
        report.title = name + " · " + report.instrument + " " + report.timeframe;
        report.bars = bars;
        report.settings = {
            {"Cash", settings.initialCapital.toTrimmedString()},
            {"Commission", feeText},
            {"Slippage", settings.rules.slippageBps.toTrimmedString() + " bp"},
            {"Sizing", backtest::describe(sizing)},
            {"Fills", settings.fillAt == backtest::FillAt::NextOpen ? "next bar's open" : "decision bar's close"},
            {"At the end",
             settings.atEnd == backtest::AtEnd::Keep ? "keep (marked at the last close)" : "close at the last close"},
        };
        for (const auto& [k, v] : given) report.settings.emplace_back("Parameter " + k, v);
        auto html = backtest::renderReport(report);
        if (!html) return fail(kName, QString::fromStdString(html.message()), kDataError);
        if (auto st = writeFile(*reportOut, *html); !st) return fail(kName, QString::fromStdString(st.message()), kDataError);
    }

    std::printf("# %s %s, %zu bars, %s to %s\n", id.toString().c_str(), toString(tf).c_str(), bars.size(),
                formatUtc(bars.front().openTimeMs).c_str(), formatUtc(r->metrics.endMs).c_str());
    std::printf("# strategy: %s\n", r->strategyName.c_str());
    std::printf(
        "# commission %s, slippage %s bp; fills at %s; at the end: %s\n", feeText.c_str(),
        settings.rules.slippageBps.toTrimmedString().c_str(),
        settings.fillAt == backtest::FillAt::NextOpen ? "the next bar's open" : "the decision bar's close",
        settings.atEnd == backtest::AtEnd::Keep ? "open position kept, marked at the last close" : "closed at the last close");
    std::printf("metric,value\n");
    for (const auto& [k, v] : summaryFields(*r)) {
        std::string value = v;
        if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
        if (k == "open_position" || k == "strategy" || k == "monthly_returns" || k == "yearly_returns") continue;
        std::printf("%s,%s\n", k.c_str(), value.c_str());
    }
    if (r->openPosition)
        std::printf("open_position,%s %s from %s at %s\n", backtest::toString(r->openPosition->side).c_str(),
                    r->openPosition->quantity.toTrimmedString().c_str(), r->openPosition->entryPrice.toTrimmedString().c_str(),
                    formatUtc(r->openPosition->entryTimeMs).c_str());
    else
        std::printf("open_position,none\n");
    return kOk;
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
     "signal), at most 100 % of equity; strategies without a stop refuse it.",
     runBacktest}};

}  // namespace kairos::cli
