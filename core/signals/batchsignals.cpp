#include "signals/batchsignals.h"

#include <QtConcurrent/QtConcurrentMap>

#include <atomic>
#include <numeric>

namespace kairos::signal {

Result<std::vector<SeriesSignals>> generateAll(const std::vector<SeriesInput>& series, const SignalRules& rules,
                                               const std::atomic<bool>* cancel, const std::function<void(int, int)>& progress) {
    std::vector<SeriesSignals> out(series.size());
    std::vector<int> indexes(series.size());
    std::iota(indexes.begin(), indexes.end(), 0);
    std::atomic<int> done{0};
    const int total = static_cast<int>(series.size());
    QtConcurrent::blockingMap(indexes, [&](int i) {
        if (cancel && cancel->load()) return;
        const SeriesInput& in = series[static_cast<std::size_t>(i)];
        SeriesSignals& o = out[static_cast<std::size_t>(i)];
        o.id = in.id;
        o.tf = in.tf;
        o.list = generateSignals(in.bars, in.tf, rules);
        const int n = ++done;
        if (progress) progress(n, total);
    });
    if (cancel && cancel->load())
        return makeError("signal generation was cancelled after " + std::to_string(done.load()) + " of " + std::to_string(total) +
                         " series");
    return out;
}

}  // namespace kairos::signal
