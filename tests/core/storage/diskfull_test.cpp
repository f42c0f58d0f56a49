// A full disk is said in plain words, and a failed open leaves no -wal/-shm files behind.
#include "storage/candlestore.h"
#include "storage/database.h"
#include "storage/sqlite.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cerrno>

using namespace kairos;
using namespace kairos::storage;

TEST(DiskFull, SqliteErrorsOfAFullDiskAreRecognised) {
    EXPECT_TRUE(storage::sql::isDiskFull(SQLITE_FULL, 0));
    // "disk I/O error (code 4874)": the -shm file could not grow, seen on a full disk at open.
    EXPECT_EQ(SQLITE_IOERR_SHMSIZE, 4874);
    EXPECT_TRUE(storage::sql::isDiskFull(SQLITE_IOERR_SHMSIZE, 0));
    EXPECT_TRUE(storage::sql::isDiskFull(SQLITE_IOERR_WRITE, ENOSPC));
    EXPECT_TRUE(storage::sql::isDiskFull(SQLITE_IOERR_FSYNC, EDQUOT));
    EXPECT_FALSE(storage::sql::isDiskFull(SQLITE_IOERR_WRITE, EIO));
    EXPECT_FALSE(storage::sql::isDiskFull(SQLITE_CORRUPT, 0));
    const std::string text = storage::sql::sqliteMessage(SQLITE_IOERR_SHMSIZE);
    EXPECT_EQ(text.rfind("no space left on the disk", 0), 0u) << text;
    EXPECT_NE(text.find("code 4874"), std::string::npos) << text;
}

namespace {
/// A 512 KiB tmpfs mounted for one test (needs root with CAP_SYS_ADMIN); unmounted at the end. (256 KiB
/// until schema 7, whose fresh database and its migration WAL no longer fit in it.)
class SmallDisk {
public:
    SmallDisk() : m_dir(QString::fromStdString(test::tempDir()) + QStringLiteral("/small")) {
        QDir().mkpath(m_dir);
        m_mounted = QProcess::execute(QStringLiteral("mount"),
                                      {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                       QStringLiteral("size=512k"), QStringLiteral("tmpfs"), m_dir}) == 0;
    }
    ~SmallDisk() {
        if (m_mounted) QProcess::execute(QStringLiteral("umount"), {m_dir});
    }
    bool mounted() const { return m_mounted; }
    QString path(const char* name) const { return QDir(m_dir).filePath(QString::fromLatin1(name)); }
    /// Fills the rest of the disk with one file.
    void fill() const {
        QFile f(path("filler"));
        if (!f.open(QIODevice::WriteOnly)) return;
        const QByteArray block(4096, '\0');
        while (f.write(block) == block.size() && f.flush()) {}
    }

private:
    QString m_dir;
    bool m_mounted = false;
};
}  // namespace

TEST(DiskFull, OpeningOnAFullDiskSaysSoAndLeavesNoWalFiles) {
    SmallDisk disk;
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root); covered by the mapping test";
    disk.fill();
    const QString path = disk.path("kairos.sqlite");
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("no space left on the disk"), std::string::npos) << db.message();
    EXPECT_FALSE(QFileInfo::exists(path + QStringLiteral("-wal")));
    EXPECT_FALSE(QFileInfo::exists(path + QStringLiteral("-shm")));
}

TEST(DiskFull, ImportThatFillsTheDiskSaysSoAndStoresNothing) {
    SmallDisk disk;
    if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here (needs root); covered by the mapping test";
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    auto db = Database::open(disk.path("kairos.sqlite"));
    ASSERT_TRUE(db.ok()) << db.message();
    CandleStore store(**db);
    // 43,803 bars do not fit in what is left of 512 KiB.
    auto st = store.upsert(InstrumentId{"BINANCE", "BTCUSDT"}, Timeframe::H1, csv->bars);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("no space left on the disk"), std::string::npos) << st.message();
    auto series = store.series();
    ASSERT_TRUE(series.ok()) << series.message();
    EXPECT_TRUE(series->empty());
}
