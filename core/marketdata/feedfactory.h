#pragma once
// Creating exchange adapters by venue name, with their base URLs configurable so they can point
// at test servers or regional hosts. Precedence, lowest to highest:
//   1. the venue's production defaults;
//   2. settings: group "marketdata/<VENUE>", keys restUrl, wsUrl, wsUrl2;
//   3. environment: KAIROS_<VENUE>_REST_URL, KAIROS_<VENUE>_WS_URL, KAIROS_<VENUE>_WS2_URL;
//   4. explicit overrides (kairos-cli --rest-url/--ws-url).

#include "marketdata/exchangefeed.h"
#include "util/result.h"

#include <QSettings>
#include <QString>
#include <QStringList>

#include <memory>

namespace kairos::marketdata {

/// "BINANCE", "BYBIT", "OKX", "KRAKEN", "COINBASE" (Coinbase Exchange), "COINBASE_ADVANCED" (Advanced Trade).
QStringList supportedVenues();

/// Production configuration of `venue` (case-insensitive). Error names the supported venues.
Result<FeedConfig> defaultFeedConfig(const QString& venue);

/// Applies settings then environment overrides (see the file comment) to `config`. An invalid
/// URL is an error naming where it came from.
Status applyUrlOverrides(const QString& venue, FeedConfig& config, const QSettings* settings = nullptr);

/// The adapter for `venue` with `config` as given.
Result<std::unique_ptr<ExchangeFeed>> createExchangeFeed(const QString& venue, FeedConfig config, QObject* parent = nullptr);

/// defaultFeedConfig + applyUrlOverrides + createExchangeFeed.
Result<std::unique_ptr<ExchangeFeed>> createExchangeFeed(const QString& venue, const QSettings* settings = nullptr,
                                                         QObject* parent = nullptr);

}  // namespace kairos::marketdata
