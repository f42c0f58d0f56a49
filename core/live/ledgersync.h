#pragma once
// LedgerSync: keeps an exchange account's ledger equal to what Binance holds for it. Binance is the
// truth of cash and holdings; the ledger otherwise counts from its starting cash (0 for an exchange
// account) and only knows the fills it booked.
//
// - Cash = the quote asset's balance (free + locked), e.g. USDT.
// - Holdings: every other asset with a balance whose <asset><quote> symbol the venue knows is the
//   position of that instrument (BTC -> BINANCE:BTCUSDT), at Binance's quantity: a position the ledger
//   has keeps its average entry (a commission Binance took in the base asset shrinks it; a sale on
//   the website flattens it); a holding the ledger did not have is valued at the venue's latest price
//   and left out until there is one (the account's next price for it adds it).
// - When: after every reconciliation (start, re-subscription: REST balances, after the missed fills
//   were booked), on every balance update of the user data stream (outboundAccountPosition), and
//   after a fill that the balances already count (its time is not after their update time `u`: the
//   balance update came first), never before Binance's balances were first read.
//
// So equity, % of equity sizing and the risk manager's checks see the real balance. Thread: the
// venue's (GUI thread).

#include "live/livevenue.h"
#include "trading/account.h"

#include <QObject>
#include <QPointer>

#include <set>
#include <string>

namespace kairos::live {

class LedgerSync : public QObject {
    Q_OBJECT
public:
    /// `venue` and `account` (the account on that venue) must outlive this. `quoteAsset` is the
    /// account currency: the quote asset of the instruments it trades.
    LedgerSync(LiveVenue& venue, trading::Account& account, std::string quoteAsset = "USDT", QObject* parent = nullptr);

    /// Applies the venue's balances now (nothing before they were first read).
    void apply();
    const std::string& quoteAsset() const { return m_quote; }

private:
    LiveVenue& m_venue;
    trading::Account& m_account;
    std::string m_quote;
    std::set<InstrumentId> m_unpriced;  ///< held, not in the ledger, no price yet
};

}  // namespace kairos::live
