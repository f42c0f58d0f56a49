#include "risklimitsdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace kairos::ui {

namespace {

QString text(const std::optional<int>& v) { return v ? QString::number(*v) : QString(); }
template <class T>
QString text(const std::optional<T>& v) {
    return v ? QString::fromStdString(v->toTrimmedString()) : QString();
}

QLineEdit* field(const QString& name, const QString& value, const QString& placeholder) {
    auto* e = new QLineEdit(value);
    e->setObjectName(name);
    e->setPlaceholderText(placeholder);
    return e;
}

Result<std::optional<int>> readInt(const QLineEdit* e, const QString& label) {
    const QString t = e->text().trimmed();
    if (t.isEmpty()) return std::optional<int>{};
    bool ok = false;
    const int v = t.toInt(&ok);
    if (!ok || v < 0) return makeError(QObject::tr("%1: \"%2\" is not a whole number ≥ 0").arg(label, t).toStdString());
    return std::optional<int>{v};
}

template <class T>
Result<std::optional<T>> readDecimal(const QLineEdit* e, const QString& label) {
    const QString t = e->text().trimmed();
    if (t.isEmpty()) return std::optional<T>{};
    auto v = T::parse(t.toStdString());
    if (!v || v->isNegative())
        return makeError(QObject::tr("%1: \"%2\" is not a decimal number ≥ 0").arg(label, t).toStdString());
    return std::optional<T>{*v};
}

}  // namespace

RiskLimitsDialog::RiskLimitsDialog(const session::AccountSettings& s, const QString& title, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("RiskLimitsDialog"));
    setWindowTitle(tr("Risk limits — %1").arg(title));
    const trading::RiskLimits& l = s.limits;
    QStringList symbols;
    for (const auto& sym : l.allowedSymbols) symbols << QString::fromStdString(sym);
    const QString off = tr("off");
    m_allowed = field(QStringLiteral("RiskAllowed"), symbols.join(QStringLiteral(", ")), tr("every instrument"));
    m_perMinute = field(QStringLiteral("RiskOrdersPerMinute"), text(l.maxOrdersPerMinute), off);
    m_orderValue = field(QStringLiteral("RiskOrderValue"), text(l.maxOrderValue), off);
    m_positionQty = field(QStringLiteral("RiskPositionQuantity"), text(l.maxPositionQuantity), off);
    m_positionPct = field(QStringLiteral("RiskPositionPercent"), text(l.maxPositionPercent), off);
    m_openPositions = field(QStringLiteral("RiskOpenPositions"), text(l.maxOpenPositions), off);
    m_dailyLoss = field(QStringLiteral("RiskDailyLoss"), text(l.maxDailyLoss), off);
    m_confirm = new QCheckBox(tr("Confirm every order before it is sent"));
    m_confirm->setObjectName(QStringLiteral("RiskConfirmOrders"));
    m_confirm->setChecked(s.confirmOrders);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("RiskError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d32f2f;"));

    auto* form = new QFormLayout;
    form->addRow(tr("Allowed instruments (comma-separated symbols)"), m_allowed);
    form->addRow(tr("Max orders per minute"), m_perMinute);
    form->addRow(tr("Max order value (quote asset)"), m_orderValue);
    form->addRow(tr("Max position per instrument (quantity)"), m_positionQty);
    form->addRow(tr("Max position per instrument (% of equity)"), m_positionPct);
    form->addRow(tr("Max open positions"), m_openPositions);
    form->addRow(tr("Max daily loss (account currency)"), m_dailyLoss);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &RiskLimitsDialog::tryAccept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    auto* note =
        new QLabel(tr("Every order of this account is checked against these rules before it is sent; an empty "
                      "field turns its rule off. Orders that only reduce a position always pass the position "
                      "and loss rules."));
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addWidget(m_confirm);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

QString RiskLimitsDialog::errorText() const { return m_error->text(); }

Result<session::AccountSettings> RiskLimitsDialog::settings() const {
    session::AccountSettings s;
    s.confirmOrders = m_confirm->isChecked();
    for (const QString& sym : m_allowed->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!sym.trimmed().isEmpty()) s.limits.allowedSymbols.push_back(sym.trimmed().toUpper().toStdString());
    auto perMinute = readInt(m_perMinute, tr("Max orders per minute"));
    if (!perMinute) return perMinute.error();
    s.limits.maxOrdersPerMinute = *perMinute;
    auto value = readDecimal<Money>(m_orderValue, tr("Max order value"));
    if (!value) return value.error();
    s.limits.maxOrderValue = *value;
    auto qty = readDecimal<Quantity>(m_positionQty, tr("Max position (quantity)"));
    if (!qty) return qty.error();
    s.limits.maxPositionQuantity = *qty;
    auto pct = readInt(m_positionPct, tr("Max position (% of equity)"));
    if (!pct) return pct.error();
    s.limits.maxPositionPercent = *pct;
    auto open = readInt(m_openPositions, tr("Max open positions"));
    if (!open) return open.error();
    s.limits.maxOpenPositions = *open;
    auto loss = readDecimal<Money>(m_dailyLoss, tr("Max daily loss"));
    if (!loss) return loss.error();
    s.limits.maxDailyLoss = *loss;
    return s;
}

void RiskLimitsDialog::tryAccept() {
    auto s = settings();
    if (!s) {
        m_error->setText(QString::fromStdString(s.message()));
        return;
    }
    m_error->clear();
    accept();
}

}  // namespace kairos::ui
