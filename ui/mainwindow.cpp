#include "mainwindow.h"

#include "alertchannelsdialog.h"
#include "alertdialog.h"
#include "alertswidget.h"
#include "cloud/cloudclient.h"
#include "apptheme.h"
#include "backtestwidget.h"
#include "candlechart.h"
#include "charttheme.h"
#include "chartworkspace.h"
#include "hubadapters.h"
#include "marketdatasettingsdialog.h"
#include "signalswidget.h"
#include "terminalsession.h"
#include "terminalstatusbar.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "domain/timeframe.h"
#include "session/terminalservices.h"
#include "storage/drawingstore.h"
#include "storage/watchliststore.h"
#include "trading/instrumentdefaults.h"
#include "util/version.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QCursor>
#include <QDialog>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QShortcut>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <set>
#include <unordered_set>

namespace kairos::ui {

namespace {
const char* kGeometryKey = "window/geometry";
const char* kStateKey = "window/state";
constexpr int kLayoutVersion = 1;
}  // namespace

MainWindow::MainWindow(TerminalSession& session, QWidget* parent)
    : QMainWindow(parent), m_session(session), m_services(new session::TerminalServices(session, this)) {
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
    connectWatchlist(*m_services, m_watchlist->model());
    // Charts read history from the profile database off the GUI thread, up to the replay clock
    // (the store also holds the replay's future); live bars come from the hub.
    m_charts = new ChartWorkspace(session.databasePath(), session.database());
    m_charts->setInstruments(session.instruments());
    m_charts->setLiveBarTimeframe(Timeframe::H1);
    connectCharts(*m_services, m_charts);
    connect(m_charts, &ChartWorkspace::activeSeriesChanged, this, [this](const InstrumentId& id, Timeframe tf) {
        if (auto* d = dock(QStringLiteral("ChartDock")))
            d->setWindowTitle(
                tr("Chart — %1 · %2").arg(QString::fromStdString(id.toString()), QString::fromStdString(toString(tf))));
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
    m_signalsAdapter = new SignalsPanelAdapter(*m_services, m_signalsPanel, m_charts, this);
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
    m_status = new TerminalStatusBar(statusBar(), *m_services, this);
    new AlertNotifier(*m_services, m_alertsPanel->desktopBox(), m_alertsPanel->soundBox(), m_status, m_alertToast, this);
    // Without a profile database the terminal runs for this session only: say so once.
    if (!session.database())
        m_status->showMessage(tr("The profile database could not be opened: watchlists, alerts, signals and paper trades last "
                                 "for this session only (%1).")
                                  .arg(session.databaseError()),
                              30000);
    wireServices();
    setupTrading();
    setupJournal();
    setupBots();
    m_defaultState = saveState(kLayoutVersion);
    restoreLayout();
    setupAccount();
    if (m_session.isLoaded() && !m_charts->restoreLastLayout()) m_charts->reloadAll();
}

MainWindow::~MainWindow() {
    // The docks' widgets and open dialogs (order tickets, the accounts and alert dialogs) hold
    // references to the services (created first, so deleted first among the children): the
    // widgets go before them.
    qDeleteAll(findChildren<QDialog*>(Qt::FindDirectChildrenOnly));
    qDeleteAll(findChildren<QDockWidget*>(Qt::FindDirectChildrenOnly));
}

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
    const std::pair<QString, double> options[] = {
        {tr("1×"), 1}, {tr("10×"), 10}, {tr("60×"), 60}, {tr("3600× (1 h/s)"), 3600}, {tr("Max"), 0}};
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
        const int secs = QInputDialog::getInt(
            this, tr("Stale data"), tr("Grey out a symbol after this many seconds without an update:"),
            m_session.settings().value(QStringLiteral("watchlist/staleAfterSec"), 60).toInt(), 5, 86400, 5, &ok);
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

void MainWindow::wireServices() {
    session::MarketRouter& router = m_services->router();
    connect(&m_session, &TerminalSession::loadFailed, this, [this](const QString& m) {
        QMessageBox::warning(
            this, tr("Market data"),
            tr("The bundled market data could not be loaded.\n\n%1\n\nThe terminal stays open without data.").arg(m));
    });
    // The router has warmed the watchlist and the signal engines and subscribed the feeds by now.
    connect(&m_session, &TerminalSession::loaded, this, [this] {
        if (!m_charts->restoreLastLayout()) m_charts->reloadAll();
        const std::vector<InstrumentId> bundled = m_session.instruments();
        std::set<InstrumentId> ids(bundled.begin(), bundled.end());
        for (const InstrumentId& id : m_watchlist->model()->instruments()) ids.insert(id);
        m_signalsAdapter->loadHistory({ids.begin(), ids.end()});
    });
    // Exchanges: instrument lists for search; live prices for the watched symbols routed to them.
    connect(m_session.venues(), &marketdata::VenueDirectory::instrumentsChanged, this, &MainWindow::refreshKnownInstruments);
    WatchlistModel* wl = m_watchlist->model();
    router.setWatched(wl->instruments());
    auto* sync = new QTimer(this);  // coalesces list edits into one resubscription
    sync->setSingleShot(true);
    sync->setInterval(0);
    connect(sync, &QTimer::timeout, this, [this] {
        m_services->router().setWatched(m_watchlist->model()->instruments());
        m_services->router().sync();
    });
    for (auto sig : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(wl, sig, sync, qOverload<>(&QTimer::start));
    connect(wl, &QAbstractItemModel::modelReset, sync, qOverload<>(&QTimer::start));
    connect(&router, &session::MarketRouter::historyFailed, this,
            [this](const InstrumentId& id, Timeframe, const QString& reason) {
                m_status->showMessage(
                    tr("History of %1 could not be downloaded: %2").arg(QString::fromStdString(id.toString()), reason), 10000);
            });
    if (!m_session.venueSettingsError().isEmpty())
        m_status->showMessage(tr("Market data settings ignored: %1").arg(m_session.venueSettingsError()), 15000);
    m_session.venues()->refreshAll();
}

MainWindow::Route MainWindow::routeOf(const InstrumentId& id, QString* why) const {
    return m_services->router().routeOf(id, why);
}

QLabel* MainWindow::venueLabel(const QString& venue) const { return m_status->venueLabel(venue); }

void MainWindow::refreshKnownInstruments() {
    // Venue lists run to thousands of symbols: dedupe through a set, not a search per symbol.
    std::vector<InstrumentId> ids = m_session.instruments();
    std::unordered_set<InstrumentId> seen(ids.begin(), ids.end());
    for (const Instrument& i : m_session.venues()->allInstruments())
        if (seen.insert(i.id).second) ids.push_back(i.id);
    m_watchlist->setKnownInstruments(ids);
}

void MainWindow::showMarketDataSettings() {
    auto next = askMarketDataSettings(this, m_session.venueSettings(), *m_session.venues());
    if (!next) return;
    m_session.applyVenueSettings(*next);
    m_watchlist->setDefaultVenue(next->defaultVenue);
    refreshKnownInstruments();
    m_services->router().sync();
    m_charts->reloadAll();  // routes changed: history ends elsewhere now
}

void MainWindow::setupBacktest() {
    // The Backtest dock's content, and the watchlist's "Backtest…" opening it on that symbol.
    m_backtest = new BacktestWidget(m_session.databasePath());
    m_backtest->setObjectName(QStringLiteral("Backtest"));
    m_backtest->setInstruments(m_session.instruments());
    // The same instrument rules as paper trading: the venue's list, else Binance's filters for
    // the bundled symbols.
    m_backtest->setInstrumentLookup([this](const InstrumentId& id) -> std::optional<Instrument> {
        if (const Instrument* i = m_session.venues()->find(id)) return *i;
        return trading::bundledInstrumentRules(id);
    });
    QDockWidget* d = dock(QStringLiteral("BacktestDock"));
    delete d->widget();
    d->setWidget(m_backtest);
    connect(m_watchlist, &WatchlistWidget::backtestRequested, this, [this, d](const InstrumentId& id) {
        d->show();
        d->raise();
        m_backtest->runFor(id);
    });
    connect(m_backtest, &BacktestWidget::tradeActivated, this,
            [this](const BacktestTradeMark& m) { showBacktestTrade(*m_charts, m); });
}

void MainWindow::showInstrument(const InstrumentId& id) { m_charts->showInstrument(id); }

charts::CandleChart* MainWindow::chart() const { return m_charts->activeChart(); }

void MainWindow::buildLayoutMenu(QMenu* view) {
    QMenu* layouts = view->addMenu(tr("Chart &layouts"));
    layouts->setObjectName(QStringLiteral("ChartLayoutsMenu"));
    layouts->addAction(tr("&Save as…"), this, [this] {
        bool ok = false;
        const QString name =
            QInputDialog::getText(this, tr("Save chart layout"), tr("Name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || name.isEmpty()) return;
        if (m_charts->layoutNames().contains(name) &&
            QMessageBox::question(this, tr("Save chart layout"), tr("Replace the layout “%1”?").arg(name)) != QMessageBox::Yes)
            return;
        if (auto st = m_charts->saveLayout(name); !st)
            QMessageBox::warning(this, tr("Save chart layout"), QString::fromStdString(st.message()));
        else
            statusBar()->showMessage(tr("Chart layout “%1” saved.").arg(name), 4000);
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
                if (QMessageBox::question(this, tr("Delete chart layout"), tr("Delete the layout “%1”?").arg(name)) !=
                    QMessageBox::Yes)
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
    m_alerts = &m_services->alertService();
    m_alertsPanel = new AlertsWidget(*m_alerts);
    m_alertsPanel->setObjectName(QStringLiteral("AlertsPanel"));
    if (QDockWidget* d = dock(QStringLiteral("AlertsDock"))) {
        delete d->widget();  // the placeholder
        d->setWidget(m_alertsPanel);
    }
    QSettings& settings = m_session.settings();
    m_alertsPanel->soundBox()->setChecked(settings.value(QStringLiteral("alerts/sound"), true).toBool());
    m_alertsPanel->desktopBox()->setChecked(settings.value(QStringLiteral("alerts/desktop"), true).toBool());
    connect(m_alertsPanel->soundBox(), &QCheckBox::toggled, this,
            [this](bool on) { m_session.settings().setValue(QStringLiteral("alerts/sound"), on); });
    connect(m_alertsPanel->desktopBox(), &QCheckBox::toggled, this,
            [this](bool on) { m_session.settings().setValue(QStringLiteral("alerts/desktop"), on); });
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        m_alertsPanel->desktopBox()->setEnabled(false);
        m_alertsPanel->desktopBox()->setToolTip(tr("This desktop has no system tray: alerts show in the terminal only"));
    }
    m_alertToast = new AlertToast(this);
    connect(m_alerts, &AlertCenter::errorOccurred, this, [this](const QString& m) { m_status->showMessage(m, 15000); });
    connect(m_watchlist, &WatchlistWidget::alertRequested, this, [this](const InstrumentId& id) { requestAlert(id); });
    connect(m_alertsPanel, &AlertsWidget::createRequested, this, [this] {
        const InstrumentId id = chart() ? chart()->instrument() : InstrumentId{};
        if (id.symbol.empty())
            m_status->showMessage(tr("Open a symbol in the chart first (or right-click it in the watchlist)."), 5000);
        else
            requestAlert(id);
    });
    connect(m_alertsPanel, &AlertsWidget::editRequested, this, &MainWindow::editAlert);
    m_alertsPanel->setDeliveryQueue(m_services->deliveryQueue());
    connect(m_alertsPanel, &AlertsWidget::channelsRequested, this, [this] {
        if (!m_services->deliveryQueue()) return;
        auto* dlg = new AlertChannelsDialog(*m_services->deliveryQueue(), this);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        dlg->setCloudClient(m_cloud);
        connect(dlg, &AlertChannelsDialog::channelsChanged, m_alertsPanel, &AlertsWidget::refreshDeliveries);
        dlg->open();
    });
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

/// The alert dialog's data: the chart's lines, the watchlists, and the "Now" line's market data
/// (the watchlist's last price and quotes, the 1h bars the alerts run on).
void fillAlertDialog(AlertDialog* dlg, const InstrumentId& id, WatchlistModel* model, session::MarketRouter& router,
                     TerminalSession& session) {
    alerts::MarketSnapshot now;
    if (const int row = model->rowOf(id); row >= 0 && row < model->rowCount()) {
        const marketdata::Ticker& t = model->ticker(row);
        now.last = t.last;
        now.bid = t.bid;
        now.ask = t.ask;
        now.timeMs = t.updatedMs;
    }
    now.barsTimeframe = Timeframe::H1;
    now.bars = router.recentBars(id, Timeframe::H1);
    if (now.timeMs == 0 && !now.bars.empty()) now.timeMs = nextBucketStart(Timeframe::H1, now.bars.back().openTimeMs);
    std::vector<storage::Drawing> drawings;
    if (storage::Database* db = session.database())
        if (auto loaded = storage::DrawingStore(*db).load(id)) drawings = loaded->drawings;
    dlg->setDrawings(drawings);
    std::vector<std::pair<std::int64_t, QString>> lists;
    if (storage::WatchlistStore* store = session.watchlists())
        if (auto all = store->all())
            for (const storage::Watchlist& w : *all) lists.emplace_back(w.id, QString::fromStdString(w.name));
    dlg->setWatchlists(lists);
    dlg->setMarketSnapshot(std::move(now));
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
    dlg->setBarTimeframes(alertBarTimeframes(), alertBarTimeframes());
    if (auto* q = m_services->deliveryQueue())
        if (auto channels = q->store().channels()) dlg->setChannels(*channels);
    if (level) dlg->setLevel(*level);
    fillAlertDialog(dlg, id, m_watchlist->model(), m_services->router(), m_session);
    dlg->setServerAccount(m_cloud, m_alerts->rules());
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        auto rule = dlg->rule();
        if (!rule) return;
        if (auto added = m_alerts->addRule(*rule); !added)
            QMessageBox::warning(this, tr("Create alert"),
                                 tr("The alert could not be created: %1").arg(QString::fromStdString(added.message())));
        else
            m_status->showMessage(
                tr("Alert set: %1 %2")
                    .arg(QString::fromStdString(rule->instrument.toString()), QString::fromStdString(alerts::describe(*rule))),
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
    dlg->setBarTimeframes(alertBarTimeframes(), alertBarTimeframes());
    if (auto* q = m_services->deliveryQueue())
        if (auto channels = q->store().channels()) dlg->setChannels(*channels);
    fillAlertDialog(dlg, r->instrument, m_watchlist->model(), m_services->router(), m_session);
    dlg->setServerAccount(m_cloud, m_alerts->rules());
    dlg->setRule(*r);
    connect(dlg, &QDialog::accepted, this, [this, dlg] {
        auto rule = dlg->rule();
        if (!rule) return;
        if (auto st = m_alerts->updateRule(*rule); !st)
            QMessageBox::warning(this, tr("Edit alert"),
                                 tr("The alert could not be saved: %1").arg(QString::fromStdString(st.message())));
    });
    dlg->open();
}

}  // namespace kairos::ui
