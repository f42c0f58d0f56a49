// kairos-cli backtest --report OUT.html: the report of a real-data backtest holds the run's figures
// (checked against its --summary), and renders in a real browser: headless Chromium (Debian's
// `chromium`) loads it from disk and saves a screenshot, which must be a PNG of the window's size
// that is not one flat colour.
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>

namespace {

struct Out {
    int code;
    QString out, err;
};

Out cli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(KAIROS_CLI_PATH), QStringList{QStringLiteral("backtest")} + args);
    EXPECT_TRUE(p.waitForFinished(120000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString readText(const QString& path) { return QString::fromStdString(kairos::test::readFile(path.toStdString())); }

QString btcDaily() {
    return QString::fromStdString(kairos::test::realData("candles/binance_spot_BTCUSDT_1d_2020-09-20_2025-09-18.csv"));
}

/// A monthly return as the report's heat table prints it (one decimal, no "-0.0").
QString oneDecimal(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    QString s = QString::fromLatin1(buf);
    if (s == QStringLiteral("-0.0")) s = QStringLiteral("0.0");
    return s;
}

struct Report {
    QString html;
    QJsonObject summary;
    QString summaryText;
    QString path;
};

Report makeReport(const QString& dir) {
    Report r;
    r.path = dir + QStringLiteral("/report.html");
    const QString summary = dir + QStringLiteral("/summary.json");
    Out o = cli({QStringLiteral("--input"), btcDaily(), QStringLiteral("--strategy"), QStringLiteral("sma_cross"),
                 QStringLiteral("--param"), QStringLiteral("fast=10"), QStringLiteral("--param"), QStringLiteral("slow=30"),
                 QStringLiteral("--cash"), QStringLiteral("10000"), QStringLiteral("--commission"), QStringLiteral("0.001"),
                 QStringLiteral("--summary"), summary, QStringLiteral("--report"), r.path});
    EXPECT_EQ(o.code, 0) << o.err.toStdString();
    r.html = readText(r.path);
    r.summaryText = readText(summary);
    r.summary = QJsonDocument::fromJson(r.summaryText.toUtf8()).object();
    return r;
}

}  // namespace

TEST(CliBacktestReport, RealDataReportHoldsTheSummarysFigures) {
    // GIVEN sma_cross 10/30 over five years of real BTCUSDT days with --summary and --report
    const Report r = makeReport(QString::fromStdString(kairos::test::tempDir()));
    ASSERT_FALSE(r.summary.isEmpty());
    ASSERT_TRUE(r.html.startsWith(QStringLiteral("<!DOCTYPE html>"))) << r.html.left(100).toStdString();
    // THEN the exact money figures of the summary are in the metrics table
    for (const char* key : {"final_equity", "final_cash", "net_profit", "total_fees", "gross_profit", "gross_loss"}) {
        // the JSON holds exact decimals: take them as written
        const auto m = QRegularExpression(QStringLiteral("\"%1\": (-?[0-9.]+)").arg(QLatin1String(key))).match(r.summaryText);
        ASSERT_TRUE(m.hasMatch()) << key;
        EXPECT_TRUE(r.html.contains(QStringLiteral("<td>") + m.captured(1))) << key << " " << m.captured(1).toStdString();
    }
    EXPECT_TRUE(r.html.contains(QStringLiteral("sma_cross · BINANCE:BTCUSDT 1d")));
    EXPECT_TRUE(r.html.contains(
        QStringLiteral("<td>Closed trades</td><td>%1</td>").arg(r.summary.value(QStringLiteral("closed_trades")).toInt())));
    EXPECT_TRUE(r.html.contains(QStringLiteral("<td>Commission</td><td>10 bp a side</td>")));
    // every month of the summary is a cell of the heat table, every year a year cell
    const QJsonArray months = r.summary.value(QStringLiteral("monthly_returns")).toArray();
    ASSERT_EQ(months.size(), 61);
    for (const auto& m : months)
        EXPECT_TRUE(r.html.contains(QStringLiteral("\">") +
                                    oneDecimal(m.toObject().value(QStringLiteral("return_pct")).toDouble()) +
                                    QStringLiteral("</td>")));
    for (const auto& y : r.summary.value(QStringLiteral("yearly_returns")).toArray())
        EXPECT_TRUE(
            r.html.contains(QStringLiteral("<th class=\"l\">%1</th>").arg(y.toObject().value(QStringLiteral("year")).toInt())));
    // one trade row per closed trade
    EXPECT_EQ(r.html.count(QStringLiteral("<td class=\"l\">LONG</td>")),
              r.summary.value(QStringLiteral("closed_trades")).toInt());
    // and nothing outside the file is referenced
    for (const char* outside : {"http:", "https:", "<script", "src=", "href=", "url(", "@import", "<link"})
        EXPECT_FALSE(r.html.contains(QLatin1String(outside))) << outside;
}

TEST(CliBacktestReport, RendersInHeadlessChromium) {
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    // The test command installs chromium (scripts/deps-debian.txt): its absence is a broken setup, not a skip.
    ASSERT_FALSE(chromium.isEmpty()) << "no chromium on PATH: install Debian's chromium: scripts/bootstrap.sh";
    const QString dir = QString::fromStdString(kairos::test::tempDir());
    const Report r = makeReport(dir);
    ASSERT_FALSE(r.html.isEmpty());
    // WHEN Chromium loads the file offline and takes a 1280 x 2000 screenshot
    const QString png = dir + QStringLiteral("/report.png");
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(
        chromium,
        {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
         QStringLiteral("--disable-dev-shm-usage"), QStringLiteral("--no-first-run"),
         QStringLiteral("--user-data-dir=") + dir + QStringLiteral("/chromium-profile"), QStringLiteral("--screenshot=") + png,
         QStringLiteral("--window-size=1280,2000"), QUrl::fromLocalFile(r.path).toString()});
    ASSERT_TRUE(p.waitForFinished(180000)) << "chromium did not finish";
    ASSERT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
    // THEN the screenshot is a valid PNG of that size
    ASSERT_TRUE(QFileInfo::exists(png)) << p.readAllStandardError().toStdString();
    QFile f(png);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_TRUE(f.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8));
    f.close();
    QImage image;
    ASSERT_TRUE(image.load(png, "PNG"));
    EXPECT_EQ(image.width(), 1280);
    EXPECT_EQ(image.height(), 2000);
    // and not one flat colour: the dark header, white panels and the coloured charts and cells
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    EXPECT_GT(colours.size(), 50u);
    const QRgb header = image.pixel(20, 20), body = image.pixel(20, 1000);
    EXPECT_LT(qGray(header), 80) << "the header is dark";
    EXPECT_GT(qGray(body), 200) << "the page below it is light";
}
