// The trading commands' shared part: key file, the profile's accounts opened as in the terminal,
// paper prices from the profile's candles, output helpers. See cmd_trade.h.
#include "cmd_trade.h"

#include "marketdata/csvimport.h"
#include "session/papertrading.h"
#include "session/terminalsession.h"
#include "storage/candlestore.h"
#include "trading/instrumentdefaults.h"
#include "trading/paperstore.h"
#include "trading/papervenue.h"
#include "util/datapaths.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace kairos::cli::trade {

// ---- key file ----------------------------------------------------------------------------------

Result<KeyFile> readKeyFile(const QString& path) {
    const std::string where = "key file " + path.toStdString();
#ifndef _WIN32
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return makeError(where + ": no such file");
    if (!S_ISREG(st.st_mode)) return makeError(where + ": not a regular file");
    if (st.st_uid != ::geteuid()) return makeError(where + " belongs to another user; it must be yours and readable only by you");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8] = {};
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return makeError(where + " can be read or changed by others (mode " + mode + "); refusing to use it: run chmod 600 " +
                         path.toStdString());
    }
#endif
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return makeError(where + ": cannot be read (" + f.errorString().toStdString() + ")");
    KeyFile out;
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
        const auto eq = line.indexOf(QLatin1Char('='));
        const QString name = eq < 0 ? QString() : line.left(eq).trimmed();
        const std::string value = eq < 0 ? std::string() : line.mid(eq + 1).trimmed().toStdString();
        if (name == QLatin1String("api_key"))
            out.apiKey = value;
        else if (name == QLatin1String("api_secret"))
            out.apiSecret = value;
        else  // never quote the line: it may hold a key
            return makeError(where + ", line " + std::to_string(lineNo) + ": expected \"api_key = ...\" or \"api_secret = ...\"");
    }
    if (out.apiKey.empty() || out.apiSecret.empty()) return makeError(where + " needs both api_key and api_secret");
    return out;
}

SelectedSecrets::SelectedSecrets(alerts::ISecretStore* inner, std::optional<KeyFile> keys, std::set<std::int64_t> selected,
                                 bool all)
    : m_inner(inner), m_keys(std::move(keys)), m_selected(std::move(selected)), m_all(all) {}

void SelectedSecrets::read(const std::string& key, ReadCallback done) {
    const auto slash = key.rfind('/');
    const std::int64_t id = slash == std::string::npos ? 0 : std::atoll(key.c_str() + slash + 1);
    if (!m_all && !m_selected.contains(id)) return done(makeError("not opened by this command"));
    if (!m_keys) {
        if (!m_inner) return done(makeError("no keychain"));
        return m_inner->read(key, std::move(done));
    }
    if (key.starts_with("binance-api-key/")) return done(m_keys->apiKey);
    if (key.starts_with("binance-api-secret/")) return done(m_keys->apiSecret);
    done(makeError("no secret stored for " + key));
}

void SelectedSecrets::write(const std::string&, const std::string&, WriteCallback done) {
    done(makeError("kairos-cli does not store keys; add the account in the terminal (Trade › Accounts…)"));
}

void SelectedSecrets::remove(const std::string&, WriteCallback done) { done(makeError("kairos-cli does not remove keys")); }

// ---- options -----------------------------------------------------------------------------------

bool takeCommon(const char* cmd, Args& a, CommonOptions& out, int& code) {
    out.json = a.takeFlag(QStringLiteral("--json"));
    out.keyFile = a.takeOption(QStringLiteral("--key-file"));
    if (const auto t = a.takeOption(QStringLiteral("--timeout"))) {
        bool ok = false;
        const double s = t->toDouble(&ok);
        if (!ok || s <= 0 || s > 3600) {
            code = fail(cmd, QStringLiteral("--timeout takes a number of seconds (0 < s <= 3600)"), kUsageError);
            return false;
        }
        out.timeoutMs = static_cast<int>(s * 1000);
    }
    for (const char* secretFlag : {"--api-key", "--api-secret", "--secret", "--key"}) {
        if (a.rest.contains(QString::fromLatin1(secretFlag)) || std::any_of(a.rest.begin(), a.rest.end(), [&](const QString& s) {
                return s.startsWith(QString::fromLatin1(secretFlag) + QLatin1Char('='));
            })) {
            code = fail(cmd,
                        QStringLiteral("API keys are never taken from the command line (they would stay in the shell "
                                       "history and the process list); use the keychain or --key-file FILE"),
                        kUsageError);
            return false;
        }
    }
    if (!a.error.isEmpty()) {
        code = fail(cmd, a.error, kUsageError);
        return false;
    }
    return true;
}

// ---- Session -----------------------------------------------------------------------------------

Session::Session(const char* cmd, Context& ctx, CommonOptions options) : m_cmd(cmd), m_ctx(ctx), m_options(std::move(options)) {}

Session::~Session() {
    m_accounts.reset();  // before the stores and the database it uses
}

bool Session::failWith(const QString& message, int code) {
    m_code = fail(m_cmd, message, code);
    return false;
}

bool Session::waitFor(const std::function<bool()>& done, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) return done();
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

bool Session::open(const QString& accountName, const trading::IClock* clock) {
    auto dir = storage::resolveProfileDir(m_ctx.profileDir);
    if (!dir) return failWith(QString::fromStdString(dir.message()), kDataError);
    auto db = storage::Database::openProfile(*dir);
    if (!db) return failWith(QString::fromStdString(db.message()), kDataError);
    m_db = std::move(*db);
    m_settings = std::make_unique<QSettings>(QDir(*dir).filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);

    auto infos = trading::PaperStore::accounts(*m_db);
    if (!infos) return failWith(QString::fromStdString(infos.message()), kDataError);
    m_all = accountName.isEmpty();
    std::set<std::int64_t> selected;
    if (!m_all) {
        for (const auto& i : *infos)
            if (QString::fromStdString(i.name).compare(accountName, Qt::CaseInsensitive) == 0) m_accountId = i.id;
        if (m_accountId == 0 && infos->empty() && accountName.compare(QStringLiteral("PAPER"), Qt::CaseInsensitive) == 0)
            m_accountId = 1;  // a new profile: its first paper account is created on open
        if (m_accountId == 0) {
            QStringList names;
            for (const auto& i : *infos) names << QString::fromStdString(i.name);
            if (names.isEmpty()) names << QStringLiteral("PAPER");
            return failWith(QStringLiteral("there is no account \"%1\" in this profile (accounts: %2)")
                                .arg(accountName, names.join(QStringLiteral(", "))),
                            kUsageError);
        }
        selected.insert(m_accountId);
    }

    std::optional<KeyFile> keys;
    QString keyFile = m_options.keyFile.value_or(QString());
    if (keyFile.isEmpty()) keyFile = m_settings->value(QStringLiteral("binance/keyFile")).toString().trimmed();
    bool needsKeys = false;
    for (const auto& i : *infos)
        if ((m_all || selected.contains(i.id)) &&
            (i.kind == trading::AccountKind::Testnet || i.kind == trading::AccountKind::Live))
            needsKeys = true;
    if (!keyFile.isEmpty() && needsKeys) {
        auto k = readKeyFile(keyFile);
        if (!k) return failWith(QString::fromStdString(k.message()), kDataError);
        keys = std::move(*k);
    }
    if (!keys && needsKeys)
        m_keychain = std::make_unique<alerts::KeychainSecretStore>("Kairos trading (" + m_db->path().toStdString() + ")");
    m_secrets = std::make_unique<SelectedSecrets>(m_keychain.get(), std::move(keys), selected, m_all);

    session::TradingAccounts::Options o;
    o.db = m_db.get();
    o.secrets = m_secrets.get();
    o.settings = m_settings.get();
    QStringList problems;
    o.paper = session::readPaperSettings(*m_settings, &problems);
    for (const QString& p : problems) std::fprintf(stderr, "kairos-cli %s: warning: %s\n", m_cmd, qPrintable(p));
    // A given clock (a replay's) is for a selected paper account only; Binance accounts keep the wall clock.
    for (const auto& i : *infos)
        if (i.id == m_accountId && i.kind == trading::AccountKind::Paper) o.clock = clock;
    if (infos->empty() && m_accountId == 1) o.clock = clock;
    o.instrumentRules = [](const InstrumentId& id) { return trading::bundledInstrumentRules(id); };
    o.liveTimeoutMs = std::min(m_options.timeoutMs, 10'000);
    m_accounts = std::make_unique<session::TradingAccounts>(o);
    QObject::connect(m_accounts.get(), &session::TradingAccounts::problem, [this](const QString& p) {
        if (m_all || p.contains(session::accountLabel(info()))) m_problems << p;
    });
    // The account's open orders as the journal had them, before its venue reconciles them.
    QObject::connect(m_accounts.get(), &session::TradingAccounts::accountOpened, [this](qint64 id) {
        if (id != m_accountId) return;
        if (trading::Account* a = m_accounts->account(id)) m_openBefore = a->openOrders();
    });
    m_accounts->open();
    return true;
}

trading::AccountInfo Session::info() const { return m_accounts->info(m_accountId).value_or(trading::AccountInfo{}); }

trading::Account* Session::account() const { return m_accounts->account(m_accountId); }

bool Session::isLive() const {
    const auto kind = info().kind;
    return kind == trading::AccountKind::Testnet || kind == trading::AccountKind::Live;
}

bool Session::waitReady() {
    std::vector<std::int64_t> ids{m_accountId};
    if (m_all) {
        ids.clear();
        const auto all = m_accounts->accounts();
        ids.reserve(all.size());
        for (const auto& i : all) ids.push_back(i.id);
    }
    auto readyOrFailed = [&](std::int64_t id) {
        const auto i = m_accounts->info(id);
        if (!i) return true;
        if (i->kind != trading::AccountKind::Testnet && i->kind != trading::AccountKind::Live)
            return m_accounts->account(id) != nullptr;
        if (live::LiveVenue* v = m_accounts->liveVenue(id)) return v->isReady();
        return !m_accounts->problemOf(id).isEmpty();
    };
    const bool ready = waitFor([&] { return std::all_of(ids.begin(), ids.end(), readyOrFailed); }, m_options.timeoutMs);
    for (const QString& p : m_problems) std::fprintf(stderr, "kairos-cli %s: %s\n", m_cmd, qPrintable(p));
    m_problems.clear();
    if (m_all) return true;  // each account's state is reported by the command
    const QString label = session::accountLabel(info());
    if (!m_accounts->account(m_accountId)) {
        const QString why = m_accounts->problemOf(m_accountId);
        return failWith(QStringLiteral("account %1 could not be opened: %2")
                            .arg(label, why.isEmpty() ? QStringLiteral("no answer within the timeout") : why),
                        kDataError);
    }
    if (!ready)
        return failWith(QStringLiteral("account %1: Binance did not answer within %2 s (see the messages above)")
                            .arg(label)
                            .arg(m_options.timeoutMs / 1000.0),
                        kDataError);
    if (isLive() && !m_accounts->liveVenue(m_accountId)->lastReport().ok())
        std::fprintf(stderr, "kairos-cli %s: warning: %s\n", m_cmd,
                     m_accounts->liveVenue(m_accountId)->lastReport().summary().c_str());
    return true;
}

Result<InstrumentId> Session::instrumentOf(const QString& text) const {
    const std::string t = text.trimmed().toUpper().toStdString();
    if (t.empty()) return makeError("a symbol is needed (e.g. BTCUSDT)");
    if (t.find(':') != std::string::npos) return InstrumentId::parse(t);
    const auto i = info();
    const bool live = i.kind == trading::AccountKind::Testnet || i.kind == trading::AccountKind::Live;
    return InstrumentId{live && !i.venue.empty() ? i.venue : std::string("BINANCE"), t};
}

bool Session::primePaperPrice(const InstrumentId& id, std::int64_t accountId) {
    trading::PaperVenue* venue = m_accounts->paperVenue(accountId == 0 ? m_accountId : accountId);
    if (!venue) return false;
    if (venue->lastPrice(id)) return true;
    std::optional<Bar> best;
    Timeframe bestTf = Timeframe::H1;
    auto consider = [&](const Bar& b, Timeframe tf) {
        if (!best || nextBucketStart(tf, b.openTimeMs) > nextBucketStart(bestTf, best->openTimeMs)) {
            best = b;
            bestTf = tf;
        }
    };
    storage::CandleStore store(*m_db);
    for (Timeframe tf : {Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1, Timeframe::H4, Timeframe::D1})
        if (auto latest = store.latest(id, tf); latest && latest->has_value()) consider(**latest, tf);
    if (!best) {
        // The bundled replay data (what the terminal imports on its first start).
        const QString prefix = QStringLiteral("binance_spot_%1_").arg(QString::fromStdString(id.symbol));
        const QDir data(bundledDataDir());
        for (const QString& f : data.entryList({prefix + QStringLiteral("*.csv")}, QDir::Files)) {
            const auto hints = marketdata::inferFromFileName(data.filePath(f).toStdString());
            if (!hints.timeframe || (hints.instrument && hints.instrument->venue != id.venue)) continue;
            auto csv = marketdata::readBarsCsv(data.filePath(f).toStdString());
            if (csv && !csv->bars.empty()) consider(csv->bars.back(), *hints.timeframe);
        }
    }
    if (!best) return false;
    const std::int64_t closeMs = nextBucketStart(bestTf, best->openTimeMs);
    std::fprintf(stderr, "kairos-cli %s: paper prices %s at %s (close of its %s bar of %s)\n", m_cmd, id.toString().c_str(),
                 best->close.toTrimmedString().c_str(), toString(bestTf).c_str(), formatUtc(best->openTimeMs).c_str());
    venue->onTrade(id, Trade{closeMs, best->close, best->volume, Side::Buy, "kairos-cli"});
    return true;
}

void Session::primePaperPrices(std::int64_t accountId) {
    const std::int64_t id = accountId == 0 ? m_accountId : accountId;
    trading::Account* a = m_accounts->account(id);
    if (!a || !m_accounts->paperVenue(id)) return;
    std::set<InstrumentId> ids;
    for (const auto& o : a->openOrders()) ids.insert(o.request.instrument);
    for (const auto& p : a->portfolio().openPositions()) ids.insert(p.instrument);
    for (const auto& i : ids) (void)primePaperPrice(i, id);
}

// ---- output ------------------------------------------------------------------------------------

void printTable(const std::vector<QStringList>& rows) {
    std::vector<qsizetype> widths;
    for (const auto& r : rows)
        for (qsizetype i = 0; i < r.size(); ++i) {
            if (static_cast<std::size_t>(i) >= widths.size()) widths.push_back(0);
            widths[static_cast<std::size_t>(i)] = std::max(widths[static_cast<std::size_t>(i)], r[i].size());
        }
    for (const auto& r : rows) {
        QString line;
        for (qsizetype i = 0; i < r.size(); ++i) {
            if (i + 1 == r.size())
                line += r[i];
            else
                line += r[i].leftJustified(widths[static_cast<std::size_t>(i)] + 2);
        }
        std::printf("%s\n", qPrintable(line.trimmed()));
    }
}

void printJson(const QJsonObject& o) { std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Indented).constData()); }

QString text(const Price& p) { return QString::fromStdString(p.toTrimmedString()); }
QString text(const Quantity& q) { return QString::fromStdString(q.toTrimmedString()); }
QString text(const Money& m) { return QString::fromStdString(m.toTrimmedString()); }

namespace {
QString typeText(const trading::Order& o) {
    if (o.request.trailing) return QStringLiteral("trailing");
    switch (o.request.type) {
    case trading::OrderType::Market:
        return QStringLiteral("market");
    case trading::OrderType::Limit:
        return QStringLiteral("limit");
    case trading::OrderType::Stop:
        return QStringLiteral("stop");
    case trading::OrderType::StopLimit:
        return QStringLiteral("stop-limit");
    }
    return QStringLiteral("market");
}
/// "partially filled" -> "partially_filled": one word per column and a stable JSON value.
QString lower(std::string_view s) {
    return QString::fromLatin1(s.data(), static_cast<qsizetype>(s.size())).toLower().replace(QLatin1Char(' '), QLatin1Char('_'));
}
}  // namespace

QJsonObject orderJson(const trading::Order& o) {
    const auto& r = o.request;
    QJsonObject j{{"id", static_cast<qint64>(o.id)},
                  {"client_order_id", QString::fromStdString(r.clientOrderId)},
                  {"instrument", QString::fromStdString(r.instrument.toString())},
                  {"symbol", QString::fromStdString(r.instrument.symbol)},
                  {"side", lower(trading::toString(r.side))},
                  {"type", typeText(o)},
                  {"time_in_force", lower(trading::toString(r.timeInForce))},
                  {"quantity", text(r.quantity)},
                  {"filled", text(o.filledQuantity)},
                  {"status", lower(trading::toString(o.status))},
                  {"role", lower(trading::toString(o.role))},
                  {"created", QString::fromStdString(formatUtc(o.createdMs))}};
    j.insert(QStringLiteral("price"), r.limitPrice ? QJsonValue(text(*r.limitPrice)) : QJsonValue());
    j.insert(QStringLiteral("stop"), r.stopPrice ? QJsonValue(text(*r.stopPrice)) : QJsonValue());
    j.insert(QStringLiteral("average_price"), o.filledQuantity.isZero() ? QJsonValue() : QJsonValue(text(o.averageFillPrice(8))));
    if (r.trailing && r.trailing->kind == trading::TrailingKind::Bips) j.insert(QStringLiteral("trail_bps"), r.trailing->bips);
    j.insert(QStringLiteral("reason"), QString::fromStdString(o.rejectReason));
    return j;
}

QJsonObject positionJson(const trading::Position& p, int moneyScale) {
    return QJsonObject{{"instrument", QString::fromStdString(p.instrument.toString())},
                       {"symbol", QString::fromStdString(p.instrument.symbol)},
                       {"side", p.isLong() ? QStringLiteral("long") : QStringLiteral("short")},
                       {"quantity", text(p.quantity)},
                       {"average_entry", text(p.averageEntry(8))},
                       {"mark", p.markPrice ? QJsonValue(text(*p.markPrice)) : QJsonValue()},
                       {"unrealized_pnl", text(p.unrealizedPnl(moneyScale))},
                       {"realized_pnl", text(p.realizedPnl)},
                       {"fees", text(p.feesPaid)}};
}

QString orderOutcome(const trading::Order& o) {
    switch (o.status) {
    case trading::OrderStatus::Filled:
        return QStringLiteral("filled %1 at %2").arg(text(o.filledQuantity), text(o.averageFillPrice(8)));
    case trading::OrderStatus::PartiallyFilled:
        return QStringLiteral("partly filled %1 of %2 at %3")
            .arg(text(o.filledQuantity), text(o.request.quantity), text(o.averageFillPrice(8)));
    case trading::OrderStatus::Accepted:
        return QStringLiteral("accepted");
    case trading::OrderStatus::New:
        return QStringLiteral("sent, no answer yet");
    case trading::OrderStatus::Cancelled:
        return o.rejectReason.empty() ? QStringLiteral("cancelled")
                                      : QStringLiteral("cancelled: %1").arg(QString::fromStdString(o.rejectReason));
    case trading::OrderStatus::Rejected:
        return QStringLiteral("rejected: %1").arg(QString::fromStdString(o.rejectReason));
    }
    return {};
}

QStringList orderHeader() {
    return {"ID", "CLIENT ID", "SYMBOL", "SIDE", "TYPE", "QTY", "FILLED", "PRICE", "STOP", "STATUS", "REASON"};
}

QStringList orderRow(const trading::Order& o) {
    const auto& r = o.request;
    return {QString::number(o.id),
            QString::fromStdString(r.clientOrderId),
            QString::fromStdString(r.instrument.symbol),
            lower(trading::toString(r.side)),
            typeText(o),
            text(r.quantity),
            text(o.filledQuantity),
            r.limitPrice ? text(*r.limitPrice) : QStringLiteral("-"),
            r.stopPrice ? text(*r.stopPrice) : QStringLiteral("-"),
            lower(trading::toString(o.status)),
            QString::fromStdString(o.rejectReason)};
}

}  // namespace kairos::cli::trade
