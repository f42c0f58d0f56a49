#pragma once
// Settings of one indicator on the chart: its parameters (with their ranges), the colour of each
// output and the line width; "Defaults" restores the catalogue's values, "Remove" takes it off.

#include "chartindicators.h"

#include <QDialog>

#include <vector>

class QDoubleSpinBox;
class QPushButton;
class QSpinBox;

namespace kairos::charts {

class IndicatorDialog : public QDialog {
    Q_OBJECT
public:
    explicit IndicatorDialog(const IndicatorConfig& config, QWidget* parent = nullptr);

    /// The configuration as edited (normalised).
    IndicatorConfig config() const;
    /// The dialog was closed with "Remove".
    bool removeRequested() const { return m_remove; }

    /// Editors, for tests.
    QDoubleSpinBox* paramEditor(int index) const { return m_params.at(static_cast<std::size_t>(index)); }
    void setColour(int output, const QColor& colour);

private:
    void load(const IndicatorConfig& c);

    IndicatorConfig m_config;
    std::vector<QDoubleSpinBox*> m_params;
    std::vector<QPushButton*> m_colours;
    std::vector<QColor> m_colourValues;
    QSpinBox* m_width = nullptr;
    bool m_remove = false;
};

}  // namespace kairos::charts
