#pragma once
// Whether an alert's condition holds on the data there is now: what the alert dialog shows while
// the user edits a rule. The same evaluation as the AlertEngine (bar conditions run through a
// throw-away engine warmed on the given bars), on a snapshot the caller takes.

#include "alerts/alertrule.h"
#include "domain/bar.h"
#include "domain/timeframe.h"
#include "storage/drawingstore.h"

#include <optional>
#include <string>
#include <vector>

namespace kairos::alerts {

/// The market as the caller knows it now, for one instrument.
struct MarketSnapshot {
    std::optional<Price> last;                ///< the last traded price
    std::optional<Price> bid, ask;            ///< the best bid and ask, when the feed has quotes
    std::int64_t timeMs = 0;                  ///< market time of the last price (UTC ms)
    Timeframe barsTimeframe = Timeframe::H1;  ///< the timeframe of `bars`
    std::vector<Bar> bars;                    ///< recent closed bars, oldest first (coarser ones are aggregated)
    std::optional<storage::Drawing> drawing;  ///< the rule's drawing, for a drawing rule
};

struct ConditionNow {
    enum class State : std::uint8_t { Holds = 1, DoesNotHold, Unknown };
    State state = State::Unknown;
    std::string text;  ///< plain words: "holds: price 105012.35 is inside 104000.00 .. 106000.00"
};

/// Evaluates `rule` (on rule.instrument; a watchlist rule on the snapshot's instrument) against
/// `now`. "Crosses"/"enters"/"leaves" report which side the price is on (they fire on the next
/// change of side). Unknown, saying why, when data is missing (no price, too few bars, no quotes)
/// or for signal conditions (signals come from the signal engine as bars close).
ConditionNow evaluateNow(const AlertRule& rule, const MarketSnapshot& now);

}  // namespace kairos::alerts
