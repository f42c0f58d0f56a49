#pragma once
// The Bots dock: the profile's strategy bots (bots::BotManager) — a row per bot with its state,
// account (PAPER / TESTNET / LIVE as everywhere an order can be sent), symbols, position, open
// orders, today's and total P&L, trades, last signal and last error; New / Edit / Delete / Start /
// Pause / Stop; double-click opens the bot's log (every decision with the bar it was taken on and
// the reason, every fill). The manager runs on the GUI thread with the accounts (their kernel is
// single-threaded); the dock only reads its results.

#include "bots/botconfig.h"

#include <QAbstractTableModel>
#include <QDialog>
#include <QVariantMap>
#include <QWidget>

#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;

namespace kairos::bots {
class BotManager;
struct BotStatus;
}  // namespace kairos::bots
namespace kairos::session {
class TradingAccounts;
}

namespace kairos::ui {

/// One row per saved bot. Rows follow BotManager::botsChanged (reset) and botChanged (that row's
/// cells, one ranged dataChanged).
class BotsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        State,
        Account,
        Symbols,
        Strategy,
        Position,
        OpenOrders,
        Today,
        Total,
        Trades,
        LastSignal,
        LastError,
        ColumnCount
    };
    BotsModel(bots::BotManager& manager, session::TradingAccounts& accounts, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The bot of a row, or nullptr.
    const bots::BotConfig* botAt(int row) const;
    int rowOf(std::int64_t id) const;
    /// Reads the bots again (an unreadable row: problem() says which, the rest are shown).
    void reload();
    QString problem() const { return m_problem; }

private:
    struct Row {
        bots::BotConfig config;
        QStringList cells;
        int pnlSign = 0;  ///< of the total: colours it
        int todaySign = 0;
    };
    Row makeRow(const bots::BotConfig& config) const;
    void refresh(std::int64_t id);

    bots::BotManager& m_manager;
    session::TradingAccounts& m_accounts;
    std::vector<Row> m_rows;
    QString m_problem;
};

/// Create or edit a bot: strategy (built-in with its parameters, or formulas), symbols, timeframe,
/// account (labelled), sizing, flatten on stop. accept() only with a valid bot (the reason shown).
class BotDialog : public QDialog {
    Q_OBJECT
public:
    BotDialog(session::TradingAccounts& accounts, const bots::BotConfig& initial, QWidget* parent = nullptr);
    /// The bot as edited (valid after accept()).
    bots::BotConfig config() const;
    QLabel* errorLabel() const { return m_error; }
    void accept() override;

private:
    void rebuildParams();
    void showSizingHint();

    session::TradingAccounts& m_accounts;
    bots::BotConfig m_initial;
    QLineEdit* m_name;
    QComboBox* m_strategy;
    QWidget* m_paramBox;
    QFormLayout* m_paramForm;
    QWidget* m_formulaBox;
    QLineEdit *m_entry, *m_exit, *m_stop, *m_target;
    QCheckBox* m_short;
    QLineEdit* m_symbols;
    QComboBox* m_timeframe;
    QComboBox* m_account;
    QComboBox* m_sizingKind;
    QLineEdit* m_sizingValue;
    QCheckBox* m_flatten;
    QLabel* m_error;
};

/// A bot's log, newest at the bottom; follows BotManager::logAppended.
class BotLogDialog : public QDialog {
    Q_OBJECT
public:
    BotLogDialog(bots::BotManager& manager, std::int64_t botId, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }
    void reload();

private:
    bots::BotManager& m_manager;
    std::int64_t m_id;
    QTableWidget* m_table;
};

class BotsDock : public QWidget {
    Q_OBJECT
public:
    /// `manager` and `accounts` must outlive the dock.
    BotsDock(bots::BotManager& manager, session::TradingAccounts& accounts, QWidget* parent = nullptr);

    BotsModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QPushButton* button(const QString& objectName) const;
    /// The open create/edit dialog, if any.
    BotDialog* openDialog() const { return m_dialog; }
    /// Opens (non-modal) the log of a bot.
    BotLogDialog* openLog(std::int64_t id);

public Q_SLOTS:
    /// Opens the create dialog prefilled (e.g. "Paper trade this" from a backtest): a built-in's name
    /// ("sma_cross") or "formula", its parameters (numbers by name; for a formula "entry", "exit",
    /// "stop", "target" texts), the symbol and the timeframe ("1h"); the account is the first paper one.
    void createPrefilled(const QString& strategy, const QVariantMap& params, const QString& symbol, const QString& timeframe);
    void createBot();
    void editSelected();
    void deleteSelected();
    void startSelected();
    void pauseSelected();
    void stopSelected();

Q_SIGNALS:
    /// A line for the status bar (an action that failed, with why).
    void message(const QString& text);

private:
    std::optional<std::int64_t> selectedId() const;
    void openDialogFor(const bots::BotConfig& config, bool isNew);
    void updateButtons();

    bots::BotManager& m_manager;
    session::TradingAccounts& m_accounts;
    BotsModel* m_model;
    QTableView* m_view;
    QPushButton *m_new, *m_edit, *m_delete, *m_start, *m_pause, *m_stop, *m_log;
    BotDialog* m_dialog = nullptr;
};

}  // namespace kairos::ui
