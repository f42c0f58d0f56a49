#pragma once
// WatchlistModel: the watchlist's source model, a table over a core TickerBoard snapshot.
// Updates arrive on the board as they happen; the model publishes them at most once per frame
// (flush interval, 16 ms by default) as one dataChanged per run of changed rows, so however many
// ticks arrive, each changed cell is repainted at most once per frame. Rows flash in the
// direction's colour for a moment after a price change, and grey out when no update came for
// the stale interval.

#include "marketdata/tickerboard.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QTimer>

#include <functional>
#include <map>
#include <vector>

namespace kairos::ui {

class WatchlistModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Favourite = 0,
        Symbol,
        Venue,
        Last,
        Change24h,
        Change24hPct,
        ChangeSessionPct,
        High24h,
        Low24h,
        Volume24h,
        QuoteVolume24h,
        Bid,
        Ask,
        Spread,
        Signal,
        Confidence,
        Sparkline,
        Updated,
        ColumnCount
    };
    enum Role {
        SparklineRole = Qt::UserRole + 1,  ///< QVariantList of doubles
        SignalSideRole,                    ///< int(marketdata::SignalSide)
        StaleRole,                         ///< bool
        FlashRole,                         ///< int: +1 up, -1 down, 0 none
        InstrumentRole,                    ///< QString "VENUE:SYMBOL"
        SortRole,                          ///< numeric value for sorting
    };

    explicit WatchlistModel(QObject* parent = nullptr);

    // Rows
    void setInstruments(const std::vector<InstrumentId>& ids);
    void addInstrument(const InstrumentId& id);
    using QAbstractTableModel::removeRows;  // removeRows(row, count, parent) stays callable beside this overload
    void removeRows(const std::vector<int>& rows);
    bool moveRow(int from, int to);
    std::vector<InstrumentId> instruments() const;
    InstrumentId instrumentAt(int row) const { return m_board.at(static_cast<std::size_t>(row)).id; }
    int rowOf(const InstrumentId& id) const { return static_cast<int>(m_board.indexOf(id)); }
    void setFavourite(int row, bool on);
    bool isFavourite(int row) const { return m_rows.at(static_cast<std::size_t>(row)).favourite; }

    // Data in (any number of calls per frame)
    void onTrade(const InstrumentId& id, const Trade& t);
    void onQuote(const InstrumentId& id, const Quote& q);
    void onBar(const InstrumentId& id, Timeframe tf, const Bar& b);
    void onStats24h(const InstrumentId& id, const marketdata::Stats24h& s, std::int64_t timeMs);
    void onSignal(const InstrumentId& id, const marketdata::TickerSignal& s);

    /// Publishes pending changes now: one dataChanged per run of consecutive changed rows.
    void flush();
    void setFlushIntervalMs(int ms) { m_flush.setInterval(ms); }
    void setFlashMs(int ms) { m_flashMs = ms; }
    /// A row with no update for this long is shown stale (greyed, with the reason).
    void setStaleAfterMs(int ms) { m_staleMs = ms; }
    /// Why a symbol gets no data ("OKX is not enabled", "BINANCE unreachable: ..."); a row with a
    /// note is greyed like a stale one and shows the note as its tooltip. Empty clears it.
    void setNote(const InstrumentId& id, const QString& note);
    QString note(const InstrumentId& id) const;
    /// Wall clock in ms (monotonic), replaceable for tests.
    void setClock(std::function<std::int64_t()> nowMs) { m_now = std::move(nowMs); }
    const marketdata::Ticker& ticker(int row) const { return m_board.at(static_cast<std::size_t>(row)); }
    /// The last time (wall clock) each row's data changed, for latency measurements.
    std::int64_t receivedAtMs(int row) const { return m_rows.at(static_cast<std::size_t>(row)).receivedMs; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) override;

    static QString columnName(int column);

Q_SIGNALS:
    /// Rows were added, removed, reordered or (un)starred: the list should be saved.
    void listEdited();

private:
    struct RowState {
        bool favourite = false;
        std::int64_t receivedMs = 0;  // wall clock of the last change
        std::int64_t flashUntilMs = 0;
        int flashDir = 0;
        bool stale = false;
        std::optional<Price> lastSeen;  // to detect price changes for flashing
    };
    void afterUpdate();
    QString formatPrice(const std::optional<Price>& p) const;

    marketdata::TickerBoard m_board;
    std::vector<RowState> m_rows;
    QTimer m_flush;
    QTimer m_housekeeping;  // flash expiry and staleness
    int m_flashMs = 400;
    int m_staleMs = 60000;
    std::function<std::int64_t()> m_now;
    QElapsedTimer m_elapsed;
    std::map<InstrumentId, QString> m_notes;
};

}  // namespace kairos::ui
