#pragma once
// Backoff: exponential delays with jitter for reconnects and retries. The n-th delay is
// min(maxMs, initialMs * multiplier^n), of which a random share (`jitter`) is taken away, so that
// many clients cut off together do not come back in step ("decorrelated" retries).

#include <QRandomGenerator>

#include <cstdint>

namespace kairos::net {

class Backoff {
public:
    struct Policy {
        int initialMs = 500;      ///< first delay before jitter
        int maxMs = 60'000;       ///< cap before jitter
        double multiplier = 2.0;  ///< growth per attempt (>= 1)
        double jitter = 0.5;      ///< 0..1: delay is uniform in [d * (1 - jitter), d]
    };

    Backoff() : Backoff(Policy{}) {}
    /// `seed` makes the jitter reproducible (tests); 0 seeds from the system.
    explicit Backoff(Policy policy, quint32 seed = 0);

    /// The delay before the next attempt, in ms; advances the attempt count.
    int nextDelayMs();
    /// The delay nextDelayMs() would give without jitter, for display.
    int peekBaseDelayMs() const;
    /// Back to the first delay (after a connection proved healthy).
    void reset() { m_attempt = 0; }
    /// Attempts since the last reset.
    int attempts() const { return m_attempt; }
    const Policy& policy() const { return m_policy; }

private:
    Policy m_policy;
    int m_attempt = 0;
    QRandomGenerator m_rng;
};

}  // namespace kairos::net
