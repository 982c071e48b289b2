// Parameter rules: enums case-insensitive, page >= 1, itemsPerPage 1..100, dates ISO 8601, and
// sentDateOperator names as the portal spells them (NotCompare or empty means no date filter).
#include "gateway/api/search_parameters.hpp"

#include <charconv>

#include "gateway/domain/text.hpp"
#include "gateway/domain/timestamps.hpp"

namespace relay::api {
namespace {

using domain::RequestError;

std::optional<std::string> text_param(const RequestTarget& target, std::string_view name) {
  const auto* value = target.param(name);
  if (!value || value->empty()) return std::nullopt;
  return *value;
}

std::optional<int> whole_number(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<pg::SentDateOperator> parse_operator(const std::string& text) {
  using Op = pg::SentDateOperator;
  static const std::pair<const char*, Op> names[] = {
      {"NotCompare", Op::none},
      {"Equals", Op::equals},
      {"GreaterThan", Op::greater_than},
      {"LessThan", Op::less_than},
      {"GreaterThanOrEqual", Op::greater_or_equal},
      {"LessThanOrEqual", Op::less_or_equal},
      {"Between", Op::between},
      {"DifferentThan", Op::different_than},
  };
  for (const auto& [name, op] : names) {
    if (domain::iequals(text, name)) return op;
  }
  return std::nullopt;
}

}  // namespace

domain::Outcome<pg::SearchQuery> parse_search_parameters(const RequestTarget& target) {
  pg::SearchQuery query;
  RequestError errors;

  if (auto status = text_param(target, "status")) {
    if (domain::iequals(*status, "Draft")) {
      query.status = domain::PortalStatus::draft;
    } else if (domain::iequals(*status, "Sent")) {
      query.status = domain::PortalStatus::sent;
    } else {
      errors.fields.push_back({"status", "status must be Draft or Sent."});
    }
  }
  if (auto priority = text_param(target, "priority")) {
    query.priority = domain::parse_priority(*priority);
    if (!query.priority)
      errors.fields.push_back({"priority", "priority must be Normal, High or Low."});
  }
  query.from_text = text_param(target, "fromtext");
  query.subject = text_param(target, "subject");
  query.body = text_param(target, "body");
  query.patient_external_id = text_param(target, "patientexternalid");
  query.from_name = text_param(target, "fromsecurerecipientname");
  query.search_term = text_param(target, "searchterm");

  if (auto full_body = text_param(target, "getfullbody")) {
    if (domain::iequals(*full_body, "true")) {
      query.full_body = true;
    } else if (!domain::iequals(*full_body, "false")) {
      errors.fields.push_back({"getFullBody", "getFullBody must be true or false."});
    }
  }
  if (auto page = text_param(target, "page")) {
    auto value = whole_number(*page);
    if (!value || *value < 1) {
      errors.fields.push_back({"page", "page must be a whole number of at least 1."});
    } else {
      query.page = *value;
    }
  }
  if (auto items = text_param(target, "itemsperpage")) {
    auto value = whole_number(*items);
    if (!value || *value < 1 || *value > max_items_per_page) {
      errors.fields.push_back({"itemsPerPage", "itemsPerPage must be a whole number from 1 to " +
                                                   std::to_string(max_items_per_page) + "."});
    } else {
      query.items_per_page = *value;
    }
  }

  if (auto op = text_param(target, "sentdateoperator")) {
    auto parsed = parse_operator(*op);
    if (!parsed) {
      errors.fields.push_back(
          {"sentDateOperator",
           "sentDateOperator must be NotCompare, Equals, GreaterThan, LessThan, "
           "GreaterThanOrEqual, LessThanOrEqual, Between or DifferentThan."});
    } else {
      query.sent_date_operator = *parsed;
    }
  }
  for (const auto& [name, key, slot] : {std::tuple{"sentDate1", "sentdate1", &query.sent_date1},
                                        std::tuple{"sentDate2", "sentdate2", &query.sent_date2}}) {
    if (auto text = text_param(target, key)) {
      *slot = domain::parse_portal_timestamp(*text);
      if (!*slot) {
        errors.fields.push_back({name, std::string(name) +
                                           " must be an ISO 8601 date such as 2026-05-29 or "
                                           "2026-05-29T16:57:00Z."});
      }
    }
  }
  if (query.sent_date_operator != pg::SentDateOperator::none && errors.fields.empty()) {
    if (!query.sent_date1) {
      errors.fields.push_back({"sentDate1", "sentDate1 is required with sentDateOperator."});
    } else if (query.sent_date_operator == pg::SentDateOperator::between && !query.sent_date2) {
      errors.fields.push_back(
          {"sentDate2", "sentDate2 is required when sentDateOperator is Between."});
    }
  }
  if (!errors.fields.empty()) return errors;
  return query;
}

}  // namespace relay::api
