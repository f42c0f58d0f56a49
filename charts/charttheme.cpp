#include "charttheme.h"

namespace kairos::charts {

namespace {
QColor withAlpha(QColor c, int alpha) {
    c.setAlpha(alpha);
    return c;
}
}  // namespace

ChartTheme ChartTheme::dark() {
    ChartTheme t;
    t.name = QStringLiteral("dark");
    t.background = QColor(0x13, 0x17, 0x22);  // TradingView dark pane
    t.paneSeparator = QColor(0x2a, 0x2e, 0x39);
    t.grid = QColor(0x1e, 0x22, 0x2d);
    t.text = QColor(0xd1, 0xd4, 0xdc);       // 11.9:1 on the background
    t.mutedText = QColor(0x9a, 0x9e, 0xa9);  // 6.6:1
    t.crosshair = QColor(0x75, 0x86, 0x96);
    t.crosshairLabel = QColor(0x36, 0x3a, 0x45);
    t.crosshairLabelText = QColor(0xff, 0xff, 0xff);
    t.up = QColor(0x26, 0xa6, 0x9a);
    t.down = QColor(0xef, 0x53, 0x50);
    t.volumeUp = withAlpha(t.up, 110);
    t.volumeDown = withAlpha(t.down, 110);
    t.line = QColor(0x29, 0x62, 0xff);
    t.selection = QColor(0x29, 0x62, 0xff);
    return t;
}

ChartTheme ChartTheme::light() {
    ChartTheme t;
    t.name = QStringLiteral("light");
    t.background = QColor(0xff, 0xff, 0xff);
    t.paneSeparator = QColor(0xe0, 0xe3, 0xeb);
    t.grid = QColor(0xf0, 0xf3, 0xfa);
    t.text = QColor(0x13, 0x17, 0x22);       // 18.4:1 on white
    t.mutedText = QColor(0x5d, 0x60, 0x6b);  // 6.4:1
    t.crosshair = QColor(0x95, 0x98, 0xa1);
    t.crosshairLabel = QColor(0x13, 0x17, 0x22);
    t.crosshairLabelText = QColor(0xff, 0xff, 0xff);
    t.up = QColor(0x26, 0xa6, 0x9a);
    t.down = QColor(0xef, 0x53, 0x50);
    t.volumeUp = withAlpha(t.up, 90);
    t.volumeDown = withAlpha(t.down, 90);
    t.line = QColor(0x29, 0x62, 0xff);
    t.selection = QColor(0x29, 0x62, 0xff);
    return t;
}

ChartTheme ChartTheme::colourBlind(bool darkBase) {
    ChartTheme t = darkBase ? dark() : light();
    t.name = darkBase ? QStringLiteral("dark-cb") : QStringLiteral("light-cb");
    t.up = QColor(0x21, 0x96, 0xf3);    // blue
    t.down = QColor(0xff, 0x98, 0x00);  // orange
    t.volumeUp = withAlpha(t.up, darkBase ? 110 : 90);
    t.volumeDown = withAlpha(t.down, darkBase ? 110 : 90);
    t.line = QColor(0x7e, 0x57, 0xc2);
    return t;
}

ChartTheme ChartTheme::byName(const QString& name) {
    if (name == QLatin1String("light")) return light();
    if (name == QLatin1String("dark-cb")) return colourBlind(true);
    if (name == QLatin1String("light-cb")) return colourBlind(false);
    return dark();
}

}  // namespace kairos::charts
