#pragma once
// Time labels for a bar-index axis: ticks sit on the first bar at or after round UTC times
// (minutes, hours, days, months, years) chosen so that labels are ~100 px apart, whatever the
// gaps in the data.

#include "chartseries.h"
#include "domain/timeframe.h"

#include <qcustomplot.h>

namespace kairos::charts {

class BarTimeTicker : public QCPAxisTicker {
public:
    /// `series` and `tf` must outlive the ticker; `axis` gives the pixel width.
    BarTimeTicker(const ChartSeries* series, const Timeframe* tf) : m_series(series), m_tf(tf) {}
    void setAxis(const QCPAxis* axis) { m_axis = axis; }

    void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision, QVector<double>& ticks,
                  QVector<double>* subTicks, QVector<QString>* tickLabels) override;

    /// The round time step (ms; months as 30 days) chosen by the last generate().
    std::int64_t lastStepMs() const { return m_stepMs; }

private:
    QString label(std::int64_t timeMs) const;

    const ChartSeries* m_series;
    const Timeframe* m_tf;
    const QCPAxis* m_axis = nullptr;
    std::int64_t m_stepMs = 0;
};

/// "Tue 20 May '25 13:45 UTC"-style text for a bar's open time (the crosshair label).
QString formatBarTime(std::int64_t timeMs, Timeframe tf);

}  // namespace kairos::charts
