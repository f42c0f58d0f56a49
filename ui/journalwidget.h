#pragma once
// JournalWidget: the Journal dock — every closed trade of every account (trading::TradeJournal)
// with filters (account, instrument, side, tag, period) and a search box, editable notes and tags,
// CSV export, and a Performance tab with the report's figures (trading::PerformanceReport) and the
// equity curve over the same selection and period.
//
// Reading the trades and computing the report runs on a worker thread with its own read-only
// connection to the profile database; the result comes back to the GUI thread (loaded()). Notes
// and tags are written on the GUI thread through the window's connection.
//
// Also here: the pieces of "Trade this signal" that are not the Signals panel's: the ticket's plan
// from a signal (signalPlan) and recording the signal as the origin of the orders a ticket sends
// (recordOrigin).

#include "signals/signalstore.h"
#include "trading/order.h"
#include "trading/performance.h"
#include "trading/tradejournal.h"

#include <QAbstractTableModel>
#include <QFutureWatcher>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace kairos::storage {
class Database;
}
namespace kairos::trading {
class Account;
}
namespace kairos::charts {
class EquityChart;
}

namespace kairos::ui {

class OrderTicketDialog;

class JournalTradeModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Account = 0,
        Instrument,
        Side,
        Quantity,
        EntryTime,
        EntryPrice,
        ExitTime,
        ExitPrice,
        Pnl,
        Fees,
        NetPnl,
        R,
        Duration,
        Exit,
        Origin,
        Tags,
        Notes,
        ColumnCount
    };
    using QAbstractTableModel::QAbstractTableModel;

    /// Replaces the rows (newest exit first).
    void setTrades(std::vector<trading::ClosedTrade> trades);
    const std::vector<trading::ClosedTrade>& trades() const { return m_rows; }
    const trading::ClosedTrade& at(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }
    /// Writes notes or tags (Notes and Tags are editable): returns the error text, "" when saved.
    void setAnnotator(
        std::function<QString(const trading::ClosedTrade&, const std::string& notes, const std::vector<std::string>& tags)>
            annotator) {
        m_annotate = std::move(annotator);
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    /// A note or tag could not be saved (the text says why; the row keeps its old value).
    void annotationFailed(const QString& message);

private:
    std::vector<trading::ClosedTrade> m_rows;
    std::function<QString(const trading::ClosedTrade&, const std::string&, const std::vector<std::string>&)> m_annotate;
};

class JournalWidget : public QWidget {
    Q_OBJECT
public:
    /// `db` (the profile's; may be null: the widget then says the journal needs one) must outlive
    /// the widget.
    explicit JournalWidget(storage::Database* db, QWidget* parent = nullptr);
    ~JournalWidget() override;

    /// Reads the trades and the report again for the current filters (on a worker thread).
    void refresh();
    /// refresh() a moment later, once for a burst of calls (fills of one bracket).
    void scheduleRefresh();
    /// The filter the controls describe (the period included).
    trading::TradeFilter filter() const;

    JournalTradeModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QTabWidget* tabs() const { return m_tabs; }
    QComboBox* accountBox() const { return m_account; }
    QLineEdit* instrumentEdit() const { return m_instrument; }
    QComboBox* sideBox() const { return m_side; }
    QLineEdit* tagEdit() const { return m_tag; }
    QLineEdit* searchEdit() const { return m_search; }
    /// 0 all time, 1 today, 2 last 7 days, 3 last 30 days, 4 this year, 5 the dates below (UTC).
    QComboBox* periodBox() const { return m_period; }
    QDateEdit* fromEdit() const { return m_from; }
    QDateEdit* toEdit() const { return m_to; }
    QPushButton* exportButton() const { return m_export; }
    charts::EquityChart* equityChart() const { return m_chart; }
    /// The Performance tab's value label of a figure: "trades", "winRate", "profitFactor",
    /// "averageWin", "averageLoss", "averageR", "expectancy", "netPnl", "fees", "maxDrawdown".
    QLabel* figure(const QString& key) const;
    /// The last report (empty before the first load or after an error).
    const std::optional<trading::PerformanceReport>& report() const { return m_report; }
    QString statusText() const;

    /// Writes the shown trades as CSV (trading::toCsv) to `path`.
    Status exportCsv(const QString& path) const;
    /// Saves the notes and tags ("a, b") of the shown trade in `row`.
    Status annotate(int row, const QString& notes, const QString& tags);

Q_SIGNALS:
    /// A refresh finished (the table and the report show it).
    void loaded();
    void message(const QString& text);

private:
    struct Loaded;
    void onLoaded();
    void showReport();
    void reloadAccounts();

    storage::Database* m_db;
    std::unique_ptr<trading::TradeJournal> m_journal;
    JournalTradeModel* m_model;
    QTableView* m_table = nullptr;
    QTabWidget* m_tabs = nullptr;
    QComboBox* m_account = nullptr;
    QLineEdit* m_instrument = nullptr;
    QComboBox* m_side = nullptr;
    QLineEdit* m_tag = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_period = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QPushButton* m_export = nullptr;
    QLabel* m_status = nullptr;
    QWidget* m_figures = nullptr;
    charts::EquityChart* m_chart = nullptr;
    QTimer* m_refreshTimer = nullptr;
    QFutureWatcher<std::shared_ptr<Loaded>> m_watcher;
    bool m_again = false;  // a refresh was asked while one ran
    std::optional<trading::PerformanceReport> m_report;
};

/// The ticket's plan for a LONG/SHORT signal: side, limit entry at the signal's entry, its stop-loss
/// and its three take-profits as a 50/30/20 ladder, every price rounded to `instrument`'s tick.
/// Error for a HOLD signal or levels that do not make a price.
struct SignalPlan {
    Side side = Side::Buy;
    Price entry;
    Price stopLoss;
    std::vector<trading::TakeProfitLevel> takeProfits;
};
Result<SignalPlan> signalPlan(const signal::StoredSignal& s, const Instrument& instrument);

/// Records `origin` ("signal #12") for every entry order `ticket` sends on `account` from now on
/// (stored in the profile through TradeJournal::setOrigin). Lives as long as the ticket.
void recordOrigin(OrderTicketDialog& ticket, trading::Account& account, storage::Database& db, const std::string& origin);

}  // namespace kairos::ui
