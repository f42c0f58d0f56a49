#pragma once
// The Backtest dock's strategy form: one row per typed parameter of a built-in strategy (a spin
// box in the parameter's range, whole numbers where the strategy wants them, a check box for 0/1
// switches) with an optional range for optimisation ("start:stop:step" inclusive, or "a,b,c"), or,
// for a formula strategy, its entry / exit / stop / target formulas and a name to save it under.
//
// Saved formula strategies live in the profile's settings file (kairos.ini, group
// "backtest/formulas"), not in the profile database: they are the dock's own presets.
//
// GUI thread only.

#include "backtest/builtins.h"
#include "backtest/formulastrategy.h"
#include "backtest/optimizer.h"

#include <QString>
#include <QWidget>

#include <map>
#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QSettings;
class QStackedWidget;

namespace kairos::ui {

/// A named formula strategy as the dock keeps it.
struct SavedFormula {
    QString name;
    backtest::FormulaStrategySettings settings;  ///< sizing is the form's, not saved
};

/// The formula strategies saved in `settings` (group backtest/formulas), by name.
std::vector<SavedFormula> loadSavedFormulas(QSettings& settings);
void saveFormula(QSettings& settings, const SavedFormula& formula);
void removeFormula(QSettings& settings, const QString& name);

class BacktestParamForm : public QWidget {
    Q_OBJECT
public:
    explicit BacktestParamForm(QWidget* parent = nullptr);

    /// Shows the parameters of a built-in at their defaults.
    void showBuiltin(const backtest::StrategyInfo& info);
    /// Shows the formula editor filled with `formula` (an empty name: a new one).
    void showFormula(const SavedFormula& formula);
    bool isFormula() const { return m_info == nullptr; }
    const backtest::StrategyInfo* builtin() const { return m_info; }

    /// The parameter values of the built-in, checked (ranges and rules between them); the error
    /// names the parameter and its allowed range.
    Result<backtest::ParamValues> values() const;
    /// The optimisation axes: one per parameter whose range field is filled, in form order; the
    /// error names the parameter.
    Result<std::vector<backtest::ParamAxis>> axes() const;
    /// The formula strategy as typed (not parsed yet; FormulaStrategy::create checks it).
    SavedFormula formula() const;

    /// Sets a parameter's value field; false when the strategy has no such parameter.
    bool setValue(const QString& name, double value);
    /// Sets a parameter's range field ("" clears it); false when there is no such parameter.
    bool setRange(const QString& name, const QString& text);
    void setFormulaText(const QString& entry, const QString& exit, const QString& stop, const QString& target);
    void setFormulaName(const QString& name);

Q_SIGNALS:
    /// The user asked to save (or delete) the formula strategy shown.
    void saveFormulaRequested();
    void deleteFormulaRequested();

private:
    struct Row {
        backtest::ParamSpec spec;
        QDoubleSpinBox* value = nullptr;  ///< numbers
        QCheckBox* flag = nullptr;        ///< 0/1 switches
        QLineEdit* range = nullptr;
    };
    double rowValue(const Row& row) const;
    void clearRows();

    QStackedWidget* m_stack;
    QWidget* m_paramsPage;
    QFormLayout* m_paramsLayout;
    std::vector<Row> m_rows;
    const backtest::StrategyInfo* m_info = nullptr;

    QLineEdit* m_name;
    QLineEdit* m_entry;
    QLineEdit* m_exit;
    QLineEdit* m_stop;
    QLineEdit* m_target;
    QCheckBox* m_short;
};

}  // namespace kairos::ui
