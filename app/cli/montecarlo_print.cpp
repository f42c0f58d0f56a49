// The Monte Carlo block shared by `kairos-cli montecarlo`, `backtest --montecarlo` and `optimize --montecarlo`
// (montecarlo_print.h).
#include "montecarlo_print.h"

#include "backtest_common.h"
#include "command.h"

#include <cstdio>

namespace kairos::cli {
namespace {

std::string pct(double v) { return formatNumber(v); }

}  // namespace

int printMonteCarlo(const char* command, const std::vector<Money>& netPnl, const Money& capital,
                    const backtest::MonteCarloSettings& settings, const std::optional<QString>& bandsOut,
                    const std::vector<backtest::MonteCarloMethod>& methods, std::vector<backtest::MonteCarloResult>* out) {
    std::vector<backtest::MonteCarloResult> results;
    for (backtest::MonteCarloMethod m : methods) {
        backtest::MonteCarloSettings s = settings;
        s.method = m;
        auto r = backtest::runMonteCarlo(netPnl, capital, s);
        if (!r) return fail(command, QString::fromStdString(r.message()), netPnl.empty() ? kDataError : kUsageError);
        results.push_back(std::move(*r));
    }
    const auto& first = results.front();
    std::printf("# %zu trades, capital %s, %d runs per method, seed %llu; ruin = a drawdown of %s %% of the peak\n", first.trades,
                capital.toTrimmedString().c_str(), settings.runs, static_cast<unsigned long long>(settings.seed),
                pct(settings.ruinDrawdownPct).c_str());
    std::printf("# as traded: final return %s %%, max drawdown %s %%\n", pct(first.originalFinalReturnPct).c_str(),
                pct(first.originalMaxDrawdownPct).c_str());
    std::printf("method,statistic,p5,p25,p50,p75,p95,mean\n");
    for (const auto& r : results) {
        const auto row = [&](const char* name, const backtest::Distribution& d) {
            std::printf("%s,%s,%s,%s,%s,%s,%s,%s\n", backtest::toString(r.method).c_str(), name, pct(d.p5).c_str(),
                        pct(d.p25).c_str(), pct(d.p50).c_str(), pct(d.p75).c_str(), pct(d.p95).c_str(), pct(d.mean).c_str());
        };
        row("final_return_pct", r.finalReturnPct);
        row("max_drawdown_pct", r.maxDrawdownPct);
        row("final_equity", r.finalEquity);
    }
    std::printf("\nmethod,ruin_probability\n");
    for (const auto& r : results) std::printf("%s,%s\n", backtest::toString(r.method).c_str(), pct(r.ruinProbability).c_str());
    if (bandsOut) {
        std::string text = "method,trade,p5,p50,p95\n";
        for (const auto& r : results)
            for (const auto& b : r.bands)
                text += backtest::toString(r.method) + "," + std::to_string(b.trade) + "," + pct(b.p5) + "," + pct(b.p50) + "," +
                    pct(b.p95) + "\n";
        if (auto st = writeFile(*bandsOut, text); !st) return fail(command, QString::fromStdString(st.message()), kDataError);
    }
    if (out) *out = std::move(results);
    return kOk;
}

backtest::ReportMonteCarlo reportMonteCarlo(const backtest::MonteCarloResult& b, const backtest::MonteCarloSettings& settings) {
    backtest::ReportMonteCarlo r;
    r.method = backtest::toString(b.method);
    r.runs = b.runs;
    r.seed = settings.seed;
    for (const backtest::BandPoint& p : b.bands) {
        r.p5.push_back(p.p5);
        r.p50.push_back(p.p50);
        r.p95.push_back(p.p95);
    }
    r.maxDrawdownPctP50 = b.maxDrawdownPct.p50;
    r.maxDrawdownPctP95 = b.maxDrawdownPct.p95;
    r.finalReturnPctP5 = b.finalReturnPct.p5;
    r.finalReturnPctP50 = b.finalReturnPct.p50;
    r.finalReturnPctP95 = b.finalReturnPct.p95;
    r.ruinDrawdownPct = settings.ruinDrawdownPct;
    r.probabilityOfRuin = b.ruinProbability;
    return r;
}

}  // namespace kairos::cli
