#include "marketdata/marketdatafeed.h"

namespace kairos::marketdata {

MarketDataFeed::MarketDataFeed(QObject* parent) : QObject(parent) {
    qRegisterMetaType<kairos::InstrumentId>();
    qRegisterMetaType<kairos::Trade>();
    qRegisterMetaType<kairos::Quote>();
    qRegisterMetaType<kairos::Bar>();
    qRegisterMetaType<kairos::Timeframe>();
    qRegisterMetaType<kairos::marketdata::FeedStatus>();
}

QString FeedStatus::toString() const {
    QString s;
    switch (state) {
    case FeedState::Disconnected:
        s = QStringLiteral("disconnected");
        break;
    case FeedState::Connecting:
        s = QStringLiteral("connecting");
        break;
    case FeedState::Live:
        s = QStringLiteral("live");
        break;
    case FeedState::Reconnecting:
        s = QStringLiteral("reconnecting in %1 s").arg((retryInMs + 999) / 1000);
        break;
    case FeedState::Down:
        s = QStringLiteral("down");
        break;
    }
    if (!detail.isEmpty()) s += QStringLiteral(" (") + detail + QLatin1Char(')');
    return s;
}

}  // namespace kairos::marketdata
