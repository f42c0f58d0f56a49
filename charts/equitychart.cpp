#include "equitychart.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>

namespace kairos::charts {

EquityChart::EquityChart(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(m_plot);
    setMinimumSize(240, 160);

    // Top: equity and buy & hold; bottom (a third of the height): drawdown in %.
    QCPAxisRect* top = m_plot->axisRect();
    auto* bottom = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 0, bottom);
    m_plot->plotLayout()->setRowStretchFactor(0, 3);
    m_plot->plotLayout()->setRowStretchFactor(1, 1);
    auto* group = new QCPMarginGroup(m_plot);
    top->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    bottom->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeSpec(Qt::LocalTime);
    ticker->setDateTimeFormat(QStringLiteral("yyyy-MM-dd"));
    for (QCPAxisRect* r : {top, bottom}) {
        r->axis(QCPAxis::atBottom)->setTicker(ticker);
        r->axis(QCPAxis::atLeft)->setSubTicks(false);
        r->axis(QCPAxis::atBottom)->setSubTicks(false);
    }
    top->axis(QCPAxis::atBottom)->setTickLabels(false);
    connect(top->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), bottom->axis(QCPAxis::atBottom),
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    bottom->axis(QCPAxis::atLeft)->setLabel(tr("Drawdown %"));
    bottom->axis(QCPAxis::atLeft)->ticker()->setTickCount(3);
    top->axis(QCPAxis::atLeft)->setLabel(tr("Equity"));

    m_buyHold = m_plot->addGraph(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
    m_buyHold->setName(tr("Buy & hold"));
    m_equity = m_plot->addGraph(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
    m_equity->setName(tr("Strategy"));
    m_drawdown = m_plot->addGraph(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    m_drawdown->setName(tr("Drawdown"));
    m_drawdown->setChannelFillGraph(nullptr);
    m_drawdown->setBrush(Qt::NoBrush);
    for (QCPGraph* g : {m_equity, m_buyHold, m_drawdown}) g->setAdaptiveSampling(true);
    m_plot->legend->setVisible(true);
    m_plot->legend->removeItem(m_plot->legend->itemCount() - 1);  // no legend entry for the drawdown
    top->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    top->setRangeDrag(Qt::Horizontal);
    top->setRangeZoom(Qt::Horizontal);
    applyTheme();
}

void EquityChart::setTheme(const ChartTheme& theme) {
    m_theme = theme;
    applyTheme();
    m_plot->replot();
}

void EquityChart::applyTheme() {
    const ChartTheme& t = m_theme;
    m_plot->setBackground(t.background);
    for (QCPAxisRect* r : m_plot->axisRects()) {
        r->setBackground(t.background);
        for (QCPAxis* a : r->axes()) {
            a->setBasePen(QPen(t.grid));
            a->setTickPen(QPen(t.mutedText));
            a->setTickLabelColor(t.text);
            a->setLabelColor(t.mutedText);
            a->grid()->setPen(QPen(t.grid));
            a->grid()->setZeroLinePen(QPen(t.paneSeparator));
        }
    }
    m_equity->setPen(QPen(t.line, 1.6));
    m_buyHold->setPen(QPen(t.mutedText, 1.0, Qt::DashLine));
    m_drawdown->setPen(QPen(t.down, 1.0));
    QColor fill = t.down;
    fill.setAlpha(70);
    m_drawdown->setBrush(fill);
    m_plot->legend->setBrush(t.background);
    m_plot->legend->setBorderPen(QPen(t.grid));
    m_plot->legend->setTextColor(t.text);
}

void EquityChart::clear() {
    m_equity->data()->clear();
    m_buyHold->data()->clear();
    m_drawdown->data()->clear();
    m_plot->replot();
}

int EquityChart::pointCount() const { return m_equity->dataCount(); }

void EquityChart::setCurves(const std::vector<std::int64_t>& timesMs, const std::vector<double>& equity,
                            const std::vector<double>& buyHold) {
    const int n = static_cast<int>(std::min(timesMs.size(), equity.size()));
    QVector<double> x(n), e(n), dd(n);
    double peak = n > 0 ? equity[0] : 0;
    for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        x[i] = static_cast<double>(timesMs[k]) / 1000.0;  // QCPAxisTickerDateTime: seconds
        e[i] = equity[k];
        peak = std::max(peak, equity[k]);
        dd[i] = peak > 0 ? (equity[k] / peak - 1.0) * 100.0 : 0.0;
    }
    m_equity->setData(x, e, true);
    m_drawdown->setData(x, dd, true);
    if (buyHold.size() == static_cast<std::size_t>(n)) {
        m_buyHold->setData(x, QVector<double>(buyHold.begin(), buyHold.end()), true);
    } else {
        m_buyHold->data()->clear();
    }
    QCPAxisRect* top = m_plot->axisRect(0);
    QCPAxisRect* bottom = m_plot->axisRect(1);
    m_equity->rescaleAxes();
    if (!m_buyHold->data()->isEmpty()) m_buyHold->rescaleValueAxis(true);
    m_drawdown->rescaleAxes();
    double lo = bottom->axis(QCPAxis::atLeft)->range().lower;
    bottom->axis(QCPAxis::atLeft)->setRange(std::min(lo * 1.05, -1.0), 0.5);
    top->axis(QCPAxis::atLeft)->scaleRange(1.05);
    m_plot->replot();
}

}  // namespace kairos::charts
