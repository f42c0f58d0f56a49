#include "backtestparamform.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <cmath>
#include <string>
#include <utility>

namespace kairos::ui {

namespace {
const QString kGroup = QStringLiteral("backtest/formulas");

/// A parameter that is only 0 or 1 ("short") is a switch.
bool isSwitch(const backtest::ParamSpec& p) { return p.integer && p.min == 0 && p.max == 1; }

QString number(double v) { return QString::number(v, 'g', 12); }
}  // namespace

std::vector<SavedFormula> loadSavedFormulas(QSettings& settings) {
    std::vector<SavedFormula> out;
    settings.beginGroup(kGroup);
    // QSettings keys cannot hold every character a name may have: names are stored in a list.
    const int n = settings.beginReadArray(QStringLiteral("list"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        SavedFormula f;
        f.name = settings.value(QStringLiteral("name")).toString();
        f.settings.entry = settings.value(QStringLiteral("entry")).toString().toStdString();
        f.settings.exit = settings.value(QStringLiteral("exit")).toString().toStdString();
        f.settings.stop = settings.value(QStringLiteral("stop")).toString().toStdString();
        f.settings.target = settings.value(QStringLiteral("target")).toString().toStdString();
        f.settings.shortEntries = settings.value(QStringLiteral("short"), false).toBool();
        if (!f.name.isEmpty() && !f.settings.entry.empty()) out.push_back(std::move(f));
    }
    settings.endArray();
    settings.endGroup();
    return out;
}

namespace {
void writeAll(QSettings& settings, const std::vector<SavedFormula>& all) {
    settings.beginGroup(kGroup);
    settings.remove(QString());
    settings.beginWriteArray(QStringLiteral("list"), static_cast<int>(all.size()));
    for (int i = 0; i < static_cast<int>(all.size()); ++i) {
        const SavedFormula& f = all[static_cast<std::size_t>(i)];
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("name"), f.name);
        settings.setValue(QStringLiteral("entry"), QString::fromStdString(f.settings.entry));
        settings.setValue(QStringLiteral("exit"), QString::fromStdString(f.settings.exit));
        settings.setValue(QStringLiteral("stop"), QString::fromStdString(f.settings.stop));
        settings.setValue(QStringLiteral("target"), QString::fromStdString(f.settings.target));
        settings.setValue(QStringLiteral("short"), f.settings.shortEntries);
    }
    settings.endArray();
    settings.endGroup();
    settings.sync();
}
}  // namespace

void saveFormula(QSettings& settings, const SavedFormula& formula) {
    std::vector<SavedFormula> all = loadSavedFormulas(settings);
    bool replaced = false;
    for (SavedFormula& f : all)
        if (f.name == formula.name) {
            f = formula;
            replaced = true;
        }
    if (!replaced) all.push_back(formula);
    writeAll(settings, all);
}

void removeFormula(QSettings& settings, const QString& name) {
    std::vector<SavedFormula> all = loadSavedFormulas(settings);
    std::erase_if(all, [&](const SavedFormula& f) { return f.name == name; });
    writeAll(settings, all);
}

BacktestParamForm::BacktestParamForm(QWidget* parent) : QWidget(parent) {
    m_stack = new QStackedWidget;
    m_paramsPage = new QWidget;
    m_paramsLayout = new QFormLayout(m_paramsPage);
    m_paramsLayout->setContentsMargins(0, 0, 0, 0);
    m_paramsLayout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_stack->addWidget(m_paramsPage);

    auto* formulaPage = new QWidget;
    auto* fl = new QFormLayout(formulaPage);
    fl->setContentsMargins(0, 0, 0, 0);
    fl->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto edit = [](const char* object, const QString& placeholder, const QString& tip) {
        auto* e = new QLineEdit;
        e->setObjectName(QString::fromLatin1(object));
        e->setPlaceholderText(placeholder);
        e->setToolTip(tip);
        return e;
    };
    m_name = edit("BacktestFormulaName", tr("name to save it under"), tr("Saved in this profile's settings"));
    m_entry = edit("BacktestFormulaEntry", QStringLiteral("crossover(ema(close,9), ema(close,21))"),
                   tr("Condition to enter (required): true when defined and not 0"));
    m_exit = edit("BacktestFormulaExit", QStringLiteral("crossunder(ema(close,9), ema(close,21))"),
                  tr("Condition to close (optional)"));
    m_stop = edit("BacktestFormulaStop", QStringLiteral("close - 2*atr(14)"), tr("Stop-loss price at entry (optional)"));
    m_target = edit("BacktestFormulaTarget", QStringLiteral("close + 4*atr(14)"), tr("Take-profit price at entry (optional)"));
    m_short = new QCheckBox(tr("Entries open shorts"));
    m_short->setObjectName(QStringLiteral("BacktestFormulaShort"));
    auto* save = new QPushButton(tr("Save"));
    save->setObjectName(QStringLiteral("BacktestFormulaSave"));
    auto* remove = new QPushButton(tr("Delete"));
    remove->setObjectName(QStringLiteral("BacktestFormulaDelete"));
    connect(save, &QPushButton::clicked, this, &BacktestParamForm::saveFormulaRequested);
    connect(remove, &QPushButton::clicked, this, &BacktestParamForm::deleteFormulaRequested);
    auto* nameRow = new QHBoxLayout;
    nameRow->addWidget(m_name, 1);
    nameRow->addWidget(save);
    nameRow->addWidget(remove);
    fl->addRow(tr("Name"), nameRow);
    fl->addRow(tr("Entry"), m_entry);
    fl->addRow(tr("Exit"), m_exit);
    fl->addRow(tr("Stop"), m_stop);
    fl->addRow(tr("Target"), m_target);
    fl->addRow(QString(), m_short);
    m_stack->addWidget(formulaPage);

    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    root->addWidget(m_stack);
    root->addStretch(1);
}

void BacktestParamForm::clearRows() {
    while (m_paramsLayout->rowCount() > 0) m_paramsLayout->removeRow(0);
    m_rows.clear();
}

void BacktestParamForm::showBuiltin(const backtest::StrategyInfo& info) {
    clearRows();
    m_info = &info;
    auto* header = new QLabel(tr("<small>value · range to optimise (start:stop:step or a,b,c)</small>"));
    m_paramsLayout->addRow(header);
    for (const backtest::ParamSpec& spec : info.params) {
        Row row;
        row.spec = spec;
        const QString name = QString::fromStdString(spec.name);
        const QString tip = QString::fromStdString(spec.help + " — " + backtest::describe(spec));
        auto* line = new QHBoxLayout;
        if (isSwitch(spec)) {
            row.flag = new QCheckBox;
            row.flag->setObjectName(QStringLiteral("BacktestParam_") + name);
            row.flag->setChecked(spec.defaultValue != 0);
            row.flag->setToolTip(tip);
            line->addWidget(row.flag, 1);
        } else {
            row.value = new QDoubleSpinBox;
            row.value->setObjectName(QStringLiteral("BacktestParam_") + name);
            row.value->setDecimals(spec.integer ? 0 : 4);
            row.value->setRange(spec.min, spec.max);
            row.value->setSingleStep(spec.integer ? 1 : 0.1);
            row.value->setValue(spec.defaultValue);
            row.value->setToolTip(tip);
            line->addWidget(row.value, 1);
        }
        row.range = new QLineEdit;
        row.range->setObjectName(QStringLiteral("BacktestRange_") + name);
        row.range->setPlaceholderText(isSwitch(spec)
                                          ? QStringLiteral("0,1")
                                          : QStringLiteral("%1:%2:%3")
                                                .arg(number(spec.defaultValue), number(std::min(spec.max, spec.defaultValue * 2)),
                                                     spec.integer ? QStringLiteral("1") : QStringLiteral("0.5")));
        row.range->setToolTip(
            tr("Values to try when optimising: start:stop:step (inclusive) or a list a,b,c; empty: "
               "keep the value"));
        line->addWidget(row.range, 1);
        auto* label = new QLabel(name);
        label->setToolTip(tip);
        m_paramsLayout->addRow(label, line);
        m_rows.push_back(row);
    }
    if (info.params.empty()) m_paramsLayout->addRow(new QLabel(tr("This strategy has no parameters.")));
    m_stack->setCurrentIndex(0);
}

void BacktestParamForm::showFormula(const SavedFormula& formula) {
    m_info = nullptr;
    m_name->setText(formula.name);
    setFormulaText(QString::fromStdString(formula.settings.entry), QString::fromStdString(formula.settings.exit),
                   QString::fromStdString(formula.settings.stop), QString::fromStdString(formula.settings.target));
    m_short->setChecked(formula.settings.shortEntries);
    m_stack->setCurrentIndex(1);
}

double BacktestParamForm::rowValue(const Row& row) const {
    if (row.flag) return row.flag->isChecked() ? 1 : 0;
    return row.value->value();
}

Result<backtest::ParamValues> BacktestParamForm::values() const {
    if (!m_info) return makeError("a formula strategy has no parameters");
    std::vector<std::pair<std::string, std::string>> given;
    for (const Row& row : m_rows) given.emplace_back(row.spec.name, number(rowValue(row)).toStdString());
    return backtest::resolveParams(*m_info, given);
}

Result<std::vector<backtest::ParamAxis>> BacktestParamForm::axes() const {
    std::vector<backtest::ParamAxis> out;
    if (!m_info) return out;
    for (const Row& row : m_rows) {
        const QString text = row.range->text().trimmed();
        if (text.isEmpty()) continue;
        auto axis = backtest::parseParamAxis(row.spec.name + "=" + text.toStdString(), m_info);
        if (!axis) return axis.error();
        out.push_back(std::move(*axis));
    }
    return out;
}

SavedFormula BacktestParamForm::formula() const {
    SavedFormula f;
    f.name = m_name->text().trimmed();
    f.settings.entry = m_entry->text().trimmed().toStdString();
    f.settings.exit = m_exit->text().trimmed().toStdString();
    f.settings.stop = m_stop->text().trimmed().toStdString();
    f.settings.target = m_target->text().trimmed().toStdString();
    f.settings.shortEntries = m_short->isChecked();
    return f;
}

bool BacktestParamForm::setValue(const QString& name, double value) {
    for (Row& row : m_rows) {
        if (QString::fromStdString(row.spec.name) != name) continue;
        if (row.flag)
            row.flag->setChecked(value != 0);
        else
            row.value->setValue(value);
        return true;
    }
    return false;
}

bool BacktestParamForm::setRange(const QString& name, const QString& text) {
    for (Row& row : m_rows) {
        if (QString::fromStdString(row.spec.name) != name) continue;
        row.range->setText(text);
        return true;
    }
    return false;
}

void BacktestParamForm::setFormulaText(const QString& entry, const QString& exit, const QString& stop, const QString& target) {
    m_entry->setText(entry);
    m_exit->setText(exit);
    m_stop->setText(stop);
    m_target->setText(target);
}

void BacktestParamForm::setFormulaName(const QString& name) { m_name->setText(name); }

}  // namespace kairos::ui
