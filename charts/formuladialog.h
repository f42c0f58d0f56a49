#pragma once
// "Custom formula…": the user types a formula over OHLCV and library indicators
// (core/indicators/formula.h, e.g. "ema(close, 9) - ema(close, 21)"); it is checked as typed and
// a syntax error is shown with its column and a caret under the place. OK stays disabled until
// the formula parses. A checkbox puts the result on the price pane instead of a pane of its own.

#include "chartindicators.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace kairos::charts {

class FormulaDialog : public QDialog {
    Q_OBJECT
public:
    /// Edits `config` (a formula indicator); defaults to a pane formula when it is not one.
    explicit FormulaDialog(const IndicatorConfig& config, QWidget* parent = nullptr);

    /// The configuration as edited (formula, placement, colour).
    IndicatorConfig config() const;
    /// The error shown now ("column 12: ..."), empty when the formula parses.
    QString error() const;

    QLineEdit* formulaEdit() const { return m_edit; }
    QCheckBox* overlayBox() const { return m_overlay; }
    QPushButton* okButton() const { return m_ok; }
    QLabel* errorLabel() const { return m_error; }

private:
    void check();

    IndicatorConfig m_config;
    QLineEdit* m_edit;
    QCheckBox* m_overlay;
    QLabel* m_error;
    QPushButton* m_ok = nullptr;
    QPushButton* m_colour;
    QColor m_colourValue;
};

}  // namespace kairos::charts
