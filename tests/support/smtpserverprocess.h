#pragma once
// Starts tests/support/smtpserver.py (Debian's python3-aiosmtpd) with a self-signed certificate
// made for the test, and reads what it received. Used by the e-mail tests of core/mail and core/alerts.

#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

#include <gtest/gtest.h>

#include <string>

namespace kairos::test {

class SmtpServerProcess {
public:
    /// `port` 0 picks a free port; `restartOf` (a stopped server's dir()) reuses its certificate and
    /// message folder, so a client configured for the first server trusts the second.
    SmtpServerProcess(const std::string& user, const std::string& password, bool implicitTls = false,
                      const std::string& failRcpt = {}, int port = 0, const std::string& restartOf = {}) {
        m_dir = restartOf.empty() ? tempDir() : restartOf;
        m_cert = m_dir + "/cert.pem";
        const std::string key = m_dir + "/key.pem";
        if (restartOf.empty()) makeCertificate(key);
        if (!m_error.empty()) return;
        QDir().mkpath(QString::fromStdString(m_dir + "/out"));
        QStringList args = {QString::fromStdString(fixture("../support/smtpserver.py")),
                            "--cert",
                            QString::fromStdString(m_cert),
                            "--key",
                            QString::fromStdString(key),
                            "--user",
                            QString::fromStdString(user),
                            "--password",
                            QString::fromStdString(password),
                            "--out",
                            QString::fromStdString(m_dir + "/out"),
                            "--port",
                            QString::number(port)};
        if (implicitTls) args << "--implicit-tls";
        if (!failRcpt.empty()) args << "--fail-rcpt" << QString::fromStdString(failRcpt);
        start(args);
    }

    ~SmtpServerProcess() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10'000);
        }
    }
    SmtpServerProcess(const SmtpServerProcess&) = delete;
    SmtpServerProcess& operator=(const SmtpServerProcess&) = delete;

    /// Empty when the server runs; else why not (the test skips or fails with it).
    const std::string& error() const { return m_error; }
    int port() const { return m_port; }
    const std::string& certFile() const { return m_cert; }
    /// Its folder (certificate, key, out/), for a restart (see the constructor).
    const std::string& dir() const { return m_dir; }
    /// Stops the server (its port then refuses connections).
    void stop() {
        m_process.kill();
        m_process.waitForFinished(10'000);
    }
    /// The n-th message received (1-based): {"mail_from", "rcpt_tos", "data", "tls", "auth_user"}; empty when none.
    QJsonObject message(int n) const {
        QFile f(QString::fromStdString(m_dir + "/out/" + std::to_string(n) + ".json"));
        if (!f.open(QIODevice::ReadOnly)) return {};
        return QJsonDocument::fromJson(f.readAll()).object();
    }
    int messageCount() const {
        return static_cast<int>(QDir(QString::fromStdString(m_dir + "/out")).entryList({"*.json"}, QDir::Files).size());
    }

private:
    void makeCertificate(const std::string& key) {
        QProcess openssl;
        openssl.start(
            "openssl",
            {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", QString::fromStdString(key), "-out",
             QString::fromStdString(m_cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
        if (!openssl.waitForFinished(60'000) || openssl.exitCode() != 0) {
            m_error = "openssl req failed: " + openssl.readAllStandardError().toStdString();
        }
    }
    void start(const QStringList& args) {
        // Debian's python3 has python3-aiosmtpd; a python3 earlier on PATH (pyenv) may not.
        m_process.start("/usr/bin/python3", args);
        if (!m_process.waitForStarted(30'000)) {
            m_error = "cannot start smtpserver.py";
            return;
        }
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(60'000)) {
                m_error = "smtpserver.py did not start: " + m_process.readAllStandardError().toStdString();
                return;
            }
        }
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        if (!line.startsWith("READY ")) {
            m_error = "smtpserver.py said: " + line.toStdString();
            return;
        }
        m_port = line.mid(6).toInt();
    }

    std::string m_dir;
    std::string m_cert;
    std::string m_error;
    int m_port = 0;
    QProcess m_process;
};

}  // namespace kairos::test
