// Fault injection on the disk (issue 12): the profile's settings file (kairos.ini, the session's
// QSettings) on a small tmpfs that fills up and on a read-only mount. A failed save is reported by
// the settings' status, leaves the previous file byte for byte and no temporary file; once there is
// room again the next save writes everything. Needs root to mount (CI runs as root); skips otherwise.
#include "session/terminalsession.h"

#include "smalldisk.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <memory>

using namespace kairos;
using namespace kairos::session;
using kairos::test::fileBytes;
using kairos::test::SmallDisk;

namespace {

std::unique_ptr<TerminalSession> sessionOn(const SmallDisk& disk) {
    TerminalSession::Options o;
    o.profileDir = disk.dir();
    o.dataDir = QString::fromStdString(test::resourcesData());
    o.replaySpeed = 0;
    o.autoStart = false;
    return std::make_unique<TerminalSession>(o);
}

/// The disk's names other than the profile database's own files.
QStringList othersThanDatabase(const SmallDisk& disk) {
    QStringList out;
    for (const QString& name : disk.entries())
        if (!name.startsWith(QLatin1String("kairos.sqlite"))) out << name;
    return out;
}

}  // namespace

TEST(SettingsDiskFault, ASaveOnAFullDiskKeepsThePreviousFile) {
    SmallDisk disk("2m");
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
    // GIVEN a profile whose settings were saved
    auto session = sessionOn(disk);
    QSettings& settings = session->settings();
    settings.setValue(QStringLiteral("paper/startingCash"), QStringLiteral("25000"));
    settings.sync();
    ASSERT_EQ(settings.status(), QSettings::NoError);
    const QString ini = disk.path("kairos.ini");
    const QByteArray before = fileBytes(ini);
    ASSERT_TRUE(before.contains("startingCash=25000")) << before.toStdString();
    // WHEN the disk is full and a larger state is saved
    disk.fill();
    settings.setValue(QStringLiteral("paper/startingCash"), QStringLiteral("50000"));
    settings.sync();
    // THEN the save failed visibly, the previous file is whole and no temporary file is left
    EXPECT_EQ(settings.status(), QSettings::AccessError);
    EXPECT_EQ(fileBytes(ini), before);
    EXPECT_EQ(othersThanDatabase(disk), QStringList({"filler", "kairos.ini"}));
    // AND with room again the next save writes everything
    // (status() keeps reporting the first error, so the file itself is the witness)
    disk.unfill();
    settings.sync();
    EXPECT_TRUE(fileBytes(ini).contains("startingCash=50000"));
    EXPECT_EQ(othersThanDatabase(disk), QStringList({"kairos.ini"}));
    session.reset();
}

TEST(SettingsDiskFault, ASaveOnAReadOnlyMountKeepsThePreviousFile) {
    SmallDisk disk("2m");
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
    // GIVEN a profile whose settings were saved, then made read-only (the terminal closed first:
    // a mount with files open for writing cannot be made read-only)
    auto session = sessionOn(disk);
    session->settings().setValue(QStringLiteral("paper/startingCash"), QStringLiteral("25000"));
    session->settings().sync();
    ASSERT_EQ(session->settings().status(), QSettings::NoError);
    session.reset();
    const QString ini = disk.path("kairos.ini");
    const QByteArray before = fileBytes(ini);
    ASSERT_TRUE(before.contains("startingCash=25000")) << before.toStdString();
    const QStringList entries = disk.entries();
    ASSERT_TRUE(disk.setReadOnly(true));
    // WHEN the terminal runs on it and a setting is saved
    session = sessionOn(disk);
    QSettings& settings = session->settings();
    EXPECT_EQ(settings.value(QStringLiteral("paper/startingCash")).toString(), QStringLiteral("25000"));
    settings.setValue(QStringLiteral("paper/startingCash"), QStringLiteral("50000"));
    settings.sync();
    // THEN the save failed visibly and the profile is exactly as it was
    EXPECT_EQ(settings.status(), QSettings::AccessError);
    session.reset();
    EXPECT_EQ(fileBytes(ini), before);
    EXPECT_EQ(disk.entries(), entries);
    ASSERT_TRUE(disk.setReadOnly(false));
}
