#include "marketdata/venuedirectory.h"

#include "marketdata/feedfactory.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSaveFile>

namespace kairos::marketdata {

namespace {

QString sourceName(DataSource s) { return s == DataSource::Live ? QStringLiteral("live") : QStringLiteral("replay"); }

Result<DataSource> parseSource(const QString& text, const QString& where) {
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("replay")) return DataSource::Replay;
    if (t == QLatin1String("live")) return DataSource::Live;
    return makeError(where.toStdString() + ": \"" + text.toStdString() + "\" is neither \"replay\" nor \"live\"");
}

Result<QStringList> parseVenues(const QString& text, const QString& where) {
    QStringList out;
    if (text.trimmed().compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) return out;
    const QStringList known = supportedVenues();
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString v = part.trimmed().toUpper();
        if (v.isEmpty()) continue;
        if (!known.contains(v))
            return makeError(where.toStdString() + ": unknown venue \"" + part.trimmed().toStdString() +
                             "\"; supported: " + known.join(QStringLiteral(", ")).toStdString());
        if (!out.contains(v)) out << v;
    }
    return out;
}

}  // namespace

Result<VenueSettings> readVenueSettings(const QSettings* settings, VenueSettings v) {
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    auto layer = [&](const QString& venues, const QString& def, const QString& source, const QString& where) -> Status {
        if (!venues.isNull()) {
            auto list = parseVenues(venues, where + QStringLiteral(" venues"));
            if (!list) return list.error();
            v.enabled = *list;
        }
        if (!def.isEmpty()) {
            const QString d = def.trimmed().toUpper();
            if (!supportedVenues().contains(d))
                return makeError(where.toStdString() + " defaultVenue: unknown venue \"" + def.toStdString() + "\"");
            v.defaultVenue = d;
        }
        if (!source.isEmpty()) {
            auto s = parseSource(source, where + QStringLiteral(" source"));
            if (!s) return s.error();
            v.source = *s;
        }
        return {};
    };
    if (settings) {
        const QVariant venues = settings->value(QStringLiteral("marketdata/venues"));
        // QSettings turns "A,B" in an INI file into a string list.
        const QString venuesText = !venues.isValid() ? QString() : venues.toStringList().join(QLatin1Char(','));
        if (auto st = layer(
                venues.isValid() ? venuesText : QString(), settings->value(QStringLiteral("marketdata/defaultVenue")).toString(),
                settings->value(QStringLiteral("marketdata/source")).toString(), QStringLiteral("setting marketdata/"));
            !st)
            return st.error();
    }
    if (auto st = layer(env.contains(QStringLiteral("KAIROS_VENUES")) ? env.value(QStringLiteral("KAIROS_VENUES")) : QString(),
                        env.value(QStringLiteral("KAIROS_DEFAULT_VENUE")), env.value(QStringLiteral("KAIROS_MARKETDATA_SOURCE")),
                        QStringLiteral("environment KAIROS_"));
        !st)
        return st.error();
    if (v.defaultVenue.isEmpty()) v.defaultVenue = v.enabled.isEmpty() ? QStringLiteral("BINANCE") : v.enabled.front();
    return v;
}

void writeVenueSettings(QSettings& settings, const VenueSettings& v) {
    settings.setValue(QStringLiteral("marketdata/venues"),
                      v.enabled.isEmpty() ? QStringLiteral("none") : v.enabled.join(QLatin1Char(',')));
    settings.setValue(QStringLiteral("marketdata/defaultVenue"), v.defaultVenue);
    settings.setValue(QStringLiteral("marketdata/source"), sourceName(v.source));
}

QByteArray instrumentsToJson(const std::vector<Instrument>& instruments) {
    QJsonArray a;
    for (const Instrument& i : instruments) {
        QJsonObject o;
        o[QStringLiteral("venue")] = QString::fromStdString(i.id.venue);
        o[QStringLiteral("symbol")] = QString::fromStdString(i.id.symbol);
        o[QStringLiteral("base")] = QString::fromStdString(i.baseAsset);
        o[QStringLiteral("quote")] = QString::fromStdString(i.quoteAsset);
        o[QStringLiteral("tickSize")] = QString::fromStdString(i.tickSize.toString());
        o[QStringLiteral("lotSize")] = QString::fromStdString(i.lotSize.toString());
        o[QStringLiteral("minNotional")] = QString::fromStdString(i.minNotional.toString());
        o[QStringLiteral("pricePrecision")] = i.pricePrecision;
        o[QStringLiteral("quantityPrecision")] = i.quantityPrecision;
        a.append(o);
    }
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

Result<std::vector<Instrument>> instrumentsFromJson(const QByteArray& json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return makeError("not JSON at offset " + std::to_string(err.offset) + ": " + err.errorString().toStdString());
    if (!doc.isArray()) return makeError("expected a JSON array of instruments");
    std::vector<Instrument> out;
    const QJsonArray items = doc.array();
    out.reserve(static_cast<std::size_t>(items.size()));
    int index = 0;
    for (const auto& v : items) {
        const QJsonObject o = v.toObject();
        const std::string where = "instrument " + std::to_string(index++);
        Instrument i;
        i.id.venue = o.value(QStringLiteral("venue")).toString().toStdString();
        i.id.symbol = o.value(QStringLiteral("symbol")).toString().toStdString();
        if (i.id.venue.empty() || i.id.symbol.empty()) return makeError(where + ": venue or symbol missing");
        i.baseAsset = o.value(QStringLiteral("base")).toString().toStdString();
        i.quoteAsset = o.value(QStringLiteral("quote")).toString().toStdString();
        auto tick = Price::parse(o.value(QStringLiteral("tickSize")).toString().toStdString());
        auto lot = Quantity::parse(o.value(QStringLiteral("lotSize")).toString().toStdString());
        auto notional = Money::parse(o.value(QStringLiteral("minNotional")).toString().toStdString());
        if (!tick) return makeError(where + " tickSize: " + tick.message());
        if (!lot) return makeError(where + " lotSize: " + lot.message());
        if (!notional) return makeError(where + " minNotional: " + notional.message());
        i.tickSize = *tick;
        i.lotSize = *lot;
        i.minNotional = *notional;
        i.pricePrecision = o.value(QStringLiteral("pricePrecision")).toInt(8);
        i.quantityPrecision = o.value(QStringLiteral("quantityPrecision")).toInt(8);
        out.push_back(std::move(i));
    }
    return out;
}

VenueDirectory::VenueDirectory(QString cacheDir, const QStringList& enabledVenues, const QSettings* settings, QObject* parent)
    : QObject(parent), m_cacheDir(std::move(cacheDir)), m_settings(settings) {
    for (const QString& v : enabledVenues)
        if (!m_enabled.contains(v.toUpper())) m_enabled << v.toUpper();
    for (const QString& v : m_enabled) loadCache(v);
}

VenueDirectory::~VenueDirectory() = default;

void VenueDirectory::setEnabledVenues(const QStringList& venues) {
    QStringList next;
    for (const QString& v : venues)
        if (!next.contains(v.toUpper())) next << v.toUpper();
    if (next == m_enabled) return;
    const QStringList before = m_enabled;
    m_enabled = next;
    for (const QString& v : before)
        if (!m_enabled.contains(v)) {
            // Detached first: a callback the dying feed may run finds the map consistent.
            auto node = m_venues.extract(v);
            node = {};
            m_venues.erase(v);
        }
    for (const QString& v : m_enabled)
        if (!before.contains(v)) {
            loadCache(v);
            refresh(v);
        }
    Q_EMIT enabledVenuesChanged();
}

VenueDirectory::VenueState& VenueDirectory::state(const QString& venue) { return m_venues[venue.toUpper()]; }

QString VenueDirectory::cachePath(const QString& venue) const {
    return QDir(m_cacheDir).filePath(venue.toUpper() + QStringLiteral(".json"));
}

void VenueDirectory::loadCache(const QString& venue) {
    QFile f(cachePath(venue));
    if (!f.open(QIODevice::ReadOnly)) return;  // no cache yet
    auto list = instrumentsFromJson(f.readAll());
    VenueState& s = state(venue);
    if (!list) {
        s.error = tr("the cached instrument list %1 is unreadable (%2); it is refetched")
                      .arg(f.fileName(), QString::fromStdString(list.message()));
        return;
    }
    s.instruments = std::move(*list);
}

ExchangeFeed* VenueDirectory::feed(const QString& venue, QString* error) {
    const QString v = venue.toUpper();
    if (!isEnabled(v)) {
        if (error) *error = tr("%1 is not enabled (Settings > Market data)").arg(v);
        return nullptr;
    }
    VenueState& s = state(v);
    if (s.feed) return s.feed.get();
    auto config = defaultFeedConfig(v);
    if (!config) {
        if (error) *error = QString::fromStdString(config.message());
        return nullptr;
    }
    if (auto st = applyUrlOverrides(v, *config, m_settings); !st) {
        if (error) *error = QString::fromStdString(st.message());
        return nullptr;
    }
    // A terminal start must not spin for half a minute on a machine without internet: three
    // attempts (about 3 s of backoff) before a request is reported failed.
    config->rest.maxAttempts = 3;
    auto created = createExchangeFeed(v, std::move(*config));
    if (!created) {
        if (error) *error = QString::fromStdString(created.message());
        return nullptr;
    }
    s.feed = std::move(*created);
    return s.feed.get();
}

std::vector<ExchangeFeed*> VenueDirectory::feeds() const {
    std::vector<ExchangeFeed*> out;
    for (const auto& [name, s] : m_venues)
        if (s.feed) out.push_back(s.feed.get());
    return out;
}

const std::vector<Instrument>& VenueDirectory::instruments(const QString& venue) const {
    static const std::vector<Instrument> empty;
    auto it = m_venues.find(venue.toUpper());
    return it == m_venues.end() ? empty : it->second.instruments;
}

std::vector<Instrument> VenueDirectory::allInstruments() const {
    std::vector<Instrument> out;
    for (const QString& v : m_enabled) {
        const auto& list = instruments(v);
        out.insert(out.end(), list.begin(), list.end());
    }
    return out;
}

const Instrument* VenueDirectory::find(const InstrumentId& id) const {
    for (const Instrument& i : instruments(QString::fromStdString(id.venue)))
        if (i.id == id) return &i;
    return nullptr;
}

bool VenueDirectory::isReachable(const QString& venue) const {
    auto it = m_venues.find(venue.toUpper());
    return it != m_venues.end() && it->second.reachable;
}

QString VenueDirectory::lastError(const QString& venue) const {
    auto it = m_venues.find(venue.toUpper());
    return it == m_venues.end() ? QString() : it->second.error;
}

void VenueDirectory::refreshAll() {
    for (const QString& v : m_enabled) refresh(v);
}

void VenueDirectory::refresh(const QString& venue) {
    const QString v = venue.toUpper();
    QString error;
    ExchangeFeed* f = feed(v, &error);
    if (!f) {
        state(v).error = error;
        Q_EMIT refreshFailed(v, error);
        return;
    }
    VenueState& s = state(v);
    if (s.refreshing) return;
    s.refreshing = true;
    f->fetchInstruments([this, v](Result<std::vector<Instrument>> list) {
        VenueState& st = state(v);
        st.refreshing = false;
        if (!list) {
            st.reachable = false;
            st.error = QString::fromStdString(list.message());
            Q_EMIT refreshFailed(v, st.error);
            return;
        }
        st.reachable = true;
        st.error.clear();
        st.instruments = std::move(*list);
        QDir().mkpath(m_cacheDir);
        // Atomic replace: a crash leaves the old list. Unbuffered, so that a full disk fails the write
        // itself: Qt 6.4's commit() ignores a failed final flush and renames a truncated file over.
        QSaveFile file(cachePath(v));
        if (file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            file.write(instrumentsToJson(st.instruments));
            if (!file.commit()) st.error = tr("could not write %1: %2").arg(file.fileName(), file.errorString());
        } else {
            st.error = tr("could not write %1: %2").arg(file.fileName(), file.errorString());
        }
        Q_EMIT instrumentsChanged(v);
    });
}

}  // namespace kairos::marketdata
