#include "marketdata/marketdatafeed.h"

namespace kairos::marketdata {

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
