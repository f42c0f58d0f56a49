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
enum class Condition : std::uint8_t { CrossesAbove = 1, CrossesBelow, GoesAbove, GoesBelow, Formula, Signal };
enum class Trigger : std::uint8_t { Once = 1, OncePerBar, EveryTime };
/// Which signals a signal condition accepts.
enum class SignalSide : std::uint8_t { Long = 1, Short, Either };

/// "crosses_above", "crosses_below", "goes_above", "goes_below", "formula", "signal".
std::string_view toString(Condition c);
std::optional<Condition> conditionFromString(std::string_view text);
/// "once", "once_per_bar", "every_time".
std::string_view toString(Trigger t);
std::optional<Trigger> triggerFromString(std::string_view text);
/// "long", "short", "either".
std::string_view toString(SignalSide s);
std::optional<SignalSide> signalSideFromString(std::string_view text);
/// Whether the condition compares the last price with a level.
bool isPriceCondition(Condition c);

struct AlertRule {
    std::int64_t id = 0;  ///< 0 until stored (AlertStore::save gives it)
    InstrumentId instrument;
    Condition condition = Condition::CrossesAbove;
    Price level;                                 ///< price conditions
    std::string formula;                         ///< Condition::Formula
    Timeframe timeframe = Timeframe::H1;         ///< bars of bar-based conditions; the bar of "once per bar"
    SignalSide signalSide = SignalSide::Either;  ///< Condition::Signal
    int minConfidence = 60;                      ///< Condition::Signal, 0..100
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

enum class EventKind : std::uint8_t { Fired = 1, Expired };

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

std::string_view toString(EventKind k);  ///< "fired", "expired"
std::optional<EventKind> eventKindFromString(std::string_view text);

}  // namespace kairos::alerts
