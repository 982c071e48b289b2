// The portal's paged wrapper answered by GET /api/outgoingSecureMessages/search.
// Serialised by json_codec as {"totalItems","itemsPerPage","currentPage","totalPages",...,"rows"}.
#pragma once

#include <cstdint>
#include <vector>

#include "adapters/portal/message_model.hpp"

namespace relay::portal {

struct PagedList {
  std::int64_t total_items = 0;
  int items_per_page = 10;
  int current_page = 1;
  std::int64_t total_pages = 0;
  std::int64_t first_row_on_page = 0;
  std::int64_t last_row_on_page = 0;
  std::vector<OutgoingSecureMessageModel> rows;
};

}  // namespace relay::portal
