#pragma once
// The Monte Carlo report shared by `kairos-cli montecarlo`, `backtest --montecarlo` and `optimize --montecarlo`.
#include "backtest/montecarlo.h"
#include "backtest/report.h"

#include <QString>

#include <optional>
#include <vector>

namespace kairos::cli {

/// Runs `methods` over the trades' net P&L and prints the distributions (CSV blocks on stdout);
/// with `bandsOut`, writes the 5/50/95 % equity bands there (method,trade,p5,p50,p95). Prints an
/// error and returns its exit code (2 bad settings, 1 unwritable file), else kOk. With `results`, the
/// results of the methods (in their order) are stored there too.
int printMonteCarlo(const char* command, const std::vector<Money>& netPnl, const Money& capital,
                    const backtest::MonteCarloSettings& settings, const std::optional<QString>& bandsOut,
                    const std::vector<backtest::MonteCarloMethod>& methods = {backtest::MonteCarloMethod::Shuffle,
                                                                              backtest::MonteCarloMethod::Bootstrap},
                    std::vector<backtest::MonteCarloResult>* results = nullptr);

/// The report's Monte Carlo section from one method's result (bands, percentiles, ruin).
backtest::ReportMonteCarlo reportMonteCarlo(const backtest::MonteCarloResult& result,
                                            const backtest::MonteCarloSettings& settings);

}  // namespace kairos::cli
