// SQL for operators and operator sessions, each statement a named constant. Audit details are
// built with Boost.JSON and hold ids and names of operators (not PHI), never passwords or tokens.
#include "adapters/postgres/operator_store.hpp"

#include <boost/json.hpp>

#include "adapters/postgres/message_repository.hpp"

namespace relay::pg {
namespace {

constexpr const char* operator_insert =
    "INSERT INTO operators (name, role, password_hash) VALUES ($1, $2, $3) "
    "ON CONFLICT (name) DO NOTHING RETURNING id";

constexpr const char* operator_set_disabled =
    "UPDATE operators SET disabled = $2, updated_at = now() WHERE name = $1 RETURNING id";

constexpr const char* operator_set_password_hash =
    "UPDATE operators SET password_hash = $2, updated_at = now() WHERE name = $1 RETURNING id";

constexpr const char* operator_sessions_revoke_all =
    "UPDATE operator_sessions SET revoked_at = now() "
    "WHERE operator_id = $1 AND revoked_at IS NULL AND expires_at > now()";

constexpr const char* operator_list =
    "SELECT id, name, role, disabled, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM operators ORDER BY name";

constexpr const char* operator_find_by_name =
    "SELECT id, name, role, password_hash, disabled FROM operators WHERE name = $1";

constexpr const char* operator_session_insert =
    "INSERT INTO operator_sessions (operator_id, token_sha256, csrf_token, expires_at) "
    "VALUES ($1, $2, $3, now() + make_interval(secs => $4))";

constexpr const char* operator_session_find =
    "SELECT s.id, o.id, o.name, o.role, s.csrf_token, "
    "floor(extract(epoch FROM s.expires_at))::bigint "
    "FROM operator_sessions s JOIN operators o ON o.id = s.operator_id "
    "WHERE s.token_sha256 = $1 AND s.revoked_at IS NULL AND s.expires_at > now() "
    "AND NOT o.disabled";

constexpr const char* operator_session_revoke =
    "UPDATE operator_sessions SET revoked_at = now() "
    "WHERE id = $1 AND revoked_at IS NULL RETURNING id";

std::optional<std::int64_t> returned_id(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return result[0][0].as<std::int64_t>();
}

void audit(pqxx::work& tx, const std::string& actor, std::int64_t operator_id, const char* event,
           const boost::json::object& detail) {
  append_audit_event(
      tx, {actor, "operator", std::to_string(operator_id), event, boost::json::serialize(detail)});
}

}  // namespace

boost::asio::awaitable<std::optional<std::int64_t>> OperatorStore::add(
    const std::string& name, const std::string& role, const std::string& password_hash,
    const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) -> std::optional<std::int64_t> {
    pqxx::work tx(connection);
    const auto id = returned_id(tx.exec_params(operator_insert, name, role, password_hash));
    if (!id) return std::nullopt;
    audit(tx, actor, *id, "operator.created", {{"name", name}, {"role", role}});
    tx.commit();
    return id;
  });
}

boost::asio::awaitable<std::optional<std::int64_t>> OperatorStore::set_disabled(
    const std::string& name, bool disabled, const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) -> std::optional<std::int64_t> {
    pqxx::work tx(connection);
    const auto id = returned_id(tx.exec_params(operator_set_disabled, name, disabled));
    if (!id) return std::nullopt;
    const auto ended =
        disabled ? tx.exec_params(operator_sessions_revoke_all, *id).affected_rows() : 0;
    audit(tx, actor, *id, disabled ? "operator.disabled" : "operator.enabled",
          {{"name", name}, {"sessions_ended", ended}});
    tx.commit();
    return id;
  });
}

boost::asio::awaitable<std::optional<std::int64_t>> OperatorStore::set_password_hash(
    const std::string& name, const std::string& password_hash, const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) -> std::optional<std::int64_t> {
    pqxx::work tx(connection);
    const auto id = returned_id(tx.exec_params(operator_set_password_hash, name, password_hash));
    if (!id) return std::nullopt;
    const auto ended = tx.exec_params(operator_sessions_revoke_all, *id).affected_rows();
    audit(tx, actor, *id, "operator.password_reset", {{"name", name}, {"sessions_ended", ended}});
    tx.commit();
    return id;
  });
}

boost::asio::awaitable<std::vector<OperatorSummary>> OperatorStore::list() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<OperatorSummary> operators;
    for (const auto& row : tx.exec(operator_list)) {
      operators.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                           row[2].as<std::string>(), row[3].as<bool>(), row[4].as<std::string>()});
    }
    return operators;
  });
}

boost::asio::awaitable<std::optional<OperatorCredentials>> OperatorStore::find_by_name(
    const std::string& name) {
  co_return co_await pool_.run(
      [&](pqxx::connection& connection) -> std::optional<OperatorCredentials> {
        pqxx::read_transaction tx(connection);
        const auto result = tx.exec_params(operator_find_by_name, name);
        if (result.empty()) return std::nullopt;
        const auto row = result[0];
        return OperatorCredentials{row[0].as<std::int64_t>(), row[1].as<std::string>(),
                                   row[2].as<std::string>(), row[3].as<std::string>(),
                                   row[4].as<bool>()};
      });
}

boost::asio::awaitable<void> OperatorStore::open_session(std::int64_t operator_id,
                                                         const std::string& operator_name,
                                                         const std::string& token_sha256,
                                                         const std::string& csrf_token,
                                                         std::chrono::seconds lifetime) {
  co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params0(operator_session_insert, operator_id, token_sha256, csrf_token,
                    static_cast<double>(lifetime.count()));
    audit(tx, "operator:" + operator_name, operator_id, "operator.login",
          {{"lifetime_seconds", lifetime.count()}});
    tx.commit();
  });
}

boost::asio::awaitable<std::optional<OperatorSession>> OperatorStore::find_session(
    const std::string& token_sha256) {
  co_return co_await pool_.run([&](pqxx::connection& connection) -> std::optional<OperatorSession> {
    pqxx::read_transaction tx(connection);
    const auto result = tx.exec_params(operator_session_find, token_sha256);
    if (result.empty()) return std::nullopt;
    const auto row = result[0];
    OperatorSession session;
    session.session_id = row[0].as<std::int64_t>();
    session.operator_id = row[1].as<std::int64_t>();
    session.operator_name = row[2].as<std::string>();
    session.role = row[3].as<std::string>();
    session.csrf_token = row[4].as<std::string>();
    session.expires_at =
        std::chrono::system_clock::time_point(std::chrono::seconds(row[5].as<std::int64_t>()));
    return session;
  });
}

boost::asio::awaitable<bool> OperatorStore::close_session(const OperatorSession& session) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    const bool closed = !tx.exec_params(operator_session_revoke, session.session_id).empty();
    if (closed) {
      audit(tx, "operator:" + session.operator_name, session.operator_id, "operator.logout", {});
    }
    tx.commit();
    return closed;
  });
}

}  // namespace relay::pg
