// Paper orders on the charts (issue "Candlestick charts": markers for orders and
// positions, draggable SL/TP lines for paper orders). Every chart showing an instrument gets:
// - the open position's average entry ("Long 0.01000"), not draggable;
// - each open order: a bracket's stop-loss ("SL") and take-profit ("TP") children and resting
//   entry orders ("Buy limit 0.02000"); limit orders and untriggered stop orders can be dragged,
//   which moves the order (Account::amend, through its order gateway) to the dragged price rounded to the tick; a move the
//   venue refuses (across the market, off the filters) puts the line back and says why;
// - a resting entry's bracket, "SL on fill" / "TP on fill", not draggable (the children exist
//   once the entry fills).
// Lines are rebuilt when orders or fills change and when a chart changes series; a chart whose
// lines are unchanged is not touched (no repaint).
#include "chartorderlines.h"

#include "candlechart.h"
#include "chartworkspace.h"

#include "session/eventhub.h"
#include "session/papertrading.h"
#include "session/tradingaccounts.h"
#include "trading/account.h"

#include <QTimer>

namespace kairos::ui {

namespace {
bool sameLines(const std::vector<charts::OrderLine>& a, const std::vector<charts::OrderLine>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].id != b[i].id || a[i].kind != b[i].kind || a[i].price != b[i].price || a[i].label != b[i].label ||
            a[i].draggable != b[i].draggable)
            return false;
    return true;
}

QString qty(const Quantity& q) { return QString::fromStdString(q.toString()); }

std::optional<Price> workingPrice(const trading::Order& o) {
    switch (o.request.type) {
    case trading::OrderType::Limit:
        return o.request.limitPrice;
    case trading::OrderType::Stop:
    case trading::OrderType::StopLimit:
        return o.request.stopPrice;
    case trading::OrderType::Market:
        break;
    }
    return std::nullopt;
}

std::vector<charts::OrderLine> linesFor(const trading::Account& paper, const InstrumentId& id) {
    std::vector<charts::OrderLine> lines;
    using Kind = charts::OrderLine::Kind;
    if (const trading::Position* p = paper.portfolio().position(id); p && !p->isFlat()) {
        charts::OrderLine l;
        l.id = 0;
        l.kind = Kind::Entry;
        const int scale = std::max(p->costBasis.scale(), 8);
        l.price = p->averageEntry(scale).toDouble();
        l.label = (p->isLong() ? QObject::tr("Long %1") : QObject::tr("Short %1"))
                      .arg(qty(p->isLong() ? p->quantity : p->quantity.negated()));
        lines.push_back(l);
    }
    for (const trading::Order& o : paper.openOrders()) {
        if (o.request.instrument != id) continue;
        const auto price = workingPrice(o);
        if (!price) continue;
        charts::OrderLine l;
        l.id = static_cast<int>(o.id);
        l.price = price->toDouble();
        l.draggable = o.request.type == trading::OrderType::Limit || (o.request.type == trading::OrderType::Stop && !o.triggered);
        switch (o.role) {
        case trading::OrderRole::StopLoss:
            l.kind = Kind::StopLoss;
            l.label = QObject::tr("SL %1").arg(qty(o.remaining()));
            break;
        case trading::OrderRole::TakeProfit:
            l.kind = Kind::TakeProfit;
            l.label = QObject::tr("TP %1").arg(qty(o.remaining()));
            break;
        case trading::OrderRole::Entry:
            l.kind = Kind::Order;
            l.label = QStringLiteral("%1 %2 %3")
                          .arg(o.request.side == Side::Buy ? QObject::tr("Buy") : QObject::tr("Sell"),
                               QString::fromLatin1(toString(o.request.type).data()), qty(o.remaining()));
            break;
        }
        lines.push_back(l);
        if (o.role != trading::OrderRole::Entry) continue;
        // A resting entry's bracket: where its children will go once it fills.
        for (const auto& [p, kind, text] :
             {std::tuple{o.request.bracket.stopLoss, Kind::StopLoss, QObject::tr("SL on fill")},
              std::tuple{o.request.bracket.takeProfit, Kind::TakeProfit, QObject::tr("TP on fill")}}) {
            if (!p) continue;
            charts::OrderLine b;
            b.id = -static_cast<int>(o.id);
            b.kind = kind;
            b.price = p->toDouble();
            b.label = text;
            lines.push_back(b);
        }
    }
    // Orders that trade on an exchange say so on the chart: "LIVE · Buy LIMIT 0.01", "TESTNET · SL 0.01".
    if (paper.info().kind != trading::AccountKind::Paper)
        for (charts::OrderLine& l : lines)
            l.label = session::accountKindLabel(paper.info().kind) + QStringLiteral(" · ") + l.label;
    return lines;
}
}  // namespace

ChartOrderLines::ChartOrderLines(trading::Account& paper, session::EventHub& hub, ChartWorkspace* charts, QObject* parent)
    : QObject(parent), m_paper(paper), m_charts(charts), m_timer(new QTimer(this)) {
    m_timer->setSingleShot(true);
    m_timer->setInterval(0);  // many events of one batch: one rebuild
    connect(m_timer, &QTimer::timeout, this, &ChartOrderLines::sync);
    auto later = [this] { m_timer->start(); };
    connect(&hub, &session::EventHub::orderUpdated, this, later);
    connect(&hub, &session::EventHub::filled, this, later);
    connect(m_charts, &ChartWorkspace::activeSeriesChanged, this, later);
    connect(m_charts, &ChartWorkspace::gridChanged, this, later);
    connect(m_charts, &ChartWorkspace::activeChanged, this, later);
    sync();
}

void ChartOrderLines::sync() {
    for (int i = 0; i < m_charts->grid(); ++i) {
        charts::CandleChart* c = m_charts->chart(i);
        if (!c) continue;
        connect(c, &charts::CandleChart::orderLineMoved, this, &ChartOrderLines::onLineMoved, Qt::UniqueConnection);
        auto lines = linesFor(m_paper, c->instrument());
        if (!sameLines(lines, c->orderLines())) c->setOrderLines(lines);
    }
}

void ChartOrderLines::onLineMoved(int id, double price) {
    if (id <= 0) return;
    const auto order = m_paper.order(static_cast<trading::OrderId>(id));
    const Instrument* inst = order ? m_paper.instrument(order->request.instrument) : nullptr;
    QString problem;
    if (!order || !inst) {
        problem = tr("the order is no longer known");
    } else if (auto p = session::roundDraggedPrice(price, *inst); !p) {
        problem = QString::fromStdString(p.message());
    } else if (auto r = m_paper.amend(order->id, *p); !r) {
        problem = QString::fromStdString(r.message());
    } else {
        const QString what = order->role == trading::OrderRole::StopLoss ? tr("Stop loss")
            : order->role == trading::OrderRole::TakeProfit              ? tr("Take profit")
                                                                         : tr("Order");
        Q_EMIT message(
            tr("%1 %2 moved to %3 on PAPER.")
                .arg(what, QString::fromStdString(order->request.clientOrderId), QString::fromStdString(p->toString())),
            10000);
    }
    if (!problem.isEmpty()) Q_EMIT message(tr("Not moved: %1").arg(problem), 15000);
    sync();  // the line goes where the order is (back, when refused)
}

}  // namespace kairos::ui
