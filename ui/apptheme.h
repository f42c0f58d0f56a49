#pragma once
// The terminal's theme: the Qt palette of every widget (Fusion style) and the matching chart
// colours. "dark" (default, TradingView's dark), "light", and the colour-blind variants
// "dark-cb" / "light-cb" (blue/orange candles). Stored as `ui/theme` in the profile's kairos.ini.

#include <QPalette>
#include <QString>
#include <QStringList>

namespace kairos::ui {

/// "dark", "light", "dark-cb", "light-cb".
QStringList themeNames();
/// The widget palette of a theme (unknown names: dark).
QPalette themePalette(const QString& name);
/// Applies the palette and the Fusion style to the whole application.
void applyAppTheme(const QString& name);

}  // namespace kairos::ui
