#include "candlechart.h"

#include <QDateTime>
#include <QTimeZone>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace kairos::charts {

namespace {
/// Labels a bar-index axis with the bars' UTC open times, so that gaps in time leave no holes.
class BarTimeTicker : public QCPAxisTicker {
public:
    explicit BarTimeTicker(const std::vector<std::int64_t>* times) : m_times(times) {}

protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        const auto i = static_cast<long long>(std::llround(tick));
        if (i < 0 || i >= static_cast<long long>(m_times->size())) return {};
        const QDateTime t = QDateTime::fromMSecsSinceEpoch((*m_times)[static_cast<std::size_t>(i)], QTimeZone::utc());
        return t.time() == QTime(0, 0) ? t.toString(QStringLiteral("dd MMM yy")) : t.toString(QStringLiteral("dd MMM HH:mm"));
    }

private:
    const std::vector<std::int64_t>* m_times;
};

// TradingView's chart defaults (shared/reference/UX.md).
const QColor kUp(0x26, 0xa6, 0x9a);
const QColor kDown(0xef, 0x53, 0x50);
}  // namespace

CandleChart::CandleChart(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_candles = new QCPFinancial(m_plot->xAxis, m_plot->yAxis2);
    m_candles->setChartStyle(QCPFinancial::csCandlestick);
    m_candles->setTwoColored(true);
    m_candles->setBrushPositive(kUp);
    m_candles->setBrushNegative(kDown);
    m_candles->setPenPositive(QPen(kUp));
    m_candles->setPenNegative(QPen(kDown));
    m_candles->setWidth(0.7);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new BarTimeTicker(&m_times)));
    m_plot->yAxis->setVisible(false);
    m_plot->yAxis2->setVisible(true);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
}

void CandleChart::setTitle(const QString& title) { setWindowTitle(title); }

void CandleChart::setBars(const std::vector<Bar>& bars) {
    QSharedPointer<QCPFinancialDataContainer> data(new QCPFinancialDataContainer);
    QVector<QCPFinancialData> v;
    v.reserve(static_cast<int>(bars.size()));
    m_times.clear();
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        v.append(QCPFinancialData(static_cast<double>(i), b.open.toDouble(), b.high.toDouble(), b.low.toDouble(),
                                  b.close.toDouble()));
        m_times.push_back(b.openTimeMs);
    }
    data->set(v, true);
    m_candles->setData(data);
    fitVisible();
}

void CandleChart::updateLastBar(const Bar& bar) {
    const QCPFinancialData d(0, bar.open.toDouble(), bar.high.toDouble(), bar.low.toDouble(), bar.close.toDouble());
    if (!m_times.empty() && m_times.back() == bar.openTimeMs) {
        auto it = m_candles->data()->end() - 1;
        it->open = d.open;
        it->high = d.high;
        it->low = d.low;
        it->close = d.close;
    } else {
        m_times.push_back(bar.openTimeMs);
        m_candles->addData(static_cast<double>(m_times.size() - 1), d.open, d.high, d.low, d.close);
    }
    fitVisible();
}

void CandleChart::fitVisible() {
    const int n = barCount();
    const double right = n + 2;
    const double left = std::max(-1.0, right - m_visibleBars);
    m_plot->xAxis->setRange(left, right);
    bool found = false;
    const QCPRange y = m_candles->getValueRange(found, QCP::sdBoth, QCPRange(left, right));
    if (found) m_plot->yAxis2->setRange(y.lower - y.size() * 0.05, y.upper + y.size() * 0.05);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace kairos::charts
