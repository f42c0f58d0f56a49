#include "chartdrawingscontroller.h"

#include "chartcore.h"

#include <QColorDialog>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolBar>

#include <cmath>
#include <limits>

namespace kairos::charts::detail {

ChartDrawingsController::ChartDrawingsController(ChartCore& chart) : core(chart) {}

// ---- toolbar ---------------------------------------------------------------------------------
QToolBar* ChartDrawingsController::createToolbar() {
    CandleChart* chart = core.q;
    // The drawing toolbar on the left, as on TradingView.
    toolbar = new QToolBar(chart);
    toolbar->setObjectName(QStringLiteral("DrawingToolbar"));
    toolbar->setOrientation(Qt::Vertical);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    const std::pair<storage::DrawingKind, const char*> glyphs[] = {
        {storage::DrawingKind::TrendLine, "\u2571"},       {storage::DrawingKind::Ray, "\u2197"},
        {storage::DrawingKind::HorizontalLine, "\u2500"},  {storage::DrawingKind::VerticalLine, "\u2502"},
        {storage::DrawingKind::Rectangle, "\u25ad"},       {storage::DrawingKind::FibRetracement, "F"},
        {storage::DrawingKind::ParallelChannel, "\u2225"}, {storage::DrawingKind::Text, "T"},
        {storage::DrawingKind::Measure, "\u21d5"}};
    for (const auto& [kind, glyph] : glyphs) {
        const QString shortcut = drawingKindShortcut(kind);
        QAction* a = toolbar->addAction(QString::fromUtf8(glyph));
        a->setObjectName(QStringLiteral("DrawingTool_") + QString::fromLatin1(storage::toString(kind).data()));
        a->setToolTip(drawingKindLabel(kind) +
                      (shortcut.isEmpty() ? QString() : QStringLiteral(" (") + shortcut + QLatin1Char(')')));
        a->setCheckable(true);
        QObject::connect(a, &QAction::triggered, chart, [chart, k = kind](bool on) {
            chart->setDrawingTool(on ? std::optional<storage::DrawingKind>(k) : std::nullopt);
        });
        toolActions.push_back({kind, a});
    }
    toolbar->addSeparator();
    magnetAction = toolbar->addAction(QString::fromUtf8("\u2229"));
    magnetAction->setObjectName(QStringLiteral("DrawingMagnet"));
    magnetAction->setToolTip(CandleChart::tr("Magnet: snap anchors to the bar's open/high/low/close"));
    magnetAction->setCheckable(true);
    QObject::connect(magnetAction, &QAction::toggled, chart, [this](bool on) { magnetOn = on; });
    return toolbar;
}

void ChartDrawingsController::styleToolbar() {
    const ChartTheme& theme = core.theme;
    toolbar->setStyleSheet(
        QStringLiteral("QToolBar { background: %1; border: none; border-right: 1px solid %2; }"
                       "QToolButton { color: %3; min-width: 22px; }"
                       "QToolButton:checked { background: %4; color: white; }")
            .arg(theme.background.name(), theme.paneSeparator.name(), theme.text.name(), theme.selection.name()));
}

void ChartDrawingsController::setMagnet(bool on) {
    magnetOn = on;
    const QSignalBlocker block(magnetAction);
    magnetAction->setChecked(on);
}

// ---- geometry, state ---------------------------------------------------------------------------
DrawingGeometry ChartDrawingsController::geometry() const {
    DrawingGeometry g;
    const QCPAxisRect* r = core.priceRect();
    g.rect = QRectF(r->rect());
    const QCPAxis* xa = core.xAxis(r);
    const QCPAxis* ya = core.yAxis(r);
    g.xOfTime = [this, xa](std::int64_t t) { return xa->coordToPixel(core.series.indexOfTime(t, core.tf)); };
    g.yOfPrice = [ya](double price) { return ya->coordToPixel(price); };
    g.barsBetween = [this](std::int64_t a, std::int64_t b) {
        return core.series.indexOfTime(b, core.tf) - core.series.indexOfTime(a, core.tf);
    };
    g.formatPrice = [this](double v) { return core.formatPrice(v); };
    g.textColour = core.theme.text;
    g.background = core.theme.background;
    g.selection = core.theme.selection;
    g.up = core.theme.up;
    g.down = core.theme.down;
    return g;
}

storage::DrawingAnchor ChartDrawingsController::anchorAt(QPointF pos, bool useMagnet) const {
    const auto idx = static_cast<std::int64_t>(std::llround(core.indexAtPixel(pos.x())));
    const QCPAxis* ya = core.yAxis(core.priceRect());
    storage::DrawingAnchor a{core.series.empty() ? 0 : core.series.timeOfIndex(idx, core.tf), ya->pixelToCoord(pos.y())};
    if (useMagnet && core.series.contains(idx)) {
        const std::size_t s = core.series.slot(idx);
        double best = std::numeric_limits<double>::infinity();
        for (double v : {core.series.open()[s], core.series.high()[s], core.series.low()[s], core.series.close()[s]}) {
            const double dist = std::abs(ya->coordToPixel(v) - pos.y());
            if (dist < best) {
                best = dist;
                a.price = v;
            }
        }
    }
    return a;
}

void ChartDrawingsController::setTool(std::optional<storage::DrawingKind> k) {
    if (creating >= 0) {  // an unfinished drawing is dropped
        list.erase(list.begin() + creating);
        creating = -1;
    }
    tool = k;
    for (auto& [kind, action] : toolActions) action->setChecked(k && *k == kind);
    if (k) selected = -1;
    core.requestFrame(ChartCore::DirtyOverlay);
    Q_EMIT core.q->drawingToolChanged(k);
}

void ChartDrawingsController::edited() {
    if (store != nullptr && !core.instrument.symbol.empty()) {
        std::vector<storage::Drawing> done;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (static_cast<int>(i) != creating) done.push_back(list[i]);
        auto r = store->replaceAll(core.instrument, done);
        if (r) {
            for (std::size_t i = 0, k = 0; i < list.size(); ++i)
                if (static_cast<int>(i) != creating) list[i].id = (*r)[k++].id;
        } else {
            problems << QString::fromStdString(r.message());
            qWarning("chart drawings of %s not saved: %s", core.instrument.toString().c_str(), r.message().c_str());
        }
    }
    core.requestFrame(ChartCore::DirtyOverlay);
    Q_EMIT core.q->drawingsChanged();
}

void ChartDrawingsController::load() {
    list.clear();
    selected = -1;
    creating = -1;
    problems.clear();
    if (store == nullptr || core.instrument.symbol.empty()) return;
    auto r = store->load(core.instrument);
    if (!r) {
        problems << QString::fromStdString(r.message());
        qWarning("chart drawings of %s not loaded: %s", core.instrument.toString().c_str(), r.message().c_str());
        return;
    }
    list = std::move(r->drawings);
    for (const auto& pr : r->problems) {
        problems << QString::fromStdString(pr);
        qWarning("chart drawings: %s", pr.c_str());
    }
    core.requestFrame(ChartCore::DirtyOverlay);
}

void ChartDrawingsController::finishCreation() {
    const int done = creating;
    creating = -1;
    const auto kind = list[static_cast<std::size_t>(done)].kind;
    setTool(std::nullopt);
    selected = done;
    edited();
    if (kind == storage::DrawingKind::Text) QTimer::singleShot(0, core.q, [this, done] { core.q->editDrawing(done); });
}

std::pair<int, DrawingHit> ChartDrawingsController::drawingAt(QPointF pos) const {
    if (list.empty()) return {-1, {}};
    const DrawingGeometry g = geometry();
    // The selected one first: its handles must win over drawings above it.
    if (selected >= 0 && selected < static_cast<int>(list.size())) {
        const DrawingHit h = hitTestDrawing(list[static_cast<std::size_t>(selected)], g, pos);
        if (h.hit) return {selected, h};
    }
    for (int i = static_cast<int>(list.size()) - 1; i >= 0; --i) {
        const DrawingHit h = hitTestDrawing(list[static_cast<std::size_t>(i)], g, pos);
        if (h.hit) return {i, h};
    }
    return {-1, {}};
}

void ChartDrawingsController::paint(QCPPainter* p) {
    if (list.empty()) return;
    p->save();
    p->setClipRect(core.priceRect()->rect());
    const DrawingGeometry g = geometry();
    for (std::size_t i = 0; i < list.size(); ++i) paintDrawing(p, list[i], g, !core.exporting && static_cast<int>(i) == selected);
    p->restore();
}

void ChartDrawingsController::placeAt(QPointF pos) {
    const auto a = anchorAt(pos, magnetOn);
    if (creating < 0) {
        storage::Drawing dr;
        dr.kind = *tool;
        dr.colour = dr.kind == storage::DrawingKind::Text ? drawingColourString(core.theme.text)
                                                          : drawingColourString(core.theme.selection);
        dr.width = 2;
        dr.anchors.assign(static_cast<std::size_t>(storage::anchorCount(dr.kind)), a);
        list.push_back(dr);
        creating = static_cast<int>(list.size()) - 1;
        placing = 1;
        selected = -1;
    } else {
        auto& dr = list[static_cast<std::size_t>(creating)];
        for (std::size_t k = static_cast<std::size_t>(placing); k < dr.anchors.size(); ++k) dr.anchors[k] = a;
        ++placing;
    }
    if (placing >= storage::anchorCount(list[static_cast<std::size_t>(creating)].kind)) finishCreation();
    core.requestFrame(ChartCore::DirtyOverlay);
}

void ChartDrawingsController::moveDrawingBy(QPointF pos) {
    auto& dr = list[static_cast<std::size_t>(selected)];
    const auto dBars = std::llround(core.indexAtPixel(pos.x()) - pressIndex);
    const double dPrice = core.yAxis(core.priceRect())->pixelToCoord(pos.y()) - pressPrice;
    for (std::size_t k = 0; k < dr.anchors.size(); ++k) {
        const auto& from = pressAnchors[k];
        const auto idx = std::llround(core.series.indexOfTime(from.timeMs, core.tf));
        dr.anchors[k].timeMs = dBars == 0 ? from.timeMs : core.series.timeOfIndex(idx + dBars, core.tf);
        dr.anchors[k].price = from.price + dPrice;
    }
}

void ChartDrawingsController::followMouse(QPointF pos) {
    auto& dr = list[static_cast<std::size_t>(creating)];
    const auto a = anchorAt(pos, magnetOn);
    for (std::size_t k = static_cast<std::size_t>(placing); k < dr.anchors.size(); ++k) dr.anchors[k] = a;
}

void ChartDrawingsController::moveAnchorTo(QPointF pos) {
    list[static_cast<std::size_t>(selected)].anchors[static_cast<std::size_t>(dragAnchor)] = anchorAt(pos, magnetOn);
}

bool ChartDrawingsController::grab(QPointF pos, bool clone) {
    auto [i, hit] = drawingAt(pos);
    if (i >= 0 && hit.anchor < 0 && clone) {
        // Ctrl+drag clones: the copy is what moves (TradingView).
        storage::Drawing copy = list[static_cast<std::size_t>(i)];
        copy.id = 0;
        list.push_back(copy);
        cloneOf = i;
        i = static_cast<int>(list.size()) - 1;
    }
    if (i >= 0) {
        selected = i;
        dragAnchor = hit.anchor;
        pressAnchors = list[static_cast<std::size_t>(i)].anchors;
        pressIndex = core.indexAtPixel(pos.x());
        pressPrice = core.yAxis(core.priceRect())->pixelToCoord(pos.y());
        core.requestFrame(ChartCore::DirtyOverlay);
        return true;
    }
    if (selected >= 0) {
        selected = -1;
        core.requestFrame(ChartCore::DirtyOverlay);
    }
    return false;
}

void ChartDrawingsController::release() {
    if (selected < 0) return;
    const bool moved = list[static_cast<std::size_t>(selected)].anchors != pressAnchors;
    if (cloneOf >= 0 && !moved) {  // Ctrl+click without a drag: no copy
        list.erase(list.begin() + selected);
        selected = cloneOf;
        core.requestFrame(ChartCore::DirtyOverlay);
    } else if (moved) {
        edited();
    }
    cloneOf = -1;
}

// ---- the chart's API -------------------------------------------------------------------------
void ChartDrawingsController::set(const std::vector<storage::Drawing>& drawings) {
    setTool(std::nullopt);
    list.clear();
    for (const auto& dr : drawings)
        if (storage::validate(dr)) list.push_back(dr);
    selected = -1;
    edited();
}

int ChartDrawingsController::add(const storage::Drawing& drawing) {
    if (!storage::validate(drawing)) return -1;
    setTool(std::nullopt);
    list.push_back(drawing);
    edited();
    return static_cast<int>(list.size()) - 1;
}

bool ChartDrawingsController::isEditable(int index) const {
    return index >= 0 && index < static_cast<int>(list.size()) && index != creating;
}

bool ChartDrawingsController::update(int index, const storage::Drawing& drawing) {
    if (!isEditable(index) || !storage::validate(drawing)) return false;
    const std::int64_t id = list[static_cast<std::size_t>(index)].id;
    list[static_cast<std::size_t>(index)] = drawing;
    list[static_cast<std::size_t>(index)].id = id;
    edited();
    return true;
}

bool ChartDrawingsController::remove(int index) {
    if (!isEditable(index)) return false;
    list.erase(list.begin() + index);
    if (selected == index)
        selected = -1;
    else if (selected > index)
        --selected;
    if (creating > index) --creating;
    edited();
    return true;
}

void ChartDrawingsController::clear() {
    setTool(std::nullopt);
    list.clear();
    selected = -1;
    edited();
}

void ChartDrawingsController::select(int index) {
    selected = index >= 0 && index < static_cast<int>(list.size()) ? index : -1;
    core.requestFrame(ChartCore::DirtyOverlay);
}

std::optional<storage::Drawing> ChartDrawingsController::propertiesDialog(int index) {
    if (!isEditable(index)) return std::nullopt;
    storage::Drawing dr = list[static_cast<std::size_t>(index)];
    QDialog dlg(core.q);
    dlg.setObjectName(QStringLiteral("DrawingDialog"));
    dlg.setWindowTitle(drawingKindLabel(dr.kind));
    auto* form = new QFormLayout(&dlg);
    QColor colour = drawingColour(dr.colour);
    auto* colourButton = new QPushButton(&dlg);
    colourButton->setObjectName(QStringLiteral("colour"));
    auto showColour = [colourButton, &colour] {
        colourButton->setText(colour.name(colour.alpha() == 255 ? QColor::HexRgb : QColor::HexArgb));
        colourButton->setStyleSheet(
            QStringLiteral("background-color: %1; color: %2")
                .arg(colour.name(), colour.lightness() > 128 ? QStringLiteral("black") : QStringLiteral("white")));
    };
    showColour();
    QObject::connect(colourButton, &QPushButton::clicked, &dlg, [&] {
        const QColor c = QColorDialog::getColor(colour, &dlg, CandleChart::tr("Drawing colour"), QColorDialog::ShowAlphaChannel);
        if (c.isValid()) {
            colour = c;
            showColour();
        }
    });
    auto* width = new QSpinBox(&dlg);
    width->setObjectName(QStringLiteral("width"));
    width->setRange(1, 10);
    width->setValue(dr.width);
    width->setSuffix(QStringLiteral(" px"));
    auto* text = new QLineEdit(QString::fromStdString(dr.text), &dlg);
    text->setObjectName(QStringLiteral("text"));
    text->setPlaceholderText(dr.kind == storage::DrawingKind::Text ? CandleChart::tr("Note") : CandleChart::tr("optional label"));
    form->addRow(CandleChart::tr("Colour"), colourButton);
    form->addRow(dr.kind == storage::DrawingKind::Text ? CandleChart::tr("Size") : CandleChart::tr("Width"), width);
    form->addRow(CandleChart::tr("Text"), text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dlg);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    form->addRow(buttons);
    if (dlg.exec() != QDialog::Accepted) return std::nullopt;
    dr.colour = drawingColourString(colour);
    dr.width = width->value();
    dr.text = text->text().toStdString();
    return dr;
}

}  // namespace kairos::charts::detail
