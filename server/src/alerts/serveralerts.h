#pragma once
// Server-side alerts: kairosd keeps evaluating the alert rules a user marked "keep running on the
// server" (alerts::AlertRule::server, synced as kind `alert_rule` with "server": true) while the
// terminal is closed, and delivers their firings through the account's server channels.
//
// Evaluation. Each such rule gets its own core alerts::AlertEngine (the terminal's evaluation
// code, not a second implementation), fed from the venue's public market data: closed candles over
// REST of the instrument's venue (venuecandles.h: Binance at alerts_binance_url, Bybit at
// alerts_bybit_url), polled every alerts_poll_ms. A rule starts at the newest
// closed bar when it is first seen (its formula/volume/move history is warmed from the bars up to
// there) and from then on every newly closed bar of its timeframe is fed as four prices (open,
// the nearer extreme, the other extreme, close, at open, +1/3, +2/3 and the close time of the bar)
// and then as a closed bar. The last bar fed and the rule's firing state (a "once" rule disabled)
// are stored per rule (alert_rule_state), so a restart continues where it stopped and catches up
// bars it missed. Every condition kind runs here:
// - signal rules: a signal::SignalEngine per symbol with the terminal's rules (as its signal
//   service runs them), warmed on the history; each closed bar's signal goes to the engine's
//   onSignal, so "becomes true", confidence and side are judged by core as in the terminal;
// - drawing rules: the line travels in the rule's payload ("drawing", sync/alertrulesource.h) and
//   is the engine's drawing lookup; a payload whose only change is the line (it was moved) keeps
//   the rule's state and calls drawingChanged, as the terminal does;
// - watchlist rules: the list's symbols travel in the payload ("watchlist"); the engine gets them
//   through setWatchlist (an edited list keeps the state of the symbols that stay), each symbol's
//   candles from its own venue; a firing's event key names the symbol.
// Not run (the status lists why, and the terminal refuses to mark them): bid/ask price sources
// (candles have no quotes), venues other than Binance and Bybit (a watchlist rule runs on the
// symbols it can read and names the others), timeframes without a fixed length.
//
// Exactly one firing per event. A firing is stored under its event key
//   <sync id of the rule>:<fired|expired|disabled>:<market time ms>[:<VENUE:SYMBOL> of a watchlist rule]
// with UNIQUE (account_id, event_key), and only the process whose INSERT stored it creates the
// deliveries, so a restart or a second kairosd on the same PostgreSQL never fires one twice. The
// terminal does not evaluate a server rule at all (AlertEngine skips AlertRule::server rules): it
// shows the server's firings (GET /api/v1/alerts/firings) in its log, marked "[server]".
//
// Delivery. Every enabled server channel of the account (e-mail through kairosd's own SMTP /
// mail-directory path, webhook with core's X-Kairos-Signature HMAC, Telegram sendMessage, Discord
// webhook; message bodies from core's alerts/channel.h) gets one durable job per firing
// (alert_deliveries): claimed with a 10-minute lease before the request, sent, retried with core's
// back-off (backoffDelayMs; Retry-After honoured) on a transient failure up to 8 attempts, failed
// with the server's reason on a permanent one. At least once, like core's queue; the webhook
// carries the job id (X-Kairos-Delivery, "delivery_id") so a receiver can drop a resent copy.
//
// Secrets (webhook signing secret, Telegram bot token, Discord webhook URL) are sealed with
// libsodium's secretbox under the key of alerts_secret_key_file / KAIROSD_ALERTS_SECRET_KEY before
// they are stored; without a key a channel with a secret is refused (409 secret_key_missing), and
// the API never returns a secret.
//
// Threads: one background thread evaluates and delivers; the routes run on the I/O threads. All
// state shared with them is in the database.

#include "accounts/accountservice.h"
#include "accounts/crypto.h"
#include "accounts/mailqueue.h"
#include "alerts/venuecandles.h"
#include "config.h"
#include "db/database.h"
#include "http/router.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kairos::server::alerts {

struct AlertsOptions {
    VenueUrls venues;  ///< where candles are read (alerts_binance_url, alerts_bybit_url)
    int pollMs = 15000;
    /// Seals channel secrets; nullopt: channels with a secret are refused.
    std::optional<std::array<unsigned char, accounts::SecretBox::kKeyBytes>> secretKey;
    int freeAlerts = 5;   ///< server-side rules of a Free account
    int proAlerts = 100;  ///< of a Pro account
    /// Sends the e-mail of an e-mail channel (kairosd's SMTP or mail directory). Empty: e-mail
    /// channels fail with "kairosd has no e-mail configured".
    accounts::MailSender mail;
    /// UTC ms; empty: the system clock.
    std::function<std::int64_t()> nowMs;
    int httpTimeoutMs = 10000;
};

/// AlertsOptions from kairosd's configuration; Error when alerts_secret_key is malformed.
Result<AlertsOptions> optionsFromConfig(const ServerConfig& config);

/// "free" or "pro" for an account (no row: free).
Result<std::string> planOf(db::IConnection& c, std::int64_t accountId);

class AlertsModule {
public:
    /// Adds the routes and the plan-limit check of sync pushes to `router` (call after the sync
    /// routes were added, before the server starts). `db` (migrated) and `accountService` must
    /// outlive the module. Does not start the background thread: call start().
    AlertsModule(db::Database& db, accounts::AccountService& accountService, AlertsOptions options);
    ~AlertsModule();
    AlertsModule(const AlertsModule&) = delete;
    AlertsModule& operator=(const AlertsModule&) = delete;

    void addRoutes(http::Router& router);
    /// Starts the thread that evaluates every pollMs and delivers due jobs.
    void start();
    /// Stops it (also done by the destructor).
    void stop();

    /// One evaluation round over every server rule (fetches, evaluates, stores firings). Error
    /// only when the rules cannot be read. Called by the thread; tests may call it from another
    /// thread than the one serving the fake venue.
    Status evaluateOnce();
    /// Sends the due deliveries; how many were sent.
    Result<int> deliverDue();
    /// Completed evaluation rounds since start (tests wait on it).
    std::int64_t rounds() const { return m_rounds.load(); }

    struct Run;  // one rule's engine and cursor (serveralerts.cpp)

private:
    void loop();
    std::int64_t now() const;

    db::Database& m_db;
    accounts::AccountService& m_accounts;
    AlertsOptions m_options;
    std::unique_ptr<accounts::SecretBox> m_box;
    std::map<std::pair<std::int64_t, std::string>, std::unique_ptr<Run>> m_runs;  ///< (account, rule id); thread only
    std::atomic<std::int64_t> m_rounds{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

/// Starts the module for kairosd: options from `config`, routes on `server`'s router, thread running.
Result<std::unique_ptr<AlertsModule>> startForServer(const ServerConfig& config, http::Router& router, db::Database& db,
                                                     accounts::AccountService& accountService);

}  // namespace kairos::server::alerts
