// kairos-backtest: the backtester on its own; the same code as `kairos-cli backtest`
// (app/cli/cmd_backtest.cpp).
#include "cli/command.h"

#include "util/version.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    using namespace kairos::cli;
    setStandaloneProgram("kairos-backtest");
    Context ctx;
    ctx.args = app.arguments().mid(1);
    if (ctx.args.contains(QStringLiteral("--version"))) {
        std::printf("kairos-backtest %s\n", kairos::versionString().c_str());
        return kOk;
    }
    for (const Command& c : registry()) {
        if (std::string(c.name) != "backtest") continue;
        if (ctx.args.isEmpty() || ctx.args.contains(QStringLiteral("--help")) || ctx.args.contains(QStringLiteral("-h"))) {
            std::printf("%s\n", c.usage);
            return ctx.args.isEmpty() ? kUsageError : kOk;
        }
        return c.run(ctx);
    }
    return fail("", QStringLiteral("the backtest command is missing from this build"), kUsageError);
}
