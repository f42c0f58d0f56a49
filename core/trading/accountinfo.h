#pragma once
// Who an account is: its id in the profile, its name, what kind of money it trades and on which
// venue. Several accounts per profile (paper ones, a testnet one, a live one), each with its own
// ledger and history (PaperStore keeps them apart by id).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kairos::trading {

/// What kind of money an account trades.
enum class AccountKind : std::uint8_t {
    Paper = 1,  ///< simulated fills against the terminal's prices
    Testnet,    ///< an exchange's test environment
    Live,       ///< real money
    Backtest,   ///< simulated fills against historical bars (never stored)
};
/// "paper", "testnet", "live", "backtest".
std::string_view toString(AccountKind);
std::optional<AccountKind> accountKindFromString(std::string_view);

struct AccountInfo {
    std::int64_t id = 1;  ///< the profile's account id (1: the first paper account); 0 for an unsaved one
    std::string name = "PAPER";
    AccountKind kind = AccountKind::Paper;
    std::string venue = "PAPER";  ///< where its orders go: "PAPER", or an exchange ("BINANCE")

    friend bool operator==(const AccountInfo&, const AccountInfo&) = default;
};

}  // namespace kairos::trading
