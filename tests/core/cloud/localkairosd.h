#pragma once
// Test support for the terminal's account client: the kairosd binary started as a process on a free
// loopback port with its data and mail directories in a temporary directory, the e-mails it writes
// there (.eml), the codes in them, RFC 6238 codes for a TOTP secret, and waiting on the event loop.
// Header-only; used by tests/core/cloud and tests/ui/account_dialog_test.cpp (KAIROSD_PATH).

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrl>

#include <functional>
#include <optional>

namespace kairos::test {

/// Runs the event loop until `pred` holds or `timeoutMs` passes; true when it holds.
inline bool waitUntilTrue(const std::function<bool()>& pred, int timeoutMs = 30'000) {
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

/// The six-digit RFC 6238 code (SHA-1, 30 s) of a base32 secret at Unix time `unixSeconds`.
inline QString totpCode(const QString& base32Secret, qint64 unixSeconds) {
    QByteArray key;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar c : base32Secret.toUpper()) {
        const int v = c >= QLatin1Char('A') && c <= QLatin1Char('Z') ? c.unicode() - 'A'
            : c >= QLatin1Char('2') && c <= QLatin1Char('7')         ? c.unicode() - '2' + 26
                                                                     : -1;
        if (v < 0) continue;  // padding, spaces
        buffer = (buffer << 5) | static_cast<quint32>(v);
        bits += 5;
        if (bits >= 8) {
            key.append(static_cast<char>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    const quint64 step = static_cast<quint64>(unixSeconds / 30);
    QByteArray msg(8, '\0');
    for (int i = 0; i < 8; ++i) msg[7 - i] = static_cast<char>((step >> (8 * i)) & 0xff);
    const QByteArray h = QMessageAuthenticationCode::hash(msg, key, QCryptographicHash::Sha1);
    const int o = h[h.size() - 1] & 0x0f;
    const quint32 bin = ((static_cast<quint32>(h[o]) & 0x7f) << 24) | ((static_cast<quint32>(h[o + 1]) & 0xff) << 16) |
        ((static_cast<quint32>(h[o + 2]) & 0xff) << 8) | (static_cast<quint32>(h[o + 3]) & 0xff);
    return QStringLiteral("%1").arg(bin % 1'000'000, 6, 10, QLatin1Char('0'));
}

/// kairosd in a temporary directory: DIR/data (database, signing key) and DIR/mail (.eml files).
class LocalKairosd {
public:
    LocalKairosd() { m_process.setProcessChannelMode(QProcess::SeparateChannels); }
    ~LocalKairosd() { stop(); }
    LocalKairosd(const LocalKairosd&) = delete;
    LocalKairosd& operator=(const LocalKairosd&) = delete;

    /// Starts it (again after stop(): on the same directories and port); "" or what went wrong with its output.
    QString start(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
        if (!m_dir.isValid()) return QStringLiteral("no temporary directory");
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(KAIROSD_PATH),
                        {QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), dataDir(),
                         QStringLiteral("--mail-dir"), mailDir()});
        if (!m_process.waitForStarted()) return QStringLiteral("kairosd did not start: ") + m_process.errorString();
        QByteArray out;
        const QRegularExpression listening(QStringLiteral("listening on http://[^:]+:(\\d+)"));
        while (!listening.match(QString::fromUtf8(out)).hasMatch() && m_process.waitForReadyRead(30'000))
            out += m_process.readAllStandardOutput();
        const auto m = listening.match(QString::fromUtf8(out));
        if (!m.hasMatch()) {
            m_process.waitForFinished(5'000);
            return QStringLiteral("kairosd did not come up: ") + QString::fromUtf8(out + m_process.readAllStandardError());
        }
        m_port = static_cast<quint16>(m.captured(1).toUInt());
        return {};
    }
    void stop() {
        if (m_process.state() == QProcess::NotRunning) return;
        m_process.terminate();
        if (!m_process.waitForFinished(15'000)) m_process.kill();
        m_process.waitForFinished(5'000);
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }
    QString mailDir() const { return m_dir.filePath(QStringLiteral("mail")); }
    QString path(const QString& name) const { return m_dir.filePath(name); }

    /// The newest e-mail to `to` whose subject contains `subjectPart`, waiting for it (the server
    /// writes its queue every 2 s); empty after `timeoutMs`.
    QString waitForMail(const QString& to, const QString& subjectPart, int skipOlderThanId = 0, int timeoutMs = 30'000) const {
        QString found;
        waitUntilTrue(
            [&] {
                int best = skipOlderThanId;
                for (const QString& name : QDir(mailDir()).entryList({QStringLiteral("*.eml")}, QDir::Files)) {
                    const int id = name.section(QLatin1Char('.'), 0, 0).toInt();
                    if (id <= best) continue;
                    QFile f(QDir(mailDir()).filePath(name));
                    if (!f.open(QIODevice::ReadOnly)) continue;
                    const QString text = QString::fromUtf8(f.readAll());
                    if (!text.contains(QStringLiteral("To: %1\r\n").arg(to)) || !text.contains(subjectPart)) continue;
                    best = id;
                    found = text;
                }
                return !found.isEmpty();
            },
            timeoutMs);
        return found;
    }
    /// The verification link's token and the six-digit code of a verification e-mail.
    static QString tokenIn(const QString& mail) {
        return QRegularExpression(QStringLiteral("verify\\?token=([A-Za-z0-9_\\-]+)")).match(mail).captured(1);
    }
    static QString linkIn(const QString& mail) {
        return QRegularExpression(QStringLiteral("(https?://\\S+/verify\\?token=[A-Za-z0-9_\\-]+)")).match(mail).captured(1);
    }
    static QString codeIn(const QString& mail) {
        return QRegularExpression(QStringLiteral("code in the terminal: (\\d{6})")).match(mail).captured(1);
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

}  // namespace kairos::test
