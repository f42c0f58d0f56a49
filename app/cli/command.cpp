// The pieces every subcommand shares (registry, error output, option reader), apart from
// kairos-cli's main() so that kairos-backtest can run the backtest command on its own.
#include "command.h"

#include "util/redact.h"

#include <cstdio>

namespace kairos::cli {

std::vector<Command>& registry() {
    static std::vector<Command> commands;
    return commands;
}

namespace {
std::string& standaloneName() {
    static std::string name;
    return name;
}
}  // namespace

void setStandaloneProgram(const char* name) { standaloneName() = name; }

int fail(const char* command, const QString& message, int code) {
    // Messages may quote a URL the user gave, credentials included: never print those.
    const QByteArray text = QString::fromStdString(redactUrlCredentials(message.toStdString())).toLocal8Bit();
    if (standaloneName().empty())
        std::fprintf(stderr, "kairos-cli %s: %s\n", command, text.constData());
    else
        std::fprintf(stderr, "%s: %s\n", standaloneName().c_str(), text.constData());
    return code;
}

std::optional<QString> Args::takeOption(const QString& name) {
    for (int i = 0; i < rest.size(); ++i) {
        const QString& a = rest[i];
        if (a == name) {
            if (i + 1 >= rest.size()) {
                error = name + QStringLiteral(" needs a value");
                rest.removeAt(i);
                return std::nullopt;
            }
            QString v = rest[i + 1];
            rest.remove(i, 2);
            return v;
        }
        if (a.startsWith(name + QLatin1Char('='))) {
            QString v = a.mid(name.size() + 1);
            rest.removeAt(i);
            return v;
        }
    }
    return std::nullopt;
}

bool Args::takeFlag(const QString& name) { return rest.removeAll(name) > 0; }

QString Args::unknownOption() const {
    for (const QString& a : rest)
        if (a.startsWith(QStringLiteral("--")) && a.size() > 2) return a;
    return {};
}

}  // namespace kairos::cli
