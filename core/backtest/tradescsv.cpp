#include "backtest/tradescsv.h"

#include "domain/timeframe.h"

namespace kairos::backtest {

namespace {

constexpr const char* kHeader =
    "entry_time,entry_price,exit_time,exit_price,side,quantity,pnl_gross,commission,pnl_net,exit_reason,bars_held\n";

std::string row(const TradeRecord& t) {
    return formatUtc(t.entryTimeMs) + "," + t.entryPrice.toTrimmedString() + "," + formatUtc(t.exitTimeMs) + "," +
        t.exitPrice.toTrimmedString() + "," + (t.side == PositionSide::Long ? "long" : "short") + "," +
        t.quantity.toTrimmedString() + "," + t.grossPnl.toTrimmedString() + "," + t.fees.toTrimmedString() + "," +
        t.netPnl.toTrimmedString() + "," + exitReasonKey(t.exitReason) + "," + std::to_string(t.barsHeld) + "\n";
}

}  // namespace

const char* exitReasonKey(ExitReason r) {
    switch (r) {
    case ExitReason::StopLoss:
        return "stop_loss";
    case ExitReason::TakeProfit:
        return "take_profit";
    case ExitReason::Signal:
        return "signal";
    case ExitReason::EndOfData:
        return "end_of_data";
    case ExitReason::Cancelled:
        return "cancelled";
    }
    return "?";
}

std::string tradesCsv(const std::vector<TradeRecord>& trades) {
    std::string out = kHeader;
    for (const auto& t : trades) out += row(t);
    return out;
}

std::string tradesCsv(const std::vector<TradeRecord>& trades, const std::vector<std::string>& symbols) {
    std::string out = std::string("symbol,") + kHeader;
    for (std::size_t i = 0; i < trades.size(); ++i) out += symbols.at(i) + "," + row(trades[i]);
    return out;
}

}  // namespace kairos::backtest
