// Binance's signing rules and answer decoding against Binance's own published examples
// (../shared/reference/TRADING-BINANCE.md §2: rest-api.md, web-socket-api.md and the official
// Python connector's test), and the plain-words refusals.

#include "live/binanceapi.h"

#include <gtest/gtest.h>

namespace kairos::live {
namespace {

const std::string kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const std::string kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

TEST(BinanceSigning, RestExampleSignatureMatchesBinancesDocumentation) {
    const Params p{{"symbol", "LTCBTC"}, {"side", "BUY"},  {"type", "LIMIT"},      {"timeInForce", "GTC"},
                   {"quantity", "1"},    {"price", "0.1"}, {"recvWindow", "5000"}, {"timestamp", "1499827319559"}};
    const std::string encoded = encodeParams(p);
    EXPECT_EQ(encoded,
              "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559");
    EXPECT_EQ(hmacSha256Hex(kSecret, encoded), "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

TEST(BinanceSigning, NonAsciiParametersArePercentEncodedBeforeSigning) {
    // rest-api.md: the symbol "１２３４５６" (full-width digits) is signed in its percent-encoded form
    const Params p{{"symbol", "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96"},
                   {"side", "BUY"},
                   {"type", "LIMIT"},
                   {"timeInForce", "GTC"},
                   {"quantity", "1"},
                   {"price", "0.1"},
                   {"recvWindow", "5000"},
                   {"timestamp", "1499827319559"}};
    const std::string encoded = encodeParams(p);
    EXPECT_EQ(
        encoded,
        "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&"
        "recvWindow=5000&timestamp=1499827319559");
    EXPECT_EQ(hmacSha256Hex(kSecret, encoded), "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");
}

TEST(BinanceSigning, WebSocketApiSignsParametersSortedByNameWithoutEncoding) {
    // web-socket-api.md's example, parameters given in the request's order (not sorted)
    const Params p{{"symbol", "BTCUSDT"},      {"side", "SELL"},        {"type", "LIMIT"},     {"timeInForce", "GTC"},
                   {"quantity", "0.01000000"}, {"price", "52000.00"},   {"recvWindow", "100"}, {"timestamp", "1645423376532"},
                   {"apiKey", kApiKey},        {"signature", "ignored"}};
    const std::string payload = wsSignaturePayload(p);
    EXPECT_EQ(
        payload,
        "apiKey=" + kApiKey +
            "&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&"
            "type=LIMIT");
    EXPECT_EQ(hmacSha256Hex(kSecret, payload), "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
    // The raw UTF-8 example: not percent-encoded in the WebSocket API
    const Params u{{"apiKey", kApiKey},
                   {"price", "0.10000000"},
                   {"quantity", "1.00000000"},
                   {"recvWindow", "5000"},
                   {"side", "BUY"},
                   {"symbol", "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96"},
                   {"timeInForce", "GTC"},
                   {"timestamp", "1645423376532"},
                   {"type", "LIMIT"}};
    EXPECT_EQ(hmacSha256Hex(kSecret, wsSignaturePayload(u)), "b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd");
}

TEST(BinanceSigning, OfficialConnectorTestVector) {
    EXPECT_EQ(hmacSha256Hex(kSecret, "timestamp=1578963600000"),
              "d84e6641b1e328e7b418fff030caed655c266299c9355e36ce801ed14631eed4");
}

TEST(BinanceSigning, ClientOrderIdsFollowBinancesPattern) {
    EXPECT_TRUE(isValidClientOrderId("kairos-1_A"));
    EXPECT_TRUE(isValidClientOrderId(std::string(36, 'a')));
    EXPECT_FALSE(isValidClientOrderId(std::string(37, 'a')));
    EXPECT_FALSE(isValidClientOrderId(""));
    EXPECT_FALSE(isValidClientOrderId("has space"));
    EXPECT_FALSE(isValidClientOrderId("dot.ted"));
}

TEST(BinanceAnswers, OutcomeOfAnAnswerDecidesWhetherAnOrderMayExist) {
    EXPECT_EQ(classify(200, std::nullopt, false), Outcome::Done);
    EXPECT_EQ(classify(400, ApiError{400, -2010, "Duplicate order sent."}, false), Outcome::Rejected);
    EXPECT_EQ(classify(429, ApiError{429, -1015, "Too many new orders"}, false), Outcome::RateLimited);
    EXPECT_EQ(classify(418, std::nullopt, false), Outcome::RateLimited);
    // rest-api.md: a 5XX is NOT a failure, the status is UNKNOWN; -1006 and -1007 likewise
    EXPECT_EQ(classify(503, std::nullopt, false), Outcome::Unknown);
    EXPECT_EQ(classify(400, ApiError{400, -1007, "Timeout waiting for response from backend server."}, false), Outcome::Unknown);
    EXPECT_EQ(classify(0, std::nullopt, true), Outcome::Unknown);
}

TEST(BinanceAnswers, RefusalsAreExplainedWithTheSymbolsRules) {
    const std::string info =
        R"({"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","allowTrailingStop":true,"filters":[
        {"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
        {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
        {"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000"}]}]})";
    auto rules = parseExchangeInfo(info);
    ASSERT_TRUE(rules.ok()) << rules.message();
    ASSERT_EQ(rules->size(), 1u);
    const SymbolRules& r = (*rules)[0];
    EXPECT_EQ(r.stepSize.toString(), "0.00001000");
    EXPECT_TRUE(r.trailingAllowed);
    EXPECT_EQ(describeRejection({400, -1013, "Filter failure: LOT_SIZE"}, &r),
              "Binance refused: Filter failure: LOT_SIZE \xE2\x80\x94 the quantity must be a multiple of 0.00001, from 0.00001 "
              "to 9000 (code -1013)");
    EXPECT_EQ(describeRejection({400, -1013, "Filter failure: NOTIONAL"}, &r),
              "Binance refused: Filter failure: NOTIONAL \xE2\x80\x94 the order must be worth at least 5 USDT (code -1013)");
    EXPECT_EQ(describeRejection({400, -2010, "Account has insufficient balance for requested action."}),
              "Binance refused: Account has insufficient balance for requested action. \xE2\x80\x94 not enough free balance for "
              "this order (code -2010)");
    EXPECT_EQ(describeRejection({400, -9999, "Something new."}), "Binance refused: Something new. (code -9999)");
    auto bad = parseExchangeInfo(R"({"symbols":[{"symbol":"X","filters":[{"filterType":"LOT_SIZE","minQty":1}]}]})");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("stepSize"), std::string::npos) << bad.message();
}

TEST(BinanceAnswers, ExecutionReportsDecodeAsUserDataStreamDocumentsThem) {
    // user-data-stream.md's executionReport example fields, wrapped as the WebSocket API sends events
    const std::string msg =
        R"({"subscriptionId":0,"event":{"e":"executionReport","E":1499405658658,"s":"ETHBTC","c":"mUvoqJxFIILMdfAW5iGSOW",
        "S":"BUY","o":"LIMIT","f":"GTC","q":"1.00000000","p":"0.10264410","P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"TRADE",
        "X":"PARTIALLY_FILLED","r":"NONE","i":4293153,"l":"0.40000000","z":"0.40000000","L":"0.10264410","n":"0.00040000","N":"ETH",
        "T":1499405658657,"t":77,"I":8641984,"w":true,"m":false,"M":false,"O":1499405658657,"Z":"0.04105764","Y":"0.04105764","Q":"0.00000000"}})";
    auto m = parseWsMessage(msg);
    ASSERT_TRUE(m.ok()) << m.message();
    ASSERT_TRUE(m->isEvent);
    ASSERT_EQ(m->event.kind, UserEvent::Kind::Execution);
    const ExecutionReport& e = m->event.execution;
    EXPECT_EQ(e.orderClientId(), "mUvoqJxFIILMdfAW5iGSOW");
    EXPECT_EQ(e.execType, "TRADE");
    EXPECT_EQ(e.status, "PARTIALLY_FILLED");
    EXPECT_EQ(e.lastQty.toString(), "0.40000000");
    EXPECT_EQ(e.lastPrice.toString(), "0.10264410");
    EXPECT_EQ(e.commission.toString(), "0.00040000");
    EXPECT_EQ(e.commissionAsset, "ETH");
    EXPECT_EQ(e.tradeId, 77);
    EXPECT_EQ(e.executionId, 8641984);
    // A cancel names the cancelled order in C
    auto c = parseWsMessage(
        R"({"subscriptionId":0,"event":{"e":"executionReport","s":"ETHBTC","c":"cancel1","C":"orig1","S":"BUY","o":"LIMIT",
        "q":"1.00000000","p":"0.1","x":"CANCELED","X":"CANCELED","i":1,"l":"0","z":"0","L":"0","t":-1}})");
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->event.execution.orderClientId(), "orig1");
    // Bad values are errors naming the field, never a crash or a silently wrong event
    auto bad = parseWsMessage(
        R"({"subscriptionId":0,"event":{"e":"executionReport","s":"X","c":"a","x":"TRADE","X":"FILLED","q":"1","p":"1",
        "l":"abc","z":"1","L":"1","t":5}})");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("'l'"), std::string::npos) << bad.message();
    EXPECT_FALSE(parseWsMessage("{not json").ok());
    auto answer = parseWsMessage(R"({"id":"kairos-sub-1","status":200,"result":{"subscriptionId":3}})");
    ASSERT_TRUE(answer.ok());
    EXPECT_FALSE(answer->isEvent);
    EXPECT_EQ(answer->subscriptionId, 3);
    auto refused =
        parseWsMessage(R"({"id":7,"status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}})");
    ASSERT_TRUE(refused.ok());
    ASSERT_TRUE(refused->error.has_value());
    EXPECT_EQ(refused->error->code, -1022);
    EXPECT_EQ(refused->id, "7");
}

TEST(BinanceAnswers, OrderListsAndListStatusEventsDecodeAsDocumented) {
    // user-data-stream.md's listStatus event shape (one-letter keys), our own values
    auto m = parseWsMessage(
        R"({"subscriptionId":2,"event":{"e":"listStatus","E":1700000000100,"s":"BTCUSDT","g":42,"c":"OCO","l":"ALL_DONE",
        "L":"ALL_DONE","r":"NONE","C":"k-7-L","T":1700000000099,"O":[{"s":"BTCUSDT","i":1001,"c":"k-7-S"},
        {"s":"BTCUSDT","i":1002,"c":"k-7"}]}})");
    ASSERT_TRUE(m.ok()) << m.message();
    ASSERT_EQ(m->event.kind, UserEvent::Kind::ListStatus);
    const OrderListState& l = m->event.list;
    EXPECT_EQ(l.orderListId, 42);
    EXPECT_EQ(l.listClientOrderId, "k-7-L");
    EXPECT_EQ(l.listOrderStatus, "ALL_DONE");
    ASSERT_EQ(l.orders.size(), 2u);
    EXPECT_EQ(l.orders[1].clientOrderId, "k-7");
    EXPECT_EQ(l.orders[0].orderId, 1001);
    // rest-api.md's POST orderList/oco answer shape (long names, orderReports with RESULT)
    auto placed = parseOrderList(
        R"({"orderListId":42,"contingencyType":"OCO","listStatusType":"EXEC_STARTED","listOrderStatus":"EXECUTING",
        "listClientOrderId":"k-7-L","transactionTime":1700000000000,"symbol":"BTCUSDT",
        "orders":[{"symbol":"BTCUSDT","orderId":1001,"clientOrderId":"k-7-S"},{"symbol":"BTCUSDT","orderId":1002,"clientOrderId":"k-7"}],
        "orderReports":[{"symbol":"BTCUSDT","orderId":1001,"orderListId":42,"clientOrderId":"k-7-S","transactTime":1700000000000,
        "price":"0.00000000","origQty":"0.01000000","executedQty":"0.00000000","cummulativeQuoteQty":"0.00000000","status":"NEW",
        "timeInForce":"GTC","type":"STOP_LOSS","side":"SELL","stopPrice":"104000.00000000"}]})");
    ASSERT_TRUE(placed.ok()) << placed.message();
    ASSERT_EQ(placed->orderReports.size(), 1u);
    EXPECT_EQ(placed->orderReports[0].orderListId, 42);
    EXPECT_EQ(placed->orderReports[0].stopPrice.toTrimmedString(), "104000");
    EXPECT_EQ(placed->listStatusType, "EXEC_STARTED");
    auto open = parseOrderLists(R"([{"orderListId":1,"listOrderStatus":"EXECUTING","listClientOrderId":"a","orders":[]}])");
    ASSERT_TRUE(open.ok()) << open.message();
    EXPECT_EQ(open->size(), 1u);
    // A leg's executionReport carries its list (g), its trailing delta (d) and why it expired (eR)
    auto leg = parseWsMessage(
        R"({"subscriptionId":2,"event":{"e":"executionReport","s":"BTCUSDT","c":"k-7","S":"SELL","o":"LIMIT_MAKER","q":"0.01",
        "p":"107000","x":"EXPIRED","X":"EXPIRED","i":1002,"l":"0","z":"0","L":"0","t":-1,"g":42,"d":150,"eR":"OCO_TRIGGER"}})");
    ASSERT_TRUE(leg.ok()) << leg.message();
    EXPECT_EQ(leg->event.execution.orderListId, 42);
    EXPECT_EQ(leg->event.execution.trailingDelta, 150);
    EXPECT_EQ(leg->event.execution.expiryReason, "OCO_TRIGGER");
    // Malformed lists are errors, never a crash
    EXPECT_FALSE(parseOrderList(R"({"orderListId":1})").ok()) << "no status";
    EXPECT_FALSE(parseWsMessage(R"({"subscriptionId":2,"event":{"e":"listStatus","g":1,"L":"EXECUTING","O":[{"s":"X"}]}})").ok());
    EXPECT_FALSE(parseOrderLists("{}").ok());
}

TEST(BinanceAnswers, TheTrailingDeltaFilterIsRead) {
    auto rules = parseExchangeInfo(
        R"({"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","allowTrailingStop":true,"filters":[
        {"filterType":"TRAILING_DELTA","minTrailingAboveDelta":10,"maxTrailingAboveDelta":2000,"minTrailingBelowDelta":20,
        "maxTrailingBelowDelta":1500}]}]})");
    ASSERT_TRUE(rules.ok()) << rules.message();
    ASSERT_EQ(rules->size(), 1u);
    EXPECT_TRUE((*rules)[0].trailingAllowed);
    EXPECT_EQ((*rules)[0].minTrailingAboveDelta, 10);
    EXPECT_EQ((*rules)[0].maxTrailingAboveDelta, 2000);
    EXPECT_EQ((*rules)[0].minTrailingBelowDelta, 20);
    EXPECT_EQ((*rules)[0].maxTrailingBelowDelta, 1500);
}

}  // namespace
}  // namespace kairos::live
