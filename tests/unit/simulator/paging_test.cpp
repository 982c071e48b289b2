// Tests of the list endpoint's page selection (fromItem/toItem/count on a newest-first list) and
// of the count parameter's parsing.
#include <boost/test/unit_test.hpp>

#include <vector>

#include "tests/simulator/paging.hpp"

BOOST_AUTO_TEST_SUITE(simulator_paging)

using relay::sim::PageRequest;
using relay::sim::select_page;

const std::vector<std::uint64_t> seqs = {9, 7, 5, 4, 2};  // newest first

BOOST_AUTO_TEST_CASE(first_page_and_next_link) {
  const auto page = select_page(seqs, PageRequest{std::nullopt, std::nullopt, 2});
  BOOST_TEST(page.begin == 0u);
  BOOST_TEST(page.end == 2u);
  BOOST_REQUIRE(page.next_from);
  BOOST_TEST(*page.next_from == 2u);
  BOOST_TEST(!page.prev_to);
}

BOOST_AUTO_TEST_CASE(from_item_starts_at_the_cursor_even_if_it_no_longer_matches) {
  auto page = select_page(seqs, PageRequest{5, std::nullopt, 2});
  BOOST_TEST(page.begin == 2u);
  BOOST_TEST(page.end == 4u);
  BOOST_TEST(*page.next_from == 4u);
  BOOST_TEST(*page.prev_to == 1u);
  page = select_page(seqs, PageRequest{6, std::nullopt, 2});  // seq 6 filtered out
  BOOST_TEST(page.begin == 2u);
  page = select_page(seqs, PageRequest{2, std::nullopt, 2});
  BOOST_TEST(page.begin == 4u);
  BOOST_TEST(page.end == 5u);
  BOOST_TEST(!page.next_from);
}

BOOST_AUTO_TEST_CASE(to_item_ends_the_page_at_the_cursor) {
  const auto page = select_page(seqs, PageRequest{std::nullopt, 5, 2});
  BOOST_TEST(page.begin == 1u);
  BOOST_TEST(page.end == 3u);
  BOOST_TEST(*page.prev_to == 0u);
  BOOST_TEST(*page.next_from == 3u);
}

BOOST_AUTO_TEST_CASE(walking_next_links_visits_every_item_once) {
  std::vector<std::uint64_t> seen;
  PageRequest request{std::nullopt, std::nullopt, 2};
  for (int guard = 0; guard < 10; ++guard) {
    const auto page = select_page(seqs, request);
    for (auto i = page.begin; i < page.end; ++i) seen.push_back(seqs[i]);
    if (!page.next_from) break;
    request.from_seq = seqs[*page.next_from];
  }
  BOOST_TEST(seen == seqs);
}

BOOST_AUTO_TEST_CASE(empty_lists_and_zero_count_have_no_next_page) {
  auto page = select_page({}, PageRequest{});
  BOOST_TEST(page.begin == page.end);
  BOOST_TEST(!page.next_from);
  page = select_page(seqs, PageRequest{std::nullopt, std::nullopt, 0});
  BOOST_TEST(page.begin == page.end);
  BOOST_TEST(!page.next_from);
}

BOOST_AUTO_TEST_CASE(count_parsing) {
  using relay::sim::parse_page_count;
  BOOST_TEST(std::get<std::size_t>(parse_page_count("0")) == 0u);
  BOOST_TEST(std::get<std::size_t>(parse_page_count("500")) == 500u);
  BOOST_TEST(std::holds_alternative<std::string>(parse_page_count("501")));
  BOOST_TEST(std::holds_alternative<std::string>(parse_page_count("-1")));
  BOOST_TEST(std::holds_alternative<std::string>(parse_page_count("ten")));
  BOOST_TEST(std::holds_alternative<std::string>(parse_page_count("")));
}

BOOST_AUTO_TEST_SUITE_END()
