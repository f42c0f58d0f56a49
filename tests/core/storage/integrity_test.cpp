// A profile database damaged past its first page is checked at open and never written to;
// read-only opens still read what they can. A read-only profile still opens for reading.
#include "storage/candlestore.h"
#include "storage/database.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <gtest/gtest.h>

#include <limits>

using namespace kairos;
using namespace kairos::storage;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

QByteArray fileHash(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

/// A real profile: the bundled BTCUSDT 1h file (43,803 bars) imported into <dir>/kairos.sqlite.
QString realProfile() {
    const QString dir = QString::fromStdString(test::tempDir());
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_BTCUSDT_1h_2020-09-20_2025-09-19.csv"));
    EXPECT_TRUE(csv.ok()) << csv.message();
    auto db = Database::openProfile(dir);
    EXPECT_TRUE(db.ok()) << db.message();
    if (csv.ok() && db.ok()) {
        CandleStore store(**db);
        EXPECT_TRUE(store.upsert(kBtc, Timeframe::H1, csv->bars).ok());
    }
    return QDir(dir).filePath(QStringLiteral("kairos.sqlite"));
}

}  // namespace

TEST(DatabaseIntegrity, DamagedRealProfileIsRefusedForWritingAndLeftUnchanged) {
    // GIVEN a real profile database (closed cleanly: no -wal beside it) with 4 KiB inverted
    const QString path = realProfile();
    ASSERT_FALSE(QFileInfo::exists(path + QStringLiteral("-wal")));
    ASSERT_TRUE(kairos::test::invertMiddleBlock(path.toStdString()));
    const QByteArray before = fileHash(path);
    // WHEN it is opened for writing
    auto db = Database::open(path);
    // THEN it is refused with what happened and what to do, and not one byte changes
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.message().find("is damaged (SQLite's integrity check:"), std::string::npos) << db.message();
    EXPECT_NE(db.message().find("Restore kairos.sqlite from a backup"), std::string::npos) << db.message();
    EXPECT_EQ(fileHash(path), before);
    EXPECT_FALSE(QFileInfo::exists(path + QStringLiteral("-wal")));
}

TEST(DatabaseIntegrity, DamagedProfileStillOpensReadOnlyWithAWarning) {
    const QString path = realProfile();
    ASSERT_TRUE(kairos::test::invertMiddleBlock(path.toStdString()));
    const QByteArray before = fileHash(path);
    // WHEN it is opened read-only
    auto db = Database::open(path, OpenMode::ReadOnly);
    // THEN it opens, says it is damaged, and reads leave the file as it was
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_TRUE((*db)->isReadOnly());
    EXPECT_NE((*db)->damage().find("is damaged"), std::string::npos) << (*db)->damage();
    CandleStore store(**db);
    // The first day's bars sit in the first pages, far from the damage in the middle.
    auto firstDay = store.range(kBtc, Timeframe::H1, utcMs(2020, 9, 20), utcMs(2020, 9, 21));
    ASSERT_TRUE(firstDay.ok()) << firstDay.message();
    EXPECT_EQ(firstDay->size(), 24u);
    // A write through a read-only connection fails instead of touching the file.
    auto csv = marketdata::readBarsCsv(test::resourcesData("binance_spot_ADABTC-1m-2021-11-27.csv"));
    ASSERT_TRUE(csv.ok()) << csv.message();
    EXPECT_FALSE(store.upsert(InstrumentId{"BINANCE", "ADABTC"}, Timeframe::M1, csv->bars).ok());
    db->reset();
    EXPECT_EQ(fileHash(path), before);
}

TEST(DatabaseIntegrity, SoundProfileOpensReadOnlyWithoutWarning) {
    const QString path = realProfile();
    const QByteArray before = fileHash(path);
    auto db = Database::open(path, OpenMode::ReadOnly);
    ASSERT_TRUE(db.ok()) << db.message();
    EXPECT_TRUE((*db)->damage().empty()) << (*db)->damage();
    CandleStore store(**db);
    auto bars =
        store.range(kBtc, Timeframe::H1, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    ASSERT_TRUE(bars.ok()) << bars.message();
    EXPECT_EQ(bars->size(), 43803u);
    db->reset();
    EXPECT_EQ(fileHash(path), before);
}
