// Known answers: every case in Tulip Indicators' test files (tests/data/tulip, copied from
// shared/reference/tulip; atoz.txt = Achelis' published values) for the indicators we have.
#include "indicators/batch.h"

#include "testdata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <sstream>

using namespace kairos::indicators;

namespace {
struct Case {
    std::string file;
    int line = 0;
    std::string name;
    std::vector<double> options;
    std::vector<std::vector<double>> arrays;  // inputs then outputs
};

std::vector<Case> readCases(const std::string& file) {
    std::vector<Case> out;
    std::istringstream in(kairos::test::readFile(kairos::test::fixture("tulip/" + file)));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '{') {
            if (out.empty()) continue;
            std::vector<double> a;
            std::string body = line.substr(1, line.find('}') - 1);
            std::stringstream ss(body);
            std::string item;
            while (std::getline(ss, item, ',')) a.push_back(std::stod(item));
            out.back().arrays.push_back(std::move(a));
            continue;
        }
        Case c;
        c.file = file;
        c.line = n;
        std::stringstream ss(line);
        ss >> c.name;
        double o = 0;
        while (ss >> o) c.options.push_back(o);
        out.push_back(std::move(c));
    }
    return out;
}

using Outputs = std::vector<std::vector<double>>;
// Runs our indicator with Tulip's conventions; returns one array per output (input length).
std::map<std::string, std::pair<int, std::function<Outputs(const Case&)>>> ours() {
    auto n = [](const Case& c) { return c.arrays[0].size(); };
    return {
        {"sma",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              sma(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"ema",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              ema(c.arrays[0], static_cast<int>(c.options[0]), o[0], Seed::FirstValue);
              return o;
          }}},
        {"rsi",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              rsi(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"tr",
         {3,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              trueRange(c.arrays[0], c.arrays[1], c.arrays[2], o[0]);
              return o;
          }}},
        {"atr",
         {3,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              atr(c.arrays[0], c.arrays[1], c.arrays[2], static_cast<int>(c.options[0]), o[0], AtrSeed::IncludeFirstBar);
              return o;
          }}},
        {"macd",
         {1,
          [n](const Case& c) {
              Outputs o(3, std::vector<double>(n(c)));
              macd(c.arrays[0], static_cast<int>(c.options[0]), static_cast<int>(c.options[1]), static_cast<int>(c.options[2]),
                   o[0], o[1], o[2], MacdVariant::Tulip);
              return o;
          }}},
        {"wma",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              wma(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"dema",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              dema(c.arrays[0], static_cast<int>(c.options[0]), o[0], Seed::FirstValue);
              return o;
          }}},
        {"tema",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              tema(c.arrays[0], static_cast<int>(c.options[0]), o[0], Seed::FirstValue);
              return o;
          }}},
        {"roc",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              roc(c.arrays[0], static_cast<int>(c.options[0]), o[0], RocUnit::Ratio);
              return o;
          }}},
        {"mom",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              momentum(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"stddev",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              stddev(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"obv",
         {2,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              obv(c.arrays[0], c.arrays[1], o[0]);
              return o;
          }}},
        {"hma",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              hma(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"linreg",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              linreg(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"vwma",
         {2,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              vwma(c.arrays[0], c.arrays[1], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"mfi",
         {4,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              mfi(c.arrays[0], c.arrays[1], c.arrays[2], c.arrays[3], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        // Tulip's adx and dx take high and low only (the true range cancels out of DX); we pass the
        // low as the close, which only the DI outputs would use.
        {"adx",
         {2,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              directionalMovement(c.arrays[0], c.arrays[1], c.arrays[1], static_cast<int>(c.options[0]), {}, {}, {}, o[0],
                                  DmVariant::Tulip);
              return o;
          }}},
        {"dx",
         {2,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              directionalMovement(c.arrays[0], c.arrays[1], c.arrays[1], static_cast<int>(c.options[0]), {}, {}, o[0], {},
                                  DmVariant::Tulip);
              return o;
          }}},
        {"di",
         {3,
          [n](const Case& c) {
              Outputs o(2, std::vector<double>(n(c)));
              directionalMovement(c.arrays[0], c.arrays[1], c.arrays[2], static_cast<int>(c.options[0]), o[0], o[1], {}, {},
                                  DmVariant::Tulip);
              return o;
          }}},
        {"psar",
         {2,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              psar(c.arrays[0], c.arrays[1], c.options[0], c.options[1], o[0]);
              return o;
          }}},
        {"cci",
         {3,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              const int p = static_cast<int>(c.options[0]);
              cci(c.arrays[0], c.arrays[1], c.arrays[2], p, o[0]);
              // Tulip starts CCI at 2N-2 although it is defined from N-1.
              for (int i = 0; i < 2 * p - 2 && i < static_cast<int>(n(c)); ++i) o[0][static_cast<std::size_t>(i)] = kNaN;
              return o;
          }}},
        {"stochrsi",
         {1,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              stochRsi(c.arrays[0], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"stoch",
         {3,
          [n](const Case& c) {
              Outputs o(2, std::vector<double>(n(c)));
              const int k = static_cast<int>(c.options[0]), slow = static_cast<int>(c.options[1]),
                        d = static_cast<int>(c.options[2]);
              stochastic(c.arrays[0], c.arrays[1], c.arrays[2], k, slow, d, o[0], o[1]);
              // Tulip reports %K only from %D's first index; ours starts earlier (K+slowing-2).
              for (int i = 0; i < k + slow + d - 3 && i < static_cast<int>(n(c)); ++i) o[0][static_cast<std::size_t>(i)] = kNaN;
              return o;
          }}},
        {"willr",
         {3,
          [n](const Case& c) {
              Outputs o(1, std::vector<double>(n(c)));
              williamsR(c.arrays[0], c.arrays[1], c.arrays[2], static_cast<int>(c.options[0]), o[0]);
              return o;
          }}},
        {"aroon",
         {2,
          [n](const Case& c) {
              Outputs o(2, std::vector<double>(n(c)));
              aroon(c.arrays[0], c.arrays[1], static_cast<int>(c.options[0]), o[0], o[1]);
              return o;
          }}},
        {"bbands",
         {1,
          [n](const Case& c) {
              Outputs o(3, std::vector<double>(n(c)));
              bollinger(c.arrays[0], static_cast<int>(c.options[0]), c.options[1], o[0], o[1], o[2]);
              return o;
          }}},
    };
}
}  // namespace

TEST(TulipVectors, EveryCaseOfOurIndicatorsMatchesWithinTulipTolerance) {
    const auto impl = ours();
    std::map<std::string, int> ran;
    for (const char* file : {"atoz.txt", "untest.txt", "extra.txt"}) {
        for (const Case& c : readCases(file)) {
            auto it = impl.find(c.name);
            if (it == impl.end()) continue;
            const int inputs = it->second.first;
            SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + " " + c.name);
            ASSERT_GT(static_cast<int>(c.arrays.size()), inputs);
            const Outputs got = it->second.second(c);
            const std::size_t len = c.arrays[0].size();
            ASSERT_EQ(got.size(), c.arrays.size() - static_cast<std::size_t>(inputs));
            for (std::size_t k = 0; k < got.size(); ++k) {
                const auto& want = c.arrays[static_cast<std::size_t>(inputs) + k];
                ASSERT_LE(want.size(), len);
                const std::size_t offset = len - want.size();  // right-aligned
                for (std::size_t i = 0; i < offset; ++i) EXPECT_TRUE(std::isnan(got[k][i])) << "output " << k << " index " << i;
                for (std::size_t i = 0; i < want.size(); ++i)
                    EXPECT_NEAR(got[k][offset + i], want[i], 0.001) << "output " << k << " index " << offset + i;
            }
            ++ran[c.name];
        }
    }
    // Every indicator we have is covered by at least one case.
    for (const auto& [name, _] : impl) EXPECT_GE(ran[name], 1) << name;
}
