#pragma once
// WatchlistWidget: several named watchlists (create, rename, duplicate, delete, import/export
// CSV/JSON), a search box with autocomplete to add symbols, table and card views over one
// WatchlistModel, text and signal filters, favourites, drag to reorder, context menu and
// keyboard-first use (type to search, arrows, Enter to chart, Delete to remove).

#include "domain/instrument.h"

#include <QWidget>

#include <cstdint>
#include <functional>
#include <vector>

class QComboBox;
class QLineEdit;
class QListView;
class QStackedWidget;
class QStringListModel;
class QTableView;
class QToolButton;
class QLabel;

namespace kairos::storage {
class WatchlistStore;
}

namespace kairos::ui {

class WatchlistModel;
class WatchlistProxy;

class WatchlistWidget : public QWidget {
    Q_OBJECT
public:
    /// `store` may be null (nothing is persisted then); it must outlive the widget.
    explicit WatchlistWidget(storage::WatchlistStore* store, QWidget* parent = nullptr);
    ~WatchlistWidget() override;

    WatchlistModel* model() const { return m_model; }
    WatchlistProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QListView* cards() const { return m_cards; }
    QLineEdit* searchBox() const { return m_search; }

    /// Instruments offered by the search box's autocomplete (all configured venues).
    void setKnownInstruments(const std::vector<InstrumentId>& ids);
    /// The venue a bare symbol listed on several venues resolves to (Settings > Market data).
    void setDefaultVenue(const QString& venue) { m_defaultVenue = venue.toUpper(); }
    /// Loads the lists from the store; creates `defaultList` with `defaults` when there is none.
    void loadLists(const QString& defaultList, const std::vector<InstrumentId>& defaults);
    QStringList listNames() const;
    QString currentList() const;
    void selectList(const QString& name);

    // List actions (also reachable from the list menu). Errors are shown in the status line.
    bool createList(const QString& name);
    bool renameList(const QString& name);
    bool duplicateList(const QString& name);
    bool deleteList();
    /// Imports a CSV/JSON file as a new list (or replaces the current one's items when
    /// `intoCurrent`). A malformed file is rejected with its line and reason; nothing changes.
    bool importFile(const QString& path, bool intoCurrent = false);
    bool exportFile(const QString& path) const;

    /// Adds "VENUE:SYMBOL" (or a bare symbol matched against the known instruments).
    bool addSymbol(const QString& text);
    void removeSelected();
    void setCardView(bool cards);
    bool isCardView() const;
    /// The last message shown to the user (errors included).
    QString statusText() const;

Q_SIGNALS:
    /// Double-click / Enter on a symbol: open it in the active chart.
    void instrumentActivated(const kairos::InstrumentId& id);
    void alertRequested(const kairos::InstrumentId& id);
    void orderTicketRequested(const kairos::InstrumentId& id);
    void backtestRequested(const kairos::InstrumentId& id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void save();
    void refreshListBox();
    void showStatus(const QString& text, bool error = false);
    void showContextMenu(const QPoint& pos, QWidget* view);
    std::vector<int> selectedSourceRows() const;
    void saveHeader();

    storage::WatchlistStore* m_store;
    WatchlistModel* m_model;
    WatchlistProxy* m_proxy;
    QComboBox* m_lists;
    QToolButton* m_listMenu;
    QLineEdit* m_search;
    QLineEdit* m_filter;
    QComboBox* m_signalFilter;
    QToolButton* m_viewToggle;
    QStackedWidget* m_stack;
    QTableView* m_table;
    QListView* m_cards;
    QLabel* m_status;
    QStringListModel* m_completions;
    std::vector<InstrumentId> m_known;
    QString m_defaultVenue;
    std::int64_t m_currentId = 0;
    bool m_loading = false;
};

}  // namespace kairos::ui
