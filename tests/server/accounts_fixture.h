#pragma once
// The account service on both backends, with an injected clock and a mail directory the tests
// read the e-mails (verification links, codes, reset links) from.

#include "db_fixture.h"

#include "accounts/accountservice.h"
#include "accounts/totp.h"

#include <algorithm>
#include <atomic>
#include <regex>

namespace kairos::server::testing {

namespace acc = kairos::server::accounts;

class AccountsTest : public BackendTest {
protected:
    static constexpr std::int64_t kStartMs = 1'765'000'000'000;  // 2025-12-06T05:46:40Z
    void SetUp() override {
        BackendTest::SetUp();
        if (HasFatalFailure()) return;
        m_mailDir = m_config.dataDir + "/mail";
        m_meta = acc::RequestMeta{"192.0.2.10", "KairosTerminal/1.0 (test)"};
    }

    acc::AccountsConfig accountsConfig() const {
        acc::AccountsConfig c;
        for (std::size_t i = 0; i < c.secretsKey.size(); ++i) c.secretsKey[i] = static_cast<unsigned char>(i * 7 + 3);
        return c;
    }
    static acc::KeySet testKeys() { return acc::KeySet::single("k1", std::string(32, 'K')); }

    acc::AccountService& service() {
        if (!m_service) m_service = std::make_unique<acc::AccountService>(database(), testKeys(), accountsConfig(), clock());
        return *m_service;
    }
    std::function<std::int64_t()> clock() {
        return [this] { return m_now.load(); };
    }
    void advanceSeconds(std::int64_t s) { m_now += s * 1000; }

    /// Delivers due mail and returns the newest message to `to` (empty when none).
    std::string lastMailTo(const std::string& to) {
        auto n = service().deliverMailToDir(m_mailDir);
        EXPECT_TRUE(n.ok()) << (n ? "" : n.message());
        std::vector<std::pair<long, std::string>> found;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(m_mailDir, ec)) {
            if (e.path().extension() != ".eml") continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (text.find("To: " + to + "\r\n") != std::string::npos)
                found.emplace_back(std::stol(e.path().stem().string()), text);
        }
        if (found.empty()) return "";
        std::sort(found.begin(), found.end());
        return found.back().second;
    }
    static std::string tokenIn(const std::string& mail) {
        std::smatch m;
        static const std::regex re("token=([A-Za-z0-9_-]+)");
        return std::regex_search(mail, m, re) ? m[1].str() : "";
    }
    static std::string codeIn(const std::string& mail) {
        std::smatch m;
        static const std::regex re("code in the terminal: ([0-9]{6})");
        return std::regex_search(mail, m, re) ? m[1].str() : "";
    }

    /// Registers and verifies `email` by its link; returns nothing (asserts).
    void registerVerified(const std::string& email, const std::string& password) {
        auto r = service().registerAccount(email, password, m_meta);
        ASSERT_TRUE(r.ok()) << r.error().message;
        const std::string token = tokenIn(lastMailTo(email));
        ASSERT_FALSE(token.empty());
        auto v = service().verifyEmail(token, m_meta);
        ASSERT_TRUE(v.ok()) << v.error().message;
    }

    std::int64_t countRows(const std::string& sql, const std::vector<db::Param>& params = {}) {
        auto c = database().acquire();
        EXPECT_TRUE(c.ok());
        auto row = db::queryOne(**c, sql, params);
        EXPECT_TRUE(row.ok()) << (row ? "" : row.message());
        return row.ok() && row->has_value() ? (*row)->i64(0) : -1;
    }

    std::atomic<std::int64_t> m_now{kStartMs};
    std::string m_mailDir;
    acc::RequestMeta m_meta;
    std::unique_ptr<acc::AccountService> m_service;

    void TearDown() override {
        m_service.reset();
        BackendTest::TearDown();
    }
};

}  // namespace kairos::server::testing
