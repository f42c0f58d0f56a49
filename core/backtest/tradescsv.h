#pragma once
// The closed-trade table as CSV, one format for `kairos-cli backtest --trades`, walk-forward and the
// terminal's Backtest dock export: header `entry_time,entry_price,exit_time,exit_price,side,quantity,
// pnl_gross,commission,pnl_net,exit_reason,bars_held`, times ISO-8601 UTC, exact decimals.

#include "backtest/metrics.h"

#include <string>
#include <vector>

namespace kairos::backtest {

/// The CSV key of an exit reason (`stop_loss`, `take_profit`, `signal`, `end_of_data`, `cancelled`).
const char* exitReasonKey(ExitReason r);
/// One row per trade under the header above.
std::string tradesCsv(const std::vector<TradeRecord>& trades);
/// A portfolio's trades: the same columns after a leading `symbol` (symbols[i] belongs to trades[i]).
std::string tradesCsv(const std::vector<TradeRecord>& trades, const std::vector<std::string>& symbols);

}  // namespace kairos::backtest
