// kairos-backtest: the backtester's command-line entry point. The backtest engine is not built
// yet (see the backtest issue); until then this says so plainly and exits with the usage code.
#include "util/version.h"

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("kairos-backtest %s\n", kairos::versionString().c_str());
        return 0;
    }
    std::fprintf(stderr, "kairos-backtest: the backtest engine is not part of this build yet; "
                         "nothing was run.\n");
    return 2;
}
