// kairos-cli backtest (and the kairos-backtest program): the signal strategy over a candle file.
#include "command.h"

#include "backtest/backtestengine.h"
#include "backtest/signalstrategy.h"
#include "marketdata/csvimport.h"
#include "signals/rulesfile.h"
#include "trading/instrumentdefaults.h"

#include <QFileInfo>

#include <cmath>
#include <cstdio>
#include <limits>

namespace kairos::cli {
namespace {

const char* kName = "backtest";

std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

template <class T>
Result<T> parseDecimalOption(const QString& option, const QString& text) {
    auto v = T::parse(text.trimmed().toStdString());
    if (!v) return makeError(QStringLiteral("%1 takes a plain decimal number (got \"%2\")").arg(option, text).toStdString());
    return *v;
}

void printMetrics(const backtest::Metrics& m) {
    std::printf("metric,value\n");
    auto row = [](const char* k, const std::string& v) { std::printf("%s,%s\n", k, v.c_str()); };
    row("initial_capital", m.initialCapital.toTrimmedString());
    row("final_equity", m.finalEquity.toTrimmedString());
    row("net_profit", m.netProfit.toTrimmedString());
    row("total_return_pct", number(m.totalReturnPct));
    row("cagr_pct", number(m.cagrPct));
    row("max_drawdown", m.maxDrawdown.toTrimmedString());
    row("max_drawdown_pct", number(m.maxDrawdownPct));
    row("max_drawdown_peak", m.maxDrawdown.isZero() ? "" : formatUtc(m.maxDrawdownPeakMs));
    row("max_drawdown_trough", m.maxDrawdown.isZero() ? "" : formatUtc(m.maxDrawdownTroughMs));
    row("sharpe", number(m.sharpe));
    row("sortino", number(m.sortino));
    row("periods_per_year", number(m.periodsPerYear));
    row("profit_factor", number(m.profitFactor));
    row("win_rate_pct", number(m.winRatePct));
    row("average_win", number(m.averageWin));
    row("average_loss", number(m.averageLoss));
    row("expectancy", number(m.expectancy));
    row("trades", std::to_string(m.trades));
    row("wins", std::to_string(m.wins));
    row("losses", std::to_string(m.losses));
    row("gross_profit", m.grossProfit.toTrimmedString());
    row("gross_loss", m.grossLoss.toTrimmedString());
    row("total_fees", m.totalFees.toTrimmedString());
    row("exposure_pct", number(m.exposurePct));
    row("buy_hold_return_pct", number(m.buyHoldReturnPct));
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

int runBacktest(Context& ctx) {
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
    std::int64_t fromMs = std::numeric_limits<std::int64_t>::min();
    std::int64_t toMs = std::numeric_limits<std::int64_t>::max();
    if (fromText) {
        auto t = parseUtc(fromText->toStdString());
        if (!t) return fail(kName, QStringLiteral("--from: %1").arg(QString::fromStdString(t.message())), kUsageError);
        fromMs = *t;
    }
    if (toText) {
        auto t = parseUtc(toText->toStdString());
        if (!t) return fail(kName, QStringLiteral("--to: %1").arg(QString::fromStdString(t.message())), kUsageError);
        toMs = *t;
    }

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
     "Binance-style file name says. Exit codes: 0 ok, 1 data error, 2 usage error.",
     runBacktest}};

}  // namespace kairos::cli
