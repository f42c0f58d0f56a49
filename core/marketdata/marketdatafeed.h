#pragma once
// MarketDataFeed: the port every market-data source implements (exchange adapters, ReplayFeed).
// Lives on a Qt event loop; signals carry immutable values and may be connected across threads
// (queued). Subscriptions are idempotent; unsubscribing what is not subscribed is a no-op.

#include "domain/bar.h"
#include "domain/instrument.h"
#include "domain/timeframe.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <vector>

namespace kairos::marketdata {

enum class FeedState : std::uint8_t {
    Disconnected = 1,  ///< not started, or stopped by the user
    Connecting,
    Live,          ///< data flowing
    Reconnecting,  ///< lost; retrying after FeedStatus::retryInMs
    Down,          ///< gave up; FeedStatus::detail says why
};

struct FeedStatus {
    FeedState state = FeedState::Disconnected;
    QString detail;     ///< human-readable reason or extra ("replay 60x", "HTTP 418: IP banned")
    int retryInMs = 0;  ///< for Reconnecting
    QString toString() const;
};

class MarketDataFeed : public QObject {
    Q_OBJECT
public:
    /// Registers the metatypes its signals carry (queued connections across threads).
    explicit MarketDataFeed(QObject* parent = nullptr);
    ~MarketDataFeed() override = default;

    /// Short venue/source name ("BINANCE", "REPLAY").
    virtual QString name() const = 0;
    virtual FeedStatus status() const = 0;

    virtual void subscribeTrades(const InstrumentId& id) = 0;
    virtual void unsubscribeTrades(const InstrumentId& id) = 0;
    virtual void subscribeQuotes(const InstrumentId& id) = 0;
    virtual void unsubscribeQuotes(const InstrumentId& id) = 0;
    virtual void subscribeBars(const InstrumentId& id, Timeframe tf) = 0;
    virtual void unsubscribeBars(const InstrumentId& id, Timeframe tf) = 0;

Q_SIGNALS:
    void tradeReceived(const kairos::InstrumentId& id, const kairos::Trade& trade);
    void quoteReceived(const kairos::InstrumentId& id, const kairos::Quote& quote);
    /// A forming (bar.closed == false) or closed bar.
    void barUpdated(const kairos::InstrumentId& id, kairos::Timeframe tf, const kairos::Bar& bar);
    void statusChanged(const kairos::marketdata::FeedStatus& status);
    /// Something went wrong but the feed continues (a malformed message was skipped, ...).
    void errorOccurred(const QString& message);
};

}  // namespace kairos::marketdata

Q_DECLARE_METATYPE(kairos::InstrumentId)
Q_DECLARE_METATYPE(kairos::Trade)
Q_DECLARE_METATYPE(kairos::Quote)
Q_DECLARE_METATYPE(kairos::Bar)
Q_DECLARE_METATYPE(std::vector<kairos::Bar>)  // declared with Bar, before any signal carrying it is instantiated
Q_DECLARE_METATYPE(kairos::Timeframe)
Q_DECLARE_METATYPE(kairos::marketdata::FeedStatus)
