#include "indicators/pricetransforms.h"

namespace kairos::indicators {

// Once per session, not per bar: out of line.
PivotValue Pivots::levels(double h, double l, double c) const {
    PivotValue v;
    const double range = h - l;
    v.pivot = (h + l + c) / 3.0;
    switch (m_kind) {
    case PivotKind::Classic:
        v.r1 = 2 * v.pivot - l;
        v.s1 = 2 * v.pivot - h;
        v.r2 = v.pivot + range;
        v.s2 = v.pivot - range;
        v.r3 = h + 2 * (v.pivot - l);
        v.s3 = l - 2 * (h - v.pivot);
        break;
    case PivotKind::Fibonacci:
        v.r1 = v.pivot + 0.382 * range;
        v.s1 = v.pivot - 0.382 * range;
        v.r2 = v.pivot + 0.618 * range;
        v.s2 = v.pivot - 0.618 * range;
        v.r3 = v.pivot + range;
        v.s3 = v.pivot - range;
        break;
    case PivotKind::Camarilla:
        v.r1 = c + range * 1.1 / 12;
        v.s1 = c - range * 1.1 / 12;
        v.r2 = c + range * 1.1 / 6;
        v.s2 = c - range * 1.1 / 6;
        v.r3 = c + range * 1.1 / 4;
        v.s3 = c - range * 1.1 / 4;
        break;
    }
    return v;
}

}  // namespace kairos::indicators
