// Optional TLS: with a certificate and key the port speaks https (and wss) only, with HSTS.
// The certificate is self-signed, generated here with OpenSSL.
#include "serverclient.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <cstdio>

namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;

namespace {

/// Writes a self-signed P-256 certificate for 127.0.0.1 and its key (mode 600) into `dir`.
bool writeSelfSignedCert(const std::string& certPath, const std::string& keyPath) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    if (!key || !cert) return false;
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    const bool signedOk = X509_sign(cert, key, EVP_sha256()) > 0;
    FILE* c = std::fopen(certPath.c_str(), "w");
    FILE* k = std::fopen(keyPath.c_str(), "w");
    const bool written = c && k && PEM_write_X509(c, cert) && PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
    if (c) std::fclose(c);
    if (k) std::fclose(k);
    ::chmod(keyPath.c_str(), 0600);
    X509_free(cert);
    EVP_PKEY_free(key);
    return signedOk && written;
}

class Tls : public ::testing::Test {
protected:
    void SetUp() override {
        cert = dir.path().toStdString() + "/cert.pem";
        key = dir.path().toStdString() + "/key.pem";
        ASSERT_TRUE(writeSelfSignedCert(cert, key));
        client.load_verify_file(cert);  // trust exactly this certificate
        client.set_verify_mode(ssl::verify_peer);
    }
    QTemporaryDir dir;
    std::string cert, key;
    ssl::context client{ssl::context::tls_client};
};

}  // namespace

TEST_F(Tls, ServesHttpsWithHstsAndWss) {
    kairos::server::ServerOptions o;
    o.tlsCert = cert;
    o.tlsKey = key;
    kairos::test::TestServer server(o);
    ASSERT_EQ(server.start(), "");
    boost::asio::io_context io;
    {
        boost::beast::ssl_stream<boost::beast::tcp_stream> stream(io, client);
        boost::beast::get_lowest_layer(stream).connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
        stream.handshake(ssl::stream_base::client);
        bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/health", 11};
        req.set(bhttp::field::host, "127.0.0.1");
        bhttp::write(stream, req);
        boost::beast::flat_buffer buf;
        bhttp::response<bhttp::string_body> res;
        bhttp::read(stream, buf, res);
        EXPECT_EQ(res.result(), bhttp::status::ok);
        EXPECT_NE(res.body().find(R"("status":"ok")"), std::string::npos);
        EXPECT_EQ(res[bhttp::field::strict_transport_security], "max-age=31536000");
    }
    {
        boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>> ws(io, client);
        boost::beast::get_lowest_layer(ws).connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
        ws.next_layer().handshake(ssl::stream_base::client);
        ws.handshake("127.0.0.1", "/api/v1/ws");
        ws.write(boost::asio::buffer(std::string("over tls")));
        boost::beast::flat_buffer buf;
        ws.read(buf);
        EXPECT_EQ(boost::beast::buffers_to_string(buf.data()), "over tls");
    }
    // Plain HTTP on the TLS port gets no HTTP answer
    boost::beast::tcp_stream plain(io);
    plain.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/health", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(plain, req);
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    boost::beast::error_code ec;
    bhttp::read(plain, buf, res, ec);
    EXPECT_TRUE(ec) << "plain HTTP was answered on the TLS port";
    server.server->stop();
}

TEST_F(Tls, KairosdAnnouncesHttpsAndRefusesABadKey) {
    QProcess p;
    std::string error;
    const quint16 port = kairos::test::startKairosd(
        p, {"--port", "0", "--tls-cert", QString::fromStdString(cert), "--tls-key", QString::fromStdString(key)}, error);
    ASSERT_NE(port, 0) << error;
    p.terminate();
    ASSERT_TRUE(p.waitForFinished(30'000));
    EXPECT_EQ(p.exitCode(), 0);

    // A key others can read is refused before anything is loaded
    QProcess open;
    open.start(QStringLiteral(KAIROSD_PATH),
               {"--port", "0", "--tls-cert", QString::fromStdString(cert), "--tls-key", QString::fromStdString(cert)});
    ASSERT_TRUE(open.waitForFinished(30'000));
    EXPECT_EQ(open.exitCode(), 2);
    std::string err = open.readAllStandardError().toStdString();
    EXPECT_NE(err.find("tls_key: " + cert + " is readable by every user"), std::string::npos) << err;
    // A file that is no key is a clear start-up error
    const std::string notAKey = dir.path().toStdString() + "/not-a-key.pem";
    QFile::copy(QString::fromStdString(cert), QString::fromStdString(notAKey));
    ::chmod(notAKey.c_str(), 0600);
    QProcess bad;
    bad.start(QStringLiteral(KAIROSD_PATH),
              {"--port", "0", "--tls-cert", QString::fromStdString(cert), "--tls-key", QString::fromStdString(notAKey)});
    ASSERT_TRUE(bad.waitForFinished(30'000));
    EXPECT_EQ(bad.exitCode(), 1);
    err = bad.readAllStandardError().toStdString();
    EXPECT_NE(err.find("cannot load the TLS key " + notAKey), std::string::npos) << err;
}
