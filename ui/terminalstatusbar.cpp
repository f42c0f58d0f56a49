#include "terminalstatusbar.h"

#include "session/terminalservices.h"
#include "session/terminalsession.h"

#include <QDateTime>
#include <QEvent>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>

namespace kairos::ui {

TerminalStatusBar::TerminalStatusBar(QStatusBar* bar, session::TerminalServices& services, QObject* parent)
    : QObject(parent),
      m_bar(bar),
      m_services(services),
      m_feedLabel(new QLabel(tr("Feed: starting"))),
      m_clockLabel(new QLabel),
      m_utcLabel(new QLabel),
      m_serverLabel(new QLabel) {
    m_feedLabel->setObjectName(QStringLiteral("FeedStatusLabel"));
    m_clockLabel->setObjectName(QStringLiteral("ReplayClockLabel"));
    m_serverLabel->setObjectName(QStringLiteral("ServerStatusLabel"));
    bar->addWidget(m_feedLabel);
    bar->addWidget(m_clockLabel);
    bar->addPermanentWidget(m_serverLabel);
    bar->addPermanentWidget(m_utcLabel);
    bar->installEventFilter(this);
    // Companion server (kairosd) reachability: GET <KAIROS_SERVER_URL>/health every 30 s.
    if (qEnvironmentVariable("KAIROS_SERVER_URL").isEmpty()) {
        m_serverLabel->setText(tr("Server: not configured"));
        m_serverLabel->setToolTip(tr("Set KAIROS_SERVER_URL (scripts/run.sh starts a local kairosd and sets it)."));
    } else {
        auto* timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, &TerminalStatusBar::pollServer);
        timer->start(30000);
        pollServer();
    }
    auto* clock = new QTimer(this);
    connect(clock, &QTimer::timeout, this,
            [this] { m_utcLabel->setText(QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss 'UTC'"))); });
    clock->start(1000);

    session::TerminalSession& s = services.session();
    connect(&s, &session::TerminalSession::progress, m_feedLabel, &QLabel::setText);
    connect(&s, &session::TerminalSession::loadFailed, this,
            [this](const QString& m) { m_feedLabel->setText(tr("Replay unavailable: %1").arg(m)); });
    connect(&services.router(), &session::MarketRouter::sourceStatusChanged, m_feedLabel, &QLabel::setText);
    connect(&services.router(), &session::MarketRouter::subscriptionsChanged, this, &TerminalStatusBar::updateVenueLabels);
    connect(s.feed(), &marketdata::ReplayFeed::clockChanged, this, [this](qint64 ms) {
        m_clockLabel->setText(
            tr("Replay clock: %1")
                .arg(QString::fromStdString(formatUtc(ms)).left(16).replace(QLatin1Char('T'), QLatin1Char(' ')) +
                     QStringLiteral(" UTC")));
    });
    marketdata::VenueDirectory* venues = s.venues();
    connect(venues, &marketdata::VenueDirectory::instrumentsChanged, this, &TerminalStatusBar::updateVenueLabels);
    connect(venues, &marketdata::VenueDirectory::refreshFailed, this, &TerminalStatusBar::updateVenueLabels);
    connect(venues, &marketdata::VenueDirectory::enabledVenuesChanged, this, &TerminalStatusBar::updateVenueLabels);
    updateVenueLabels();
}

void TerminalStatusBar::showMessage(const QString& text, int timeoutMs) {
    if (m_bar->isVisible()) {
        m_bar->showMessage(text, timeoutMs);
        return;
    }
    m_pending.removeAll(text);
    m_pending << text;
    m_pendingTimeoutMs = std::max(m_pendingTimeoutMs, timeoutMs);
}

bool TerminalStatusBar::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_bar && event->type() == QEvent::Show && !m_pending.isEmpty()) {
        const QString text = m_pending.join(QStringLiteral("  ·  "));
        m_pending.clear();
        // After the show: the labels must be visible for QStatusBar to hide them under the message.
        QTimer::singleShot(0, m_bar, [bar = m_bar, text, ms = m_pendingTimeoutMs] { bar->showMessage(text, ms); });
    }
    return QObject::eventFilter(watched, event);
}

void TerminalStatusBar::pollServer() {
    const QString server = qEnvironmentVariable("KAIROS_SERVER_URL");
    auto* net = findChild<QNetworkAccessManager*>();
    if (!net) net = new QNetworkAccessManager(this);
    QNetworkRequest req(QUrl(server + QStringLiteral("/health")));
    req.setTransferTimeout(5000);
    QNetworkReply* reply = net->get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, server] {
        reply->deleteLater();
        const bool ok = reply->error() == QNetworkReply::NoError;
        m_serverLabel->setText(ok ? tr("Server: online") : tr("Server: offline"));
        m_serverLabel->setToolTip(ok ? server : tr("%1: %2").arg(server, reply->errorString()));
    });
}

QLabel* TerminalStatusBar::venueLabel(const QString& venue) const {
    auto it = m_venueLabels.find(venue.toUpper());
    return it == m_venueLabels.end() ? nullptr : it->second;
}

void TerminalStatusBar::updateVenueLabels() {
    marketdata::VenueDirectory* dir = m_services.session().venues();
    const auto& liveSubscribed = m_services.router().liveSubscribed();
    for (auto it = m_venueLabels.begin(); it != m_venueLabels.end();) {
        if (dir->isEnabled(it->first)) {
            ++it;
            continue;
        }
        m_bar->removeWidget(it->second);
        it->second->deleteLater();
        it = m_venueLabels.erase(it);
    }
    for (const QString& venue : dir->enabledVenues()) {
        QLabel*& label = m_venueLabels[venue];
        if (!label) {
            label = new QLabel;
            label->setObjectName(QStringLiteral("VenueStatus_") + venue);
            m_bar->insertPermanentWidget(2, label);  // after the two normal widgets, before the server
        }
        const marketdata::ExchangeFeed* f = nullptr;
        for (auto* candidate : dir->feeds())
            if (candidate->name() == venue) f = candidate;
        const std::string venueName = venue.toStdString();
        const auto live = std::count_if(liveSubscribed.begin(), liveSubscribed.end(),
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
            tip = tr("%1 live data for %n symbol(s)", nullptr, static_cast<int>(live)).arg(venue);
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

}  // namespace kairos::ui
