// A position in a newest-first listing ordered by (time, id): the last row of a page, from which
// the next page continues. Used with "ts <= $at AND (ts, id) < ($at, $id)" so an index on ts serves
// it.
#pragma once

#include <cstdint>

#include "gateway/domain/message.hpp"

namespace relay::pg {

struct KeysetPosition {
  domain::EpochMicros at = 0;
  std::int64_t id = 0;
};

}  // namespace relay::pg
