#include "alerts/secretstore.h"

#include <qt6keychain/keychain.h>

namespace kairos::alerts {

void MemorySecretStore::read(const std::string& key, ReadCallback done) {
    auto it = m_secrets.find(key);
    if (it == m_secrets.end()) return done(makeError("no secret stored for " + key));
    done(it->second);
}

void MemorySecretStore::write(const std::string& key, const std::string& secret, WriteCallback done) {
    m_secrets[key] = secret;
    done({});
}

void MemorySecretStore::remove(const std::string& key, WriteCallback done) {
    m_secrets.erase(key);
    done({});
}

KeychainSecretStore::KeychainSecretStore(std::string service) : m_service(std::move(service)) {}

namespace {
// The job's error text says what the keychain backend reported; it never contains the secret.
std::string jobError(const QKeychain::Job& job, const std::string& what, const std::string& key) {
    return "OS keychain: cannot " + what + " " + key + ": " + job.errorString().toStdString();
}
}  // namespace

void KeychainSecretStore::read(const std::string& key, ReadCallback done) {
    auto* job = new QKeychain::ReadPasswordJob(QString::fromStdString(m_service));  // deletes itself when finished
    job->setKey(QString::fromStdString(key));
    QObject::connect(job, &QKeychain::Job::finished, [key, done = std::move(done)](QKeychain::Job* j) {
        auto* r = static_cast<QKeychain::ReadPasswordJob*>(j);
        if (r->error() == QKeychain::EntryNotFound) return done(makeError("no secret stored for " + key));
        if (r->error() != QKeychain::NoError) return done(makeError(jobError(*r, "read", key)));
        done(r->textData().toStdString());
    });
    job->start();
}

void KeychainSecretStore::write(const std::string& key, const std::string& secret, WriteCallback done) {
    auto* job = new QKeychain::WritePasswordJob(QString::fromStdString(m_service));
    job->setKey(QString::fromStdString(key));
    job->setTextData(QString::fromStdString(secret));
    QObject::connect(job, &QKeychain::Job::finished, [key, done = std::move(done)](QKeychain::Job* j) {
        if (j->error() != QKeychain::NoError) return done(makeError(jobError(*j, "store", key)));
        done({});
    });
    job->start();
}

void KeychainSecretStore::remove(const std::string& key, WriteCallback done) {
    auto* job = new QKeychain::DeletePasswordJob(QString::fromStdString(m_service));
    job->setKey(QString::fromStdString(key));
    QObject::connect(job, &QKeychain::Job::finished, [key, done = std::move(done)](QKeychain::Job* j) {
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
            return done(makeError(jobError(*j, "delete", key)));
        done({});
    });
    job->start();
}

}  // namespace kairos::alerts
