#include "backtesttradelink.h"

#include "chartpane.h"
#include "chartseries.h"
#include "chartworkspace.h"

#include "candlechart.h"

#include <qcustomplot.h>
#include <QEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace kairos::ui {

namespace {
const QColor kProfit(0x26, 0xa6, 0x9a);
const QColor kLoss(0xef, 0x53, 0x50);
const QString kMarkersName = QStringLiteral("BacktestTradeMarkers");
const QString kFocusName = QStringLiteral("BacktestTradeFocus");

/// A triangle of side ~10 px pointing up (or down) with its tip at `tip`.
QPainterPath triangle(QPointF tip, bool up) {
    const double h = 9;
    const double w = 6;
    const double dy = up ? h : -h;
    QPainterPath path(tip);
    path.lineTo(tip + QPointF(-w, dy));
    path.lineTo(tip + QPointF(w, dy));
    path.closeSubpath();
    return path;
}

/// Frames a trade once its pane holds its bars; pages back through older history until then.
/// Lives as a child of the pane and deletes itself when done (or when the pane changes series).
class TradeFocus : public QObject {
public:
    TradeFocus(ChartPane* pane, const BacktestTradeMark& mark) : QObject(pane), m_pane(pane), m_mark(mark) {
        setObjectName(kFocusName);
        connect(pane, &ChartPane::historyLoaded, this, [this] { step(); });
        connect(pane, &ChartPane::olderHistoryLoaded, this, [this](int) { step(); });
    }

    void step() {
        if (!(m_pane->instrument() == m_mark.id) || m_pane->timeframe() != m_mark.tf) return finish();
        if (m_pane->state() == ChartPane::State::Loading) return;  // historyLoaded comes next
        charts::CandleChart* chart = m_pane->chart();
        const charts::ChartSeries& s = chart->series();
        if (m_pane->state() != ChartPane::State::Ready || s.empty()) return finish();
        // Older pages: at most 500 (a million bars at the default page size) before giving up.
        if (m_mark.entryMs < s.time().front() && !m_pane->isHistoryComplete() && ++m_pages < 500) {
            if (!m_pane->isLoadingOlder()) {
                const auto first = static_cast<double>(s.firstIndex());
                chart->setVisibleRange(first - 20, first + 100);  // past the oldest bar: the pane reads the page before
            }
            return;
        }
        const double a = s.indexOfTime(m_mark.entryMs, m_mark.tf);
        const double b = s.indexOfTime(m_mark.exitMs, m_mark.tf);
        const double pad = std::max(15.0, (b - a) * 0.6);
        chart->setVisibleRange(a - pad, b + pad);
        if (auto* markers = BacktestTradeMarkers::of(chart)) markers->update();
        finish();
    }

private:
    void finish() { deleteLater(); }

    ChartPane* m_pane;
    BacktestTradeMark m_mark;
    int m_pages = 0;
};
}  // namespace

BacktestTradeMarkers::BacktestTradeMarkers(charts::CandleChart* chart) : QWidget(chart->plot()), m_chart(chart) {
    setObjectName(kMarkersName);
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setGeometry(chart->plot()->rect());
    chart->plot()->installEventFilter(this);
    connect(chart, &charts::CandleChart::frameRendered, this, qOverload<>(&QWidget::update));
    show();
}

BacktestTradeMarkers* BacktestTradeMarkers::of(const charts::CandleChart* chart) {
    return chart->plot()->findChild<BacktestTradeMarkers*>(kMarkersName, Qt::FindDirectChildrenOnly);
}

void BacktestTradeMarkers::setMark(const BacktestTradeMark& mark) {
    m_mark = mark;
    m_set = true;
    raise();
    update();
}

bool BacktestTradeMarkers::isShowing() const {
    return m_set && m_chart->instrument() == m_mark.id && m_chart->timeframe() == m_mark.tf;
}

bool BacktestTradeMarkers::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_chart->plot() && event->type() == QEvent::Resize) setGeometry(m_chart->plot()->rect());
    return QWidget::eventFilter(watched, event);
}

void BacktestTradeMarkers::paintEvent(QPaintEvent* /*event*/) {
    if (!isShowing() || m_chart->series().empty()) return;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setClipRect(m_chart->priceRect()->rect());
    const QPointF entry = m_chart->anchorToPixel({m_mark.entryMs, m_mark.entryPrice});
    const QPointF exit = m_chart->anchorToPixel({m_mark.exitMs, m_mark.exitPrice});
    const QColor colour = m_mark.isWin ? kProfit : kLoss;
    p.setPen(QPen(colour, 1.5, Qt::DashLine));
    p.drawLine(entry, exit);
    p.setPen(Qt::NoPen);
    // Buys point up from below the price, sells down from above it.
    const bool entryBuys = m_mark.isLong;
    p.setBrush(entryBuys ? kProfit : kLoss);
    p.drawPath(triangle(entry, entryBuys));
    p.setBrush(entryBuys ? kLoss : kProfit);
    p.drawPath(triangle(exit, !entryBuys));
    p.setPen(colour);
    p.drawText(entry + QPointF(8, entryBuys ? 18 : -12), tr("Entry"));
    p.drawText(exit + QPointF(8, entryBuys ? -12 : 18), tr("Exit"));
}

void showBacktestTrade(ChartWorkspace& workspace, const BacktestTradeMark& mark) {
    ChartPane* pane = workspace.activePane();
    if (!pane) return;
    charts::CandleChart* chart = pane->chart();
    BacktestTradeMarkers* markers = BacktestTradeMarkers::of(chart);
    if (!markers) markers = new BacktestTradeMarkers(chart);
    markers->setMark(mark);
    for (QObject* old : pane->findChildren<QObject*>(kFocusName, Qt::FindDirectChildrenOnly)) old->deleteLater();
    auto* focus = new TradeFocus(pane, mark);
    if (!(pane->instrument() == mark.id) || pane->timeframe() != mark.tf)
        pane->setSeries(mark.id, mark.tf);  // historyLoaded drives the focus
    else
        focus->step();
}

}  // namespace kairos::ui
