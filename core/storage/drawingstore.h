#pragma once
// DrawingStore: chart drawings (trend lines, Fibonacci retracements, notes...) per instrument in
// the profile database. Anchors are (bar open time in UTC ms, price), so a drawing survives a
// change of timeframe. Colours are strings ("#rrggbb" / "#aarrggbb"); core knows no QColor.
// Loading never fails on one bad row: unknown kinds (a newer Kairos) and damaged rows are
// skipped and reported in DrawingLoad::problems, and stay in the file untouched.

#include "domain/instrument.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kairos::storage {

class Database;

/// The drawing tools. The stored spelling is toString()'s; never renumber or rename.
enum class DrawingKind : std::uint8_t {
    TrendLine = 1,
    Ray,
    HorizontalLine,
    VerticalLine,
    Rectangle,
    FibRetracement,
    ParallelChannel,
    Text,
    Measure,
};
inline constexpr DrawingKind kAllDrawingKinds[] = {
    DrawingKind::TrendLine,       DrawingKind::Ray,       DrawingKind::HorizontalLine,
    DrawingKind::VerticalLine,    DrawingKind::Rectangle, DrawingKind::FibRetracement,
    DrawingKind::ParallelChannel, DrawingKind::Text,      DrawingKind::Measure,
};

/// "trend_line", "ray", "horizontal_line", "vertical_line", "rectangle", "fib_retracement",
/// "parallel_channel", "text", "measure".
std::string_view toString(DrawingKind kind);
std::optional<DrawingKind> drawingKindFromString(std::string_view text);
/// Anchors a drawing of this kind has: 1 (horizontal/vertical line, text), 3 (parallel channel:
/// two points of the base line and one on the parallel), else 2.
int anchorCount(DrawingKind kind);

struct DrawingAnchor {
    std::int64_t timeMs = 0;  ///< open time of the bar (UTC ms); may lie past the last bar
    double price = 0;
    friend bool operator==(const DrawingAnchor&, const DrawingAnchor&) = default;
};

struct Drawing {
    std::int64_t id = 0;  ///< 0 until stored
    DrawingKind kind = DrawingKind::TrendLine;
    std::vector<DrawingAnchor> anchors;  ///< anchorCount(kind) of them
    std::string colour = "#2962ff";      ///< "#rrggbb" or "#aarrggbb"
    int width = 1;                       ///< pen width in pixels, 1..10
    std::string text;                    ///< the note of a Text drawing; optional label otherwise
    friend bool operator==(const Drawing&, const Drawing&) = default;
};

/// Error text when a drawing cannot be stored as it is (wrong anchor count, bad colour, width).
Status validate(const Drawing& drawing);

struct DrawingLoad {
    std::vector<Drawing> drawings;      ///< in the order they were created
    std::vector<std::string> problems;  ///< one line per skipped row ("drawing 12: unknown kind ...")
};

class DrawingStore {
public:
    explicit DrawingStore(Database& db);
    ~DrawingStore();

    /// The drawings of an instrument; Error only when the database cannot be read at all.
    Result<DrawingLoad> load(const InstrumentId& instrument) const;
    /// Inserts (id 0) or updates (id > 0) one drawing; returns its id. Error when it does not
    /// validate or when an id does not exist for this instrument.
    Result<std::int64_t> save(const InstrumentId& instrument, const Drawing& drawing);
    /// Replaces every drawing of an instrument that this Kairos can read, in one transaction;
    /// rows reported as problems by load() are kept. Returns the drawings with their new ids.
    Result<std::vector<Drawing>> replaceAll(const InstrumentId& instrument, const std::vector<Drawing>& drawings);
    Status remove(std::int64_t id);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// The anchors' stored form, "time_ms price;time_ms price" (shortest round-trip prices), and back.
std::string formatAnchors(const std::vector<DrawingAnchor>& anchors);
Result<std::vector<DrawingAnchor>> parseAnchors(std::string_view text);

}  // namespace kairos::storage
