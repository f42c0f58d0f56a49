// Fuzz target: Coinbase Exchange's WebSocket and REST decoders (core/marketdata/coinbasecodec.h).
#include "marketdata/coinbasecodec.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::marketdata::coinbase;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Event ev;
    (void)decode(text, ev);
    (void)parseCandles(text);
    (void)parseProducts(QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    (void)restMessage(text);
    return 0;
}
