// kairos-cli accounts, balances, positions, orders, order, cancel, reconcile, kill-switch: trading
// from the command line on the profile's accounts, through the same kernel as the terminal (every
// order through the account's OrderGateway and RiskManager; live accounts on Binance with the keys
// from the keychain or an owner-only key file). Exit codes: 0 ok, 1 refused or failed (the venue's or
// risk manager's reason on stderr), 2 usage.
#include "cmd_trade.h"

#include "live/livevenue.h"
#include "trading/killswitch.h"
#include "trading/tradejournal.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace kairos::cli::trade {
namespace {

/// Parses the options every command has, then checks nothing is left but what `positional` allows.
struct Parsed {
    CommonOptions common;
    QString account;
    bool ok = false;
    int code = kOk;
};

Parsed parseCommon(const char* cmd, Args& a, bool needsAccount) {
    Parsed p;
    if (!takeCommon(cmd, a, p.common, p.code)) return p;
    if (auto acc = a.takeOption(QStringLiteral("--account"))) p.account = *acc;
    if (!a.error.isEmpty()) {
        p.code = fail(cmd, a.error, kUsageError);
        return p;
    }
    if (needsAccount && p.account.isEmpty()) {
        p.code = fail(cmd, QStringLiteral("needs --account NAME (kairos-cli accounts lists them)"), kUsageError);
        return p;
    }
    p.ok = true;
    return p;
}

bool noLeftovers(const char* cmd, const Args& a, int& code) {
    if (!a.unknownOption().isEmpty()) {
        code = fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
        return false;
    }
    if (!a.rest.isEmpty()) {
        code = fail(cmd, QStringLiteral("unexpected argument \"%1\"").arg(a.rest.first()), kUsageError);
        return false;
    }
    return true;
}

QJsonObject accountHeader(const trading::AccountInfo& i) {
    return QJsonObject{{"id", static_cast<qint64>(i.id)},
                       {"name", QString::fromStdString(i.name)},
                       {"kind", QString::fromLatin1(trading::toString(i.kind).data())},
                       {"label", session::accountLabel(i)},
                       {"venue", QString::fromStdString(i.venue)}};
}

QJsonArray balancesJson(Session& s, std::int64_t id) {
    QJsonArray out;
    if (live::LiveVenue* v = s.accounts().liveVenue(id)) {
        for (const auto& b : v->balances())
            if (!b.free.isZero() || !b.locked.isZero())
                out.append(
                    QJsonObject{{"asset", QString::fromStdString(b.asset)}, {"free", text(b.free)}, {"locked", text(b.locked)}});
    } else if (trading::Account* a = s.accounts().account(id)) {
        out.append(QJsonObject{
            {"asset", QStringLiteral("cash")}, {"free", text(a->portfolio().cash())}, {"locked", QStringLiteral("0")}});
    }
    return out;
}

QString balancesText(const QJsonArray& balances) {
    QStringList parts;
    for (const auto& v : balances) {
        const QJsonObject b = v.toObject();
        QString part =
            b.value(QStringLiteral("asset")).toString() + QLatin1Char(' ') + b.value(QStringLiteral("free")).toString();
        if (b.value(QStringLiteral("locked")).toString() != QLatin1String("0"))
            part += QStringLiteral(" (+%1 locked)").arg(b.value(QStringLiteral("locked")).toString());
        parts << part;
    }
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(QStringLiteral(", "));
}

// ---- accounts ----------------------------------------------------------------------------------

int runAccounts(Context& ctx) {
    const char* cmd = "accounts";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, false);
    if (!p.ok) return p.code;
    if (!p.account.isEmpty())
        return fail(cmd, QStringLiteral("lists every account; use balances --account NAME for one"), kUsageError);
    int code = kOk;
    if (!noLeftovers(cmd, a, code)) return code;
    Session s(cmd, ctx, p.common);
    if (!s.open({})) return s.code();
    (void)s.waitReady();
    QJsonArray list;
    std::vector<QStringList> rows{{"NAME", "KIND", "VENUE", "STATE", "BALANCES"}};
    for (const auto& info : s.accounts().accounts()) {
        QJsonObject j = accountHeader(info);
        trading::Account* acc = s.accounts().account(info.id);
        const QString problem = s.accounts().problemOf(info.id);
        const bool isOpen = acc != nullptr;
        j.insert(QStringLiteral("open"), isOpen);
        j.insert(QStringLiteral("problem"), problem);
        const QJsonArray balances = balancesJson(s, info.id);
        j.insert(QStringLiteral("balances"), balances);
        if (acc && info.kind == trading::AccountKind::Paper) {
            j.insert(QStringLiteral("cash"), text(acc->portfolio().cash()));
            j.insert(QStringLiteral("equity"), text(acc->portfolio().equity()));
        }
        list.append(j);
        rows.push_back({QString::fromStdString(info.name), session::accountKindLabel(info.kind),
                        QString::fromStdString(info.venue),
                        isOpen ? QStringLiteral("open") : QStringLiteral("closed: ") + problem, balancesText(balances)});
    }
    if (p.common.json)
        printJson(QJsonObject{{"accounts", list}});
    else
        printTable(rows);
    return kOk;
}

// ---- balances / positions / orders ---------------------------------------------------------------

int runBalances(Context& ctx) {
    const char* cmd = "balances";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, true);
    if (!p.ok) return p.code;
    int code = kOk;
    if (!noLeftovers(cmd, a, code)) return code;
    Session s(cmd, ctx, p.common);
    if (!s.open(p.account) || !s.waitReady()) return s.code();
    s.primePaperPrices();
    const QJsonArray balances = balancesJson(s, s.accountId());
    trading::Account* acc = s.account();
    QJsonObject out = accountHeader(s.info());
    out.insert(QStringLiteral("balances"), balances);
    if (!s.isLive()) {
        out.insert(QStringLiteral("cash"), text(acc->portfolio().cash()));
        out.insert(QStringLiteral("equity"), text(acc->portfolio().equity()));
    }
    if (p.common.json) {
        printJson(out);
        return kOk;
    }
    std::vector<QStringList> rows{{"ASSET", "FREE", "LOCKED"}};
    for (const auto& v : balances) {
        const QJsonObject b = v.toObject();
        rows.push_back({b.value(QStringLiteral("asset")).toString(), b.value(QStringLiteral("free")).toString(),
                        b.value(QStringLiteral("locked")).toString()});
    }
    std::printf("%s\n", qPrintable(session::accountLabel(s.info())));
    printTable(rows);
    if (!s.isLive()) std::printf("equity %s\n", qPrintable(text(acc->portfolio().equity())));
    return kOk;
}

int runPositions(Context& ctx) {
    const char* cmd = "positions";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, true);
    if (!p.ok) return p.code;
    int code = kOk;
    if (!noLeftovers(cmd, a, code)) return code;
    Session s(cmd, ctx, p.common);
    if (!s.open(p.account) || !s.waitReady()) return s.code();
    s.primePaperPrices();
    const trading::Portfolio& pf = s.account()->portfolio();
    QJsonArray list;
    std::vector<QStringList> rows{{"SYMBOL", "SIDE", "QTY", "AVG ENTRY", "MARK", "UNREALIZED", "REALIZED"}};
    for (const auto& pos : pf.openPositions()) {
        const QJsonObject j = positionJson(pos, pf.moneyScale());
        list.append(j);
        rows.push_back(
            {j.value(QStringLiteral("symbol")).toString(), j.value(QStringLiteral("side")).toString(),
             j.value(QStringLiteral("quantity")).toString(), j.value(QStringLiteral("average_entry")).toString(),
             j.value(QStringLiteral("mark")).isNull() ? QStringLiteral("-") : j.value(QStringLiteral("mark")).toString(),
             j.value(QStringLiteral("unrealized_pnl")).toString(), j.value(QStringLiteral("realized_pnl")).toString()});
    }
    if (p.common.json) {
        QJsonObject out = accountHeader(s.info());
        out.insert(QStringLiteral("positions"), list);
        printJson(out);
    } else if (list.isEmpty()) {
        std::printf("%s: no open positions\n", qPrintable(session::accountLabel(s.info())));
    } else {
        printTable(rows);
    }
    return kOk;
}

int runOrders(Context& ctx) {
    const char* cmd = "orders";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, true);
    if (!p.ok) return p.code;
    const bool all = a.takeFlag(QStringLiteral("--all"));
    int code = kOk;
    if (!noLeftovers(cmd, a, code)) return code;
    Session s(cmd, ctx, p.common);
    if (!s.open(p.account) || !s.waitReady()) return s.code();
    const std::vector<trading::Order> orders = all ? s.account()->orders() : s.account()->openOrders();
    const trading::TradeJournal journal(s.db());
    QJsonArray list;
    std::vector<QStringList> rows{orderHeader()};
    for (const auto& o : orders) {
        QJsonObject json = orderJson(o);
        // What sent it ("manual", "signal #12", "strategy sma_cross"), as the Journal shows it.
        auto origin = journal.origin(s.info().id, o);
        if (!origin) return fail(cmd, QString::fromStdString(origin.message()), kDataError);
        json.insert(QStringLiteral("origin"), QString::fromStdString(origin->value_or("manual")));
        list.append(json);
        rows.push_back(orderRow(o));
    }
    if (p.common.json) {
        QJsonObject out = accountHeader(s.info());
        out.insert(QStringLiteral("orders"), list);
        printJson(out);
    } else if (orders.empty()) {
        std::printf("%s: no %sorders\n", qPrintable(session::accountLabel(s.info())), all ? "" : "open ");
    } else {
        printTable(rows);
    }
    return kOk;
}

// ---- order -------------------------------------------------------------------------------------

Result<Price> priceArg(const char* option, const QString& v) {
    auto p = Price::parse(v.trimmed().toStdString());
    if (!p || p->isNegative() || p->isZero())
        return makeError(std::string(option) + " takes a positive price, not \"" + v.toStdString() + "\"");
    return *p;
}

/// The account's order with this client order id, as last announced.
std::optional<trading::Order> byClientId(const trading::Account& account, const std::string& clientOrderId) {
    std::optional<trading::Order> found;
    for (auto& o : account.orders())
        if (o.request.clientOrderId == clientOrderId) found = std::move(o);
    return found;
}

/// Waits until the venue has answered for the order (accepted, filled, rejected...); a market order
/// waits for its end. Paper venues have answered in the call already. True when answered.
bool waitAnswered(Session& s, const std::string& clientOrderId) {
    return Session::waitFor(
        [&] {
            const auto o = byClientId(*s.account(), clientOrderId);
            if (!o || o->status == trading::OrderStatus::New) return false;
            return o->request.type != trading::OrderType::Market || !o->isOpen();
        },
        s.options().timeoutMs);
}

int runOrder(Context& ctx) {
    const char* cmd = "order";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, true);
    if (!p.ok) return p.code;
    const auto typeText = a.takeOption(QStringLiteral("--type"));
    const auto priceText = a.takeOption(QStringLiteral("--price"));
    const auto stopText = a.takeOption(QStringLiteral("--stop"));
    const auto trailText = a.takeOption(QStringLiteral("--trail-bps"));
    const auto tifText = a.takeOption(QStringLiteral("--tif"));
    const auto slText = a.takeOption(QStringLiteral("--sl"));
    QStringList tps;
    while (auto tp = a.takeOption(QStringLiteral("--tp"))) tps << *tp;
    const auto clientId = a.takeOption(QStringLiteral("--client-id"));
    const bool yes = a.takeFlag(QStringLiteral("--yes"));
    if (!a.error.isEmpty()) return fail(cmd, a.error, kUsageError);
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (a.rest.size() != 3)
        return fail(cmd, QStringLiteral("needs buy|sell SYMBOL QTY, e.g. kairos-cli order --account PAPER buy BTCUSDT 0.01"),
                    kUsageError);
    auto usage = [cmd](const std::string& m) { return fail(cmd, QString::fromStdString(m), kUsageError); };

    trading::OrderRequest r;
    const QString sideText = a.rest[0].toLower();
    if (sideText != QLatin1String("buy") && sideText != QLatin1String("sell"))
        return usage("the side is buy or sell, not \"" + a.rest[0].toStdString() + "\"");
    r.side = sideText == QLatin1String("buy") ? Side::Buy : Side::Sell;
    auto q = Quantity::parse(a.rest[2].trimmed().toStdString());
    if (!q || q->isNegative() || q->isZero())
        return usage("the quantity must be a positive number, not \"" + a.rest[2].toStdString() + "\"");
    r.quantity = *q;
    const QString type = typeText.value_or(QStringLiteral("market")).toLower();
    if (priceText) {
        auto pr = priceArg("--price", *priceText);
        if (!pr) return usage(pr.message());
        r.limitPrice = *pr;
    }
    if (stopText) {
        auto pr = priceArg("--stop", *stopText);
        if (!pr) return usage(pr.message());
        r.stopPrice = *pr;
    }
    if (type == QLatin1String("market")) {
        r.type = trading::OrderType::Market;
        if (r.limitPrice || r.stopPrice) return usage("a market order takes no --price or --stop");
    } else if (type == QLatin1String("limit")) {
        r.type = trading::OrderType::Limit;
        if (!r.limitPrice || r.stopPrice) return usage("a limit order needs --price (and no --stop)");
    } else if (type == QLatin1String("stop")) {
        r.type = trading::OrderType::Stop;
        if (!r.stopPrice || r.limitPrice) return usage("a stop order needs --stop (and no --price; use stop-limit)");
    } else if (type == QLatin1String("stop-limit")) {
        r.type = trading::OrderType::StopLimit;
        if (!r.stopPrice || !r.limitPrice) return usage("a stop-limit order needs --stop and --price");
    } else if (type == QLatin1String("trailing")) {
        // A trailing stop: --stop is its optional activation price, --price makes it a stop-limit.
        r.type = r.limitPrice ? trading::OrderType::StopLimit : trading::OrderType::Stop;
        if (!trailText) return usage("a trailing order needs --trail-bps N (1..9999 basis points)");
    } else {
        return usage("--type is market, limit, stop, stop-limit or trailing, not \"" + type.toStdString() + "\"");
    }
    if (trailText) {
        bool ok = false;
        const int bps = trailText->toInt(&ok);
        if (!ok || bps < 1 || bps > 9999) return usage("--trail-bps takes a whole number of basis points from 1 to 9999");
        if (type != QLatin1String("trailing")) return usage("--trail-bps goes with --type trailing");
        r.trailing = trading::Trailing{trading::TrailingKind::Bips, bps, {}};
    }
    if (tifText) {
        const QString t = tifText->toLower();
        if (t == QLatin1String("gtc"))
            r.timeInForce = trading::TimeInForce::Gtc;
        else if (t == QLatin1String("ioc"))
            r.timeInForce = trading::TimeInForce::Ioc;
        else if (t == QLatin1String("fok"))
            r.timeInForce = trading::TimeInForce::Fok;
        else if (t == QLatin1String("post-only"))
            r.timeInForce = trading::TimeInForce::PostOnly;
        else
            return usage("--tif is gtc, ioc, fok or post-only, not \"" + tifText->toStdString() + "\"");
    }
    if (slText) {
        auto pr = priceArg("--sl", *slText);
        if (!pr) return usage(pr.message());
        r.bracket.stopLoss = *pr;
    }
    if (tps.size() > 3) return usage("at most three --tp levels");
    if (tps.size() == 1 && !tps.front().contains(QLatin1Char(':'))) {
        auto pr = priceArg("--tp", tps.front());
        if (!pr) return usage(pr.message());
        r.bracket.takeProfit = *pr;
    } else if (!tps.isEmpty()) {
        // A ladder: --tp PRICE[:PERCENT]; levels without a share split what the others leave equally.
        int given = 0, unspecified = 0;
        for (const QString& t : tps) {
            const QStringList parts = t.split(QLatin1Char(':'));
            auto pr = priceArg("--tp", parts[0]);
            if (!pr) return usage(pr.message());
            int pct = 0;
            if (parts.size() > 1) {
                bool ok = false;
                pct = parts[1].toInt(&ok);
                if (!ok || pct < 1 || pct > 99) return usage("--tp PRICE:PERCENT takes a whole percent from 1 to 99");
                given += pct;
            } else {
                ++unspecified;
            }
            r.bracket.takeProfits.push_back({*pr, pct});
        }
        if (given > 100 || (unspecified == 0 && given != 100) || (unspecified > 0 && given >= 100))
            return usage("the --tp shares must add up to 100 %");
        int left = 100 - given;
        for (auto& level : r.bracket.takeProfits)
            if (level.percent == 0) {
                level.percent = left / unspecified;
                left -= level.percent;
                --unspecified;
            }
    }
    if (clientId) r.clientOrderId = clientId->toStdString();

    Session s(cmd, ctx, p.common);
    if (!s.open(p.account)) return s.code();
    const trading::AccountInfo info = s.info();
    // A live account trades real money: no order without an explicit --yes (the terminal confirms it).
    if (info.kind == trading::AccountKind::Live && !yes)
        return fail(cmd,
                    QStringLiteral("refused: %1 is a LIVE account (real money); add --yes to send this order")
                        .arg(session::accountLabel(info)),
                    kDataError);
    auto inst = s.instrumentOf(a.rest[1]);
    if (!inst) return usage(inst.message());
    r.instrument = *inst;
    if (!s.waitReady()) return s.code();
    if (!s.isLive()) {
        s.primePaperPrices();
        (void)s.primePaperPrice(r.instrument);
    }

    // The client order id is known before the order leaves, so the answer can be found by it (a network
    // venue answers later, from its event loop).
    if (r.clientOrderId.empty())
        r.clientOrderId =
            "kc" + std::to_string(QDateTime::currentMSecsSinceEpoch()) + "-" + std::to_string(QCoreApplication::applicationPid());
    const trading::OrderEvents events = s.account()->submit(r);
    trading::Order order;
    if (!events.empty() && events.back().order.id == 0) {
        order = events.back().order;  // refused before the venue (risk manager, no price)
    } else if (!waitAnswered(s, r.clientOrderId)) {
        order.request = r;
        if (auto known = byClientId(*s.account(), r.clientOrderId)) order = *known;
        if (p.common.json) printJson(QJsonObject{{"ok", false}, {"order", orderJson(order)}});
        return fail(cmd,
                    QStringLiteral("no answer from the venue within %1 s for order %2; its state is unknown until "
                                   "kairos-cli reconcile --account %3")
                        .arg(p.common.timeoutMs / 1000.0)
                        .arg(QString::fromStdString(r.clientOrderId), p.account),
                    kDataError);
    } else {
        order = *byClientId(*s.account(), r.clientOrderId);
    }
    const bool ok = order.status != trading::OrderStatus::Rejected && order.status != trading::OrderStatus::New;
    if (p.common.json)
        printJson(QJsonObject{{"ok", ok}, {"account", accountHeader(info)}, {"order", orderJson(order)}});
    else
        std::printf("%s: order %llu (%s) %s %s %s %s: %s\n", qPrintable(session::accountLabel(info)),
                    static_cast<unsigned long long>(order.id), order.request.clientOrderId.c_str(),
                    std::string(trading::toString(r.side)).c_str(), text(r.quantity).toStdString().c_str(),
                    r.instrument.symbol.c_str(), qPrintable(orderJson(order).value(QStringLiteral("type")).toString()),
                    qPrintable(orderOutcome(order)));
    if (!ok) return fail(cmd, QStringLiteral("order refused: %1").arg(QString::fromStdString(order.rejectReason)), kDataError);
    return kOk;
}

// ---- cancel ------------------------------------------------------------------------------------

int runCancel(Context& ctx) {
    const char* cmd = "cancel";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, true);
    if (!p.ok) return p.code;
    const bool all = a.takeFlag(QStringLiteral("--all"));
    if (!a.unknownOption().isEmpty()) return fail(cmd, QStringLiteral("unknown option %1").arg(a.unknownOption()), kUsageError);
    if (all == !a.rest.isEmpty() || a.rest.size() > 1)
        return fail(cmd, QStringLiteral("needs one order (its id or client order id) or --all"), kUsageError);
    const QString target = all ? QString() : a.rest.first();
    Session s(cmd, ctx, p.common);
    if (!s.open(p.account) || !s.waitReady()) return s.code();
    trading::Account* acc = s.account();
    s.primePaperPrices();
    std::vector<trading::OrderId> ids;
    if (all) {
        const auto open = acc->openOrders();
        ids.reserve(open.size());
        for (const auto& o : open) ids.push_back(o.id);
        (void)acc->cancelAll(std::nullopt, "cancelled from kairos-cli");
    } else {
        bool numeric = false;
        const auto asId = target.toULongLong(&numeric);
        std::optional<trading::Order> found;
        for (const auto& o : acc->orders())
            if ((numeric && o.id == asId) || o.request.clientOrderId == target.toStdString()) found = o;
        if (!found)
            return fail(cmd, QStringLiteral("there is no order %1 on %2").arg(target, session::accountLabel(s.info())),
                        kDataError);
        if (!found->isOpen())
            return fail(cmd,
                        QStringLiteral("order %1 is already %2")
                            .arg(target, orderJson(*found).value(QStringLiteral("status")).toString()),
                        kDataError);
        auto r = acc->cancel(found->id);
        if (!r) return fail(cmd, QStringLiteral("cancel refused: %1").arg(QString::fromStdString(r.message())), kDataError);
        ids.push_back(found->id);
    }
    const bool answered = Session::waitFor(
        [&] {
            return std::all_of(ids.begin(), ids.end(), [&](trading::OrderId id) {
                const auto o = acc->order(id);
                return !o || !o->isOpen();
            });
        },
        p.common.timeoutMs);
    QJsonArray list;
    std::vector<QStringList> rows{orderHeader()};
    int stillOpen = 0;
    for (auto id : ids) {
        const auto o = acc->order(id);
        if (!o) continue;
        if (o->isOpen()) ++stillOpen;
        list.append(orderJson(*o));
        rows.push_back(orderRow(*o));
    }
    if (p.common.json)
        printJson(QJsonObject{{"ok", answered && stillOpen == 0}, {"account", accountHeader(s.info())}, {"orders", list}});
    else if (ids.empty())
        std::printf("%s: no open orders\n", qPrintable(session::accountLabel(s.info())));
    else
        printTable(rows);
    if (stillOpen > 0)
        return fail(cmd,
                    QStringLiteral("%1 order(s) still open: the venue did not confirm the cancel within %2 s")
                        .arg(stillOpen)
                        .arg(p.common.timeoutMs / 1000.0),
                    kDataError);
    return kOk;
}

// ---- reconcile ---------------------------------------------------------------------------------

int runReconcile(Context& ctx) {
    const char* cmd = "reconcile";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, true);
    if (!p.ok) return p.code;
    int code = kOk;
    if (!noLeftovers(cmd, a, code)) return code;
    Session s(cmd, ctx, p.common);
    if (!s.open(p.account) || !s.waitReady()) return s.code();
    QJsonObject out = accountHeader(s.info());
    live::LiveVenue* venue = s.accounts().liveVenue(s.accountId());
    if (!venue) {
        const QString note = QStringLiteral("a paper account's orders live in its own journal: nothing to reconcile");
        out.insert(QStringLiteral("note"), note);
        if (p.common.json)
            printJson(out);
        else
            std::printf("%s: %s\n", qPrintable(session::accountLabel(s.info())), qPrintable(note));
        return kOk;
    }
    // The venue reconciled the journal with Binance when it started; its report lists what it
    // adopted, caught up or found never sent. Orders the journal had open that are no longer open
    // were closed on Binance meanwhile (cancelled or filled elsewhere).
    const live::ReconciliationReport& report = venue->lastReport();
    QJsonArray changes;
    std::vector<QStringList> rows{{"CLIENT ID", "WHAT"}};
    for (const auto& c : report.changes) {
        changes.append(
            QJsonObject{{"client_order_id", QString::fromStdString(c.clientOrderId)}, {"what", QString::fromStdString(c.what)}});
        rows.push_back({QString::fromStdString(c.clientOrderId), QString::fromStdString(c.what)});
    }
    QJsonArray closed;
    for (const auto& before : s.openBeforeStart()) {
        const auto now = s.account()->order(before.id);
        if (!now || now->isOpen()) continue;
        const QString what = QStringLiteral("closed on Binance: ") + orderOutcome(*now);
        closed.append(QJsonObject{{"client_order_id", QString::fromStdString(now->request.clientOrderId)},
                                  {"status", orderJson(*now).value(QStringLiteral("status"))},
                                  {"what", what}});
        rows.push_back({QString::fromStdString(now->request.clientOrderId), what});
    }
    out.insert(QStringLiteral("ok"), report.ok());
    out.insert(QStringLiteral("summary"), QString::fromStdString(report.summary()));
    out.insert(QStringLiteral("orders_checked"), report.ordersChecked);
    out.insert(QStringLiteral("fills_applied"), report.fillsApplied);
    out.insert(QStringLiteral("orders_adopted"), report.ordersAdopted);
    out.insert(QStringLiteral("orders_never_arrived"), report.ordersNeverArrived);
    out.insert(QStringLiteral("orders_closed"), static_cast<int>(closed.size()));
    out.insert(QStringLiteral("changes"), changes);
    out.insert(QStringLiteral("closed"), closed);
    out.insert(QStringLiteral("error"), QString::fromStdString(report.error));
    if (p.common.json) {
        printJson(out);
    } else {
        std::printf("%s: %s, %lld closed on Binance\n", qPrintable(session::accountLabel(s.info())), report.summary().c_str(),
                    static_cast<long long>(closed.size()));
        if (rows.size() > 1) printTable(rows);
    }
    if (!report.ok())
        return fail(cmd, QStringLiteral("reconciliation incomplete: %1").arg(QString::fromStdString(report.error)), kDataError);
    return kOk;
}

// ---- kill-switch -------------------------------------------------------------------------------

int runKillSwitch(Context& ctx) {
    const char* cmd = "kill-switch";
    Args a(ctx.args);
    Parsed p = parseCommon(cmd, a, false);
    if (!p.ok) return p.code;
    const bool all = a.takeFlag(QStringLiteral("--all"));
    const bool yes = a.takeFlag(QStringLiteral("--yes"));
    int code = kOk;
    if (!noLeftovers(cmd, a, code)) return code;
    if (all == !p.account.isEmpty()) return fail(cmd, QStringLiteral("needs --account NAME or --all"), kUsageError);
    if (!yes)
        return fail(cmd,
                    QStringLiteral("refused without --yes: the kill switch cancels every open order and closes every position "
                                   "at market on %1")
                        .arg(all ? QStringLiteral("every account") : p.account),
                    kDataError);
    Session s(cmd, ctx, p.common);
    if (!s.open(all ? QString() : p.account) || !s.waitReady()) return s.code();
    std::vector<trading::Account*> targets;
    QStringList notOpen;
    for (const auto& info : s.accounts().accounts()) {
        if (!all && info.id != s.accountId()) continue;
        if (trading::Account* acc = s.accounts().account(info.id)) {
            targets.push_back(acc);
            if (info.kind == trading::AccountKind::Paper) s.primePaperPrices(info.id);  // closes at the profile's prices
        } else {
            notOpen << session::accountLabel(info) + QStringLiteral(": ") + s.accounts().problemOf(info.id);
        }
    }
    trading::KillSwitch ks;
    ks.setDeadlineMs(p.common.timeoutMs);
    bool finished = false;
    QObject::connect(&ks, &trading::KillSwitch::finished, [&](const trading::KillReport&) { finished = true; });
    if (!ks.run(targets)) return fail(cmd, QStringLiteral("the kill switch is already running"), kDataError);
    if (!finished) (void)Session::waitFor([&] { return finished; }, p.common.timeoutMs + 5000);
    const trading::KillReport& report = ks.report();
    QJsonArray lines;
    std::vector<QStringList> rows{{"ACCOUNT", "WHAT", "RESULT", "DETAIL"}};
    for (const auto& l : report.lines) {
        lines.append(QJsonObject{{"account", QString::fromStdString(l.account)},
                                 {"what", QString::fromStdString(l.what)},
                                 {"ok", l.ok},
                                 {"detail", QString::fromStdString(l.detail)}});
        rows.push_back({QString::fromStdString(l.account), QString::fromStdString(l.what),
                        l.ok ? QStringLiteral("done") : QStringLiteral("FAILED"), QString::fromStdString(l.detail)});
    }
    const bool ok = finished && report.ok() && notOpen.isEmpty();
    if (p.common.json) {
        printJson(QJsonObject{{"ok", ok},
                              {"summary", QString::fromStdString(report.summary())},
                              {"orders_cancelled", report.ordersCancelled},
                              {"positions_closed", report.positionsClosed},
                              {"failures", report.failures},
                              {"lines", lines},
                              {"not_open", QJsonArray::fromStringList(notOpen)}});
    } else {
        if (rows.size() > 1) printTable(rows);
        std::printf("kill switch: %s\n", report.summary().c_str());
    }
    for (const QString& n : notOpen) std::fprintf(stderr, "kairos-cli %s: not open, nothing done: %s\n", cmd, qPrintable(n));
    if (!finished)
        return fail(cmd, QStringLiteral("the venues did not answer in time; check with kairos-cli orders"), kDataError);
    if (!ok) return fail(cmd, QStringLiteral("some steps failed (see above)"), kDataError);
    return kOk;
}

const CommandRegistration kAccounts{
    {"accounts", "list the profile's trading accounts with venue, mode and balances",
     "Usage: kairos-cli accounts [--json] [--key-file FILE] [--timeout S]\n"
     "Lists every trading account of the profile (paper, testnet, live) with its venue, whether it is open and its\n"
     "balances (paper: cash; Binance: the account's assets). Testnet/live accounts are opened on Binance (keys from\n"
     "the keychain or --key-file)." KAIROS_TRADE_COMMON_USAGE,
     runAccounts}};
const CommandRegistration kBalances{
    {"balances", "balances of one trading account",
     "Usage: kairos-cli balances --account NAME [--json] [--key-file FILE] [--timeout S]" KAIROS_TRADE_COMMON_USAGE,
     runBalances}};
const CommandRegistration kPositions{{"positions", "open positions of one trading account",
                                      "Usage: kairos-cli positions --account NAME [--json] [--key-file FILE] [--timeout S]\n"
                                      "Paper accounts are marked at the profile's latest candle close." KAIROS_TRADE_COMMON_USAGE,
                                      runPositions}};
const CommandRegistration kOrders{
    {"orders", "open (or all) orders of one trading account",
     "Usage: kairos-cli orders --account NAME [--all] [--json] [--key-file FILE] [--timeout S]" KAIROS_TRADE_COMMON_USAGE,
     runOrders}};
const CommandRegistration kOrder{
    {"order", "send an order through the account's risk manager",
     "Usage: kairos-cli order --account NAME buy|sell SYMBOL QTY [--type market|limit|stop|stop-limit|trailing]\n"
     "         [--price P] [--stop P] [--trail-bps N] [--tif gtc|ioc|fok|post-only] [--sl P] [--tp P[:PCT]...]\n"
     "         [--client-id ID] [--yes] [--json]\n"
     "Sends one order exactly as the terminal's ticket does: through the account's order gateway and risk manager,\n"
     "then to its venue (paper simulator, or Binance for testnet/live accounts). A LIVE account's order is refused\n"
     "without --yes. trailing: a trailing stop of N basis points (--stop: activation price; --price: stop-limit).\n"
     "--sl/--tp: a bracket (up to three --tp levels, each PRICE:PERCENT of the position). Paper orders fill at the\n"
     "profile's latest candle close (the terminal's replay data) for market orders. Prints the order's outcome;\n"
     "exit 1 with the reason when the risk manager or the venue refuses it." KAIROS_TRADE_COMMON_USAGE,
     runOrder}};
const CommandRegistration kCancel{
    {"cancel", "cancel one order or every open order of an account",
     "Usage: kairos-cli cancel --account NAME (ID | CLIENT_ORDER_ID | --all) [--json]" KAIROS_TRADE_COMMON_USAGE, runCancel}};
const CommandRegistration kReconcile{
    {"reconcile", "reconcile a Binance account's journal with Binance and print what changed",
     "Usage: kairos-cli reconcile --account NAME [--json] [--key-file FILE] [--timeout S]\n"
     "Compares the account's journal with Binance by client order id (as the terminal does at start) and prints\n"
     "what it adopted (orders placed elsewhere), caught up (fills), found never sent, or found closed on "
     "Binance." KAIROS_TRADE_COMMON_USAGE,
     runReconcile}};
const CommandRegistration kKillSwitch{
    {"kill-switch", "cancel every order and close every position of an account (or all)",
     "Usage: kairos-cli kill-switch (--account NAME | --all) --yes [--json] [--key-file FILE] [--timeout S]\n"
     "Cancels every open order, then closes every position at market, through each account's gateway, and prints\n"
     "what it did and what failed. Refused without --yes." KAIROS_TRADE_COMMON_USAGE,
     runKillSwitch}};

}  // namespace
}  // namespace kairos::cli::trade
