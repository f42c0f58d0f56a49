// kairosd: the Kairos companion server.
#include "accounts/accountsmodule.h"
#include "alerts/serveralerts.h"
#include "config.h"
#include "db/backup.h"
#include "httpserver.h"

#include "util/version.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

using kairos::server::ServerConfig;

/// One line from stdin, without echo when stdin is a terminal.
std::string readPassword(const char* prompt) {
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    termios old{};
    if (tty) {
        std::fputs(prompt, stderr);
        std::fflush(stderr);
        ::tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::fputs("\n", stderr);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

/// `kairosd backup FILE`, `kairosd restore FILE`, `kairosd admin create EMAIL`. Returns the exit code.
int runCommand(const ServerConfig& config, const std::vector<std::string>& args) {
    namespace acc = kairos::server::accounts;
    const std::string& command = args.front();
    if ((command == "backup" || command == "restore") && args.size() == 2) {
        if (config.isPostgres()) {
            std::fprintf(
                stderr,
                "kairosd: %s works on the SQLite database; for PostgreSQL use pg_dump -Fc / pg_restore (see the README)\n",
                command.c_str());
            return 2;
        }
        if (command == "backup") {
            if (auto st = kairos::server::db::backupSqlite(config.sqlitePath(), args[1]); !st) {
                std::fprintf(stderr, "kairosd: backup failed: %s\n", st.message().c_str());
                return 1;
            }
            std::printf("kairosd: backed up %s to %s\n", config.sqlitePath().c_str(), args[1].c_str());
            return 0;
        }
        if (config.database != "sqlite") {
            std::fprintf(stderr,
                         "kairosd: restore writes DATA_DIR/kairosd.sqlite; choose the target with --data-dir, not --database\n");
            return 2;
        }
        if (auto st = kairos::server::db::restoreSqlite(args[1], config.dataDir); !st) {
            std::fprintf(stderr, "kairosd: restore failed: %s\n", st.message().c_str());
            return 1;
        }
        std::printf("kairosd: restored %s into %s\n", args[1].c_str(), config.sqlitePath().c_str());
        return 0;
    }
    if (command == "admin" && args.size() == 3 && args[1] == "create") {
        const std::string password = readPassword("Password for the new admin: ");
        auto module = acc::AccountsModule::open(config);
        if (!module) {
            std::fprintf(stderr, "kairosd: %s\n", module.message().c_str());
            return 1;
        }
        auto id = (*module)->service().createAdmin(args[2], password);
        if (!id) {
            std::fprintf(stderr, "kairosd: admin create: %s\n", id.error().message.c_str());
            return 1;
        }
        std::printf("kairosd: %s is an admin (account %lld)\n", args[2].c_str(), static_cast<long long>(id.value()));
        return 0;
    }
    std::fprintf(stderr, "kairosd: unknown command \"%s\" (see --help)\n", command.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace kairos::server;
    const std::vector<std::string> args(argv + 1, argv + argc);
    const ConfigLoad load = loadConfig(args, processEnvironment());
    switch (load.action) {
    case ConfigAction::Help:
        std::fputs(configHelp().c_str(), stdout);
        return 0;
    case ConfigAction::Version:
        std::printf("kairosd %s\n", kairos::versionString().c_str());
        return 0;
    case ConfigAction::CheckConfig:
        if (!load.ok()) {
            std::fprintf(stderr, "kairosd: invalid configuration: %s\n", load.error.c_str());
            return 1;
        }
        std::fputs(describeConfig(load.config).c_str(), stdout);
        std::printf("# configuration OK\n");
        return 0;
    case ConfigAction::Serve:
        break;
    }
    if (!load.ok()) {
        std::fprintf(stderr, "kairosd: %s\n", load.error.c_str());
        return 2;
    }
    if (!load.arguments.empty()) return runCommand(load.config, load.arguments);

    // SIGTERM/SIGINT are caught from here on, before the server announces itself, so that a
    // supervisor's stop right after start-up is a graceful one.
    boost::asio::io_context signals;
    boost::asio::signal_set stopSignals(signals, SIGINT, SIGTERM);
    int received = 0;
    stopSignals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (!ec) received = signal;
    });

    const ServerConfig& config = load.config;
    HttpServer server(ServerOptions::fromConfig(config));
    auto accounts = accounts::AccountsModule::start(config, server);
    if (!accounts) {
        std::fprintf(stderr, "kairosd: %s\n", accounts.message().c_str());
        return 1;
    }
    auto serverAlerts = alerts::startForServer(config, server.router(), (*accounts)->database(), (*accounts)->service());
    if (!serverAlerts) {
        std::fprintf(stderr, "kairosd: %s\n", serverAlerts.message().c_str());
        return 1;
    }
    if (std::string err = server.start(); !err.empty()) {
        std::fprintf(stderr, "kairosd: %s\n", err.c_str());
        return 1;
    }
    (*accounts)->setListeningPort(server.port());
    if (!(*accounts)->generatedKeyFile().empty())
        std::printf("kairosd: created a token signing key in %s (keep it; back it up with the database)\n",
                    (*accounts)->generatedKeyFile().c_str());
    std::printf("kairosd: database %s; e-mail to %s\n", config.isPostgres() ? "PostgreSQL" : config.sqlitePath().c_str(),
                (*accounts)->mailDestination().c_str());
    std::printf("kairosd %s listening on %s://%s:%u\n", kairos::versionString().c_str(), config.hasTls() ? "https" : "http",
                config.bind.c_str(), static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    signals.run();  // until SIGTERM or SIGINT
    std::fprintf(stderr, "kairosd: %s received\n", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.shutdown(std::chrono::milliseconds(config.shutdownDeadlineMs));
    (*serverAlerts).reset();  // its thread stops before the database goes
    (*accounts).reset();      // after the server: no request uses the database any more
    return 0;
}
