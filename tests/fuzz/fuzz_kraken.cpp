// Fuzz target: Kraken's WebSocket and REST decoders (core/marketdata/krakencodec.h).
#include "marketdata/krakencodec.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::marketdata::kraken;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Event ev;
    (void)decode(text, ev);
    std::int64_t last = 0;
    (void)parseOhlc(text, &last);
    std::vector<std::string> altnames;
    (void)parseAssetPairs(QByteArray(text.data(), static_cast<qsizetype>(text.size())), &altnames);
    (void)restErrors(text);
    (void)restPairGuess(std::string(text));
    return 0;
}
