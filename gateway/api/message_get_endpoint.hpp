// GET /api/OutgoingSecureMessages?externalId=: the vendor's own message by its ExternalId (another
// vendor's is not found), in the format Accept asks for.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "adapters/postgres/message_read_store.hpp"
#include "gateway/api/vendor_router.hpp"

namespace relay::api {

class MessageGetEndpoint {
 public:
  // reads and cpu_pool must outlive the endpoint.
  MessageGetEndpoint(pg::MessageReadStore& reads, boost::asio::thread_pool& cpu_pool)
      : reads_(reads), cpu_pool_(cpu_pool) {}

  // 200 with the model; 400 without externalId; 404 when the vendor has no such message; 406.
  boost::asio::awaitable<http::Response> operator()(VendorRequest& request);

 private:
  pg::MessageReadStore& reads_;
  boost::asio::thread_pool& cpu_pool_;
};

}  // namespace relay::api
