// kairos: the desktop terminal.
#include "mainwindow.h"
#include "terminalsession.h"

#include "storage/database.h"
#include "util/datapaths.h"
#include "util/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QScreen>
#include <QTimer>

#include <cstdio>

namespace {
/// "1", "10", "60", "3600", "max" (or "0") -> speed; -1 when unreadable.
double parseSpeed(const QString& s) {
    if (s.compare(QStringLiteral("max"), Qt::CaseInsensitive) == 0) return 0;
    QString t = s;
    if (t.endsWith(QLatin1Char('x')) || t.endsWith(QChar(0x00D7))) t.chop(1);
    bool ok = false;
    const double v = t.toDouble(&ok);
    return ok && v >= 0 ? v : -1;
}
}  // namespace

int main(int argc, char** argv) {
    QCoreApplication::setApplicationName(QStringLiteral("kairos"));
    QCoreApplication::setOrganizationName(QStringLiteral("Kairos"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(kairos::versionString()));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Kairos desktop trading terminal"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption profile(QStringLiteral("profile"),
                               QStringLiteral("Use the profile in DIR (default: $KAIROS_HOME, else the platform data dir)."),
                               QStringLiteral("DIR"));
    QCommandLineOption replay(
        QStringLiteral("replay"),
        QStringLiteral("Replay speed for the bundled data: 1, 10, 60, 3600 or max (default 3600: one hour per second)."),
        QStringLiteral("SPEED"), QStringLiteral("3600"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Save a PNG of the window to FILE after --screenshot-delay ms, then quit."),
                                  QStringLiteral("FILE"));
    QCommandLineOption delay(QStringLiteral("screenshot-delay"), QStringLiteral("Delay before --screenshot (ms, default 4000)."),
                             QStringLiteral("MS"), QStringLiteral("4000"));
    parser.addOptions({profile, replay, screenshot, delay});
    {
        // --help, --version and bad options are answered without a display (no QApplication yet).
        QCoreApplication preflight(argc, argv);
        parser.process(preflight);
    }
    QApplication app(argc, argv);

    const double speed = parseSpeed(parser.value(replay));
    if (speed < 0) {
        std::fprintf(stderr, "kairos: --replay takes 1, 10, 60, 3600, max or another positive number, not \"%s\"\n",
                     qPrintable(parser.value(replay)));
        return 2;
    }
    auto dir = kairos::storage::resolveProfileDir(parser.value(profile));
    if (!dir) {
        QMessageBox::critical(nullptr, QStringLiteral("Kairos"),
                              QStringLiteral("Cannot open the profile: %1").arg(QString::fromStdString(dir.message())));
        return 1;
    }
    kairos::ui::TerminalSession::Options o;
    o.profileDir = *dir;
    o.dataDir = kairos::bundledDataDir();
    o.replaySpeed = speed;
    // Binance's instrument list feeds symbol search unless Tools > Market data settings (or
    // KAIROS_VENUES) say otherwise; prices stay on the bundled replay by default.
    o.defaultVenues = {QStringLiteral("BINANCE")};
    kairos::ui::TerminalSession session(o);
    kairos::ui::MainWindow window(session);
    window.show();
    session.load();

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(parser.value(delay).toInt(), &window, [&window, file] {
            const bool ok = window.grab().save(file);
            std::fprintf(ok ? stdout : stderr, ok ? "kairos: screenshot saved to %s\n" : "kairos: cannot write %s\n",
                         qPrintable(file));
            window.close();
        });
    }
    return app.exec();
}
