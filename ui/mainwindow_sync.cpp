// MainWindow: workspace sync (core/sync) while an account is signed in. Kept apart from
// mainwindow.cpp (which assembles the docks) and from mainwindow_account.cpp (the account itself).
//
// Who starts a round: signing in, a local edit (the profile is scanned at once, so an edit keeps the
// time it was made, and a round follows kEditDebounceMs after the last edit), a timer every
// kPeriodMs, and File › Sync now. Rounds are asynchronous on the GUI thread's event loop (the engine
// never blocks on the network); the access token is fetched from the account client before each
// round, refreshed when needed. What a round brings in is shown through the widgets' own reload
// paths. Offline is a state shown in the status bar's account field, never a dialog.
#include "accountstatuslabel.h"
#include "alertswidget.h"
#include "chartworkspace.h"
#include "mainwindow.h"
#include "terminalstatusbar.h"
#include "watchlistmodel.h"
#include "watchlistwidget.h"

#include "alerts/alertstore.h"
#include "cloud/cloudclient.h"
#include "storage/database.h"
#include "storage/drawingstore.h"
#include "storage/layoutstore.h"
#include "sync/alertrulesource.h"
#include "sync/profilesources.h"
#include "sync/syncengine.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTime>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <set>
#include <utility>

namespace kairos::ui {

namespace {

constexpr int kEditDebounceMs = 2000;
constexpr int kPeriodMs = 60'000;

/// Passes a source through and notes which kinds a round changed in the profile.
class AppliedKinds final : public sync::ISyncSource {
public:
    AppliedKinds(std::unique_ptr<sync::ISyncSource> inner, std::set<std::string>& applied)
        : m_inner(std::move(inner)), m_applied(applied) {}
    std::string kind() const override { return m_inner->kind(); }
    Result<sync::Snapshot> snapshot() override { return m_inner->snapshot(); }
    Status apply(const std::string& id, const std::string& payload) override {
        m_applied.insert(kind());
        return m_inner->apply(id, payload);
    }
    Status remove(const std::string& id) override {
        m_applied.insert(kind());
        return m_inner->remove(id);
    }

private:
    std::unique_ptr<sync::ISyncSource> m_inner;
    std::set<std::string>& m_applied;
};

/// "1 change pending", "3 changes pending".
QString changesPending(std::size_t n) {
    return n == 1 ? QObject::tr("1 change pending") : QObject::tr("%1 changes pending").arg(n);
}

/// The engine's error without its "sync: " prefix (the field already says "Sync").
QString withoutPrefix(QString error) {
    if (error.startsWith(QLatin1String("sync: "))) error.remove(0, 6);
    return error;
}

}  // namespace

/// The profile's sync engine, its sources and triggers (one per window; GUI thread).
class WorkspaceSync : public QObject {
public:
    /// What a round changed in the profile, for the widgets to reload ("watchlist", "drawings", …).
    using Refresh = std::function<void(const std::set<std::string>& kinds)>;

    WorkspaceSync(storage::Database& db, QSettings& settings, storage::WatchlistStore& watchlists, cloud::CloudClient& cloud,
                  AccountStatusLabel& label, Refresh refresh, QObject* parent)
        : QObject(parent),
          m_layouts(db),
          m_drawings(db),
          m_alertStore(db),
          m_cloud(cloud),
          m_label(label),
          m_refresh(std::move(refresh)),
          m_client(cloud.serverUrl(), [this] { return m_token; }) {
        std::vector<std::unique_ptr<sync::ISyncSource>> sources;
        sources.push_back(std::make_unique<sync::WatchlistSource>(watchlists));
        sources.push_back(std::make_unique<sync::ChartLayoutSource>(m_layouts));
        sources.push_back(std::make_unique<sync::DrawingSource>(db, m_drawings));
        sources.push_back(std::make_unique<sync::PreferenceSource>(settings));
        if (auto alertRules = sync::AlertRuleSource::create(db, m_alertStore))
            sources.push_back(std::move(*alertRules));
        else
            m_setupError = QString::fromStdString(alertRules.message());
        auto engine = sync::SyncEngine::create(db, m_client);
        if (!engine) {
            m_setupError = QString::fromStdString(engine.message());
            return;
        }
        m_engine = std::move(*engine);
        for (auto& s : sources) {
            m_sources.push_back(std::make_unique<AppliedKinds>(std::move(s), m_applied));
            m_engine->addSource(m_sources.back().get());
        }
        connect(m_engine.get(), &sync::SyncEngine::finished, this, &WorkspaceSync::onFinished);
        m_scan.setSingleShot(true);
        m_scan.setInterval(0);  // coalesces the signals of one edit into one scan
        connect(&m_scan, &QTimer::timeout, this, &WorkspaceSync::scan);
        m_debounce.setSingleShot(true);
        m_debounce.setInterval(kEditDebounceMs);
        connect(&m_debounce, &QTimer::timeout, this, &WorkspaceSync::round);
        m_period.setInterval(kPeriodMs);
        connect(&m_period, &QTimer::timeout, this, &WorkspaceSync::round);
    }

    /// Follows the account client: a signed-in account syncs, offline with a session only scans,
    /// signed out stops.
    void follow() {
        const cloud::CloudState state = m_cloud.state();
        if (state == cloud::CloudState::SignedIn && m_cloud.account()) {
            start(m_cloud.serverUrl().toString(QUrl::RemoveUserInfo) + QStringLiteral("#") +
                  QString::number(m_cloud.account()->id));
        } else if (state == cloud::CloudState::Unreachable) {
            // Rounds pause until the session is back (then start() resumes them); edits are still scanned.
            m_active = false;
            m_period.stop();
            m_debounce.stop();
            m_token.clear();
            if (m_started) showOffline(tr("the account server cannot be reached"));
        } else if (state == cloud::CloudState::SignedOut) {
            stop();
        }
    }

    /// Something syncable changed in the profile.
    void localEdit() {
        if (m_applying || !m_started) return;
        m_scan.start();
        if (m_active) m_debounce.start();
    }

    /// Starts a round now (File › Sync now).
    void round() {
        if (!m_engine) {
            m_label.setSyncStatus(tr("Sync: unavailable"), m_setupError);
            return;
        }
        if (!m_active) return;
        if (m_engine->isRunning()) {
            m_engine->syncNow();  // runs once more when this one ends
            return;
        }
        QPointer<WorkspaceSync> self(this);
        m_cloud.accessToken([self](const cloud::Outcome<QString>& token) {
            if (!self || !self->m_active) return;
            if (!token) {
                (void)self->m_engine->scanNow();
                if (token.error().isUnreachable())
                    self->showOffline(token.error().describe());
                else
                    self->showError(token.error().describe());
                return;
            }
            self->m_token = *token;
            self->m_engine->syncNow();
        });
    }

private:
    void start(const QString& account) {
        if (!m_engine) {
            m_label.setSyncStatus(tr("Sync: unavailable"), m_setupError);
            return;
        }
        if (m_active && account == m_account) return;
        if (m_engine->isRunning()) {
            // setAccount() is not allowed during a round: start when it ends.
            m_pendingStart = true;
            return;
        }
        m_client.setServerUrl(m_cloud.serverUrl());
        if (auto st = m_engine->setAccount(account.toStdString()); !st) {
            showError(QString::fromStdString(st.message()));
            return;
        }
        m_account = account;
        m_active = true;
        m_started = true;
        m_period.start();
        show(tr("Sync: syncing…"), {});
        round();
    }

    void stop() {
        m_active = false;
        m_started = false;
        m_pendingStart = false;
        m_account.clear();
        m_token.clear();
        m_scan.stop();
        m_debounce.stop();
        m_period.stop();
        show({}, {});
    }

    void scan() {
        if (!m_engine || !m_started) return;
        if (auto st = m_engine->scanNow(); !st) {
            showError(QString::fromStdString(st.message()));
            return;
        }
        const std::size_t pending = m_engine->pendingChanges();
        if (pending > 0 && !m_engine->isRunning())
            show(m_active ? tr("Sync: %1").arg(changesPending(pending)) : tr("Sync: offline, %1").arg(changesPending(pending)),
                 m_detail);
    }

    void onFinished(bool ok, const QString& error) {
        m_token.clear();  // fetched fresh (refreshed when due) for each round
        if (!m_applied.empty()) {
            const std::set<std::string> kinds = std::exchange(m_applied, {});
            m_applying = true;  // the widgets' reloads are not local edits
            m_refresh(kinds);
            m_applying = false;
        }
        if (m_pendingStart) {
            m_pendingStart = false;
            m_active = false;
            follow();
            return;
        }
        if (!m_active) return;
        const QStringList& problems = m_engine->problems();
        if (!ok) {
            if (error.contains(QLatin1String("unreachable")))
                showOffline(withoutPrefix(error));
            else
                showError(withoutPrefix(error));
            return;
        }
        QString detail = tr("Workspace synced at %1.").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
        if (!problems.isEmpty()) detail += QLatin1Char('\n') + tr("Not synced: %1").arg(problems.join(QStringLiteral("; ")));
        const std::size_t pending = m_engine->pendingChanges();
        QString text = pending == 0 ? tr("Sync: up to date") : tr("Sync: %1").arg(changesPending(pending));
        if (!problems.isEmpty())
            text += tr(" (%1 not synced)").arg(problems.size() == 1 ? tr("1 item") : tr("%1 items").arg(problems.size()));
        show(text, detail);
    }

    void showOffline(const QString& why) {
        const std::size_t pending = m_engine ? m_engine->pendingChanges() : 0;
        show(pending == 0 ? tr("Sync: offline") : tr("Sync: offline, %1").arg(changesPending(pending)),
             tr("Sync: %1. Edits are kept and sent when the server is back.").arg(why));
    }

    void showError(const QString& error) {
        const std::size_t pending = m_engine ? m_engine->pendingChanges() : 0;
        show(pending == 0 ? tr("Sync: failed") : tr("Sync: failed, %1").arg(changesPending(pending)),
             tr("Sync failed: %1").arg(error));
    }

    void show(const QString& text, const QString& detail) {
        m_detail = detail;
        m_label.setSyncStatus(text, detail);
    }

    storage::LayoutStore m_layouts;
    storage::DrawingStore m_drawings;
    alerts::AlertStore m_alertStore;
    cloud::CloudClient& m_cloud;
    AccountStatusLabel& m_label;
    Refresh m_refresh;
    QString m_token;  ///< the access token for the round under way; never shown or stored
    sync::SyncClient m_client;
    std::vector<std::unique_ptr<sync::ISyncSource>> m_sources;
    std::unique_ptr<sync::SyncEngine> m_engine;
    std::set<std::string> m_applied;
    QString m_setupError;
    QString m_account;
    QString m_detail;  ///< the tooltip's sync line(s)
    QTimer m_scan;
    QTimer m_debounce;
    QTimer m_period;
    bool m_active = false;   ///< signed in: rounds run
    bool m_started = false;  ///< bound to an account (also while the server is unreachable): edits are scanned
    bool m_pendingStart = false;
    bool m_applying = false;
};

void MainWindow::setupSync(AccountStatusLabel* label) {
    storage::Database* db = m_session.database();
    if (!db || !m_session.watchlists()) {
        label->setSyncStatus({}, {});
        return;  // without a profile database there is nothing to keep in step
    }
    m_sync = new WorkspaceSync(
        *db, m_session.settings(), *m_session.watchlists(), *m_cloud, *label,
        [this](const std::set<std::string>& kinds) { reloadSynced(kinds); }, this);

    QMenu* file = menuBar()->actions().isEmpty() ? nullptr : menuBar()->actions().constFirst()->menu();
    auto* now = new QAction(tr("&Sync now"), this);
    now->setObjectName(QStringLiteral("SyncNowAction"));
    now->setEnabled(false);
    connect(now, &QAction::triggered, m_sync, &WorkspaceSync::round);
    if (file) file->insertAction(file->actions().value(1), now);  // after Account…

    const auto follow = [this, now] {
        now->setEnabled(m_cloud->isSignedIn());
        m_sync->follow();
    };
    connect(m_cloud, &cloud::CloudClient::stateChanged, m_sync, follow);
    connect(m_cloud, &cloud::CloudClient::accountChanged, m_sync, follow);

    // Local edits: watchlists (rows added, removed, moved; a list switched or reloaded), alert
    // rules, drawings. Layout saves and preferences are picked up by the next periodic round.
    WatchlistModel* wl = m_watchlist->model();
    for (auto sig : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(wl, sig, m_sync, &WorkspaceSync::localEdit);
    connect(wl, &QAbstractItemModel::rowsMoved, m_sync, &WorkspaceSync::localEdit);
    connect(wl, &QAbstractItemModel::modelReset, m_sync, &WorkspaceSync::localEdit);
    connect(m_alerts, &AlertCenter::rulesChanged, m_sync, &WorkspaceSync::localEdit);
    const auto watchDrawings = [this] {
        for (int i = 0; i < m_charts->grid(); ++i)
            connect(m_charts->chart(i), &charts::CandleChart::drawingsChanged, m_sync, &WorkspaceSync::localEdit,
                    Qt::UniqueConnection);
    };
    watchDrawings();
    connect(m_charts, &ChartWorkspace::gridChanged, m_sync, watchDrawings);
}

void MainWindow::syncWorkspaceNow() {
    if (m_sync) m_sync->round();
}

void MainWindow::reloadSynced(const std::set<std::string>& kinds) {
    if (kinds.count("watchlist")) {
        const QString current = m_watchlist->currentList();
        m_watchlist->loadLists(tr("Main"), m_session.instruments());
        if (m_watchlist->listNames().contains(current)) m_watchlist->selectList(current);
    }
    if (kinds.count("drawings")) m_charts->reloadDrawings();
    if (kinds.count("alert_rule"))
        if (auto st = m_alerts->reloadRules(); !st)
            m_status->showMessage(tr("Synced alerts could not be read: %1").arg(QString::fromStdString(st.message())), 10000);
    if (kinds.count("preference")) {
        QSettings& s = m_session.settings();
        const QString theme = s.value(QStringLiteral("ui/theme"), m_theme).toString();
        if (theme != m_theme) setTheme(theme);
        m_watchlist->model()->setStaleAfterMs(s.value(QStringLiteral("watchlist/staleAfterSec"), 60).toInt() * 1000);
        m_alertsPanel->soundBox()->setChecked(s.value(QStringLiteral("alerts/sound"), true).toBool());
        m_alertsPanel->desktopBox()->setChecked(s.value(QStringLiteral("alerts/desktop"), true).toBool());
    }
    // Chart layouts are listed by View › Chart layouts when it opens: nothing to reload.
}

}  // namespace kairos::ui
