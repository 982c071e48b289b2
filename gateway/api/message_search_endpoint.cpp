// MessageSearchEndpoint: the parameters are read (400 naming the bad one), one snapshot read gives
// the page and its total, and the PagedList is encoded on the CPU pool.
#include "gateway/api/message_search_endpoint.hpp"

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/paged_list.hpp"
#include "gateway/api/message_answers.hpp"
#include "gateway/api/message_mapping.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/api/search_parameters.hpp"
#include "gateway/http/offload.hpp"

namespace relay::api {

boost::asio::awaitable<http::Response> MessageSearchEndpoint::operator()(
    VendorRequest& vendor_request) {
  const http::Request& request = vendor_request.http;
  const unsigned version = request.version();
  if (!accepts_format(request[beast_http::field::accept], WireFormat::json))
    co_return not_acceptable_response(version);
  auto query = parse_search_parameters(vendor_request.target);
  if (!query) co_return error_response(query.error(), WireFormat::json, version);

  const pg::SearchQuery search = query.value();
  const auto page = co_await reads_.search(vendor_request.vendor_id, search);

  portal::PagedList list;
  list.total_items = page.total_items;
  list.items_per_page = search.items_per_page;
  list.current_page = search.page;
  list.total_pages = (page.total_items + search.items_per_page - 1) / search.items_per_page;
  const std::int64_t offset = static_cast<std::int64_t>(search.page - 1) * search.items_per_page;
  list.first_row_on_page = page.rows.empty() ? 0 : offset + 1;
  list.last_row_on_page =
      page.rows.empty() ? 0 : offset + static_cast<std::int64_t>(page.rows.size());
  list.rows.reserve(page.rows.size());
  for (const auto& row : page.rows) list.rows.push_back(to_portal_model(row));
  // The paged wrapper is answered in JSON, the form every known client reads (see README, API).
  auto body = co_await http::run_on(cpu_pool_.get_executor(),
                                    [&list] { return portal::encode_json(list); });
  co_return make_response(beast_http::status::ok, std::move(body), WireFormat::json, version);
}

}  // namespace relay::api
