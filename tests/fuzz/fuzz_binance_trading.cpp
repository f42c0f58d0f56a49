// Fuzz target: Binance's trading answers and user-data events (core/live/binanceapi.h). Every input
// goes to each decoder; none may crash, hang or read out of bounds, and a refusal text is built
// for whatever error shape decodes.
#include "live/binanceapi.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::live;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)parseWsMessage(text);
    (void)parseOrder(text);
    (void)parseOrders(text);
    (void)parseOrderList(text);
    (void)parseOrderLists(text);
    (void)parseTrades(text);
    (void)parseAccountBalances(text);
    auto rules = parseExchangeInfo(text);
    if (auto err = parseApiError(400, text)) {
        (void)describeRejection(*err, rules && !rules->empty() ? &rules->front() : nullptr);
        (void)classify(err->httpStatus, err, false);
    }
    (void)isValidClientOrderId(text);
    return 0;
}
