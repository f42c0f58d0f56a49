#pragma once
// A TerminalSession on a fresh profile over the bundled replay data (resources/data), loaded and
// paused at the common start of the five 1h series; the services under test are built on it.

#include "session/terminalsession.h"

#include "marketdata/csvimport.h"
#include "testdata.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace kairos::session::sessiontest {

inline const InstrumentId kEth{"BINANCE", "ETHUSDT"};
inline const InstrumentId kBtc{"BINANCE", "BTCUSDT"};

/// The bundled ETHUSDT 1h bars (real Binance candles), read independently of the session.
inline std::vector<Bar> ethBars() {
    auto csv = marketdata::readBarsCsv(kairos::test::resourcesData("binance_spot_ETHUSDT_1h_2025-06-21_2025-09-19.csv"));
    EXPECT_TRUE(csv.ok());
    return csv ? csv->bars : std::vector<Bar>{};
}

struct ReplayProfile {
    QTemporaryDir dir;
    std::unique_ptr<TerminalSession> session;

    /// `open` false: open() later (after writing the profile's settings).
    explicit ReplayProfile(bool openNow = true) {
        if (openNow) open();
    }
    void open() {
        TerminalSession::Options o;
        o.profileDir = dir.path();
        o.dataDir = QString::fromStdString(kairos::test::resourcesData());
        o.replaySpeed = 0;
        o.autoStart = false;  // the tests drive the replay with advanceTo()
        session = std::make_unique<TerminalSession>(o);
    }
    /// Loads the replay (import on first run); false with the reason on failure.
    ::testing::AssertionResult load() {
        if (!session) open();
        QSignalSpy loaded(session.get(), &TerminalSession::loaded);
        QSignalSpy failed(session.get(), &TerminalSession::loadFailed);
        session->load();
        if (!loaded.wait(120000) && loaded.isEmpty())
            return ::testing::AssertionFailure()
                << (failed.isEmpty() ? std::string("timeout") : failed.first().first().toString().toStdString());
        return ::testing::AssertionSuccess();
    }
};

}  // namespace kairos::session::sessiontest
