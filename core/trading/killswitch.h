#pragma once
// KillSwitch: takes every risk off one account or several — cancels every open order, then closes
// every open position at market — and reports what it did and what failed, per order and per
// position, with the venue's reason. Everything goes through each account's OrderGateway (cancels
// are never refused by a check; the closing orders only reduce, so position and loss rules pass).
//
// Synchronous venues (paper) answer in the call; network venues (live) answer later, so the switch
// waits for each order's final state (cancelled, filled, rejected) up to a deadline. Positions are
// closed after the cancels have been answered (on an exchange, a resting sell locks the asset the
// closing sell needs). finished() carries the report; a line the venue did not answer within the
// deadline says so.
//
// What is sold: the ledger's quantity, or less when the venue holds less of the asset free (an
// exchange that took its commission in the base asset, setFreeQuantity), rounded down to the
// instrument's lot step. What cannot be sold (below one lot step) is dust: it stays on the account
// and the report names it (KillReport::dust, the position's line).
//
// Thread: the accounts' (the GUI thread).

#include "trading/account.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kairos::trading {

struct KillReport {
    struct Line {
        std::string account;  ///< "PAPER"
        std::string what;     ///< "cancel order 12 (Buy 0.01 BTCUSDT limit 60000)", "close long 0.01 BTCUSDT"
        bool ok = false;
        std::string detail;  ///< "cancelled", "sold 0.01 at 60123.45", or the venue's reason
    };
    std::vector<Line> lines;
    int ordersCancelled = 0;
    int positionsClosed = 0;
    int failures = 0;
    /// What was left because it is below the lot step: "0.0000077 BTCUSDT (PAPER)", one per position.
    std::vector<std::string> dust;

    bool ok() const { return failures == 0; }
    /// "2 orders cancelled, 1 position closed, 0 failed" (+ ", dust left: 0.0000077 BTCUSDT").
    std::string summary() const;
};

class KillSwitch : public QObject {
    Q_OBJECT
public:
    explicit KillSwitch(QObject* parent = nullptr);

    /// How long to wait for a network venue's answers (default 15 s).
    void setDeadlineMs(int ms) { m_deadlineMs = ms; }
    /// How much of `instrument`'s base asset `account` can sell now (an exchange's free balance);
    /// nullopt (or no function): the ledger's quantity. A long position sells at most this.
    using FreeQuantity = std::function<std::optional<Quantity>(const Account& account, const InstrumentId& instrument)>;
    void setFreeQuantity(FreeQuantity free) { m_free = std::move(free); }

    /// Starts on `accounts` (which must stay alive until finished()). Cancels at once; returns
    /// false when a run is already going.
    bool run(const std::vector<Account*>& accounts);
    bool isRunning() const { return m_running; }
    const KillReport& report() const { return m_report; }

Q_SIGNALS:
    void finished(const kairos::trading::KillReport& report);

private:
    struct Pending {
        QPointer<Account> account;
        OrderId order = 0;
        std::size_t line = 0;
        bool closing = false;  ///< a closing market order (else a cancel)
        std::string cid;       ///< closing: its client order id
        bool done = false;
        bool retry = false;     ///< the cancel was refused while the order was being sent: try again once acknowledged
        std::string lastError;  ///< the refusal, reported when no retry succeeds
        std::string note;       ///< closing: added to its line's detail (dust left)
    };
    /// The closing quantity of `pos` (see the file comment); `note` says what is left, if anything.
    Quantity closingQuantity(const Account& a, const Position& pos, std::string& note, std::string& dust) const;
    void onOrder(Account* account, const Order& order);
    void settle(Pending& p, const Order& order);
    void startClosing();
    void checkDone();
    void timeOut();
    std::size_t addLine(const Account& a, std::string what);
    void result(std::size_t line, bool ok, std::string detail);

    std::vector<QPointer<Account>> m_accounts;
    std::vector<Pending> m_pending;
    std::vector<QMetaObject::Connection> m_connections;
    KillReport m_report;
    QTimer m_deadline;
    int m_deadlineMs = 15'000;
    FreeQuantity m_free;
    std::uint64_t m_sequence = 0;
    bool m_running = false;
    bool m_closing = false;
    bool m_busy = false;  ///< inside run()/startClosing(): synchronous answers must not finish the run early
};

}  // namespace kairos::trading

Q_DECLARE_METATYPE(kairos::trading::KillReport)
