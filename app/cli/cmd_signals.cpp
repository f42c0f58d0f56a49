// kairos-cli signals: the signal engine over a candle file, with each signal's later outcome.
#include "command.h"

#include "marketdata/csvimport.h"
#include "signals/outcome.h"
#include "signals/rulesfile.h"

#include <cstdio>

namespace kairos::cli {
namespace {

std::string csvQuote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

int runSignals(Context& ctx) {
    const char* cmd = "signals";
    Args a(ctx.args);
    const auto input = a.takeOption(QStringLiteral("--input"));
    const auto tfText = a.takeOption(QStringLiteral("--timeframe"));
    const auto maxBarsText = a.takeOption(QStringLiteral("--max-bars"));
    const auto rulesFile = a.takeOption(QStringLiteral("--rules"));
    const bool showAccuracy = a.takeFlag(QStringLiteral("--accuracy"));
    const bool all = a.takeFlag(QStringLiteral("--all"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (!a.rest.isEmpty()) return fail(cmd, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
    if (!input) return fail(cmd, QStringLiteral("needs --input FILE (a candle CSV)"), kUsageError);
    Timeframe tf = Timeframe::H1;
    if (tfText) {
        auto t = parseTimeframe(tfText->toStdString());
        if (!t) return fail(cmd, QString::fromStdString(t.message()), kUsageError);
        tf = *t;
    } else if (auto hint = marketdata::inferFromFileName(input->toStdString()).timeframe) {
        tf = *hint;
    } else {
        return fail(cmd, QStringLiteral("cannot tell the timeframe from the file name; pass --timeframe (e.g. 1h)"), kUsageError);
    }
    int maxBars = 48;
    if (maxBarsText) {
        bool ok = false;
        maxBars = maxBarsText->toInt(&ok);
        if (!ok || maxBars < 1) return fail(cmd, QStringLiteral("--max-bars takes a whole number >= 1"), kUsageError);
    }
    signal::SignalRules rules;
    if (rulesFile) {
        auto r = signal::loadRules(rulesFile->toStdString());
        if (!r) return fail(cmd, QString::fromStdString(r.message()), kUsageError);
        rules = std::move(*r);
    }
    auto csv = marketdata::readBarsCsv(input->toStdString());
    if (!csv) return fail(cmd, QString::fromStdString(csv.message()), kDataError);
    const auto sigs = signal::generateSignals(csv->bars, tf, rules);
    std::vector<signal::Outcome> outcomes;
    outcomes.reserve(sigs.size());
    for (const auto& s : sigs) outcomes.push_back(signal::evaluate(s, csv->bars, rules, maxBars));
    if (showAccuracy) {
        std::printf("group,signals,win_rate,average_r\n");
        for (const auto& [key, b] : signal::accuracy(sigs, outcomes))
            std::printf("%s,%d,%.17g,%.17g\n", key.c_str(), b.count, b.winRate(), b.averageR());
        return kOk;
    }
    std::printf("time,side,confidence,score,entry,stop_loss,tp1,tp2,tp3,reward_risk,exit,tp_reached,r,bars_held,reasons\n");
    for (std::size_t i = 0; i < sigs.size(); ++i) {
        const auto& s = sigs[i];
        if (!all && s.side == signal::Direction::Hold) continue;
        const auto& o = outcomes[i];
        std::string reasons;
        for (const auto& r : s.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
        std::printf("%s,%s,%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%s,%d,%.17g,%d,%s\n", formatUtc(s.timeMs).c_str(),
                    signal::toString(s.side).c_str(), s.confidence, s.score, s.entry, s.stopLoss, s.takeProfits[0],
                    s.takeProfits[1], s.takeProfits[2], s.rewardRisk, signal::toString(o.exit).c_str(), o.tpReached, o.r,
                    o.barsHeld, csvQuote(reasons).c_str());
    }
    return kOk;
}

const CommandRegistration kSignals{
    {"signals", "run the signal engine over a candle file, with outcomes",
     "Usage: kairos-cli signals --input FILE [--timeframe TF] [--rules FILE] [--max-bars N] [--all | --accuracy]\n"
     "Runs the signal engine (core/signals) over every closed bar and prints each LONG/SHORT signal (--all:\n"
     "HOLD too) as CSV: the time it became known (bar close, UTC), side, confidence, score, entry, stop loss,\n"
     "three take-profits, reward:risk, and its outcome judged only on later bars (stop, tp3, expired after\n"
     "N bars (default 48), or open), the highest TP reached, the result in R and the reasons.\n"
     "--accuracy prints win rate and average R overall, per side and per confidence band instead.\n"
     "The timeframe defaults to what a Binance-style file name says.\n"
     "--rules FILE: a JSON object overriding the engine's parameters (emaFast, rsiOversold, minScore, ...)\n"
     "and adding formula rules, e.g. {\"formulas\": [{\"formula\": \"rsi(close, 14) < 30\", \"side\": \"long\",\n"
     "\"weight\": 15, \"reason\": \"RSI oversold\"}]}: a formula (as kairos-cli indicator takes, with < <= > >=\n"
     "== != and/or) that holds on a closed bar votes for its side with its weight.",
     runSignals}};

}  // namespace
}  // namespace kairos::cli
