#include "metrics.h"

#include "util/version.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace kairos::server {

struct Metrics::Impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                            .Name("kairosd_http_requests_total")
                                                            .Help("HTTP requests answered, by method, route pattern and status")
                                                            .Register(*registry);
    prometheus::Family<prometheus::Histogram>& latency =
        prometheus::BuildHistogram()
            .Name("kairosd_http_request_duration_seconds")
            .Help("Time from a request read to its answer written, by route pattern")
            .Register(*registry);
    prometheus::Gauge& webSockets = prometheus::BuildGauge()
                                        .Name("kairosd_websocket_connections")
                                        .Help("WebSocket connections open now")
                                        .Register(*registry)
                                        .Add({});
    prometheus::Family<prometheus::Counter>& logins =
        prometheus::BuildCounter().Name("kairosd_logins_total").Help("Login attempts by result").Register(*registry);
    prometheus::Counter& loginsOk = logins.Add({{"result", "ok"}});
    prometheus::Counter& loginsFailed = logins.Add({{"result", "failed"}});
    prometheus::Counter& emails = prometheus::BuildCounter()
                                      .Name("kairosd_emails_queued_total")
                                      .Help("E-mails put on the outgoing queue")
                                      .Register(*registry)
                                      .Add({});
    prometheus::Gauge& build = prometheus::BuildGauge()
                                   .Name("kairosd_build_info")
                                   .Help("The running kairosd's version (value 1)")
                                   .Register(*registry)
                                   .Add({{"version", versionString()}});
};

Metrics::Metrics() : d(std::make_unique<Impl>()) { d->build.Set(1); }
Metrics::~Metrics() = default;

void Metrics::observeRequest(std::string_view method, std::string_view route, int status, double seconds) {
    d->requests.Add({{"method", std::string(method)}, {"route", std::string(route)}, {"status", std::to_string(status)}})
        .Increment();
    static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                     0.1,    0.25,  0.5,    1,     2.5,  5,     10};
    d->latency.Add({{"route", std::string(route)}}, kBuckets).Observe(seconds);
}

void Metrics::webSocketOpened() { d->webSockets.Increment(); }
void Metrics::webSocketClosed() { d->webSockets.Decrement(); }
void Metrics::loginSucceeded() { d->loginsOk.Increment(); }
void Metrics::loginFailed() { d->loginsFailed.Increment(); }
void Metrics::emailQueued() { d->emails.Increment(); }
prometheus::Registry& Metrics::registry() { return *d->registry; }

std::string Metrics::render() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, d->registry->Collect());
    return out.str();
}

}  // namespace kairos::server
