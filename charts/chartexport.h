#pragma once
// Writing a CandleChart to an image file (candlechart.cpp): CandleChart::exportPng() and the
// context menu's "Save image…".
//
// GUI thread only.

#include <QString>

namespace kairos::charts::detail {

struct ChartCore;

/// Draws a frame without the crosshair and selection handles and writes it as a PNG of the plot's
/// size; false (with a log line) when the file cannot be written.
bool exportPng(ChartCore& core, const QString& path);
/// Asks for a file name ("<symbol>_<timeframe>.png") and writes the chart there; a tooltip says so
/// when it cannot be written.
void saveImageAs(ChartCore& core);

}  // namespace kairos::charts::detail
