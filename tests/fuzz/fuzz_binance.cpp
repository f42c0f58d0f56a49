// Fuzz target: Binance's WebSocket and REST decoders (core/marketdata/binancecodec.h). Every input
// goes to each decoder; none may crash, hang or read out of bounds, whatever the bytes.
#include "marketdata/binancecodec.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::marketdata::binance;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Event ev;
    (void)decode(text, ev);
    (void)streamKind(text);
    (void)parseKlines(text);
    (void)parseDepthSnapshot(text);
    const QByteArray bytes(text.data(), static_cast<qsizetype>(text.size()));
    (void)parseExchangeInfo(bytes);
    kairos::Instrument inst;
    (void)applyFilter(bytes, inst);
    (void)errorText(bytes);
    return 0;
}
