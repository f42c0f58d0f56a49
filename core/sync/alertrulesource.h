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
// those local ids agree; kairosd does not run such rules.
// Never synced: the rule's delivery channels (their ids are local and their secrets live in the
// keychain), and its firing state (last firing, count), which belong to the terminal that fired it.
// Applying keeps those of an existing rule; a rule that does not validate is refused with the reason.

#include "alerts/alertrule.h"
#include "sync/syncsource.h"

namespace kairos::storage {
class Database;
}
namespace kairos::alerts {
class AlertStore;
}

namespace kairos::sync {

/// The `alert_rule` payload of a rule (canonical JSON text). kairosd reads the same payloads.
std::string alertRulePayload(const alerts::AlertRule& rule);
/// A rule from an `alert_rule` payload (id 0, no channels, no firing state); Error naming the first
/// bad field, or the reason it does not validate.
Result<alerts::AlertRule> alertRuleFromPayload(std::string_view payload);

class AlertRuleSource final : public ISyncSource {
public:
    /// `db` is the profile database `store` works on; both must outlive the source. Error when the
    /// id table cannot be created.
    static Result<std::unique_ptr<AlertRuleSource>> create(storage::Database& db, alerts::AlertStore& store);

    std::string kind() const override { return "alert_rule"; }
    Result<Snapshot> snapshot() override;
    Status apply(const std::string& id, const std::string& payload) override;
    Status remove(const std::string& id) override;

private:
    AlertRuleSource(storage::Database& db, alerts::AlertStore& store) : m_db(db), m_store(store) {}
    /// The local rule id of a sync id (0 when none).
    Result<std::int64_t> localId(const std::string& syncId) const;
    Status link(std::int64_t localId, const std::string& syncId);
    Status unlink(std::int64_t localId);

    storage::Database& m_db;
    alerts::AlertStore& m_store;
};

}  // namespace kairos::sync
