#include "tradingpanel.h"

#include "tradingmodels.h"

#include "tradingaccountsdialog.h"

#include "session/tradingaccounts.h"
#include "trading/account.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace kairos::ui {

namespace {
QTableView* makeView(QAbstractItemModel* model, const QString& name) {
    auto* v = new QTableView;
    v->setObjectName(name);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->horizontalHeader()->setStretchLastSection(true);
    v->setAlternatingRowColors(true);
    return v;
}
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

TradingPanel::TradingPanel(trading::Account& venue, QWidget* parent) : QWidget(parent), m_venue(venue) {
    setObjectName(QStringLiteral("TradingPanel"));
    m_confirm = [this](const QString& text) {
        return QMessageBox::question(this, tr("Confirm"), text + QLatin1Char('?'), QMessageBox::Yes | QMessageBox::No,
                                     QMessageBox::No) == QMessageBox::Yes;
    };
    m_positions = new PositionsModel(venue, this);
    m_orders = new OrdersModel(venue, this);
    m_fills = new FillsModel(venue, this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* top = new QHBoxLayout;
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("TradingSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_summary, 1);
    auto* newOrder = new QPushButton(tr("New order… (F9)"));
    newOrder->setObjectName(QStringLiteral("TradingNewOrder"));
    m_close = new QPushButton(tr("Close position"));
    m_close->setObjectName(QStringLiteral("TradingClosePosition"));
    m_cancel = new QPushButton(tr("Cancel order"));
    m_cancel->setObjectName(QStringLiteral("TradingCancelOrder"));
    auto* reset = new QPushButton(tr("Reset…"));
    reset->setObjectName(QStringLiteral("TradingReset"));
    reset->setToolTip(tr("Start the paper account again: deletes every paper order and fill"));
    top->addWidget(newOrder);
    top->addWidget(m_close);
    top->addWidget(m_cancel);
    top->addWidget(reset);
    reset->setVisible(venue.info().kind == trading::AccountKind::Paper);  // an exchange account cannot be reset
    layout->addLayout(top);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("TradingTabs"));
    m_positionsView = makeView(m_positions, QStringLiteral("PositionsView"));
    m_ordersView = makeView(m_orders, QStringLiteral("OrdersView"));
    m_fillsView = makeView(m_fills, QStringLiteral("FillsView"));
    // Few positions: their columns fit their contents. Orders and fills can run to thousands of
    // rows, so their columns are sized once, when the first rows arrive.
    m_positionsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_positionsView->horizontalHeader()->setStretchLastSection(false);
    for (QTableView* v : {m_ordersView, m_fillsView}) {
        auto fit = [v] {
            if (v->property("kairosSized").toBool() || v->model()->rowCount() == 0) return;
            v->resizeColumnsToContents();
            v->setProperty("kairosSized", true);
        };
        connect(v->model(), &QAbstractItemModel::rowsInserted, v, fit);
        connect(v->model(), &QAbstractItemModel::modelReset, v, fit);
        fit();
    }
    m_tabs->addTab(m_positionsView, tr("Positions"));
    m_tabs->addTab(m_ordersView, tr("Orders"));
    m_tabs->addTab(m_fillsView, tr("Fills"));
    layout->addWidget(m_tabs, 1);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("TradingStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(newOrder, &QPushButton::clicked, this, [this] {
        const QModelIndex idx = m_positionsView->currentIndex();
        InstrumentId id;
        if (idx.isValid() && idx.row() < m_positions->rowCount()) id = m_positions->at(idx.row()).instrument;
        Q_EMIT newOrderRequested(id);
    });
    connect(reset, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString cash = QInputDialog::getText(this, tr("Reset paper account"), tr("Starting cash:"), QLineEdit::Normal,
                                                   moneyText(m_venue.portfolio().startingCash()), &ok);
        if (ok) resetAccount(cash);
    });
    connect(m_close, &QPushButton::clicked, this, &TradingPanel::closeSelectedPosition);
    connect(m_cancel, &QPushButton::clicked, this, &TradingPanel::cancelSelectedOrder);
    connect(m_positionsView, &QAbstractItemView::doubleClicked, this, [this] { closeSelectedPosition(); });
    for (QTableView* v : {m_positionsView, m_ordersView})
        connect(v->selectionModel(), &QItemSelectionModel::currentChanged, this, &TradingPanel::updateButtons);
    connect(m_orders, &QAbstractItemModel::dataChanged, this, &TradingPanel::updateButtons);
    connect(m_positions, &QAbstractItemModel::modelReset, this, &TradingPanel::updateButtons);
    // The summary follows fills at once and prices at most five times a second.
    m_summaryTimer = new QTimer(this);
    m_summaryTimer->setSingleShot(true);
    m_summaryTimer->setInterval(200);
    connect(m_summaryTimer, &QTimer::timeout, this, &TradingPanel::updateSummary);
    connect(&venue, &trading::Account::portfolioChanged, this, &TradingPanel::updateSummary);
    connect(&venue, &trading::Account::infoChanged, this, &TradingPanel::updateSummary);  // a rename
    connect(&venue, &trading::Account::marksChanged, m_summaryTimer, [this] {
        if (!m_summaryTimer->isActive()) m_summaryTimer->start();
    });
    connect(&venue, &trading::Account::storageFailed, this, [this](const QString& m) { say(m, true); });
    if (!venue.storageError().isEmpty()) say(venue.storageError(), true);
    updateSummary();
    updateButtons();
}

QString TradingPanel::statusText() const { return m_status->text(); }

void TradingPanel::say(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #ef5350;") : QString());
    Q_EMIT message(text);
}

void TradingPanel::updateSummary() {
    const trading::Portfolio& p = m_venue.portfolio();
    const Money realized = p.realizedPnl();
    const Money unrealized = p.unrealizedPnl();
    auto coloured = [](const Money& m) {
        QString t = moneyText(m);
        if (m.isZero()) return t;
        return QStringLiteral("<span style=\"color:%1\">%2</span>")
            .arg(m.isNegative() ? QStringLiteral("#ef5350") : QStringLiteral("#26a69a"), t);
    };
    // The account's kind first, in its colour: LIVE white on red, TESTNET white on purple, PAPER plain.
    const trading::AccountKind kind = m_venue.info().kind;
    const QString label = session::accountLabel(m_venue.info()).toHtmlEscaped();
    const QString badge = kind == trading::AccountKind::Paper
        ? QStringLiteral("<b>%1</b>").arg(label)
        : QStringLiteral("<span style=\"background:%1; color:white; font-weight:bold\">&nbsp;%2&nbsp;</span>")
              .arg(accountKindColor(kind).name(), label);
    m_summary->setText(tr("%7 · cash %1 · equity %2 · realized %3 · unrealized %4 · fees %5%6")
                           .arg(moneyText(p.cash()), moneyText(p.equity()), coloured(realized), coloured(unrealized),
                                moneyText(p.feesPaid(), 4), m_venue.isPersistent() ? QString() : tr(" · not saved"), badge));
    m_summary->setToolTip(tr("Paper account in the quote currency of its symbols (one account currency: USDT for the bundled "
                             "symbols). Started with %1.")
                              .arg(moneyText(p.startingCash())));
}

void TradingPanel::updateButtons() {
    const QModelIndex pi = m_positionsView->currentIndex();
    m_close->setEnabled(pi.isValid() && pi.row() < m_positions->rowCount());
    const QModelIndex oi = m_ordersView->currentIndex();
    m_cancel->setEnabled(oi.isValid() && oi.row() < m_orders->rowCount() && m_orders->at(oi.row()).isOpen());
}

bool TradingPanel::closeSelectedPosition() {
    const QModelIndex idx = m_positionsView->currentIndex();
    if (!idx.isValid() || idx.row() >= m_positions->rowCount()) {
        say(tr("Select a position to close."), true);
        return false;
    }
    const trading::Position pos = m_positions->at(idx.row());
    const QString qty = qs((pos.isLong() ? pos.quantity : pos.quantity.negated()).toString());
    const QString text = tr("%1 %2 %3 at market on %4 to close the %5 position")
                             .arg(pos.isLong() ? tr("Sell") : tr("Buy"), qty, qs(pos.instrument.symbol),
                                  session::accountLabel(m_venue.info()), pos.isLong() ? tr("long") : tr("short"));
    if (m_confirm && !m_confirm(text)) return false;
    auto r = m_venue.closePosition(pos.instrument);
    if (!r) {
        say(qs(r.message()), true);
        return false;
    }
    QString done;
    for (const auto& e : *r) {
        if (e.kind == trading::OrderEventKind::Rejected) {
            say(tr("Close rejected: %1").arg(qs(e.order.rejectReason)), true);
            return false;
        }
        if (e.fill)
            done = tr("Closed: %1 %2 %3 at %4 on %5, fee %6.")
                       .arg(e.fill->side == Side::Buy ? tr("bought") : tr("sold"), qs(e.fill->quantity.toString()),
                            qs(pos.instrument.symbol), qs(e.fill->price.toString()), m_venue.name(),
                            qs(e.fill->fee.toTrimmedString()));
    }
    say(done.isEmpty() ? tr("Close order sent; it fills with the next price.") : done);
    return true;
}

bool TradingPanel::cancelSelectedOrder() {
    const QModelIndex idx = m_ordersView->currentIndex();
    if (!idx.isValid() || idx.row() >= m_orders->rowCount()) {
        say(tr("Select an open order to cancel."), true);
        return false;
    }
    const trading::Order o = m_orders->at(idx.row());
    auto r = m_venue.cancel(o.id);
    if (!r) {
        say(qs(r.message()), true);
        return false;
    }
    say(tr("Order %1 cancelled.").arg(qs(o.request.clientOrderId)));
    return true;
}

bool TradingPanel::resetAccount(const QString& startingCash) {
    auto cash = Money::parse(startingCash.trimmed().toStdString());
    if (!cash || cash->isNegative() || cash->isZero()) {
        say(tr("Starting cash “%1” is not a positive decimal (write it like 10000 or 2500.50).").arg(startingCash), true);
        return false;
    }
    const QString text = tr("Delete every paper order and fill and start again with %1").arg(qs(cash->toTrimmedString()));
    if (m_confirm && !m_confirm(text)) return false;
    if (auto st = m_venue.reset(*cash); !st) {
        say(tr("Paper account not reset: %1").arg(qs(st.message())), true);
        return false;
    }
    say(tr("Paper account reset: %1 to start with.").arg(qs(cash->toTrimmedString())));
    return true;
}

}  // namespace kairos::ui
