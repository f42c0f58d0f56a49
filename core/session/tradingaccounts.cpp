#include "session/tradingaccounts.h"

#include "session/eventhub.h"
#include "session/papertrading.h"
#include "session/terminalsession.h"

#include "marketdata/venuedirectory.h"
#include "storage/database.h"
#include "storage/sqlite.h"
#include "trading/instrumentdefaults.h"
#include "trading/paperstore.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QStringList>

#include <algorithm>

namespace kairos::session {

namespace {
Q_LOGGING_CATEGORY(lcTrading, "kairos.trading")
}  // namespace

using storage::sql::Statement;
using trading::AccountInfo;
using trading::AccountKind;

// ---- account_settings --------------------------------------------------------------------------

namespace {

Error sqlError(sqlite3* db, const std::string& what) { return makeError(what + ": " + storage::sql::sqliteMessage(db)); }

template <class T>
void bindOpt(Statement& st, int index, const std::optional<T>& v) {
    if (v) {
        st.bindInt64(index, v->raw());
        st.bindInt64(index + 1, v->scale());
    } else {
        sqlite3_bind_null(st.get(), index);
        sqlite3_bind_null(st.get(), index + 1);
    }
}
void bindOptInt(Statement& st, int index, const std::optional<int>& v) {
    if (v)
        st.bindInt64(index, *v);
    else
        sqlite3_bind_null(st.get(), index);
}
template <class T>
std::optional<T> readOpt(const Statement& st, int column) {
    if (sqlite3_column_type(st.get(), column) == SQLITE_NULL) return std::nullopt;
    return T::fromRaw(st.columnInt64(column), st.columnInt(column + 1));
}
std::optional<int> readOptInt(const Statement& st, int column) {
    if (sqlite3_column_type(st.get(), column) == SQLITE_NULL) return std::nullopt;
    return st.columnInt(column);
}

}  // namespace

Result<AccountSettings> loadAccountSettings(storage::Database& database, std::int64_t accountId) {
    sqlite3* db = database.handle();
    Statement st;
    if (auto s = st.prepare(db,
                            "SELECT confirm_orders, allowed_symbols, max_orders_per_minute, max_order_value_raw, "
                            "max_order_value_scale, max_position_qty_raw, max_position_qty_scale, max_position_percent, "
                            "max_open_positions, max_daily_loss_raw, max_daily_loss_scale FROM account_settings "
                            "WHERE account_id = ?1");
        !s)
        return s.error();
    st.bindInt64(1, accountId);
    AccountSettings out;
    const int rc = st.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlError(db, "settings of account " + std::to_string(accountId) + " not readable");
    out.confirmOrders = st.columnInt(0) != 0;
    for (const QString& sym : QString::fromStdString(st.columnText(1)).split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.limits.allowedSymbols.push_back(sym.trimmed().toStdString());
    out.limits.maxOrdersPerMinute = readOptInt(st, 2);
    out.limits.maxOrderValue = readOpt<Money>(st, 3);
    out.limits.maxPositionQuantity = readOpt<Quantity>(st, 5);
    out.limits.maxPositionPercent = readOptInt(st, 7);
    out.limits.maxOpenPositions = readOptInt(st, 8);
    out.limits.maxDailyLoss = readOpt<Money>(st, 9);
    return out;
}

Status saveAccountSettings(storage::Database& database, std::int64_t accountId, const AccountSettings& s) {
    sqlite3* db = database.handle();
    Statement st;
    if (auto p = st.prepare(db,
                            "INSERT OR REPLACE INTO account_settings (account_id, confirm_orders, allowed_symbols, "
                            "max_orders_per_minute, max_order_value_raw, max_order_value_scale, max_position_qty_raw, "
                            "max_position_qty_scale, max_position_percent, max_open_positions, max_daily_loss_raw, "
                            "max_daily_loss_scale) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
        !p)
        return p.error();
    std::string symbols;
    for (const auto& sym : s.limits.allowedSymbols) symbols += (symbols.empty() ? "" : ",") + sym;
    st.bindInt64(1, accountId);
    st.bindInt64(2, s.confirmOrders ? 1 : 0);
    st.bindText(3, symbols);
    bindOptInt(st, 4, s.limits.maxOrdersPerMinute);
    bindOpt(st, 5, s.limits.maxOrderValue);
    bindOpt(st, 7, s.limits.maxPositionQuantity);
    bindOptInt(st, 9, s.limits.maxPositionPercent);
    bindOptInt(st, 10, s.limits.maxOpenPositions);
    bindOpt(st, 11, s.limits.maxDailyLoss);
    if (st.step() != SQLITE_DONE) return sqlError(db, "settings of account " + std::to_string(accountId) + " not saved");
    return {};
}

QString accountKindLabel(AccountKind kind) {
    switch (kind) {
    case AccountKind::Live:
        return QStringLiteral("LIVE");
    case AccountKind::Testnet:
        return QStringLiteral("TESTNET");
    case AccountKind::Backtest:
        return QStringLiteral("BACKTEST");
    case AccountKind::Paper:
        break;
    }
    return QStringLiteral("PAPER");
}

QString accountLabel(const AccountInfo& info) {
    const QString kind = accountKindLabel(info.kind);
    const QString name = QString::fromStdString(info.name);
    return name.compare(kind, Qt::CaseInsensitive) == 0 ? kind : kind + QStringLiteral(" · ") + name;
}

// ---- TradingAccounts ---------------------------------------------------------------------------

struct TradingAccounts::Entry {
    AccountInfo info;
    AccountSettings settings;
    QString problem;
    int generation = 0;  ///< bumped at each (re)open: late keychain answers of an older one are dropped
    std::unique_ptr<trading::PaperStore> store;
    std::unique_ptr<trading::PaperVenue> paper;
    std::unique_ptr<live::LiveVenue> live;
    std::unique_ptr<trading::Account> account;
    std::unique_ptr<trading::RiskManager> risk;
    std::unique_ptr<live::LedgerSync> ledger;
    bool open = false;
};

TradingAccounts::TradingAccounts(Options options, QObject* parent) : QObject(parent), m_options(std::move(options)) {
    qRegisterMetaType<kairos::live::ReconciliationReport>();
}

TradingAccounts::TradingAccounts(TerminalSession& session, EventHub& hub, alerts::ISecretStore& secrets, QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<kairos::live::ReconciliationReport>();
    QStringList problems;
    m_options.db = session.database();
    m_options.secrets = &secrets;
    m_options.settings = &session.settings();
    m_options.hub = &hub;
    m_options.paper = readPaperSettings(session.settings(), &problems);
    m_options.instrumentRules = [&session](const InstrumentId& id) -> std::optional<Instrument> {
        if (const Instrument* i = session.venues()->find(id)) return *i;
        return trading::bundledInstrumentRules(id);
    };
    if (!problems.isEmpty())
        QMetaObject::invokeMethod(
            this, [this, problems] { Q_EMIT problem(tr("Paper trading: %1").arg(problems.join(QStringLiteral("; ")))); },
            Qt::QueuedConnection);
}

TradingAccounts::~TradingAccounts() {
    for (auto& e : m_entries) close(*e);
}

std::string TradingAccounts::apiKeyName(std::int64_t id) { return "binance-api-key/" + std::to_string(id); }
std::string TradingAccounts::apiSecretName(std::int64_t id) { return "binance-api-secret/" + std::to_string(id); }

TradingAccounts::Entry* TradingAccounts::entry(std::int64_t id) const {
    for (const auto& e : m_entries)
        if (e->info.id == id) return e.get();
    return nullptr;
}

std::vector<AccountInfo> TradingAccounts::accounts() const {
    std::vector<AccountInfo> out;
    out.reserve(m_entries.size());
    for (const auto& e : m_entries) out.push_back(e->info);
    return out;
}

std::optional<AccountInfo> TradingAccounts::info(std::int64_t id) const {
    if (Entry* e = entry(id)) return e->info;
    return std::nullopt;
}

trading::Account* TradingAccounts::account(std::int64_t id) const {
    Entry* e = entry(id);
    return e && e->open ? e->account.get() : nullptr;
}

QString TradingAccounts::problemOf(std::int64_t id) const {
    Entry* e = entry(id);
    return e ? e->problem : tr("there is no account %1").arg(id);
}

live::LiveVenue* TradingAccounts::liveVenue(std::int64_t id) const {
    Entry* e = entry(id);
    return e && e->open ? e->live.get() : nullptr;
}

trading::PaperVenue* TradingAccounts::paperVenue(std::int64_t id) const {
    Entry* e = entry(id);
    return e && e->open ? e->paper.get() : nullptr;
}

trading::RiskManager* TradingAccounts::risk(std::int64_t id) const {
    Entry* e = entry(id);
    return e && e->open ? e->risk.get() : nullptr;
}

AccountSettings TradingAccounts::settings(std::int64_t id) const {
    Entry* e = entry(id);
    return e ? e->settings : AccountSettings{};
}

live::LiveVenue::Endpoints TradingAccounts::endpoints(AccountKind kind) const {
    live::LiveVenue::Endpoints ep = live::LiveVenue::endpointsFor(kind);
    if (!m_options.settings) return ep;
    const QString prefix = kind == AccountKind::Live ? QStringLiteral("binance/live") : QStringLiteral("binance/testnet");
    const QString rest = m_options.settings->value(prefix + QStringLiteral("RestUrl")).toString().trimmed();
    const QString ws = m_options.settings->value(prefix + QStringLiteral("WsApiUrl")).toString().trimmed();
    if (!rest.isEmpty()) ep.restUrl = QUrl(rest);
    if (!ws.isEmpty()) ep.wsApiUrl = QUrl(ws);
    return ep;
}

void TradingAccounts::open() {
    std::vector<AccountInfo> infos;
    if (m_options.db) {
        auto list = trading::PaperStore::accounts(*m_options.db);
        if (!list) {
            Q_EMIT problem(tr("Trading accounts not readable: %1").arg(QString::fromStdString(list.message())));
        } else {
            infos = *list;
        }
    }
    if (infos.empty()) infos.push_back(AccountInfo{});  // the first paper account (created on open)
    for (const AccountInfo& info : infos) {
        auto e = std::make_unique<Entry>();
        e->info = info;
        if (m_options.db) {
            if (auto s = loadAccountSettings(*m_options.db, info.id)) {
                e->settings = *s;
            } else {
                e->problem = QString::fromStdString(s.message());
            }
        }
        m_entries.push_back(std::move(e));
    }
    const std::int64_t stored =
        m_options.settings ? m_options.settings->value(QStringLiteral("trading/activeAccount"), 0).toLongLong() : 0;
    m_activeId = entry(stored) ? stored : m_entries.front()->info.id;
    for (auto& e : m_entries) openEntry(*e);
    Q_EMIT accountsChanged();
}

void TradingAccounts::openEntry(Entry& e) {
    ++e.generation;
    if (e.info.kind == AccountKind::Testnet || e.info.kind == AccountKind::Live)
        openLive(e);
    else
        openPaper(e);
}

void TradingAccounts::openPaper(Entry& e) {
    const trading::IClock& c = clock();
    if (m_options.db) e.store = std::make_unique<trading::PaperStore>(*m_options.db, e.info);
    e.paper = std::make_unique<trading::PaperVenue>(m_options.paper.simulator, c);
    trading::PaperVenue* venue = e.paper.get();
    auto rules = m_options.instrumentRules;
    venue->setInstrumentResolver([rules, venue](const InstrumentId& id) -> std::optional<Instrument> {
        if (rules)
            if (auto r = rules(id)) return r;
        if (auto b = trading::bundledInstrumentRules(id)) return b;
        if (auto p = venue->lastPrice(id)) return trading::fallbackInstrumentRules(id, *p);
        return std::nullopt;
    });
    e.account = std::make_unique<trading::Account>(e.info, *venue, c, e.store.get(), m_options.paper.startingCash);
    if (m_options.hub) {
        connect(m_options.hub, &EventHub::tradeReceived, venue, &trading::PaperVenue::onTrade);
        connect(m_options.hub, &EventHub::quoteReceived, venue, &trading::PaperVenue::onQuote);
    }
    finishOpen(e);
}

void TradingAccounts::openLive(Entry& e) {
    if (!m_options.secrets) {
        fail(e, tr("no keychain to read its API key from"));
        return;
    }
    const std::int64_t id = e.info.id;
    const int generation = e.generation;
    QPointer<TradingAccounts> self(this);
    m_options.secrets->read(apiKeyName(id), [self, id, generation](Result<std::string> key) {
        if (!self) return;
        Entry* e = self->entry(id);
        if (!e || e->generation != generation) return;
        if (!key) {
            self->fail(*e, tr("no API key in the keychain (enter it in Trade › Accounts…)"));
            return;
        }
        self->m_options.secrets->read(apiSecretName(id), [self, id, generation, k = *key](Result<std::string> secret) {
            if (!self) return;
            Entry* e = self->entry(id);
            if (!e || e->generation != generation) return;
            if (!secret) {
                self->fail(*e, tr("no API secret in the keychain (enter it in Trade › Accounts…)"));
                return;
            }
            self->startLive(*e, k, *secret);
        });
    });
}

void TradingAccounts::startLive(Entry& e, const std::string& key, const std::string& secret) {
    const trading::IClock& c = clock();
    live::LiveVenue::Options o;
    o.endpoints = endpoints(e.info.kind);
    o.venue = e.info.venue.empty() ? "BINANCE" : e.info.venue;
    o.timeoutMs = m_options.liveTimeoutMs;
    o.unknownRetryMs = m_options.liveRetryMs;
    o.reconnectMinMs = m_options.liveRetryMs;
    if (m_options.db) e.store = std::make_unique<trading::PaperStore>(*m_options.db, e.info);
    e.live = std::make_unique<live::LiveVenue>(o, live::BinanceCredentials{key, secret}, c);
    live::LiveVenue* venue = e.live.get();
    venue->setJournal(e.store.get());
    e.account = std::make_unique<trading::Account>(e.info, *venue, c, e.store.get(), m_options.paper.startingCash);
    const QString quote = m_options.settings
        ? m_options.settings->value(QStringLiteral("binance/quoteAsset"), QStringLiteral("USDT")).toString().trimmed().toUpper()
        : QStringLiteral("USDT");
    e.ledger = std::make_unique<live::LedgerSync>(*venue, *e.account, quote.isEmpty() ? "USDT" : quote.toStdString());
    const QString label = accountLabel(e.info);
    connect(venue, &live::LiveVenue::problem, this,
            [this, label](const QString& what) { Q_EMIT problem(label + QStringLiteral(": ") + what); });
    const std::int64_t accountId = e.info.id;
    connect(venue, &live::LiveVenue::reconciled, this, [this, accountId](const live::ReconciliationReport& report) {
        const Entry* en = entry(accountId);
        const QString who = en ? accountLabel(en->info) : QString::number(accountId);
        qCInfo(lcTrading).noquote() << who << "reconciled with Binance:" << QString::fromStdString(report.summary());
        for (const auto& c : report.changes)
            qCInfo(lcTrading).noquote() << who << QString::fromStdString(c.clientOrderId) << QString::fromStdString(c.what);
        Q_EMIT reconciled(accountId, report);
    });
    if (m_options.hub) {
        const std::string venueName = o.venue;
        connect(m_options.hub, &EventHub::tradeReceived, venue, [venue, venueName](const InstrumentId& id, const Trade& t) {
            if (id.venue == venueName) venue->updatePrice(id, t.price);
        });
    }
    finishOpen(e);
    if (e.open) venue->start();
}

void TradingAccounts::finishOpen(Entry& e) {
    if (auto st = e.account->open(); !st) e.problem = QString::fromStdString(st.message());
    e.risk = std::make_unique<trading::RiskManager>(*e.account, e.settings.limits);
    e.account->gateway().addCheck(e.risk->asCheck());
    if (m_options.hub) m_options.hub->attachAccount(e.account.get());
    e.open = true;
    if (!e.problem.isEmpty()) Q_EMIT problem(accountLabel(e.info) + QStringLiteral(": ") + e.problem);
    Q_EMIT accountOpened(e.info.id);
}

void TradingAccounts::fail(Entry& e, const QString& why) {
    e.problem = why;
    Q_EMIT problem(tr("Account %1: %2").arg(accountLabel(e.info), why));
}

void TradingAccounts::close(Entry& e) {
    e.open = false;
    e.ledger.reset();
    e.risk.reset();
    e.account.reset();
    e.live.reset();
    e.paper.reset();
    e.store.reset();
}

const live::ReconciliationReport* TradingAccounts::lastReconciliation(std::int64_t id) const {
    const Entry* e = entry(id);
    if (!e || !e->live || !e->live->isReady()) return nullptr;
    return &e->live->lastReport();
}

std::optional<Quantity> TradingAccounts::freeQuantity(const trading::Account& account, const InstrumentId& instrument) const {
    for (const auto& e : m_entries) {
        if (e->account.get() != &account || !e->live) continue;
        const Instrument* in = e->live->instrument(instrument);
        if (!in || in->baseAsset.empty()) return std::nullopt;
        return e->live->freeBalance(in->baseAsset);
    }
    return std::nullopt;
}

Status TradingAccounts::setActive(std::int64_t id) {
    if (!entry(id)) return makeError("there is no account " + std::to_string(id));
    if (m_options.settings) m_options.settings->setValue(QStringLiteral("trading/activeAccount"), static_cast<qlonglong>(id));
    if (id == m_activeId) return {};
    m_activeId = id;
    Q_EMIT activeChanged(id);
    return {};
}

void TradingAccounts::addAccount(const AccountInfo& requested, const Money& startingCash, const std::string& apiKey,
                                 const std::string& apiSecret, const std::function<void(Result<AccountInfo>)>& done) {
    AccountInfo info = requested;
    info.id = 0;
    const bool isLive = info.kind == AccountKind::Testnet || info.kind == AccountKind::Live;
    if (info.kind == AccountKind::Backtest) return done(makeError("a backtest account is not stored"));
    if (info.venue.empty()) info.venue = isLive ? "BINANCE" : "PAPER";
    if (isLive && (apiKey.empty() || apiSecret.empty()))
        return done(
            makeError("a " + accountKindLabel(info.kind).toLower().toStdString() + " account needs an API key and secret"));
    if (isLive && !m_options.secrets) return done(makeError("there is no keychain to keep the API key in"));
    if (!m_options.db) return done(makeError("accounts cannot be added without a profile database"));
    // An exchange account's ledger counts from zero at Binance's 8 decimals (its money scale: a scale-0
    // zero would round every cost and fee to whole units).
    const Money cash = isLive && startingCash.isZero() ? Money::fromRaw(0, 8) : startingCash;
    auto added = trading::PaperStore::addAccount(*m_options.db, info, cash, clock().nowMs());
    if (!added) return done(added.error());
    info = *added;
    auto e = std::make_unique<Entry>();
    e->info = info;
    Entry* raw = e.get();
    if (!isLive) {
        m_entries.push_back(std::move(e));
        openEntry(*raw);
        Q_EMIT accountsChanged();
        return done(info);
    }
    // Keys first into the keychain; the account row is removed again when the keychain refuses.
    QPointer<TradingAccounts> self(this);
    const std::int64_t id = info.id;
    m_options.secrets->write(apiKeyName(id), apiKey, [self, id, info, apiSecret, done](const Status& st) {
        if (!self) return;
        auto undo = [self, id](const Status& why) {
            (void)storage::sql::execSql(self->m_options.db->handle(),
                                        ("DELETE FROM trading_accounts WHERE account_id = " + std::to_string(id)).c_str());
            self->m_options.secrets->remove(apiKeyName(id), [](const Status&) {});
            return makeError("the keychain did not store the API key: " + why.message());
        };
        if (!st) return done(undo(st));
        self->m_options.secrets->write(apiSecretName(id), apiSecret, [self, info, done, undo](const Status& st2) {
            if (!self) return;
            if (!st2) return done(undo(st2));
            auto entry = std::make_unique<Entry>();
            entry->info = info;
            Entry* r = entry.get();
            self->m_entries.push_back(std::move(entry));
            self->openEntry(*r);
            Q_EMIT self->accountsChanged();
            done(info);
        });
    });
}

void TradingAccounts::setApiKeys(std::int64_t id, const std::string& apiKey, const std::string& apiSecret,
                                 const std::function<void(Status)>& done) {
    Entry* e = entry(id);
    if (!e) return done(makeError("there is no account " + std::to_string(id)));
    if (e->info.kind != AccountKind::Testnet && e->info.kind != AccountKind::Live)
        return done(makeError("a paper account has no API key"));
    if (apiKey.empty() || apiSecret.empty()) return done(makeError("enter both the API key and the secret"));
    if (!m_options.secrets) return done(makeError("there is no keychain to keep the API key in"));
    QPointer<TradingAccounts> self(this);
    m_options.secrets->write(apiKeyName(id), apiKey, [self, id, apiSecret, done](const Status& st) {
        if (!self) return;
        if (!st) return done(makeError("the keychain did not store the API key: " + st.message()));
        self->m_options.secrets->write(apiSecretName(id), apiSecret, [self, id, done](const Status& st2) {
            if (!self) return;
            if (!st2) return done(makeError("the keychain did not store the API secret: " + st2.message()));
            if (Entry* e = self->entry(id)) {
                Q_EMIT self->accountClosing(id);
                self->close(*e);
                e->problem.clear();
                self->openEntry(*e);
            }
            done({});
        });
    });
}

Status TradingAccounts::rename(std::int64_t id, const std::string& name) {
    Entry* e = entry(id);
    if (!e) return makeError("there is no account " + std::to_string(id));
    const std::string trimmed = QString::fromStdString(name).trimmed().toStdString();
    if (trimmed.empty()) return makeError("an account needs a name");
    for (const auto& other : m_entries)
        if (other->info.id != id && other->info.name == trimmed) return makeError("there is already an account named " + trimmed);
    if (!m_options.db) return makeError("accounts cannot be renamed without a profile database");
    Statement st;
    if (auto s = st.prepare(m_options.db->handle(), "UPDATE trading_accounts SET name = ?1 WHERE account_id = ?2"); !s)
        return s.error();
    st.bindText(1, trimmed);
    st.bindInt64(2, id);
    if (st.step() != SQLITE_DONE) return sqlError(m_options.db->handle(), "account not renamed");
    e->info.name = trimmed;
    // The open account carries its info too (ticket titles, dock, kill switch report read it).
    if (e->account) e->account->setName(trimmed);
    Q_EMIT accountRenamed(id, accountLabel(e->info));
    Q_EMIT accountsChanged();
    return {};
}

Status TradingAccounts::remove(std::int64_t id) {
    Entry* e = entry(id);
    if (!e) return makeError("there is no account " + std::to_string(id));
    if (m_entries.size() == 1) return makeError("the last account cannot be removed");
    if (id == m_activeId) return makeError("the active account cannot be removed; switch to another account first");
    if (e->account) {
        if (!e->account->openOrders().empty())
            return makeError(accountLabel(e->info).toStdString() + " has open orders; cancel them first (kill switch)");
        if (!e->account->portfolio().openPositions().empty())
            return makeError(accountLabel(e->info).toStdString() + " has open positions; close them first (kill switch)");
    }
    if (!m_options.db) return makeError("accounts cannot be removed without a profile database");
    auto tx = storage::sql::Transaction::begin(m_options.db->handle());
    if (!tx) return tx.error();
    const std::string where = " WHERE account_id = " + std::to_string(id);
    for (const char* table : {"account_fills", "account_orders", "account_settings", "trading_accounts"})
        if (auto s = storage::sql::execSql(m_options.db->handle(), ("DELETE FROM " + std::string(table) + where).c_str()); !s)
            return s.error();
    if (auto s = tx->commit(); !s) return s.error();
    Q_EMIT accountClosing(id);
    close(*e);
    const bool isLive = e->info.kind == AccountKind::Testnet || e->info.kind == AccountKind::Live;
    std::erase_if(m_entries, [id](const auto& x) { return x->info.id == id; });
    if (isLive && m_options.secrets) {
        m_options.secrets->remove(apiKeyName(id), [](const Status&) {});
        m_options.secrets->remove(apiSecretName(id), [](const Status&) {});
    }
    Q_EMIT accountsChanged();
    return {};
}

Status TradingAccounts::setSettings(std::int64_t id, const AccountSettings& settings) {
    Entry* e = entry(id);
    if (!e) return makeError("there is no account " + std::to_string(id));
    if (m_options.db)
        if (auto s = saveAccountSettings(*m_options.db, id, settings); !s) return s;
    e->settings = settings;
    if (e->risk) e->risk->setLimits(settings.limits);
    return {};
}

void TradingAccounts::testConnection(AccountKind kind, const std::string& apiKey, const std::string& apiSecret,
                                     const std::function<void(bool, QString)>& done) {
    if (kind != AccountKind::Testnet && kind != AccountKind::Live) return done(false, tr("a paper account has no connection"));
    if (apiKey.empty() || apiSecret.empty()) return done(false, tr("enter both the API key and the secret"));
    live::BinanceRest::Options o;
    o.baseUrl = endpoints(kind).restUrl;
    o.timeoutMs = m_options.liveTimeoutMs;
    m_probe = std::make_unique<live::BinanceRest>(o, live::BinanceCredentials{apiKey, apiSecret});
    QPointer<live::BinanceRest> probe(m_probe.get());
    const QString where = o.baseUrl.host();
    m_probe->syncTime([probe, done, where](const QString& failure) {
        if (!probe) return;
        if (!failure.isEmpty()) return done(false, tr("%1 did not answer: %2").arg(where, failure));
        probe->signedRequest("GET", QStringLiteral("/api/v3/account"), {}, 20, [done, where](const live::BinanceRest::Reply& r) {
            if (r.error) {
                done(false, tr("Binance refused: %1").arg(QString::fromStdString(live::describeRejection(*r.error))));
                return;
            }
            if (!r.failure.isEmpty()) return done(false, tr("%1 did not answer: %2").arg(where, r.failure));
            auto balances =
                live::parseAccountBalances(std::string_view(r.body.constData(), static_cast<std::size_t>(r.body.size())));
            if (!balances)
                return done(false, tr("Binance's answer was not understood: %1").arg(QString::fromStdString(balances.message())));
            QStringList parts;
            for (const auto& b : *balances)
                if (!b.free.isZero() || !b.locked.isZero())
                    parts << QStringLiteral("%1 %2").arg(QString::fromStdString(b.asset),
                                                         QString::fromStdString(b.free.toTrimmedString()));
            done(true,
                 tr("Connected to %1: %2")
                     .arg(where, parts.isEmpty() ? tr("no balances") : parts.mid(0, 6).join(QStringLiteral(", "))));
        });
    });
}

}  // namespace kairos::session
