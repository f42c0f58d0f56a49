// kairosd: the Kairos companion server.
#include "config.h"
#include "httpserver.h"

#include "util/version.h"

// Boost 1.74 asio uses std::exchange without including <utility> (fixed upstream later).
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

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
    if (!load.arguments.empty()) {
        std::fprintf(stderr, "kairosd: unknown command \"%s\" (see --help)\n", load.arguments.front().c_str());
        return 2;
    }

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
    if (std::string err = server.start(); !err.empty()) {
        std::fprintf(stderr, "kairosd: %s\n", err.c_str());
        return 1;
    }
    std::printf("kairosd %s listening on %s://%s:%u\n", kairos::versionString().c_str(), config.hasTls() ? "https" : "http",
                config.bind.c_str(), static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    signals.run();  // until SIGTERM or SIGINT
    std::fprintf(stderr, "kairosd: %s received\n", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.shutdown(std::chrono::milliseconds(config.shutdownDeadlineMs));
    return 0;
}
