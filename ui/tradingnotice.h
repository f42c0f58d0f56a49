#pragma once
// ReconciliationNotice: a non-modal strip in the Trading dock that says what a reconciliation with
// Binance changed (live::ReconciliationReport, at an account's open and after every re-subscription
// of its user data stream): "LIVE · main reconciled with Binance: 2 orders checked, 0 fills applied,
// 1 adopted, 0 never reached Binance". "Details…" opens a non-modal list of the changes, one per
// order (adopted, closed, corrected); × hides it. A reconciliation that changed nothing and
// completed shows nothing. Thread: GUI.

#include "live/livevenue.h"

#include <QDialog>
#include <QFrame>
#include <QPointer>
#include <QString>
#include <QStringList>

class QLabel;
class QListWidget;
class QPushButton;

namespace kairos::ui {

class ReconciliationNotice : public QFrame {
    Q_OBJECT
public:
    explicit ReconciliationNotice(QWidget* parent = nullptr);

    /// Shows `report` of the account labelled `account` (nothing when it changed nothing and completed).
    void showReport(const QString& account, const live::ReconciliationReport& report);
    /// The strip's one line.
    QString text() const;
    /// One line per change: "<client order id>: <what>", then the error when incomplete.
    QStringList details() const { return m_details; }
    /// Opens (or raises) the details dialog; it is not modal.
    QDialog* openDetails();
    QPushButton* detailsButton() const { return m_detailsButton; }

    /// The strip's line for a report: "<account> reconciled with Binance: <summary>".
    static QString lineFor(const QString& account, const live::ReconciliationReport& report);
    static QStringList detailsFor(const live::ReconciliationReport& report);

private:
    QLabel* m_text;
    QPushButton* m_detailsButton;
    QString m_title;
    QStringList m_details;
    QPointer<QDialog> m_dialog;
};

}  // namespace kairos::ui
