// KeychainSecretStore against the real OS keychain (a Secret Service over D-Bus). The test command
// runs ctest under scripts/with-keyring.sh, which provides a throwaway unlocked gnome-keyring; without
// a session bus the test is skipped.
#include "alerts/secretstore.h"

#include "fakeservers.h"

#include <QDateTime>

#include <gtest/gtest.h>

using namespace kairos;
using namespace kairos::alerts;

TEST(KeychainSecretStore, WritesReadsAndDeletesASecret) {
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        GTEST_SKIP() << "no D-Bus session (run under scripts/with-keyring.sh)";
    KeychainSecretStore store("Kairos alerts test " + std::to_string(QDateTime::currentMSecsSinceEpoch()));
    const std::string key = "alert-channel-1";
    std::optional<Status> wrote;
    store.write(key, "7012345678:AAH-keychain-token", [&](Status s) { wrote = std::move(s); });
    ASSERT_TRUE(test::waitUntil([&] { return wrote.has_value(); }, 30'000));
    if (!*wrote && wrote->message().find("ecret") != std::string::npos && wrote->message().find("not") != std::string::npos)
        GTEST_SKIP() << "no Secret Service on this bus: " << wrote->message();
    ASSERT_TRUE(wrote->ok()) << wrote->message();
    std::optional<Result<std::string>> read;
    store.read(key, [&](Result<std::string> r) { read = std::move(r); });
    ASSERT_TRUE(test::waitUntil([&] { return read.has_value(); }, 30'000));
    ASSERT_TRUE(read->ok()) << read->message();
    EXPECT_EQ(**read, "7012345678:AAH-keychain-token");
    std::optional<Status> removed;
    store.remove(key, [&](Status s) { removed = std::move(s); });
    ASSERT_TRUE(test::waitUntil([&] { return removed.has_value(); }, 30'000));
    EXPECT_TRUE(removed->ok());
    std::optional<Result<std::string>> gone;
    store.read(key, [&](Result<std::string> r) { gone = std::move(r); });
    ASSERT_TRUE(test::waitUntil([&] { return gone.has_value(); }, 30'000));
    ASSERT_FALSE(gone->ok());
    EXPECT_EQ(gone->message(), "no secret stored for alert-channel-1");  // names the key, never a value
}
