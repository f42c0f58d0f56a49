#pragma once
// RiskLimitsDialog: one trading account's settings (session::AccountSettings) — its risk limits
// (trading::RiskLimits; an empty field turns a rule off) and whether its orders are confirmed
// before they are sent. A field that does not parse is named and nothing is saved.

#include "session/tradingaccounts.h"
#include "util/result.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace kairos::ui {

class RiskLimitsDialog : public QDialog {
    Q_OBJECT
public:
    /// `title` names the account ("LIVE · Main").
    RiskLimitsDialog(const session::AccountSettings& settings, const QString& title, QWidget* parent = nullptr);

    /// The settings as the fields say, or the first field error ("Max order value: ...").
    Result<session::AccountSettings> settings() const;

    QLineEdit* allowedEdit() const { return m_allowed; }
    QLineEdit* ordersPerMinuteEdit() const { return m_perMinute; }
    QLineEdit* orderValueEdit() const { return m_orderValue; }
    QLineEdit* positionQuantityEdit() const { return m_positionQty; }
    QLineEdit* positionPercentEdit() const { return m_positionPct; }
    QLineEdit* openPositionsEdit() const { return m_openPositions; }
    QLineEdit* dailyLossEdit() const { return m_dailyLoss; }
    QCheckBox* confirmBox() const { return m_confirm; }
    QString errorText() const;

private:
    void tryAccept();

    QLineEdit* m_allowed;
    QLineEdit* m_perMinute;
    QLineEdit* m_orderValue;
    QLineEdit* m_positionQty;
    QLineEdit* m_positionPct;
    QLineEdit* m_openPositions;
    QLineEdit* m_dailyLoss;
    QCheckBox* m_confirm;
    QLabel* m_error;
};

}  // namespace kairos::ui
