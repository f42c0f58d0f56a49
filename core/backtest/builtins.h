#pragma once
// The built-in strategies and their typed, range-checked parameters (a small registry: name ->
// parameter specs with defaults and ranges -> factory), for `kairos-cli backtest --strategy NAME
// --param KEY=VALUE` and for any caller that builds strategies by name.
//
// Every rule strategy decides on a bar's close (it sees only closed bars) and trades with market
// orders, which fill on the next bar's open (or this bar's close, BacktestSettings::fillAt). Long
// only unless the parameter short=1: then the signal that closes a long also opens a short (and the
// other way round), as two market orders on the same bar. Indicators are the library's streaming
// ones (core/indicators, in double). A "cross up" of a over b is backtrader's CrossOver: a > b on
// this bar and a < b on the latest earlier bar where they differed (equal bars are skipped; the
// first defined bar cannot cross).
//
//   sma_cross(fast=10, slow=30)     long on SMA(fast) crossing up SMA(slow), out on crossing down.
//   ema_cross(fast=12, slow=26)     the same with EMAs (seeded with the SMA of their first values).
//   macd_cross(fast=12, slow=26, signal=9)  long on the MACD line crossing up its signal line,
//                                   out on crossing down.
//   rsi_reversion(period=14, lower=30, upper=70)  long when RSI(period) < lower, out when
//                                   RSI > upper (short: short when RSI > upper, cover when < lower).
//   rsi3(lower=20, upper=80)        rsi_reversion over a 3-bar RSI.
//   rsi7(lower=30, upper=70)        rsi_reversion over a 7-bar RSI.
//   bollinger_breakout(period=20, k=2)  long when the close is above the upper band (SMA + k x
//                                   population stddev of the closes), out when it is below the
//                                   middle band (short: below the lower band, cover above the middle).
//   donchian_breakout(entry=20, exit=10)  long when the close is above the highest high of the
//                                   `entry` bars before this one, out when it is below the lowest
//                                   low of the `exit` bars before it (short: mirrored).
//   signal                          the signal engine's strategy (SignalStrategy; tp=1..3 picks its
//                                   take-profit, short=0 makes it long only).
//
// Size of an entry: OrderSizing (a fixed quantity, a fixed notional, a percentage of equity at the
// decision bar's close, or risk per trade for strategies with a stop: formula --stop and signal),
// rounded down to the instrument's lot size; no entry when that is 0. The rule strategies above set
// no stop, so they refuse risk-per-trade sizing.

#include "backtest/strategy.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kairos::backtest {

/// How big an entry is.
struct OrderSizing {
    /// RiskPerTrade: the quantity that loses `riskPercent` of equity if the entry's stop is hit,
    /// measured from the decision bar's close to the stop (equity x riskPercent / 100 / |close -
    /// stop|), capped at 100 % of equity (no leverage). Only strategies with a stop can use it.
    enum class Kind : std::uint8_t { Quantity = 1, Notional, PercentEquity, RiskPerTrade };
    Kind kind = Kind::PercentEquity;
    kairos::Quantity quantity;  ///< Quantity: > 0
    Money notional;             ///< Notional: > 0, in the quote asset
    double percent = 95;        ///< PercentEquity: 0 < percent <= 100 (default leaves 5 % for fees and gaps)
    double riskPercent = 1;     ///< RiskPerTrade: 0 < riskPercent <= 100
};

/// Error naming the sizing value that is out of range.
Status validate(const OrderSizing& sizing);
/// The quantity of a new entry at `price` for an account worth `equity`: rounded down to the
/// lot size; nullopt when that is zero or the inputs are not positive.
std::optional<Quantity> entryQuantity(const OrderSizing& sizing, const Price& price, const Money& equity,
                                      const Instrument& instrument);
/// The same for an entry protected by `stop` (RiskPerTrade needs it: nullopt without a stop, or
/// with the stop at `price`).
std::optional<Quantity> entryQuantity(const OrderSizing& sizing, const Price& price, const Money& equity,
                                      const Instrument& instrument, const std::optional<Price>& stop);
/// Error when `sizing` is RiskPerTrade, for a strategy (`strategy` names it) that sets no stop.
Status requireStopForRiskSizing(const OrderSizing& sizing, const std::string& strategy);
std::string describe(const OrderSizing& sizing);

/// Flattens: cancels the strategy's protective orders (every working order that is not an entry)
/// and sends a market order for the whole position (client id "exit"); nothing to send when flat.
/// A rejection leaves the position as it was. Shared by every strategy that closes on a signal.
void closePositionAtMarket(StrategyContext& ctx);

/// One parameter of a strategy.
struct ParamSpec {
    std::string name;
    double defaultValue = 0;
    double min = 0, max = 0;  ///< inclusive
    bool integer = true;      ///< whole numbers only
    std::string help;
};

struct StrategyInfo {
    std::string name;
    std::string summary;
    std::vector<ParamSpec> params;
};

using ParamValues = std::map<std::string, double>;

/// Every built-in, in a fixed order.
const std::vector<StrategyInfo>& builtinStrategies();
/// nullptr when there is no built-in of that name.
const StrategyInfo* findBuiltin(std::string_view name);
/// "sma_cross, ema_cross, ..."
std::string builtinNames();
/// "fast 1..500 (default 10)"
std::string describe(const ParamSpec& p);

/// The parameters of `info` from KEY=VALUE pairs (others at their defaults). Error naming the
/// parameter and its allowed range: unknown name (lists the known ones), not a number, not whole,
/// out of range, or a rule between parameters (fast < slow).
Result<ParamValues> resolveParams(const StrategyInfo& info, const std::vector<std::pair<std::string, std::string>>& given);

/// A fresh built-in strategy. `params` as resolveParams() gives them (missing ones take defaults,
/// values are checked again). Error for an unknown name or bad values.
Result<std::unique_ptr<Strategy>> makeBuiltin(std::string_view name, const ParamValues& params, const OrderSizing& sizing);

/// What a rule strategy wants on this bar (several may be true).
struct Decision {
    bool enterLong = false;
    bool exitLong = false;
    bool enterShort = false;
    bool exitShort = false;
};

/// Base of the rule strategies: decide() on each closed bar, then the shared position rules
/// (see the top of this file). A subclass may override act() to add stops or targets.
class RuleStrategy : public Strategy {
public:
    RuleStrategy(std::string name, OrderSizing sizing, bool allowShort);
    std::string name() const override { return m_name; }
    void onBar(const Bar& bar, std::int64_t closeTimeMs, StrategyContext& ctx) override;

protected:
    virtual Decision decide(const Bar& bar, std::int64_t closeTimeMs) = 0;
    /// Submits a market entry on `side` (sized at the bar's close); false when nothing was sent.
    virtual bool enter(Side side, const Bar& bar, StrategyContext& ctx);
    /// Cancels the strategy's protective orders and closes the position at market.
    void closePosition(StrategyContext& ctx);
    const OrderSizing& sizing() const { return m_sizing; }
    bool allowShort() const { return m_allowShort; }

private:
    std::string m_name;
    OrderSizing m_sizing;
    bool m_allowShort;
};

/// backtrader's CrossOver of a over b, fed one bar at a time: +1 a crossed up, -1 down, 0 no cross.
class CrossDetector {
public:
    int update(double a, double b);

private:
    int m_lastSign = 0;  // sign(a - b) on the latest bar where they differed; 0 = none yet
};

}  // namespace kairos::backtest
