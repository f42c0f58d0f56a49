#include "bartimeticker.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <cmath>

namespace kairos::charts {

namespace {
constexpr std::int64_t kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;
constexpr std::int64_t kMonth = 30 * kDay, kYear = 365 * kDay;
constexpr double kLabelSpacingPx = 110;

// Round steps; months and years are calendar steps (their value here is nominal, for choosing).
constexpr std::array<std::int64_t, 27> kSteps = {kSec,      5 * kSec,  15 * kSec, 30 * kSec,  kMin,       5 * kMin,   15 * kMin,
                                                 30 * kMin, kHour,     2 * kHour, 3 * kHour,  4 * kHour,  6 * kHour,  12 * kHour,
                                                 kDay,      2 * kDay,  7 * kDay,  14 * kDay,  kMonth,     3 * kMonth, 6 * kMonth,
                                                 kYear,     2 * kYear, 5 * kYear, 10 * kYear, 25 * kYear, 50 * kYear};

QDateTime utc(std::int64_t ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); }

/// The first round time strictly after `t` for `step`.
std::int64_t nextBoundary(std::int64_t t, std::int64_t step) {
    if (step < kDay || (step < 7 * kDay && step % kDay == 0)) {
        const std::int64_t k = t >= 0 ? t / step : -((-t + step - 1) / step);
        return (k + 1) * step;
    }
    if (step < kMonth) {  // weeks start on Monday 00:00 UTC
        const std::int64_t weeks = step / (7 * kDay);
        std::int64_t w = nextBucketStart(Timeframe::W1, t);
        // Keep multi-week ticks on a fixed grid of Mondays.
        while (((w / (7 * kDay)) % weeks) != 0) w = nextBucketStart(Timeframe::W1, w);
        return w;
    }
    const int months = step < kYear ? static_cast<int>(step / kMonth) : 12 * static_cast<int>(step / kYear);
    std::int64_t m = nextBucketStart(Timeframe::MN1, t);
    for (int guard = 0; guard < 1200; ++guard) {
        const QDate d = utc(m).date();
        const int monthIndex = d.year() * 12 + d.month() - 1;
        if (monthIndex % months == 0) break;
        m = nextBucketStart(Timeframe::MN1, m);
    }
    return m;
}
}  // namespace

QString formatBarTime(std::int64_t timeMs, Timeframe tf) {
    const QDateTime t = utc(timeMs);
    const std::int64_t nominal = nominalDurationMs(tf);
    if (nominal >= kMonth) return t.toString(QStringLiteral("MMM yyyy"));
    if (nominal >= kDay) return t.toString(QStringLiteral("ddd dd MMM ''yy"));
    if (nominal < kMin) return t.toString(QStringLiteral("ddd dd MMM ''yy HH:mm:ss")) + QStringLiteral(" UTC");
    return t.toString(QStringLiteral("ddd dd MMM ''yy HH:mm")) + QStringLiteral(" UTC");
}

QString BarTimeTicker::label(std::int64_t timeMs) const {
    const QDateTime t = utc(timeMs);
    const QDate d = t.date();
    const QTime tm = t.time();
    const bool midnight = tm == QTime(0, 0);
    if (m_stepMs >= kYear) return QString::number(d.year());
    if (m_stepMs >= kMonth) return d.month() == 1 ? QString::number(d.year()) : t.toString(QStringLiteral("MMM"));
    if (m_stepMs >= kDay) {
        if (midnight && d.day() == 1) return d.month() == 1 ? QString::number(d.year()) : t.toString(QStringLiteral("MMM"));
        return QString::number(d.day());
    }
    if (midnight) return d.day() == 1 && d.month() == 1 ? QString::number(d.year()) : t.toString(QStringLiteral("d MMM"));
    if (m_stepMs < kMin) return t.toString(QStringLiteral("HH:mm:ss"));
    return t.toString(QStringLiteral("HH:mm"));
}

void BarTimeTicker::generate(const QCPRange& range, const QLocale&, QChar, int, QVector<double>& ticks, QVector<double>* subTicks,
                             QVector<QString>* tickLabels) {
    ticks.clear();
    if (subTicks) subTicks->clear();
    if (tickLabels) tickLabels->clear();
    if (m_series->empty() || range.size() <= 0) return;
    const auto a = static_cast<std::int64_t>(std::ceil(range.lower));
    const auto b = static_cast<std::int64_t>(std::floor(range.upper));
    if (a > b) return;
    const Timeframe tf = *m_tf;
    const double widthPx = m_axis != nullptr ? std::max(50, m_axis->axisRect()->width()) : 800.0;
    const std::int64_t ta = m_series->timeOfIndex(a, tf), tb = m_series->timeOfIndex(b, tf);
    const std::int64_t nominal = nominalDurationMs(tf);
    const double msPerBar = b > a ? static_cast<double>(tb - ta) / static_cast<double>(b - a) : static_cast<double>(nominal);
    const double barsPerLabel = kLabelSpacingPx / (widthPx / range.size());
    const double desired = std::max(msPerBar * barsPerLabel, static_cast<double>(nominal));
    m_stepMs = kSteps.back();
    for (std::int64_t s : kSteps)
        if (static_cast<double>(s) >= desired) {
            m_stepMs = s;
            break;
        }
    std::int64_t last = a - 1;
    std::int64_t boundary = nextBoundary(ta - 1, m_stepMs);
    for (int guard = 0; guard < 400 && boundary <= tb; ++guard) {
        const auto idx = static_cast<std::int64_t>(std::ceil(m_series->indexOfTime(boundary, tf) - 1e-9));
        if (idx > b) break;
        if (idx > last && idx >= a) {
            ticks.push_back(static_cast<double>(idx));
            if (tickLabels) tickLabels->push_back(label(m_series->timeOfIndex(idx, tf)));
            last = idx;
        }
        // Past a gap longer than the step, continue from the bar the tick landed on.
        boundary = nextBoundary(std::max(boundary, m_series->timeOfIndex(std::max(idx, a), tf)), m_stepMs);
    }
}

}  // namespace kairos::charts
