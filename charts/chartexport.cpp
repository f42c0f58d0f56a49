#include "chartexport.h"

#include "chartcore.h"

#include <QCursor>
#include <QDir>
#include <QFileDialog>
#include <QImage>
#include <QSaveFile>
#include <QToolTip>

namespace kairos::charts::detail {

bool exportPng(ChartCore& core, const QString& path) {
    // A frame without the crosshair and selection handles, then QCustomPlot's own PNG writer.
    core.exporting = true;
    core.dirty |= ChartCore::DirtyFull;
    core.frame(QCustomPlot::rpImmediateRefresh);
    // Rendered as QCustomPlot::savePng does (96 dpi), but written through QSaveFile: a full disk or
    // a crash leaves the previous file whole and no temporary file behind.
    QImage image = core.plot->toPixmap(0, 0, 1.0).toImage();
    const int dotsPerMeter = static_cast<int>(96 / 0.0254);
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    // Unbuffered: Qt 6.4's commit() ignores a failed final flush and would rename a truncated file over.
    QSaveFile file(path);
    const bool ok =
        !image.isNull() && file.open(QIODevice::WriteOnly | QIODevice::Unbuffered) && image.save(&file, "PNG") && file.commit();
    core.exporting = false;
    core.requestFrame(ChartCore::DirtyOverlay);
    if (!ok) qWarning("chart image not written to %s", qPrintable(QDir::toNativeSeparators(path)));
    return ok;
}

void saveImageAs(ChartCore& core) {
    CandleChart* chart = core.q;
    const QString sym = core.instrument.symbol.empty() ? QStringLiteral("chart") : QString::fromStdString(core.instrument.symbol);
    const QString path =
        QFileDialog::getSaveFileName(chart, CandleChart::tr("Save chart image"),
                                     sym + QLatin1Char('_') + QString::fromStdString(toString(core.tf)) + QStringLiteral(".png"),
                                     CandleChart::tr("PNG images (*.png)"));
    if (!path.isEmpty() && !chart->exportPng(path))
        QToolTip::showText(QCursor::pos(),
                           CandleChart::tr("Could not write %1; check the folder exists and is writable.").arg(path), chart);
}

}  // namespace kairos::charts::detail
