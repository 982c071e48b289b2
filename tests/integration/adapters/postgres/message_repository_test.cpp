// Integration tests of MessageRepository on a real server: byte-exact files, uniqueness, drafts,
// refusal once queued, search filters, paging and escaping, vendor isolation, NOTIFY.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/vendor_repository.hpp"
#include "gateway/domain/digest.hpp"
#include "tests/support/test_database.hpp"

namespace {

using relay::domain::Attachment;
using relay::domain::PortalStatus;
using relay::domain::Priority;
using relay::domain::Recipient;
using relay::domain::RequestedStatus;
using relay::domain::ValidatedMessage;
using relay::pg::MessageRepository;
using relay::pg::SearchQuery;
using relay::pg::SentDateOperator;
using relay::testing::TestDatabase;

Attachment attachment(const std::string& name, std::string bytes) {
  Attachment file;
  file.file_name = name;
  file.content_type = "application/octet-stream";
  file.sha256_hex = relay::domain::sha256_hex(bytes);
  file.bytes = std::move(bytes);
  return file;
}

ValidatedMessage sample(const std::string& external_id,
                        RequestedStatus status = RequestedStatus::draft) {
  ValidatedMessage message;
  message.external_id = external_id;
  message.from_external_id = "dr-12";
  message.from_name = "Dr. Who";
  message.patients = {{"p-1", false, std::nullopt}, {"p-2", true, std::string("guardian-9")}};
  message.subject = "Lab results";
  message.body = "Your results are normal.";
  message.relay_subject = "Lab results";
  message.relay_body = "Your results are normal.";
  message.status = status;
  message.priority = Priority::high;
  message.route = {"clinic@direct.example.org", {"1234567890", "say \"hi\", {x}"}};
  message.content_hash = "hash-" + external_id;
  return message;
}

struct Fixture {
  TestDatabase database;
  std::int64_t vendor_a = 0;
  std::int64_t vendor_b = 0;

  Fixture() {
    pqxx::work tx(database.connection());
    vendor_a = relay::pg::VendorRepository::insert(tx, "vendor-a", "h");
    vendor_b = relay::pg::VendorRepository::insert(tx, "vendor-b", "h");
    tx.commit();
  }

  std::string insert(std::int64_t vendor, const ValidatedMessage& message) {
    pqxx::work tx(database.connection());
    auto id = MessageRepository::insert(tx, vendor, message).id;
    tx.commit();
    return id;
  }

  std::optional<relay::domain::StoredMessage> find(std::int64_t vendor,
                                                   const std::string& external_id) {
    pqxx::read_transaction tx(database.connection());
    return MessageRepository::find_by_external_id(tx, vendor, external_id);
  }

  relay::pg::SearchPage search(std::int64_t vendor, const SearchQuery& query) {
    pqxx::read_transaction tx(database.connection());
    return MessageRepository::search(tx, vendor, query);
  }

  std::vector<std::string> delivery_states(const std::string& message_id) {
    pqxx::read_transaction tx(database.connection());
    std::vector<std::string> states;
    for (const auto& row : tx.exec_params(
             "SELECT state FROM deliveries WHERE message_id = $1::uuid ORDER BY patient_position",
             message_id)) {
      states.push_back(row[0].as<std::string>());
    }
    return states;
  }

  // Marks a message delivered, as the relay will, with the given sent date.
  void mark_sent(const std::string& message_id, const std::string& sent_date) {
    pqxx::work tx(database.connection());
    tx.exec_params0(
        "UPDATE messages SET portal_status = 'Sent', sent_date = $2::timestamptz WHERE id = "
        "$1::uuid",
        message_id, sent_date);
    tx.commit();
  }

  std::vector<std::string> external_ids(const relay::pg::SearchPage& page) {
    std::vector<std::string> ids;
    for (const auto& row : page.rows) ids.push_back(row.external_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

relay::domain::EpochMicros micros(pqxx::connection& connection, const std::string& timestamp) {
  pqxx::read_transaction tx(connection);
  return tx
      .exec_params1("SELECT (extract(epoch FROM $1::timestamptz) * 1000000)::bigint", timestamp)[0]
      .as<relay::domain::EpochMicros>();
}

using Strings = std::vector<std::string>;

// Reproducible random bytes: every byte value, no structure a codec could exploit.
std::string random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < size; at += sizeof(std::uint64_t)) {
    const std::uint64_t word = generator();
    std::memcpy(bytes.data() + at, &word, std::min(sizeof word, size - at));
  }
  return bytes;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_message_repository)

BOOST_FIXTURE_TEST_CASE(insert_and_read_back_byte_identical, Fixture) {
  std::string every_byte;
  for (int i = 0; i < 256; ++i) every_byte += static_cast<char>(i);
  std::string large;
  for (int i = 0; i < 300000; ++i) large += static_cast<char>((i * 7919 + i / 13) & 0xFF);
  auto message = sample("ext-1");
  message.attachments = {attachment("all.bin", every_byte),
                         attachment("zeros.bin", std::string(1000, '\0')),
                         attachment("ff.bin", std::string(77, '\xFF')), attachment("empty.txt", ""),
                         attachment("large.pdf", large)};
  message.from_name.reset();
  const auto id = insert(vendor_a, message);
  BOOST_TEST(id.size() == 36u);

  const auto stored = find(vendor_a, "ext-1");
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->id == id);
  BOOST_TEST(stored->vendor_id == vendor_a);
  BOOST_TEST(stored->external_id == "ext-1");
  BOOST_TEST(stored->from_external_id == "dr-12");
  BOOST_TEST(!stored->from_name.has_value());
  BOOST_TEST(stored->subject.value() == "Lab results");
  BOOST_TEST(stored->body.value() == "Your results are normal.");
  BOOST_TEST((stored->status == PortalStatus::draft));
  BOOST_TEST((stored->requested_status == RequestedStatus::draft));
  BOOST_TEST((stored->priority == Priority::high));
  BOOST_TEST(stored->content_hash == "hash-ext-1");
  BOOST_TEST(!stored->sent_date.has_value());
  const auto now_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  BOOST_TEST(std::abs(now_micros - stored->creation_date) < 60'000'000);

  BOOST_REQUIRE_EQUAL(stored->patients.size(), 2u);
  BOOST_TEST(stored->patients[0].external_id == "p-1");
  BOOST_TEST(!stored->patients[0].is_representative);
  BOOST_TEST(!stored->patients[0].representative_external_id.has_value());
  BOOST_TEST(stored->patients[1].external_id == "p-2");
  BOOST_TEST(stored->patients[1].is_representative);
  BOOST_TEST(stored->patients[1].representative_external_id.value() == "guardian-9");

  BOOST_REQUIRE_EQUAL(stored->files.size(), message.attachments.size());
  for (std::size_t i = 0; i < message.attachments.size(); ++i) {
    BOOST_TEST(stored->files[i].file_name == message.attachments[i].file_name);
    BOOST_REQUIRE(stored->files[i].bytes.has_value());
    BOOST_TEST((*stored->files[i].bytes == message.attachments[i].bytes), "file " << i);
  }

  pqxx::read_transaction tx(database.connection());
  const auto row = tx.exec_params1(
      "SELECT destination, intended_recipient_npi, relay_subject, requested_status, priority "
      "FROM messages WHERE id = $1::uuid",
      id);
  BOOST_TEST(row[0].as<std::string>() == "clinic@direct.example.org");
  BOOST_TEST(row[1].as<std::string>() == R"({1234567890,"say \"hi\", {x}"})");
  BOOST_TEST(row[2].as<std::string>() == "Lab results");
  BOOST_TEST(row[3].as<std::string>() == "Draft");
  BOOST_TEST(row[4].as<int>() == 2);
  const auto sizes = tx.exec_params1(
      "SELECT sum(size_bytes), bool_and(sha256 = encode(sha256(content), 'hex')) "
      "FROM attachments WHERE message_id = $1::uuid",
      id);
  BOOST_TEST(sizes[0].as<std::int64_t>() == 256 + 1000 + 77 + 0 + 300000);
  BOOST_TEST(sizes[1].as<bool>());
}

BOOST_FIXTURE_TEST_CASE(large_random_attachment_round_trips, Fixture) {
  const std::size_t size = 5 * 1024 * 1024;
  auto message = sample("large-random");
  message.attachments = {attachment("scan.pdf", random_bytes(size, 20260529)),
                         attachment("tail.bin", std::string("\0\xFF", 2))};

  auto start = std::chrono::steady_clock::now();
  insert(vendor_a, message);
  const double insert_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const auto stored = find(vendor_a, "large-random");
  const double read_seconds = seconds_since(start);
  BOOST_TEST_MESSAGE("5 MiB attachment: insert " << insert_seconds << " s, read " << read_seconds
                                                 << " s");

  BOOST_REQUIRE(stored.has_value());
  BOOST_REQUIRE_EQUAL(stored->files.size(), 2u);
  BOOST_REQUIRE(stored->files[0].bytes.has_value());
  BOOST_TEST(stored->files[0].bytes->size() == size);
  BOOST_TEST((*stored->files[0].bytes == message.attachments[0].bytes));
  BOOST_TEST((stored->files[1].bytes.value() == std::string("\0\xFF", 2)));

  pqxx::read_transaction tx(database.connection());
  const auto row = tx.exec_params1(
      "SELECT octet_length(content), encode(sha256(content), 'hex') FROM attachments "
      "WHERE file_name = 'scan.pdf'");
  BOOST_TEST(row[0].as<std::int64_t>() == static_cast<std::int64_t>(size));
  BOOST_TEST(row[1].as<std::string>() == message.attachments[0].sha256_hex);
}

// bytea_output = 'escape' (a server or role may set it) takes libpq's unescaping path.
BOOST_FIXTURE_TEST_CASE(bytes_read_back_with_escape_output, Fixture) {
  std::string every_byte;
  for (int i = 0; i < 256; ++i) every_byte += static_cast<char>(i);
  auto message = sample("escape-output");
  message.attachments = {attachment("all.bin", every_byte + every_byte),
                         attachment("backslash.bin", "\\x41")};
  insert(vendor_a, message);
  pqxx::read_transaction tx(database.connection());
  tx.exec0("SET LOCAL bytea_output = 'escape'");
  const auto stored = MessageRepository::find_by_external_id(tx, vendor_a, "escape-output");
  BOOST_REQUIRE(stored.has_value());
  BOOST_REQUIRE_EQUAL(stored->files.size(), 2u);
  BOOST_TEST((stored->files[0].bytes.value() == every_byte + every_byte));
  BOOST_TEST(stored->files[1].bytes.value() == "\\x41");
}

BOOST_FIXTURE_TEST_CASE(deliveries_follow_requested_status, Fixture) {
  const auto draft = insert(vendor_a, sample("draft"));
  const auto sent = insert(vendor_a, sample("sent", RequestedStatus::sent));
  BOOST_TEST(delivery_states(draft) == (Strings{"draft", "draft"}));
  BOOST_TEST(delivery_states(sent) == (Strings{"queued", "queued"}));

  pqxx::read_transaction tx(database.connection());
  const auto row = tx.exec_params1(
      "SELECT bool_and(vendor_id = $2), bool_and(priority = 2), "
      "string_agg(patient_external_id, ',' ORDER BY patient_position) "
      "FROM deliveries WHERE message_id = $1::uuid",
      sent, vendor_a);
  BOOST_TEST(row[0].as<bool>());
  BOOST_TEST(row[1].as<bool>());
  BOOST_TEST(row[2].as<std::string>() == "p-1,p-2");
}

BOOST_FIXTURE_TEST_CASE(duplicate_external_id_is_a_unique_violation, Fixture) {
  insert(vendor_a, sample("dup"));
  pqxx::work tx(database.connection());
  BOOST_CHECK_THROW(MessageRepository::insert(tx, vendor_a, sample("dup")), pqxx::unique_violation);
}

BOOST_FIXTURE_TEST_CASE(lock_by_external_id_reports_status_and_hash, Fixture) {
  const auto id = insert(vendor_a, sample("locked", RequestedStatus::sent));
  pqxx::work tx(database.connection());
  const auto existing = MessageRepository::lock_by_external_id(tx, vendor_a, "locked");
  BOOST_REQUIRE(existing.has_value());
  BOOST_TEST(existing->id == id);
  BOOST_TEST((existing->requested_status == RequestedStatus::sent));
  BOOST_TEST(existing->content_hash == "hash-locked");
  BOOST_TEST(!MessageRepository::lock_by_external_id(tx, vendor_b, "locked").has_value());
  BOOST_TEST(!MessageRepository::lock_by_external_id(tx, vendor_a, "other").has_value());
}

BOOST_FIXTURE_TEST_CASE(replace_draft_rewrites_content_patients_files_and_deliveries, Fixture) {
  auto original = sample("draft-1");
  original.attachments = {attachment("a.txt", "first"), attachment("b.txt", "second")};
  const auto id = insert(vendor_a, original);

  auto updated = sample("draft-1");
  updated.subject = "Updated subject";
  updated.relay_subject = "Updated subject";
  updated.body.reset();
  updated.relay_body.reset();
  updated.priority = Priority::low;
  updated.patients = {{"p-9", false, std::nullopt}};
  updated.attachments = {attachment("c.bin", std::string("\0\xFF\0", 3))};
  updated.content_hash = "hash-v2";
  {
    pqxx::work tx(database.connection());
    MessageRepository::replace_draft(tx, id, updated);
    tx.commit();
  }
  const auto stored = find(vendor_a, "draft-1");
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->id == id);
  BOOST_TEST(stored->subject.value() == "Updated subject");
  BOOST_TEST(!stored->body.has_value());
  BOOST_TEST((stored->priority == Priority::low));
  BOOST_TEST(stored->content_hash == "hash-v2");
  BOOST_REQUIRE_EQUAL(stored->patients.size(), 1u);
  BOOST_TEST(stored->patients[0].external_id == "p-9");
  BOOST_REQUIRE_EQUAL(stored->files.size(), 1u);
  BOOST_TEST(stored->files[0].file_name == "c.bin");
  BOOST_TEST((stored->files[0].bytes.value() == std::string("\0\xFF\0", 3)));
  BOOST_TEST(delivery_states(id) == (Strings{"draft"}));

  // Promoting the draft to Sent queues its deliveries.
  updated.status = RequestedStatus::sent;
  {
    pqxx::work tx(database.connection());
    MessageRepository::replace_draft(tx, id, updated);
    tx.commit();
  }
  BOOST_TEST(delivery_states(id) == (Strings{"queued"}));
  BOOST_TEST((find(vendor_a, "draft-1")->requested_status == RequestedStatus::sent));
}

BOOST_FIXTURE_TEST_CASE(replace_draft_refused_once_queued, Fixture) {
  const auto id = insert(vendor_a, sample("queued", RequestedStatus::sent));
  pqxx::work tx(database.connection());
  BOOST_CHECK_THROW(MessageRepository::replace_draft(tx, id, sample("queued")), std::logic_error);
  BOOST_CHECK_THROW(
      MessageRepository::replace_draft(tx, "00000000-0000-0000-0000-000000000000", sample("x")),
      std::logic_error);
  tx.abort();
  BOOST_TEST(delivery_states(id) == (Strings{"queued", "queued"}));
  BOOST_TEST(find(vendor_a, "queued")->content_hash == "hash-queued");
}

BOOST_FIXTURE_TEST_CASE(vendor_isolation, Fixture) {
  insert(vendor_a, sample("shared-ext"));
  insert(vendor_a, sample("a-only"));
  BOOST_TEST(!find(vendor_b, "a-only").has_value());
  BOOST_TEST(search(vendor_b, {}).total_items == 0);
  BOOST_TEST(search(vendor_b, {}).rows.empty());

  // The same ExternalId is independent per vendor.
  auto b_message = sample("shared-ext");
  b_message.subject = "B's own";
  insert(vendor_b, b_message);
  BOOST_TEST(find(vendor_b, "shared-ext")->subject.value() == "B's own");
  BOOST_TEST(find(vendor_a, "shared-ext")->subject.value() == "Lab results");

  SearchQuery everything;
  everything.search_term = "";
  const auto page = search(vendor_b, everything);
  BOOST_TEST(page.total_items == 1);
  BOOST_TEST(external_ids(page) == Strings{"shared-ext"});
  BOOST_TEST(search(vendor_a, {}).total_items == 2);
}

BOOST_FIXTURE_TEST_CASE(search_filters, Fixture) {
  auto m1 = sample("m1", RequestedStatus::sent);
  m1.subject = "100% done";
  m1.body = "Take 2 tablets_daily";
  m1.from_external_id = "nurse-7";
  m1.from_name = "Nurse Joy";
  m1.priority = Priority::low;
  auto m2 = sample("m2");
  m2.subject = "1000 done";
  m2.body = "Take 2 tabletsXdaily";
  m2.patients = {{"p-77", false, std::nullopt}};
  m2.priority = Priority::normal;
  auto m3 = sample("m3");
  m3.subject = R"(back\slash)";
  m3.from_name.reset();
  m3.body.reset();
  m3.attachments = {attachment("scan.pdf", "%PDF"), attachment("note.txt", "n")};
  const auto id1 = insert(vendor_a, m1);
  insert(vendor_a, m2);
  const auto id3 = insert(vendor_a, m3);
  mark_sent(id1, "2026-03-05T10:00:00Z");
  mark_sent(id3, "2026-03-06T23:30:00Z");

  auto query = [&](auto&& set) {
    SearchQuery q;
    set(q);
    return external_ids(search(vendor_a, q));
  };
  BOOST_TEST(query([](SearchQuery&) {}) == (Strings{"m1", "m2", "m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.status = PortalStatus::sent; }) == (Strings{"m1", "m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.status = PortalStatus::draft; }) == (Strings{"m2"}));
  BOOST_TEST(query([](SearchQuery& q) { q.priority = Priority::high; }) == (Strings{"m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.priority = Priority::low; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.subject = "DONE"; }) == (Strings{"m1", "m2"}));
  // %, _ and \ in user text match themselves only.
  BOOST_TEST(query([](SearchQuery& q) { q.subject = "%"; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.subject = "0% d"; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.body = "tablets_daily"; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.body = "_"; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.subject = "\\"; }) == (Strings{"m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.subject = "k\\s"; }) == (Strings{"m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.subject = "' OR 1=1 --"; }).empty());
  BOOST_TEST(query([](SearchQuery& q) { q.from_text = "NURSE"; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.from_text = "who"; }) == (Strings{"m2"}));
  BOOST_TEST(query([](SearchQuery& q) { q.from_name = "joy"; }) == (Strings{"m1"}));
  BOOST_TEST(query([](SearchQuery& q) { q.search_term = "tablets"; }) == (Strings{"m1", "m2"}));
  BOOST_TEST(query([](SearchQuery& q) { q.search_term = "slash"; }) == (Strings{"m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.search_term = "dr-12"; }) == (Strings{"m2", "m3"}));
  BOOST_TEST(query([](SearchQuery& q) { q.patient_external_id = "p-77"; }) == (Strings{"m2"}));
  BOOST_TEST(query([](SearchQuery& q) { q.patient_external_id = "p-7"; }).empty());
  BOOST_TEST(query([](SearchQuery& q) {
               q.subject = "done";
               q.priority = Priority::normal;
             }) == (Strings{"m2"}));

  // Sent-date operators; m2 has no sent date and never matches one.
  auto& c = database.connection();
  const auto day1 = micros(c, "2026-03-05T00:00:00Z");
  const auto noon1 = micros(c, "2026-03-05T12:00:00Z");
  const auto m1_sent = micros(c, "2026-03-05T10:00:00Z");
  const auto day2_late = micros(c, "2026-03-06T23:59:59Z");
  auto dated = [&](SentDateOperator op, relay::domain::EpochMicros d1,
                   std::optional<relay::domain::EpochMicros> d2 = std::nullopt) {
    return query([&](SearchQuery& q) {
      q.sent_date_operator = op;
      q.sent_date1 = d1;
      q.sent_date2 = d2;
    });
  };
  BOOST_TEST(dated(SentDateOperator::none, noon1) == (Strings{"m1", "m2", "m3"}));
  BOOST_TEST(dated(SentDateOperator::equals, noon1) == (Strings{"m1"}));
  BOOST_TEST(dated(SentDateOperator::different_than, day1) == (Strings{"m3"}));
  BOOST_TEST(dated(SentDateOperator::greater_than, noon1) == (Strings{"m3"}));
  BOOST_TEST(dated(SentDateOperator::greater_than, m1_sent) == (Strings{"m3"}));
  BOOST_TEST(dated(SentDateOperator::greater_or_equal, m1_sent) == (Strings{"m1", "m3"}));
  BOOST_TEST(dated(SentDateOperator::less_than, noon1) == (Strings{"m1"}));
  BOOST_TEST(dated(SentDateOperator::less_than, m1_sent).empty());
  BOOST_TEST(dated(SentDateOperator::less_or_equal, m1_sent) == (Strings{"m1"}));
  BOOST_TEST(dated(SentDateOperator::between, day1, noon1) == (Strings{"m1"}));
  BOOST_TEST(dated(SentDateOperator::between, day1, day2_late) == (Strings{"m1", "m3"}));
  BOOST_TEST(dated(SentDateOperator::between, noon1, day1).empty());

  // Rows carry patients and file names, never file bytes.
  SearchQuery by_subject;
  by_subject.subject = "slash";
  const auto page = search(vendor_a, by_subject);
  BOOST_REQUIRE_EQUAL(page.rows.size(), 1u);
  const auto& row = page.rows[0];
  BOOST_TEST((row.status == PortalStatus::sent));
  BOOST_TEST(row.sent_date.value() == micros(c, "2026-03-06T23:30:00Z"));
  BOOST_REQUIRE_EQUAL(row.patients.size(), 2u);
  BOOST_TEST(row.patients[1].representative_external_id.value() == "guardian-9");
  BOOST_REQUIRE_EQUAL(row.files.size(), 2u);
  BOOST_TEST(row.files[0].file_name == "scan.pdf");
  BOOST_TEST(row.files[1].file_name == "note.txt");
  BOOST_TEST(!row.files[0].bytes.has_value());
}

BOOST_FIXTURE_TEST_CASE(search_pages_newest_first, Fixture) {
  for (int i = 0; i < 7; ++i) insert(vendor_a, sample("page-" + std::to_string(i)));
  SearchQuery query;
  query.items_per_page = 3;
  std::vector<std::string> seen;
  for (int page_number = 1; page_number <= 3; ++page_number) {
    query.page = page_number;
    const auto page = search(vendor_a, query);
    BOOST_TEST(page.total_items == 7);
    BOOST_TEST(page.rows.size() == (page_number < 3 ? 3u : 1u));
    for (const auto& row : page.rows) seen.push_back(row.external_id);
  }
  BOOST_TEST(seen ==
             (Strings{"page-6", "page-5", "page-4", "page-3", "page-2", "page-1", "page-0"}));

  query.page = 9;
  const auto past_end = search(vendor_a, query);
  BOOST_TEST(past_end.rows.empty());
  BOOST_TEST(past_end.total_items == 7);

  query.page = 0;            // treated as 1
  query.items_per_page = 0;  // treated as 1
  BOOST_TEST(search(vendor_a, query).rows.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(search_cuts_bodies_to_code_points_unless_full_body, Fixture) {
  std::string body;
  for (int i = 0; i < 150; ++i) body += "é€";  // 2- and 3-byte code points, 300 in all
  auto message = sample("long");
  message.body = body;
  insert(vendor_a, message);

  SearchQuery query;
  const auto preview = search(vendor_a, query).rows.at(0).body.value();
  BOOST_TEST(preview.size() == 100u * (2 + 3));
  BOOST_TEST(body.compare(0, preview.size(), preview) == 0);
  query.full_body = true;
  BOOST_TEST(search(vendor_a, query).rows.at(0).body.value() == body);
}

BOOST_FIXTURE_TEST_CASE(insert_reports_queued_deliveries_and_notify_relay_wakes_listeners,
                        Fixture) {
  struct Receiver : pqxx::notification_receiver {
    using pqxx::notification_receiver::notification_receiver;
    std::vector<std::string> payloads;
    void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
  };
  pqxx::connection listener(database.url());
  Receiver receiver(listener, relay::pg::delivery_channel);

  {
    pqxx::work tx(database.connection());
    BOOST_TEST(!MessageRepository::insert(tx, vendor_a, sample("quiet-draft")).queued_deliveries);
    tx.commit();
  }
  std::string id;
  {
    pqxx::work tx(database.connection());
    const auto inserted =
        MessageRepository::insert(tx, vendor_a, sample("loud", RequestedStatus::sent));
    BOOST_TEST(inserted.queued_deliveries);
    id = inserted.id;
    tx.commit();
  }
  // Nothing is announced by the insert itself; notify_relay does, outside any transaction.
  listener.await_notification(0, 200000);
  BOOST_TEST(receiver.payloads.empty());
  relay::pg::notify_relay(database.connection(), id);
  for (int i = 0; i < 50 && receiver.payloads.empty(); ++i) listener.await_notification(0, 100000);
  BOOST_TEST(receiver.payloads == Strings{id});
}

BOOST_AUTO_TEST_SUITE_END()
