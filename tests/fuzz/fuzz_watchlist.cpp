// Fuzz target: watchlist import (core/storage/watchliststore.h), CSV and JSON. A list that imports
// must export to text that imports back to the same list.
#include "storage/watchliststore.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::storage;
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (auto items = parseWatchlistCsv(text)) {
        auto back = parseWatchlistCsv(watchlistToCsv(*items));
        if (!back || *back != *items) std::abort();
    }
    if (auto list = parseWatchlistJson(text)) {
        auto back = parseWatchlistJson(watchlistToJson(*list));
        if (!back || back->name != list->name || back->items != list->items) std::abort();
    }
    return 0;
}
