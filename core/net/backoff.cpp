#include "net/backoff.h"

#include <algorithm>
#include <cmath>

namespace kairos::net {

Backoff::Backoff(Policy policy, quint32 seed)
    : m_policy(policy), m_rng(seed != 0 ? seed : QRandomGenerator::system()->generate()) {
    m_policy.initialMs = std::max(1, m_policy.initialMs);
    m_policy.maxMs = std::max(m_policy.initialMs, m_policy.maxMs);
    m_policy.multiplier = std::max(1.0, m_policy.multiplier);
    m_policy.jitter = std::clamp(m_policy.jitter, 0.0, 1.0);
}

int Backoff::peekBaseDelayMs() const {
    const double d = m_policy.initialMs * std::pow(m_policy.multiplier, std::min(m_attempt, 60));
    return static_cast<int>(std::min<double>(d, m_policy.maxMs));
}

int Backoff::nextDelayMs() {
    const int base = peekBaseDelayMs();
    ++m_attempt;
    const double cut = m_policy.jitter * m_rng.generateDouble();
    return std::max(1, static_cast<int>(std::lround(base * (1.0 - cut))));
}

}  // namespace kairos::net
