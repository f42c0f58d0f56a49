#include "trading/accountinfo.h"

namespace kairos::trading {

std::string_view toString(AccountKind k) {
    switch (k) {
    case AccountKind::Paper:
        return "paper";
    case AccountKind::Testnet:
        return "testnet";
    case AccountKind::Live:
        return "live";
    case AccountKind::Backtest:
        return "backtest";
    }
    return "?";
}

std::optional<AccountKind> accountKindFromString(std::string_view s) {
    for (AccountKind k : {AccountKind::Paper, AccountKind::Testnet, AccountKind::Live, AccountKind::Backtest})
        if (toString(k) == s) return k;
    return std::nullopt;
}

}  // namespace kairos::trading
