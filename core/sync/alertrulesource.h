#pragma once
// Alert rules as the sync kind `alert_rule`. A rule's local row id differs between profiles, so each
// rule gets a sync id (a UUID) the first time it is seen, kept in the profile's `sync_local_ids`
// table (created on first use). The payload is the rule's whole definition (every setting of every
// condition kind):
//   {"instrument", "condition", "level" (decimal text, "" when none), "level2" (a channel's other
//    edge, "" when none), "price_source", "percent", "window_bars", "window_ms", "volume_factor",
//    "volume_bars", "drawing_id", "watchlist_id", "formula", "timeframe", "signal_side",
//    "min_confidence", "trigger", "cooldown_ms", "expires_at", "enabled", "note",
//    "message_template", "created_at", "server" (keep running on kairosd)}
// A payload from an older Kairos without the later keys reads with the rule's defaults for them.
// drawing_id and watchlist_id are the profile's local ids (drawings and watchlists sync under their
// own ids): a drawing or watchlist rule means the same drawing/list only between profiles where
// those local ids agree. So that kairosd can run such a rule marked "server", its payload also
// carries what those ids name (AlertRuleContext), read from the profile at each scan:
//   "drawing": {"kind", "anchors": [[timeMs, price]…]}   (a drawing rule: its line as drawn now)
//   "watchlist": {"name", "symbols": ["VENUE:SYMBOL"…]}   (a watchlist rule: the list's symbols now)
// so moving the line or editing the list changes the payload and syncs the rule again. Applying a
// payload ignores them (the profile's own drawing and list stay what the rule runs on).
// Never synced: the rule's delivery channels (their ids are local and their secrets live in the
// keychain), and its firing state (last firing, count), which belong to the terminal that fired it.
// Applying keeps those of an existing rule; a rule that does not validate is refused with the reason.

#include "alerts/alertrule.h"
#include "storage/drawingstore.h"
#include "sync/syncsource.h"

#include <memory>
#include <optional>
#include <vector>

namespace kairos::storage {
class Database;
class WatchlistStore;
}  // namespace kairos::storage
namespace kairos::alerts {
class AlertStore;
}

namespace kairos::sync {

/// What a server-side drawing or watchlist rule names by local id, as its payload carries it.
struct AlertRuleContext {
    std::optional<storage::Drawing> drawing;  ///< a drawing rule's line (kind and anchors only)
    std::string watchlistName;                ///< a watchlist rule's list
    std::vector<InstrumentId> watchlistSymbols;
    bool hasWatchlist = false;  ///< whether the payload carried "watchlist"
};

/// The `alert_rule` payload of a rule (canonical JSON text). kairosd reads the same payloads.
std::string alertRulePayload(const alerts::AlertRule& rule);
/// The same with the rule's context ("drawing", "watchlist" when set).
std::string alertRulePayload(const alerts::AlertRule& rule, const AlertRuleContext& context);
/// The context a payload carries (empty when none); Error naming the first bad field.
Result<AlertRuleContext> alertRuleContextFromPayload(std::string_view payload);
/// A rule from an `alert_rule` payload (id 0, no channels, no firing state); Error naming the first
/// bad field, or the reason it does not validate.
Result<alerts::AlertRule> alertRuleFromPayload(std::string_view payload);

class AlertRuleSource final : public ISyncSource {
public:
    /// `db` is the profile database `store` works on; both must outlive the source. Error when the
    /// id table cannot be created.
    static Result<std::unique_ptr<AlertRuleSource>> create(storage::Database& db, alerts::AlertStore& store);
    ~AlertRuleSource() override;

    std::string kind() const override { return "alert_rule"; }
    Result<Snapshot> snapshot() override;
    Status apply(const std::string& id, const std::string& payload) override;
    Status remove(const std::string& id) override;

private:
    AlertRuleSource(storage::Database& db, alerts::AlertStore& store);
    /// The local rule id of a sync id (0 when none).
    Result<std::int64_t> localId(const std::string& syncId) const;
    Status link(std::int64_t localId, const std::string& syncId);
    Status unlink(std::int64_t localId);

    /// The context of a server rule from the profile (its drawing, its list); empty otherwise.
    AlertRuleContext contextOf(const alerts::AlertRule& rule) const;

    storage::Database& m_db;
    alerts::AlertStore& m_store;
    std::unique_ptr<storage::DrawingStore> m_drawings;
    std::unique_ptr<storage::WatchlistStore> m_watchlists;
};

}  // namespace kairos::sync
