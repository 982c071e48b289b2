// GET /api/OutgoingSecureMessages/Search: a page of the vendor's messages as the portal's PagedList
// (JSON), filtered and ordered by the search parameters.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "adapters/postgres/message_read_store.hpp"
#include "gateway/api/vendor_router.hpp"

namespace relay::api {

class MessageSearchEndpoint {
 public:
  // reads and cpu_pool must outlive the endpoint.
  MessageSearchEndpoint(pg::MessageReadStore& reads, boost::asio::thread_pool& cpu_pool)
      : reads_(reads), cpu_pool_(cpu_pool) {}

  // 200 with the page; 400 naming a malformed parameter; 406 unless JSON is acceptable.
  boost::asio::awaitable<http::Response> operator()(VendorRequest& request);

 private:
  pg::MessageReadStore& reads_;
  boost::asio::thread_pool& cpu_pool_;
};

}  // namespace relay::api
