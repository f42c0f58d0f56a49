#include "chartworkspace.h"

#include "charthistoryloader.h"
#include "chartpane.h"

#include "storage/drawingstore.h"
#include "storage/chartlayout.h"
#include "storage/layoutstore.h"

#include <QAction>
#include <QActionGroup>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace kairos::ui {

namespace {
constexpr int kLayoutVersion = 1;
constexpr int kGrids[] = {1, 2, 4, 6};

int roundGrid(int n) {
    for (int g : kGrids)
        if (n <= g) return g;
    return 6;
}
// Columns of each grid: 1 | 2 side by side | 2 x 2 | 3 x 2.
int columnsFor(int n) { return n == 1 ? 1 : n == 4 ? 2 : n == 2 ? 2 : 3; }

const char* syncKey(ChartWorkspace::Sync s) {
    switch (s) {
    case ChartWorkspace::Sync::Crosshair:
        return "crosshair";
    case ChartWorkspace::Sync::Symbol:
        return "symbol";
    case ChartWorkspace::Sync::Timeframe:
        return "timeframe";
    }
    return "";
}
}  // namespace

ChartWorkspace::ChartWorkspace(const QString& databasePath, storage::Database* db, QWidget* parent)
    : QWidget(parent),
      m_dbPath(databasePath),
      m_db(db),
      m_loader(new ChartHistoryLoader(databasePath, this)),
      m_toolbar(new QToolBar),
      m_gridLayout(new QGridLayout) {
    setObjectName(QStringLiteral("ChartWorkspace"));
    if (m_db) m_drawings = std::make_unique<storage::DrawingStore>(*m_db);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    m_toolbar->setObjectName(QStringLiteral("ChartWorkspaceToolBar"));
    m_toolbar->setIconSize(QSize(16, 16));
    m_toolbar->addWidget(new QLabel(tr(" Charts: ")));
    auto* grids = new QActionGroup(this);
    for (int g : kGrids) {
        QAction* a = m_toolbar->addAction(QString::number(g));
        a->setObjectName(QStringLiteral("Grid%1Action").arg(g));
        a->setCheckable(true);
        a->setToolTip(g == 1 ? tr("One chart") : tr("%1 charts").arg(g));
        grids->addAction(a);
        connect(a, &QAction::triggered, this, [this, g] { setGrid(g); });
        m_gridActions.push_back(a);
    }
    m_toolbar->addSeparator();
    m_toolbar->addWidget(new QLabel(tr(" Sync: ")));
    const std::pair<Sync, QString> syncs[] = {
        {Sync::Crosshair, tr("Crosshair")}, {Sync::Symbol, tr("Symbol")}, {Sync::Timeframe, tr("Timeframe")}};
    for (const auto& [what, label] : syncs) {
        QAction* a = m_toolbar->addAction(label);
        a->setCheckable(true);
        a->setObjectName(QStringLiteral("Sync%1Action").arg(label));
        a->setToolTip(tr("Synchronise the %1 across the charts").arg(label.toLower()));
        m_syncActions[static_cast<int>(what) - 1] = a;
        connect(a, &QAction::toggled, this, [this, what = what](bool on) { setSync(what, on); });
    }
    outer->addWidget(m_toolbar);
    m_gridLayout->setContentsMargins(2, 2, 2, 2);
    m_gridLayout->setSpacing(3);
    outer->addLayout(m_gridLayout, 1);

    connect(m_loader, &ChartHistoryLoader::instrumentsListed, this, [this](const std::vector<InstrumentId>& stored) {
        std::vector<InstrumentId> all = m_known;
        for (const InstrumentId& id : stored)
            if (std::find(all.begin(), all.end(), id) == all.end()) all.push_back(id);
        if (all.size() == m_known.size()) return;
        m_known = std::move(all);
        for (ChartPane* p : m_panes) p->setKnownInstruments(m_known);
    });
    m_loader->requestInstruments();
    setGrid(1);
}

ChartWorkspace::~ChartWorkspace() {
    // The charts use m_drawings: they go first.
    for (ChartPane* p : m_panes) delete p;
    m_panes.clear();
}

void ChartWorkspace::setInstruments(const std::vector<InstrumentId>& ids) {
    std::vector<InstrumentId> all = ids;
    for (const InstrumentId& id : m_known)
        if (std::find(all.begin(), all.end(), id) == all.end()) all.push_back(id);
    m_known = std::move(all);
    for (ChartPane* p : m_panes) p->setKnownInstruments(m_known);
    m_loader->requestInstruments();  // the store may hold more since
}

void ChartWorkspace::historyArrived(const InstrumentId& id, Timeframe tf) {
    for (ChartPane* p : m_panes)
        if (p->instrument() == id && p->timeframe() == tf) p->onRemoteHistory();
}

void ChartWorkspace::setChartTheme(const charts::ChartTheme& theme) {
    m_chartTheme = theme;
    for (ChartPane* p : m_panes) p->chart()->setTheme(theme);
}

void ChartWorkspace::setHistoryEnd(std::function<std::int64_t(const InstrumentId&)> endMs) { m_historyEnd = std::move(endMs); }

std::int64_t ChartWorkspace::historyEndMs(const InstrumentId& id) const {
    return m_historyEnd ? m_historyEnd(id) : std::numeric_limits<std::int64_t>::max();
}

void ChartWorkspace::reloadInstrument(const InstrumentId& id) {
    if (!m_loadingEnabled) return;
    for (ChartPane* p : m_panes)
        if (p->instrument() == id) p->reload();
}

void ChartWorkspace::setLiveBarTimeframe(std::optional<Timeframe> tf) { m_liveTf = tf; }

ChartPane* ChartWorkspace::pane(int index) const {
    return index >= 0 && index < grid() ? m_panes[static_cast<std::size_t>(index)] : nullptr;
}

charts::CandleChart* ChartWorkspace::chart(int index) const {
    ChartPane* p = pane(index);
    return p ? p->chart() : nullptr;
}

InstrumentId ChartWorkspace::nextInstrument(std::size_t index) const {
    if (m_known.empty()) return InstrumentId{"BINANCE", "BTCUSDT"};
    // The first known instrument no pane shows yet; else round the list.
    for (const InstrumentId& id : m_known)
        if (std::none_of(m_panes.begin(), m_panes.end(), [&](ChartPane* p) { return p->instrument() == id; })) return id;
    return m_known[index % m_known.size()];
}

void ChartWorkspace::setGrid(int charts) {
    const int n = roundGrid(std::max(1, charts));
    const bool changed = n != grid();
    const Timeframe tf = m_panes.empty() ? Timeframe::H1 : activePane()->timeframe();
    while (grid() > n) {
        ChartPane* p = m_panes.back();
        m_panes.pop_back();
        m_gridLayout->removeWidget(p);
        delete p;
    }
    while (grid() < n) {
        auto* p = new ChartPane(*this);
        if (m_chartTheme) p->chart()->setTheme(*m_chartTheme);
        p->setObjectName(QStringLiteral("ChartPane%1").arg(grid()));
        p->chart()->setDrawingStore(m_drawings.get());
        const InstrumentId id = nextInstrument(m_panes.size());
        m_panes.push_back(p);
        wirePane(p);
        p->setSeries(id, tf);
    }
    relayout();
    if (m_active >= grid()) m_active = 0;
    for (int i = 0; i < grid(); ++i) m_panes[static_cast<std::size_t>(i)]->setActive(i == m_active);
    updateToolbar();
    if (changed) Q_EMIT gridChanged(n);
}

void ChartWorkspace::relayout() {
    const int cols = columnsFor(grid());
    for (int i = 0; i < grid(); ++i) m_gridLayout->addWidget(m_panes[static_cast<std::size_t>(i)], i / cols, i % cols);
    for (int c = 0; c < 3; ++c) m_gridLayout->setColumnStretch(c, c < cols ? 1 : 0);
    const int rows = (grid() + cols - 1) / cols;
    for (int r = 0; r < 3; ++r) m_gridLayout->setRowStretch(r, r < rows ? 1 : 0);
}

void ChartWorkspace::updateToolbar() {
    for (QAction* a : m_gridActions) {
        const QSignalBlocker b(a);
        a->setChecked(a->text().toInt() == grid());
    }
}

void ChartWorkspace::wirePane(ChartPane* p) {
    connect(p, &ChartPane::activated, this, [this, p] {
        const auto it = std::find(m_panes.begin(), m_panes.end(), p);
        if (it != m_panes.end()) setActiveIndex(static_cast<int>(it - m_panes.begin()));
    });
    connect(p->chart(), &charts::CandleChart::crosshairMoved, this, [this, p](std::int64_t timeMs, double) {
        if (!isSynced(Sync::Crosshair)) return;
        for (ChartPane* other : m_panes)
            if (other != p) other->showSyncedCrosshair(timeMs);
    });
    // Each chart writes its whole list of an instrument's drawings on every edit: the other charts
    // of that instrument re-read theirs, or an edit there would write back a stale list and drop
    // this one's drawing.
    connect(p->chart(), &charts::CandleChart::drawingsChanged, this, [this, p] {
        if (!m_drawings) return;
        for (ChartPane* other : m_panes)
            if (other != p && other->instrument() == p->instrument()) other->chart()->setDrawingStore(m_drawings.get());
    });
    connect(p, &ChartPane::instrumentChanged, this, [this, p](const InstrumentId& id) {
        if (p == activePane()) Q_EMIT activeSeriesChanged(id, p->timeframe());
        if (m_syncing || !isSynced(Sync::Symbol)) return;
        m_syncing = true;
        for (ChartPane* other : m_panes)
            if (other != p) other->setInstrument(id);
        m_syncing = false;
    });
    connect(p, &ChartPane::timeframeChanged, this, [this, p](Timeframe tf) {
        if (p == activePane()) Q_EMIT activeSeriesChanged(p->instrument(), tf);
        if (m_syncing || !isSynced(Sync::Timeframe)) return;
        m_syncing = true;
        for (ChartPane* other : m_panes)
            if (other != p) other->setTimeframe(tf);
        m_syncing = false;
    });
}

void ChartWorkspace::setActiveIndex(int index) {
    if (index < 0 || index >= grid()) return;
    const bool changed = index != m_active;
    m_active = index;
    for (int i = 0; i < grid(); ++i) m_panes[static_cast<std::size_t>(i)]->setActive(i == m_active);
    if (changed) {
        Q_EMIT activeChanged(index);
        Q_EMIT activeSeriesChanged(activePane()->instrument(), activePane()->timeframe());
    }
}

void ChartWorkspace::reloadDrawings() {
    if (!m_drawings) return;
    for (ChartPane* p : m_panes) p->chart()->setDrawingStore(m_drawings.get());
}

void ChartWorkspace::reloadAll() {
    m_loadingEnabled = true;
    for (ChartPane* p : m_panes) p->reload();
    Q_EMIT activeSeriesChanged(activePane()->instrument(), activePane()->timeframe());
}

void ChartWorkspace::showInstrument(const InstrumentId& id) {
    if (ChartPane* p = activePane()) p->setInstrument(id);
}

void ChartWorkspace::setSync(Sync what, bool on) {
    QAction* a = m_syncActions[static_cast<int>(what) - 1];
    if (a->isChecked() != on) {
        a->setChecked(on);  // re-enters through toggled
        return;
    }
    if (!on && what == Sync::Crosshair)
        for (ChartPane* p : m_panes) p->showSyncedCrosshair(-1);
    // Turning symbol/timeframe sync on aligns the others with the active chart.
    if (on && what != Sync::Crosshair && activePane()) {
        m_syncing = true;
        for (ChartPane* p : m_panes) {
            if (p == activePane()) continue;
            if (what == Sync::Symbol)
                p->setInstrument(activePane()->instrument());
            else
                p->setTimeframe(activePane()->timeframe());
        }
        m_syncing = false;
    }
}

bool ChartWorkspace::isSynced(Sync what) const { return m_syncActions[static_cast<int>(what) - 1]->isChecked(); }

void ChartWorkspace::onBar(const InstrumentId& id, Timeframe tf, const Bar& bar) {
    for (ChartPane* p : m_panes) p->onBar(id, tf, bar);
}

void ChartWorkspace::onTrade(const InstrumentId& id, const Trade& trade) {
    for (ChartPane* p : m_panes) p->onTrade(id, trade);
}

QJsonObject ChartWorkspace::saveState() const {
    QJsonObject o;
    o[QStringLiteral("version")] = kLayoutVersion;
    o[QStringLiteral("grid")] = grid();
    o[QStringLiteral("active")] = m_active;
    QJsonObject sync;
    for (Sync s : {Sync::Crosshair, Sync::Symbol, Sync::Timeframe}) sync[QLatin1String(syncKey(s))] = isSynced(s);
    o[QStringLiteral("sync")] = sync;
    QJsonArray charts;
    for (ChartPane* p : m_panes) charts.append(p->saveState());
    o[QStringLiteral("charts")] = charts;
    return o;
}

bool ChartWorkspace::restoreState(const QJsonObject& json) {
    return applyLayout(QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString()).ok();
}

Status ChartWorkspace::applyLayout(const std::string& json) {
    auto parsed = storage::parseChartLayout(json);
    if (!parsed) return parsed.error();
    const storage::ChartLayout& layout = *parsed;
    m_loadingEnabled = true;
    m_syncing = true;  // the layout says what each chart shows: no propagation while applying it
    for (auto [s, on] : {std::pair{Sync::Crosshair, layout.syncCrosshair}, std::pair{Sync::Symbol, layout.syncSymbol},
                         std::pair{Sync::Timeframe, layout.syncTimeframe}}) {
        QAction* a = m_syncActions[static_cast<int>(s) - 1];
        const QSignalBlocker b(a);
        a->setChecked(on);
    }
    const auto n = static_cast<int>(layout.charts.size());
    setGrid(n);
    for (int i = 0; i < grid(); ++i) {
        ChartPane* p = m_panes[static_cast<std::size_t>(i)];
        if (i < n)
            p->restoreState(layout.charts[static_cast<std::size_t>(i)]);
        else
            p->setSeries(p->instrument(),
                         p->timeframe());  // a cell the layout does not describe keeps its series (loaded if waiting)
    }
    m_syncing = false;
    setActiveIndex(std::clamp(layout.active, 0, grid() - 1));
    Q_EMIT activeSeriesChanged(activePane()->instrument(), activePane()->timeframe());
    return {};
}

QStringList ChartWorkspace::layoutNames() const {
    QStringList out;
    if (!m_db) return out;
    auto names = storage::LayoutStore(*m_db).names();
    if (names)
        for (const std::string& n : *names) out << QString::fromStdString(n);
    return out;
}

Status ChartWorkspace::saveLayout(const QString& name) {
    if (!m_db) return makeError("no profile database: layouts cannot be saved");
    const QByteArray json = QJsonDocument(saveState()).toJson(QJsonDocument::Compact);
    return storage::LayoutStore(*m_db).save(name.trimmed().toStdString(), json.toStdString());
}

Status ChartWorkspace::loadLayout(const QString& name) {
    if (!m_db) return makeError("no profile database: layouts cannot be loaded");
    auto json = storage::LayoutStore(*m_db).load(name.toStdString());
    if (!json) return json.error();
    if (auto applied = applyLayout(*json); !applied)
        return makeError("the chart layout \"" + name.toStdString() + "\" is damaged and was not applied: " + applied.message());
    return {};
}

Status ChartWorkspace::deleteLayout(const QString& name) {
    if (!m_db) return makeError("no profile database");
    return storage::LayoutStore(*m_db).remove(name.toStdString());
}

Status ChartWorkspace::saveLastLayout() {
    if (!m_db) return makeError("no profile database");
    const QByteArray json = QJsonDocument(saveState()).toJson(QJsonDocument::Compact);
    return storage::LayoutStore(*m_db).setLast(json.toStdString());
}

bool ChartWorkspace::restoreLastLayout() {
    if (!m_db) return false;
    auto json = storage::LayoutStore(*m_db).last();
    if (!json || json->empty()) return false;
    return applyLayout(*json).ok();
}

}  // namespace kairos::ui
