#include "marketdata/feedfactory.h"

#include "marketdata/binancefeed.h"
#include "marketdata/bybitfeed.h"
#include "marketdata/coinbaseatfeed.h"
#include "marketdata/coinbasefeed.h"
#include "marketdata/krakenfeed.h"
#include "marketdata/okxfeed.h"

#include <QProcessEnvironment>

namespace kairos::marketdata {

namespace {
struct VenueEntry {
    const char* name;
    FeedConfig (*defaults)();
    std::unique_ptr<ExchangeFeed> (*create)(FeedConfig, QObject*);
};

template <class Feed>
std::unique_ptr<ExchangeFeed> make(FeedConfig c, QObject* parent) {
    return std::make_unique<Feed>(std::move(c), parent);
}

const std::vector<VenueEntry>& venues() {
    static const std::vector<VenueEntry> v = {
        {"BINANCE", &BinanceFeed::defaultConfig, &make<BinanceFeed>},
        {"BYBIT", &BybitFeed::defaultConfig, &make<BybitFeed>},
        {"OKX", &OkxFeed::defaultConfig, &make<OkxFeed>},
        {"KRAKEN", &KrakenFeed::defaultConfig, &make<KrakenFeed>},
        {"COINBASE", &CoinbaseFeed::defaultConfig, &make<CoinbaseFeed>},
        {"COINBASE_ADVANCED", &CoinbaseAdvancedFeed::defaultConfig, &make<CoinbaseAdvancedFeed>},
    };
    return v;
}

const VenueEntry* find(const QString& venue) {
    const QString up = venue.trimmed().toUpper();
    for (const auto& e : venues())
        if (up == QLatin1String(e.name)) return &e;
    return nullptr;
}

Error unknownVenue(const QString& venue) {
    return makeError("unknown venue \"" + venue.toStdString() +
                     "\"; supported: " + supportedVenues().join(QStringLiteral(", ")).toStdString());
}

Status setUrl(QUrl& target, const QString& value, const QString& where) {
    if (value.isEmpty()) return {};
    const QUrl u(value, QUrl::StrictMode);
    if (!u.isValid() || u.scheme().isEmpty() || u.host().isEmpty())
        return makeError(where.toStdString() + ": \"" + value.toStdString() +
                         "\" is not an absolute URL (e.g. ws://127.0.0.1:9443)");
    target = u;
    return {};
}
}  // namespace

QStringList supportedVenues() {
    QStringList out;
    for (const auto& e : venues()) out << QLatin1String(e.name);
    return out;
}

Result<FeedConfig> defaultFeedConfig(const QString& venue) {
    const VenueEntry* e = find(venue);
    if (!e) return unknownVenue(venue);
    return e->defaults();
}

Status applyUrlOverrides(const QString& venue, FeedConfig& config, const QSettings* settings) {
    const QString up = venue.trimmed().toUpper();
    if (settings) {
        const QString g = QStringLiteral("marketdata/") + up + QLatin1Char('/');
        const struct {
            const char* key;
            QUrl* url;
        } keys[] = {{"restUrl", &config.restUrl}, {"wsUrl", &config.wsUrl}, {"wsUrl2", &config.wsUrl2}};
        for (const auto& k : keys) {
            const QString name = g + QLatin1String(k.key);
            if (auto st = setUrl(*k.url, settings->value(name).toString(), QStringLiteral("setting ") + name); !st) return st;
        }
    }
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const struct {
        const char* suffix;
        QUrl* url;
    } vars[] = {{"_REST_URL", &config.restUrl}, {"_WS_URL", &config.wsUrl}, {"_WS2_URL", &config.wsUrl2}};
    for (const auto& v : vars) {
        const QString name = QStringLiteral("KAIROS_") + up + QLatin1String(v.suffix);
        if (auto st = setUrl(*v.url, env.value(name), QStringLiteral("environment variable ") + name); !st) return st;
    }
    return {};
}

Result<std::unique_ptr<ExchangeFeed>> createExchangeFeed(const QString& venue, FeedConfig config, QObject* parent) {
    const VenueEntry* e = find(venue);
    if (!e) return unknownVenue(venue);
    return e->create(std::move(config), parent);
}

Result<std::unique_ptr<ExchangeFeed>> createExchangeFeed(const QString& venue, const QSettings* settings, QObject* parent) {
    auto cfg = defaultFeedConfig(venue);
    if (!cfg) return cfg.error();
    if (auto st = applyUrlOverrides(venue, *cfg, settings); !st) return st.error();
    return createExchangeFeed(venue, std::move(*cfg), parent);
}

}  // namespace kairos::marketdata
