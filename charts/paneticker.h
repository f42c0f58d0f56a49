#pragma once
// Tickers of the chart's value axes (chartcore.cpp, chartindicatorpanes.cpp): stacked panes whose tick labels never
// reach into a neighbouring pane, with compact labels (1.2K, 3.4M) for volume and large values.

#include <qcustomplot.h>

namespace kairos::charts::detail {

/// Volume-style labels: 1.2K, 3.4M, 5.6B.
QString compactNumber(double v);

/// Value axes of stacked panes: a tick whose label would reach past the pane's top or bottom
/// edge is left out (with its grid line), so that labels of neighbouring panes never overlap.
class PaneTicker : public QCPAxisTicker {
public:
    void setAxis(const QCPAxis* axis) { m_axis = axis; }

    void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision, QVector<double>& ticks,
                  QVector<double>* subTicks, QVector<QString>* tickLabels) override;

private:
    const QCPAxis* m_axis = nullptr;
};

/// Gives `axis` a pane ticker; the axis owns it (the ticker reads the axis only when asked for ticks).
void setPaneTicker(QCPAxis* axis, PaneTicker* ticker);

/// The volume pane: every label compact.
class CompactTicker : public PaneTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return compactNumber(tick); }
};

/// Indicator panes: plain numbers, large ones compact (OBV in millions).
class ValueTicker : public PaneTicker {
protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
};

}  // namespace kairos::charts::detail
