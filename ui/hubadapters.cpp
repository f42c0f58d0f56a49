#include "hubadapters.h"

#include "alertswidget.h"
#include "candlechart.h"
#include "chartworkspace.h"
#include "signalswidget.h"
#include "terminalstatusbar.h"
#include "watchlistmodel.h"

#include "session/terminalservices.h"
#include "session/terminalsession.h"

#include <QApplication>
#include <QCheckBox>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QWidget>

namespace kairos::ui {

namespace {
marketdata::TickerSignal tickerSignal(const signal::Signal& s) {
    marketdata::TickerSignal t;
    t.side = s.side == signal::Direction::Long ? marketdata::SignalSide::Long
        : s.side == signal::Direction::Short   ? marketdata::SignalSide::Short
                                               : marketdata::SignalSide::Hold;
    t.confidence = s.confidence;
    t.timeMs = s.timeMs;
    if (s.side != signal::Direction::Hold) {
        t.entry = s.entry;
        t.stopLoss = s.stopLoss;
        t.takeProfits.assign(s.takeProfits.begin(), s.takeProfits.end());
    }
    t.reasons = s.reasons;
    return t;
}
}  // namespace

void connectWatchlist(session::TerminalServices& services, WatchlistModel* wl) {
    session::EventHub& hub = services.hub();
    QObject::connect(&hub, &session::EventHub::tradeReceived, wl, &WatchlistModel::onTrade);
    QObject::connect(&hub, &session::EventHub::quoteReceived, wl, &WatchlistModel::onQuote);
    QObject::connect(&hub, &session::EventHub::tickerReceived, wl, [wl](const InstrumentId& id, const marketdata::Ticker24h& t) {
        wl->onStats24h(id, {t.openPrice, t.highPrice, t.lowPrice, t.volume, t.quoteVolume}, t.timeMs);
        if (!t.bid.isZero() || !t.ask.isZero()) wl->onQuote(id, Quote{t.timeMs, t.bid, Quantity{}, t.ask, Quantity{}});
    });
    QObject::connect(&hub, &session::EventHub::barUpdated, wl, &WatchlistModel::onBar);
    QObject::connect(&hub, &session::EventHub::barsBackfilled, wl,
                     [wl](const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
                         for (const Bar& b : bars) wl->onBar(id, tf, b);
                     });
    QObject::connect(&hub, &session::EventHub::signalPublished, wl,
                     [wl](const session::SignalEvent& e) { wl->onSignal(e.instrument, tickerSignal(e.signal)); });
    session::MarketRouter& router = services.router();
    QObject::connect(&router, &session::MarketRouter::noteChanged, wl, &WatchlistModel::setNote);
    QObject::connect(&router, &session::MarketRouter::warmed, wl,
                     [wl](const InstrumentId& id, const std::vector<Bar>& bars, bool) {
                         for (std::size_t i = bars.size() > 48 ? bars.size() - 48 : 0; i < bars.size(); ++i)
                             wl->onBar(id, Timeframe::H1, bars[i]);
                     });
}

void connectCharts(session::TerminalServices& services, ChartWorkspace* charts) {
    session::EventHub& hub = services.hub();
    session::MarketRouter& router = services.router();
    charts->setHistoryEnd([&router](const InstrumentId& id) { return router.historyEnd(id); });
    QObject::connect(&hub, &session::EventHub::tradeReceived, charts, &ChartWorkspace::onTrade);
    QObject::connect(&hub, &session::EventHub::barUpdated, charts, &ChartWorkspace::onBar);
    QObject::connect(&hub, &session::EventHub::barsBackfilled, charts,
                     [charts](const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
                         for (const Bar& b : bars) charts->onBar(id, tf, b);
                     });
    // Charts of a live instrument: what the store lacks comes from the venue.
    QObject::connect(charts, &ChartWorkspace::historyWanted, &router,
                     [&router](const InstrumentId& id, Timeframe tf, qint64 fromMs, qint64 toMs) {
                         router.requestHistory(id, tf, fromMs, toMs);
                     });
    QObject::connect(&router, &session::MarketRouter::historyArrived, charts, &ChartWorkspace::historyArrived);
    QObject::connect(&router, &session::MarketRouter::warmed, charts,
                     [charts](const InstrumentId& id, const std::vector<Bar>&, bool fromStore) {
                         if (fromStore) charts->reloadInstrument(id);  // the store has more of it now
                     });
    QObject::connect(&router, &session::MarketRouter::routesChanged, charts,
                     &ChartWorkspace::reloadAll);  // history ends elsewhere now
}

SignalsPanelAdapter::SignalsPanelAdapter(session::TerminalServices& services, SignalsWidget* panel, ChartWorkspace* charts,
                                         QObject* parent)
    : QObject(parent),
      m_services(services),
      m_panel(panel),
      m_charts(charts),
      m_accuracyTimer(new QTimer(this)),
      m_markerTimer(new QTimer(this)) {
    session::SignalService& signals_ = services.signalService();
    if (!signals_.storageMessage().isEmpty()) panel->setMessage(signals_.storageMessage());
    m_accuracyTimer->setSingleShot(true);
    m_accuracyTimer->setInterval(2000);
    connect(m_accuracyTimer, &QTimer::timeout, this, [this] {
        if (!m_services.signalService().hasStore()) return;
        if (auto acc = m_services.signalService().accuracy(); acc)
            m_panel->setAccuracy(*acc);
        else
            m_panel->setMessage(tr("Accuracy could not be read: %1").arg(QString::fromStdString(acc.message())));
    });
    m_markerTimer->setSingleShot(true);
    m_markerTimer->setInterval(200);
    connect(m_markerTimer, &QTimer::timeout, this, &SignalsPanelAdapter::refreshMarkers);
    connect(&signals_, &session::SignalService::outcomesChanged, this, [this](const std::vector<signal::StoredSignal>& changed) {
        for (const auto& c : changed) m_panel->model()->upsert(c);
        m_accuracyTimer->start();
    });
    connect(&signals_, &session::SignalService::signalRecorded, this, [this](const signal::StoredSignal& s) {
        m_panel->model()->upsert(s);
        m_markerTimer->start();
    });
    connect(&signals_, &session::SignalService::errorOccurred, panel, &SignalsWidget::setMessage);
    // New charts, and charts that change series, need their arrows.
    connect(charts, &ChartWorkspace::gridChanged, m_markerTimer, qOverload<>(&QTimer::start));
    connect(charts, &ChartWorkspace::activeSeriesChanged, m_markerTimer, qOverload<>(&QTimer::start));
    m_markerTimer->start();
}

void SignalsPanelAdapter::loadHistory(const std::vector<InstrumentId>& ids) {
    if (!m_services.signalService().hasStore()) return;
    auto all = m_services.signalService().history(ids);
    if (!all) {
        m_panel->setMessage(tr("Signal history could not be read: %1").arg(QString::fromStdString(all.message())));
        return;
    }
    m_panel->model()->setSignals(std::move(*all));
    m_accuracyTimer->start(0);
    m_markerTimer->start();
}

void SignalsPanelAdapter::refreshMarkersLater() { m_markerTimer->start(); }

void SignalsPanelAdapter::refreshMarkers() {
    SignalHistoryModel* m = m_panel->model();
    for (int i = 0; i < m_charts->grid(); ++i) {
        charts::CandleChart* c = m_charts->chart(i);
        if (!c) continue;
        const InstrumentId id = c->instrument();
        std::vector<signal::Signal> list;
        for (int r = m->rowCount() - 1; r >= 0; --r)  // oldest first
            if (m->at(r).id == id) list.push_back(m->at(r).signal);
        c->setSignals(list);
    }
}

AlertNotifier::AlertNotifier(session::TerminalServices& services, QCheckBox* desktop, QCheckBox* sound, TerminalStatusBar* status,
                             AlertToast* toast, QWidget* window)
    : QObject(window), m_desktop(desktop), m_sound(sound), m_status(status), m_toast(toast), m_window(window) {
    connect(&services.hub(), &session::EventHub::alertOccurred, this, [this](const alerts::AlertEvent& e) {
        const QString symbol = QString::fromStdString(e.instrument.toString());
        const QString text = QString::fromStdString(e.message);
        const bool fired = e.kind == alerts::EventKind::Fired;
        const QString title = fired                ? tr("Alert: %1").arg(symbol)
            : e.kind == alerts::EventKind::Expired ? tr("Alert expired: %1").arg(symbol)
                                                   : tr("Alert switched off: %1").arg(symbol);
        m_status->showMessage(tr("%1 — %2").arg(title, text), 15000);
        m_toast->showAlert(title, text);
        if (m_desktop->isChecked() && QSystemTrayIcon::isSystemTrayAvailable()) {
            if (!m_tray) {
                QIcon icon = QApplication::windowIcon();
                if (icon.isNull()) icon = m_window->style()->standardIcon(QStyle::SP_MessageBoxInformation);
                m_tray = new QSystemTrayIcon(icon, this);
                m_tray->setToolTip(m_window->windowTitle());
                m_tray->show();
            }
            m_tray->showMessage(title, text, QSystemTrayIcon::Information, 10000);
        }
        if (fired && m_sound->isChecked()) QApplication::beep();
    });
}

}  // namespace kairos::ui
