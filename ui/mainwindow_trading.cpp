// MainWindow's paper-trading wiring, kept apart from mainwindow.cpp so that the window's other
// parts change independently: the paper venue fed by the terminal's prices, the Trading dock,
// the order ticket (F9, Trade menu, watchlist context menu).
//
// Settings (profile settings file, group "paper"):
//   startingCash  "10000"  account currency (quote asset of the symbols, USDT for the bundled ones)
//   makerFeeBps   "10"     basis points of a fill's value (exact decimal, e.g. "7.5")
//   takerFeeBps   "10"
//   slippageBps   "0"      adverse move applied to market and stop fills
//   confirm       true     ask before sending a paper order
#include "mainwindow.h"

#include "orderticketdialog.h"
#include "signalswidget.h"
#include "terminalsession.h"
#include "tradingpanel.h"
#include "watchlistmodel.h"
#include "watchlistproxy.h"
#include "watchlistwidget.h"

#include "candlechart.h"
#include "chartworkspace.h"
#include "marketdata/exchangefeed.h"
#include "marketdata/venuedirectory.h"
#include "trading/instrumentdefaults.h"
#include "trading/papervenue.h"

#include <QAction>
#include <QDockWidget>
#include <QStatusBar>
#include <QTableView>

namespace kairos::ui {

namespace {
template <class T>
T settingDecimal(QSettings& s, const char* key, const char* fallback, QStringList& problems) {
    const QString text = s.value(QStringLiteral("paper/") + QLatin1String(key), QString::fromLatin1(fallback)).toString().trimmed();
    auto v = T::parse(text.toStdString());
    if (v && !v->isNegative()) return *v;
    problems << QObject::tr("paper/%1 \"%2\" is not a non-negative decimal; using %3").arg(QLatin1String(key), text, QLatin1String(fallback));
    return T::parse(fallback).value();
}
}  // namespace

void MainWindow::setupTrading() {
    QSettings& s = m_session.settings();
    QStringList problems;
    trading::PaperSettings ps;
    ps.startingCash = settingDecimal<Money>(s, "startingCash", "10000", problems);
    ps.simulator.rules.fees.makerBps = settingDecimal<trading::Bps>(s, "makerFeeBps", "10", problems);
    ps.simulator.rules.fees.takerBps = settingDecimal<trading::Bps>(s, "takerFeeBps", "10", problems);
    ps.simulator.rules.slippageBps = settingDecimal<trading::Bps>(s, "slippageBps", "0", problems);

    m_paper = new trading::PaperVenue(m_session.database(), ps, this);
    m_paper->setObjectName(QStringLiteral("PaperVenue"));
    // Rules: the venue's own list when it was loaded, Binance's filters for the bundled symbols,
    // else a permissive default from the first price seen.
    m_paper->setInstrumentResolver([this](const InstrumentId& id) -> std::optional<Instrument> {
        if (const Instrument* i = m_session.venues()->find(id)) return *i;
        if (auto b = trading::bundledInstrumentRules(id)) return b;
        if (auto p = m_paper->lastPrice(id)) return trading::fallbackInstrumentRules(id, *p);
        return std::nullopt;
    });
    // Signal levels at the tick precision of the same rules (UX.md: never more digits than the tick).
    if (m_signalsPanel)
        m_signalsPanel->model()->setDecimals([this](const InstrumentId& id) {
            const Instrument* i = m_paper->instrument(id);
            return i && !i->tickSize.isZero() ? i->tickSize.scale() : -1;
        });
    if (auto st = m_paper->open(); !st) problems << QString::fromStdString(st.message());
    if (!m_session.database()) problems << tr("no profile database (%1): paper trades are kept for this session only").arg(m_session.databaseError());

    wireTradingFeed(m_session.feed());
    for (marketdata::ExchangeFeed* f : m_wiredFeeds) wireTradingFeed(f);

    m_tradingPanel = new TradingPanel(*m_paper);
    if (QDockWidget* d = dock(QStringLiteral("OrdersDock"))) {
        QWidget* old = d->widget();
        d->setWidget(m_tradingPanel);
        d->setWindowTitle(tr("Trading"));
        d->toggleViewAction()->setText(tr("Trading"));
        delete old;
    }
    connect(m_tradingPanel, &TradingPanel::message, this, [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    connect(m_tradingPanel, &TradingPanel::newOrderRequested, this, [this](const InstrumentId& id) { openOrderTicket(id); });
    connect(m_watchlist, &WatchlistWidget::orderTicketRequested, this, [this](const InstrumentId& id) { openOrderTicket(id); });
    if (auto* a = findChild<QAction*>(QStringLiteral("NewOrderAction"))) {
        a->setEnabled(true);
        a->setShortcutContext(Qt::ApplicationShortcut);
        connect(a, &QAction::triggered, this, [this] { openOrderTicket({}); });
    }
    if (!problems.isEmpty()) statusBar()->showMessage(tr("Paper trading: %1").arg(problems.join(QStringLiteral("; "))), 15000);
}

void MainWindow::wireTradingFeed(marketdata::MarketDataFeed* feed) {
    if (!m_paper || !feed) return;
    // UniqueConnection: a feed wired twice (setupTrading after wireVenueFeed) is fed once.
    connect(feed, &marketdata::MarketDataFeed::tradeReceived, m_paper, &trading::PaperVenue::onTrade, Qt::UniqueConnection);
    connect(feed, &marketdata::MarketDataFeed::quoteReceived, m_paper, &trading::PaperVenue::onQuote, Qt::UniqueConnection);
}

OrderTicketDialog* MainWindow::openOrderTicket(const InstrumentId& requested) {
    if (!m_paper) return nullptr;
    InstrumentId id = requested;
    if (id.symbol.empty()) {
        const QModelIndex current = m_watchlist->table()->currentIndex();
        const auto list = m_watchlist->model()->instruments();
        if (current.isValid()) {
            const int row = m_watchlist->proxy()->mapToSource(current).row();
            if (row >= 0 && row < static_cast<int>(list.size())) id = list[static_cast<std::size_t>(row)];
        }
        if (id.symbol.empty()) {
            if (charts::CandleChart* c = chart()) id = c->instrument();
        }
        if (id.symbol.empty() && !list.empty()) id = list.front();
    }
    auto* ticket = new OrderTicketDialog(*m_paper, id, this);
    ticket->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_session.settings().value(QStringLiteral("paper/confirm"), true).toBool()) ticket->setConfirmer({});
    connect(ticket, &OrderTicketDialog::orderSent, this, [this](const QString& summary) { statusBar()->showMessage(summary, 15000); });
    ticket->show();
    ticket->raise();
    ticket->activateWindow();
    return ticket;
}

}  // namespace kairos::ui
