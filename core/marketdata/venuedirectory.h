#pragma once
// VenueDirectory: the terminal's view of the configured exchanges — which venues are enabled,
// one live ExchangeFeed per enabled venue (created through feedfactory, so base URLs follow the
// settings/environment overrides), and each venue's instrument list for symbol search.
//
// Instrument lists are cached per venue in `<cacheDir>/<VENUE>.json` (written with an atomic
// replace), so search works offline with the last list the venue served. refresh() asks the
// venue again; the outcome is reported per venue (instrumentsChanged / refreshFailed), never by
// blocking. A venue that cannot be reached is reported with the reason ("host not found",
// "connection refused", "HTTP 418: ..."), and the caller decides what to fall back to.
//
// Settings (QSettings, group "marketdata"):
//   venues        enabled venues, e.g. "BINANCE,OKX"          (env KAIROS_VENUES; "none" = none)
//   defaultVenue  venue for symbols typed without "VENUE:"    (env KAIROS_DEFAULT_VENUE)
//   source        "replay" (bundled data) or "live"           (env KAIROS_MARKETDATA_SOURCE)
// Environment beats settings; settings beat the defaults given to the constructor.

#include "marketdata/exchangefeed.h"
#include "util/result.h"

#include <QObject>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <vector>

namespace kairos::marketdata {

/// Where the terminal's prices come from.
enum class DataSource : std::uint8_t { Replay = 1, Live };

struct VenueSettings {
    QStringList enabled;   ///< upper-case venue names, in the order given
    QString defaultVenue;  ///< one of supportedVenues()
    DataSource source = DataSource::Replay;
};

/// Reads the "marketdata" settings with environment overrides on top of `defaults`. Unknown
/// venue names are an error naming them and the supported ones.
Result<VenueSettings> readVenueSettings(const QSettings* settings, VenueSettings defaults);
/// Writes `v` to the "marketdata" group.
void writeVenueSettings(QSettings& settings, const VenueSettings& v);

/// Instrument lists as the cache file stores them (JSON array; decimals as strings).
QByteArray instrumentsToJson(const std::vector<Instrument>& instruments);
Result<std::vector<Instrument>> instrumentsFromJson(const QByteArray& json);

class VenueDirectory : public QObject {
    Q_OBJECT
public:
    /// `settings` (may be null) supplies URL overrides for the feeds; it must outlive this object.
    VenueDirectory(QString cacheDir, const QStringList& enabledVenues, const QSettings* settings = nullptr,
                   QObject* parent = nullptr);
    ~VenueDirectory() override;

    const QStringList& enabledVenues() const { return m_enabled; }
    /// Enables/disables venues: a newly enabled one loads its cache and is refreshed; a disabled
    /// one's feed is closed and destroyed. Emits enabledVenuesChanged() when the set changed.
    void setEnabledVenues(const QStringList& venues);
    bool isEnabled(const QString& venue) const { return m_enabled.contains(venue.toUpper()); }

    /// The live feed of an enabled venue (created on first use), or nullptr with `error` set
    /// when the venue is not enabled or its configuration is invalid.
    ExchangeFeed* feed(const QString& venue, QString* error = nullptr);
    /// Feeds created so far.
    std::vector<ExchangeFeed*> feeds() const;

    /// The venue's instruments: the last list fetched, else the cached file, else empty.
    const std::vector<Instrument>& instruments(const QString& venue) const;
    /// All enabled venues' instruments, venue by venue.
    std::vector<Instrument> allInstruments() const;
    /// The instrument with this id if its venue's list has it.
    const Instrument* find(const InstrumentId& id) const;
    /// Whether the last refresh of the venue succeeded (false before any).
    bool isReachable(const QString& venue) const;
    /// The reason of the last failed refresh ("" when none failed).
    QString lastError(const QString& venue) const;

    /// Fetches every enabled venue's instrument list (asynchronous).
    void refreshAll();
    void refresh(const QString& venue);

Q_SIGNALS:
    void enabledVenuesChanged();
    void instrumentsChanged(const QString& venue);
    void refreshFailed(const QString& venue, const QString& reason);

private:
    struct VenueState {
        std::unique_ptr<ExchangeFeed> feed;
        std::vector<Instrument> instruments;
        bool reachable = false;
        bool refreshing = false;
        QString error;
    };
    VenueState& state(const QString& venue);
    void loadCache(const QString& venue);
    QString cachePath(const QString& venue) const;

    QString m_cacheDir;
    QStringList m_enabled;
    const QSettings* m_settings;
    std::map<QString, VenueState> m_venues;
};

}  // namespace kairos::marketdata
