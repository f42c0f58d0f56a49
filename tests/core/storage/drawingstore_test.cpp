#include "storage/drawingstore.h"

#include "storage/database.h"
#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kairos;
using namespace kairos::storage;

namespace {
const InstrumentId kBtc{"BINANCE", "BTCUSDT"};
const InstrumentId kEth{"BINANCE", "ETHUSDT"};

/// A fresh database file per test (the same path when a test opens it again).
QString newDbPath() { return QString::fromStdString(test::tempDir()) + QStringLiteral("/kairos.sqlite"); }

/// One drawing of every kind, anchored on real BTCUSDT 1h bar open times and prices
/// (binance_spot_BTCUSDT_1h 2024-03-12 .. 2024-03-14), with awkward doubles among them.
std::vector<Drawing> everyKind() {
    std::vector<Drawing> out;
    const std::int64_t t0 = 1710201600000;  // 2024-03-12 00:00 UTC
    const std::int64_t h = 3600000;
    for (DrawingKind k : kAllDrawingKinds) {
        Drawing d;
        d.kind = k;
        for (int i = 0; i < anchorCount(k); ++i)
            d.anchors.push_back({t0 + (i * 7 + static_cast<int>(k)) * h, 71000.12 + 0.1 * i + 1.0 / 3.0 * static_cast<int>(k)});
        d.colour = k == DrawingKind::Rectangle ? "#402962ff" : "#ef5350";
        d.width = 1 + static_cast<int>(k) % 4;
        d.text = k == DrawingKind::Text ? "breakout? \xe2\x86\x92 retest; \"quoted\"" : "";
        out.push_back(d);
    }
    return out;
}
}  // namespace

TEST(DrawingStore, EveryKindReappearsIdenticalAfterARestart) {
    const QString path = newDbPath();
    // GIVEN drawings of every kind saved for BTCUSDT and one for ETHUSDT
    std::vector<Drawing> saved;
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db.ok()) << db.message();
        DrawingStore store(**db);
        auto r = store.replaceAll(kBtc, everyKind());
        ASSERT_TRUE(r.ok()) << r.message();
        saved = *r;
        for (const auto& d : saved) EXPECT_GT(d.id, 0);
        Drawing eth;
        eth.kind = DrawingKind::HorizontalLine;
        eth.anchors = {{1710201600000, 4000.5}};
        ASSERT_TRUE(store.save(kEth, eth).ok());
    }  // WHEN the database is closed ("restart") and opened again
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok()) << db.message();
    DrawingStore store(**db);
    auto loaded = store.load(kBtc);
    ASSERT_TRUE(loaded.ok()) << loaded.message();
    // THEN the drawings are identical, bit for bit, and only BTCUSDT's
    EXPECT_TRUE(loaded->problems.empty());
    ASSERT_EQ(loaded->drawings.size(), saved.size());
    for (std::size_t i = 0; i < saved.size(); ++i) EXPECT_EQ(loaded->drawings[i], saved[i]) << i;
    auto eth = store.load(kEth);
    ASSERT_TRUE(eth.ok());
    ASSERT_EQ(eth->drawings.size(), 1u);
    EXPECT_EQ(eth->drawings[0].anchors[0].price, 4000.5);
}

TEST(DrawingStore, UpdateRemoveAndReplaceKeepIds) {
    const QString path = newDbPath();
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    DrawingStore store(**db);
    auto all = store.replaceAll(kBtc, everyKind());
    ASSERT_TRUE(all.ok());
    Drawing moved = (*all)[0];
    moved.anchors[0].price += 250;
    moved.colour = "#26a69a";
    ASSERT_TRUE(store.save(kBtc, moved).ok());
    ASSERT_TRUE(store.remove((*all)[1].id).ok());
    auto loaded = store.load(kBtc);
    ASSERT_TRUE(loaded.ok());
    ASSERT_EQ(loaded->drawings.size(), all->size() - 1);
    EXPECT_EQ(loaded->drawings[0], moved);
    // replaceAll with a subset: the kept drawing keeps its id, the others go.
    auto again = store.replaceAll(kBtc, {moved});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)[0].id, moved.id);
    EXPECT_EQ(store.load(kBtc)->drawings.size(), 1u);
    // An id of another instrument is not updated through this one.
    Drawing foreign = moved;
    EXPECT_FALSE(store.save(kEth, foreign).ok());
}

TEST(DrawingStore, InvalidDrawingsAreRefusedWithAReason) {
    const QString path = newDbPath();
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    DrawingStore store(**db);
    Drawing d;
    d.kind = DrawingKind::ParallelChannel;
    d.anchors = {{1, 2.0}, {3, 4.0}};
    auto r = store.save(kBtc, d);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("needs 3 anchor"), std::string::npos) << r.message();
    d.kind = DrawingKind::TrendLine;
    d.colour = "red";
    r = store.save(kBtc, d);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("colour"), std::string::npos) << r.message();
    d.colour = "#ffffff";
    d.anchors[0].price = std::nan("");
    EXPECT_FALSE(store.save(kBtc, d).ok());
    EXPECT_TRUE(store.load(kBtc)->drawings.empty());
}

TEST(DrawingStore, UnknownKindsAndDamagedRowsAreReportedAndKept) {
    const QString path = newDbPath();
    // GIVEN a good drawing and three rows this Kairos cannot read (a newer kind, damaged anchors,
    // a wrong anchor count), written behind the store's back
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db.ok());
        DrawingStore store(**db);
        ASSERT_TRUE(store.replaceAll(kBtc, {everyKind()[0]}).ok());
        ASSERT_TRUE((*db)
                        ->exec("INSERT INTO chart_drawings (venue, symbol, kind, points, colour, width, text, created_at) VALUES "
                               "('BINANCE','BTCUSDT','pitchfork','1 2;3 4;5 6','#ffffff',1,'',0),"
                               "('BINANCE','BTCUSDT','ray','1 abc;3 4','#ffffff',1,'',0),"
                               "('BINANCE','BTCUSDT','ray','1 2','#ffffff',1,'',0)")
                        .ok());
    }
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    DrawingStore store(**db);
    // WHEN loading
    auto loaded = store.load(kBtc);
    // THEN the good one loads and each bad row is reported with what is wrong
    ASSERT_TRUE(loaded.ok()) << loaded.message();
    ASSERT_EQ(loaded->drawings.size(), 1u);
    ASSERT_EQ(loaded->problems.size(), 3u);
    EXPECT_NE(loaded->problems[0].find("unknown kind \"pitchfork\""), std::string::npos) << loaded->problems[0];
    EXPECT_NE(loaded->problems[1].find("damaged anchors"), std::string::npos) << loaded->problems[1];
    EXPECT_NE(loaded->problems[2].find("needs 2 anchor"), std::string::npos) << loaded->problems[2];
    // AND replacing the readable drawings leaves the unreadable rows in the file
    ASSERT_TRUE(store.replaceAll(kBtc, {}).ok());
    auto after = store.load(kBtc);
    EXPECT_TRUE(after->drawings.empty());
    EXPECT_EQ(after->problems.size(), 3u);
}

TEST(DrawingStore, AnchorTextRoundTripsExactly) {
    const std::vector<DrawingAnchor> a = {{-5, 0.1 + 0.2}, {1710201600000, 1e-9}, {0, 123456789.123456789}};
    auto back = parseAnchors(formatAnchors(a));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, a);
    EXPECT_FALSE(parseAnchors("").ok());
    EXPECT_FALSE(parseAnchors("12 3;").ok());
    EXPECT_FALSE(parseAnchors("12 nan").ok());
}
