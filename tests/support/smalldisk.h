#pragma once
// SmallDisk: a small tmpfs mounted for one test, to fill up or remount read-only (fault injection
// on the disk). Needs root with CAP_SYS_ADMIN (CI runs as root); mounted() is false otherwise and
// the test skips. As root a mount that fails stops the test process (a broken test machine, not a
// reason to skip: the disk-fault tests must run where they can). Unmounted when it goes out of scope.

#include "testdata.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <unistd.h>

namespace kairos::test {

class SmallDisk {
public:
    explicit SmallDisk(const char* size = "1m") : m_dir(QString::fromStdString(tempDir()) + QStringLiteral("/small")) {
        QDir().mkpath(m_dir);
        m_mounted = QProcess::execute(QStringLiteral("mount"),
                                      {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                       QStringLiteral("size=") + QString::fromLatin1(size), QStringLiteral("tmpfs"), m_dir}) == 0;
        if (!m_mounted && geteuid() == 0) qFatal("SmallDisk: running as root but cannot mount a tmpfs on %s", qPrintable(m_dir));
    }
    ~SmallDisk() {
        if (m_mounted) QProcess::execute(QStringLiteral("umount"), {m_dir});
    }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    bool mounted() const { return m_mounted; }
    const QString& dir() const { return m_dir; }
    QString path(const char* name) const { return QDir(m_dir).filePath(QString::fromLatin1(name)); }

    /// Fills the rest of the disk with the file "filler" (the last write fails with ENOSPC).
    void fill() const {
        QFile f(path("filler"));
        if (!f.open(QIODevice::WriteOnly)) return;
        const QByteArray block(4096, '\0');
        while (f.write(block) == block.size() && f.flush()) {}
    }
    /// Frees what fill() took.
    void unfill() const { QFile::remove(path("filler")); }

    /// Remounts read-only (true) or read-write (false); false when that fails.
    bool setReadOnly(bool readOnly) const {
        return QProcess::execute(
                   QStringLiteral("mount"),
                   {QStringLiteral("-o"), readOnly ? QStringLiteral("remount,ro") : QStringLiteral("remount,rw"), m_dir}) == 0;
    }

    /// The names in the disk's top directory (hidden ones too), sorted: a stray temporary file shows.
    QStringList entries() const {
        return QDir(m_dir).entryList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    }

private:
    QString m_dir;
    bool m_mounted = false;
};

/// The whole file, or an empty array when it cannot be read.
inline QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace kairos::test
