// Fuzz target: the workspace sync push body (server/src/sync/routes.h, parsePush), which reads
// {"changes": [{"kind","id","base_revision","deleted","updated_at","payload"}…]} from any signed-in
// client. Input: the body bytes. Whatever comes in: either a 400/413 with the one error body naming
// a field (except for a body that is not an object), or changes that keep every promised limit.
#include "http/response.h"
#include "sync/routes.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kairos::server;
    const auto body = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(data), size), nullptr, false);
    if (body.is_discarded()) return 0;  // the router answers malformed_json before any handler
    sync::SyncLimits limits;
    limits.maxPayloadBytes = 256;
    limits.maxBatch = 8;
    const sync::ParsedPush parsed = sync::parsePush(body, limits);
    if (parsed.error) {
        const http::Response& r = *parsed.error;
        if (r.status != 400 && r.status != 413) std::abort();
        const nlohmann::json e = r.json.value("error", nlohmann::json());
        if (!e.is_object() || !e.value("code", nlohmann::json()).is_string() || !e.value("message", nlohmann::json()).is_string())
            std::abort();
        const nlohmann::json details = e.value("details", nlohmann::json());
        if (!details.is_object()) std::abort();
        if (body.is_object() && !details.value("field", nlohmann::json()).is_string()) std::abort();
        return 0;
    }
    if (parsed.changes.size() > limits.maxBatch) std::abort();
    for (const auto& c : parsed.changes) {
        if (!sync::isValidKind(c.kind, limits) || c.id.empty() || c.baseRevision < 0 || c.updatedMs < 0) std::abort();
        if (!c.deleted && (c.payload.is_null() || c.payload.dump().size() > limits.maxPayloadBytes)) std::abort();
        // What the feed would send back is JSON again.
        sync::Item item{c.kind, c.id, 1, c.updatedMs, c.deleted, c.payload};
        (void)http::dumpJson(sync::itemJson(item));
    }
    return 0;
}
