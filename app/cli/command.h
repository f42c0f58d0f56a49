#pragma once
// kairos-cli subcommands. Each app/cli/cmd_*.cpp defines one and registers it with a
// static CommandRegistration; main.cpp dispatches on the first non-option argument.

#include <QString>
#include <QStringList>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kairos::cli {

/// Exit codes shared by every subcommand.
enum ExitCode : int { kOk = 0, kDataError = 1, kUsageError = 2 };

struct Context {
    QStringList args;    ///< the subcommand's arguments, global options (--profile) removed
    QString profileDir;  ///< from --profile DIR, or empty (then KAIROS_HOME / the default applies)
};

struct Command {
    const char* name;
    const char* summary;  ///< one line for `kairos-cli --help`
    const char* usage;    ///< full usage text for `kairos-cli NAME --help`
    std::function<int(Context&)> run;
};

std::vector<Command>& registry();

struct CommandRegistration {
    explicit CommandRegistration(Command c) { registry().push_back(std::move(c)); }
};

/// Prints "kairos-cli NAME: message" to stderr and returns `code`. Credentials in URLs within
/// the message are masked (redactUrlCredentials).
int fail(const char* command, const QString& message, int code);
/// For a program that runs one command on its own (kairos-backtest): fail() prints
/// "NAME: message" instead.
void setStandaloneProgram(const char* name);

/// Small option reader over Context::args: takeOption("--from") removes "--from X" or
/// "--from=X" and returns X; takeFlag("--json") removes the flag. Errors (missing value) are
/// collected in `error`.
struct Args {
    QStringList rest;
    QString error;
    explicit Args(QStringList a) : rest(std::move(a)) {}
    std::optional<QString> takeOption(const QString& name);
    bool takeFlag(const QString& name);
    /// First unknown option ("--x") left, or empty.
    QString unknownOption() const;
};

}  // namespace kairos::cli
