#pragma once
// The searchable indicator menu (TradingView's "/" dialog): a search box over the chart
// indicator catalogue grouped by kind; Enter or a double-click adds the highlighted indicator,
// and the menu stays open for more until Esc.

#include <QDialog>

class QLineEdit;
class QListWidget;

namespace kairos::charts {

class IndicatorPicker : public QDialog {
    Q_OBJECT
public:
    explicit IndicatorPicker(QWidget* parent = nullptr);

    /// The entry that shows the volume pane (not an indicator of the catalogue).
    static QString volumeName() { return QStringLiteral("volume"); }

    /// Filters the list (the search box's text).
    void setFilter(const QString& text);
    /// Catalogue names of the entries currently listed, in order.
    QStringList visibleNames() const;
    /// Chooses the highlighted entry (what Enter does).
    void chooseCurrent();

    QLineEdit* searchBox() const { return m_search; }
    QListWidget* list() const { return m_list; }

Q_SIGNALS:
    /// A catalogue name ("ema"), or volumeName().
    void indicatorChosen(const QString& name);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refill();

    QLineEdit* m_search;
    QListWidget* m_list;
};

}  // namespace kairos::charts
