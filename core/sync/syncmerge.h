#pragma once
// The terminal side of workspace sync as pure functions: what the profile's items look like to the
// sync engine (SyncRecord), how a local edit is detected (diffSnapshot) and how a server copy is
// merged with the local one (mergeItem). No I/O, no clock, no Qt: the engine (syncengine.h) calls
// them and the tests check their properties.
//
// The rules, per item (kind, id); never per list or per kind:
// - The server numbers every accepted change (revision, increasing per account). A record keeps the
//   revision it last saw and whether it has an edit the server has not accepted (dirty).
// - A remote copy whose revision is not above the record's is old news: nothing happens.
// - A clean record takes the remote copy (the profile is changed to it).
// - A dirty record against a newer remote copy: the later edit wins (updatedMs); a tie goes to the
//   server's copy, so that every terminal decides alike. When the local edit wins it stays dirty,
//   now on top of the remote revision, and is sent again, even when the content is the same (two
//   deletions): the server must hold the later time, or an edit made between the two would win
//   elsewhere. Identical content with a remote time at least as late is no conflict.
// - Deletions are items too (tombstones): a deletion and an edit are compared like two edits.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kairos::sync {

/// Identifies an item: its kind ("watchlist", "chart_layout", …) and its id within the kind.
using ItemKey = std::pair<std::string, std::string>;

/// The engine's knowledge of one item.
struct SyncRecord {
    std::string kind;
    std::string id;
    std::int64_t revision = 0;   ///< the server revision last seen; 0: never on the server
    std::int64_t updatedMs = 0;  ///< when the content last changed (UTC ms; the editing terminal's clock)
    bool deleted = false;        ///< a tombstone
    std::string payload;         ///< canonical JSON text of the content ("" for a tombstone)
    bool dirty = false;          ///< an edit the server has not accepted yet
    friend bool operator==(const SyncRecord&, const SyncRecord&) = default;
};

/// One item as the server sent it (a page of the change feed, or the server copy of a conflict).
struct RemoteItem {
    std::string kind;
    std::string id;
    std::int64_t revision = 0;
    std::int64_t updatedMs = 0;
    bool deleted = false;
    std::string payload;  ///< canonical JSON text ("" for a tombstone)
};

enum class MergeAction : std::uint8_t {
    Ignore = 1,  ///< old news, or the same content: the profile stays as it is
    Adopt,       ///< change the profile to the remote copy (remove the item for a tombstone)
    KeepLocal,   ///< the local edit wins: the profile stays, the edit is sent again on top of the remote revision
};

struct MergeDecision {
    MergeAction action = MergeAction::Ignore;
    SyncRecord record;  ///< the record after the merge
};

/// Merges a remote copy into the local record of the same item (nullopt: the terminal never had it).
MergeDecision mergeItem(const std::optional<SyncRecord>& local, const RemoteItem& remote);

/// The profile's current content of one kind: id -> canonical JSON text.
using Snapshot = std::map<std::string, std::string>;

/// Compares the profile's content of `kind` with the records and returns the records that change:
/// new ids and changed payloads become dirty edits at `nowMs`; ids of live records missing from the
/// snapshot become dirty tombstones. Records of other kinds are not looked at.
std::vector<SyncRecord> diffSnapshot(const std::string& kind, const std::map<ItemKey, SyncRecord>& records,
                                     const Snapshot& snapshot, std::int64_t nowMs);

}  // namespace kairos::sync
