#pragma once
// Paper trading's non-widget parts: the settings of the profile (group "paper"), the paper venue
// opened on them and fed by the EventHub, and the rounding of a price dragged on a chart.
//
// Settings (profile settings file, group "paper"):
//   startingCash  "10000"  account currency (quote asset of the symbols, USDT for the bundled ones)
//   makerFeeBps   "10"     basis points of a fill's value (exact decimal, e.g. "7.5")
//   takerFeeBps   "10"
//   slippageBps   "0"      adverse move applied to market and stop fills
//   confirm       true     ask before sending a paper order

#include "domain/decimal.h"
#include "domain/instrument.h"
#include "trading/papervenue.h"
#include "util/result.h"

#include <QSettings>
#include <QStringList>

namespace kairos::session {

class EventHub;
class TerminalSession;

/// The paper settings of a profile; a value that is not a non-negative decimal is replaced by its
/// default and named in `problems` ("paper/makerFeeBps "x" is not a non-negative decimal; using 10").
trading::PaperSettings readPaperSettings(QSettings& settings, QStringList* problems);
/// Whether orders are confirmed before they are sent (paper/confirm, default true).
bool paperConfirms(QSettings& settings);

/// Opens the profile's paper account (venue, journal in the profile database, account) on its
/// settings, with instrument rules from the venue's list, else Binance's filters for the bundled
/// symbols, else a permissive default from the first price seen. Its venue takes the hub's trades
/// and quotes and its account publishes order updates and fills into the hub. What went wrong (bad
/// settings, unreadable paper tables) is appended to `problems`; the account works in any case (in
/// memory without a profile database, which the caller reports once for the whole terminal).
/// The result is a child of `parent`; `session` and `hub` must outlive it.
trading::PaperAccount* openPaperAccount(TerminalSession& session, EventHub& hub, QObject* parent, QStringList* problems);

/// A price dragged on a chart (a double from a pixel) as an order price of `instrument`: at the
/// tick's scale plus two digits, then onto the tick grid (half-even), at the tick's scale.
Result<Price> roundDraggedPrice(double price, const Instrument& instrument);

}  // namespace kairos::session
