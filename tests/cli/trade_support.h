#pragma once
// Shared by the trading command tests (trade_*_test.cpp): running kairos-cli as a user runs it, in a
// temporary profile, while this process's event loop keeps the local Binance servers serving.
#include "fakeservers.h"
#include "testdata.h"

#include "marketdata/csvimport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace kairos::test::cli {

struct Cli {
    QProcess p;
    QString out, err;

    void start(const QStringList& args, const QProcessEnvironment& env) {
        p.setProcessEnvironment(env);
        QObject::connect(&p, &QProcess::readyReadStandardOutput, [this] { out += QString::fromUtf8(p.readAllStandardOutput()); });
        QObject::connect(&p, &QProcess::readyReadStandardError, [this] { err += QString::fromUtf8(p.readAllStandardError()); });
        p.start(QStringLiteral(KAIROS_CLI_PATH), args);
        ASSERT_TRUE(p.waitForStarted(10'000));
    }
    /// Waits (running the event loop, so in-process fake servers keep serving) for the exit.
    int finish(int timeoutMs = 120'000) {
        if (!waitUntil([&] { return p.state() == QProcess::NotRunning; }, timeoutMs)) {
            p.kill();
            p.waitForFinished();
            ADD_FAILURE() << "kairos-cli did not finish; stderr: " << err.toStdString();
            return -1;
        }
        out += QString::fromUtf8(p.readAllStandardOutput());
        err += QString::fromUtf8(p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    QStringList lines() const { return out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

/// A temporary profile and the environment kairos-cli runs in (no user settings, no KAIROS_HOME).
struct TempProfile {
    QTemporaryDir dir;
    QTemporaryDir home;

    QString path() const { return dir.path(); }
    QString settingsPath() const { return dir.filePath(QStringLiteral("kairos.ini")); }
    QProcessEnvironment env() const {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());
        e.remove(QStringLiteral("KAIROS_HOME"));
        return e;
    }
    /// Starts `kairos-cli --profile DIR args...`.
    void start(Cli& c, const QStringList& args) const { c.start(QStringList{QStringLiteral("--profile"), path()} + args, env()); }
    /// Runs `kairos-cli --profile DIR args...` to its end; its exit code.
    int run(Cli& c, const QStringList& args) const {
        start(c, args);
        return c.finish();
    }
};

/// The last close of the newest bundled BTCUSDT series (the paper accounts' price in a fresh profile).
inline Price bundledLastClose(const char* file) {
    auto csv = marketdata::readBarsCsv(resourcesData(file));
    EXPECT_TRUE(csv.ok()) << csv.message();
    return csv ? csv->bars.back().close : Price{};
}

}  // namespace kairos::test::cli
