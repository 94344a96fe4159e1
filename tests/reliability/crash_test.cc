// Crash safety: a writer process killed with SIGKILL at random moments loses no acknowledged
// transaction and leaves no transaction partly applied; the database checks clean after every
// recovery. The writer is tests/reliability/crash_child.cc (its header describes transaction i).
//
// ENTENTE_CRASH_KILLS sets the number of kills (default 50; `make crash-test` runs 1000).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include <fmt/format.h>

#include "entente/entente.h"
#include "graph/records.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

extern char** environ;

using namespace entente;

namespace {

// A child process whose stdout is a pipe read by the test; stderr goes to a file.
class Child {
 public:
  Child(const std::string& program, const std::string& arg, const std::filesystem::path& err_file) {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::string p = program, a = arg;
    char* argv[] = {p.data(), a.data(), nullptr};
    int rc = posix_spawn(&pid_, p.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    INFO("starting " << program << ": " << std::strerror(rc));
    REQUIRE(rc == 0);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // Reads stdout until the deadline, end of file, or done() after a line; calls line() for
  // each complete line. Returns false at end of file.
  template <typename F, typename D = bool (*)()>
  bool read_until(
      std::chrono::steady_clock::time_point deadline, F&& line, D done = [] { return false; }) {
    for (;;) {
      if (done()) return true;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      pollfd p{out_, POLLIN, 0};
      int n = poll(&p, 1, static_cast<int>(left.count()));
      if (n == 0) return true;
      if (n < 0) continue;  // EINTR
      char buf[4096];
      ssize_t got = read(out_, buf, sizeof buf);
      if (got <= 0) return false;
      pending_.append(buf, static_cast<std::size_t>(got));
      for (std::size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
        line(pending_.substr(0, nl));
        pending_.erase(0, nl + 1);
      }
    }
  }

  // SIGKILL, then the lines still in the pipe, then the exit status.
  template <typename F>
  int kill_and_drain(F&& line) {
    kill(pid_, SIGKILL);
    while (read_until(std::chrono::steady_clock::now() + std::chrono::seconds(10), line)) {
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string pending_;
};

constexpr std::uint64_t kWindow = 50;  // as in crash_child.cc

std::string key(std::uint64_t i, const char* end) { return "T" + std::to_string(i) + "-" + end; }

// Verifies that the database is exactly what transactions 1..k of crash_child make, for some
// k: the nodes and edges of the last kWindow transactions, each whole, and nothing of earlier
// (removed) or later ones. Returns k. Uses Catch assertions (main thread only).
std::uint64_t verify_transactions(const Database& db) {
  auto snap = db.snapshot();
  std::uint64_t k = 0;
  auto counter = snap->node(NodeRef{"State", "COUNTER"});
  if (counter) k = counter->props.json("cow").get<std::uint64_t>();
  INFO("transactions in the database: " << k);
  const std::uint64_t first = k > kWindow ? k - kWindow + 1 : 1, live = k - first + 1;
  auto stats = snap->stats();
  CHECK(stats.nodes["State"] == (k == 0 ? 0 : 2 * live + 1));
  CHECK(stats.edges["PARTNERSHIP"] == (k == 0 ? 0 : live));
  CHECK(stats.edges["TRADE"] == (k == 0 ? 0 : live));
  if (counter) {
    CHECK(counter->aliases == std::vector<std::string>{"at " + std::to_string(k)});
    CHECK(snap->find("at " + std::to_string(k)).size() == 1);
    CHECK(snap->find("at " + std::to_string(k - 1)).empty());
    std::uint64_t trades = 0;
    snap->out_edges(counter->id, [&](const Edge& e) {
      ++trades;
      return true;
    });
    CHECK(trades == live);
  }
  for (std::uint64_t i = first; i <= k; ++i) {
    INFO("transaction " << i);
    auto a = snap->node(NodeRef{"State", key(i, "a")});
    auto b = snap->node(NodeRef{"State", key(i, "b")});
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->props.json("cow") == i);
    CHECK(b->props.json("cow") == i);
    CHECK(a->aliases == std::vector<std::string>{"t" + std::to_string(i) + "a"});
    CHECK(b->name == "Transaction " + std::to_string(i) + " b" + (i < k ? " (followed)" : ""));
    auto edges = snap->neighbors(a->id);
    REQUIRE(edges.size() == 2);
    int partnerships = 0, trades = 0;
    for (const auto& nb : edges) {
      if (nb.edge.type == "PARTNERSHIP") {
        ++partnerships;
        CHECK(nb.direction == Direction::kOut);
        CHECK(nb.node.id == b->id);
        CHECK(nb.edge.props.json("level") == "txn " + std::to_string(i));
      } else if (nb.edge.type == "TRADE") {
        ++trades;
        CHECK(nb.direction == Direction::kIn);
        CHECK(nb.node.key == "COUNTER");
        CHECK(nb.edge.props.json("value") == static_cast<double>(i));
      }
    }
    CHECK(partnerships == 1);
    CHECK(trades == 1);
  }
  // Record time: transaction i is commit i, logged whole; each version of COUNTER that a
  // later transaction replaced is in the history family, current until that transaction.
  auto log = db.log();
  REQUIRE(log.size() == k);
  for (std::uint64_t i = 1; i <= k; ++i) {
    CHECK(log[i - 1].number == i);
    CHECK(log[i - 1].nodes.created == (i == 1 ? 3 : 2));  // and COUNTER, first
    CHECK(log[i - 1].nodes.removed == (i > kWindow ? 2 : 0));
    CHECK(log[i - 1].edges.removed == (i > kWindow ? 2 : 0));
  }
  if (counter) {
    CHECK(counter->recorded == k);
    auto store = storage::Store::open(db.path(), {.create_if_missing = false, .read_only = true});
    std::uint64_t until = 2;
    store->snapshot()->scan(storage::Cf::kHistory, keys::version_prefix(keys::kNodeVersion, counter->id),
                            [&](std::string_view key, std::string_view value) {
                              CHECK(keys::history_until(key) == until);
                              CHECK(graph::recorded_of(value) == until - 1);
                              ++until;
                              return true;
                            });
    CHECK(until == k + 1);  // versions of commits 1 .. k-1
  }
  // Nothing of the removed transactions, nor of a later one, is present.
  std::vector<std::uint64_t> absent;
  for (std::uint64_t i = first > 3 ? first - 3 : 1; i < first; ++i) absent.push_back(i);
  for (std::uint64_t i = k + 1; i <= k + 3; ++i) absent.push_back(i);
  for (std::uint64_t i : absent) {
    INFO("transaction " << i << " must be absent");
    CHECK_FALSE(snap->node(NodeRef{"State", key(i, "a")}));
    CHECK_FALSE(snap->node(NodeRef{"State", key(i, "b")}));
    CHECK(snap->find("t" + std::to_string(i) + "a").empty());
  }
  return k;
}

int kills_wanted() {
  const char* env = std::getenv("ENTENTE_CRASH_KILLS");
  if (!env || !*env) return 50;
  int n = std::atoi(env);
  return n > 0 ? n : 50;
}

}  // namespace

TEST_CASE("crash: a writer killed at random moments loses no acknowledged transaction and leaves none half-applied",
          "[reliability][crash]") {
  test::TempDir dir;
  const auto db_dir = dir / "db";
  const auto err_file = dir / "child-stderr.txt";
  // A private copy of the child, unaffected by a rebuild of the tree during a long run.
  const auto child_program = dir / "crash_child";
  std::filesystem::copy_file(ENTENTE_CRASH_CHILD, child_program);
  std::filesystem::permissions(child_program, std::filesystem::perms::owner_all);
  Database::open(db_dir);  // created up front, so that a read-only open always finds it

  const int kills = kills_wanted();
  std::mt19937 rng(20240619);  // fixed: the same kill schedule on every run
  std::uniform_int_distribution<int> delay_ms(5, 80);
  auto started = std::chrono::steady_clock::now();
  std::uint64_t committed = 0, acked_total = 0;
  int runs_without_commit = 0, runs_unacked_commit = 0, kills_while_opening = 0;

  for (int kill_no = 1; kill_no <= kills; ++kill_no) {
    INFO("kill " << kill_no << " of " << kills);
    std::uint64_t start = 0, acked = 0;
    bool started_line = false;
    auto on_line = [&](const std::string& line) {
      unsigned long long n = 0;
      if (std::sscanf(line.c_str(), "ack %llu", &n) == 1) {
        CHECK(n == (acked ? acked : start) + 1);  // acks are consecutive from start + 1
        acked = n;
        ++acked_total;
      } else if (std::sscanf(line.c_str(), "start %llu", &n) == 1) {
        start = n;
        started_line = true;
      }
    };
    // Every fourth kill counts its delay from the start of the process, so that it mostly
    // lands while the child opens the database and recovers it; the others count it from the
    // moment the child has opened it, so that they land among commits.
    const bool while_opening = kill_no % 4 == 0;
    const auto delay = std::chrono::milliseconds(delay_ms(rng));
    int status;
    {
      Child child(child_program.string(), db_dir.string(), err_file);
      bool alive = true;
      if (!while_opening) {
        alive = child.read_until(std::chrono::steady_clock::now() + std::chrono::seconds(30), on_line,
                                 [&] { return started_line; });
        if (alive) REQUIRE(started_line);
      }
      if (alive) alive = child.read_until(std::chrono::steady_clock::now() + delay, on_line);
      INFO("child stderr: " << test::read_file(err_file));
      REQUIRE(alive);  // the child never ends by itself
      status = child.kill_and_drain(on_line);
    }
    if (while_opening) ++kills_while_opening;
    INFO("child stderr: " << test::read_file(err_file));
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    if (started_line) CHECK(start == committed);  // the child saw what the last verification saw

    // Recover: read-only mostly (the next child then recovers the log itself), read-write
    // every fifth time; either way the data must check clean and hold whole transactions.
    Options o;
    o.create_if_missing = false;
    o.read_only = kill_no % 5 != 0;
    auto db = Database::open(db_dir, o);
    auto report = db->check();
    for (const auto& p : report.problems) UNSCOPED_INFO(p.where << ": " << p.reason);
    REQUIRE(report.clean());
    std::uint64_t k = verify_transactions(*db);
    CHECK(k >= committed);                        // nothing committed earlier was lost
    if (acked > 0) CHECK(k >= acked);             // every acknowledged transaction is there
    CHECK(k <= (acked ? acked : committed) + 1);  // at most the one in flight beyond the acks
    if (k == committed) ++runs_without_commit;
    if (k > std::max(acked, committed)) ++runs_unacked_commit;
    committed = k;
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print(
      stderr,
      "crash test: {} kills survived in {:.1f} s ({} timed from process start); {} transactions committed, "
      "{} acknowledged; {} runs killed before their first commit, {} with a commit in flight (kept, unacknowledged)\n",
      kills, seconds, kills_while_opening, committed, acked_total, runs_without_commit, runs_unacked_commit);
  // The final state opens for writing and checks clean.
  auto db = Database::open(db_dir);
  CHECK(db->check().clean());
  CHECK(verify_transactions(*db) == committed);
}
