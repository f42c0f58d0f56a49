#include "chartoverlay.h"

#include "chartcore.h"
#include "chartdrawingscontroller.h"
#include "chartindicatorpanes.h"
#include "chartorderlines.h"
#include "chartsignalmarkers.h"
#include "paneticker.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kairos::charts::detail {

namespace {

/// A QCPLayerable that paints through a callback (grid, crosshair, legend, price marker).
class PaintHook : public QCPLayerable {
public:
    PaintHook(QCustomPlot* plot, const QString& layer, std::function<void(QCPPainter*)> paint)
        : QCPLayerable(plot, layer), m_paint(std::move(paint)) {}

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setRenderHint(QPainter::Antialiasing, false);
    }
    void draw(QCPPainter* painter) override { m_paint(painter); }
    QRect clipRect() const override { return mParentPlot->viewport(); }

private:
    std::function<void(QCPPainter*)> m_paint;
};

QString countdownText(std::int64_t ms) {
    const std::int64_t s = std::max<std::int64_t>(0, ms / 1000);
    const std::int64_t days = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60, sec = s % 60;
    auto two = [](std::int64_t v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (days > 0) return QStringLiteral("%1d %2h").arg(days).arg(h);
    if (h > 0) return two(h) + QLatin1Char(':') + two(m) + QLatin1Char(':') + two(sec);
    return two(m) + QLatin1Char(':') + two(sec);
}

QString formatValue(double v) {
    if (std::isnan(v)) return QStringLiteral("—");
    if (std::fabs(v) >= 1e5) return compactNumber(v);
    return QString::number(v, 'f', std::fabs(v) < 10 ? 4 : 2);
}

}  // namespace

void ChartOverlay::install() {
    new PaintHook(m_core.plot, kOverlayLayer, [this](QCPPainter* p) { paint(p); });
    new PaintHook(m_core.plot, QStringLiteral("grid"), [this](QCPPainter* p) { drawGrid(p); });
    new PaintHook(m_core.plot, QStringLiteral("axes"), [this](QCPPainter* p) { drawAxisLines(p); });
}

int ChartOverlay::legendIndicatorAt(QPointF pos) const {
    for (const auto& [id, rect] : m_legendHits)
        if (rect.contains(pos)) return id;
    return 0;
}

void ChartOverlay::drawGrid(QCPPainter* p) const {
    QVector<QRect> lines;
    for (const ChartCore::Pane& pane : m_core.panes) {
        const QCPAxisRect* r = pane.rect;
        const QRect inner = r->rect();
        const QCPAxis* y = m_core.yAxis(r);
        if (y->visible())
            for (double t : y->tickVector()) {
                const int py = qRound(y->coordToPixel(t));
                if (py >= inner.top() && py <= inner.bottom()) lines.append(QRect(inner.left(), py, inner.width(), 1));
            }
        const QCPAxis* x = m_core.xAxis(r);
        if (x->visible())
            for (double t : x->tickVector()) {
                const int px = qRound(x->coordToPixel(t));
                if (px >= inner.left() && px <= inner.right()) lines.append(QRect(px, inner.top(), 1, inner.height()));
            }
    }
    if (m_core.theme.grid.alpha() == 255) {
        fillRects(p, lines, m_core.theme.grid);
    } else {
        QVector<QRect> sliced;
        for (const QRect& l : lines) appendSerialRects(sliced, l, false);
        fillRects(p, sliced, m_core.theme.grid);
    }
}

void ChartOverlay::drawAxisLines(QCPPainter* p) const {
    QVector<QRect> rects;
    for (const ChartCore::Pane& pane : m_core.panes) {
        const QRect ar = pane.rect->rect();
        for (auto type : {QCPAxis::atBottom, QCPAxis::atRight, QCPAxis::atTop}) {
            const QCPAxis* a = pane.rect->axis(type);
            if (!a->visible()) continue;
            const int in = a->tickLengthIn(), out = a->tickLengthOut();
            const bool ticks = a->ticks() && in + out > 0;
            if (type == QCPAxis::atBottom) {
                const int y = ar.bottom() + a->offset();
                rects.append(QRect(ar.left(), y, ar.width() + 1, 1));
                if (ticks)
                    for (double t : a->tickVector()) rects.append(QRect(qRound(a->coordToPixel(t)), y - in, 1, in + out + 1));
            } else if (type == QCPAxis::atRight) {
                const int x = ar.right() + a->offset() + 1;
                rects.append(QRect(x, ar.bottom() - ar.height(), 1, ar.height() + 1));
                if (ticks)
                    for (double t : a->tickVector()) rects.append(QRect(x - in, qRound(a->coordToPixel(t)), in + out + 1, 1));
            } else {
                const int y = ar.top() - a->offset() - 1;
                rects.append(QRect(ar.left(), y, ar.width() + 1, 1));
                if (ticks)
                    for (double t : a->tickVector()) rects.append(QRect(qRound(a->coordToPixel(t)), y - out, 1, in + out + 1));
            }
        }
    }
    fillRects(p, rects, m_core.theme.paneSeparator);
}

void ChartOverlay::paint(QCPPainter* p) {
    if (m_core.panes.empty()) return;
    p->save();
    QFont font = m_core.q->font();
    p->setFont(font);
    const QFontMetricsF fm(font);
    m_drawings.paint(p);
    m_markers.paint(p);
    m_orderLines.paint(p, fm);
    drawPriceMarker(p, fm);
    if (!m_core.exporting) drawCrosshair(p, fm);
    drawLegend(p, fm);
    p->restore();
}

void ChartOverlay::drawPriceMarker(QCPPainter* p, const QFontMetricsF& fm) const {
    if (m_core.series.empty()) return;
    const QCPAxisRect* r = m_core.priceRect();
    const QRect inner = r->rect();
    const std::size_t last = m_core.series.size() - 1;
    const bool ha = m_core.type == ChartType::HeikinAshi && m_core.haValid;
    const double close = m_core.series.close()[last];
    const double open = ha ? m_core.haOpen[last] : m_core.series.open()[last];
    const double refClose = ha ? m_core.haClose[last] : close;
    const QColor colour = refClose >= open ? m_core.theme.up : m_core.theme.down;
    const double y = m_core.yAxis(r)->coordToPixel(close);
    if (y >= inner.top() && y <= inner.bottom()) {
        QPen pen(colour, 1, Qt::DotLine);
        p->setPen(pen);
        p->drawLine(QPointF(inner.left(), y), QPointF(inner.right(), y));
    }
    // Label on the price axis; with a countdown under the price while the bar forms.
    const std::int64_t closesAt = nextBucketStart(m_core.tf, m_core.series.time().back());
    const std::int64_t remaining = closesAt - m_core.clock();
    const bool countdown = remaining > 0 && remaining <= nominalDurationMs(m_core.tf);
    const double h = fm.height() + 4;
    const double boxH = countdown ? 2 * h - 2 : h;
    const double x0 = inner.right() + 1, w = r->outerRect().right() - inner.right();
    const double yc = std::clamp(y, static_cast<double>(inner.top()) + boxH / 2, static_cast<double>(inner.bottom()) - boxH / 2);
    const QRectF box(x0, yc - h / 2, w, boxH);
    p->setPen(Qt::NoPen);
    p->setBrush(colour);
    p->drawRect(box);
    p->setPen(Qt::white);
    p->drawText(QRectF(x0, yc - h / 2, w, h), Qt::AlignCenter, m_core.formatPrice(close));
    if (countdown) p->drawText(QRectF(x0, yc + h / 2 - 2, w, h - 2), Qt::AlignCenter, countdownText(remaining));
}

void ChartOverlay::drawCrosshair(QCPPainter* p, const QFontMetricsF& fm) const {
    double x = std::numeric_limits<double>::quiet_NaN();
    if (m_core.mouseInside) {
        x = m_core.snappedX(m_core.indexAtPixel(m_core.mouse.x()));
    } else if (m_core.syncedCrosshairMs >= 0 && !m_core.series.empty()) {
        x = m_core.snappedX(static_cast<double>(m_core.series.indexAtOrBefore(m_core.syncedCrosshairMs)));
    }
    if (std::isnan(x)) return;
    const QCPAxis* px = m_core.xAxis(m_core.priceRect());
    const double xp = std::round(px->coordToPixel(x)) + 0.5;
    const QRect top = m_core.priceRect()->rect(), bottom = m_core.panes.back().rect->rect();
    QPen pen(m_core.theme.crosshair, 1, Qt::DashLine);
    p->setPen(pen);
    p->drawLine(QPointF(xp, top.top()), QPointF(xp, bottom.bottom()));
    // Time label on the time axis.
    const auto idx = static_cast<std::int64_t>(std::llround(x));
    const QString t = formatBarTime(m_core.series.timeOfIndex(idx, m_core.tf), m_core.tf);
    const double tw = fm.horizontalAdvance(t) + 12, th = fm.height() + 4;
    drawAxisLabel(p, QRectF(xp - tw / 2, bottom.bottom() + 1, tw, th), t, m_core.theme.crosshairLabel,
                  m_core.theme.crosshairLabelText);
    if (!m_core.mouseInside) return;
    const int pane = m_core.paneAt(m_core.mouse, false);
    if (pane < 0) return;
    const QCPAxisRect* r = m_core.panes[static_cast<std::size_t>(pane)].rect;
    const double yp = std::round(m_core.mouse.y()) + 0.5;
    p->setPen(pen);
    p->drawLine(QPointF(r->rect().left(), yp), QPointF(r->rect().right(), yp));
    const double value = m_core.yAxis(r)->pixelToCoord(m_core.mouse.y());
    const QString text = pane == 0 ? m_core.formatPrice(value) : compactNumber(value);
    const double w = r->outerRect().right() - r->rect().right();
    drawAxisLabel(p, QRectF(r->rect().right() + 1, yp - th / 2, w, th), text, m_core.theme.crosshairLabel,
                  m_core.theme.crosshairLabelText);
}

const ChartOverlay::TextRun& ChartOverlay::textRun(const QString& s, const QFont& font, bool bold) {
    if (font != m_textCacheFont) {
        m_textCache[0].clear();
        m_textCache[1].clear();
        m_textCacheFont = font;
    }
    QHash<QString, TextRun>& cache = m_textCache[bold ? 1 : 0];
    auto it = cache.find(s);
    if (it != cache.end()) return *it;
    if (cache.size() > 512) cache.clear();  // values under a moving crosshair: bounded
    QFont f = font;
    f.setBold(bold);
    TextRun run;
    run.text = QStaticText(s);
    run.text.setTextFormat(Qt::PlainText);
    run.text.setPerformanceHint(QStaticText::AggressiveCaching);
    run.text.prepare(QTransform(), f);
    run.advance = QFontMetricsF(f).horizontalAdvance(s);
    return *cache.insert(s, run);
}

QRectF ChartOverlay::drawSegments(QCPPainter* p, QPointF at, const std::vector<Segment>& segs, double maxX, double lineHeight) {
    const QFont base = p->font();
    QFont bold = base;
    bold.setBold(true);
    bool isBold = false;
    const double startX = at.x(), startY = at.y();
    double right = startX;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const Segment& s = segs[i];
        if (!s.glued && at.x() > startX) {
            double width = textRun(s.text, base, s.bold).advance;
            for (std::size_t k = i + 1; k < segs.size() && segs[k].glued; ++k)
                width += textRun(segs[k].text, base, segs[k].bold).advance;
            if (at.x() + width > maxX) {
                at = QPointF(startX, at.y() + lineHeight);
            }
        }
        const TextRun& run = textRun(s.text, base, s.bold);
        if (s.bold != isBold) {
            p->setFont(s.bold ? bold : base);
            isBold = s.bold;
        }
        p->setPen(s.colour);
        p->drawStaticText(at, run.text);  // top-left at `at`: the baseline one ascent below
        at.rx() += run.advance;
        right = std::max(right, at.x());
    }
    if (isBold) p->setFont(base);
    return QRectF(startX, startY, right - startX, at.y() + lineHeight - startY);
}

std::int64_t ChartOverlay::legendIndex() const {
    if (m_core.mouseInside) return static_cast<std::int64_t>(std::llround(m_core.indexAtPixel(m_core.mouse.x())));
    if (m_core.syncedCrosshairMs >= 0) return m_core.series.indexAtOrBefore(m_core.syncedCrosshairMs);
    return m_core.series.lastIndex();
}

double ChartOverlay::drawIndicatorLegend(QCPPainter* p, QPointF at, const ChartIndicatorPanes::ChartIndicator& ci,
                                         std::int64_t idx, double maxX, double lineHeight) {
    const IndicatorConfig& cfg = ci.values.config();
    const IndicatorInfo& info = ci.info();
    std::vector<Segment> segs{{cfg.label() + QStringLiteral("  "), m_core.theme.text, false}};
    for (std::size_t j = 0; j < info.outputs.size(); ++j) {
        const double v = ci.values.value(j, idx);
        if (std::isnan(v) && info.outputs.size() > 1) continue;  // e.g. the inactive SuperTrend side
        const QColor colour = j < cfg.colours.size() ? cfg.colours[j] : info.outputs[j].colour;
        segs.push_back({(ci.isOverlay() ? (std::isnan(v) ? QStringLiteral("—") : m_core.formatPrice(v)) : formatValue(v)) +
                            QStringLiteral("  "),
                        info.outputs[j].style == PlotStyle::Histogram ? (v >= 0 ? m_core.theme.up : m_core.theme.down) : colour,
                        false});
    }
    const QRectF box = drawSegments(p, at, segs, maxX, lineHeight);
    m_legendHits.push_back({ci.id, box});
    return box.bottom();
}

void ChartOverlay::drawLegend(QCPPainter* p, const QFontMetricsF& fm) {
    m_legendHits.clear();
    const QRect inner = m_core.priceRect()->rect();
    QPointF at(inner.left() + 8, inner.top() + 6);
    std::vector<Segment> head;
    const QString sym = m_core.instrument.symbol.empty() ? m_core.title : QString::fromStdString(m_core.instrument.symbol);
    head.push_back(
        {sym + QStringLiteral(" · ") + QString::fromStdString(toString(m_core.tf)) +
             (m_core.instrument.venue.empty() ? QString()
                                              : QStringLiteral(" · ") + QString::fromStdString(m_core.instrument.venue)) +
             QStringLiteral("   "),
         m_core.theme.text, true});
    if (!m_core.series.empty() && !m_core.display.empty()) {
        const OhlcBucket* b = nullptr;
        if (m_core.mouseInside)
            b = m_core.displayAt(m_core.indexAtPixel(m_core.mouse.x()));
        else if (m_core.syncedCrosshairMs >= 0)
            b = m_core.displayAt(static_cast<double>(m_core.series.indexAtOrBefore(m_core.syncedCrosshairMs)));
        OhlcBucket lastBucket;
        if (b == nullptr) {
            lastBucket = aggregateBucketAt(m_core.columns(), m_core.series.lastIndex(), 1);
            b = &lastBucket;
        }
        const QColor c = b->close >= b->open ? m_core.theme.up : m_core.theme.down;
        const double prevClose =
            b->firstIndex > m_core.series.firstIndex() ? m_core.columns().close[m_core.series.slot(b->firstIndex - 1)] : b->open;
        const double change = prevClose != 0 ? (b->close - prevClose) / prevClose * 100 : 0;
        auto add = [&](const QString& k, const QString& v) {
            head.push_back({k, m_core.theme.mutedText});
            head.push_back({v + QStringLiteral("  "), c, false, true});
        };
        add(QStringLiteral("O "), m_core.formatPrice(b->open));
        add(QStringLiteral("H "), m_core.formatPrice(b->high));
        add(QStringLiteral("L "), m_core.formatPrice(b->low));
        add(QStringLiteral("C "), m_core.formatPrice(b->close));
        head.push_back({(change >= 0 ? QStringLiteral("+") : QStringLiteral("−")) + QString::number(std::fabs(change), 'f', 2) +
                            QStringLiteral("%  "),
                        c});
        add(QStringLiteral("Vol "), compactNumber(b->volume));
        if (b->count > 1) head.push_back({QStringLiteral("(%1 bars)").arg(b->count), m_core.theme.mutedText});
    }
    const double lineH = fm.height() + 2;
    at.setY(drawSegments(p, at, head, inner.right() - 8, lineH).bottom());
    if (m_core.series.empty()) return;
    const std::int64_t idx = legendIndex();
    for (const auto& ci : m_indicators.list) {
        if (ci->isOverlay()) {
            at.setY(drawIndicatorLegend(p, at, *ci, idx, inner.right() - 8, lineH));
        } else if (ci->rect != nullptr) {
            const QRect pane = ci->rect->rect();
            drawIndicatorLegend(p, QPointF(pane.left() + 8, pane.top() + 4), *ci, idx, pane.right() - 8, lineH);
        }
    }
}

}  // namespace kairos::charts::detail
