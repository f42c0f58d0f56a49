#pragma once
// ChartPane: one chart of the ChartWorkspace — a small toolbar (instrument with completion,
// timeframe, chart type), the CandleChart, and a "loading…" / "no data" message over it. History
// comes from the workspace's ChartHistoryLoader (off the GUI thread) in pages; live bars and
// trades are aggregated here to the pane's timeframe.

#include "candlechart.h"

#include "domain/bar.h"
#include "domain/instrument.h"
#include "marketdata/marketdatafeed.h"  // metatypes of InstrumentId, Timeframe, Bar in signals
#include "domain/timeframe.h"

#include <QJsonObject>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;

namespace kairos::storage {
struct ChartLayoutChart;
}

namespace kairos::ui {

class ChartWorkspace;
struct HistoryReply;

class ChartPane : public QWidget {
    Q_OBJECT
public:
    enum class State : std::uint8_t { Empty = 1, Loading, Ready, NoData, Failed };

    explicit ChartPane(ChartWorkspace& workspace, QWidget* parent = nullptr);
    ~ChartPane() override;

    charts::CandleChart* chart() const { return m_chart; }
    InstrumentId instrument() const { return m_id; }
    Timeframe timeframe() const { return m_tf; }
    /// Shows `id` on the pane's timeframe (reloads the history). Emits instrumentChanged.
    void setInstrument(const InstrumentId& id);
    /// Emits timeframeChanged.
    void setTimeframe(Timeframe tf);
    /// Both at once (one history load).
    void setSeries(const InstrumentId& id, Timeframe tf);
    void setChartType(charts::ChartType type);
    /// Loads the history again (instrument/timeframe unchanged).
    void reload();
    /// The store got more of this series from its venue (ChartWorkspace::historyArrived).
    void onRemoteHistory();

    State state() const { return m_state; }
    /// The message shown over the chart ("" when Ready).
    QString stateText() const;
    bool isActive() const { return m_active; }
    /// An older history page is being read (after the chart asked for history).
    bool isLoadingOlder() const { return m_olderTicket != 0; }
    /// Every stored bar older than the loaded ones is loaded (further scroll-back asks for nothing).
    bool isHistoryComplete() const { return m_exhausted; }
    /// A restored layout's visible range is waiting for its history.
    bool hasPendingView() const { return m_pendingView.has_value(); }
    void setActive(bool active);
    /// Refreshes the instrument switcher's list (and its completion).
    void setKnownInstruments(const std::vector<InstrumentId>& ids);
    /// The last synchronised crosshair time given to this pane's chart (-1: hidden).
    std::int64_t syncedCrosshairMs() const { return m_syncedCrosshairMs; }
    void showSyncedCrosshair(std::int64_t timeMs);

    // ---- live ------------------------------------------------------------------------------
    /// A forming or closed bar of `tf` from the feed; used when `tf` tiles the pane's timeframe.
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& bar);
    /// A trade from the feed; used when no bar timeframe of the feed tiles the pane's timeframe.
    void onTrade(const InstrumentId& id, const Trade& trade);

    // ---- state for named layouts -----------------------------------------------------------
    QJsonObject saveState() const;
    /// Applies a saved state (validated by storage::parseChartLayout): series, chart type,
    /// indicators now; the visible range once the history is in. Indicators the chart does not
    /// know are skipped.
    void restoreState(const storage::ChartLayoutChart& state);

Q_SIGNALS:
    /// The user (or setInstrument) changed the instrument / timeframe.
    void instrumentChanged(const kairos::InstrumentId& id);
    void timeframeChanged(kairos::Timeframe tf);
    void chartTypeChanged(kairos::charts::ChartType type);
    /// A mouse press anywhere in the pane.
    void activated();
    /// The latest history page arrived (state() is Ready, NoData or Failed).
    void historyLoaded();
    /// An older page was prepended (`added` bars; 0 when nothing older is stored).
    void olderHistoryLoaded(int added);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void load();
    void setState(State s, const QString& text = {});
    void onPage(quint64 ticket, const std::shared_ptr<const HistoryReply>& reply);
    void onHistoryNeeded(std::int64_t oldestOpenMs);
    bool liveViaBars() const;
    void applyPiece(const Bar& piece, std::int64_t pieceOpenMs, std::int64_t pieceCloseMs, bool pieceFinal);
    void applyPendingView();
    void syncCombos();
    void onInstrumentEdited();

    ChartWorkspace& m_ws;
    charts::CandleChart* m_chart;
    QComboBox* m_symbolBox;
    QComboBox* m_tfBox;
    QComboBox* m_typeBox;
    QLabel* m_message;
    InstrumentId m_id;
    Timeframe m_tf = Timeframe::H1;
    State m_state = State::Empty;
    bool m_active = false;
    std::int64_t m_syncedCrosshairMs = -1;

    // History paging.
    quint64 m_latestTicket = 0;  ///< the latest-page request in flight (0: none)
    quint64 m_olderTicket = 0;   ///< the older-page request in flight (0: none)
    bool m_exhausted = false;

    // Live aggregation: the bucket shown last, the closed pieces in it, and where new pieces start.
    std::int64_t m_liveBucket = INT64_MIN;
    std::optional<Bar> m_liveBase;
    std::int64_t m_liveFromMs = INT64_MIN;
    struct Pending {
        bool isTrade = false;
        Timeframe tf{};
        Bar bar;
        Trade trade;
    };
    std::vector<Pending> m_pending;  ///< live input that arrived while the history was loading

    // A saved view to apply when the history arrives: bar time at the right edge, the right
    // edge's offset from that bar, and the width in bars.
    struct View {
        std::int64_t anchorMs;
        double offset;
        double width;
    };
    std::optional<View> m_pendingView;
};

}  // namespace kairos::ui
