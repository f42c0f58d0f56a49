#pragma once
// Secrets of delivery channels (SMTP password, Telegram bot token, Discord webhook URL, webhook
// signing secret). ISecretStore is the port; KeychainSecretStore keeps them in the OS keychain
// through QtKeychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
// MemorySecretStore in memory for tests. Secrets never go to SQLite, kairos.ini, logs or error
// messages: errors name the key, never the value.
//
// Thread: call from the thread that owns the store (the GUI thread); callbacks come back on it.

#include "util/result.h"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace kairos::alerts {

class ISecretStore {
public:
    using ReadCallback = std::function<void(Result<std::string>)>;
    using WriteCallback = std::function<void(Status)>;
    virtual ~ISecretStore() = default;
    /// The secret under `key`; Error when there is none ("no secret stored for ...") or the keychain failed.
    virtual void read(const std::string& key, ReadCallback done) = 0;
    /// Stores (replaces) the secret under `key`.
    virtual void write(const std::string& key, const std::string& secret, WriteCallback done) = 0;
    /// Deletes the secret under `key` (no secret is not an error).
    virtual void remove(const std::string& key, WriteCallback done) = 0;
};

/// Secrets in memory (tests, or a session without a keychain). Callbacks run before the call returns.
class MemorySecretStore : public ISecretStore {
public:
    void read(const std::string& key, ReadCallback done) override;
    void write(const std::string& key, const std::string& secret, WriteCallback done) override;
    void remove(const std::string& key, WriteCallback done) override;

private:
    std::map<std::string, std::string> m_secrets;
};

/// Secrets in the OS keychain, under the service name given (one per profile, e.g.
/// "Kairos alerts (<profile path>)"). Callbacks run from the event loop when the keychain answers.
class KeychainSecretStore : public ISecretStore {
public:
    explicit KeychainSecretStore(std::string service);
    void read(const std::string& key, ReadCallback done) override;
    void write(const std::string& key, const std::string& secret, WriteCallback done) override;
    void remove(const std::string& key, WriteCallback done) override;

private:
    std::string m_service;
};

}  // namespace kairos::alerts
