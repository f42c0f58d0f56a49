#pragma once
// The terminal profile's syncable content as ISyncSource kinds. Ids are what the user sees and
// what is the same on every terminal (local row ids differ between profiles):
//
// | kind           | id                        | payload                                                        |
// |----------------|---------------------------|----------------------------------------------------------------|
// | `watchlist`    | the list's name           | {"name", "items": [{"instrument", "favourite"}]} (order kept)   |
// | `chart_layout` | the layout's name         | the layout's JSON (storage/chartlayout.h), validated on apply   |
// | `drawings`     | "VENUE:SYMBOL"            | {"drawings": [{"kind", "anchors": [[timeMs, price]…], "colour", "width", "text"}]} |
// | `preference`   | the kairos.ini key        | {"value": text}; only the keys in kSyncedPreferences            |
//
// A rename is a deletion and a creation. Alert rules are alertrulesource.h's kind `alert_rule`.
// Indicator templates have no store in the profile yet, so there is no kind for them. All sources
// run on the thread that owns the stores.

#include "sync/syncsource.h"

#include <QSettings>
#include <QStringList>

namespace kairos::storage {
class Database;
class WatchlistStore;
class LayoutStore;
class DrawingStore;
}  // namespace kairos::storage

namespace kairos::sync {

class WatchlistSource final : public ISyncSource {
public:
    /// `store` must outlive the source.
    explicit WatchlistSource(storage::WatchlistStore& store) : m_store(store) {}
    std::string kind() const override { return "watchlist"; }
    Result<Snapshot> snapshot() override;
    Status apply(const std::string& id, const std::string& payload) override;
    Status remove(const std::string& id) override;

private:
    storage::WatchlistStore& m_store;
};

class ChartLayoutSource final : public ISyncSource {
public:
    explicit ChartLayoutSource(storage::LayoutStore& store) : m_store(store) {}
    std::string kind() const override { return "chart_layout"; }
    Result<Snapshot> snapshot() override;
    Status apply(const std::string& id, const std::string& payload) override;
    Status remove(const std::string& id) override;

private:
    storage::LayoutStore& m_store;
};

class DrawingSource final : public ISyncSource {
public:
    /// `db` is the profile database `store` works on (read for the instruments that have drawings).
    DrawingSource(storage::Database& db, storage::DrawingStore& store) : m_db(db), m_store(store) {}
    std::string kind() const override { return "drawings"; }
    Result<Snapshot> snapshot() override;
    Status apply(const std::string& id, const std::string& payload) override;
    Status remove(const std::string& id) override;

private:
    storage::Database& m_db;
    storage::DrawingStore& m_store;
};

/// The kairos.ini keys that sync: look and behaviour, never venues, URLs or anything secret.
inline const QStringList kSyncedPreferences = {
    QStringLiteral("ui/theme"),     QStringLiteral("watchlist/staleAfterSec"), QStringLiteral("alerts/desktop"),
    QStringLiteral("alerts/sound"), QStringLiteral("paper/confirm"),
};

class PreferenceSource final : public ISyncSource {
public:
    /// `settings` must outlive the source; only `keys` are read or written.
    explicit PreferenceSource(QSettings& settings, QStringList keys = kSyncedPreferences)
        : m_settings(settings), m_keys(std::move(keys)) {}
    std::string kind() const override { return "preference"; }
    Result<Snapshot> snapshot() override;
    Status apply(const std::string& id, const std::string& payload) override;
    Status remove(const std::string& id) override;

private:
    QSettings& m_settings;
    QStringList m_keys;
};

}  // namespace kairos::sync
