// Unit tests for with_default_connect_timeout(): added in the string's own form (URI parameter or
// key=value), never over a timeout the URL or PGCONNECT_TIMEOUT already sets.
#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "adapters/postgres/connection_string.hpp"

using relay::pg::with_default_connect_timeout;

namespace {

// Sets or clears PGCONNECT_TIMEOUT for one test and puts the previous value back.
class ScopedConnectTimeoutEnv {
 public:
  explicit ScopedConnectTimeoutEnv(const char* value) {
    if (const char* old = std::getenv("PGCONNECT_TIMEOUT")) previous_ = old;
    if (value) {
      ::setenv("PGCONNECT_TIMEOUT", value, 1);
    } else {
      ::unsetenv("PGCONNECT_TIMEOUT");
    }
  }
  ~ScopedConnectTimeoutEnv() {
    if (previous_) {
      ::setenv("PGCONNECT_TIMEOUT", previous_->c_str(), 1);
    } else {
      ::unsetenv("PGCONNECT_TIMEOUT");
    }
  }

 private:
  std::optional<std::string> previous_;
};

// The options libpq reads from a connection string (only those set).
std::map<std::string, std::string> parsed(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  std::map<std::string, std::string> set;
  if (options == nullptr) return set;
  for (const auto* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr && *option->val != '\0') set[option->keyword] = option->val;
  }
  PQconninfoFree(options);
  return set;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_string)

BOOST_AUTO_TEST_CASE(added_to_a_uri_as_a_query_parameter) {
  ScopedConnectTimeoutEnv unset(nullptr);
  BOOST_TEST(with_default_connect_timeout("postgresql://gw@db.internal:5432/relay") ==
             "postgresql://gw@db.internal:5432/relay?connect_timeout=5");
  BOOST_TEST(with_default_connect_timeout("postgres://gw@db.internal/relay?sslmode=require") ==
             "postgres://gw@db.internal/relay?sslmode=require&connect_timeout=5");
  BOOST_TEST(with_default_connect_timeout("postgresql://db.internal/relay?", 7) ==
             "postgresql://db.internal/relay?connect_timeout=7");
}

BOOST_AUTO_TEST_CASE(added_to_a_keyword_string_as_a_pair) {
  ScopedConnectTimeoutEnv unset(nullptr);
  BOOST_TEST(with_default_connect_timeout("host=db.internal dbname=relay user=gw") ==
             "host=db.internal dbname=relay user=gw connect_timeout=5");
  BOOST_TEST(with_default_connect_timeout("") == "connect_timeout=5");
}

BOOST_AUTO_TEST_CASE(several_hosts_and_target_session_attrs_are_kept_intact) {
  ScopedConnectTimeoutEnv unset(nullptr);
  const std::string uri =
      "postgresql://gw@10.0.0.1:5432,10.0.0.2:5433/relay?target_session_attrs=read-write";
  const std::string with_timeout = with_default_connect_timeout(uri);
  BOOST_TEST(with_timeout == uri + "&connect_timeout=5");
  const auto options = parsed(with_timeout);
  BOOST_TEST(options.at("host") == "10.0.0.1,10.0.0.2");
  BOOST_TEST(options.at("port") == "5432,5433");
  BOOST_TEST(options.at("target_session_attrs") == "read-write");
  BOOST_TEST(options.at("connect_timeout") == "5");
  BOOST_TEST(with_default_connect_timeout("host=a,b port=5432,5433 target_session_attrs=read-write "
                                          "dbname=relay") ==
             "host=a,b port=5432,5433 target_session_attrs=read-write dbname=relay "
             "connect_timeout=5");
}

BOOST_AUTO_TEST_CASE(a_timeout_the_url_sets_is_kept) {
  ScopedConnectTimeoutEnv unset(nullptr);
  for (const std::string url :
       {"postgresql://gw@db.internal/relay?connect_timeout=30",
        "postgresql://gw@db.internal/relay?sslmode=require&connect_timeout=0",
        "host=db.internal connect_timeout=30 dbname=relay", "connect_timeout = '2'"}) {
    BOOST_TEST(with_default_connect_timeout(url) == url);
  }
}

BOOST_AUTO_TEST_CASE(a_timeout_from_the_environment_is_kept) {
  ScopedConnectTimeoutEnv set("20");
  BOOST_TEST(with_default_connect_timeout("postgresql://gw@db.internal/relay") ==
             "postgresql://gw@db.internal/relay");
}

BOOST_AUTO_TEST_CASE(a_string_libpq_cannot_parse_is_left_to_the_connect_to_report) {
  ScopedConnectTimeoutEnv unset(nullptr);
  for (const std::string url :
       {"host=db.internal dbname", "postgresql://db/relay?nosuchoption=1", "host='unterminated"}) {
    BOOST_TEST(with_default_connect_timeout(url) == url);
  }
}

BOOST_AUTO_TEST_SUITE_END()
