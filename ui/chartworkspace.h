#pragma once
// ChartWorkspace: the chart dock's content — 1, 2, 4 or 6 ChartPanes in a grid, one of them
// active (highlighted; a click activates), optional synchronised crosshair / symbol / timeframe,
// and named layouts saved as JSON in the profile's ui_state table (storage::LayoutStore).
//
// History is read off the GUI thread by one ChartHistoryLoader (its own database connection);
// live bars and trades from the feed go to every pane showing that instrument.

#include "candlechart.h"
#include "charttheme.h"

#include "domain/bar.h"
#include "domain/instrument.h"
#include "marketdata/marketdatafeed.h"  // metatypes of InstrumentId, Timeframe, Bar in signals
#include "domain/timeframe.h"
#include "util/result.h"

#include <QJsonObject>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QAction;
class QGridLayout;
class QToolBar;

namespace kairos::storage {
class Database;
class DrawingStore;
}  // namespace kairos::storage

namespace kairos::ui {

class ChartHistoryLoader;
class ChartPane;

class ChartWorkspace : public QWidget {
    Q_OBJECT
public:
    enum class Sync : std::uint8_t { Crosshair = 1, Symbol, Timeframe };

    /// `databasePath`: the profile database the history is read from (on a worker thread).
    /// `db`: the GUI thread's connection, for named layouts (may be nullptr: no layouts).
    explicit ChartWorkspace(const QString& databasePath, storage::Database* db, QWidget* parent = nullptr);
    ~ChartWorkspace() override;

    /// Instruments offered by the switchers (the session's); the CandleStore's are added.
    void setInstruments(const std::vector<InstrumentId>& ids);
    std::vector<InstrumentId> knownInstruments() const { return m_known; }
    /// Where an instrument's history ends (the replay clock for a replayed instrument: later stored
    /// bars are the replay's future; INT64_MAX: no end, the default). While it returns INT64_MIN
    /// (data not ready) the charts wait; call reloadAll() once it is. Charts of an instrument with
    /// an end count down to bar close on that clock, the others on the wall clock.
    void setHistoryEnd(std::function<std::int64_t(const InstrumentId&)> endMs);
    std::int64_t historyEndMs(const InstrumentId& id) const;
    /// The bar timeframe the feed publishes (panes whose timeframe it tiles aggregate those bars;
    /// the others build bars from trades).
    void setLiveBarTimeframe(std::optional<Timeframe> tf);
    std::optional<Timeframe> liveBarTimeframe() const { return m_liveTf; }
    /// Bars per history page (default 2,000).
    void setPageBars(int bars) { m_pageBars = bars; }
    int pageBars() const { return m_pageBars; }
    ChartHistoryLoader* loader() const { return m_loader; }

    // ---- grid ------------------------------------------------------------------------------
    /// 1, 2, 4 or 6 charts (other values are rounded up to one of these). Existing panes keep
    /// their series; new ones show the next instruments.
    void setGrid(int charts);
    /// Colours of every chart, now and of charts added later (the app theme).
    void setChartTheme(const charts::ChartTheme& theme);
    int grid() const { return static_cast<int>(m_panes.size()); }
    ChartPane* pane(int index) const;
    charts::CandleChart* chart(int index) const;
    int activeIndex() const { return m_active; }
    void setActiveIndex(int index);
    ChartPane* activePane() const { return pane(m_active); }
    charts::CandleChart* activeChart() const { return chart(m_active); }
    /// The panes showing `id` load their history again (more of it was stored).
    void reloadInstrument(const InstrumentId& id);
    /// Bars of (id, tf) were added to the store from a venue: charts showing nothing reload,
    /// charts that had reached the store's oldest bar may scroll back further (no jump).
    void historyArrived(const InstrumentId& id, Timeframe tf);
    /// Every pane loads its history again. Until the first reloadAll() or restoreState() the
    /// panes wait (so that setHistoryEnd etc. can be set up first).
    void reloadAll();
    /// Every pane reads its instrument's drawings again (the store was changed elsewhere: workspace sync).
    void reloadDrawings();
    bool isLoadingEnabled() const { return m_loadingEnabled; }
    /// Opens `id` in the active chart (watchlist double-click / Enter).
    void showInstrument(const InstrumentId& id);

    void setSync(Sync what, bool on);
    bool isSynced(Sync what) const;

    // ---- live ------------------------------------------------------------------------------
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    void onTrade(const InstrumentId& id, const Trade& trade);

    // ---- layouts ---------------------------------------------------------------------------
    QJsonObject saveState() const;
    /// Applies a saved layout; false (nothing changed) when the JSON is not a layout.
    bool restoreState(const QJsonObject& json);
    /// Applies a layout's JSON text (storage::parseChartLayout validates it whole first); its
    /// error, naming the field, and nothing changed when it is not a valid layout.
    Status applyLayout(const std::string& json);
    QStringList layoutNames() const;
    Status saveLayout(const QString& name);
    Status loadLayout(const QString& name);
    Status deleteLayout(const QString& name);
    /// The layout in use, kept for the next start.
    Status saveLastLayout();
    /// Restores the layout kept by saveLastLayout(); false when there is none.
    bool restoreLastLayout();

Q_SIGNALS:
    /// A chart reached the store's end of (id, tf) before [fromMs, toMs): the owner may fetch that
    /// range from the venue and call historyArrived().
    void historyWanted(const kairos::InstrumentId& id, kairos::Timeframe tf, qint64 fromMs, qint64 toMs);
    void activeChanged(int index);
    void gridChanged(int charts);
    /// The active pane's series changed (for the dock title).
    void activeSeriesChanged(const kairos::InstrumentId& id, kairos::Timeframe tf);

private:
    void wirePane(ChartPane* pane);
    void relayout();
    void updateToolbar();
    InstrumentId nextInstrument(std::size_t index) const;

    QString m_dbPath;
    storage::Database* m_db;
    /// Drawings per instrument (each chart loads its instrument's on switching); nullptr without a database.
    std::unique_ptr<storage::DrawingStore> m_drawings;
    ChartHistoryLoader* m_loader;
    QToolBar* m_toolbar;
    QGridLayout* m_gridLayout;
    std::vector<ChartPane*> m_panes;
    std::vector<QAction*> m_gridActions;
    QAction* m_syncActions[3] = {};
    int m_active = 0;
    std::vector<InstrumentId> m_known;
    std::function<std::int64_t(const InstrumentId&)> m_historyEnd;
    std::optional<Timeframe> m_liveTf;
    int m_pageBars = 2000;
    bool m_syncing = false;
    bool m_loadingEnabled = false;  ///< guards symbol/timeframe propagation against loops
    std::optional<charts::ChartTheme> m_chartTheme;
};

}  // namespace kairos::ui
