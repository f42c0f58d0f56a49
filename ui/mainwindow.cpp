#include "mainwindow.h"

#include "alertcenter.h"
#include "alertdialog.h"
#include "alertswidget.h"
#include "apptheme.h"
#include "backtestwidget.h"
#include "candlechart.h"
#include "charttheme.h"
#include "signalswidget.h"
#include "chartworkspace.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "domain/timeframe.h"
#include "marketdata/feedfactory.h"
#include "storage/candlestore.h"
#include "util/version.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QRadioButton>
#include <QCursor>
#include <QShortcut>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QDateTime>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <unordered_set>

#include <limits>

namespace kairos::ui {

namespace {
const char* kGeometryKey = "window/geometry";
const char* kStateKey = "window/state";
constexpr int kLayoutVersion = 1;
}  // namespace

MainWindow::MainWindow(TerminalSession& session, QWidget* parent) : QMainWindow(parent), m_session(session) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(QStringLiteral("Kairos %1").arg(QString::fromStdString(versionString())));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    resize(1500, 900);

    m_watchlist = new WatchlistWidget(session.watchlists());
    m_watchlist->setObjectName(QStringLiteral("Watchlist"));
    m_watchlist->setDefaultVenue(session.venueSettings().defaultVenue);
    refreshKnownInstruments();
    m_watchlist->loadLists(tr("Main"), session.instruments());
    connect(m_watchlist, &WatchlistWidget::instrumentActivated, this, &MainWindow::showInstrument);
    m_watchlist->model()->setStaleAfterMs(session.settings().value(QStringLiteral("watchlist/staleAfterSec"), 60).toInt() * 1000);
    // Charts read history from the profile database off the GUI thread, up to the replay clock
    // (the store also holds the replay's future); live bars come from the feed (wireFeed).
    m_charts = new ChartWorkspace(session.databasePath(), session.database());
    m_charts->setInstruments(session.instruments());
    m_charts->setLiveBarTimeframe(Timeframe::H1);
    // Replayed instruments end at the replay clock; live ones read everything stored.
    m_charts->setHistoryEnd([this](const InstrumentId& id) {
        if (routeOf(id) != Route::Replay) return std::numeric_limits<std::int64_t>::max();
        return m_session.isLoaded() ? m_session.feed()->clockMs() : std::numeric_limits<std::int64_t>::min();
    });
    m_markerTimer = new QTimer(this);
    m_markerTimer->setSingleShot(true);
    m_markerTimer->setInterval(200);
    connect(m_markerTimer, &QTimer::timeout, this, &MainWindow::refreshChartMarkers);
    // The workspace gives each chart the profile's DrawingStore itself (and keeps the charts of
    // one instrument in step); new charts need their signal markers.
    auto wireCharts = [this] { m_markerTimer->start(); };
    wireCharts();
    connect(m_charts, &ChartWorkspace::gridChanged, this, wireCharts);
    connect(m_charts, &ChartWorkspace::activeSeriesChanged, m_markerTimer, qOverload<>(&QTimer::start));
    connect(m_charts, &ChartWorkspace::activeSeriesChanged, this, [this](const InstrumentId& id, Timeframe tf) {
        if (auto* d = dock(QStringLiteral("ChartDock")))
            d->setWindowTitle(tr("Chart — %1 · %2").arg(QString::fromStdString(id.toString()), QString::fromStdString(toString(tf))));
    });

    // No central widget: every panel is a dock that can float, tab and close (UX.md).
    setCentralWidget(nullptr);
    auto* chartDock = addDock(QStringLiteral("ChartDock"), tr("Chart"), m_charts, Qt::LeftDockWidgetArea);
    auto* watchDock = addDock(QStringLiteral("WatchlistDock"), tr("Watchlist"), m_watchlist, Qt::RightDockWidgetArea);
    auto* market = addDock(QStringLiteral("MarketplaceDock"), tr("Marketplace"),
                           placeholder(tr("The signal marketplace"), tr("the marketplace issue")), Qt::RightDockWidgetArea);
    tabifyDockWidget(watchDock, market);
    watchDock->raise();
    auto* orders = addDock(QStringLiteral("OrdersDock"), tr("Orders and Positions"),
                           placeholder(tr("Order entry, positions, orders and the trade journal"), tr("the trading issue")),
                           Qt::BottomDockWidgetArea);
    auto* alerts = addDock(QStringLiteral("AlertsDock"), tr("Alerts"),
                           placeholder(tr("The alert manager"), tr("the alerts issue")), Qt::BottomDockWidgetArea);
    m_signalsPanel = new SignalsWidget;
    m_signalsPanel->setObjectName(QStringLiteral("SignalHistory"));
    connect(m_signalsPanel, &SignalsWidget::instrumentActivated, this, &MainWindow::showInstrument);
    if (session.database()) {
        m_signalStore = std::make_unique<signal::SignalStore>(*session.database());
        m_tracker = std::make_unique<signal::SignalTracker>(m_signalStore.get());
    } else {
        m_tracker = std::make_unique<signal::SignalTracker>(nullptr);
        m_signalsPanel->setMessage(tr("No profile database (%1): signals are tracked for this session only.").arg(session.databaseError()));
    }
    m_accuracyTimer = new QTimer(this);  // accuracy statistics: at most every 2 s, when something changed
    m_accuracyTimer->setSingleShot(true);
    m_accuracyTimer->setInterval(2000);
    connect(m_accuracyTimer, &QTimer::timeout, this, [this] {
        if (!m_signalStore) return;
        if (auto acc = m_signalStore->accuracy(); acc) m_signalsPanel->setAccuracy(*acc);
        else m_signalsPanel->setMessage(tr("Accuracy could not be read: %1").arg(QString::fromStdString(acc.message())));
    });
    auto* signalsDock = addDock(QStringLiteral("SignalsDock"), tr("Signals"), m_signalsPanel, Qt::BottomDockWidgetArea);
    auto* backtest = addDock(QStringLiteral("BacktestDock"), tr("Backtest"),
                             placeholder(tr("The backtester"), tr("the backtest issue")), Qt::BottomDockWidgetArea);
    tabifyDockWidget(orders, signalsDock);
    tabifyDockWidget(signalsDock, alerts);
    tabifyDockWidget(alerts, backtest);
    signalsDock->raise();  // the working panel in front of the placeholders
    setupBacktest();
    resizeDocks({chartDock, watchDock}, {1050, 450}, Qt::Horizontal);
    resizeDocks({chartDock, orders}, {650, 200}, Qt::Vertical);

    setTheme(session.settings().value(QStringLiteral("ui/theme"), QStringLiteral("dark")).toString());
    setupAlerts();
    buildMenus();
    buildStatusBar();
    wireFeed();
    setupTrading();
    m_defaultState = saveState(kLayoutVersion);
    restoreLayout();
    if (m_session.isLoaded() && !m_charts->restoreLastLayout()) m_charts->reloadAll();
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addDock(const QString& objectName, const QString& title, QWidget* content, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(objectName);
    d->setWidget(content);
    d->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(area, d);
    return d;
}

QWidget* MainWindow::placeholder(const QString& what, const QString& issue) {
    auto* w = new QWidget;
    auto* l = new QVBoxLayout(w);
    auto* label = new QLabel(tr("%1 is not built yet; it arrives with %2.").arg(what, issue));
    label->setObjectName(QStringLiteral("PlaceholderLabel"));
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignCenter);
    label->setEnabled(false);
    l->addWidget(label);
    return w;
}

QDockWidget* MainWindow::dock(const QString& objectName) const { return findChild<QDockWidget*>(objectName); }

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (auto* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);
    QMenu* themes = view->addMenu(tr("&Theme"));
    themes->setObjectName(QStringLiteral("ThemeMenu"));
    auto* themeGroup = new QActionGroup(this);
    const std::pair<QString, QString> themeLabels[] = {{QStringLiteral("dark"), tr("&Dark")},
                                                       {QStringLiteral("light"), tr("&Light")},
                                                       {QStringLiteral("dark-cb"), tr("Dark, colour-&blind candles")},
                                                       {QStringLiteral("light-cb"), tr("Light, colour-b&lind candles")}};
    for (const auto& [name, label] : themeLabels) {
        QAction* a = themes->addAction(label);
        a->setObjectName(QStringLiteral("Theme_") + name);
        a->setCheckable(true);
        a->setChecked(name == m_theme);
        themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, name = name] { setTheme(name); });
    }
    buildLayoutMenu(view);

    QMenu* trade = menuBar()->addMenu(tr("&Trade"));
    QAction* ticket = trade->addAction(tr("New order…"));
    ticket->setObjectName(QStringLiteral("NewOrderAction"));
    ticket->setShortcut(Qt::Key_F9);
    ticket->setEnabled(false);  // setupTrading() wires it

    QMenu* tools = menuBar()->addMenu(tr("T&ools"));
    QMenu* replay = tools->addMenu(tr("&Replay"));
    replay->addAction(tr("&Pause"), this, [this] { m_session.feed()->pause(); });
    replay->addAction(tr("&Resume"), this, [this] { m_session.feed()->resume(); });
    replay->addSeparator();
    auto* speeds = new QActionGroup(this);
    const std::pair<QString, double> options[] = {{tr("1×"), 1},        {tr("10×"), 10},     {tr("60×"), 60},
                                                  {tr("3600× (1 h/s)"), 3600}, {tr("Max"), 0}};
    for (const auto& [label, speed] : options) {
        QAction* a = replay->addAction(label);
        a->setCheckable(true);
        a->setChecked(m_session.feed()->speed() == speed);
        speeds->addAction(a);
        connect(a, &QAction::triggered, this, [this, speed = speed] { m_session.feed()->setSpeed(speed); });
    }

    QAction* md = tools->addAction(tr("&Market data settings…"), this, &MainWindow::showMarketDataSettings);
    md->setObjectName(QStringLiteral("MarketDataSettingsAction"));
    tools->addAction(tr("Watchlist: mark stale after…"), this, [this] {
        bool ok = false;
        const int secs = QInputDialog::getInt(this, tr("Stale data"), tr("Grey out a symbol after this many seconds without an update:"),
                                              m_session.settings().value(QStringLiteral("watchlist/staleAfterSec"), 60).toInt(), 5,
                                              86400, 5, &ok);
        if (!ok) return;
        m_session.settings().setValue(QStringLiteral("watchlist/staleAfterSec"), secs);
        m_watchlist->model()->setStaleAfterMs(secs * 1000);
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Kairos"), this, [this] {
        QMessageBox::about(this, tr("About Kairos"),
                           tr("<b>Kairos %1</b><p>Desktop trading terminal.</p><p>Profile: %2</p>")
                               .arg(QString::fromStdString(versionString()), m_session.options().profileDir));
    });
}

void MainWindow::buildStatusBar() {
    m_feedLabel = new QLabel(tr("Feed: starting"));
    m_feedLabel->setObjectName(QStringLiteral("FeedStatusLabel"));
    m_clockLabel = new QLabel;
    m_clockLabel->setObjectName(QStringLiteral("ReplayClockLabel"));
    m_utcLabel = new QLabel;
    m_serverLabel = new QLabel;
    m_serverLabel->setObjectName(QStringLiteral("ServerStatusLabel"));
    statusBar()->addWidget(m_feedLabel);
    statusBar()->addWidget(m_clockLabel);
    statusBar()->addPermanentWidget(m_serverLabel);
    statusBar()->addPermanentWidget(m_utcLabel);
    // Companion server (kairosd) reachability: GET <KAIROS_SERVER_URL>/health every 30 s.
    const QString server = qEnvironmentVariable("KAIROS_SERVER_URL");
    if (server.isEmpty()) {
        m_serverLabel->setText(tr("Server: not configured"));
        m_serverLabel->setToolTip(tr("Set KAIROS_SERVER_URL (scripts/run.sh starts a local kairosd and sets it)."));
    } else {
        auto* net = new QNetworkAccessManager(this);
        auto poll = [this, net, server] {
            QNetworkRequest req(QUrl(server + QStringLiteral("/health")));
            req.setTransferTimeout(5000);
            QNetworkReply* reply = net->get(req);
            connect(reply, &QNetworkReply::finished, this, [this, reply, server] {
                reply->deleteLater();
                const bool ok = reply->error() == QNetworkReply::NoError;
                m_serverLabel->setText(ok ? tr("Server: online") : tr("Server: offline"));
                m_serverLabel->setToolTip(ok ? server : tr("%1: %2").arg(server, reply->errorString()));
            });
        };
        auto* timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, poll);
        timer->start(30000);
        poll();
    }
    auto* clock = new QTimer(this);
    connect(clock, &QTimer::timeout, this, [this] {
        m_utcLabel->setText(QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss 'UTC'")));
    });
    clock->start(1000);
}

void MainWindow::wireFeed() {
    auto* feed = m_session.feed();
    connect(&m_session, &TerminalSession::progress, this, [this](const QString& m) { m_feedLabel->setText(m); });
    connect(&m_session, &TerminalSession::loadFailed, this, [this](const QString& m) {
        m_feedLabel->setText(tr("Replay unavailable: %1").arg(m));
        QMessageBox::warning(this, tr("Market data"),
                             tr("The bundled market data could not be loaded.\n\n%1\n\nThe terminal stays open without data.").arg(m));
    });
    connect(&m_session, &TerminalSession::loaded, this, [this] {
        WatchlistModel* model = m_watchlist->model();
        for (const InstrumentId& id : m_session.instruments()) {
            // Seed the watchlist's 24h statistics and sparkline with the history before the replay start.
            const auto history = m_session.feed()->closedBars(id, Timeframe::H1);
            for (std::size_t i = history.size() > 48 ? history.size() - 48 : 0; i < history.size(); ++i)
                model->onBar(id, Timeframe::H1, history[i]);
            // Warm the signal engine on the history (at most the last 500 bars: enough for every rule).
            signal::SignalEngine& engine = m_signalEngines.try_emplace(id).first->second;
            std::optional<signal::Signal> last;
            for (std::size_t i = history.size() > 500 ? history.size() - 500 : 0; i < history.size(); ++i)
                if (auto sig = engine.onBar(history[i], nextBucketStart(Timeframe::H1, history[i].openTimeMs))) last = sig;
            if (last) publishSignal(id, *last);
        }
        syncLiveSubscriptions();
        if (!m_charts->restoreLastLayout()) m_charts->reloadAll();
        loadSignalHistory();
    });
    WatchlistModel* wl = m_watchlist->model();
    connect(feed, &marketdata::MarketDataFeed::tradeReceived, wl, &WatchlistModel::onTrade);
    connect(feed, &marketdata::MarketDataFeed::tradeReceived, m_charts, &ChartWorkspace::onTrade);
    connect(feed, &marketdata::MarketDataFeed::quoteReceived, wl, &WatchlistModel::onQuote);
    connect(feed, &marketdata::MarketDataFeed::barUpdated, this, &MainWindow::onBar);
    connect(feed, &marketdata::MarketDataFeed::statusChanged, this, [this](const marketdata::FeedStatus& s) {
        if (m_session.venueSettings().source == marketdata::DataSource::Live && !m_liveFallback) return;
        m_feedLabel->setText(tr("Replay: %1").arg(s.toString()));
    });

    // Exchanges: instrument lists for search, live prices for the symbols routed to them.
    marketdata::VenueDirectory* venues = m_session.venues();
    connect(venues, &marketdata::VenueDirectory::instrumentsChanged, this, [this](const QString& venue) {
        refreshKnownInstruments();
        updateVenueLabels();
        if (m_session.venueSettings().source == marketdata::DataSource::Live && !m_liveFallback &&
            venue == m_session.venueSettings().defaultVenue)
            m_feedLabel->setText(tr("Live: %1").arg(venue));
    });
    connect(venues, &marketdata::VenueDirectory::refreshFailed, this, [this](const QString& venue, const QString& reason) {
        updateVenueLabels();
        if (m_session.venueSettings().source != marketdata::DataSource::Live || m_liveFallback ||
            venue != m_session.venueSettings().defaultVenue)
            return;
        // No internet (or the venue is down): say so and stay on the bundled replay.
        m_liveFallback = true;
        m_feedLabel->setText(tr("%1 unreachable (%2): showing the bundled replay").arg(venue, reason));
        syncLiveSubscriptions();
        m_charts->reloadAll();  // routes changed: history ends elsewhere now
    });
    connect(venues, &marketdata::VenueDirectory::enabledVenuesChanged, this, &MainWindow::updateVenueLabels);
    auto* sync = new QTimer(this);  // coalesces list edits into one resubscription
    sync->setSingleShot(true);
    sync->setInterval(0);
    connect(sync, &QTimer::timeout, this, &MainWindow::syncLiveSubscriptions);
    for (auto sig : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(wl, sig, sync, qOverload<>(&QTimer::start));
    connect(wl, &QAbstractItemModel::modelReset, sync, qOverload<>(&QTimer::start));
    // Charts of a live instrument: what the store lacks comes from the venue.
    connect(m_charts, &ChartWorkspace::historyWanted, this, [this](const InstrumentId& id, Timeframe tf, qint64 fromMs, qint64 toMs) {
        if (routeOf(id) != Route::Live) return;
        marketdata::ExchangeFeed* f = m_session.venues()->feed(QString::fromStdString(id.venue));
        if (!f || !f->supportsTimeframe(tf)) return;
        if (!m_historyAsked.insert({id, tf, toMs}).second) return;
        m_session.fetchHistory(id, tf, fromMs, toMs);
    });
    connect(&m_session, &TerminalSession::historyStored, m_charts, [this](const InstrumentId& id, Timeframe tf, int count) {
        if (count > 0 && !m_warmPending.count(id)) m_charts->historyArrived(id, tf);
    });
    connect(&m_session, &TerminalSession::historyStored, this, [this](const InstrumentId& id, Timeframe tf, int) {
        // The subscription's 30 days warm the engine and reload the charts; a chart's own request
        // (scroll-back) is handed to the workspace instead, so the view does not jump.
        if (tf == Timeframe::H1 && m_warmPending.erase(id) && m_liveSubscribed.count(id)) warmFromStore(id);
    });
    connect(&m_session, &TerminalSession::historyFailed, this, [this](const InstrumentId& id, Timeframe tf, const QString& reason) {
        if (tf == Timeframe::H1) m_warmPending.erase(id);
        statusBar()->showMessage(tr("History of %1 could not be downloaded: %2").arg(QString::fromStdString(id.toString()), reason), 10000);
    });
    if (!m_session.venueSettingsError().isEmpty())
        statusBar()->showMessage(tr("Market data settings ignored: %1").arg(m_session.venueSettingsError()), 15000);
    updateVenueLabels();
    venues->refreshAll();
    connect(feed, &marketdata::ReplayFeed::clockChanged, this, [this](qint64 ms) {
        m_clockLabel->setText(tr("Replay clock: %1")
                                  .arg(QString::fromStdString(formatUtc(ms)).left(16).replace(QLatin1Char('T'), QLatin1Char(' ')) +
                                       QStringLiteral(" UTC")));
    });
}

void MainWindow::onBar(const InstrumentId& id, Timeframe tf, const Bar& b) {
    m_watchlist->model()->onBar(id, tf, b);
    m_charts->onBar(id, tf, b);
    if (b.closed && tf == Timeframe::H1) {
        // The bar first judges the earlier signals, then may give a new one.
        if (auto changed = m_tracker->onBar(id, tf, b); changed) {
            for (const auto& c : *changed) m_signalsPanel->model()->upsert(c);
            if (!changed->empty()) m_accuracyTimer->start();
        } else {
            m_signalsPanel->setMessage(tr("Signal history not saved: %1").arg(QString::fromStdString(changed.message())));
        }
        auto it = m_signalEngines.find(id);
        if (it != m_signalEngines.end())
            if (auto sig = it->second.onBar(b, nextBucketStart(tf, b.openTimeMs))) recordSignal(id, *sig);
    }
}

void MainWindow::recordSignal(const InstrumentId& id, const signal::Signal& s) {
    publishSignal(id, s);
    m_alerts->onSignal(id, Timeframe::H1, s);  // HOLD too: it makes the next LONG/SHORT a new one
    if (s.side == signal::Direction::Hold) return;
    if (auto st = m_tracker->onSignal(id, Timeframe::H1, s); !st)
        m_signalsPanel->setMessage(tr("Signal history not saved: %1").arg(QString::fromStdString(st.message())));
    m_signalsPanel->model()->upsert({id, Timeframe::H1, s, signal::Outcome{}});
    m_markerTimer->start();
}

void MainWindow::refreshChartMarkers() {
    SignalHistoryModel* m = m_signalsPanel->model();
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

void MainWindow::loadSignalHistory() {
    if (!m_signalStore) return;
    std::vector<signal::StoredSignal> all;
    const std::vector<InstrumentId> bundled = m_session.instruments();
    std::set<InstrumentId> ids(bundled.begin(), bundled.end());
    for (const InstrumentId& id : m_watchlist->model()->instruments()) ids.insert(id);
    for (const InstrumentId& id : ids) {
        auto h = m_signalStore->history(id, Timeframe::H1, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
        if (!h) {
            m_signalsPanel->setMessage(tr("Signal history could not be read: %1").arg(QString::fromStdString(h.message())));
            return;
        }
        all.insert(all.end(), h->begin(), h->end());
    }
    m_signalsPanel->model()->setSignals(std::move(all));
    m_accuracyTimer->start(0);
    m_markerTimer->start();
}

MainWindow::Route MainWindow::routeOf(const InstrumentId& id, QString* why) const {
    const QString venue = QString::fromStdString(id.venue);
    const bool enabled = m_session.venues()->isEnabled(venue);
    const bool live = m_session.venueSettings().source == marketdata::DataSource::Live && !m_liveFallback;
    if (m_session.replayHas(id) && !(live && enabled)) return Route::Replay;
    if (enabled) return Route::Live;
    if (why) {
        *why = marketdata::supportedVenues().contains(venue)
                   ? tr("%1 is not enabled: Tools > Market data settings").arg(venue)
                   : tr("No data source for %1: the bundled replay does not have it and %2 is not a supported venue")
                         .arg(QString::fromStdString(id.toString()), venue);
    }
    return Route::None;
}

void MainWindow::syncLiveSubscriptions() {
    WatchlistModel* model = m_watchlist->model();
    std::set<InstrumentId> wanted;
    for (const InstrumentId& id : model->instruments()) {
        QString why;
        const Route r = routeOf(id, &why);
        if (r == Route::Live) wanted.insert(id);
        if (r != Route::None) why.clear();
        model->setNote(id, why);
    }
    // The replay serves its instruments whenever they are routed to it (it is idle otherwise).
    if (m_session.isLoaded())
        for (const InstrumentId& id : m_session.instruments()) {
            if (routeOf(id) == Route::Replay) {
                m_session.feed()->subscribeTrades(id);
                m_session.feed()->subscribeBars(id, Timeframe::H1);
            } else {
                m_session.feed()->unsubscribeTrades(id);
                m_session.feed()->unsubscribeBars(id, Timeframe::H1);
            }
        }
    for (auto it = m_liveSubscribed.begin(); it != m_liveSubscribed.end();) {
        if (wanted.count(*it)) {
            ++it;
            continue;
        }
        if (auto* f = m_session.venues()->feed(QString::fromStdString(it->venue))) {
            f->unsubscribeTrades(*it);
            f->unsubscribeQuotes(*it);
            f->unsubscribeTicker(*it);
            f->unsubscribeBars(*it, Timeframe::H1);
        }
        it = m_liveSubscribed.erase(it);
    }
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (const InstrumentId& id : wanted) {
        if (m_liveSubscribed.count(id)) continue;
        QString error;
        marketdata::ExchangeFeed* f = m_session.venues()->feed(QString::fromStdString(id.venue), &error);
        if (!f) {
            model->setNote(id, error);
            continue;
        }
        wireVenueFeed(f);
        m_liveSubscribed.insert(id);
        warmFromStore(id);
        f->subscribeTrades(id);
        f->subscribeQuotes(id);
        f->subscribeTicker(id);
        f->subscribeBars(id, Timeframe::H1);
        // History first from the store, then the venue fills what is missing (last 30 days of
        // 1h bars: enough to warm every signal rule).
        m_warmPending.insert(id);
        m_session.fetchHistory(id, Timeframe::H1, now - 30LL * 24 * 3600 * 1000, now);
        if (f->status().state != marketdata::FeedState::Live)
            model->setNote(id, tr("%1: %2").arg(f->name(), f->status().toString()));
    }
    updateVenueLabels();
}

void MainWindow::wireVenueFeed(marketdata::ExchangeFeed* f) {
    if (!m_wiredFeeds.insert(f).second) return;
    WatchlistModel* wl = m_watchlist->model();
    connect(f, &marketdata::MarketDataFeed::tradeReceived, wl, &WatchlistModel::onTrade);
    connect(f, &marketdata::MarketDataFeed::tradeReceived, m_charts, &ChartWorkspace::onTrade);
    connect(f, &marketdata::MarketDataFeed::quoteReceived, wl, &WatchlistModel::onQuote);
    connect(f, &marketdata::ExchangeFeed::tickerReceived, wl, [wl](const InstrumentId& id, const marketdata::Ticker24h& t) {
        wl->onStats24h(id, {t.openPrice, t.highPrice, t.lowPrice, t.volume, t.quoteVolume}, t.timeMs);
        if (!t.bid.isZero() || !t.ask.isZero()) wl->onQuote(id, Quote{t.timeMs, t.bid, Quantity{}, t.ask, Quantity{}});
    });
    connect(f, &marketdata::MarketDataFeed::barUpdated, this, &MainWindow::onBar);
    m_alerts->watch(f);
    connect(f, &marketdata::ExchangeFeed::barsBackfilled, this, [this](const InstrumentId& id, Timeframe tf, const std::vector<Bar>& bars) {
        for (const Bar& b : bars) onBar(id, tf, b);
    });
    wireTradingFeed(f);
    const QString venue = f->name();
    connect(f, &marketdata::MarketDataFeed::statusChanged, this,
            [this, venue](const marketdata::FeedStatus& st) { onVenueStatus(venue, st); });
    // The feed is destroyed when its venue is disabled.
    connect(f, &QObject::destroyed, this, [this, f] { m_wiredFeeds.erase(f); });
}

void MainWindow::onVenueStatus(const QString& venue, const marketdata::FeedStatus& st) {
    const QString note = st.state == marketdata::FeedState::Live ? QString() : tr("%1: %2").arg(venue, st.toString());
    for (const InstrumentId& id : m_liveSubscribed)
        if (QString::fromStdString(id.venue) == venue) m_watchlist->model()->setNote(id, note);
    updateVenueLabels();
}

void MainWindow::warmFromStore(const InstrumentId& id) {
    if (!m_session.candles()) return;
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    auto bars = m_session.candles()->range(id, Timeframe::H1, now - 30LL * 24 * 3600 * 1000, now + 3600 * 1000);
    if (!bars || bars->empty()) return;
    signal::SignalEngine& engine = m_signalEngines.insert_or_assign(id, signal::SignalEngine{}).first->second;
    std::optional<signal::Signal> last;
    for (const Bar& b : *bars)
        if (auto sig = engine.onBar(b, nextBucketStart(Timeframe::H1, b.openTimeMs))) last = sig;
    if (last) publishSignal(id, *last);
    for (std::size_t i = bars->size() > 48 ? bars->size() - 48 : 0; i < bars->size(); ++i)
        m_watchlist->model()->onBar(id, Timeframe::H1, (*bars)[i]);
    m_charts->reloadInstrument(id);  // the store has more of it now
}

void MainWindow::refreshKnownInstruments() {
    // Venue lists run to thousands of symbols: dedupe through a set, not a search per symbol.
    std::vector<InstrumentId> ids = m_session.instruments();
    std::unordered_set<InstrumentId> seen(ids.begin(), ids.end());
    for (const Instrument& i : m_session.venues()->allInstruments())
        if (seen.insert(i.id).second) ids.push_back(i.id);
    m_watchlist->setKnownInstruments(ids);
}

QLabel* MainWindow::venueLabel(const QString& venue) const {
    auto it = m_venueLabels.find(venue.toUpper());
    return it == m_venueLabels.end() ? nullptr : it->second;
}

void MainWindow::updateVenueLabels() {
    marketdata::VenueDirectory* dir = m_session.venues();
    for (auto it = m_venueLabels.begin(); it != m_venueLabels.end();) {
        if (dir->isEnabled(it->first)) {
            ++it;
            continue;
        }
        statusBar()->removeWidget(it->second);
        it->second->deleteLater();
        it = m_venueLabels.erase(it);
    }
    for (const QString& venue : dir->enabledVenues()) {
        QLabel*& label = m_venueLabels[venue];
        if (!label) {
            label = new QLabel;
            label->setObjectName(QStringLiteral("VenueStatus_") + venue);
            statusBar()->insertPermanentWidget(2, label);  // after the two normal widgets, before the server
        }
        const marketdata::ExchangeFeed* f = nullptr;
        for (auto* candidate : dir->feeds())
            if (candidate->name() == venue) f = candidate;
        const std::string venueName = venue.toStdString();
        const auto live = std::count_if(m_liveSubscribed.begin(), m_liveSubscribed.end(),
                                        [&](const InstrumentId& id) { return id.venue == venueName; });
        QString text;
        QString tip;
        const QString error = dir->lastError(venue);
        if (!error.isEmpty() && !dir->isReachable(venue)) {
            text = tr("%1: offline").arg(venue);
            tip = tr("%1 could not be reached: %2. Symbol search uses the last list it sent; the bundled replay keeps running.")
                      .arg(venue, error);
        } else if (f && live > 0) {
            text = tr("%1: %2").arg(venue, f->status().toString());
            tip = tr("%1 live data for %n symbol(s)", nullptr,
                     static_cast<int>(live))
                      .arg(venue);
        } else if (dir->isReachable(venue)) {
            text = tr("%1: ready").arg(venue);
            tip = tr("%1: %n instrument(s) listed; add one to the watchlist for live data", nullptr,
                     static_cast<int>(dir->instruments(venue).size()))
                      .arg(venue);
        } else {
            text = tr("%1: connecting…").arg(venue);
            tip = tr("Loading the instrument list of %1").arg(venue);
        }
        label->setText(text);
        label->setToolTip(tip);
    }
}

void MainWindow::showMarketDataSettings() {
    const marketdata::VenueSettings current = m_session.venueSettings();
    QDialog dlg(this);
    dlg.setObjectName(QStringLiteral("MarketDataSettings"));
    dlg.setWindowTitle(tr("Market data settings"));
    auto* layout = new QVBoxLayout(&dlg);
    auto* sourceBox = new QGroupBox(tr("Prices of the bundled symbols come from"));
    auto* replayRadio = new QRadioButton(tr("The bundled replay (real recorded data, works offline)"));
    auto* liveRadio = new QRadioButton(tr("The live exchange (falls back to the replay when it cannot be reached)"));
    (current.source == marketdata::DataSource::Live ? liveRadio : replayRadio)->setChecked(true);
    auto* sl = new QVBoxLayout(sourceBox);
    sl->addWidget(replayRadio);
    sl->addWidget(liveRadio);
    auto* restartNote = new QLabel(tr("A change of source takes effect at the next start."));
    restartNote->setEnabled(false);
    sl->addWidget(restartNote);
    layout->addWidget(sourceBox);

    auto* venueBox = new QGroupBox(tr("Venues (symbol search and live prices of the symbols you add)"));
    auto* form = new QFormLayout(venueBox);
    std::map<QString, QCheckBox*> boxes;
    for (const QString& v : marketdata::supportedVenues()) {
        auto* cb = new QCheckBox;
        cb->setObjectName(QStringLiteral("VenueEnabled_") + v);
        cb->setChecked(current.enabled.contains(v));
        const QString err = m_session.venues()->lastError(v);
        cb->setToolTip(err.isEmpty() ? QString() : err);
        boxes[v] = cb;
        form->addRow(v, cb);
    }
    auto* def = new QComboBox;
    def->setObjectName(QStringLiteral("DefaultVenue"));
    def->addItems(marketdata::supportedVenues());
    def->setCurrentText(current.defaultVenue);
    form->addRow(tr("Default venue for bare symbols"), def);
    layout->addWidget(venueBox);
    auto* urlNote = new QLabel(tr("Base URLs (test servers, regional hosts): settings marketdata/&lt;VENUE&gt;/restUrl and wsUrl, "
                                  "or KAIROS_&lt;VENUE&gt;_REST_URL / _WS_URL."));
    urlNote->setWordWrap(true);
    urlNote->setEnabled(false);
    layout->addWidget(urlNote);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    layout->addWidget(buttons);
    if (dlg.exec() != QDialog::Accepted) return;
    marketdata::VenueSettings next;
    for (const auto& [v, cb] : boxes)
        if (cb->isChecked()) next.enabled << v;
    next.defaultVenue = def->currentText();
    next.source = liveRadio->isChecked() ? marketdata::DataSource::Live : marketdata::DataSource::Replay;
    m_session.applyVenueSettings(next);
    m_watchlist->setDefaultVenue(next.defaultVenue);
    refreshKnownInstruments();
    syncLiveSubscriptions();
    m_charts->reloadAll();  // routes changed: history ends elsewhere now
}

void MainWindow::publishSignal(const InstrumentId& id, const signal::Signal& s) {
    marketdata::TickerSignal t;
    t.side = s.side == signal::Direction::Long    ? marketdata::SignalSide::Long
             : s.side == signal::Direction::Short ? marketdata::SignalSide::Short
                                                   : marketdata::SignalSide::Hold;
    t.confidence = s.confidence;
    t.timeMs = s.timeMs;
    if (s.side != signal::Direction::Hold) {
        t.entry = s.entry;
        t.stopLoss = s.stopLoss;
        t.takeProfits.assign(s.takeProfits.begin(), s.takeProfits.end());
    }
    t.reasons = s.reasons;
    m_watchlist->model()->onSignal(id, t);
}

void MainWindow::setupBacktest() {
    // The Backtest dock's content, and the watchlist's "Backtest…" opening it on that symbol.
    m_backtest = new BacktestWidget(m_session.databasePath());
    m_backtest->setObjectName(QStringLiteral("Backtest"));
    m_backtest->setInstruments(m_session.instruments());
    m_backtest->setInstrumentLookup([this](const InstrumentId& id) -> std::optional<Instrument> {
        if (const Instrument* i = m_session.venues()->find(id)) return *i;
        return std::nullopt;
    });
    QDockWidget* d = dock(QStringLiteral("BacktestDock"));
    delete d->widget();
    d->setWidget(m_backtest);
    connect(m_watchlist, &WatchlistWidget::backtestRequested, this, [this, d](const InstrumentId& id) {
        d->show();
        d->raise();
        m_backtest->runFor(id);
    });
}

void MainWindow::showInstrument(const InstrumentId& id) { m_charts->showInstrument(id); }

charts::CandleChart* MainWindow::chart() const { return m_charts->activeChart(); }

void MainWindow::buildLayoutMenu(QMenu* view) {
    QMenu* layouts = view->addMenu(tr("Chart &layouts"));
    layouts->setObjectName(QStringLiteral("ChartLayoutsMenu"));
    layouts->addAction(tr("&Save as…"), this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Save chart layout"), tr("Name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || name.isEmpty()) return;
        if (m_charts->layoutNames().contains(name) &&
            QMessageBox::question(this, tr("Save chart layout"), tr("Replace the layout “%1”?").arg(name)) != QMessageBox::Yes)
            return;
        if (auto st = m_charts->saveLayout(name); !st) QMessageBox::warning(this, tr("Save chart layout"), QString::fromStdString(st.message()));
        else statusBar()->showMessage(tr("Chart layout “%1” saved.").arg(name), 4000);
    });
    QMenu* load = layouts->addMenu(tr("&Load"));
    QMenu* remove = layouts->addMenu(tr("&Delete"));
    // Both submenus list the saved layouts as they are when opened.
    connect(layouts, &QMenu::aboutToShow, this, [this, load, remove] {
        load->clear();
        remove->clear();
        const QStringList names = m_charts->layoutNames();
        load->setEnabled(!names.isEmpty());
        remove->setEnabled(!names.isEmpty());
        for (const QString& name : names) {
            load->addAction(name, this, [this, name] {
                if (auto st = m_charts->loadLayout(name); !st)
                    QMessageBox::warning(this, tr("Load chart layout"), QString::fromStdString(st.message()));
            });
            remove->addAction(name, this, [this, name] {
                if (QMessageBox::question(this, tr("Delete chart layout"), tr("Delete the layout “%1”?").arg(name)) != QMessageBox::Yes)
                    return;
                if (auto st = m_charts->deleteLayout(name); !st)
                    QMessageBox::warning(this, tr("Delete chart layout"), QString::fromStdString(st.message()));
            });
        }
    });
}

void MainWindow::setTheme(const QString& name) {
    m_theme = themeNames().contains(name) ? name : QStringLiteral("dark");
    applyAppTheme(m_theme);
    m_charts->setChartTheme(charts::ChartTheme::byName(m_theme));
    if (m_backtest) m_backtest->setChartTheme(charts::ChartTheme::byName(m_theme));
    m_session.settings().setValue(QStringLiteral("ui/theme"), m_theme);
    if (auto* menu = findChild<QMenu*>(QStringLiteral("ThemeMenu")))
        for (QAction* a : menu->actions()) a->setChecked(a->objectName() == QStringLiteral("Theme_") + m_theme);
}

void MainWindow::saveLayout() {
    (void)m_charts->saveLastLayout();  // best effort: no database means no layout to keep
    m_session.settings().setValue(QString::fromLatin1(kGeometryKey), saveGeometry());
    m_session.settings().setValue(QString::fromLatin1(kStateKey), saveState(kLayoutVersion));
    m_session.settings().sync();
}

bool MainWindow::restoreLayout() {
    const QByteArray geometry = m_session.settings().value(QString::fromLatin1(kGeometryKey)).toByteArray();
    const QByteArray state = m_session.settings().value(QString::fromLatin1(kStateKey)).toByteArray();
    if (!geometry.isEmpty()) restoreGeometry(geometry);
    return !state.isEmpty() && restoreState(state, kLayoutVersion);
}

void MainWindow::resetLayout() {
    restoreState(m_defaultState, kLayoutVersion);
    for (auto* d : findChildren<QDockWidget*>()) {
        d->setFloating(false);
        d->show();
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    event->accept();
}

void MainWindow::setupAlerts() {
    // Formula alerts warm up on the bars before now: what the replay has played, or the stored
    // candles of a live symbol.
    auto history = [this](const InstrumentId& id, Timeframe tf) {
        if (routeOf(id) == Route::Replay)
            return m_session.isLoaded() ? m_session.feed()->closedBars(id, tf) : std::vector<Bar>{};
        if (!m_session.candles()) return std::vector<Bar>{};
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
        auto bars = m_session.candles()->range(id, tf, now - 90LL * 24 * 3600 * 1000, now);
        return bars ? std::move(*bars) : std::vector<Bar>{};
    };
    m_alerts = new AlertCenter(m_session.database(), history, this);
    m_alerts->setBaseTimeframe(Timeframe::H1);  // what the feeds publish (wireFeed, syncLiveSubscriptions)
    m_alerts->load();
    m_alerts->watch(m_session.feed());  // venue feeds: wireVenueFeed
    m_alertsPanel = new AlertsWidget(*m_alerts);
    m_alertsPanel->setObjectName(QStringLiteral("AlertsPanel"));
    if (QDockWidget* d = dock(QStringLiteral("AlertsDock"))) {
        delete d->widget();  // the placeholder
        d->setWidget(m_alertsPanel);
    }
    QSettings& settings = m_session.settings();
    m_alertsPanel->soundBox()->setChecked(settings.value(QStringLiteral("alerts/sound"), true).toBool());
    m_alertsPanel->desktopBox()->setChecked(settings.value(QStringLiteral("alerts/desktop"), true).toBool());
    connect(m_alertsPanel->soundBox(), &QCheckBox::toggled, this, [this](bool on) { m_session.settings().setValue(QStringLiteral("alerts/sound"), on); });
    connect(m_alertsPanel->desktopBox(), &QCheckBox::toggled, this,
            [this](bool on) { m_session.settings().setValue(QStringLiteral("alerts/desktop"), on); });
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        m_alertsPanel->desktopBox()->setEnabled(false);
        m_alertsPanel->desktopBox()->setToolTip(tr("This desktop has no system tray: alerts show in the terminal only"));
    }
    m_alertToast = new AlertToast(this);

    connect(m_alerts, &AlertCenter::eventOccurred, this, [this](const alerts::AlertEvent& e) {
        const QString symbol = QString::fromStdString(e.instrument.toString());
        const QString text = QString::fromStdString(e.message);
        const bool fired = e.kind == alerts::EventKind::Fired;
        const QString title = fired ? tr("Alert: %1").arg(symbol) : tr("Alert expired: %1").arg(symbol);
        statusBar()->showMessage(tr("%1 — %2").arg(title, text), 15000);
        m_alertToast->showAlert(title, text);
        if (m_alertsPanel->desktopBox()->isChecked() && QSystemTrayIcon::isSystemTrayAvailable()) {
            if (!m_tray) {
                QIcon icon = QApplication::windowIcon();
                if (icon.isNull()) icon = style()->standardIcon(QStyle::SP_MessageBoxInformation);
                m_tray = new QSystemTrayIcon(icon, this);
                m_tray->setToolTip(windowTitle());
                m_tray->show();
            }
            m_tray->showMessage(title, text, QSystemTrayIcon::Information, 10000);
        }
        if (fired && m_alertsPanel->soundBox()->isChecked()) QApplication::beep();
    });
    connect(m_alerts, &AlertCenter::errorOccurred, this, [this](const QString& m) { statusBar()->showMessage(m, 15000); });
    connect(m_watchlist, &WatchlistWidget::alertRequested, this, [this](const InstrumentId& id) { requestAlert(id); });
    connect(m_alertsPanel, &AlertsWidget::createRequested, this, [this] {
        const InstrumentId id = chart() ? chart()->instrument() : InstrumentId{};
        if (id.symbol.empty()) statusBar()->showMessage(tr("Open a symbol in the chart first (or right-click it in the watchlist)."), 5000);
        else requestAlert(id);
    });
    connect(m_alertsPanel, &AlertsWidget::editRequested, this, &MainWindow::editAlert);
    connect(m_alertsPanel, &AlertsWidget::instrumentActivated, this, &MainWindow::showInstrument);
    // Alt+A on a chart (TradingView): an alert at the cursor's price, else at the last price.
    auto* altA = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_A), m_charts, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    altA->setObjectName(QStringLiteral("AlertAtCursor"));
    connect(altA, &QShortcut::activated, this, [this] {
        charts::CandleChart* c = chart();
        if (!c || c->instrument().symbol.empty()) return;
        std::optional<double> at;
        const QPoint p = c->plot()->mapFromGlobal(QCursor::pos());
        if (c->priceRect() && c->priceRect()->rect().contains(p)) at = c->priceAxis()->pixelToCoord(p.y());
        requestAlert(c->instrument(), at);
    });
}

namespace {
/// Formula alerts run on the 1h bars the feeds publish and on the timeframes those tile.
std::vector<Timeframe> alertBarTimeframes() {
    return {Timeframe::H1, Timeframe::H2, Timeframe::H4, Timeframe::H6, Timeframe::H12, Timeframe::D1};
}
}  // namespace

void MainWindow::requestAlert(const InstrumentId& id, std::optional<double> level) {
    std::optional<Price> last;
    if (const int row = m_watchlist->model()->rowOf(id); row >= 0 && row < m_watchlist->model()->rowCount())
        last = m_watchlist->model()->ticker(row).last;
    int precision = last ? last->scale() : 8;
    for (const Instrument& i : m_session.venues()->instruments(QString::fromStdString(id.venue)))
        if (i.id == id) precision = i.pricePrecision;
    auto* dlg = new AlertDialog(id, last, precision, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->setBarTimeframes(alertBarTimeframes(), {Timeframe::H1});
    if (level) dlg->setLevel(*level);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        auto rule = dlg->rule();
        if (!rule) return;
        if (auto added = m_alerts->addRule(*rule); !added)
            QMessageBox::warning(this, tr("Create alert"), tr("The alert could not be created: %1").arg(QString::fromStdString(added.message())));
        else
            statusBar()->showMessage(tr("Alert set: %1 %2").arg(QString::fromStdString(rule->instrument.toString()),
                                                                 QString::fromStdString(alerts::describe(*rule))),
                                     5000);
    });
    dlg->open();
}

void MainWindow::editAlert(std::int64_t id) {
    const alerts::AlertRule* r = m_alerts->rule(id);
    if (!r) return;
    std::optional<Price> last;
    if (const int row = m_watchlist->model()->rowOf(r->instrument); row >= 0 && row < m_watchlist->model()->rowCount())
        last = m_watchlist->model()->ticker(row).last;
    const int precision = alerts::isPriceCondition(r->condition) ? r->level.scale() : (last ? last->scale() : 8);
    auto* dlg = new AlertDialog(r->instrument, last, precision, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->setBarTimeframes(alertBarTimeframes(), {Timeframe::H1});
    dlg->setRule(*r);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        auto rule = dlg->rule();
        if (!rule) return;
        if (auto st = m_alerts->updateRule(*rule); !st)
            QMessageBox::warning(this, tr("Edit alert"), tr("The alert could not be saved: %1").arg(QString::fromStdString(st.message())));
    });
    dlg->open();
}

}  // namespace kairos::ui
