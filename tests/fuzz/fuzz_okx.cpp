// Fuzz target: OKX's WebSocket and REST decoders (core/marketdata/okxcodec.h).
#include "marketdata/okxcodec.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::marketdata::okx;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Event ev;
    (void)decode(text, ev);
    (void)timeframeFor(text);
    (void)parseCandles(text);
    (void)parseInstruments(QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    (void)envelopeCode(text);
    return 0;
}
