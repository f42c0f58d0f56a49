#include "paneticker.h"

#include <cmath>

namespace kairos::charts::detail {

QString compactNumber(double v) {
    const double a = std::fabs(v);
    if (a >= 1e9) return QString::number(v / 1e9, 'f', 2) + QLatin1Char('B');
    if (a >= 1e6) return QString::number(v / 1e6, 'f', 2) + QLatin1Char('M');
    if (a >= 1e3) return QString::number(v / 1e3, 'f', 2) + QLatin1Char('K');
    return QString::number(v, 'f', a >= 100 ? 0 : 2);
}

void PaneTicker::generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision, QVector<double>& ticks,
                          QVector<double>* subTicks, QVector<QString>* tickLabels) {
    QCPAxisTicker::generate(range, locale, formatChar, precision, ticks, subTicks, tickLabels);
    if (m_axis == nullptr || m_axis->axisRect() == nullptr || !m_axis->tickLabels()) return;
    const QRect r = m_axis->axisRect()->rect();
    if (r.height() < 20) return;  // before the first layout
    const double half = QFontMetricsF(m_axis->tickLabelFont()).height() / 2;
    QVector<double> keptTicks;
    QVector<QString> keptLabels;
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const double y = m_axis->coordToPixel(ticks[i]);
        if (y - half < r.top() || y + half > r.bottom() + 1) continue;
        keptTicks.append(ticks[i]);
        if (tickLabels != nullptr && i < tickLabels->size()) keptLabels.append(tickLabels->at(i));
    }
    ticks.swap(keptTicks);
    if (tickLabels != nullptr) tickLabels->swap(keptLabels);
}

void setPaneTicker(QCPAxis* axis, PaneTicker* ticker) {
    ticker->setAxis(axis);
    axis->setTicker(QSharedPointer<QCPAxisTicker>(ticker));
}

QString ValueTicker::getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) {
    if (std::fabs(tick) >= 1e4) return compactNumber(tick);
    return QCPAxisTicker::getTickLabel(tick, locale, formatChar, precision);
}

}  // namespace kairos::charts::detail
