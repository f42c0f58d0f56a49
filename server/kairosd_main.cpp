// kairosd: the Kairos companion server.
#include "httpserver.h"

#include "util/version.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

/// A usage error for a port that is not 0..65535 in decimal (never wrapped into another port).
int badPort(const char* source, const std::string& value) {
    std::fprintf(stderr, "kairosd: %s: \"%s\" is not a port number (0-65535, 0 = any free port); see --help\n", source,
                 value.c_str());
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    kairos::server::ServerOptions o;
    if (const char* p = std::getenv("KAIROSD_PORT")) {
        const auto port = kairos::server::parsePort(p);
        if (!port) return badPort("KAIROSD_PORT", p);
        o.port = *port;
    }
    if (const char* b = std::getenv("KAIROSD_BIND")) o.bindAddress = b;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--version") {
            std::printf("kairosd %s\n", kairos::versionString().c_str());
            return 0;
        } else if (a == "--help" || a == "-h") {
            std::printf(
                "Usage: kairosd [--bind ADDR] [--port N]\n"
                "  --bind ADDR  address to listen on (default 127.0.0.1; env KAIROSD_BIND)\n"
                "  --port N     port (default 8787, 0 = any free port; env KAIROSD_PORT)\n"
                "Endpoints: GET /health\n");
            return 0;
        } else if (a == "--port" || a.rfind("--port=", 0) == 0) {
            const bool hasInlineValue = a != "--port";
            if (!hasInlineValue && i + 1 >= argc) {
                std::fprintf(stderr, "kairosd: --port needs a value (0-65535; see --help)\n");
                return 2;
            }
            const std::string value = hasInlineValue ? a.substr(7) : std::string(argv[++i]);
            const auto port = kairos::server::parsePort(value);
            if (!port) return badPort("--port", value);
            o.port = *port;
        } else if (a == "--bind" && i + 1 < argc) {
            o.bindAddress = argv[++i];
        } else {
            std::fprintf(stderr, "kairosd: unknown argument \"%s\" (see --help)\n", a.c_str());
            return 2;
        }
    }
    kairos::server::HttpServer server(o);
    if (std::string err = server.start(); !err.empty()) {
        std::fprintf(stderr, "kairosd: %s\n", err.c_str());
        return 1;
    }
    std::printf("kairosd %s listening on http://%s:%u\n", kairos::versionString().c_str(), o.bindAddress.c_str(),
                static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    sigset_t none;
    sigemptyset(&none);
    while (!g_stop) sigsuspend(&none);
    server.stop();
    return 0;
}
