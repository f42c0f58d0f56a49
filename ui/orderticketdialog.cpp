#include "orderticketdialog.h"

#include "tradingaccountsdialog.h"

#include "session/tradingaccounts.h"
#include "trading/account.h"
#include "trading/sizing.h"
#include "trading/venuerules.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace kairos::ui {

using trading::OrderType;

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

// Parses a decimal field; empty text is "absent".
template <class T>
Result<std::optional<T>> field(const QLineEdit* e, const QString& name) {
    const QString t = e->text().trimmed();
    if (t.isEmpty()) return std::optional<T>{};
    auto v = T::parse(t.toStdString());
    if (!v) return makeError(name.toStdString() + ": " + v.message());
    return std::optional<T>{*v};
}

QString typeWords(OrderType t) {
    switch (t) {
    case OrderType::Market:
        return QObject::tr("market");
    case OrderType::Limit:
        return QObject::tr("limit");
    case OrderType::Stop:
        return QObject::tr("stop");
    case OrderType::StopLimit:
        return QObject::tr("stop-limit");
    }
    return {};
}
}  // namespace

OrderTicketDialog::OrderTicketDialog(trading::Account& venue, const InstrumentId& instrument, QWidget* parent)
    : QDialog(parent), m_venue(&venue) {
    setObjectName(QStringLiteral("OrderTicket"));
    m_confirm = [this](const QString& text) {
        return QMessageBox::question(this, tr("Confirm order"), text + QLatin1Char('?'), QMessageBox::Yes | QMessageBox::No,
                                     QMessageBox::No) == QMessageBox::Yes;
    };

    auto* layout = new QVBoxLayout(this);
    // The account the order goes to, its kind in a badge (LIVE red, TESTNET purple, PAPER neutral).
    auto* accountRow = new QHBoxLayout;
    m_accountBadge = new QLabel;
    m_accountBadge->setObjectName(QStringLiteral("TicketAccountKind"));
    m_accountBox = new QComboBox;
    m_accountBox->setObjectName(QStringLiteral("TicketAccountBox"));
    m_accountBox->setVisible(false);
    connect(m_accountBox, &QComboBox::activated, this,
            [this](int index) { Q_EMIT accountChosen(m_accountBox->itemData(index).toLongLong()); });
    accountRow->addWidget(m_accountBadge);
    accountRow->addWidget(m_accountBox, 1);
    layout->addLayout(accountRow);
    auto* form = new QFormLayout;
    m_symbol = new QLineEdit;
    m_symbol->setObjectName(QStringLiteral("TicketSymbol"));
    m_symbol->setPlaceholderText(tr("VENUE:SYMBOL, e.g. BINANCE:BTCUSDT"));
    form->addRow(tr("Symbol"), m_symbol);
    m_rules = new QLabel;
    m_rules->setObjectName(QStringLiteral("TicketRules"));
    m_rules->setEnabled(false);
    form->addRow(QString(), m_rules);
    m_quote = new QLabel;
    m_quote->setObjectName(QStringLiteral("TicketQuote"));
    form->addRow(tr("Market"), m_quote);
    m_side = new QComboBox;
    m_side->setObjectName(QStringLiteral("TicketSide"));
    m_side->addItem(tr("Buy"), static_cast<int>(Side::Buy));
    m_side->addItem(tr("Sell"), static_cast<int>(Side::Sell));
    form->addRow(tr("Side"), m_side);
    m_type = new QComboBox;
    m_type->setObjectName(QStringLiteral("TicketType"));
    for (OrderType t : {OrderType::Market, OrderType::Limit, OrderType::Stop, OrderType::StopLimit})
        m_type->addItem(typeWords(t), static_cast<int>(t));
    form->addRow(tr("Type"), m_type);
    m_quantity = new QLineEdit;
    m_quantity->setObjectName(QStringLiteral("TicketQuantity"));
    form->addRow(tr("Quantity"), m_quantity);
    m_limit = new QLineEdit;
    m_limit->setObjectName(QStringLiteral("TicketLimit"));
    form->addRow(tr("Limit price"), m_limit);
    m_stop = new QLineEdit;
    m_stop->setObjectName(QStringLiteral("TicketStop"));
    form->addRow(tr("Stop price"), m_stop);
    auto bracketRow = [&](QCheckBox*& box, QLineEdit*& edit, const QString& label, const QString& name) {
        auto* row = new QHBoxLayout;
        box = new QCheckBox(label);
        box->setObjectName(name + QStringLiteral("On"));
        edit = new QLineEdit;
        edit->setObjectName(name);
        edit->setEnabled(false);
        row->addWidget(box);
        row->addWidget(edit, 1);
        connect(box, &QCheckBox::toggled, edit, &QWidget::setEnabled);
        form->addRow(row);
    };
    {
        // Trailing: the stop follows the best price at this distance; the stop price, if given, activates it.
        auto* row = new QHBoxLayout;
        m_trailOn = new QCheckBox(tr("Trailing"));
        m_trailOn->setObjectName(QStringLiteral("TicketTrailingOn"));
        m_trail = new QLineEdit;
        m_trail->setObjectName(QStringLiteral("TicketTrailing"));
        m_trail->setPlaceholderText(tr("distance"));
        m_trail->setEnabled(false);
        m_trailUnit = new QComboBox;
        m_trailUnit->setObjectName(QStringLiteral("TicketTrailingUnit"));
        m_trailUnit->addItem(tr("% of the best price"));
        m_trailUnit->addItem(tr("price distance"));
        m_trailUnit->setEnabled(false);
        row->addWidget(m_trailOn);
        row->addWidget(m_trail, 1);
        row->addWidget(m_trailUnit);
        connect(m_trailOn, &QCheckBox::toggled, m_trail, &QWidget::setEnabled);
        connect(m_trailOn, &QCheckBox::toggled, m_trailUnit, &QWidget::setEnabled);
        form->addRow(row);
    }
    {
        // OCO: a stop leg (stop, optional limit) that one-cancels-the-other with this limit order.
        auto* row = new QHBoxLayout;
        m_ocoOn = new QCheckBox(tr("OCO stop leg"));
        m_ocoOn->setObjectName(QStringLiteral("TicketOcoOn"));
        m_ocoStop = new QLineEdit;
        m_ocoStop->setObjectName(QStringLiteral("TicketOcoStop"));
        m_ocoStop->setPlaceholderText(tr("stop"));
        m_ocoLimit = new QLineEdit;
        m_ocoLimit->setObjectName(QStringLiteral("TicketOcoLimit"));
        m_ocoLimit->setPlaceholderText(tr("limit (optional)"));
        for (QLineEdit* e : {m_ocoStop, m_ocoLimit}) {
            e->setEnabled(false);
            connect(m_ocoOn, &QCheckBox::toggled, e, &QWidget::setEnabled);
        }
        row->addWidget(m_ocoOn);
        row->addWidget(m_ocoStop, 1);
        row->addWidget(m_ocoLimit, 1);
        form->addRow(row);
    }
    bracketRow(m_slOn, m_sl, tr("Stop-loss"), QStringLiteral("TicketStopLoss"));
    auto shareEdit = [&](const QString& name, const QString& text) {
        auto* e = new QLineEdit(text);
        e->setObjectName(name);
        e->setMaximumWidth(56);
        e->setToolTip(tr("Share of the position this take-profit closes, in percent"));
        return e;
    };
    bracketRow(m_tpOn, m_tp, tr("Take-profit"), QStringLiteral("TicketTakeProfit"));
    m_tpShare[0] = shareEdit(QStringLiteral("TicketTakeProfitShare"), QStringLiteral("100"));
    form->itemAt(form->rowCount() - 1, QFormLayout::SpanningRole)->layout()->addWidget(m_tpShare[0]);
    for (int i = 0; i < 2; ++i) {
        const QString n = QString::number(i + 2);
        bracketRow(m_tpMoreOn[i], m_tpMore[i], tr("Take-profit %1").arg(n), QStringLiteral("TicketTakeProfit") + n);
        m_tpShare[i + 1] = shareEdit(QStringLiteral("TicketTakeProfit%1Share").arg(n), QString());
        m_tpShare[i + 1]->setEnabled(false);
        connect(m_tpMoreOn[i], &QCheckBox::toggled, m_tpShare[i + 1], &QWidget::setEnabled);
        form->itemAt(form->rowCount() - 1, QFormLayout::SpanningRole)->layout()->addWidget(m_tpShare[i + 1]);
    }
    {
        // The ticked rows' fields line up.
        const std::array<QCheckBox*, 6> boxes{m_trailOn, m_ocoOn, m_slOn, m_tpOn, m_tpMoreOn[0], m_tpMoreOn[1]};
        int width = 0;
        for (QCheckBox* b : boxes) width = std::max(width, b->sizeHint().width());
        for (QCheckBox* b : boxes) b->setMinimumWidth(width);
    }
    m_tif = new QComboBox;
    m_tif->setObjectName(QStringLiteral("TicketTif"));
    m_tif->addItem(tr("GTC — good till cancelled"), static_cast<int>(trading::TimeInForce::Gtc));
    m_tif->addItem(tr("IOC — immediate or cancel"), static_cast<int>(trading::TimeInForce::Ioc));
    m_tif->addItem(tr("FOK — fill all at once or cancel"), static_cast<int>(trading::TimeInForce::Fok));
    m_tif->addItem(tr("Post-only — maker only, rejected if it would take"), static_cast<int>(trading::TimeInForce::PostOnly));
    form->addRow(tr("Time in force"), m_tif);
    {
        auto* row = new QHBoxLayout;
        m_sizeMode = new QComboBox;
        m_sizeMode->setObjectName(QStringLiteral("TicketSizeMode"));
        m_sizeMode->addItem(tr("Amount (quote)"));
        m_sizeMode->addItem(tr("% of equity"));
        m_sizeMode->addItem(tr("Risk % of equity (to the stop-loss)"));
        m_sizeValue = new QLineEdit;
        m_sizeValue->setObjectName(QStringLiteral("TicketSizeValue"));
        m_sizeApply = new QPushButton(tr("Set quantity"));
        m_sizeApply->setObjectName(QStringLiteral("TicketSizeApply"));
        m_sizeApply->setAutoDefault(false);
        row->addWidget(m_sizeMode);
        row->addWidget(m_sizeValue, 1);
        row->addWidget(m_sizeApply);
        form->addRow(tr("Size by"), row);
        m_sizeNote = new QLabel;
        m_sizeNote->setObjectName(QStringLiteral("TicketSizeNote"));
        m_sizeNote->setWordWrap(true);
        form->addRow(QString(), m_sizeNote);
        connect(m_sizeApply, &QPushButton::clicked, this, [this] { (void)applySizing(); });
    }
    layout->addLayout(form);

    m_estimate = new QLabel;
    m_estimate->setObjectName(QStringLiteral("TicketEstimate"));
    layout->addWidget(m_estimate);
    m_validation = new QLabel;
    m_validation->setObjectName(QStringLiteral("TicketValidation"));
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: #ef5350;"));
    m_validation->setMinimumHeight(m_validation->fontMetrics().lineSpacing() * 2 + 4);
    m_validation->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addWidget(m_validation);
    m_result = new QLabel;
    m_result->setObjectName(QStringLiteral("TicketResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setMinimumWidth(360);
    m_result->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // Room for a three-line report (fill, fee, position) without the dialog jumping.
    m_result->setMinimumHeight(m_result->fontMetrics().lineSpacing() * 3 + 4);
    layout->addWidget(m_result);

    auto* buttons = new QDialogButtonBox;
    m_send = buttons->addButton(tr("Send"), QDialogButtonBox::AcceptRole);
    m_send->setObjectName(QStringLiteral("TicketSend"));
    m_send->setDefault(true);
    buttons->addButton(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_send, &QPushButton::clicked, this, [this] { submit(); });
    layout->addWidget(buttons);

    for (QLineEdit* e : {m_symbol, m_quantity, m_limit, m_stop, m_sl, m_tp, m_trail, m_ocoStop, m_ocoLimit, m_tpMore[0],
                         m_tpMore[1], m_tpShare[0], m_tpShare[1], m_tpShare[2]})
        connect(e, &QLineEdit::textChanged, this, &OrderTicketDialog::updateForm);
    for (QComboBox* c : {m_side, m_tif, m_trailUnit})
        connect(c, &QComboBox::currentIndexChanged, this, &OrderTicketDialog::updateForm);
    for (QCheckBox* c : {m_slOn, m_tpOn, m_trailOn, m_ocoOn, m_tpMoreOn[0], m_tpMoreOn[1]})
        connect(c, &QCheckBox::toggled, this, &OrderTicketDialog::updateForm);
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        prefill(false);
        updateForm();
    });
    connect(m_symbol, &QLineEdit::editingFinished, this, [this] {
        auto id = InstrumentId::parse(m_symbol->text().trimmed().toStdString());
        if (id && *id != m_instrument)
            setInstrument(*id);
        else
            updateForm();
    });
    // Prices arrive at up to thousands per second: the labels follow at most ten times a second.
    m_priceTimer = new QTimer(this);
    m_priceTimer->setSingleShot(true);
    m_priceTimer->setInterval(100);
    connect(m_priceTimer, &QTimer::timeout, this, &OrderTicketDialog::updatePrices);
    bindAccount();
    setInstrument(instrument);
}

void OrderTicketDialog::bindAccount() {
    disconnect(m_priceConnection);
    m_priceConnection = connect(m_venue, &trading::Account::priceChanged, this, [this](const InstrumentId& id) {
        if (id == m_instrument && !m_priceTimer->isActive()) m_priceTimer->start();
    });
    disconnect(m_infoConnection);
    m_infoConnection = connect(m_venue, &trading::Account::infoChanged, this, &OrderTicketDialog::bindAccount);  // a rename
    const trading::AccountKind kind = m_venue->info().kind;
    setWindowTitle(tr("New order — %1").arg(accountName()));
    m_accountBadge->setText(session::accountKindLabel(kind));
    m_accountBadge->setStyleSheet(accountBadgeStyle(kind));
    m_accountBadge->setToolTip(kind == trading::AccountKind::Live ? tr("Orders on this account trade real money") : QString());
}

QString OrderTicketDialog::accountName() const { return session::accountLabel(m_venue->info()); }

void OrderTicketDialog::setAccount(trading::Account& account) {
    if (&account == m_venue) return;
    m_venue = &account;
    bindAccount();
    const int at = m_accountBox->findData(QVariant::fromValue<qlonglong>(account.info().id));
    if (at >= 0) m_accountBox->setCurrentIndex(at);
    setInstrument(m_instrument);
}

void OrderTicketDialog::setAccountChoices(const std::vector<std::pair<qint64, QString>>& choices, qint64 current) {
    m_accountBox->clear();
    for (const auto& [id, label] : choices) m_accountBox->addItem(label, QVariant::fromValue<qlonglong>(id));
    m_accountBox->setCurrentIndex(m_accountBox->findData(QVariant::fromValue<qlonglong>(current)));
    m_accountBox->setVisible(choices.size() > 1);
}

OrderTicketDialog::~OrderTicketDialog() = default;

void OrderTicketDialog::setInstrument(const InstrumentId& id) {
    m_instrument = id;
    m_symbol->setText(qs(id.toString()));
    m_quantity->clear();
    m_limit->clear();
    m_stop->clear();
    m_sl->clear();
    m_tp->clear();
    for (QLineEdit* e : {m_trail, m_ocoStop, m_ocoLimit, m_tpMore[0], m_tpMore[1], m_tpShare[1], m_tpShare[2]}) e->clear();
    m_sizeNote->clear();
    m_result->clear();
    if (const Instrument* inst = m_venue->instrument(id)) {
        const std::string quote = inst->quoteAsset.empty() ? std::string() : " " + inst->quoteAsset;
        m_rules->setText(tr("Tick %1 · lot %2 · minimum value %3")
                             .arg(qs(inst->tickSize.toTrimmedString()), qs(inst->lotSize.toTrimmedString()),
                                  qs(inst->minNotional.toTrimmedString() + quote)));
    } else {
        m_rules->setText(tr("No trading rules known for %1 yet.").arg(qs(id.toString())));
    }
    updatePrices();
    prefill(true);
    updateForm();
}

void OrderTicketDialog::prefill(Side side, const std::optional<Price>& entry, const std::optional<Price>& stopLoss,
                                const std::vector<trading::TakeProfitLevel>& takeProfits) {
    m_side->setCurrentIndex(m_side->findData(static_cast<int>(side)));
    // The type first: changing it fills an empty limit with the market price, overwritten below.
    m_type->setCurrentIndex(m_type->findData(static_cast<int>(entry ? OrderType::Limit : OrderType::Market)));
    if (entry) m_limit->setText(qs(entry->toString()));
    m_slOn->setChecked(stopLoss.has_value());
    m_sl->setText(stopLoss ? qs(stopLoss->toString()) : QString());
    const std::size_t n = std::min<std::size_t>(takeProfits.size(), 3);
    m_tpOn->setChecked(n >= 1);
    m_tp->setText(n >= 1 ? qs(takeProfits[0].price.toString()) : QString());
    m_tpShare[0]->setText(n >= 2 ? QString::number(takeProfits[0].percent) : QStringLiteral("100"));
    for (std::size_t i = 0; i < 2; ++i) {
        const bool on = n >= i + 2;
        m_tpMoreOn[i]->setChecked(on);
        m_tpMore[i]->setText(on ? qs(takeProfits[i + 1].price.toString()) : QString());
        m_tpShare[i + 1]->setText(on ? QString::number(takeProfits[i + 1].percent) : QString());
    }
    updateForm();
}

std::optional<Price> OrderTicketDialog::referencePrice(Side side) const {
    if (auto q = m_venue->lastQuote(m_instrument)) {
        const Price& p = side == Side::Buy ? q->ask : q->bid;
        if (!p.isZero()) return p;
    }
    return m_venue->lastPrice(m_instrument);
}

void OrderTicketDialog::updatePrices() {
    const auto q = m_venue->lastQuote(m_instrument);
    const auto t = m_venue->lastTrade(m_instrument);
    auto show = [](const std::optional<Price>& p) { return p && !p->isZero() ? qs(p->toString()) : QStringLiteral("—"); };
    m_quote->setText(tr("Bid %1 · Ask %2 · Last %3")
                         .arg(show(q ? std::optional<Price>(q->bid) : std::nullopt),
                              show(q ? std::optional<Price>(q->ask) : std::nullopt),
                              show(t ? std::optional<Price>(t->price) : std::nullopt)));
    if (m_quantity->text().trimmed().isEmpty()) prefill(false);  // the first price: fill what is still empty
    updateForm();
}

void OrderTicketDialog::prefill(bool force) {
    const Instrument* inst = m_venue->instrument(m_instrument);
    const Side side = static_cast<Side>(m_side->currentData().toInt());
    const auto ref = referencePrice(side);
    if (!inst || !ref) return;
    auto priceText = [&]() {
        auto p = trading::roundToTick(*ref, *inst, RoundingMode::HalfEven);
        return qs(p ? p->toString() : ref->toString());
    };
    const auto type = static_cast<OrderType>(m_type->currentData().toInt());
    const bool wantsLimit = type == OrderType::Limit || type == OrderType::StopLimit;
    const bool wantsStop = type == OrderType::Stop || type == OrderType::StopLimit;
    if (wantsLimit && (force || m_limit->text().trimmed().isEmpty())) m_limit->setText(priceText());
    if (wantsStop && (force || m_stop->text().trimmed().isEmpty())) m_stop->setText(priceText());
    if (force || m_quantity->text().trimmed().isEmpty()) {
        // The smallest quantity the venue accepts: one lot, or enough lots to reach the minimum value.
        Quantity q = inst->lotSize.isZero() ? Quantity::fromRaw(1, 0) : inst->lotSize;
        if (!inst->minNotional.isZero() && !inst->lotSize.isZero()) {
            auto lotValue = notional(*ref, inst->lotSize, 18 - 6, RoundingMode::Ceiling);
            if (lotValue && !lotValue->isZero()) {
                // lots = ceil(minNotional / lotValue)
                const int s = std::max(lotValue->scale(), inst->minNotional.scale());
                auto a = inst->minNotional.rescaled(s, RoundingMode::Exact);
                auto b = lotValue->rescaled(s, RoundingMode::Exact);
                if (a && b) {
                    auto lots = detail::divRound(a->raw(), b->raw(), RoundingMode::Ceiling);
                    if (lots && *lots > 0)
                        if (auto m = inst->lotSize.mulInt(*lots)) q = *m;
                }
            }
        }
        const QSignalBlocker block(m_quantity);
        m_quantity->setText(qs(q.toString()));
    }
}

Result<trading::OrderRequest> OrderTicketDialog::request() const {
    trading::OrderRequest r;
    auto typed = InstrumentId::parse(m_symbol->text().trimmed().toStdString());
    if (!typed) return makeError(tr("Symbol: %1").arg(qs(typed.message())).toStdString());
    if (*typed != m_instrument) return makeError(tr("Symbol: press Enter to trade %1").arg(qs(typed->toString())).toStdString());
    r.instrument = m_instrument;
    r.side = static_cast<Side>(m_side->currentData().toInt());
    r.type = static_cast<OrderType>(m_type->currentData().toInt());
    r.timeInForce = static_cast<trading::TimeInForce>(m_tif->currentData().toInt());
    auto q = field<Quantity>(m_quantity, tr("Quantity"));
    if (!q) return q.error();
    if (!*q) return makeError(tr("Quantity: enter how much to trade").toStdString());
    r.quantity = **q;
    const bool wantsLimit = r.type == OrderType::Limit || r.type == OrderType::StopLimit;
    const bool wantsStop = r.type == OrderType::Stop || r.type == OrderType::StopLimit;
    if (wantsLimit) {
        auto p = field<Price>(m_limit, tr("Limit price"));
        if (!p) return p.error();
        r.limitPrice = *p;
    }
    if (wantsStop) {
        auto p = field<Price>(m_stop, tr("Stop price"));
        if (!p) return p.error();
        r.stopPrice = *p;
    }
    if (m_trailOn->isChecked() && wantsStop) {
        const QString t = m_trail->text().trimmed();
        if (t.isEmpty()) return makeError(tr("Trailing: enter a distance or untick it").toStdString());
        trading::Trailing trail;
        if (m_trailUnit->currentIndex() == 0) {
            // Percent to bips (Binance's trailingDelta): 1 % = 100 bips, so at most two decimals.
            auto pct = trading::Percent::parse(t.toStdString());
            if (!pct) return makeError(tr("Trailing: %1").arg(qs(pct.message())).toStdString());
            auto bips = pct->rescaled(2, RoundingMode::Exact);
            if (!bips) return makeError(tr("Trailing: %1 % is finer than one bip (0.01 %)").arg(t).toStdString());
            trail.kind = trading::TrailingKind::Bips;
            trail.bips = static_cast<int>(std::clamp<std::int64_t>(bips->raw(), -1, 1000000));
        } else {
            auto a = Price::parse(t.toStdString());
            if (!a) return makeError(tr("Trailing: %1").arg(qs(a.message())).toStdString());
            trail.kind = trading::TrailingKind::Amount;
            trail.amount = *a;
        }
        r.trailing = trail;
    }
    if (m_ocoOn->isChecked() && r.type == OrderType::Limit) {
        auto stop = field<Price>(m_ocoStop, tr("OCO stop"));
        if (!stop) return stop.error();
        if (!*stop) return makeError(tr("OCO stop: enter a stop price or untick OCO").toStdString());
        auto limit = field<Price>(m_ocoLimit, tr("OCO limit"));
        if (!limit) return limit.error();
        r.ocoStop = trading::OcoStopLeg{**stop, *limit};
    }
    if (m_slOn->isChecked()) {
        auto p = field<Price>(m_sl, tr("Stop-loss"));
        if (!p) return p.error();
        if (!*p) return makeError(tr("Stop-loss: enter a price or untick it").toStdString());
        r.bracket.stopLoss = *p;
    }
    if (m_tpOn->isChecked()) {
        auto p = field<Price>(m_tp, tr("Take-profit"));
        if (!p) return p.error();
        if (!*p) return makeError(tr("Take-profit: enter a price or untick it").toStdString());
        r.bracket.takeProfit = *p;
    }
    if (m_tpMoreOn[0]->isChecked() || m_tpMoreOn[1]->isChecked()) {
        // A ladder: every ticked take-profit with its share of the position.
        if (!r.bracket.takeProfit) return makeError(tr("Take-profit: tick the first take-profit before 2 and 3").toStdString());
        auto share = [&](const QLineEdit* e, const QString& name) -> Result<int> {
            bool ok = false;
            const int v = e->text().trimmed().toInt(&ok);
            if (!ok) return makeError(tr("%1 share: enter a whole percent").arg(name).toStdString());
            return v;
        };
        auto first = share(m_tpShare[0], tr("Take-profit"));
        if (!first) return first.error();
        r.bracket.takeProfits.push_back({*r.bracket.takeProfit, *first});
        r.bracket.takeProfit.reset();
        for (int i = 0; i < 2; ++i) {
            if (!m_tpMoreOn[i]->isChecked()) continue;
            const QString name = tr("Take-profit %1").arg(i + 2);
            auto p = field<Price>(m_tpMore[i], name);
            if (!p) return p.error();
            if (!*p) return makeError(tr("%1: enter a price or untick it").arg(name).toStdString());
            auto s = share(m_tpShare[i + 1], name);
            if (!s) return s.error();
            r.bracket.takeProfits.push_back({**p, *s});
        }
    }
    return r;
}

void OrderTicketDialog::updateForm() {
    const auto type = static_cast<OrderType>(m_type->currentData().toInt());
    const bool wantsLimit = type == OrderType::Limit || type == OrderType::StopLimit;
    const bool wantsStop = type == OrderType::Stop || type == OrderType::StopLimit;
    m_limit->setEnabled(wantsLimit);
    m_stop->setEnabled(wantsStop);
    m_trailOn->setEnabled(wantsStop);
    m_ocoOn->setEnabled(type == OrderType::Limit);
    m_stop->setPlaceholderText(wantsStop && m_trailOn->isChecked() ? tr("activation price (optional)") : QString());
    const Side side = static_cast<Side>(m_side->currentData().toInt());
    m_send->setText(side == Side::Buy ? tr("Buy") : tr("Sell"));

    auto r = request();
    const Instrument* inst = m_venue->instrument(m_instrument);
    QString problem;
    if (!r) {
        problem = qs(r.message());
    } else if (!inst) {
        problem =
            tr("No trading rules for %1: it needs a price first (add it to the watchlist).").arg(qs(m_instrument.toString()));
    } else if (auto st = trading::validateOrder(*r, *inst, referencePrice(side)); !st) {
        problem = qs(st.message());
    } else if (!m_venue->lastPrice(m_instrument)) {
        problem = tr("No price for %1 yet.").arg(qs(m_instrument.toString()));
    }
    m_validation->setText(problem);
    m_send->setEnabled(problem.isEmpty());

    // Estimated value and fee (limit orders are assumed to rest, so maker; the rest taker).
    QString estimate;
    if (r && inst) {
        std::optional<Price> px = r->limitPrice ? r->limitPrice : (r->stopPrice ? r->stopPrice : referencePrice(side));
        if (px) {
            const auto& rules = m_venue->venue().rules();
            const auto liq = type == OrderType::Limit ? trading::Liquidity::Maker : trading::Liquidity::Taker;
            auto value = rules.notional(*px, r->quantity);
            auto fee = rules.fee(*px, r->quantity, liq);
            const QString quote = inst->quoteAsset.empty() ? QString() : QLatin1Char(' ') + qs(inst->quoteAsset);
            if (value && fee)
                estimate = tr("Estimated value %1%2 · fee %3%2 (%4)")
                               .arg(qs(value->toTrimmedString()), quote, qs(fee->toTrimmedString()),
                                    liq == trading::Liquidity::Maker ? tr("maker") : tr("taker"));
        }
    }
    m_estimate->setText(estimate);
}

QString OrderTicketDialog::confirmationText() const {
    auto r = request();
    if (!r) return {};
    const QString side = r->side == Side::Buy ? tr("Buy") : tr("Sell");
    const QString what = qs(r->quantity.toString()) + QLatin1Char(' ') + qs(m_instrument.symbol);
    QString how;
    switch (r->type) {
    case OrderType::Market:
        how = tr("at market");
        break;
    case OrderType::Limit:
        how = tr("limit at %1").arg(qs(r->limitPrice->toString()));
        break;
    case OrderType::Stop:
    case OrderType::StopLimit: {
        const QString then = r->type == OrderType::Stop ? tr("at market") : tr("limit at %1").arg(qs(r->limitPrice->toString()));
        if (r->trailing) {
            const QString distance = r->trailing->kind == trading::TrailingKind::Bips
                ? tr("%1 % (%2 bips)")
                      .arg(qs(trading::Percent::fromRaw(r->trailing->bips, 2).toTrimmedString()))
                      .arg(r->trailing->bips)
                : qs(r->trailing->amount.toTrimmedString());
            how = tr("trailing stop %1 behind the best price").arg(distance);
            if (r->stopPrice) how += tr(" from %1 on").arg(qs(r->stopPrice->toString()));
            how += tr(", then %1").arg(then);
        } else {
            how = tr("stop at %1, then %2").arg(qs(r->stopPrice->toString()), then);
        }
        break;
    }
    }
    QString text = tr("%1 %2 %3 on %4").arg(side, what, how, accountName());
    // The kind first, in words no one misreads: real money, or the exchange's test environment.
    if (m_venue->info().kind == trading::AccountKind::Live)
        text = tr("LIVE ORDER — REAL MONEY: %1").arg(text);
    else if (m_venue->info().kind == trading::AccountKind::Testnet)
        text = tr("TESTNET order: %1").arg(text);
    if (r->bracket.stopLoss) text += tr(", stop-loss %1").arg(qs(r->bracket.stopLoss->toString()));
    if (r->bracket.takeProfit) text += tr(", take-profit %1").arg(qs(r->bracket.takeProfit->toString()));
    if (!r->bracket.takeProfits.empty()) {
        QStringList parts;
        for (const auto& tp : r->bracket.takeProfits) parts << tr("%1 % at %2").arg(tp.percent).arg(qs(tp.price.toString()));
        text += tr(", take-profits %1").arg(parts.join(QStringLiteral(", ")));
    }
    if (r->ocoStop) {
        text += tr(", one-cancels-the-other with a stop at %1").arg(qs(r->ocoStop->stopPrice.toString()));
        if (r->ocoStop->limitPrice) text += tr(" (limit %1)").arg(qs(r->ocoStop->limitPrice->toString()));
    }
    if (r->timeInForce == trading::TimeInForce::Ioc) text += tr(" (IOC: whatever does not fill at once is cancelled)");
    if (r->timeInForce == trading::TimeInForce::Fok) text += tr(" (FOK: all of it fills at once or nothing does)");
    if (r->timeInForce == trading::TimeInForce::PostOnly) text += tr(" (post-only: rejected if it would fill at once)");
    return text;
}

trading::OrderEvents OrderTicketDialog::submit() {
    updateForm();
    if (!m_send->isEnabled()) {
        m_result->setText(tr("Not sent: %1").arg(m_validation->text()));
        return {};
    }
    auto r = request();
    if (!r) return {};
    if (m_confirm && !m_confirm(confirmationText())) {
        m_result->setText(tr("Not sent."));
        return {};
    }
    trading::OrderEvents events = m_venue->submit(*r);
    const QString summary = describe(events);
    m_result->setText(summary);
    Q_EMIT orderSent(summary);
    return events;
}

QString OrderTicketDialog::describe(const trading::OrderEvents& events) const {
    if (events.empty()) {
        // A network venue answers later: the order was sent; its fills arrive as events.
        if (m_venue->info().kind == trading::AccountKind::Live || m_venue->info().kind == trading::AccountKind::Testnet)
            return tr("Sent to %1; the exchange's answer and fills show in the Trading dock.").arg(accountName());
        return tr("Nothing happened.");
    }
    const trading::Order& first = events.front().order;
    if (events.front().kind == trading::OrderEventKind::Rejected) return tr("Rejected: %1").arg(qs(first.rejectReason));
    // The entry order's final state in this batch, and its fills.
    trading::Order entry = first;
    Quantity filled;
    Money fees = Money::fromRaw(0, 0);
    bool any = false;
    for (const auto& e : events) {
        if (e.order.id == first.id) entry = e.order;
        if (e.fill && e.fill->orderId == first.id) {
            filled = any ? filled.add(e.fill->quantity).valueOr(filled) : e.fill->quantity;
            fees = fees.add(e.fill->fee).valueOr(fees);
            any = true;
        }
    }
    const Instrument* inst = m_venue->instrument(m_instrument);
    const QString quote = inst && !inst->quoteAsset.empty() ? QLatin1Char(' ') + qs(inst->quoteAsset) : QString();
    QString text;
    const QString symbol = qs(m_instrument.symbol);
    if (any) {
        const int scale = inst ? std::max(inst->tickSize.scale(), 2) : 2;
        text = tr("%1 %2 %3 at %4 on %5, fee %6%7.")
                   .arg(entry.request.side == Side::Buy ? tr("Bought") : tr("Sold"), qs(filled.toString()), symbol,
                        qs(entry.averageFillPrice(scale).toString()), accountName(), qs(fees.toTrimmedString()), quote);
        if (entry.isOpen())
            text += tr(" The rest (%1) waits.").arg(qs(entry.remaining().toString()));
        else if (entry.status == trading::OrderStatus::Cancelled)
            text += tr(" The rest was cancelled: %1.").arg(qs(entry.rejectReason));
    } else if (entry.status == trading::OrderStatus::Cancelled) {
        text = tr("Not filled: %1.").arg(qs(entry.rejectReason));
    } else {
        text = tr("Order %1 placed on %2: %3 %4 %5 %6; it fills when the price gets there.")
                   .arg(qs(entry.request.clientOrderId), accountName(), entry.request.side == Side::Buy ? tr("buy") : tr("sell"),
                        qs(entry.request.quantity.toString()), symbol, typeWords(entry.request.type));
    }
    if (const trading::Position* p = m_venue->portfolio().position(m_instrument)) {
        if (p->isFlat()) {
            text += tr(" No open position in %1.").arg(symbol);
        } else {
            const int scale = inst ? std::max(inst->tickSize.scale(), 2) : 2;
            text += tr(" Position: %1 %2 at %3.")
                        .arg(p->isLong() ? tr("long") : tr("short"),
                             qs((p->isLong() ? p->quantity : p->quantity.negated()).toString()),
                             qs(p->averageEntry(scale).toString()));
        }
    }
    return text;
}

Status OrderTicketDialog::applySizing() {
    auto fail = [this](const QString& why) -> Status {
        m_sizeNote->setText(why);
        return makeError(why.toStdString());
    };
    const Instrument* inst = m_venue->instrument(m_instrument);
    if (!inst) return fail(tr("No trading rules for %1 yet.").arg(qs(m_instrument.toString())));
    const Side side = static_cast<Side>(m_side->currentData().toInt());
    // The price the order is sized at: its limit, else its stop, else the market.
    std::optional<Price> price;
    if (m_limit->isEnabled()) price = Price::parse(m_limit->text().trimmed().toStdString()).valueOr(Price{});
    if ((!price || price->isZero()) && m_stop->isEnabled())
        price = Price::parse(m_stop->text().trimmed().toStdString()).valueOr(Price{});
    if (!price || price->isZero()) price = referencePrice(side);
    if (!price) return fail(tr("No price for %1 yet.").arg(qs(m_instrument.toString())));
    const QString text = m_sizeValue->text().trimmed();
    const int scale = m_venue->venue().rules().moneyScale;
    Result<trading::Sizing> s = makeError("");
    if (m_sizeMode->currentIndex() == 0) {
        auto amount = Money::parse(text.toStdString());
        if (!amount) return fail(tr("Size: enter an amount of %1").arg(qs(inst->quoteAsset)));
        s = trading::sizeByNotional(*amount, *price, *inst, scale);
    } else {
        auto pct = trading::Percent::parse(text.toStdString());
        if (!pct) return fail(tr("Size: enter a percentage"));
        const Money equity = m_venue->portfolio().equity();
        if (m_sizeMode->currentIndex() == 1) {
            s = trading::sizeByEquityPercent(equity, *pct, *price, *inst, scale);
        } else {
            auto sl = m_slOn->isChecked() ? Price::parse(m_sl->text().trimmed().toStdString()) : Result<Price>(makeError(""));
            if (!sl) return fail(tr("Risk sizing needs the stop-loss price: tick Stop-loss and enter it"));
            s = trading::sizeByRisk(equity, *pct, *price, *sl, *inst, scale);
        }
    }
    if (!s) return fail(tr("Cannot size: %1").arg(qs(s.message())));
    m_quantity->setText(qs(s->quantity.toString()));
    const QString quote = inst->quoteAsset.empty() ? QString() : QLatin1Char(' ') + qs(inst->quoteAsset);
    QString note =
        tr("%1 at %2 = %3%4").arg(qs(s->quantity.toString()), qs(price->toString()), qs(s->notional.toTrimmedString()), quote);
    if (!s->risk.isZero()) note += tr(", risking %1%2 to the stop-loss").arg(qs(s->risk.toTrimmedString()), quote);
    m_sizeNote->setText(note);
    return {};
}

QString OrderTicketDialog::sizingText() const { return m_sizeNote->text(); }

QString OrderTicketDialog::resultText() const { return m_result->text(); }
QString OrderTicketDialog::validationText() const { return m_validation->text(); }

}  // namespace kairos::ui
