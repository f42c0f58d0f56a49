#include "util/redact.h"

#include <gtest/gtest.h>

using kairos::redactUrlCredentials;

TEST(Redact, UserInfoOfEveryUrlIsMasked) {
    EXPECT_EQ(redactUrlCredentials("ws://user:PASSWORD@host:9443/ws"), "ws://***@host:9443/ws");
    EXPECT_EQ(redactUrlCredentials("connecting to wss://a:b@x.io/s and https://k@y.io?q=1 failed"),
              "connecting to wss://***@x.io/s and https://***@y.io?q=1 failed");
    EXPECT_EQ(redactUrlCredentials("\"ws://trader:s3cret@\" is not an absolute URL"), "\"ws://***@\" is not an absolute URL");
    // A password may itself contain '@' (percent-encoding is not always used).
    EXPECT_EQ(redactUrlCredentials("ws://u:p@ss@host/"), "ws://***@host/");
}

TEST(Redact, TextWithoutCredentialsIsUnchanged) {
    EXPECT_EQ(redactUrlCredentials("wss://stream.binance.com:9443/ws"), "wss://stream.binance.com:9443/ws");
    EXPECT_EQ(redactUrlCredentials("mail me at a@b.c"), "mail me at a@b.c");
    EXPECT_EQ(redactUrlCredentials("ws://host/path@x"), "ws://host/path@x");
    EXPECT_EQ(redactUrlCredentials(""), "");
}
