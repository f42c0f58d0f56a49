#pragma once
// ISyncSource: one kind of the profile's syncable content as the sync engine sees it: a snapshot of
// its items (id -> canonical JSON text, see canonicalJson) and the two ways to change the profile
// (apply a remote copy, remove an item). profilesources.h has the terminal's sources: watchlists,
// chart layouts, drawings, alert rules, preferences. Secrets, alert channels and exchange keys have
// no source, so they never leave the terminal.
//
// Rule for every source: apply(id, p) followed by snapshot() must give p for id again (else the
// engine would see an edit that nobody made and send it back).

#include "util/result.h"

#include <QJsonObject>

#include <string>
#include <string_view>

#include "sync/syncmerge.h"

namespace kairos::sync {

class ISyncSource {
public:
    virtual ~ISyncSource() = default;
    /// The kind's wire name: 1..32 of [a-z0-9_] ("watchlist").
    virtual std::string kind() const = 0;
    /// The current items of the profile. Error when they cannot be read (the kind is skipped this round).
    virtual Result<Snapshot> snapshot() = 0;
    /// Creates or replaces item `id` with `payload` (canonical JSON object text). Error when the
    /// payload is not valid for this kind (the record is kept; the profile is not changed).
    virtual Status apply(const std::string& id, const std::string& payload) = 0;
    /// Removes item `id`; removing an item that is not there is not an error.
    virtual Status remove(const std::string& id) = 0;
};

/// The canonical text of a JSON object: compact, keys sorted (QJsonDocument's form).
std::string canonicalJson(const QJsonObject& object);
/// Parses a payload into an object; Error naming the problem when it is not a JSON object.
Result<QJsonObject> parsePayload(std::string_view payload);

}  // namespace kairos::sync
