#include "watchlistwidget.h"

#include "watchlistdelegates.h"
#include "watchlistmodel.h"
#include "watchlistproxy.h"

#include "storage/watchliststore.h"

#include <algorithm>

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QSaveFile>
#include <QStackedWidget>
#include <QStringListModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>

namespace kairos::ui {

namespace {
const char* kHeaderKey = "watchlist.header";
const char* kCurrentKey = "watchlist.current";
const char* kViewKey = "watchlist.view";
}  // namespace

WatchlistWidget::WatchlistWidget(storage::WatchlistStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_model(new WatchlistModel(this)), m_proxy(new WatchlistProxy(this)) {
    m_proxy->setSourceModel(m_model);

    m_lists = new QComboBox;
    m_lists->setObjectName(QStringLiteral("WatchlistSelector"));
    m_lists->setToolTip(tr("Watchlist"));
    m_listMenu = new QToolButton;
    m_listMenu->setText(tr("Lists"));
    m_listMenu->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_listMenu);
    auto askName = [this](const QString& title, const QString& initial) {
        bool ok = false;
        const QString name = QInputDialog::getText(this, title, tr("Name:"), QLineEdit::Normal, initial, &ok).trimmed();
        return ok ? name : QString();
    };
    menu->addAction(tr("New…"), this, [this, askName] {
        if (const QString n = askName(tr("New watchlist"), tr("Watchlist %1").arg(m_lists->count() + 1)); !n.isEmpty())
            createList(n);
    });
    menu->addAction(tr("Rename…"), this, [this, askName] {
        if (const QString n = askName(tr("Rename watchlist"), currentList()); !n.isEmpty()) renameList(n);
    });
    menu->addAction(tr("Duplicate…"), this, [this, askName] {
        if (const QString n = askName(tr("Duplicate watchlist"), currentList() + tr(" copy")); !n.isEmpty()) duplicateList(n);
    });
    menu->addAction(tr("Delete"), this, [this] {
        if (QMessageBox::question(this, tr("Delete watchlist"), tr("Delete the watchlist \"%1\"?").arg(currentList())) ==
            QMessageBox::Yes)
            deleteList();
    });
    menu->addSeparator();
    menu->addAction(tr("Import…"), this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Import watchlist"), {}, tr("Watchlists (*.csv *.json)"));
        if (!f.isEmpty()) importFile(f);
    });
    menu->addAction(tr("Export…"), this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export watchlist"), currentList() + QStringLiteral(".csv"),
                                                       tr("CSV (*.csv);;JSON (*.json)"));
        if (!f.isEmpty() && exportFile(f)) showStatus(tr("Exported to %1").arg(f));
    });
    m_listMenu->setMenu(menu);

    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("WatchlistSearch"));
    m_search->setPlaceholderText(tr("Add symbol… (e.g. BINANCE:BTCUSDT)"));
    m_search->setClearButtonEnabled(true);
    m_completions = new QStringListModel(this);
    auto* completer = new QCompleter(m_completions, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_search->setCompleter(completer);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (addSymbol(m_search->text())) m_search->clear();
    });
    connect(completer, QOverload<const QString&>::of(&QCompleter::activated), this, [this](const QString& s) {
        if (addSymbol(s)) QMetaObject::invokeMethod(m_search, &QLineEdit::clear, Qt::QueuedConnection);
    });

    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("WatchlistFilter"));
    m_filter->setPlaceholderText(tr("Filter"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &WatchlistProxy::setTextFilter);
    m_signalFilter = new QComboBox;
    m_signalFilter->addItems({tr("All signals"), tr("LONG"), tr("SHORT"), tr("HOLD")});
    connect(m_signalFilter, &QComboBox::currentIndexChanged, this, [this](int i) {
        using marketdata::SignalSide;
        static const SignalSide sides[] = {SignalSide::None, SignalSide::Long, SignalSide::Short, SignalSide::Hold};
        m_proxy->setSignalFilter(i == 0 ? std::set<SignalSide>{} : std::set<SignalSide>{sides[i]});
    });
    m_viewToggle = new QToolButton;
    m_viewToggle->setObjectName(QStringLiteral("WatchlistViewToggle"));
    m_viewToggle->setText(tr("Cards"));
    m_viewToggle->setCheckable(true);
    m_viewToggle->setToolTip(tr("Switch between the table and the card view"));
    connect(m_viewToggle, &QToolButton::toggled, this, &WatchlistWidget::setCardView);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("WatchlistTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setDragDropMode(QAbstractItemView::InternalMove);
    m_table->setDragEnabled(true);
    m_table->setAcceptDrops(true);
    m_table->setDropIndicatorShown(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(24);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setItemDelegateForColumn(WatchlistModel::Sparkline, new SparklineDelegate(m_table));
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setColumnWidth(WatchlistModel::Favourite, 26);
    m_table->setColumnWidth(WatchlistModel::Symbol, 90);
    m_table->setColumnWidth(WatchlistModel::Last, 90);
    m_table->setColumnWidth(WatchlistModel::Change24hPct, 70);
    m_table->setColumnWidth(WatchlistModel::Signal, 60);
    m_table->setColumnWidth(WatchlistModel::Confidence, 45);
    for (int c : {WatchlistModel::Venue, WatchlistModel::Change24h, WatchlistModel::ChangeSessionPct, WatchlistModel::High24h,
                  WatchlistModel::Low24h, WatchlistModel::Volume24h, WatchlistModel::QuoteVolume24h, WatchlistModel::Bid,
                  WatchlistModel::Ask, WatchlistModel::Spread, WatchlistModel::Updated})
        m_table->setColumnHidden(c, true);  // a compact default; the header menu shows the rest
    m_table->installEventFilter(this);
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex& i) { Q_EMIT instrumentActivated(m_model->instrumentAt(m_proxy->mapToSource(i).row())); });
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& i) {
        if (i.column() == WatchlistModel::Favourite) {
            const int r = m_proxy->mapToSource(i).row();
            m_model->setFavourite(r, !m_model->isFavourite(r));
        }
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint& p) { showContextMenu(p, m_table); });
    connect(m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this, [this](const QPoint& p) {
        QMenu columns;
        for (int c = 0; c < WatchlistModel::ColumnCount; ++c) {
            QAction* a = columns.addAction(WatchlistModel::columnName(c));
            a->setCheckable(true);
            a->setChecked(!m_table->isColumnHidden(c));
            connect(a, &QAction::toggled, this, [this, c](bool on) {
                m_table->setColumnHidden(c, !on);
                saveHeader();
            });
        }
        columns.exec(m_table->horizontalHeader()->mapToGlobal(p));
    });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionMoved, this, &WatchlistWidget::saveHeader);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, &WatchlistWidget::saveHeader);
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, &WatchlistWidget::saveHeader);

    m_cards = new QListView;
    m_cards->setObjectName(QStringLiteral("WatchlistCards"));
    m_cards->setModel(m_proxy);
    m_cards->setViewMode(QListView::IconMode);
    m_cards->setResizeMode(QListView::Adjust);
    m_cards->setMovement(QListView::Static);
    m_cards->setUniformItemSizes(true);
    m_cards->setGridSize(WatchlistCardDelegate::cardSize());
    m_cards->setItemDelegate(new WatchlistCardDelegate(m_cards));
    m_cards->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_cards->setContextMenuPolicy(Qt::CustomContextMenu);
    m_cards->setModelColumn(WatchlistModel::Symbol);
    m_cards->installEventFilter(this);
    auto* details = new QLabel;
    details->setObjectName(QStringLiteral("WatchlistCardDetails"));
    details->setWordWrap(true);
    details->setTextFormat(Qt::RichText);
    details->setVisible(false);
    details->setFrameShape(QFrame::StyledPanel);
    details->setMargin(6);
    connect(m_cards, &QListView::clicked, this, [this, details](const QModelIndex& i) {
        const int r = m_proxy->mapToSource(i).row();
        const auto& t = m_model->ticker(r);
        auto cell = [&](int c) { return m_model->index(r, c).data().toString(); };
        QString html = QStringLiteral("<b>%1</b> · %2 — last %3 (%4 in 24h), 24h range %5 – %6<br>")
                           .arg(QString::fromStdString(t.id.toString()), cell(WatchlistModel::Signal), cell(WatchlistModel::Last),
                                cell(WatchlistModel::Change24hPct), cell(WatchlistModel::Low24h), cell(WatchlistModel::High24h));
        if (t.signal.side == marketdata::SignalSide::None) {
            html += tr("No signal yet for this symbol.");
        } else {
            auto num = [](std::optional<double> v) { return v ? QString::number(*v, 'g', 10) : QStringLiteral("—"); };
            html += tr("Confidence %1% · entry %2 · stop %3")
                        .arg(t.signal.confidence)
                        .arg(num(t.signal.entry), num(t.signal.stopLoss));
            for (std::size_t k = 0; k < t.signal.takeProfits.size(); ++k)
                html += tr(" · TP%1 %2").arg(k + 1).arg(QString::number(t.signal.takeProfits[k], 'g', 10));
            if (!t.signal.reasons.empty()) {
                html += QStringLiteral("<ul>");
                for (const auto& reason : t.signal.reasons)
                    html += QStringLiteral("<li>%1</li>").arg(QString::fromStdString(reason).toHtmlEscaped());
                html += QStringLiteral("</ul>");
            }
        }
        details->setText(html);
        details->setVisible(true);
    });
    connect(m_cards, &QListView::activated, this,
            [this](const QModelIndex& i) { Q_EMIT instrumentActivated(m_model->instrumentAt(m_proxy->mapToSource(i).row())); });
    connect(m_cards, &QWidget::customContextMenuRequested, this, [this](const QPoint& p) { showContextMenu(p, m_cards); });
    auto* cardPage = new QWidget;
    auto* cardLayout = new QVBoxLayout(cardPage);
    cardLayout->setContentsMargins(0, 0, 0, 0);
    cardLayout->addWidget(m_cards, 1);
    cardLayout->addWidget(details);

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_table);
    m_stack->addWidget(cardPage);

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("WatchlistStatus"));
    m_status->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(m_lists, 1);
    top->addWidget(m_listMenu);
    top->addWidget(m_viewToggle);
    auto* second = new QHBoxLayout;
    second->addWidget(m_search, 2);
    second->addWidget(m_filter, 1);
    second->addWidget(m_signalFilter);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addLayout(second);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);

    connect(m_lists, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (m_loading || i < 0 || !m_store) return;
        selectList(m_lists->itemText(i));
    });
    connect(m_model, &WatchlistModel::listEdited, this, &WatchlistWidget::save);
}

WatchlistWidget::~WatchlistWidget() = default;

void WatchlistWidget::showStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #ef5350") : QString());
}

QString WatchlistWidget::statusText() const { return m_status->text(); }

void WatchlistWidget::setKnownInstruments(const std::vector<InstrumentId>& ids) {
    m_known = ids;
    QStringList names;
    for (const auto& id : ids) names << QString::fromStdString(id.toString());
    m_completions->setStringList(names);
}

void WatchlistWidget::loadLists(const QString& defaultList, const std::vector<InstrumentId>& defaults) {
    if (!m_store) {
        m_model->setInstruments(defaults);
        m_lists->addItem(defaultList);
        return;
    }
    auto lists = m_store->all();
    if (lists && lists->empty()) {
        auto id = m_store->create(defaultList.toStdString());
        if (id) {
            std::vector<storage::WatchlistItem> items;
            items.reserve(defaults.size());
            for (const auto& i : defaults) items.push_back({i, false});
            (void)m_store->setItems(*id, items);
        }
        lists = m_store->all();
    }
    if (!lists) {
        showStatus(tr("Watchlists could not be read: %1").arg(QString::fromStdString(lists.message())), true);
        m_model->setInstruments(defaults);
        return;
    }
    refreshListBox();
    const auto current = m_store->uiState(kCurrentKey);
    const QString want = current && !current->empty() ? QString::fromStdString(*current) : defaultList;
    selectList(listNames().contains(want) ? want : listNames().value(0));
    if (auto header = m_store->uiState(kHeaderKey); header && !header->empty())
        m_table->horizontalHeader()->restoreState(QByteArray::fromStdString(*header));
    if (auto view = m_store->uiState(kViewKey); view && *view == "cards") m_viewToggle->setChecked(true);
}

void WatchlistWidget::refreshListBox() {
    m_loading = true;
    const QString keep = m_lists->currentText();
    m_lists->clear();
    if (auto lists = m_store->all(); lists)
        for (const auto& w : *lists) m_lists->addItem(QString::fromStdString(w.name), QVariant::fromValue<qlonglong>(w.id));
    const int i = m_lists->findText(keep);
    if (i >= 0) m_lists->setCurrentIndex(i);
    m_loading = false;
}

QStringList WatchlistWidget::listNames() const {
    QStringList out;
    for (int i = 0; i < m_lists->count(); ++i) out << m_lists->itemText(i);
    return out;
}

QString WatchlistWidget::currentList() const { return m_lists->currentText(); }

void WatchlistWidget::selectList(const QString& name) {
    const int i = m_lists->findText(name);
    if (i < 0 || !m_store) return;
    m_loading = true;
    m_lists->setCurrentIndex(i);
    m_loading = false;
    m_currentId = m_lists->itemData(i).toLongLong();
    auto list = m_store->get(m_currentId);
    if (!list) {
        showStatus(QString::fromStdString(list.message()), true);
        return;
    }
    std::vector<InstrumentId> ids;
    for (const auto& it : list->items) ids.push_back(it.instrument);
    m_model->setInstruments(ids);
    QSignalBlocker block(m_model);  // restoring favourites is not an edit
    for (std::size_t r = 0; r < list->items.size(); ++r) m_model->setFavourite(static_cast<int>(r), list->items[r].favourite);
    (void)m_store->setUiState(kCurrentKey, name.toStdString());
    showStatus(tr("%1: %n symbol(s)", nullptr, static_cast<int>(ids.size())).arg(name));
}

void WatchlistWidget::save() {
    if (!m_store || m_currentId == 0) return;
    std::vector<storage::WatchlistItem> items;
    for (int r = 0; r < m_model->rowCount(); ++r) items.push_back({m_model->instrumentAt(r), m_model->isFavourite(r)});
    if (auto s = m_store->setItems(m_currentId, items); !s)
        showStatus(tr("Could not save the watchlist: %1").arg(QString::fromStdString(s.message())), true);
}

void WatchlistWidget::saveHeader() {
    if (!m_store || m_loading) return;
    (void)m_store->setUiState(kHeaderKey, m_table->horizontalHeader()->saveState().toStdString());
}

bool WatchlistWidget::createList(const QString& name) {
    if (!m_store) return false;
    auto id = m_store->create(name.toStdString());
    if (!id) {
        showStatus(QString::fromStdString(id.message()), true);
        return false;
    }
    refreshListBox();
    selectList(name);
    return true;
}

bool WatchlistWidget::renameList(const QString& name) {
    if (!m_store || m_currentId == 0) return false;
    if (auto s = m_store->rename(m_currentId, name.toStdString()); !s) {
        showStatus(QString::fromStdString(s.message()), true);
        return false;
    }
    m_loading = true;
    m_lists->setItemText(m_lists->currentIndex(), name);
    m_loading = false;
    (void)m_store->setUiState(kCurrentKey, name.toStdString());
    showStatus(tr("Renamed to %1").arg(name));
    return true;
}

bool WatchlistWidget::duplicateList(const QString& name) {
    if (!m_store || m_currentId == 0) return false;
    auto id = m_store->duplicate(m_currentId, name.toStdString());
    if (!id) {
        showStatus(QString::fromStdString(id.message()), true);
        return false;
    }
    refreshListBox();
    selectList(name);
    return true;
}

bool WatchlistWidget::deleteList() {
    if (!m_store || m_currentId == 0) return false;
    if (m_lists->count() <= 1) {
        showStatus(tr("The last watchlist cannot be deleted; create another one first."), true);
        return false;
    }
    const QString gone = currentList();
    if (auto s = m_store->remove(m_currentId); !s) {
        showStatus(QString::fromStdString(s.message()), true);
        return false;
    }
    refreshListBox();
    selectList(m_lists->itemText(0));
    showStatus(tr("Deleted %1").arg(gone));
    return true;
}

bool WatchlistWidget::importFile(const QString& path, bool intoCurrent) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        showStatus(tr("Cannot read %1: %2").arg(path, f.errorString()), true);
        return false;
    }
    const std::string text = f.readAll().toStdString();
    storage::Watchlist parsed;
    const bool json = path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive);
    if (json) {
        auto w = storage::parseWatchlistJson(text);
        if (!w) {
            showStatus(tr("%1: %2 — nothing was imported").arg(QFileInfo(path).fileName(), QString::fromStdString(w.message())),
                       true);
            return false;
        }
        parsed = *w;
    } else {
        auto items = storage::parseWatchlistCsv(text);
        if (!items) {
            showStatus(
                tr("%1: %2 — nothing was imported").arg(QFileInfo(path).fileName(), QString::fromStdString(items.message())),
                true);
            return false;
        }
        parsed.items = *items;
    }
    if (parsed.name.empty()) parsed.name = QFileInfo(path).completeBaseName().toStdString();
    if (!m_store) return false;
    std::int64_t target = m_currentId;
    if (!intoCurrent) {
        std::string name = parsed.name;
        for (int n = 2; listNames().contains(QString::fromStdString(name)); ++n)
            name = parsed.name + " (" + std::to_string(n) + ")";
        auto id = m_store->create(name);
        if (!id) {
            showStatus(QString::fromStdString(id.message()), true);
            return false;
        }
        target = *id;
        parsed.name = name;
    }
    if (auto s = m_store->setItems(target, parsed.items); !s) {
        if (!intoCurrent) (void)m_store->remove(target);
        showStatus(tr("Import failed: %1 — nothing was imported").arg(QString::fromStdString(s.message())), true);
        return false;
    }
    refreshListBox();
    selectList(intoCurrent ? currentList() : QString::fromStdString(parsed.name));
    showStatus(tr("Imported %n symbol(s)", nullptr, static_cast<int>(parsed.items.size())));
    return true;
}

bool WatchlistWidget::exportFile(const QString& path) const {
    storage::Watchlist w;
    w.name = currentList().toStdString();
    for (int r = 0; r < m_model->rowCount(); ++r) w.items.push_back({m_model->instrumentAt(r), m_model->isFavourite(r)});
    const std::string text = path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) ? storage::watchlistToJson(w)
                                                                                         : storage::watchlistToCsv(w.items);
    QSaveFile f(path);  // atomic replace: a crash never leaves half a file
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) < 0 || !f.commit()) {
        const_cast<WatchlistWidget*>(this)->showStatus(tr("Cannot write %1: %2").arg(path, f.errorString()), true);
        return false;
    }
    return true;
}

bool WatchlistWidget::addSymbol(const QString& text) {
    const QString t = text.trimmed().toUpper();
    if (t.isEmpty()) return false;
    std::optional<InstrumentId> id;
    if (t.contains(QLatin1Char(':'))) {
        auto parsed = InstrumentId::parse(t.toStdString());
        if (!parsed) {
            showStatus(QString::fromStdString(parsed.message()), true);
            return false;
        }
        id = *parsed;
    } else {
        std::vector<InstrumentId> matches;
        for (const auto& k : m_known)
            if (QString::fromStdString(k.symbol).compare(t, Qt::CaseInsensitive) == 0) matches.push_back(k);
        if (matches.size() > 1) {
            const std::string preferred = m_defaultVenue.toStdString();
            auto it = std::find_if(matches.begin(), matches.end(), [&](const InstrumentId& m) { return m.venue == preferred; });
            if (it != matches.end()) matches = {*it};
        }
        if (matches.size() == 1)
            id = matches.front();
        else if (matches.empty()) {
            showStatus(tr("No instrument \"%1\" on the configured venues; write VENUE:SYMBOL").arg(t), true);
            return false;
        } else {
            showStatus(tr("\"%1\" trades on several venues; pick one from the list").arg(t), true);
            return false;
        }
    }
    if (m_model->rowOf(*id) >= 0) {
        showStatus(tr("%1 is already in this list").arg(QString::fromStdString(id->toString())));
        return false;
    }
    m_model->addInstrument(*id);
    showStatus(tr("Added %1").arg(QString::fromStdString(id->toString())));
    return true;
}

std::vector<int> WatchlistWidget::selectedSourceRows() const {
    QAbstractItemView* v = isCardView() ? static_cast<QAbstractItemView*>(m_cards) : m_table;
    std::set<int> rows;
    for (const auto& i : v->selectionModel()->selectedIndexes()) rows.insert(m_proxy->mapToSource(i).row());
    return {rows.begin(), rows.end()};
}

void WatchlistWidget::removeSelected() {
    const auto rows = selectedSourceRows();
    if (rows.empty()) return;
    m_model->removeRows(rows);
    showStatus(tr("Removed %n symbol(s)", nullptr, static_cast<int>(rows.size())));
}

void WatchlistWidget::setCardView(bool cards) {
    m_stack->setCurrentIndex(cards ? 1 : 0);
    if (m_viewToggle->isChecked() != cards) m_viewToggle->setChecked(cards);
    if (m_store && !m_loading) (void)m_store->setUiState(kViewKey, cards ? "cards" : "table");
}

bool WatchlistWidget::isCardView() const { return m_stack->currentIndex() == 1; }

void WatchlistWidget::showContextMenu(const QPoint& pos, QWidget* view) {
    auto* v = static_cast<QAbstractItemView*>(view);
    const QModelIndex at = v->indexAt(pos);
    if (!at.isValid()) return;
    const int row = m_proxy->mapToSource(at).row();
    const InstrumentId id = m_model->instrumentAt(row);
    QMenu m;
    m.addAction(tr("Open in chart"), this, [this, id] { Q_EMIT instrumentActivated(id); });
    m.addAction(tr("Create alert…"), this, [this, id] { Q_EMIT alertRequested(id); });
    m.addAction(tr("Order ticket…"), this, [this, id] { Q_EMIT orderTicketRequested(id); });
    m.addAction(tr("Backtest…"), this, [this, id] { Q_EMIT backtestRequested(id); });
    m.addSeparator();
    m.addAction(m_model->isFavourite(row) ? tr("Remove star") : tr("Star"), this,
                [this, row] { m_model->setFavourite(row, !m_model->isFavourite(row)); });
    m.addAction(tr("Remove"), this, &WatchlistWidget::removeSelected);
    m.exec(v->viewport()->mapToGlobal(pos));
}

bool WatchlistWidget::eventFilter(QObject* watched, QEvent* event) {
    if ((watched == m_table || watched == m_cards) && event->type() == QEvent::KeyPress) {
        auto* k = static_cast<QKeyEvent*>(event);
        if (k->key() == Qt::Key_Delete || k->key() == Qt::Key_Backspace) {
            removeSelected();
            return true;
        }
        // Type to search: a letter or digit starts the search box with it.
        const QString t = k->text();
        if (t.size() == 1 && t[0].isLetterOrNumber() && !(k->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            m_search->setFocus();
            m_search->setText(t);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace kairos::ui
