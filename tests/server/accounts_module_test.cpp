// AccountsModule: kairosd's accounts started from a ServerConfig on a real HttpServer.

#include "accounts/accountsmodule.h"
#include "accounts/crypto.h"
#include "db_fixture.h"
#include "serverclient.h"

namespace acc = kairos::server::accounts;
namespace bhttp = boost::beast::http;

namespace {

TEST(server_accounts_module, StartsFromTheConfigurationAndServesTheRoutes) {
    const auto dir = std::filesystem::temp_directory_path() / ("kairos-module-" + kairos::server::testing::randomSuffix());
    kairos::server::ServerConfig config;
    config.dataDir = (dir / "data").string();
    config.mailDir = (dir / "mail").string();
    kairos::test::TestServer server;

    // on PostgreSQL, without a signing key it refuses (instances must share one), saying what is missing
    config.database = "postgresql://kairos@127.0.0.1:1/none";
    auto none = acc::AccountsModule::start(config, *server.server);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.message().find("jwt_key_file"), std::string::npos) << none.message();
    config.database = "sqlite";

    config.jwtKey = "# oldest first\nk1 " + acc::base64UrlEncode(std::string(32, 'K')) + "\n";
    auto module = acc::AccountsModule::start(config, *server.server);
    ASSERT_TRUE(module.ok()) << module.message();
    ASSERT_EQ(server.start(), "");
    auto ready = kairos::test::httpRequest(server.port(), bhttp::verb::get, "/ready");
    EXPECT_EQ(ready.result_int(), 200) << ready.body();
    auto reg = kairos::test::httpRequest(server.port(), bhttp::verb::post, "/api/v1/auth/register",
                                         R"({"email":"m@example.com","password":"correct horse battery staple"})");
    EXPECT_EQ(reg.result_int(), 202) << reg.body();
    auto me = kairos::test::httpRequest(server.port(), bhttp::verb::get, "/api/v1/me");
    EXPECT_EQ(me.result_int(), 401);
    EXPECT_TRUE(std::filesystem::exists(dir / "data" / "kairosd.sqlite"));
    server.server.reset();
    module->reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
