#include "apptheme.h"

#include "charttheme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

#include <memory>

namespace kairos::ui {

QStringList themeNames() {
    return {QStringLiteral("dark"), QStringLiteral("light"), QStringLiteral("dark-cb"), QStringLiteral("light-cb")};
}

QPalette themePalette(const QString& name) {
    const bool dark = !name.startsWith(QLatin1String("light"));
    const charts::ChartTheme chart = charts::ChartTheme::byName(name);
    QPalette p;
    if (dark) {
        // TradingView's dark panels: the chart background one step lighter for inputs and tables.
        const QColor window(0x1e, 0x22, 0x2d), base(0x13, 0x17, 0x22), alt(0x1a, 0x1e, 0x29), text(0xd1, 0xd4, 0xdc);
        const QColor button(0x2a, 0x2e, 0x39), highlight(0x29, 0x62, 0xff), disabled(0x78, 0x7b, 0x86);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, alt);
        p.setColor(QPalette::ToolTipBase, button);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::PlaceholderText, disabled);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, button);
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, Qt::white);
        p.setColor(QPalette::Highlight, highlight);
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x5b, 0x9c, 0xf6));
        p.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x49));
        p.setColor(QPalette::Midlight, QColor(0x32, 0x36, 0x41));
        p.setColor(QPalette::Mid, QColor(0x2a, 0x2e, 0x39));
        p.setColor(QPalette::Dark, QColor(0x10, 0x13, 0x1c));
        p.setColor(QPalette::Shadow, Qt::black);
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            p.setColor(QPalette::Disabled, role, disabled);
    } else {
        static const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
        p = fusion->standardPalette();
        p.setColor(QPalette::Base, chart.background);
        p.setColor(QPalette::Highlight, QColor(0x29, 0x62, 0xff));
        p.setColor(QPalette::HighlightedText, Qt::white);
    }
    return p;
}

void applyAppTheme(const QString& name) {
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(themePalette(name));
}

}  // namespace kairos::ui
