#include "indicatorpicker.h"

#include "chartindicators.h"

#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace kairos::charts {

namespace {
constexpr int kNameRole = Qt::UserRole + 1;
}

IndicatorPicker::IndicatorPicker(QWidget* parent) : QDialog(parent), m_search(new QLineEdit), m_list(new QListWidget) {
    setObjectName(QStringLiteral("IndicatorPicker"));
    setWindowTitle(tr("Indicators"));
    resize(460, 520);
    auto* layout = new QVBoxLayout(this);
    m_search->setPlaceholderText(tr("Search: name, kind or keyword (e.g. \"moving\", \"rsi\", \"bands\")"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    layout->addWidget(m_search);
    layout->addWidget(m_list);
    auto* hint = new QLabel(tr("Enter or double-click adds to the chart · Esc closes"));
    hint->setEnabled(false);
    layout->addWidget(hint);
    connect(m_search, &QLineEdit::textChanged, this, [this] { refill(); });
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        if (item != nullptr && !item->data(kNameRole).toString().isEmpty())
            Q_EMIT indicatorChosen(item->data(kNameRole).toString());
    });
    refill();
    m_search->setFocus();
}

void IndicatorPicker::setFilter(const QString& text) { m_search->setText(text); }

QStringList IndicatorPicker::visibleNames() const {
    QStringList names;
    for (int i = 0; i < m_list->count(); ++i) {
        const QString n = m_list->item(i)->data(kNameRole).toString();
        if (!n.isEmpty()) names << n;
    }
    return names;
}

void IndicatorPicker::chooseCurrent() {
    QListWidgetItem* item = m_list->currentItem();
    if (item != nullptr && !item->data(kNameRole).toString().isEmpty()) Q_EMIT indicatorChosen(item->data(kNameRole).toString());
}

void IndicatorPicker::refill() {
    m_list->clear();
    const QString query = m_search->text();
    QString group;
    for (const IndicatorInfo* info : searchChartIndicators(query)) {
        if (info->group != group) {
            group = info->group;
            auto* header = new QListWidgetItem(group.toUpper());
            header->setFlags(Qt::NoItemFlags);
            QFont f = header->font();
            f.setBold(true);
            f.setPointSizeF(f.pointSizeF() * 0.85);
            header->setFont(f);
            m_list->addItem(header);
        }
        auto* item = new QListWidgetItem(QStringLiteral("%1   (%2)").arg(info->title, info->shortTitle));
        item->setData(kNameRole, info->name);
        item->setToolTip(info->placement == IndicatorPlacement::Overlay ? tr("Drawn on the price pane")
                                                                        : tr("Drawn in its own pane"));
        m_list->addItem(item);
    }
    const QString volumeWords = QStringLiteral("volume pane bars");
    const QStringList words = query.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (std::all_of(words.begin(), words.end(), [&](const QString& w) { return volumeWords.contains(w, Qt::CaseInsensitive); })) {
        auto* item = new QListWidgetItem(tr("Volume   (pane)"));
        item->setData(kNameRole, volumeName());
        m_list->addItem(item);
    }
    for (int i = 0; i < m_list->count(); ++i)
        if (!m_list->item(i)->data(kNameRole).toString().isEmpty()) {
            m_list->setCurrentRow(i);
            break;
        }
}

bool IndicatorPicker::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        auto* e = static_cast<QKeyEvent*>(event);
        const int row = m_list->currentRow();
        auto step = [this](int from, int dir) {
            for (int i = from + dir; i >= 0 && i < m_list->count(); i += dir)
                if (!m_list->item(i)->data(kNameRole).toString().isEmpty()) return i;
            return from;
        };
        switch (e->key()) {
        case Qt::Key_Down:
            m_list->setCurrentRow(step(row, 1));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentRow(step(row, -1));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            chooseCurrent();
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

}  // namespace kairos::charts
