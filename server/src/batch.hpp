// Graph JSON batching on the server: POST /v1.0/$batch runs each inner request through the
// service's own routing, in order, and answers them in Graph's shape.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <outlook/http.hpp>

#include <functional>

namespace outlook::server {

/// The most inner requests one batch may hold (Graph's limit).
inline constexpr std::size_t max_batch_requests = 20;

/// Answers a batch request. `handle_one` answers one inner request, which carries the
/// outer request's Authorization and client-request-id and a target below /v1.0. A
/// malformed batch (not JSON, no requests, more than 20, a repeated id, a dependsOn that
/// names no earlier request, a body without Content-Type) is one 400; otherwise the answer
/// is 200 and each inner request has its own status. A request whose prerequisite did not
/// succeed is not run and gets 424.
[[nodiscard]] http_response answer_batch(const http_request& batch,
                                         const std::function<http_response(const http_request&)>& handle_one);

}  // namespace outlook::server
