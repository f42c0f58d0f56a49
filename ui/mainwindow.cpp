#include "mainwindow.h"

#include "candlechart.h"
#include "chartworkspace.h"
#include "terminalsession.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "domain/timeframe.h"
#include "util/version.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QLabel>
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
    m_watchlist->setKnownInstruments(session.instruments());
    m_watchlist->loadLists(tr("Main"), session.instruments());
    connect(m_watchlist, &WatchlistWidget::instrumentActivated, this, &MainWindow::showInstrument);
    for (auto signal : {&WatchlistWidget::alertRequested, &WatchlistWidget::orderTicketRequested, &WatchlistWidget::backtestRequested}) {
        connect(m_watchlist, signal, this, [this](const InstrumentId& id) {
            statusBar()->showMessage(tr("%1: this panel is not built yet.").arg(QString::fromStdString(id.toString())), 5000);
        });
    }
    m_watchlist->model()->setStaleAfterMs(session.settings().value(QStringLiteral("watchlist/staleAfterSec"), 60).toInt() * 1000);
    // Charts read history from the profile database off the GUI thread, up to the replay clock
    // (the store also holds the replay's future); live bars come from the feed (wireFeed).
    m_charts = new ChartWorkspace(session.databasePath(), session.database());
    m_charts->setInstruments(session.instruments());
    m_charts->setLiveBarTimeframe(Timeframe::H1);
    m_charts->setHistoryEnd([&session] {
        return session.isLoaded() ? session.feed()->clockMs() : std::numeric_limits<std::int64_t>::min();
    });
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
    auto* backtest = addDock(QStringLiteral("BacktestDock"), tr("Backtest"),
                             placeholder(tr("The backtester"), tr("the backtest issue")), Qt::BottomDockWidgetArea);
    tabifyDockWidget(orders, alerts);
    tabifyDockWidget(alerts, backtest);
    orders->raise();
    resizeDocks({chartDock, watchDock}, {1050, 450}, Qt::Horizontal);
    resizeDocks({chartDock, orders}, {650, 200}, Qt::Vertical);

    buildMenus();
    buildStatusBar();
    wireFeed();
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
    buildLayoutMenu(view);

    QMenu* trade = menuBar()->addMenu(tr("&Trade"));
    QAction* ticket = trade->addAction(tr("New order… (not built yet)"));
    ticket->setShortcut(Qt::Key_F9);
    ticket->setEnabled(false);

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
            m_session.feed()->subscribeTrades(id);
            m_session.feed()->subscribeBars(id, Timeframe::H1);
        }
        if (!m_charts->restoreLastLayout()) m_charts->reloadAll();
    });
    WatchlistModel* wl = m_watchlist->model();
    connect(feed, &marketdata::MarketDataFeed::tradeReceived, wl, &WatchlistModel::onTrade);
    connect(feed, &marketdata::MarketDataFeed::tradeReceived, m_charts, &ChartWorkspace::onTrade);
    connect(feed, &marketdata::MarketDataFeed::quoteReceived, wl, &WatchlistModel::onQuote);
    connect(feed, &marketdata::MarketDataFeed::barUpdated, this, [this, wl](const InstrumentId& id, Timeframe tf, const Bar& b) {
        wl->onBar(id, tf, b);
        m_charts->onBar(id, tf, b);
        if (b.closed && tf == Timeframe::H1) {
            auto it = m_signalEngines.find(id);
            if (it != m_signalEngines.end())
                if (auto sig = it->second.onBar(b, nextBucketStart(tf, b.openTimeMs))) publishSignal(id, *sig);
        }
    });
    connect(feed, &marketdata::MarketDataFeed::statusChanged, this, [this](const marketdata::FeedStatus& s) {
        m_feedLabel->setText(tr("Feed: %1").arg(s.toString()));
    });
    connect(feed, &marketdata::ReplayFeed::clockChanged, this, [this](qint64 ms) {
        m_clockLabel->setText(tr("Replay clock: %1")
                                  .arg(QString::fromStdString(formatUtc(ms)).left(16).replace(QLatin1Char('T'), QLatin1Char(' ')) +
                                       QStringLiteral(" UTC")));
    });
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

}  // namespace kairos::ui
