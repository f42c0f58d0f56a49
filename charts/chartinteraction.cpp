#include "chartinteraction.h"

#include "chartcore.h"
#include "chartdrawingscontroller.h"
#include "chartexport.h"
#include "chartorderlines.h"
#include "chartoverlay.h"
#include "chartsignalmarkers.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace kairos::charts::detail {

// ---- mouse -----------------------------------------------------------------------------------
bool ChartInteraction::handleMouse(QEvent* event) {
    switch (event->type()) {
    case QEvent::MouseButtonPress:
        return press(static_cast<QMouseEvent*>(event));
    case QEvent::MouseMove:
        move(static_cast<QMouseEvent*>(event));
        return true;
    case QEvent::MouseButtonRelease:
        release(static_cast<QMouseEvent*>(event));
        return true;
    case QEvent::MouseButtonDblClick:
        doubleClick(static_cast<QMouseEvent*>(event));
        return true;
    case QEvent::Wheel:
        wheel(static_cast<QWheelEvent*>(event));
        return true;
    case QEvent::Leave:
        m_core.mouseInside = false;
        m_core.requestFrame(ChartCore::DirtyOverlay);
        Q_EMIT m_core.q->crosshairMoved(-1, 0);
        return false;
    default:
        return false;
    }
}

bool ChartInteraction::press(const QMouseEvent* e) {
    m_core.q->setFocus(Qt::MouseFocusReason);
    if (e->button() != Qt::LeftButton) return false;
    m_pressPos = e->position();
    m_pressLeft = m_core.left;
    m_pressRight = m_core.right;
    const ChartCore::Zone z = m_core.zoneAt(m_pressPos);
    const int pane = m_core.paneAt(m_pressPos, true);
    if (z == ChartCore::Zone::Plot && pane == 0 && !m_core.series.empty() && pressOnPricePane(e)) return true;
    QCPAxis* priceAxis = m_core.yAxis(m_core.priceRect());
    if (z == ChartCore::Zone::PriceAxis && pane == 0) {
        m_drag = Drag::PriceScale;
        m_pressY = priceAxis->range();
    } else if (z == ChartCore::Zone::TimeAxis) {
        m_drag = Drag::TimeScale;
    } else if (z == ChartCore::Zone::Plot) {
        m_drag = Drag::Pan;
        m_pressY = priceAxis->range();
        m_core.plot->setCursor(Qt::ClosedHandCursor);
    }
    return true;
}

bool ChartInteraction::pressOnPricePane(const QMouseEvent* e) {
    if (!m_drawings.tool && (e->modifiers() & Qt::ShiftModifier) != 0) m_drawings.setTool(storage::DrawingKind::Measure);
    if (m_drawings.tool) {
        m_drag = Drag::Place;
        m_drawings.placeAt(m_pressPos);
        return true;
    }
    if (const int li = m_orderLines.lineAt(m_pressPos); li >= 0) {
        m_drag = Drag::OrderLine;
        m_orderLines.beginDrag(li);
        return true;
    }
    if (m_drawings.grab(m_pressPos, (e->modifiers() & Qt::ControlModifier) != 0)) {
        m_drag = m_drawings.dragAnchor >= 0 ? Drag::MoveAnchor : Drag::MoveDrawing;
        m_core.plot->setCursor(Qt::SizeAllCursor);
        return true;
    }
    return false;
}

void ChartInteraction::move(const QMouseEvent* e) {
    const QPointF pos = e->position();
    m_core.mouse = pos;
    m_core.mouseInside = m_core.zoneAt(pos) == ChartCore::Zone::Plot;
    if (!dragTo(pos)) hover(e);
    m_core.syncedCrosshairMs = -1;
    m_core.requestFrame(ChartCore::DirtyOverlay);
    emitCrosshair();
}

bool ChartInteraction::dragTo(QPointF pos) {
    const bool hasSelection = m_drawings.selected >= 0;
    if (m_drawings.creating >= 0) {
        m_drawings.followMouse(pos);
    } else if (m_drag == Drag::MoveAnchor && hasSelection) {
        m_drawings.moveAnchorTo(pos);
    } else if (m_drag == Drag::MoveDrawing && hasSelection) {
        m_drawings.moveDrawingBy(pos);
    } else if (m_drag == Drag::OrderLine && m_orderLines.isDragging()) {
        m_orderLines.dragTo(pos);
    } else if (m_drag == Drag::Pan) {
        const double dx = pos.x() - m_pressPos.x();
        const double shift = dx * (m_pressRight - m_pressLeft) / m_core.plotWidthPx();
        m_core.left = m_pressLeft - shift;
        m_core.right = m_pressRight - shift;
        if (!m_core.autoScale) {
            QCPAxis* py = m_core.yAxis(m_core.priceRect());
            const double perPx = m_pressY.size() / std::max(1, m_core.priceRect()->height());
            const double dy = (pos.y() - m_pressPos.y()) * perPx;
            py->setRange(m_pressY.lower + dy, m_pressY.upper + dy);
        }
        m_core.viewChanged();
    } else if (m_drag == Drag::PriceScale) {
        const double factor = std::exp((pos.y() - m_pressPos.y()) * 0.006);
        const double mid = m_pressY.center(), half = m_pressY.size() / 2 * factor;
        m_core.autoScale = false;
        m_core.yAxis(m_core.priceRect())->setRange(mid - half, mid + half);
        m_core.requestFrame(ChartCore::DirtyFull);
    } else if (m_drag == Drag::TimeScale) {
        const double factor = std::exp(-(pos.x() - m_pressPos.x()) * 0.006);
        const double span = (m_pressRight - m_pressLeft) * factor;
        m_core.right = m_pressRight;
        m_core.left = m_pressRight - span;
        m_core.viewChanged();
    } else {
        return false;
    }
    return true;
}

void ChartInteraction::hover(const QMouseEvent* e) {
    const QPointF pos = e->position();
    const ChartCore::Zone z = m_core.zoneAt(pos);
    if (m_drag == Drag::None && z == ChartCore::Zone::Plot && m_core.paneAt(pos, false) == 0 && !m_drawings.tool &&
        (m_orderLines.lineAt(pos) >= 0 || m_drawings.drawingAt(pos).first >= 0)) {
        m_core.plot->setCursor(m_orderLines.lineAt(pos) >= 0 ? Qt::SizeVerCursor : Qt::PointingHandCursor);
        return;
    }
    if (const signal::Signal* sig = m_drag == Drag::None ? m_markers.signalAt(pos) : nullptr)
        QToolTip::showText(e->globalPosition().toPoint(), CandleChart::signalTooltip(*sig, m_core.series.priceDecimals()),
                           m_core.plot);
    m_core.plot->setCursor(z == ChartCore::Zone::PriceAxis      ? Qt::SizeVerCursor
                               : z == ChartCore::Zone::TimeAxis ? Qt::SizeHorCursor
                               : z == ChartCore::Zone::Plot     ? Qt::CrossCursor
                                                                : Qt::ArrowCursor);
}

void ChartInteraction::release(const QMouseEvent* e) {
    const Drag was = m_drag;
    m_drag = Drag::None;
    if (was == Drag::Place && m_drawings.creating >= 0) {
        // press-drag-release places the next anchor where the button went up; a plain
        // click leaves it following the mouse until the next click (TradingView's two ways).
        const QPointF d = e->position() - m_pressPos;
        if (std::hypot(d.x(), d.y()) > 4) m_drawings.placeAt(e->position());
    } else if (was == Drag::MoveAnchor || was == Drag::MoveDrawing) {
        m_drawings.release();
    } else if (was == Drag::OrderLine) {
        m_orderLines.endDrag();
    }
    if (was != Drag::None) m_core.plot->setCursor(Qt::CrossCursor);
}

void ChartInteraction::doubleClick(const QMouseEvent* e) {
    CandleChart* q = m_core.q;
    if (const int id = m_overlay.legendIndicatorAt(e->position()); id != 0) {
        QTimer::singleShot(0, q, [q, id] { q->editIndicator(id); });
        return;
    }
    const ChartCore::Zone z = m_core.zoneAt(e->position());
    if (m_drawings.tool && z == ChartCore::Zone::Plot && m_core.paneAt(e->position(), false) == 0) {
        // A quick second click while placing arrives as a double-click: it places too.
        m_drag = Drag::Place;
        m_pressPos = e->position();
        m_drawings.placeAt(m_pressPos);
        return;
    }
    if (const int i = m_drawings.drawingAt(e->position()).first; i >= 0 && !m_drawings.tool) {
        QTimer::singleShot(0, q, [q, i] { q->editDrawing(i); });
        return;
    }
    if (z == ChartCore::Zone::PriceAxis) {
        m_core.autoScale = true;
        m_core.requestFrame(ChartCore::DirtyFull);
    } else if (z == ChartCore::Zone::Plot || z == ChartCore::Zone::TimeAxis) {
        q->resetView();
    }
}

void ChartInteraction::wheel(const QWheelEvent* e) {
    const QPoint delta = e->angleDelta();
    if (std::abs(delta.x()) > std::abs(delta.y())) {
        m_core.q->scrollBars(-delta.x() / 120.0 * std::max(1.0, (m_core.right - m_core.left) / 20));
    } else if (delta.y() != 0) {
        const double factor = std::pow(0.88, delta.y() / 120.0);
        m_core.q->zoomTime(factor, m_core.indexAtPixel(e->position().x()));
    }
}

void ChartInteraction::emitCrosshair() {
    if (!m_core.mouseInside || m_core.series.empty()) {
        Q_EMIT m_core.q->crosshairMoved(-1, 0);
        return;
    }
    const auto idx = static_cast<std::int64_t>(std::llround(m_core.indexAtPixel(m_core.mouse.x())));
    Q_EMIT m_core.q->crosshairMoved(m_core.series.timeOfIndex(idx, m_core.tf),
                                    m_core.yAxis(m_core.priceRect())->pixelToCoord(m_core.mouse.y()));
}

void ChartInteraction::cancelOrderLineDrag() {
    if (m_drag == Drag::OrderLine) m_drag = Drag::None;
}

// ---- keyboard --------------------------------------------------------------------------------
bool ChartInteraction::claimsShortcut(const QKeyEvent* e) const {
    const Qt::KeyboardModifiers mods = e->modifiers() & ~Qt::KeypadModifier;
    static const int kAltKeys[] = {Qt::Key_T, Qt::Key_H, Qt::Key_V, Qt::Key_F, Qt::Key_R,
                                   Qt::Key_1, Qt::Key_2, Qt::Key_3, Qt::Key_4};
    if (mods == Qt::AltModifier && std::find(std::begin(kAltKeys), std::end(kAltKeys), e->key()) != std::end(kAltKeys))
        return true;
    const bool copyPaste = mods == Qt::ControlModifier &&
        ((e->key() == Qt::Key_C && m_drawings.selected >= 0) || (e->key() == Qt::Key_V && m_drawings.copied.has_value()));
    if (copyPaste) return true;
    return mods == Qt::NoModifier && (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) && m_drawings.selected >= 0;
}

bool ChartInteraction::handleKey(const QKeyEvent* event) {
    CandleChart* q = m_core.q;
    const ChartSeries& series = m_core.series;
    const Qt::KeyboardModifiers mods = event->modifiers();
    const bool ctrl = (mods & Qt::ControlModifier) != 0, alt = (mods & Qt::AltModifier) != 0;
    const double span = m_core.right - m_core.left;
    switch (event->key()) {
    case Qt::Key_Left:
        q->scrollBars(ctrl ? -std::max(1.0, span / 4) : -1);
        break;
    case Qt::Key_Right:
        q->scrollBars(ctrl ? std::max(1.0, span / 4) : 1);
        break;
    case Qt::Key_Up:
        q->zoomTime(1 / 1.25);
        break;
    case Qt::Key_Down:
        q->zoomTime(1.25);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        q->zoomTime(1 / 1.25);
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        q->zoomTime(1.25);
        break;
    case Qt::Key_Home:
        if (!series.empty()) q->setVisibleRange(series.firstIndex() - 1.0, series.firstIndex() - 1.0 + span);
        break;
    case Qt::Key_End:
        if (!series.empty()) {
            const double r = static_cast<double>(series.lastIndex()) + kRightMarginBars;
            q->setVisibleRange(r - span, r);
        }
        break;
    case Qt::Key_1:
    case Qt::Key_2:
    case Qt::Key_3:
    case Qt::Key_4: {
        if (!alt) return false;
        static const ChartType kTypes[] = {ChartType::Bars, ChartType::Candles, ChartType::Line, ChartType::HeikinAshi};
        q->setChartType(kTypes[event->key() - Qt::Key_1]);
        break;
    }
    case Qt::Key_R:
        if (!alt) return false;
        q->resetView();
        break;
    case Qt::Key_Slash:
        q->openIndicatorPicker();
        break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (m_drawings.selected < 0) return false;
        q->removeDrawing(m_drawings.selected);
        break;
    case Qt::Key_C:
        if (!ctrl || m_drawings.selected < 0) return false;
        m_drawings.copied = m_drawings.list[static_cast<std::size_t>(m_drawings.selected)];
        break;
    case Qt::Key_V:
        if (ctrl && m_drawings.copied) {
            storage::Drawing copy = *m_drawings.copied;
            copy.id = 0;
            q->selectDrawing(q->addDrawing(copy));
            break;
        }
        if (!alt) return false;
        q->setDrawingTool(storage::DrawingKind::VerticalLine);
        break;
    case Qt::Key_Escape:
        q->setDrawingTool(std::nullopt);
        q->selectDrawing(-1);
        break;
    case Qt::Key_T:
    case Qt::Key_H:
    case Qt::Key_F: {
        if (!alt) return false;
        const int k = event->key();
        q->setDrawingTool(k == Qt::Key_T       ? storage::DrawingKind::TrendLine
                              : k == Qt::Key_H ? storage::DrawingKind::HorizontalLine
                                               : storage::DrawingKind::FibRetracement);
        break;
    }
    default:
        return false;
    }
    return true;
}

// ---- context menu ----------------------------------------------------------------------------
void ChartInteraction::showContextMenu(const QContextMenuEvent* event) {
    CandleChart* q = m_core.q;
    QMenu menu(q);
    const QPointF at = m_core.plot->mapFrom(q, event->pos());
    if (const int i = m_drawings.drawingAt(at).first; i >= 0) {
        q->selectDrawing(i);
        const QString name = drawingKindLabel(m_drawings.list[static_cast<std::size_t>(i)].kind);
        menu.addAction(CandleChart::tr("%1: properties…").arg(name), q, [q, i] { q->editDrawing(i); });
        menu.addAction(CandleChart::tr("Delete %1\tDel").arg(name), q, [q, i] { q->removeDrawing(i); });
        menu.addSeparator();
    }
    menu.addAction(CandleChart::tr("Indicators…\t/"), q, [q] { q->openIndicatorPicker(); });
    QMenu* tools = menu.addMenu(CandleChart::tr("Drawing tools"));
    for (storage::DrawingKind k : storage::kAllDrawingKinds) {
        const QString sc = drawingKindShortcut(k);
        tools->addAction(drawingKindLabel(k) + (sc.isEmpty() ? QString() : QLatin1Char('\t') + sc), q,
                         [q, k] { q->setDrawingTool(k); });
    }
    tools->addSeparator();
    QAction* mag = tools->addAction(CandleChart::tr("Magnet"), q, [q](bool on) { q->setMagnet(on); });
    mag->setCheckable(true);
    mag->setChecked(q->magnet());
    QAction* clear = tools->addAction(CandleChart::tr("Remove all drawings"), q, [q] { q->clearDrawings(); });
    clear->setEnabled(!m_drawings.list.empty());
    for (int id : q->indicatorIds()) {
        QMenu* sub = menu.addMenu(q->indicatorConfig(id).label());
        sub->addAction(CandleChart::tr("Settings…"), q, [q, id] { q->editIndicator(id); });
        sub->addAction(CandleChart::tr("Remove"), q, [q, id] { q->removeIndicator(id); });
    }
    menu.addSeparator();
    QMenu* types = menu.addMenu(CandleChart::tr("Chart type"));
    const std::pair<ChartType, QString> kinds[] = {{ChartType::Bars, CandleChart::tr("Bars\tAlt+1")},
                                                   {ChartType::Candles, CandleChart::tr("Candles\tAlt+2")},
                                                   {ChartType::Line, CandleChart::tr("Line\tAlt+3")},
                                                   {ChartType::HeikinAshi, CandleChart::tr("Heikin-Ashi\tAlt+4")}};
    for (const auto& [type, text] : kinds) {
        QAction* a = types->addAction(text, q, [q, t = type] { q->setChartType(t); });
        a->setCheckable(true);
        a->setChecked(q->chartType() == type);
    }
    QAction* vol = menu.addAction(CandleChart::tr("Volume pane"), q, [q](bool on) { q->setVolumeVisible(on); });
    vol->setCheckable(true);
    vol->setChecked(q->isVolumeVisible());
    QAction* autoY = menu.addAction(CandleChart::tr("Auto-scale prices"), q, [q](bool on) { q->setAutoScale(on); });
    autoY->setCheckable(true);
    autoY->setChecked(q->autoScale());
    menu.addAction(CandleChart::tr("Reset view\tAlt+R"), q, [q] { q->resetView(); });
    menu.addSeparator();
    menu.addAction(CandleChart::tr("Save image…"), q, [this] { saveImageAs(m_core); });
    menu.exec(event->globalPos());
}

}  // namespace kairos::charts::detail
