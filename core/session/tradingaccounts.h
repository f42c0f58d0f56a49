#pragma once
// TradingAccounts: every trading account of the profile, open in the terminal — paper ones on a
// PaperVenue fed by the EventHub (as openPaperAccount does), testnet and live ones on a
// live::LiveVenue (Binance spot; endpoints by kind, overridable in the settings so that tests point
// at a local server) with the API key and secret read from the OS keychain. One account is active:
// the one the Trading dock, the order ticket and the chart order lines trade on.
//
// Every account's OrderGateway carries its RiskManager (limits stored per account in the profile
// database, table account_settings, schema 9): an order of any account, from any caller, is checked
// before it reaches its venue. Beside the limits each account stores whether its orders are
// confirmed before they are sent (on by default; a live account always asks unless the user turned
// it off for that account).
//
// Exchange accounts' ledgers follow Binance's balances (live::LedgerSync: cash = the quote asset's
// balance, holdings = the base assets' balances), so equity, sizing and risk limits see the real
// account. Each reconciliation with Binance (at open, after every re-subscription of the user data
// stream) is logged (category kairos.trading) and announced (reconciled) for the UI to show.
//
// Secrets: the key and secret live only in the keychain (ISecretStore, keys "binance-api-key/<id>"
// and "binance-api-secret/<id>"); they are never written to SQLite, the settings file, logs or an
// error message (messages name the account, never the value).
//
// Settings (profile settings file, group "binance"; no secrets):
//   testnetRestUrl / testnetWsApiUrl   default https://testnet.binance.vision, wss://ws-api.testnet.binance.vision/ws-api/v3
//   liveRestUrl / liveWsApiUrl         default https://api.binance.com, wss://ws-api.binance.com:443/ws-api/v3
//   quoteAsset                         default USDT: an exchange account's cash (its instruments' quote)
//   activeAccount (group "trading")    the id of the active account
//
// Thread: the GUI thread (or a headless event loop).

#include "alerts/secretstore.h"
#include "live/ledgersync.h"
#include "live/livevenue.h"
#include "trading/account.h"
#include "trading/accountinfo.h"
#include "trading/clock.h"
#include "trading/papervenue.h"
#include "trading/riskmanager.h"
#include "util/result.h"

#include <QObject>
#include <QSettings>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace kairos::storage {
class Database;
}
namespace kairos::trading {
class PaperStore;
}

namespace kairos::session {

class EventHub;
class TerminalSession;

/// An account's settings stored in the profile (account_settings).
struct AccountSettings {
    trading::RiskLimits limits;
    bool confirmOrders = true;  ///< ask before sending each order

    friend bool operator==(const AccountSettings&, const AccountSettings&) = default;
};

/// Reads / writes one account's settings (defaults when none stored). Error names what is wrong.
Result<AccountSettings> loadAccountSettings(storage::Database& db, std::int64_t accountId);
Status saveAccountSettings(storage::Database& db, std::int64_t accountId, const AccountSettings& settings);

/// "PAPER", "TESTNET", "LIVE" — how an account's kind is labelled wherever an order can be sent.
QString accountKindLabel(trading::AccountKind kind);
/// "LIVE · Binance main" — the kind label and the account's name.
QString accountLabel(const trading::AccountInfo& info);

class TradingAccounts : public QObject {
    Q_OBJECT
public:
    struct Options {
        storage::Database* db = nullptr;          ///< may be null: one in-memory paper account
        alerts::ISecretStore* secrets = nullptr;  ///< where API keys are; must outlive this
        QSettings* settings = nullptr;            ///< endpoint overrides, active account (may be null)
        EventHub* hub = nullptr;                  ///< prices for the venues; order events published into it
        trading::PaperSettings paper;             ///< fees and slippage of paper accounts
        const trading::IClock* clock = nullptr;   ///< null: the wall clock
        /// Instrument rules for paper venues (the terminal's venue list, bundled rules).
        std::function<std::optional<Instrument>(const InstrumentId&)> instrumentRules;
        int liveTimeoutMs = 10'000;
        int liveRetryMs = 1000;
    };

    /// Opens nothing yet; call open().
    explicit TradingAccounts(Options options, QObject* parent = nullptr);
    /// The terminal's: the session's database and settings, paper settings of group "paper", the
    /// venue list's instrument rules, prices from `hub`. `secrets` must outlive this.
    TradingAccounts(TerminalSession& session, EventHub& hub, alerts::ISecretStore& secrets, QObject* parent = nullptr);
    ~TradingAccounts() override;

    /// Opens every account of the profile (creating the first paper account on a new profile).
    /// Paper accounts are ready when this returns; testnet/live ones once their keys have been read
    /// and their venue started (accountOpened). Problems are reported through problem() and kept
    /// per account (problemOf).
    void open();

    /// Every account of the profile, by id (open or not).
    std::vector<trading::AccountInfo> accounts() const;
    std::optional<trading::AccountInfo> info(std::int64_t id) const;
    /// The open account `id`; nullptr while it is opening or when it failed (problemOf says why).
    trading::Account* account(std::int64_t id) const;
    /// Why account `id` is not open ("" when it is, or is still opening).
    QString problemOf(std::int64_t id) const;
    /// The live venue of a testnet/live account (nullptr for paper accounts or while opening).
    live::LiveVenue* liveVenue(std::int64_t id) const;
    /// The paper venue of a paper account.
    trading::PaperVenue* paperVenue(std::int64_t id) const;
    trading::RiskManager* risk(std::int64_t id) const;
    /// The last reconciliation of a testnet/live account with Binance (nullptr before the first).
    const live::ReconciliationReport* lastReconciliation(std::int64_t id) const;
    /// What `account` can sell of `instrument`'s base asset now: an exchange account's free balance
    /// (nullopt for paper accounts, or before Binance's balances were read). The kill switch's
    /// KillSwitch::FreeQuantity.
    std::optional<Quantity> freeQuantity(const trading::Account& account, const InstrumentId& instrument) const;

    /// The active account's id (the stored one when it still exists, else the first account).
    std::int64_t activeId() const { return m_activeId; }
    /// The active account when open.
    trading::Account* active() const { return account(m_activeId); }
    /// Makes `id` the active account (stored in the settings); Error when there is no such account.
    Status setActive(std::int64_t id);

    /// Adds an account. Paper: `startingCash` in the account currency. Testnet/live: `apiKey` and
    /// `apiSecret` are written to the keychain first (never elsewhere); the account is opened when
    /// they are stored. `done` gets the new account or why not (name taken, keychain refused).
    void addAccount(const trading::AccountInfo& info, const Money& startingCash, const std::string& apiKey,
                    const std::string& apiSecret, const std::function<void(Result<trading::AccountInfo>)>& done);
    /// Replaces the keys of a testnet/live account in the keychain and reopens it on them.
    void setApiKeys(std::int64_t id, const std::string& apiKey, const std::string& apiSecret,
                    const std::function<void(Status)>& done);
    Status rename(std::int64_t id, const std::string& name);
    /// Removes the account, its orders and fills, its settings and its keys. Error when it has open
    /// orders or positions (use the kill switch first) or is the last account.
    Status remove(std::int64_t id);

    AccountSettings settings(std::int64_t id) const;
    /// Stores the settings and applies the limits to the account's risk manager at once.
    Status setSettings(std::int64_t id, const AccountSettings& settings);
    /// Whether an order of account `id` is confirmed before it is sent.
    bool confirms(std::int64_t id) const { return settings(id).confirmOrders; }

    /// Binance's endpoints for `kind` with the settings' overrides.
    live::LiveVenue::Endpoints endpoints(trading::AccountKind kind) const;

    /// Asks Binance (at the endpoints of `kind`) for the account with these keys; `done` gets
    /// Binance's answer in words ("Connected: 3 assets, USDT 10000.00 free" or "Binance refused:
    /// ..."). The keys are not stored.
    void testConnection(trading::AccountKind kind, const std::string& apiKey, const std::string& apiSecret,
                        const std::function<void(bool ok, QString answer)>& done);

    /// Keychain names of an account's key and secret.
    static std::string apiKeyName(std::int64_t id);
    static std::string apiSecretName(std::int64_t id);

Q_SIGNALS:
    /// The list of accounts changed (added, renamed, removed).
    void accountsChanged();
    /// Account `id` is open and can trade (paper at once, live when its venue is ready).
    void accountOpened(qint64 id);
    /// Account `id` is about to be closed (removed, or reopened on new keys): let go of it now.
    void accountClosing(qint64 id);
    /// The active account changed (it may still be opening: account() is then nullptr).
    void activeChanged(qint64 id);
    /// Something the user should know ("Account LIVE · main: no API key in the keychain").
    void problem(const QString& text);
    /// A testnet/live account was reconciled with Binance (at open, after a re-subscription).
    void reconciled(qint64 id, const kairos::live::ReconciliationReport& report);
    /// An account's name changed (rename); accountsChanged follows.
    void accountRenamed(qint64 id, const QString& label);

private:
    struct Entry;
    Entry* entry(std::int64_t id) const;
    void openEntry(Entry& e);
    void openPaper(Entry& e);
    void openLive(Entry& e);
    void startLive(Entry& e, const std::string& key, const std::string& secret);
    void finishOpen(Entry& e);
    void fail(Entry& e, const QString& why);
    void close(Entry& e);
    const trading::IClock& clock() const { return m_options.clock ? *m_options.clock : m_wallClock; }

    Options m_options;
    trading::WallClock m_wallClock;
    std::vector<std::unique_ptr<Entry>> m_entries;
    std::int64_t m_activeId = 1;
    std::unique_ptr<live::BinanceRest> m_probe;  ///< testConnection's session (one at a time)
};

}  // namespace kairos::session
