#include "domain/instrument.h"

#include <cctype>

namespace kairos {

Result<InstrumentId> InstrumentId::parse(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return makeError("instrument \"" + std::string(text) + "\" needs a venue, as in BINANCE:BTCUSDT");
    InstrumentId id;
    id.venue = std::string(text.substr(0, colon));
    id.symbol = std::string(text.substr(colon + 1));
    if (id.venue.empty()) return makeError("instrument \"" + std::string(text) + "\" has an empty venue");
    if (id.symbol.empty()) return makeError("instrument \"" + std::string(text) + "\" has an empty symbol");
    for (char& c : id.venue) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
            return makeError("instrument venue \"" + std::string(text.substr(0, colon)) +
                             "\" may hold letters, digits, '_' and '-' only");
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (char c : id.symbol)
        if (std::isspace(static_cast<unsigned char>(c)) || c == ':')
            return makeError("instrument symbol \"" + id.symbol + "\" may not contain spaces or ':'");
    return id;
}

std::string Instrument::displayName() const {
    if (!baseAsset.empty() && !quoteAsset.empty()) return baseAsset + "/" + quoteAsset;
    return id.symbol;
}

namespace {
template <class T>
Status checkStep(const T& value, const T& step, const char* what) {
    if (step.isZero()) return {};
    const int s = value.scale() > step.scale() ? value.scale() : step.scale();
    auto v = value.rescaled(s, RoundingMode::Exact);
    auto st = step.rescaled(s, RoundingMode::Exact);
    if (!v || !st)
        return makeError(std::string(what) + " " + value.toTrimmedString() + " cannot be checked against step " +
                         step.toTrimmedString());
    if (v->raw() % st->raw() != 0)
        return makeError(std::string(what) + " " + value.toTrimmedString() + " is not a multiple of the step " +
                         step.toTrimmedString());
    return {};
}
}  // namespace

Status Instrument::checkPrice(const Price& price) const { return checkStep(price, tickSize, "price"); }
Status Instrument::checkQuantity(const Quantity& qty) const { return checkStep(qty, lotSize, "quantity"); }

}  // namespace kairos
