#pragma once
// Chart colours. Defaults follow TradingView's chart library (shared/reference/UX.md): up
// #26a69a, down #ef5350, borders off, wicks in the body colour; dark is the default theme.

#include <QColor>
#include <QString>

namespace kairos::charts {

struct ChartTheme {
    QString name;  ///< "dark", "light", "dark-cb" (colour-blind), "light-cb"
    QColor background;
    QColor paneSeparator;
    QColor grid;
    QColor text;       ///< axis labels and legend (WCAG AA against background)
    QColor mutedText;  ///< secondary legend text
    QColor crosshair;
    QColor crosshairLabel;  ///< background of the crosshair's axis labels
    QColor crosshairLabelText;
    QColor up;
    QColor down;
    QColor volumeUp;  ///< volume bars (the candle colours, translucent)
    QColor volumeDown;
    QColor line;       ///< line chart
    QColor selection;  ///< selected drawing handles

    static ChartTheme dark();
    static ChartTheme light();
    /// Blue/orange instead of green/red, for red-green colour blindness.
    static ChartTheme colourBlind(bool darkBase);
    /// dark(), light(), colourBlind(true/false) by name; dark() for an unknown name.
    static ChartTheme byName(const QString& name);
};

}  // namespace kairos::charts
