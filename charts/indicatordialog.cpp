#include "indicatordialog.h"

#include <QColorDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kairos::charts {

namespace {
void paintSwatch(QPushButton* b, const QColor& c) {
    b->setText(c.name());
    b->setStyleSheet(QStringLiteral("QPushButton { background: %1; color: %2; }")
                         .arg(c.name(), c.lightnessF() > 0.55 ? QStringLiteral("black") : QStringLiteral("white")));
}
}  // namespace

IndicatorDialog::IndicatorDialog(const IndicatorConfig& config, QWidget* parent)
    : QDialog(parent), m_config(config.normalised()) {
    setObjectName(QStringLiteral("IndicatorDialog"));
    const IndicatorInfo* info = m_config.info();
    setWindowTitle(info != nullptr ? tr("%1 settings").arg(info->title) : tr("Indicator settings"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    if (info != nullptr) {
        for (const IndicatorParam& p : info->params) {
            auto* spin = new QDoubleSpinBox;
            spin->setDecimals(p.integer ? 0 : 3);
            spin->setRange(p.min, p.max);
            spin->setSingleStep(p.integer ? 1 : 0.1);
            form->addRow(p.label, spin);
            m_params.push_back(spin);
        }
        for (std::size_t k = 0; k < info->outputs.size(); ++k) {
            auto* button = new QPushButton;
            const int index = static_cast<int>(k);
            connect(button, &QPushButton::clicked, this, [this, index] {
                const QColor c = QColorDialog::getColor(m_colourValues[static_cast<std::size_t>(index)], this, tr("Colour"),
                                                        QColorDialog::ShowAlphaChannel);
                if (c.isValid()) setColour(index, c);
            });
            form->addRow(tr("%1 colour").arg(info->outputs[k].label), button);
            m_colours.push_back(button);
        }
    }
    m_width = new QSpinBox;
    m_width->setRange(1, 4);
    form->addRow(tr("Line width"), m_width);
    load(m_config);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults);
    QPushButton* remove = buttons->addButton(tr("Remove"), QDialogButtonBox::DestructiveRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { load(IndicatorConfig::defaults(m_config.name)); });
    connect(remove, &QPushButton::clicked, this, [this] {
        m_remove = true;
        accept();
    });
    layout->addWidget(buttons);
}

void IndicatorDialog::load(const IndicatorConfig& c) {
    for (std::size_t k = 0; k < m_params.size() && k < c.params.size(); ++k) m_params[k]->setValue(c.params[k]);
    m_colourValues = c.colours;
    for (std::size_t k = 0; k < m_colours.size() && k < m_colourValues.size(); ++k) paintSwatch(m_colours[k], m_colourValues[k]);
    m_width->setValue(c.lineWidth);
}

void IndicatorDialog::setColour(int output, const QColor& colour) {
    const auto k = static_cast<std::size_t>(output);
    if (k >= m_colourValues.size()) return;
    m_colourValues[k] = colour;
    paintSwatch(m_colours[k], colour);
}

IndicatorConfig IndicatorDialog::config() const {
    IndicatorConfig c = m_config;
    for (std::size_t k = 0; k < m_params.size() && k < c.params.size(); ++k) c.params[k] = m_params[k]->value();
    c.colours = m_colourValues;
    c.lineWidth = m_width->value();
    return c.normalised();
}

}  // namespace kairos::charts
