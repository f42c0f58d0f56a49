#pragma once
// Alerts: a rule watches one instrument and fires an AlertEvent when its condition holds.
//
// Conditions
// - Price conditions compare the last traded price with a fixed-point level (Price; parsed from
//   text at the instrument's precision, parseLevel()):
//   * crosses above L: fires on a price p when the previous price q seen BY THIS RULE was strictly
//     below L and p >= L. Touching the level from below counts as crossing it; sitting on the level
//     and then moving up does not fire again (q == L is not below L). Crosses below mirrors it
//     (q > L and p <= L). A rule's first price after it is created, edited, enabled or loaded only
//     sets q: it never fires a "crosses" alert (there is no "before" to cross from), so a crossing
//     that happened while the terminal was closed is not reported.
//   * goes above L: p > L (strictly); goes below L: p < L. These need no previous price, so the
//     first price may fire them.
// - Formula condition: a boolean formula (indicators/formula.h, e.g. "ema(close,9) > ema(close,21)")
//   over the instrument's CLOSED bars of the rule's timeframe, evaluated once per closed bar. It
//   holds when the value is defined and non-zero (NaN during the warm-up counts as not holding).
// - Signal condition: the signal engine gave a LONG and/or SHORT signal (per `signalSide`) with
//   confidence >= minConfidence on a closed bar of the rule's timeframe.
// - Channel (two levels, `level` and `level2` in either order; the channel [low, high] includes its
//   edges): enters: the previous price this rule saw was outside and p is inside; leaves: the
//   previous price was inside and p is outside. Like "crosses", the first price only sets q.
// - Price source: price-level and channel conditions compare the last traded price, or, with
//   `priceSource` Bid / Ask / Mid, the best bid, the best ask or their mean from the feed's quotes
//   (book ticker); such a rule sees only quotes, never trades.
// - Moves N % (MovePercent): on a closed bar of the rule's timeframe, the change of the close from
//   the close `windowBars` bars earlier, or (windowBars 0) from the last close at or before
//   close time - windowMs, is at least `percent` % up (signalSide Long), down (Short) or either
//   way (Either). Not held while the window reaches before the first bar the rule has.
// - Volume spike: on a closed bar, volume >= volumeFactor x the mean volume of the previous
//   `volumeBars` bars (not held before it has that many).
// - 24h change: on every price, (p - r) / r >= percent % (Long), <= -percent % (Short) or either,
//   where r is the close of the last closed bar of the rule's timeframe that closed at or before
//   the price's time - 24 h (not held before such a bar is known).
// - Drawing (CrossesDrawing): a trend line, ray or horizontal line of the instrument's chart
//   (storage::DrawingStore, `drawingId`). The line's price at time t is the anchors' straight line
//   through t (extended both ways; a horizontal line's price everywhere). Fires when the previous
//   price q (at time tq) was below the line at tq and p >= the line at t (up; Long), or mirrored
//   (down; Short), or either (Either). The engine reads the drawing again on every closed bar of
//   the rule's timeframe and when told it changed, so the alert follows a moved line; when the
//   drawing is gone the rule is disabled with a Disabled event.
// - Timeframes in formulas: a field may name a coarser timeframe, "close@4h" (formula.h); its bars
//   are aggregated from the rule's bars. The rule's timeframe is the one the formula is evaluated on.
//
// Watchlist rules: a rule with watchlistId > 0 (and no instrument) runs on every symbol of that
// watchlist, as told by AlertEngine::setWatchlist (symbols added later are covered). It is one rule:
// one id, one firing count; "once" disables it for every symbol after its first firing; the
// previous price, cooldown and once-per-bar state are per symbol.
//
// Trigger modes (TradingView's names)
// - Once: fires the first time, then the rule is disabled (and stays disabled after a restart).
// - Once per bar: at most once per bar of the rule's timeframe (for bar-based conditions: on every
//   closed bar where the condition holds).
// - Every time: every time the condition is met, but not again within cooldownMs of the last firing
//   (market time).
// For bar-based conditions (formula, signal) "once" and "every time" fire when the condition
// BECOMES true (it did not hold on the previous closed bar): a moving-average cross fires on the
// bar of the cross, not on every bar after it. "Once per bar" fires on every bar where it holds.
//
// Expiry: a rule with expiresAtMs > 0 stops at the first price or bar at/after that time (market
// time): it is disabled and an Expired event says so; nothing fires at or after expiry.
//
// Core knows no Qt widgets: the UI formats these values for display.

#include "domain/decimal.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::alerts {

/// What a rule watches. The stored spelling is toString()'s; never renumber or rename.
enum class Condition : std::uint8_t {
    CrossesAbove = 1,
    CrossesBelow,
    GoesAbove,
    GoesBelow,
    Formula,
    Signal,
    EntersChannel,
    LeavesChannel,
    MovePercent,
    VolumeSpike,
    Change24h,
    CrossesDrawing,
};
/// Which price a tick condition compares. The stored spelling is toString()'s.
enum class PriceSource : std::uint8_t { Last = 1, Bid, Ask, Mid };
enum class Trigger : std::uint8_t { Once = 1, OncePerBar, EveryTime };
/// Which signals a signal condition accepts.
enum class SignalSide : std::uint8_t { Long = 1, Short, Either };

/// "crosses_above", "crosses_below", "goes_above", "goes_below", "formula", "signal",
/// "enters_channel", "leaves_channel", "move_percent", "volume_surge" (a volume spike), "change_24h", "crosses_drawing".
std::string_view toString(Condition c);
std::optional<Condition> conditionFromString(std::string_view text);
/// "once", "once_per_bar", "every_time".
std::string_view toString(Trigger t);
std::optional<Trigger> triggerFromString(std::string_view text);
/// "long", "short", "either".
std::string_view toString(SignalSide s);
std::optional<SignalSide> signalSideFromString(std::string_view text);
/// "last", "bid", "ask", "mid".
std::string_view toString(PriceSource s);
std::optional<PriceSource> priceSourceFromString(std::string_view text);
/// Whether the condition compares the price with `level` (crosses, goes, channel).
bool isPriceCondition(Condition c);
/// Whether the condition is a channel (needs `level2` too).
bool isChannelCondition(Condition c);
/// Whether the condition is evaluated on every price (trade or quote) rather than on closed bars:
/// the price conditions, the 24h change and the drawing.
bool isTickCondition(Condition c);

struct AlertRule {
    std::int64_t id = 0;  ///< 0 until stored (AlertStore::save gives it)
    InstrumentId instrument;
    Condition condition = Condition::CrossesAbove;
    Price level;                                  ///< price conditions; a channel's one edge
    Price level2;                                 ///< a channel's other edge
    PriceSource priceSource = PriceSource::Last;  ///< price-level and channel conditions
    double percent = 5;                           ///< MovePercent, Change24h: the move in % (> 0)
    int windowBars = 0;                           ///< MovePercent: window in bars of the timeframe (0: use windowMs)
    std::int64_t windowMs = 0;                    ///< MovePercent: window in ms when windowBars is 0
    double volumeFactor = 3;                      ///< VolumeSpike: k
    int volumeBars = 20;                          ///< VolumeSpike: N, the bars averaged
    std::int64_t drawingId = 0;                   ///< CrossesDrawing: storage::Drawing::id
    std::int64_t watchlistId = 0;                 ///< > 0: the rule runs on every symbol of this watchlist
    std::string formula;                          ///< Condition::Formula
    Timeframe timeframe = Timeframe::H1;          ///< bars of bar-based conditions; the bar of "once per bar"
    /// Condition::Signal: which signals; MovePercent, Change24h, CrossesDrawing: the direction
    /// (Long = up, Short = down, Either = both).
    SignalSide signalSide = SignalSide::Either;
    int minConfidence = 60;  ///< Condition::Signal, 0..100
    Trigger trigger = Trigger::Once;
    std::int64_t cooldownMs = 60'000;  ///< Trigger::EveryTime: no new firing this soon after the last (market time)
    std::int64_t expiresAtMs = 0;      ///< UTC ms; 0 = never
    bool enabled = true;
    std::string note;              ///< the user's message, added to the event's text
    std::int64_t createdAtMs = 0;  ///< UTC ms (wall clock)
    std::int64_t lastFiredMs = 0;  ///< market time of the last firing; 0 = never
    std::int64_t fireCount = 0;
    /// Delivery channels (channel.h) each firing is sent to, by ChannelConfig::id; empty = terminal only.
    std::vector<std::int64_t> channelIds;
    /// The message the channels send, with placeholders {symbol} {price} {condition} {time} {note}
    /// {timeframe} (renderTemplate); empty = the firing's own text.
    std::string messageTemplate;
    /// "Keep running on the server": kairosd evaluates the rule from its synced copy (and delivers
    /// it through the account's server channels) while the terminal keeps it but does not evaluate
    /// it (AlertEngine skips it), and shows kairosd's firings in its log instead, so one event
    /// never fires on both sides. Stored in the profile (alert_rule_server) and synced ("server").
    bool server = false;

    friend bool operator==(const AlertRule&, const AlertRule&) = default;
};

/// The first problem that keeps a rule from running: no instrument, a level that is not positive,
/// a formula that does not parse ("formula: column 9: expected ')' ..."), confidence outside
/// 0..100, a negative cooldown, a note over 1,000 characters.
Status validate(const AlertRule& rule);

/// Parses a level typed by the user at the instrument's precision (decimal places): "105000.5" at
/// precision 2 gives 105000.50. More decimals than the precision, blanks inside, exponents and
/// values <= 0 are errors saying so.
Result<Price> parseLevel(std::string_view text, int precision);

/// The condition in plain words: "crosses above 105000.50", "formula ema(close,9) > ema(close,21)
/// on 1h bars", "LONG or SHORT signal with confidence >= 60 on 1h bars".
std::string describe(const AlertRule& rule);
/// describe() without the price source.
std::string describeCondition(const AlertRule& rule);

/// Disabled: the engine stopped the rule for a reason other than expiry (its drawing was deleted).
enum class EventKind : std::uint8_t { Fired = 1, Expired, Disabled };

/// A firing (or the expiry) of a rule.
struct AlertEvent {
    std::int64_t ruleId = 0;
    InstrumentId instrument;
    EventKind kind = EventKind::Fired;
    std::int64_t timeMs = 0;    ///< market time: the trade's time, or the close time of the bar
    Price price;                ///< the last price, or the bar's close
    std::string message;        ///< plain words: "BINANCE:BTCUSDT crossed above 105000.00 (price 105012.35). Note: ..."
    bool ruleDisabled = false;  ///< the rule was disabled by this event (once, expiry)

    friend bool operator==(const AlertEvent&, const AlertEvent&) = default;
};

std::string_view toString(EventKind k);  ///< "fired", "expired", "disabled"
std::optional<EventKind> eventKindFromString(std::string_view text);

}  // namespace kairos::alerts
