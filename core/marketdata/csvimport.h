#pragma once
// Reading candle files: Binance kline CSV (6-column with header, or the raw 12-column archive
// with or without header), Yahoo daily CSV, and the OHLCV+open-interest daily/intraday CSV of
// backtrader's sample data. Every row is validated; the first bad row fails the whole read with
// "FILE:LINE: reason", so an import is all-or-nothing.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"
#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace kairos::marketdata {

enum class CsvFormat : std::uint8_t {
    BinanceKline = 1,   ///< open_time,open,high,low,close,volume (ms)
    BinanceArchive,     ///< 12 columns, /api/v3/klines order, header optional
    Yahoo,              ///< Date,Open,High,Low,Close,Adj Close,Volume
    OhlcvOi,            ///< Date[,Time],Open,High,Low,Close,Volume,OpenInterest
};

struct CsvBars {
    CsvFormat format = CsvFormat::BinanceKline;
    std::vector<Bar> bars;   ///< in file order (validated: increasing open time)
    int priceScale = 0;      ///< largest number of decimals seen in prices; all prices carry it
    int volumeScale = 0;     ///< same for volumes
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
