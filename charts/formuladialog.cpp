#include "formuladialog.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>

namespace kairos::charts {

FormulaDialog::FormulaDialog(const IndicatorConfig& config, QWidget* parent)
    : QDialog(parent),
      m_config(isFormulaIndicator(config.name) ? config : IndicatorConfig::fromFormula(QString())),
      m_edit(new QLineEdit(this)),
      m_overlay(new QCheckBox(tr("Draw on the price pane"), this)),
      m_error(new QLabel(this)),
      m_colour(new QPushButton(this)) {
    setObjectName(QStringLiteral("FormulaDialog"));
    setWindowTitle(tr("Custom formula"));
    resize(560, 220);
    auto* form = new QFormLayout(this);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_edit->setObjectName(QStringLiteral("formula"));
    m_edit->setFont(mono);
    m_edit->setPlaceholderText(QStringLiteral("ema(close, 9) - ema(close, 21)"));
    m_edit->setText(m_config.formula);
    m_edit->setToolTip(
        tr("Fields: open high low close volume hl2 hlc3 ohlc4\n"
           "Series functions (x, n): sma ema wma dema tema hma rsi roc mom stddev linreg stochrsi\n"
           "Bar functions: atr(n) adx(n) cci(n) willr(n) mfi(n) tr() obv() vwap()\n"
           "Math: + - * / abs(x) min(a, b) max(a, b)"));
    m_error->setObjectName(QStringLiteral("formulaError"));
    m_error->setFont(mono);
    m_error->setTextFormat(Qt::PlainText);
    m_overlay->setChecked(m_config.name == formulaOverlayName());
    m_colourValue = m_config.colours.empty() ? QColor(0x29, 0x62, 0xff) : m_config.colours[0];
    auto showColour = [this] {
        m_colour->setText(m_colourValue.name());
        m_colour->setStyleSheet(QStringLiteral("background-color: %1").arg(m_colourValue.name()));
    };
    showColour();
    connect(m_colour, &QPushButton::clicked, this, [this, showColour] {
        const QColor c = QColorDialog::getColor(m_colourValue, this, tr("Line colour"));
        if (c.isValid()) {
            m_colourValue = c;
            showColour();
        }
    });
    form->addRow(tr("Formula"), m_edit);
    form->addRow(QString(), m_error);
    form->addRow(tr("Colour"), m_colour);
    form->addRow(QString(), m_overlay);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    connect(m_edit, &QLineEdit::textChanged, this, [this] { check(); });
    check();
    m_edit->setFocus();
}

QString FormulaDialog::error() const {
    return m_edit->text().trimmed().isEmpty() ? tr("type a formula") : formulaError(m_edit->text());
}

void FormulaDialog::check() {
    const QString text = m_edit->text();
    const QString err = formulaError(text);
    const bool empty = text.trimmed().isEmpty();
    m_ok->setEnabled(!empty && err.isEmpty());
    if (empty || err.isEmpty()) {
        m_error->setText(empty ? tr("e.g. ema(close, 9) - ema(close, 21)  ·  (close - sma(close, 20)) / stddev(close, 20)")
                               : tr("OK"));
        m_error->setStyleSheet(QString());
        return;
    }
    // "column N: ..." -> a caret under column N of the formula (1-based).
    QString shown = err;
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("^column (\\d+)")).match(err);
    if (m.hasMatch()) {
        const int col = m.captured(1).toInt();
        shown = text + QLatin1Char('\n') + QString(std::max(0, col - 1), QLatin1Char(' ')) + QLatin1Char('^') +
            QLatin1Char('\n') + err;
        m_edit->setCursorPosition(std::clamp(col - 1, 0, static_cast<int>(text.size())));
    }
    m_error->setText(shown);
    m_error->setStyleSheet(QStringLiteral("color: #ef5350"));
}

IndicatorConfig FormulaDialog::config() const {
    IndicatorConfig c = IndicatorConfig::fromFormula(m_edit->text(), m_overlay->isChecked());
    if (!c.colours.empty()) c.colours[0] = m_colourValue;
    c.lineWidth = m_config.lineWidth;
    return c;
}

}  // namespace kairos::charts
