// MessageRepository::search: the portal's paged search, its WHERE assembled from fixed fragments
// with one parameter each (never user text in SQL), always scoped to the calling vendor.
#include <algorithm>
#include <string_view>

#include "adapters/postgres/like_pattern.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"
#include "gateway/domain/text.hpp"

namespace relay::pg {
namespace {

// The vendor is always $1; filters append " AND ..." fragments; paging comes last.
constexpr const char* message_search =
    "SELECT " RELAY_PG_MESSAGE_COLUMNS ", count(*) OVER () FROM messages m WHERE m.vendor_id = $1";
// Only needed when the page is past the end, where no row carries the window count.
constexpr const char* message_search_count =
    "SELECT count(*) FROM messages m WHERE m.vendor_id = $1";
constexpr const char* message_search_limit = " ORDER BY m.creation_date DESC, m.id LIMIT $?";
constexpr const char* message_search_offset = " OFFSET $?";

// Each "$?" of a fragment stands for the fragment's one parameter.
constexpr const char* filter_status = " AND m.portal_status = $?";
constexpr const char* filter_priority = " AND m.priority = $?::smallint";
constexpr const char* filter_from_text =
    R"sql( AND (m.from_external_id ILIKE $? ESCAPE '\' OR m.from_name ILIKE $? ESCAPE '\'))sql";
constexpr const char* filter_subject = R"sql( AND m.subject ILIKE $? ESCAPE '\')sql";
constexpr const char* filter_body = R"sql( AND m.body ILIKE $? ESCAPE '\')sql";
constexpr const char* filter_from_name = R"sql( AND m.from_name ILIKE $? ESCAPE '\')sql";
constexpr const char* filter_search_term = R"sql( AND (m.subject ILIKE $? ESCAPE '\'
  OR m.body ILIKE $? ESCAPE '\' OR m.from_external_id ILIKE $? ESCAPE '\'
  OR m.from_name ILIKE $? ESCAPE '\'))sql";
constexpr const char* filter_patient = R"sql( AND EXISTS (SELECT 1 FROM message_patients p
  WHERE p.message_id = m.id AND p.external_id = $?))sql";

// Sent-date filters take microseconds since the epoch; days are UTC days. A NULL sent_date never
// satisfies a comparison, so unsent messages never match a date filter.
#define RELAY_PG_MICROS_PARAM "(timestamptz 'epoch' + $?::bigint * interval '1 microsecond')"
constexpr const char* filter_sent_same_day =
    " AND (m.sent_date AT TIME ZONE 'UTC')::date = (" RELAY_PG_MICROS_PARAM
    " AT TIME ZONE 'UTC')::date";
constexpr const char* filter_sent_other_day =
    " AND (m.sent_date AT TIME ZONE 'UTC')::date <> (" RELAY_PG_MICROS_PARAM
    " AT TIME ZONE 'UTC')::date";
constexpr const char* filter_sent_after = " AND m.sent_date > " RELAY_PG_MICROS_PARAM;
constexpr const char* filter_sent_before = " AND m.sent_date < " RELAY_PG_MICROS_PARAM;
constexpr const char* filter_sent_from = " AND m.sent_date >= " RELAY_PG_MICROS_PARAM;
constexpr const char* filter_sent_until = " AND m.sent_date <= " RELAY_PG_MICROS_PARAM;
#undef RELAY_PG_MICROS_PARAM

class QueryBuilder {
 public:
  explicit QueryBuilder(std::int64_t vendor_id) { values_.push_back(std::to_string(vendor_id)); }

  void add(std::string_view fragment, std::string value) {
    values_.push_back(std::move(value));
    std::string number(1, '$');  // not "$" + ...: GCC 12 warns falsely (-Wrestrict, PR 105329)
    number += std::to_string(values_.size());
    for (std::size_t at = fragment.find("$?"); at != std::string_view::npos;
         at = fragment.find("$?")) {
      sql_.append(fragment.substr(0, at)).append(number);
      fragment.remove_prefix(at + 2);
    }
    sql_.append(fragment);
  }

  const std::string& sql() const { return sql_; }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::string sql_;
  std::vector<std::string> values_;
};

void add_sent_date_filter(QueryBuilder& builder, const SearchQuery& query) {
  const auto& date1 = query.sent_date1;
  const auto micros = [](domain::EpochMicros value) { return std::to_string(value); };
  switch (query.sent_date_operator) {
    case SentDateOperator::none:
      return;
    case SentDateOperator::equals:
      if (date1) builder.add(filter_sent_same_day, micros(*date1));
      return;
    case SentDateOperator::different_than:
      if (date1) builder.add(filter_sent_other_day, micros(*date1));
      return;
    case SentDateOperator::greater_than:
      if (date1) builder.add(filter_sent_after, micros(*date1));
      return;
    case SentDateOperator::less_than:
      if (date1) builder.add(filter_sent_before, micros(*date1));
      return;
    case SentDateOperator::greater_or_equal:
      if (date1) builder.add(filter_sent_from, micros(*date1));
      return;
    case SentDateOperator::less_or_equal:
      if (date1) builder.add(filter_sent_until, micros(*date1));
      return;
    case SentDateOperator::between:
      if (date1) builder.add(filter_sent_from, micros(*date1));
      if (query.sent_date2) builder.add(filter_sent_until, micros(*query.sent_date2));
      return;
  }
}

QueryBuilder filters(std::int64_t vendor_id, const SearchQuery& query) {
  QueryBuilder builder(vendor_id);
  if (query.status) builder.add(filter_status, domain::to_string(*query.status));
  if (query.priority) {
    builder.add(filter_priority, std::to_string(priority_to_column(*query.priority)));
  }
  if (query.from_text) builder.add(filter_from_text, contains_pattern(*query.from_text));
  if (query.subject) builder.add(filter_subject, contains_pattern(*query.subject));
  if (query.body) builder.add(filter_body, contains_pattern(*query.body));
  if (query.from_name) builder.add(filter_from_name, contains_pattern(*query.from_name));
  if (query.search_term) builder.add(filter_search_term, contains_pattern(*query.search_term));
  if (query.patient_external_id) builder.add(filter_patient, *query.patient_external_id);
  add_sent_date_filter(builder, query);
  return builder;
}

}  // namespace

SearchPage MessageRepository::search(pqxx::transaction_base& tx, std::int64_t vendor_id,
                                     const SearchQuery& query) {
  const std::int64_t items_per_page = std::max(query.items_per_page, 1);
  const std::int64_t offset = (std::max(query.page, 1) - std::int64_t{1}) * items_per_page;

  QueryBuilder builder = filters(vendor_id, query);
  const std::string where = builder.sql();
  const std::size_t filter_values = builder.values().size();
  builder.add(message_search_limit, std::to_string(items_per_page));
  builder.add(message_search_offset, std::to_string(offset));
  std::vector<std::string> values = builder.values();

  SearchPage page;
  const auto result = tx.exec_params(std::string(message_search) + builder.sql(),
                                     pqxx::prepare::make_dynamic_params(values));
  for (const auto& row : result) {
    page.rows.push_back(message_from_row(row));
    if (page.total_items == 0) page.total_items = row[message_column_count].as<std::int64_t>();
  }
  if (result.empty() && offset > 0) {
    values.resize(filter_values);
    page.total_items = tx.exec_params1(std::string(message_search_count) + where,
                                       pqxx::prepare::make_dynamic_params(values))[0]
                           .as<std::int64_t>();
  }

  load_patients(tx, page.rows);
  load_file_names(tx, page.rows);
  if (!query.full_body) {
    for (auto& row : page.rows) {
      if (row.body)
        *row.body = std::string(domain::utf8_prefix(*row.body, search_body_preview_chars));
    }
  }
  return page;
}

}  // namespace relay::pg
