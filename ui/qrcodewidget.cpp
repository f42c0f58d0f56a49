#include "qrcodewidget.h"

#include <QPainter>

#include <qrencode.h>

#include <algorithm>
#include <memory>

namespace kairos::ui {

namespace {
constexpr int kQuietZone = 4;  // modules of white around the code (ISO/IEC 18004)
}

bool encodeQr(const QString& text, int& size, std::vector<bool>& modules) {
    size = 0;
    modules.clear();
    const QByteArray utf8 = text.toUtf8();
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                         &QRcode_free);
    if (!code) return false;
    size = code->width;
    modules.resize(static_cast<std::size_t>(size) * static_cast<std::size_t>(size));
    for (std::size_t i = 0; i < modules.size(); ++i) modules[i] = (code->data[i] & 1) != 0;  // bit 0: dark
    return true;
}

QrCodeWidget::QrCodeWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("QrCode"));
    setMinimumSize(160, 160);
}

bool QrCodeWidget::setText(const QString& text) {
    m_text = text;
    bool ok = true;
    if (text.isEmpty()) {
        m_size = 0;
        m_modules.clear();
    } else {
        ok = encodeQr(text, m_size, m_modules);
    }
    updateGeometry();
    update();
    return ok;
}

QImage QrCodeWidget::toImage(int scale) const {
    const int side = (m_size + 2 * kQuietZone) * scale;
    QImage image(std::max(side, 1), std::max(side, 1), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    for (int y = 0; y < m_size; ++y)
        for (int x = 0; x < m_size; ++x)
            if (isDark(x, y)) p.fillRect((x + kQuietZone) * scale, (y + kQuietZone) * scale, scale, scale, Qt::black);
    return image;
}

QSize QrCodeWidget::sizeHint() const {
    const int side = std::max(160, (m_size + 2 * kQuietZone) * 4);
    return {side, side};
}

void QrCodeWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const int side = std::min(width(), height());
    const QRect area((width() - side) / 2, (height() - side) / 2, side, side);
    p.fillRect(area, Qt::white);  // scanners need dark on light whatever the theme
    if (m_size == 0) return;
    const int scale = std::max(1, side / (m_size + 2 * kQuietZone));
    const int offset = (side - m_size * scale) / 2;
    for (int y = 0; y < m_size; ++y)
        for (int x = 0; x < m_size; ++x)
            if (isDark(x, y)) p.fillRect(area.x() + offset + x * scale, area.y() + offset + y * scale, scale, scale, Qt::black);
}

}  // namespace kairos::ui
