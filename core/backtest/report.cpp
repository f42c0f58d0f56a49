#include "backtest/report.h"

#include "domain/timeframe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace kairos::backtest {

std::string htmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Formatting

std::string fixed(double v, int decimals) {
    if (std::isnan(v)) return "–";
    if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s == "-0" || s.rfind("-0.", 0) == 0) {  // no "-0.00"
        bool zero = true;
        for (char c : s)
            if (c >= '1' && c <= '9') zero = false;
        if (zero) s.erase(0, 1);
    }
    return s;
}

/// 1234567.891 -> "1,234,567.89"
std::string grouped(double v, int decimals = 2) {
    std::string s = fixed(v, decimals);
    if (!std::isfinite(v)) return s;
    const bool neg = !s.empty() && s[0] == '-';
    const std::size_t start = neg ? 1 : 0;
    std::size_t dot = s.find('.');
    if (dot == std::string::npos) dot = s.size();
    for (std::size_t i = dot; i > start + 3; i -= 3) s.insert(i - 3, ",");
    return s;
}

std::string pct(double v, int decimals = 2) { return fixed(v, decimals) + "%"; }
std::string signedPct(double v, int decimals = 2) {
    if (!std::isfinite(v)) return fixed(v, decimals);
    return (v > 0 ? "+" : "") + pct(v, decimals);
}

/// "2025-06-21" or "2025-06-21 23:00" (UTC).
std::string isoDate(std::int64_t ms, bool withTime) {
    std::string s = formatUtc(ms);  // 2025-06-21T23:00:00.000Z
    if (s.size() < 16) return s;
    if (!withTime) return s.substr(0, 10);
    s[10] = ' ';
    return s.substr(0, 16);
}

std::pair<int, int> yearMonth(std::int64_t ms) {
    const CivilDate d = civilDate(ms);
    return {d.year, d.month};
}

std::int64_t monthStartMs(int year, int month) { return utcMs(year, month, 1); }

const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Colours (a restrained palette that reads on white and prints well).
constexpr const char* kBlue = "#2563eb";
constexpr const char* kGrey = "#94a3b8";
constexpr const char* kRed = "#dc2626";
constexpr const char* kOrange = "#ea580c";

/// Background for a value on a diverging green/red scale; `scale` is the magnitude of full colour.
std::string heat(double v, double scale, bool higherIsBetter = true) {
    if (!std::isfinite(v) || scale <= 0) return "background:#f1f5f9";
    if (v == 0) return "background:#f8fafc";  // a flat period (no position) is neutral
    const double t = std::min(std::abs(v) / scale, 1.0);
    const bool good = (v >= 0) == higherIsBetter;
    char buf[80];
    std::snprintf(buf, sizeof buf, "background:rgba(%s,%.3f)", good ? "22,163,74" : "220,38,38", 0.08 + 0.72 * t);
    return buf;
}

// ---------------------------------------------------------------------------------------------
// SVG charts

struct Series {
    std::vector<double> x, y;
    std::vector<double> lower;  ///< non-empty: a band filled between lower and y (no line)
    std::string color;
    std::string label;
    double width = 1.6;
    bool areaToZero = false;  ///< fill between the line and y = 0 (drawdown)
    bool dashed = false;
};

enum class YFormat : std::uint8_t { Money = 1, Percent, Plain };

struct ChartSpec {
    std::vector<Series> series;
    bool timeAxis = true;
    YFormat yFormat = YFormat::Money;
    int height = 300;
    bool includeZero = false;
};

constexpr double kW = 1100, kLeft = 78, kRight = 16, kTop = 12, kBottom = 30;

double niceStep(double range, int targetTicks) {
    if (!(range > 0)) return 1;
    const double raw = range / targetTicks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * mag) return m * mag;
    return 10 * mag;
}

std::string yLabel(double v, YFormat f, double step) {
    const int decimals = step >= 1 ? 0 : (step >= 0.1 ? 1 : 2);
    switch (f) {
    case YFormat::Money:
        return std::abs(v) >= 1e6 ? fixed(v / 1e6, step >= 1e6 ? 0 : 2) + "M" : grouped(v, decimals);
    case YFormat::Percent:
        return fixed(v, decimals) + "%";
    case YFormat::Plain:
        return fixed(v, decimals);
    }
    return fixed(v, decimals);
}

/// Points in pixels, thinned to at most a min and a max per pixel column (the drawn shape is the same).
std::vector<std::pair<double, double>> thin(const std::vector<std::pair<double, double>>& pts) {
    if (pts.size() <= 2400) return pts;
    std::vector<std::pair<double, double>> out;
    std::size_t i = 0;
    while (i < pts.size()) {
        const long col = std::lround(pts[i].first);
        std::size_t lo = i, hi = i, j = i;
        for (; j < pts.size() && std::lround(pts[j].first) == col; ++j) {
            if (pts[j].second < pts[lo].second) lo = j;
            if (pts[j].second > pts[hi].second) hi = j;
        }
        out.push_back(pts[std::min(lo, hi)]);
        if (lo != hi) out.push_back(pts[std::max(lo, hi)]);
        i = j;
    }
    return out;
}

std::string pointsAttr(const std::vector<std::pair<double, double>>& pts) {
    std::string s;
    s.reserve(pts.size() * 14);
    char buf[48];
    for (const auto& [x, y] : pts) {
        std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x, y);
        s += buf;
    }
    if (!s.empty()) s.pop_back();
    return s;
}

std::string svgChart(const ChartSpec& spec) {
    double xMin = INFINITY, xMax = -INFINITY, yMin = INFINITY, yMax = -INFINITY;
    for (const Series& s : spec.series) {
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            xMin = std::min(xMin, s.x[i]);
            xMax = std::max(xMax, s.x[i]);
            yMin = std::min(yMin, s.y[i]);
            yMax = std::max(yMax, s.y[i]);
            if (!s.lower.empty() && i < s.lower.size() && std::isfinite(s.lower[i])) yMin = std::min(yMin, s.lower[i]);
        }
    }
    const double h = spec.height;
    std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + fixed(kW, 0) + " " + fixed(h, 0) + "\" role=\"img\">";
    if (!std::isfinite(xMin) || !std::isfinite(yMin)) return out + "<text x=\"20\" y=\"30\">no data</text></svg>";
    if (spec.includeZero) {
        yMin = std::min(yMin, 0.0);
        yMax = std::max(yMax, 0.0);
    }
    if (yMax - yMin <= 0) {
        const double pad = yMax == 0 ? 1 : std::abs(yMax) * 0.05;
        yMin -= pad;
        yMax += pad;
    }
    const double step = niceStep(yMax - yMin, 5);
    const double lo = std::floor(yMin / step) * step;
    const double hi = std::ceil(yMax / step) * step;
    if (xMax <= xMin) xMax = xMin + 1;
    const double plotW = kW - kLeft - kRight, plotH = h - kTop - kBottom;
    auto px = [&](double x) { return kLeft + (x - xMin) / (xMax - xMin) * plotW; };
    auto py = [&](double y) { return kTop + (hi - y) / (hi - lo) * plotH; };

    // Grid and y labels.
    out += "<g class=\"grid\">";
    for (double v = lo; v <= hi + step * 0.5; v += step) {
        const double y = py(v);
        char buf[200];
        std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", kLeft, y, kW - kRight, y);
        out += buf;
        std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", kLeft - 8, y + 4);
        out += buf + htmlEscape(yLabel(std::abs(v) < step * 1e-9 ? 0.0 : v, spec.yFormat, step)) + "</text>";
    }
    // X labels: years, or months (every k-th), or plain numbers.
    std::vector<std::pair<double, std::string>> xt;
    if (spec.timeAxis) {
        const auto [y0, m0] = yearMonth(static_cast<std::int64_t>(xMin));
        const auto [y1, m1] = yearMonth(static_cast<std::int64_t>(xMax));
        const int months = (y1 - y0) * 12 + (m1 - m0) + 1;
        if (months > 30) {
            const int every = std::max(1, (y1 - y0 + 1) / 12 + 1);
            for (int y = y0 + 1; y <= y1; ++y)
                if ((y - y0) % every == 0) xt.emplace_back(static_cast<double>(monthStartMs(y, 1)), std::to_string(y));
        } else if (months > 1) {
            const int every = std::max(1, months / 10 + 1);
            int i = 0;
            for (int y = y0, m = m0; y < y1 || (y == y1 && m <= m1); ++i) {
                if (++m > 12) {
                    m = 1;
                    ++y;
                }
                if (y > y1 || (y == y1 && m > m1)) break;
                if (i % every == 0)
                    xt.emplace_back(static_cast<double>(monthStartMs(y, m)),
                                    std::string(kMonthNames[m - 1]) + (m == 1 || xt.empty() ? " " + std::to_string(y) : ""));
            }
        } else {
            xt.emplace_back(xMin, isoDate(static_cast<std::int64_t>(xMin), true));
            xt.emplace_back(xMax, isoDate(static_cast<std::int64_t>(xMax), true));
        }
    } else {
        const double xs = niceStep(xMax - xMin, 8);
        for (double v = std::ceil(xMin / xs) * xs; v <= xMax + 1e-9; v += xs) xt.emplace_back(v, fixed(v, xs >= 1 ? 0 : 1));
    }
    for (const auto& [x, label] : xt) {
        if (x < xMin || x > xMax) continue;
        char buf[200];
        std::snprintf(buf, sizeof buf, "<line class=\"v\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px(x), kTop, px(x),
                      h - kBottom);
        out += buf;
        std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", px(x), h - kBottom + 18);
        out += buf + htmlEscape(label) + "</text>";
    }
    out += "</g>";
    if (lo < 0 && hi > 0) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "<line class=\"zero\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", kLeft, py(0),
                      kW - kRight, py(0));
        out += buf;
    }

    for (const Series& s : spec.series) {
        std::vector<std::pair<double, double>> pts;
        pts.reserve(s.x.size());
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.y[i])) pts.emplace_back(px(s.x[i]), py(s.y[i]));
        if (pts.empty()) continue;
        if (!s.lower.empty()) {
            std::vector<std::pair<double, double>> band = pts;
            for (std::size_t i = s.x.size(); i-- > 0;)
                if (i < s.lower.size() && std::isfinite(s.lower[i])) band.emplace_back(px(s.x[i]), py(s.lower[i]));
            out += "<polygon fill=\"" + s.color + "\" fill-opacity=\"0.18\" stroke=\"none\" points=\"" + pointsAttr(thin(band)) +
                "\"/>";
            continue;
        }
        const auto thinned = thin(pts);
        if (s.areaToZero) {
            std::vector<std::pair<double, double>> area = thinned;
            area.emplace_back(thinned.back().first, py(0));
            area.emplace_back(thinned.front().first, py(0));
            out +=
                "<polygon fill=\"" + s.color + "\" fill-opacity=\"0.22\" stroke=\"none\" points=\"" + pointsAttr(area) + "\"/>";
        }
        out += "<polyline fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"" + fixed(s.width, 1) +
            "\" stroke-linejoin=\"round\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + pointsAttr(thinned) +
            "\"/>";
    }
    return out + "</svg>";
}

std::string legend(const std::vector<Series>& series) {
    std::string out = "<div class=\"legend\">";
    for (const Series& s : series)
        if (!s.label.empty()) out += "<span><i style=\"background:" + s.color + "\"></i>" + htmlEscape(s.label) + "</span>";
    return out + "</div>";
}

// ---------------------------------------------------------------------------------------------
// Sections

const char* kCss = R"css(
*{box-sizing:border-box}
body{margin:0;background:#f4f6f9;color:#0f172a;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif}
header{background:#0f172a;color:#e2e8f0;padding:22px 0 20px}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600;color:#fff}
header .sub{color:#94a3b8;font-size:13px}
header .brand{float:right;color:#64748b;font-size:12px;letter-spacing:.08em;text-transform:uppercase;margin-top:6px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:18px 0;padding:18px 20px}
h2{margin:0 0 12px;font-size:15px;font-weight:600;color:#1e293b;letter-spacing:.01em}
h2 small{font-weight:400;color:#64748b;margin-left:6px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:18px 0}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 14px}
.card .k{color:#64748b;font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.card .v{font-size:22px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}
.card .n{color:#64748b;font-size:12px}
.pos{color:#15803d}.neg{color:#b91c1c}
svg.chart{width:100%;height:auto;display:block}
svg.chart .grid line{stroke:#e2e8f0;stroke-width:1}
svg.chart .grid line.v{stroke:#f1f5f9}
svg.chart .grid text{fill:#64748b;font-size:11px}
svg.chart line.zero{stroke:#94a3b8;stroke-width:1}
.legend{font-size:12px;color:#475569;margin:-4px 0 6px}
.legend span{margin-right:16px}
.legend i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:6px;border-radius:2px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:5px 8px;text-align:right;white-space:nowrap}
th{font-size:12px;font-weight:600;color:#475569;border-bottom:1px solid #cbd5e1;background:#f8fafc}
td{border-bottom:1px solid #f1f5f9}
th.l,td.l{text-align:left}
table.heat td{text-align:center;font-size:12px;border:2px solid #fff;border-radius:3px}
table.heat td.y{font-weight:600}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 28px}
.kv td:first-child{text-align:left;color:#475569}
.scroll{max-height:560px;overflow:auto;border:1px solid #f1f5f9}
.scroll th{position:sticky;top:0}
.note{color:#64748b;font-size:12px;margin-top:8px}
footer{color:#94a3b8;font-size:12px;text-align:center;padding:8px 0 28px}
)css";

std::string card(const std::string& key, const std::string& value, const std::string& note, int sign = 0) {
    return "<div class=\"card\"><div class=\"k\">" + htmlEscape(key) + "</div><div class=\"v" +
        (sign > 0 ? " pos" : (sign < 0 ? " neg" : "")) + "\">" + htmlEscape(value) + "</div><div class=\"n\">" +
        htmlEscape(note) + "</div></div>";
}

int signOf(double v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

std::string kvRow(const std::string& k, const std::string& v) {
    return "<tr><td>" + htmlEscape(k) + "</td><td>" + htmlEscape(v) + "</td></tr>";
}

std::string monthlyTable(const Metrics& m) {
    if (m.monthlyReturns.empty()) return "<p class=\"note\">No bars.</p>";
    std::map<std::pair<int, int>, double> month;
    double scale = 0;
    for (const PeriodReturn& p : m.monthlyReturns) {
        month[{p.year, p.month}] = p.returnPct;
        scale = std::max(scale, std::abs(p.returnPct));
    }
    double yearScale = 0;
    for (const PeriodReturn& p : m.yearlyReturns) yearScale = std::max(yearScale, std::abs(p.returnPct));
    std::string out = "<table class=\"heat\"><tr><th class=\"l\">Year</th>";
    for (const char* name : kMonthNames) out += std::string("<th>") + name + "</th>";
    out += "<th>Year</th></tr>";
    for (const PeriodReturn& y : m.yearlyReturns) {
        out += "<tr><th class=\"l\">" + std::to_string(y.year) + "</th>";
        for (int mo = 1; mo <= 12; ++mo) {
            auto it = month.find({y.year, mo});
            if (it == month.end())
                out += "<td></td>";
            else
                out += "<td style=\"" + heat(it->second, scale) + "\">" + fixed(it->second, 1) + "</td>";
        }
        out += "<td class=\"y\" style=\"" + heat(y.returnPct, yearScale) + "\">" + fixed(y.returnPct, 1) + "</td></tr>";
    }
    return out +
        "</table><p class=\"note\">Returns in % of the equity at the end of the period before (marked to market at "
        "each bar's close, UTC months).</p>";
}

std::string metricsTable(const BacktestResult& r) {
    const Metrics& m = r.metrics;
    std::vector<std::pair<std::string, std::string>> left = {
        {"Initial capital", m.initialCapital.toTrimmedString()},
        {"Final equity", m.finalEquity.toTrimmedString()},
        {"Final cash", r.finalCash.toTrimmedString()},
        {"Net profit", m.netProfit.toTrimmedString()},
        {"Total return", pct(m.totalReturnPct)},
        {"Buy & hold return", pct(m.buyHoldReturnPct)},
        {"Excess over buy & hold", signedPct(m.excessReturnPct)},
        {"CAGR", pct(m.cagrPct)},
        {"Annualised volatility", pct(m.annualVolatilityPct)},
        {"Sharpe ratio", fixed(m.sharpe, 3)},
        {"Sortino ratio", fixed(m.sortino, 3)},
        {"Calmar ratio", fixed(m.calmar, 3)},
        {"Periods per year (annualisation)", fixed(m.periodsPerYear, 1)},
        {"Risk-free rate", pct(m.riskFreeRate * 100.0)},
        {"Max drawdown", m.maxDrawdown.toTrimmedString() + " (" + pct(m.maxDrawdownPct) + ")"},
        {"Max drawdown duration",
         fixed(static_cast<double>(m.maxDrawdownDurationMs) / 86400000.0, 1) + " days (" +
             std::to_string(m.maxDrawdownDurationBars) + " bars)"},
    };
    std::vector<std::pair<std::string, std::string>> right = {
        {"Closed trades", std::to_string(m.trades)},
        {"Wins / losses", std::to_string(m.wins) + " / " + std::to_string(m.losses)},
        {"Win rate", pct(m.winRatePct)},
        {"Profit factor", fixed(m.profitFactor, 3)},
        {"Expectancy (per trade)", grouped(m.expectancy)},
        {"Average win", grouped(m.averageWin)},
        {"Average loss", grouped(m.averageLoss)},
        {"Average R",
         m.tradesWithR > 0 ? fixed(m.averageR, 3) + " (" + std::to_string(m.tradesWithR) + " trades)" : "– (no stop)"},
        {"Longest winning streak", std::to_string(m.longestWinStreak)},
        {"Longest losing streak", std::to_string(m.longestLossStreak)},
        {"Gross profit", m.grossProfit.toTrimmedString()},
        {"Gross loss", m.grossLoss.toTrimmedString()},
        {"Total fees", m.totalFees.toTrimmedString()},
        {"Exposure", pct(m.exposurePct)},
        {"Rejected orders", std::to_string(r.rejectedOrders)},
        {"Open position",
         r.openPosition ? toString(r.openPosition->side) + " " + r.openPosition->quantity.toTrimmedString() + " from " +
                 r.openPosition->entryPrice.toTrimmedString()
                        : "none"},
    };
    std::string out = "<div class=\"grid2\"><table class=\"kv\">";
    for (const auto& [k, v] : left) out += kvRow(k, v);
    out += "</table><table class=\"kv\">";
    for (const auto& [k, v] : right) out += kvRow(k, v);
    return out + "</table></div>";
}

std::string tradeTable(const BacktestResult& r, std::size_t maxRows, bool intraday) {
    if (r.trades.empty()) return "<p class=\"note\">No closed trades.</p>";
    std::string out =
        "<div class=\"scroll\"><table><tr><th>#</th><th class=\"l\">Side</th><th class=\"l\">Entry time</th>"
        "<th>Entry price</th><th class=\"l\">Exit time</th><th>Exit price</th><th>Quantity</th><th>Net P&amp;L</th>"
        "<th>Return</th><th>Fees</th><th>R</th><th>Bars</th><th class=\"l\">Exit reason</th></tr>";
    const std::size_t n = maxRows == 0 ? r.trades.size() : std::min(maxRows, r.trades.size());
    for (std::size_t i = 0; i < n; ++i) {
        const TradeRecord& t = r.trades[i];
        const double cost = t.entryPrice.toDouble() * t.quantity.toDouble();
        const double ret = cost > 0 ? t.netPnl.toDouble() / cost * 100.0 : 0.0;
        const int s = t.netPnl.isNegative() ? -1 : (t.netPnl.isZero() ? 0 : 1);
        const std::string cls = s > 0 ? " class=\"pos\"" : (s < 0 ? " class=\"neg\"" : "");
        out += "<tr><td>" + std::to_string(i + 1) + "</td><td class=\"l\">" + htmlEscape(toString(t.side)) +
            "</td><td class=\"l\">" + isoDate(t.entryTimeMs, intraday) + "</td><td>" + t.entryPrice.toTrimmedString() +
            "</td><td class=\"l\">" + isoDate(t.exitTimeMs, intraday) + "</td><td>" + t.exitPrice.toTrimmedString() +
            "</td><td>" + t.quantity.toTrimmedString() + "</td><td" + cls + ">" + t.netPnl.toTrimmedString() + "</td><td" + cls +
            ">" + signedPct(ret) + "</td><td>" + t.fees.toTrimmedString() + "</td><td>" +
            (t.initialRisk > 0 ? fixed(t.netPnl.toDouble() / t.initialRisk, 2) : std::string("–")) + "</td><td>" +
            std::to_string(t.barsHeld) + "</td><td class=\"l\">" + htmlEscape(toString(t.exitReason)) + "</td></tr>";
    }
    out += "</table></div>";
    if (n < r.trades.size())
        out += "<p class=\"note\">The first " + std::to_string(n) + " of " + std::to_string(r.trades.size()) +
            " trades are listed.</p>";
    return out;
}

std::string heatmapSection(const ReportHeatmap& h) {
    double lo = INFINITY, hi = -INFINITY;
    for (double v : h.values)
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    const double mid = std::isfinite(lo) ? (lo + hi) / 2 : 0;
    const double scale = std::isfinite(lo) ? std::max((hi - lo) / 2, 1e-12) : 1;
    std::string out = "<section id=\"optimisation\"><h2>Optimisation <small>" + htmlEscape(h.metric) + " by " +
        htmlEscape(h.yParam) + " (rows) and " + htmlEscape(h.xParam) +
        " (columns)</small></h2><div class=\"scroll\"><table class=\"heat\"><tr><th class=\"l\">" + htmlEscape(h.yParam) +
        " \\ " + htmlEscape(h.xParam) + "</th>";
    for (double x : h.xValues) out += "<th>" + htmlEscape(fixed(x, x == std::floor(x) ? 0 : 2)) + "</th>";
    out += "</tr>";
    for (std::size_t row = 0; row < h.yValues.size(); ++row) {
        const double y = h.yValues[row];
        out += "<tr><th class=\"l\">" + htmlEscape(fixed(y, y == std::floor(y) ? 0 : 2)) + "</th>";
        for (std::size_t col = 0; col < h.xValues.size(); ++col) {
            const double v = h.values[row * h.xValues.size() + col];
            out += "<td style=\"" + heat(v - mid, scale, h.higherIsBetter) + "\">" + (std::isfinite(v) ? fixed(v, 2) : "–") +
                "</td>";
        }
        out += "</tr>";
    }
    return out + "</table></div><p class=\"note\">Best " + htmlEscape(h.metric) + ": " +
        (std::isfinite(lo) ? fixed(h.higherIsBetter ? hi : lo, 3) : std::string("–")) + ". Empty cells: not run.</p></section>";
}

std::string walkForwardSection(const ReportWalkForward& w, bool intraday) {
    std::string out = "<section id=\"walk-forward\"><h2>Walk-forward <small>" + std::string(w.anchored ? "anchored" : "rolling") +
        ", " + std::to_string(w.windows.size()) + " windows, objective " + htmlEscape(w.objective) + ", efficiency " +
        fixed(w.efficiency, 3) + "</small></h2>";
    // Timeline: one row per window, in-sample grey-blue, out-of-sample orange.
    if (!w.windows.empty()) {
        std::int64_t t0 = w.windows.front().inSampleStartMs, t1 = w.windows.front().outOfSampleEndMs;
        for (const auto& x : w.windows) {
            t0 = std::min(t0, x.inSampleStartMs);
            t1 = std::max(t1, x.outOfSampleEndMs);
        }
        const double rowH = 14, h = static_cast<double>(w.windows.size()) * (rowH + 4) + 8;
        out += "<svg class=\"chart\" viewBox=\"0 0 " + fixed(kW, 0) + " " + fixed(h, 0) + "\">";
        auto px = [&](std::int64_t t) {
            return kLeft +
                static_cast<double>(t - t0) / static_cast<double>(std::max<std::int64_t>(1, t1 - t0)) * (kW - kLeft - kRight);
        };
        for (std::size_t i = 0; i < w.windows.size(); ++i) {
            const auto& x = w.windows[i];
            const double y = 4 + static_cast<double>(i) * (rowH + 4);
            char buf[400];
            std::snprintf(buf, sizeof buf,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#cbd5e1\"/>"
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\" fill=\"#64748b\">#%zu</text>",
                          px(x.inSampleStartMs), y, std::max(1.0, px(x.inSampleEndMs) - px(x.inSampleStartMs)), rowH,
                          px(x.outOfSampleStartMs), y, std::max(1.0, px(x.outOfSampleEndMs) - px(x.outOfSampleStartMs)), rowH,
                          kOrange, kLeft - 8, y + rowH - 3, i + 1);
            out += buf;
        }
        out +=
            "</svg><div class=\"legend\"><span><i style=\"background:#cbd5e1\"></i>in-sample</span><span><i style=\"background:" +
            std::string(kOrange) + "\"></i>out-of-sample</span></div>";
    }
    if (!w.stitchedEquity.empty()) {
        Series s;
        s.color = kBlue;
        s.label = "stitched out-of-sample equity";
        for (const EquityPoint& p : w.stitchedEquity) {
            s.x.push_back(static_cast<double>(p.timeMs));
            s.y.push_back(p.equity.toDouble());
        }
        ChartSpec c;
        c.series = {s};
        c.height = 240;
        out += legend(c.series) + svgChart(c);
    }
    out +=
        "<table><tr><th>#</th><th class=\"l\">In-sample</th><th class=\"l\">Out-of-sample</th><th class=\"l\">Parameters</th>"
        "<th>IS objective</th><th>OOS objective</th><th>OOS return</th><th>OOS trades</th></tr>";
    for (std::size_t i = 0; i < w.windows.size(); ++i) {
        const auto& x = w.windows[i];
        out += "<tr><td>" + std::to_string(i + 1) + "</td><td class=\"l\">" + isoDate(x.inSampleStartMs, intraday) + " → " +
            isoDate(x.inSampleEndMs, intraday) + "</td><td class=\"l\">" + isoDate(x.outOfSampleStartMs, intraday) + " → " +
            isoDate(x.outOfSampleEndMs, intraday) + "</td><td class=\"l\">" + htmlEscape(x.parameters) + "</td><td>" +
            fixed(x.inSampleObjective, 3) + "</td><td>" + fixed(x.outOfSampleObjective, 3) + "</td><td class=\"" +
            (x.outOfSampleReturnPct >= 0 ? "pos" : "neg") + "\">" + signedPct(x.outOfSampleReturnPct) + "</td><td>" +
            std::to_string(x.outOfSampleTrades) + "</td></tr>";
    }
    return out + "</table></section>";
}

std::string monteCarloSection(const ReportMonteCarlo& mc) {
    std::string out = "<section id=\"monte-carlo\"><h2>Monte Carlo <small>" + htmlEscape(mc.method) + ", " +
        std::to_string(mc.runs) + " runs, seed " + std::to_string(mc.seed) + "</small></h2>";
    const std::size_t n = std::min({mc.p5.size(), mc.p50.size(), mc.p95.size()});
    if (n > 0) {
        Series band, median, low, high;
        for (std::size_t i = 0; i < n; ++i) {
            band.x.push_back(static_cast<double>(i));
            band.y.push_back(mc.p95[i]);
            band.lower.push_back(mc.p5[i]);
        }
        band.color = kBlue;
        band.label = "5th–95th percentile";
        median.x = band.x;
        median.y = mc.p50;
        median.y.resize(n);
        median.color = kBlue;
        median.label = "median";
        median.width = 2;
        low.x = band.x;
        low.y = mc.p5;
        low.y.resize(n);
        low.color = kGrey;
        low.width = 1;
        high.x = band.x;
        high.y = mc.p95;
        high.y.resize(n);
        high.color = kGrey;
        high.width = 1;
        ChartSpec c;
        c.series = {band, low, high, median};
        c.timeAxis = false;
        c.height = 260;
        out += legend({band, median}) + svgChart(c) + "<p class=\"note\">Equity after each trade (x: trade number).</p>";
    }
    out += "<table class=\"kv\" style=\"max-width:560px\">";
    out += kvRow("Final return (5th / 50th / 95th percentile)",
                 pct(mc.finalReturnPctP5) + " / " + pct(mc.finalReturnPctP50) + " / " + pct(mc.finalReturnPctP95));
    out += kvRow("Max drawdown (median / 95th percentile)", pct(mc.maxDrawdownPctP50) + " / " + pct(mc.maxDrawdownPctP95));
    if (mc.ruinDrawdownPct > 0)
        out += kvRow("Probability of a " + pct(mc.ruinDrawdownPct, 0) + " drawdown", pct(mc.probabilityOfRuin * 100.0));
    return out + "</table></section>";
}

std::string portfolioSection(const ReportPortfolio& p) {
    std::string out = "<section id=\"portfolio\"><h2>Instruments <small>" + std::to_string(p.instruments.size()) +
        " in one account, " + htmlEscape(p.allocation) +
        "</small></h2><div class=\"scroll\"><table><tr><th class=\"l\">Symbol</th><th>Bars</th><th>Trades</th><th>Wins</th>"
        "<th>Losses</th><th>Net P&amp;L</th><th>Fees</th><th>Buy &amp; hold</th><th class=\"l\">Open position</th></tr>";
    for (const ReportPortfolioInstrument& i : p.instruments) {
        const bool negative = !i.netPnl.empty() && i.netPnl.front() == '-';
        out += "<tr><td class=\"l\">" + htmlEscape(i.symbol) + "</td><td>" + std::to_string(i.bars) + "</td><td>" +
            std::to_string(i.trades) + "</td><td>" + std::to_string(i.wins) + "</td><td>" + std::to_string(i.losses) +
            "</td><td class=\"" + (negative ? "neg" : "pos") + "\">" + htmlEscape(i.netPnl) + "</td><td>" + htmlEscape(i.fees) +
            "</td><td>" + signedPct(i.buyHoldReturnPct) + "</td><td class=\"l\">" +
            (i.openPosition.empty() ? std::string("–") : htmlEscape(i.openPosition)) + "</td></tr>";
    }
    return out + "</table></div></section>";
}

}  // namespace

Result<std::string> renderReport(const ReportInput& in) {
    if (!in.result) return makeError("report: no backtest result to report");
    if (in.heatmap && in.heatmap->values.size() != in.heatmap->xValues.size() * in.heatmap->yValues.size())
        return makeError("report: the heatmap has " + std::to_string(in.heatmap->values.size()) + " values for " +
                         std::to_string(in.heatmap->xValues.size()) + " x " + std::to_string(in.heatmap->yValues.size()) +
                         " cells");
    const BacktestResult& r = *in.result;
    const Metrics& m = r.metrics;
    const bool intraday = [&] {
        for (const EquityPoint& p : r.equity)
            if (p.timeMs % 86400000 != 0) return true;
        return false;
    }();

    std::string h;
    h.reserve(64 * 1024 + r.equity.size() * 40 + r.trades.size() * 400);
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><title>";
    h += htmlEscape(in.title.empty() ? "Backtest report" : in.title);
    h += "</title><style>";
    h += kCss;
    h += "</style></head><body>\n<header><div class=\"wrap\"><div class=\"brand\">Kairos backtest</div><h1>";
    h += htmlEscape(in.title.empty() ? r.strategyName : in.title);
    h += "</h1><div class=\"sub\">" + htmlEscape(r.strategyName) + "</div><div class=\"sub\">";
    h += htmlEscape(in.instrument) + (in.timeframe.empty() ? "" : " · " + htmlEscape(in.timeframe)) + " · " +
        isoDate(m.startMs, intraday) + " → " + isoDate(m.endMs, intraday) + " · " + std::to_string(m.bars) + " bars";
    if (r.cancelled) h += " · cancelled early";
    h += "</div></div></header>\n<main class=\"wrap\">\n";

    // Key figures.
    h += "<div class=\"cards\">";
    h += card("Total return", signedPct(m.totalReturnPct), "buy & hold " + signedPct(m.buyHoldReturnPct),
              signOf(m.totalReturnPct));
    h += card("CAGR", signedPct(m.cagrPct), "volatility " + pct(m.annualVolatilityPct), signOf(m.cagrPct));
    h += card("Sharpe", fixed(m.sharpe, 2), "Sortino " + fixed(m.sortino, 2) + " · Calmar " + fixed(m.calmar, 2), 0);
    h += card(
        "Max drawdown", pct(m.maxDrawdownPct),
        grouped(m.maxDrawdown.toDouble()) + " · " + fixed(static_cast<double>(m.maxDrawdownDurationMs) / 86400000.0, 0) + " days",
        m.maxDrawdownPct > 0 ? -1 : 0);
    h += card("Final equity", grouped(m.finalEquity.toDouble()), "from " + grouped(m.initialCapital.toDouble()), 0);
    h += card("Trades", std::to_string(m.trades), std::to_string(m.wins) + " won · " + std::to_string(m.losses) + " lost", 0);
    h += card("Win rate", pct(m.winRatePct, 1), "profit factor " + fixed(m.profitFactor, 2), 0);
    h += card("Exposure", pct(m.exposurePct, 1),
              m.tradesWithR > 0 ? "average R " + fixed(m.averageR, 2) : "expectancy " + grouped(m.expectancy), 0);
    h += "</div>\n";

    // Equity (and buy & hold, scaled to the same capital) and drawdown.
    Series eq, bh, dd;
    eq.color = kBlue;
    eq.label = "strategy equity";
    eq.width = 1.8;
    double peak = m.initialCapital.toDouble();
    for (const EquityPoint& p : r.equity) {
        const double e = p.equity.toDouble();
        eq.x.push_back(static_cast<double>(p.timeMs));
        eq.y.push_back(e);
        peak = std::max(peak, e);
        dd.x.push_back(static_cast<double>(p.timeMs));
        dd.y.push_back(peak > 0 ? (e / peak - 1.0) * 100.0 : 0.0);
    }
    std::vector<Series> equitySeries;
    if (!in.bars.empty() && in.bars.front().open.toDouble() > 0) {
        bh.color = kGrey;
        bh.label = "buy & hold";
        bh.width = 1.2;
        bh.dashed = true;
        // Bought at the first open, marked at every close: equity point i is bar i's close.
        const double units = m.initialCapital.toDouble() / in.bars.front().open.toDouble();
        for (std::size_t i = 0; i < r.equity.size() && i < in.bars.size(); ++i) {
            bh.x.push_back(static_cast<double>(r.equity[i].timeMs));
            bh.y.push_back(units * in.bars[i].close.toDouble());
        }
        equitySeries.push_back(bh);
    }
    equitySeries.push_back(eq);
    ChartSpec ec;
    ec.series = equitySeries;
    ec.height = 320;
    h += "<section><h2>Equity <small>marked to market at every bar's close</small></h2>" + legend(ec.series) + svgChart(ec) +
        "</section>\n";
    dd.color = kRed;
    dd.label = "drawdown from the running peak";
    dd.width = 1.2;
    dd.areaToZero = true;
    ChartSpec dc;
    dc.series = {dd};
    dc.yFormat = YFormat::Percent;
    dc.height = 200;
    dc.includeZero = true;
    h += "<section><h2>Drawdown <small>max " + pct(m.maxDrawdownPct) +
        (m.maxDrawdown.isZero()
             ? std::string()
             : ", " + isoDate(m.maxDrawdownPeakMs, intraday) + " → " + isoDate(m.maxDrawdownTroughMs, intraday)) +
        "</small></h2>" + svgChart(dc) + "</section>\n";

    h += "<section><h2>Monthly returns <small>%</small></h2>" + monthlyTable(m) + "</section>\n";
    h += "<section><h2>Metrics</h2>" + metricsTable(r);
    h += "<p class=\"note\">Sharpe and Sortino: per-bar returns, annualised with the bars per year observed in the data, "
         "risk-free rate 0. Average R: net P&amp;L over the initial risk (entry to stop) of the trades with a "
         "stop.</p></section>\n";
    if (!in.settings.empty()) {
        h += "<section><h2>Run settings</h2><table class=\"kv\" style=\"max-width:760px\">";
        for (const auto& [k, v] : in.settings) h += kvRow(k, v);
        h += "</table></section>\n";
    }
    if (in.portfolio) h += portfolioSection(*in.portfolio) + "\n";
    if (in.heatmap) h += heatmapSection(*in.heatmap) + "\n";
    if (in.walkForward) h += walkForwardSection(*in.walkForward, intraday) + "\n";
    if (in.monteCarlo) h += monteCarloSection(*in.monteCarlo) + "\n";
    h += "<section><h2>Trades <small>" + std::to_string(r.trades.size()) + " closed</small></h2>" +
        tradeTable(r, in.maxTradeRows, intraday) + "</section>\n";
    h += "</main><footer>Generated by Kairos · all times UTC · self-contained file, no external "
         "resources</footer></body></html>\n";
    return h;
}

}  // namespace kairos::backtest
