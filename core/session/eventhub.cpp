#include "session/eventhub.h"

#include "marketdata/exchangefeed.h"
#include "trading/account.h"

#include <algorithm>

namespace kairos::session {

EventHub::EventHub(QObject* parent) : QObject(parent) {}

EventHub::~EventHub() = default;

bool EventHub::isAttached(const QObject* source) const {
    return std::find(m_sources.begin(), m_sources.end(), source) != m_sources.end();
}

void EventHub::attachFeed(marketdata::MarketDataFeed* feed) {
    if (!feed || isAttached(feed)) return;
    m_sources.push_back(feed);
    connect(feed, &marketdata::MarketDataFeed::tradeReceived, this, &EventHub::tradeReceived);
    connect(feed, &marketdata::MarketDataFeed::quoteReceived, this, &EventHub::quoteReceived);
    connect(feed, &marketdata::MarketDataFeed::barUpdated, this, &EventHub::barUpdated);
    if (auto* ex = qobject_cast<marketdata::ExchangeFeed*>(feed)) {
        connect(ex, &marketdata::ExchangeFeed::tickerReceived, this, &EventHub::tickerReceived);
        connect(ex, &marketdata::ExchangeFeed::barsBackfilled, this, &EventHub::barsBackfilled);
    }
    // The venue directory destroys a feed when its venue is disabled.
    connect(feed, &QObject::destroyed, this, [this, feed] { std::erase(m_sources, static_cast<const QObject*>(feed)); });
}

void EventHub::attachAccount(trading::Account* account) {
    if (!account || isAttached(account)) return;
    m_sources.push_back(account);
    connect(account, &trading::Account::orderUpdated, this, &EventHub::orderUpdated);
    connect(account, &trading::Account::filled, this, &EventHub::filled);
    connect(account, &QObject::destroyed, this, [this, account] { std::erase(m_sources, static_cast<const QObject*>(account)); });
}

}  // namespace kairos::session
