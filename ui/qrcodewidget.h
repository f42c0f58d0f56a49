#pragma once
// QrCodeWidget: a QR code (libqrencode) drawn black on white with a quiet zone, scaled to the widget,
// e.g. the otpauth:// URI of two-factor enrolment for an authenticator app to scan.

#include <QImage>
#include <QString>
#include <QWidget>

#include <vector>

namespace kairos::ui {

class QrCodeWidget : public QWidget {
    Q_OBJECT
public:
    explicit QrCodeWidget(QWidget* parent = nullptr);

    /// Encodes `text` (error correction M); an empty text clears. False when it cannot be encoded.
    bool setText(const QString& text);
    QString text() const { return m_text; }
    /// Modules per side (0 when empty).
    int modules() const { return m_size; }
    /// True when module (x, y) is dark.
    bool isDark(int x, int y) const {
        return m_modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_size) + static_cast<std::size_t>(x)];
    }
    /// The code as an image, `scale` pixels per module, with a 4-module quiet zone.
    QImage toImage(int scale) const;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_text;
    int m_size = 0;
    std::vector<bool> m_modules;
};

/// Encodes `text` as QR modules (row-major, `size` per side); false when it is too long.
bool encodeQr(const QString& text, int& size, std::vector<bool>& modules);

}  // namespace kairos::ui
