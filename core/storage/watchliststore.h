#pragma once
// WatchlistStore: named watchlists with their instruments (order, favourites) and the
// watchlist's UI state (column layout), in the profile database. Every change is one transaction.
// Import/export as CSV or JSON; an import is validated whole before anything is written.

#include "domain/instrument.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kairos::storage {

class Database;

struct WatchlistItem {
    InstrumentId instrument;
    bool favourite = false;
    friend bool operator==(const WatchlistItem&, const WatchlistItem&) = default;
};

struct Watchlist {
    std::int64_t id = 0;
    std::string name;
    std::vector<WatchlistItem> items;  ///< in display order
};

class WatchlistStore {
public:
    explicit WatchlistStore(Database& db);
    ~WatchlistStore();

    /// Every watchlist with its items, in the order they were created.
    Result<std::vector<Watchlist>> all() const;
    Result<Watchlist> get(std::int64_t id) const;
    /// New empty list; Error when the name is empty or taken ("a watchlist named X exists").
    Result<std::int64_t> create(const std::string& name);
    Status rename(std::int64_t id, const std::string& name);
    /// Copy with all items under a new name.
    Result<std::int64_t> duplicate(std::int64_t id, const std::string& newName);
    Status remove(std::int64_t id);
    /// Replaces the items of a list (order as given; duplicates are an error).
    Status setItems(std::int64_t id, const std::vector<WatchlistItem>& items);

    /// Small UI state values per key ("watchlist.header" -> bytes).
    Result<std::string> uiState(const std::string& key) const;
    Status setUiState(const std::string& key, const std::string& value);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// CSV: header "instrument,favourite", rows "BINANCE:BTCUSDT,1". Errors name the line and reason.
Result<std::vector<WatchlistItem>> parseWatchlistCsv(const std::string& text);
std::string watchlistToCsv(const std::vector<WatchlistItem>& items);
/// JSON: {"name": "...", "items": [{"instrument": "BINANCE:BTCUSDT", "favourite": true}, ...]}.
Result<Watchlist> parseWatchlistJson(const std::string& text);
std::string watchlistToJson(const Watchlist& list);

}  // namespace kairos::storage
