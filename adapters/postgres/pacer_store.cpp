// PacerStore::update: the pacer row is rebuilt from Metriport's answers anyway, so these commits
// skip the WAL flush; the row lock is held only for the statements below, never across a request.
#include "adapters/postgres/pacer_store.hpp"

#include "adapters/postgres/pacer_repository.hpp"

namespace relay::pg {

PacerStore::PacerStore(ConnectionPool& pool) : pool_(pool) {}

boost::asio::awaitable<std::vector<std::int64_t>> PacerStore::update(
    const PacerAccount& account, const std::vector<std::int64_t>& answered_grants,
    const PacerDecision& decide) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL synchronous_commit = off");
    auto row =
        PacerRepository::lock_pacer(tx, account.name, account.send_limit, account.window_micros);
    // Counted before this call's answers are removed, so the pure pacer's own decrement per
    // answer applies to exactly those sends.
    const auto live = PacerRepository::live_pacer_grants(tx, account.name, account.stale_grant);
    if (!answered_grants.empty()) PacerRepository::remove_pacer_grants(tx, answered_grants);
    const int granted = decide(row, live);
    auto grants = PacerRepository::add_pacer_grants(tx, account.name, granted);
    PacerRepository::store_pacer(tx, account.name, row);
    tx.commit();
    return grants;
  });
}

}  // namespace relay::pg
