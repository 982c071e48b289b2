// GET /api/outgoingSecureMessages/search: the portal's query parameters turned into a SearchQuery,
// with a 400 naming the parameter for any value that cannot be understood.
#pragma once

#include "adapters/postgres/message_repository.hpp"
#include "gateway/api/request_target.hpp"
#include "gateway/domain/outcome.hpp"

namespace relay::api {

inline constexpr int max_items_per_page = 100;

domain::Outcome<pg::SearchQuery> parse_search_parameters(const RequestTarget& target);

}  // namespace relay::api
