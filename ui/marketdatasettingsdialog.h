#pragma once
// Tools > Market data settings: where the bundled symbols' prices come from (replay or live),
// which venues are enabled (symbol search, live prices) and the default venue for bare symbols.

#include "marketdata/venuedirectory.h"

#include <optional>

class QWidget;

namespace kairos::ui {

/// Asks (modal) for new market-data settings, starting from `current`; `venues` gives each venue's
/// last error as a tooltip. nullopt when cancelled.
std::optional<marketdata::VenueSettings> askMarketDataSettings(QWidget* parent, const marketdata::VenueSettings& current,
                                                               const marketdata::VenueDirectory& venues);

}  // namespace kairos::ui
