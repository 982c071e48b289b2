// Integration tests of ConnectionPool: awaited from io_context coroutines, bounded size, exceptions
// propagated to the awaiting coroutine, recovery after the server terminates a connection or turns
// out read-only, failing fast while the server is unreachable (through a TcpProxy), and the
// observer port hearing of every lease.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "tests/support/tcp_proxy.hpp"
#include "tests/support/test_database.hpp"

namespace {

namespace asio = boost::asio;
using relay::pg::ConnectionPool;
using relay::testing::TcpProxy;
using relay::testing::TestDatabase;
using Clock = std::chrono::steady_clock;

// Runs `coroutine` on a fresh io_context and returns its result (or rethrows its exception).
template <class Coroutine>
auto run_coroutine(Coroutine coroutine) {
  asio::io_context io;
  auto future = asio::co_spawn(io, std::move(coroutine), asio::use_future);
  io.run();
  return future.get();
}

// Counts what the pool's observer port reports.
struct CountingObserver final : relay::pg::PoolObserver {
  std::atomic<int> acquired{0};
  std::atomic<int> released{0};
  std::atomic<int> in_use{0};
  std::atomic<int> most_in_use{0};
  std::atomic<Clock::rep> longest_wait{0};
  void on_acquired(Clock::duration waited) noexcept override {
    ++acquired;
    const int now = ++in_use;
    int seen = most_in_use.load();
    while (now > seen && !most_in_use.compare_exchange_weak(seen, now)) {
    }
    Clock::rep longest = longest_wait.load();
    while (waited.count() > longest &&
           !longest_wait.compare_exchange_weak(longest, waited.count())) {
    }
  }
  void on_released() noexcept override {
    ++released;
    --in_use;
  }
};

int backend_pid(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_connection_pool)

BOOST_AUTO_TEST_CASE(observer_hears_every_lease_and_waits_for_a_busy_pool) {
  TestDatabase database;
  CountingObserver observer;
  {
    ConnectionPool pool(database.url(), 1, &observer);
    // Two callers, one connection: the second waits for the first's 300 ms.
    const auto slow = [](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("SELECT pg_sleep(0.3)");
    };
    const auto quick = [](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("SELECT 1");
    };
    run_coroutine([&]() -> asio::awaitable<void> {
      using namespace asio::experimental::awaitable_operators;
      co_await (pool.run(slow) && pool.run(quick));  // both at once
    });
    const auto failing = [](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec0("SELECT no_such_column");
    };
    BOOST_CHECK_THROW(pool.run_blocking(failing), pqxx::sql_error);
  }
  BOOST_TEST(observer.acquired == 3);
  BOOST_TEST(observer.released == 3);  // also after a failed query
  BOOST_TEST(observer.in_use == 0);
  BOOST_TEST(observer.most_in_use == 1);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(
                 Clock::duration(observer.longest_wait.load()))
                 .count() >= 250);
}

BOOST_AUTO_TEST_CASE(runs_queries_from_a_coroutine) {
  TestDatabase database;
  ConnectionPool pool(database.url(), 2);
  const int answer = run_coroutine([&]() -> asio::awaitable<int> {
    const int a = co_await pool.run([](pqxx::connection& c) {
      pqxx::work tx(c);
      return tx.exec1("SELECT 40")[0].as<int>();
    });
    co_await pool.run([](pqxx::connection& c) {  // void result
      pqxx::work tx(c);
      tx.exec0("CREATE TABLE pool_probe (n int)");
      tx.commit();
    });
    const int b = co_await pool.run([](pqxx::connection& c) {
      pqxx::work tx(c);
      return tx.exec1("SELECT 2 + count(*)::int FROM pool_probe")[0].as<int>();
    });
    co_return a + b;
  });
  BOOST_TEST(answer == 42);
}

BOOST_AUTO_TEST_CASE(exceptions_propagate_to_the_awaiting_coroutine) {
  TestDatabase database;
  ConnectionPool pool(database.url(), 1);
  const std::string outcome = run_coroutine([&]() -> asio::awaitable<std::string> {
    std::string seen;
    try {
      co_await pool.run([](pqxx::connection& c) {
        pqxx::work tx(c);
        return tx.exec1("SELECT no_such_column FROM pg_class LIMIT 1")[0].as<int>();
      });
    } catch (const pqxx::undefined_column&) {
      seen += "sql;";
    }
    try {
      co_await pool.run([](pqxx::connection&) -> int { throw std::runtime_error("mine"); });
    } catch (const std::runtime_error& error) {
      seen += std::string(error.what()) + ";";
    }
    // The connection survived both failures and is reused.
    seen +=
        std::to_string(co_await pool.run([](pqxx::connection& c) { return backend_pid(c) > 0; }));
    co_return seen;
  });
  BOOST_TEST(outcome == "sql;mine;1");
}

BOOST_AUTO_TEST_CASE(never_opens_more_than_size_connections) {
  TestDatabase database;
  ConnectionPool pool(database.url(), 2);
  run_coroutine([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    std::vector<std::future<int>> running;
    for (int i = 0; i < 6; ++i) {
      running.push_back(asio::co_spawn(executor, pool.run([](pqxx::connection& c) {
        pqxx::nontransaction tx(c);
        tx.exec0("SELECT pg_sleep(0.1)");
        return backend_pid(c);
      }),
                                       asio::use_future));
    }
    co_return;
  });
  // run_coroutine's io_context has finished every spawned task by now.
  pqxx::read_transaction tx(database.connection());
  const int open = tx.exec_params1(
                         "SELECT count(*)::int FROM pg_stat_activity WHERE datname = $1 "
                         "AND pid <> pg_backend_pid()",
                         database.name())[0]
                       .as<int>();
  BOOST_TEST(open <= 2);
  BOOST_TEST(open >= 1);
}

BOOST_AUTO_TEST_CASE(recovers_after_the_server_kills_a_connection) {
  TestDatabase database;
  ConnectionPool pool(database.url(), 1);
  const int first = pool.run_blocking(backend_pid);
  {
    pqxx::nontransaction tx(database.connection());
    BOOST_TEST(tx.exec_params1("SELECT pg_terminate_backend($1, 5000)", first)[0].as<bool>());
  }
  // The idle connection is found dead before reuse and replaced.
  const int second = run_coroutine([&]() -> asio::awaitable<int> {
    co_return co_await pool.run([](pqxx::connection& c) { return backend_pid(c); });
  });
  BOOST_TEST(second != first);

  // A connection that breaks while in use fails that call only; the next one reconnects.
  BOOST_CHECK_THROW(pool.run_blocking([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec0("SELECT pg_terminate_backend(pg_backend_pid())");
    tx.exec0("SELECT 1");
  }),
                    pqxx::failure);
  const int third = pool.run_blocking(backend_pid);
  BOOST_TEST(third != second);
}

BOOST_AUTO_TEST_CASE(stop_closes_connections_and_refuses_more_work) {
  TestDatabase database;
  ConnectionPool pool(database.url(), 2);
  pool.run_blocking(backend_pid);
  pool.stop();
  pool.stop();  // idempotent
  BOOST_CHECK_THROW(pool.run_blocking(backend_pid), std::logic_error);
  // Backends exit shortly after their client disconnects.
  int open = -1;
  for (int i = 0; i < 50 && open != 0; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pqxx::read_transaction tx(database.connection());
    open = tx.exec_params1(
                 "SELECT count(*)::int FROM pg_stat_activity WHERE datname = $1 "
                 "AND pid <> pg_backend_pid()",
                 database.name())[0]
               .as<int>();
  }
  BOOST_TEST(open == 0);
}

BOOST_AUTO_TEST_CASE(a_connection_that_meets_a_read_only_server_is_replaced) {
  // As after a failover, when a pooled connection's server has become a standby (25006).
  TestDatabase database;
  ConnectionPool pool(database.url(), 1);
  const int first = pool.run_blocking([](pqxx::connection& c) {
    {
      pqxx::nontransaction tx(c);
      tx.exec0("SET SESSION default_transaction_read_only = on");
    }
    return backend_pid(c);
  });
  try {
    pool.run_blocking([](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec0("CREATE TABLE read_only_probe (n int)");
      tx.commit();
    });
    BOOST_FAIL("a write on a read-only session succeeded");
  } catch (const pqxx::sql_error& error) {
    BOOST_TEST(error.sqlstate() == "25006");
  }
  const int second = pool.run_blocking([](pqxx::connection& c) {
    pqxx::work tx(c);
    const int pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
    tx.exec0("CREATE TABLE read_only_probe (n int)");
    tx.commit();
    return pid;
  });
  BOOST_TEST(second != first);
}

BOOST_AUTO_TEST_CASE(while_unreachable_callers_fail_at_once_instead_of_queueing) {
  TestDatabase database;
  const auto server = relay::testing::server_address(database.url());
  TcpProxy proxy(server.host, server.port);
  ConnectionPool pool(relay::testing::via_address(database.url(), proxy.host(), proxy.port()) +
                          " connect_timeout=2",
                      3);
  pool.run_blocking(backend_pid);
  proxy.black_hole();
  // Runs `count` calls at once and returns how long each took to fail.
  const auto fail_concurrently = [&pool](int count) {
    std::vector<Clock::duration> took(count);
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&pool, &took, i] {
        const auto started = Clock::now();
        BOOST_CHECK_THROW(pool.run_blocking(backend_pid), pqxx::broken_connection);
        took[i] = Clock::now() - started;
      });
    }
    for (auto& thread : threads) thread.join();
    std::sort(took.begin(), took.end());
    return took;
  };
  // The idle connection was reset; reconnecting meets the black hole until connect_timeout.
  const auto first = fail_concurrently(1);
  BOOST_TEST(first[0] >= std::chrono::milliseconds(1500));
  // Right after a failed attempt nobody tries: every caller fails at once.
  for (const auto took : fail_concurrently(3)) BOOST_TEST(took < std::chrono::milliseconds(500));
  // Then one caller at a time tries (and waits); the others still fail at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const auto later = fail_concurrently(3);
  BOOST_TEST(later[0] < std::chrono::milliseconds(500));
  BOOST_TEST(later[1] < std::chrono::milliseconds(500));
  BOOST_TEST(later[2] >= std::chrono::milliseconds(1500));

  proxy.restore();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  BOOST_TEST(pool.run_blocking(backend_pid) > 0);
}

BOOST_AUTO_TEST_CASE(connection_failure_is_reported) {
  ConnectionPool pool("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 1);
  BOOST_CHECK_THROW(pool.run_blocking(backend_pid), pqxx::broken_connection);
  // After the pause that follows a failed attempt, the next one connects again (its slot was
  // freed) and fails the same way.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  BOOST_CHECK_THROW(pool.run_blocking(backend_pid), pqxx::broken_connection);
}

BOOST_AUTO_TEST_SUITE_END()
