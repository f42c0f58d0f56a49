#pragma once
// AlertStore: alert rules and the history of fired alerts in the profile database (tables
// alert_rules and alert_history, migration "alerts"). Every write is one transaction. Loading never
// fails on one bad row: a rule written by a newer Kairos (a condition or trigger this build does not
// know) or a damaged row is skipped, reported in AlertLoad::problems and left in the file untouched
// (save/remove only ever touch the rows they name). The newer conditions' fields (second channel
// level, price source, move/volume parameters, drawing, watchlist) are in core/alerts' own table
// alert_rule_conditions (CREATE IF NOT EXISTS, one row per rule; no profile migration): a rule
// without a row has the defaults, so rules stored by an older Kairos load unchanged.

#include "alerts/alertrule.h"
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace kairos::storage {
class Database;
}

namespace kairos::alerts {

struct AlertLoad {
    std::vector<AlertRule> rules;       ///< in creation order
    std::vector<std::string> problems;  ///< one line per skipped row ("alert 12: unknown condition ...")
};

class AlertStore {
public:
    /// Works on `db`, which must outlive the store.
    explicit AlertStore(storage::Database& db);
    ~AlertStore();

    /// Every rule this build can read; Error only when the table cannot be read at all.
    Result<AlertLoad> load() const;
    /// Inserts (id 0) or updates (id > 0) a rule; returns its id. Error when it does not validate or
    /// when the id does not exist.
    Result<std::int64_t> save(const AlertRule& rule);
    /// Deletes a rule (its history stays). Error when there is no such rule.
    Status remove(std::int64_t id);
    /// Records events and the rules they changed (enabled, last firing, count) in one transaction:
    /// all or nothing. A Fired event of a rule in `changed` that has channels also queues one
    /// delivery job per channel (DeliveryStore), in the same transaction.
    Status record(const std::vector<AlertEvent>& events, const std::vector<AlertRule>& changed);
    /// The newest `limit` events, newest first. Damaged rows are skipped.
    Result<std::vector<AlertEvent>> history(int limit = 500) const;
    /// Deletes the whole history.
    Status clearHistory();

private:
    Result<std::int64_t> saveRow(const AlertRule& rule);

    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace kairos::alerts
