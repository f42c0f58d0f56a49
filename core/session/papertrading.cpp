#include "session/papertrading.h"

#include "session/eventhub.h"
#include "session/terminalsession.h"

#include "trading/instrumentdefaults.h"
#include "trading/venuerules.h"

namespace kairos::session {

namespace {
template <class T>
T settingDecimal(QSettings& s, const char* key, const char* fallback, QStringList* problems) {
    const QString text =
        s.value(QStringLiteral("paper/") + QLatin1String(key), QString::fromLatin1(fallback)).toString().trimmed();
    auto v = T::parse(text.toStdString());
    if (v && !v->isNegative()) return *v;
    if (problems)
        *problems << QObject::tr("paper/%1 \"%2\" is not a non-negative decimal; using %3")
                         .arg(QLatin1String(key), text, QLatin1String(fallback));
    return T::parse(fallback).value();
}
}  // namespace

trading::PaperSettings readPaperSettings(QSettings& s, QStringList* problems) {
    trading::PaperSettings ps;
    ps.startingCash = settingDecimal<Money>(s, "startingCash", "10000", problems);
    ps.simulator.rules.fees.makerBps = settingDecimal<trading::Bps>(s, "makerFeeBps", "10", problems);
    ps.simulator.rules.fees.takerBps = settingDecimal<trading::Bps>(s, "takerFeeBps", "10", problems);
    ps.simulator.rules.slippageBps = settingDecimal<trading::Bps>(s, "slippageBps", "0", problems);
    return ps;
}

bool paperConfirms(QSettings& settings) { return settings.value(QStringLiteral("paper/confirm"), true).toBool(); }

trading::PaperAccount* openPaperAccount(TerminalSession& session, EventHub& hub, QObject* parent, QStringList* problems) {
    auto* paper =
        new trading::PaperAccount(session.database(), readPaperSettings(session.settings(), problems), nullptr, {}, parent);
    trading::PaperVenue* venue = &paper->venue();
    venue->setInstrumentResolver([&session, venue](const InstrumentId& id) -> std::optional<Instrument> {
        if (const Instrument* i = session.venues()->find(id)) return *i;
        if (auto b = trading::bundledInstrumentRules(id)) return b;
        if (auto p = venue->lastPrice(id)) return trading::fallbackInstrumentRules(id, *p);
        return std::nullopt;
    });
    if (auto st = paper->open(); !st && problems) *problems << QString::fromStdString(st.message());
    QObject::connect(&hub, &EventHub::tradeReceived, venue, &trading::PaperVenue::onTrade);
    QObject::connect(&hub, &EventHub::quoteReceived, venue, &trading::PaperVenue::onQuote);
    hub.attachAccount(&paper->account());
    return paper;
}

Result<Price> roundDraggedPrice(double price, const Instrument& inst) {
    const int scale = inst.tickSize.scale();
    auto p = Price::parse(QString::number(price, 'f', scale + 2).toStdString(), scale + 2, RoundingMode::HalfEven);
    if (p) p = trading::roundToTick(*p, inst, RoundingMode::HalfEven);
    if (p && p->scale() != scale) p = p->rescaled(scale, RoundingMode::HalfEven);
    return p;
}

}  // namespace kairos::session
