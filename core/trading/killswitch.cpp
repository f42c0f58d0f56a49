#include "trading/killswitch.h"

#include "trading/venuerules.h"

#include <algorithm>

namespace kairos::trading {

namespace {

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string describeOrder(const Order& o) {
    const OrderRequest& r = o.request;
    std::string text = "cancel order " + std::to_string(o.id) + " (" + std::string(toString(r.side)) + " " +
        r.quantity.toTrimmedString() + " " + r.instrument.symbol + " " + std::string(toString(r.type));
    if (r.limitPrice) text += " " + r.limitPrice->toTrimmedString();
    if (r.stopPrice) text += " stop " + r.stopPrice->toTrimmedString();
    return text + ")";
}

}  // namespace

std::string KillReport::summary() const {
    std::string s = plural(ordersCancelled, "order cancelled", "orders cancelled") + ", " +
        plural(positionsClosed, "position closed", "positions closed") + ", " + std::to_string(failures) + " failed";
    for (std::size_t i = 0; i < dust.size(); ++i) s += (i == 0 ? ", dust left: " : ", ") + dust[i];
    return s;
}

KillSwitch::KillSwitch(QObject* parent) : QObject(parent) {
    qRegisterMetaType<kairos::trading::KillReport>();
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &KillSwitch::timeOut);
}

std::size_t KillSwitch::addLine(const Account& a, std::string what) {
    m_report.lines.push_back(KillReport::Line{a.info().name, std::move(what), false, "waiting for the venue"});
    return m_report.lines.size() - 1;
}

void KillSwitch::result(std::size_t line, bool ok, std::string detail) {
    KillReport::Line& l = m_report.lines[line];
    l.ok = ok;
    l.detail = std::move(detail);
    if (!ok) ++m_report.failures;
}

bool KillSwitch::run(const std::vector<Account*>& accounts) {
    if (m_running) return false;
    m_running = true;
    m_closing = false;
    m_report = {};
    m_pending.clear();
    m_accounts.clear();
    for (Account* a : accounts) {
        if (!a) continue;
        m_accounts.emplace_back(a);
        m_connections.push_back(connect(a, &Account::orderUpdated, this, [this, a](const Order& o) { onOrder(a, o); }));
    }
    m_deadline.start(m_deadlineMs);
    m_busy = true;
    // 1. Cancel every open order (children of a bracket go with their entry; skip what is no longer open).
    for (const QPointer<Account>& a : m_accounts) {
        for (const Order& o : a->openOrders()) {
            auto now = a->order(o.id);
            if (now && !now->isOpen()) continue;
            const std::size_t line = addLine(*a, describeOrder(o));
            Pending pending;
            pending.account = a;
            pending.order = o.id;
            pending.line = line;
            m_pending.push_back(pending);
            auto r = a->cancel(o.id);
            if (!r) {
                // Gone meanwhile (a sibling's cancel took it along) is not a failure; an order the
                // venue has not acknowledged yet is cancelled again at its next update.
                auto after = a->order(o.id);
                if (after && !after->isOpen()) {
                    settle(m_pending.back(), *after);
                } else {
                    m_pending.back().retry = true;
                    m_pending.back().lastError = r.message();
                }
                continue;
            }
            if (auto after = a->order(o.id); after && !after->isOpen()) settle(m_pending.back(), *after);
        }
    }
    m_busy = false;
    checkDone();
    return true;
}

void KillSwitch::onOrder(Account* account, const Order& order) {
    for (Pending& p : m_pending) {
        if (p.account != account) continue;
        const bool match = p.closing ? order.request.clientOrderId == p.cid : order.id == p.order;
        if (!match || p.done) continue;
        if (!order.isOpen()) {
            settle(p, order);
        } else if (p.retry && order.status != OrderStatus::New) {
            p.retry = false;  // acknowledged now: cancel once more
            if (auto r = p.account->cancel(order.id); !r) {
                auto after = p.account->order(order.id);
                if (!after || after->isOpen()) {
                    p.done = true;
                    result(p.line, false, r.message());
                }
            }
        }
    }
    checkDone();
}

void KillSwitch::settle(Pending& p, const Order& o) {
    if (p.done) return;
    p.done = true;
    if (!p.closing) {
        switch (o.status) {
        case OrderStatus::Cancelled:
            ++m_report.ordersCancelled;
            result(p.line, true, "cancelled");
            break;
        case OrderStatus::Filled:
            result(p.line, true, "filled before it could be cancelled");
            break;
        default:
            result(p.line, true, std::string(toString(o.status)) + (o.rejectReason.empty() ? "" : ": " + o.rejectReason));
            break;
        }
        return;
    }
    if (o.status == OrderStatus::Filled) {
        ++m_report.positionsClosed;
        const int scale = o.request.quantity.scale() + 2;
        std::string detail = std::string(o.request.side == Side::Sell ? "sold " : "bought ") +
            o.filledQuantity.toTrimmedString() + " at " + o.averageFillPrice(std::max(scale, 2)).toTrimmedString() + p.note;
        result(p.line, true, detail);
    } else {
        result(p.line, false,
               std::string(toString(o.status)) + (o.rejectReason.empty() ? "" : ": " + o.rejectReason) +
                   (o.filledQuantity.isZero() ? "" : " (" + o.filledQuantity.toTrimmedString() + " filled)"));
    }
}

Quantity KillSwitch::closingQuantity(const Account& a, const Position& pos, std::string& note, std::string& dust) const {
    const Quantity held = pos.quantity.isNegative() ? pos.quantity.negated() : pos.quantity;
    const Instrument* in = a.instrument(pos.instrument);
    const std::string asset = in && !in->baseAsset.empty() ? in->baseAsset : pos.instrument.symbol;
    // What the account can sell: the ledger's quantity, or the venue's free balance when smaller.
    Quantity avail = held;
    std::string why;
    if (pos.isLong() && m_free) {
        if (auto free = m_free(a, pos.instrument); free && *free < avail) {
            avail = free->isNegative() ? Quantity::fromRaw(0, free->scale()) : *free;
            why = a.venue().name() + " holds " + avail.toTrimmedString() + " " + asset + " free of the ledger's " +
                held.toTrimmedString() + "; ";
        }
    }
    Quantity q = avail;
    if (in && in->lotSize.raw() > 0)
        if (auto lots = floorToLot(avail, *in); lots) q = *lots;
    if (auto left = avail.sub(q); left && !left->isZero()) {
        note = "; dust left: " + left->toTrimmedString() + " " + asset + " (" + why + "below the lot step " +
            (in ? in->lotSize.toTrimmedString() : std::string("?")) + ")";
        dust = left->toTrimmedString() + " " + asset + " (" + a.info().name + ")";
    } else if (!why.empty()) {
        note = "; " + why.substr(0, why.size() - 2);
    }
    return q;
}

void KillSwitch::startClosing() {
    m_closing = true;
    m_busy = true;
    for (const QPointer<Account>& a : m_accounts) {
        if (!a) continue;
        for (const Position& pos : a->portfolio().openPositions()) {
            OrderRequest r;
            r.instrument = pos.instrument;
            r.side = pos.isLong() ? Side::Sell : Side::Buy;
            r.type = OrderType::Market;
            std::string note;
            std::string dust;
            r.quantity = closingQuantity(*a, pos, note, dust);
            r.clientOrderId = "KILL" + std::to_string(a->clock().nowMs()) + "-" + std::to_string(++m_sequence);
            const std::size_t line = addLine(*a,
                                             std::string("close ") + (pos.isLong() ? "long " : "short ") +
                                                 (r.quantity.isZero() ? pos.quantity : r.quantity).toTrimmedString() + " " +
                                                 pos.instrument.symbol + " at market");
            if (!dust.empty()) m_report.dust.push_back(dust);
            if (r.quantity.isZero()) {
                // Nothing sellable: the whole position is dust (not a failure; the report names it).
                result(line, true, "nothing to sell" + note);
                continue;
            }
            Pending p;
            p.account = a;
            p.line = line;
            p.closing = true;
            p.cid = r.clientOrderId;
            p.note = note;
            m_pending.push_back(p);
            const OrderEvents events = a->submit(r);
            Pending& mine = m_pending.back();
            for (const OrderEvent& e : events)
                if ((e.order.request.clientOrderId == r.clientOrderId || e.order.id == 0) && !e.order.isOpen())
                    settle(mine, e.order);
            if (!mine.done)
                for (const Order& o : a->orders())
                    if (o.request.clientOrderId == r.clientOrderId && !o.isOpen()) settle(mine, o);
        }
    }
    m_busy = false;
}

void KillSwitch::checkDone() {
    if (!m_running || m_busy) return;
    const bool waiting = std::any_of(m_pending.begin(), m_pending.end(), [](const Pending& p) { return !p.done; });
    if (waiting) return;
    if (!m_closing) {
        m_deadline.start(m_deadlineMs);
        startClosing();
        if (std::any_of(m_pending.begin(), m_pending.end(), [](const Pending& p) { return !p.done; })) return;
    }
    m_deadline.stop();
    m_running = false;
    for (const auto& c : m_connections) disconnect(c);
    m_connections.clear();
    Q_EMIT finished(m_report);
}

void KillSwitch::timeOut() {
    if (!m_running) return;
    for (Pending& p : m_pending) {
        if (p.done) continue;
        p.done = true;
        if (p.retry) {
            result(p.line, false, p.lastError);
            continue;
        }
        result(p.line, false,
               "no answer from the venue within " + std::to_string(m_deadlineMs / 1000) + " s (check the venue's open orders)");
    }
    if (!m_closing) {
        // Positions are closed even when a cancel went unanswered; a locked asset makes the venue refuse with its reason.
        m_deadline.start(m_deadlineMs);
        startClosing();
        if (std::any_of(m_pending.begin(), m_pending.end(), [](const Pending& p) { return !p.done; })) return;
    }
    checkDone();
}

}  // namespace kairos::trading
