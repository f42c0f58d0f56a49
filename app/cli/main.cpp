// kairos-cli: the headless tool over kairos_core.
#include "command.h"

#include "util/version.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>

namespace {
void printHelp() {
    using namespace kairos::cli;
    std::printf("kairos-cli %s - headless tools over the Kairos core\n\n", kairos::versionString().c_str());
    std::printf("Usage: kairos-cli [--profile DIR] COMMAND [ARGS...]\n\nCommands:\n");
    auto cmds = registry();
    std::sort(cmds.begin(), cmds.end(), [](const Command& a, const Command& b) { return std::string(a.name) < b.name; });
    for (const auto& c : cmds) std::printf("  %-12s %s\n", c.name, c.summary);
    std::printf(
        "\nGlobal options (before or after the command):\n"
        "  --profile DIR  use the profile in DIR (default: $KAIROS_HOME, else the platform data dir)\n"
        "  --help         this text; 'kairos-cli COMMAND --help' for a command's usage\n"
        "  --version      print the version\n\n"
        "Exit codes: 0 ok, 1 data error, 2 usage error (message on stderr).\n");
}
}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kairos"));
    QCoreApplication::setOrganizationName(QStringLiteral("Kairos"));
    using namespace kairos::cli;
    Args all(app.arguments().mid(1));
    Context ctx;
    if (auto p = all.takeOption(QStringLiteral("--profile"))) ctx.profileDir = *p;
    if (!all.error.isEmpty()) return fail("", all.error, kUsageError);
    if (all.rest.isEmpty() || all.rest.first() == QStringLiteral("--help") || all.rest.first() == QStringLiteral("-h")) {
        printHelp();
        return all.rest.isEmpty() ? kUsageError : kOk;
    }
    if (all.rest.first() == QStringLiteral("--version")) {
        std::printf("kairos-cli %s\n", kairos::versionString().c_str());
        return kOk;
    }
    const QString name = all.rest.takeFirst();
    for (const auto& c : registry()) {
        if (name == QLatin1String(c.name)) {
            if (all.rest.contains(QStringLiteral("--help")) || all.rest.contains(QStringLiteral("-h"))) {
                std::printf("%s\n", c.usage);
                return kOk;
            }
            ctx.args = all.rest;
            return c.run(ctx);
        }
    }
    return fail(qPrintable(name), QStringLiteral("unknown command; run 'kairos-cli --help' for the list"), kUsageError);
}
