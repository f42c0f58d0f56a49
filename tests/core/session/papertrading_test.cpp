// Paper trading's settings and the rounding of a dragged order price (session/papertrading.h).
#include "session/papertrading.h"

#include "trading/instrumentdefaults.h"

#include <QSettings>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace kairos;

TEST(PaperTrading, SettingsAreReadAndBadValuesFallBackToTheirDefaultsWithAReason_Synthetic) {
    // GIVEN a profile's settings with a valid fee, a negative cash and a word for the slippage
    QTemporaryDir dir;
    QSettings s(dir.filePath(QStringLiteral("kairos.ini")), QSettings::IniFormat);
    s.setValue(QStringLiteral("paper/makerFeeBps"), QStringLiteral("7.5"));
    s.setValue(QStringLiteral("paper/startingCash"), QStringLiteral("-5"));
    s.setValue(QStringLiteral("paper/slippageBps"), QStringLiteral("lots"));
    s.setValue(QStringLiteral("paper/confirm"), false);
    // WHEN they are read
    QStringList problems;
    const trading::PaperSettings ps = session::readPaperSettings(s, &problems);
    // THEN the valid value is taken exactly, the bad ones are the defaults and each is named
    EXPECT_EQ(ps.simulator.rules.fees.makerBps, trading::Bps::parse("7.5").value());
    EXPECT_EQ(ps.simulator.rules.fees.takerBps, trading::Bps::parse("10").value());
    EXPECT_EQ(ps.startingCash, Money::parse("10000").value());
    EXPECT_EQ(ps.simulator.rules.slippageBps, trading::Bps::parse("0").value());
    ASSERT_EQ(problems.size(), 2);
    EXPECT_TRUE(problems[0].contains(QStringLiteral("paper/startingCash \"-5\""))) << problems[0].toStdString();
    EXPECT_TRUE(problems[1].contains(QStringLiteral("paper/slippageBps \"lots\""))) << problems[1].toStdString();
    EXPECT_FALSE(session::paperConfirms(s));
}

TEST(PaperTrading, DraggedPriceGoesOntoTheTickGridAtTheTickScale) {
    // GIVEN Binance's BTCUSDT rules (tick 0.01)
    const auto btc = trading::bundledInstrumentRules({"BINANCE", "BTCUSDT"});
    ASSERT_TRUE(btc.has_value());
    ASSERT_EQ(btc->tickSize.scale(), 2);
    // WHEN prices from pixels are rounded
    // THEN they land on the tick, half-even, at two decimals
    EXPECT_EQ(session::roundDraggedPrice(64123.456789, *btc).value().toString(), "64123.46");
    EXPECT_EQ(session::roundDraggedPrice(64123.4449, *btc).value().toString(), "64123.44");
    EXPECT_EQ(session::roundDraggedPrice(64123.0, *btc).value().toString(), "64123.00");
    EXPECT_EQ(session::roundDraggedPrice(64123.455, *btc).value().toString(), "64123.46");  // 64123.4550 -> half-even up to .46
}
