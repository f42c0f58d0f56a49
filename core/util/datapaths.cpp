#include "util/datapaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace kairos {

namespace {
bool isDir(const QString& p) { return !p.isEmpty() && QFileInfo(p).isDir(); }
}  // namespace

QString bundledDataDir() {
    const QString env = qEnvironmentVariable("KAIROS_DATA_DIR");
    if (isDir(env)) return QDir(env).absolutePath();
    if (QCoreApplication::instance()) {
        const QString exe = QCoreApplication::applicationDirPath();
        for (const QString& rel : {QStringLiteral("/../share/kairos/data"), QStringLiteral("/data")})
            if (isDir(exe + rel)) return QDir(exe + rel).absolutePath();
    }
    const QString src = QStringLiteral(KAIROS_SOURCE_RESOURCES_DATA);
    return isDir(src) ? src : QString();
}

QString sharedDataDir() {
    const QString env = qEnvironmentVariable("KAIROS_SHARED_DATA");
    if (isDir(env)) return QDir(env).absolutePath();
    const QString src = QStringLiteral(KAIROS_SOURCE_SHARED_DATA);
    return isDir(src) ? src : QString();
}

}  // namespace kairos
