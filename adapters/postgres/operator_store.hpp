// Operator accounts and their sessions: the CLI's administration, logins on the operations
// listener, and the session lookup behind every operations request. Each method owns its
// transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"

namespace relay::pg {

struct OperatorCredentials {
  std::int64_t id = 0;
  std::string name;
  std::string role;  // viewer | operator | admin
  std::string password_hash;
  bool disabled = false;
};

struct OperatorSummary {
  std::int64_t id = 0;
  std::string name;
  std::string role;
  bool disabled = false;
  std::string created_at;  // ISO 8601 UTC
};

// A live session: not revoked, not expired, its operator enabled.
struct OperatorSession {
  std::int64_t session_id = 0;
  std::int64_t operator_id = 0;
  std::string operator_name;
  std::string role;
  std::string csrf_token;
  std::chrono::system_clock::time_point expires_at;
};

class OperatorStore {
 public:
  explicit OperatorStore(ConnectionPool& pool) : pool_(pool) {}

  // Administration (the CLI; actor names who acts in the audit event). Each writes an audit event
  // in the same transaction. add: nullopt when the name is taken; the others: nullopt when no
  // operator has that name. Disabling and a new password end the operator's sessions.
  boost::asio::awaitable<std::optional<std::int64_t>> add(const std::string& name,
                                                          const std::string& role,
                                                          const std::string& password_hash,
                                                          const std::string& actor);
  boost::asio::awaitable<std::optional<std::int64_t>> set_disabled(const std::string& name,
                                                                   bool disabled,
                                                                   const std::string& actor);
  boost::asio::awaitable<std::optional<std::int64_t>> set_password_hash(
      const std::string& name, const std::string& password_hash, const std::string& actor);
  boost::asio::awaitable<std::vector<OperatorSummary>> list();

  boost::asio::awaitable<std::optional<OperatorCredentials>> find_by_name(const std::string& name);

  // Records a login (audit event "operator.login") and its session.
  boost::asio::awaitable<void> open_session(std::int64_t operator_id,
                                            const std::string& operator_name,
                                            const std::string& token_sha256,
                                            const std::string& csrf_token,
                                            std::chrono::seconds lifetime);
  boost::asio::awaitable<std::optional<OperatorSession>> find_session(
      const std::string& token_sha256);
  // Logout: audit event "operator.logout"; false when the session was not live.
  boost::asio::awaitable<bool> close_session(const OperatorSession& session);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
