#pragma once
// The trading commands' shared part (accounts, balances, positions, orders, order, cancel, reconcile,
// kill-switch, run): the profile's accounts opened exactly as the terminal opens them
// (session::TradingAccounts: paper on PaperVenue, testnet/live on LiveVenue, every order through the
// account's OrderGateway and RiskManager), API keys from the OS keychain or an owner-only key file,
// paper prices from the profile's candles, and the output helpers (aligned text or JSON).

#include "command.h"

#include "alerts/secretstore.h"
#include "session/tradingaccounts.h"
#include "storage/database.h"
#include "trading/account.h"
#include "trading/clock.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

// Appended to every trading command's usage.
#define KAIROS_TRADE_COMMON_USAGE                                                                                     \
    "\nCommon options: --profile DIR, --json (machine-readable output), --timeout SECONDS (default 30: how long to\n" \
    "wait for Binance), --key-file FILE (API key and secret for testnet/live accounts on a machine without a\n"       \
    "keychain: lines \"api_key = ...\" and \"api_secret = ...\", readable only by its owner (chmod 600); also\n"      \
    "kairos.ini [binance] keyFile=FILE). Without a key file the keys come from the OS keychain, where the\n"          \
    "terminal stores them. Keys are never taken from the command line.\n"                                             \
    "Exit codes: 0 ok, 1 refused or failed (with the venue's or the risk manager's reason), 2 usage."

namespace kairos::cli::trade {

/// The keys of a key file: "api_key = ..." and "api_secret = ..." lines ('#' starts a comment).
struct KeyFile {
    std::string apiKey;
    std::string apiSecret;
};
/// Reads a key file. Refused (Error with the fix) when the file is readable or writable by anyone but
/// its owner, belongs to another user, or lacks either key. The message never quotes a key.
Result<KeyFile> readKeyFile(const QString& path);

/// Secrets for the accounts a command opens: from a key file (every selected account gets its keys)
/// or from the keychain store; accounts not selected get none, so they stay closed (no connection).
class SelectedSecrets : public alerts::ISecretStore {
public:
    /// `inner` (the keychain) is used when `keys` is empty; it must outlive this.
    SelectedSecrets(alerts::ISecretStore* inner, std::optional<KeyFile> keys, std::set<std::int64_t> selected, bool all);
    void read(const std::string& key, ReadCallback done) override;
    void write(const std::string& key, const std::string& secret, WriteCallback done) override;
    void remove(const std::string& key, WriteCallback done) override;

private:
    alerts::ISecretStore* m_inner;
    std::optional<KeyFile> m_keys;
    std::set<std::int64_t> m_selected;
    bool m_all;
};

/// Options every trading command takes.
struct CommonOptions {
    bool json = false;
    std::optional<QString> keyFile;
    int timeoutMs = 30'000;
};
/// Takes --json, --key-file FILE and --timeout SECONDS; false (after printing why) on bad values.
bool takeCommon(const char* cmd, Args& a, CommonOptions& out, int& code);

/// The profile's accounts, open. Construct, then open(); every method reports failures by returning
/// false after printing "kairos-cli CMD: ..." (the exit code is in code()).
class Session {
public:
    Session(const char* cmd, Context& ctx, CommonOptions options);
    ~Session();

    /// Opens the profile (database, kairos.ini), reads the key file if one is configured and opens the
    /// accounts; `accountName` selects the account whose live venue is started (empty: every account).
    /// `clock` (may be null: the wall clock) is the accounts' clock.
    bool open(const QString& accountName, const trading::IClock* clock = nullptr);
    /// Waits until the selected live account has reconciled (paper: at once). False when it failed to
    /// open or did not get ready within the timeout (printed).
    bool waitReady();

    session::TradingAccounts& accounts() { return *m_accounts; }
    storage::Database& db() { return *m_db; }
    QSettings& settings() { return *m_settings; }
    const CommonOptions& options() const { return m_options; }
    const char* command() const { return m_cmd; }
    int code() const { return m_code; }
    /// The selected account (after open()).
    std::int64_t accountId() const { return m_accountId; }
    trading::AccountInfo info() const;
    trading::Account* account() const;
    bool isLive() const;
    /// Open orders of the selected account when it opened (before its venue reconciled).
    const std::vector<trading::Order>& openBeforeStart() const { return m_openBefore; }

    /// Prints and remembers a failure; returns false.
    bool failWith(const QString& message, int code);
    /// Runs the event loop until `done()` or `timeoutMs`; true when done.
    static bool waitFor(const std::function<bool()>& done, int timeoutMs);

    /// Paper: gives the venue the latest price the profile has for `id` (the newest close of its
    /// candles, else of the bundled replay data). False when there is none.
    /// `accountId` 0: the selected account.
    bool primePaperPrice(const InstrumentId& id, std::int64_t accountId = 0);
    /// Paper: primes every instrument with an open order or position (for cancels and the kill switch).
    void primePaperPrices(std::int64_t accountId = 0);

    /// A symbol given on the command line ("BTCUSDT" or "BINANCE:BTCUSDT") as an instrument of the account.
    Result<InstrumentId> instrumentOf(const QString& text) const;

private:
    const char* m_cmd;
    Context& m_ctx;
    CommonOptions m_options;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<alerts::ISecretStore> m_keychain;
    std::unique_ptr<SelectedSecrets> m_secrets;
    std::unique_ptr<session::TradingAccounts> m_accounts;
    std::int64_t m_accountId = 0;
    bool m_all = false;
    std::vector<trading::Order> m_openBefore;
    QStringList m_problems;
    int m_code = kOk;
};

// ---- output ------------------------------------------------------------------------------------

/// Prints rows as aligned columns (the first row is the header).
void printTable(const std::vector<QStringList>& rows);
void printJson(const QJsonObject& o);
QString text(const Price& p);
QString text(const Quantity& q);
QString text(const Money& m);
QJsonObject orderJson(const trading::Order& o);
QJsonObject positionJson(const trading::Position& p, int moneyScale);
/// "filled 0.01 at 60000.00", "accepted", "rejected: ...".
QString orderOutcome(const trading::Order& o);
/// One row of the orders table.
QStringList orderRow(const trading::Order& o);
QStringList orderHeader();

}  // namespace kairos::cli::trade
