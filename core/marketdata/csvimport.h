#pragma once
// Reading candle files: Binance kline CSV (6-column with header, or the raw 12-column archive
// with or without header), Yahoo daily CSV, and the OHLCV+open-interest daily/intraday CSV of
// backtrader's sample data. Every row is validated; the first bad row fails the whole read with
// "FILE:LINE: reason", so an import is all-or-nothing. Integer open times may be seconds,
// milliseconds or microseconds since the epoch (Binance's spot archives switched to microseconds
// on 2025-01-01); the unit is read from the first row and holds for the whole file. Every open
// time must fall in 1970-01-01 .. 2099-12-31 (UTC).

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace kairos::marketdata {

enum class CsvFormat : std::uint8_t {
    BinanceKline = 1,  ///< open_time,open,high,low,close,volume (ms, or s/µs)
    BinanceArchive,    ///< 12 columns, /api/v3/klines order, header optional; ms, µs since 2025
    Yahoo,             ///< Date,Open,High,Low,Close,Adj Close,Volume
    OhlcvOi,           ///< Date[,Time],Open,High,Low,Close,Volume,OpenInterest
};

/// The unit of a file's integer open times.
enum class CsvTimeUnit : std::uint8_t {
    Seconds = 1,
    Milliseconds,
    Microseconds,
};

struct CsvBars {
    CsvFormat format = CsvFormat::BinanceKline;
    /// The unit the file's integer times were written in (converted to ms in `bars`);
    /// Milliseconds for formats with date columns.
    CsvTimeUnit timeUnit = CsvTimeUnit::Milliseconds;
    std::vector<Bar> bars;     ///< in file order (validated: increasing open time)
    int priceScale = 0;        ///< largest number of decimals seen in prices; all prices carry it
    int volumeScale = 0;       ///< same for volumes
    int quoteVolumeScale = 0;  ///< same for quote volumes (archive format only)
};

/// Reads and validates a whole file. Errors name file, line and reason.
Result<CsvBars> readBarsCsv(const std::string& path);
/// Same over text already in memory; `name` is used in error messages.
Result<CsvBars> parseBarsCsv(const std::string& text, const std::string& name);

/// What a Binance-style file name says: "binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv" ->
/// BINANCE:BTCUSDT, 1h; "binance_um_LINKUSDT-1m-2023-02.csv" -> BINANCE_UM:LINKUSDT, 1m;
/// "BTCUSDT-1m-2021-11-27.csv" -> BINANCE:BTCUSDT, 1m. nullopt for either part it cannot tell.
struct FileNameHints {
    std::optional<InstrumentId> instrument;
    std::optional<Timeframe> timeframe;
};
FileNameHints inferFromFileName(const std::string& path);

}  // namespace kairos::marketdata
