#include "mainwindow.h"

#include <QDockWidget>
#include <QLabel>

namespace kairos::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(QStringLiteral("Kairos"));
}

QDockWidget* MainWindow::dock(const QString& objectName) const { return findChild<QDockWidget*>(objectName); }

}  // namespace kairos::ui
