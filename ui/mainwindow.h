#pragma once
// MainWindow only assembles docks (shared/STYLE.md: no global lookups of the window).

#include <QMainWindow>

class QDockWidget;

namespace kairos::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    QDockWidget* dock(const QString& objectName) const;
};

}  // namespace kairos::ui
