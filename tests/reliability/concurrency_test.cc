// Concurrency inside one process: readers never see half a transaction, and a snapshot reads the
// same data however long it is kept while a writer commits more.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

std::string key(std::uint64_t i, const char* end) { return "W" + std::to_string(i) + "-" + end; }

// Transaction i: two nodes W{i}-a and W{i}-b, a PARTNERSHIP between them, a TRADE edge from
// the shared node State:TOTAL to W{i}-a, and TOTAL's cow set to i (its alias to "total {i}").
// Invariant: with TOTAL's cow = k the database holds 2k+1 States, k PARTNERSHIP, k TRADE.
void write_transaction(Database& db, std::uint64_t i) {
  auto txn = db.begin();
  const std::string n = std::to_string(i);
  txn->put_node({.type = "State", .key = key(i, "a"), .name = "Writer " + n + " a", .props = {{"cow", i}}});
  txn->put_node({.type = "State", .key = key(i, "b"), .name = "Writer " + n + " b", .props = {{"cow", i}}});
  txn->put_edge({.type = "PARTNERSHIP",
                 .from = {"State", key(i, "a")},
                 .to = {"State", key(i, "b")},
                 .props = {{"level", "txn " + n}}});
  txn->put_node({.type = "State", .key = "TOTAL", .name = "Total", .aliases = {"total " + n}, .props = {{"cow", i}}});
  txn->put_edge({.type = "TRADE",
                 .from = {"State", "TOTAL"},
                 .to = {"State", key(i, "a")},
                 .props = {{"year", 2024}, {"value", static_cast<double>(i)}}});
  txn->commit();
}

// Everything a reader sees in one snapshot, summarised.
struct Seen {
  std::uint64_t k = 0;
  std::uint64_t states = 0, partnerships = 0, trades = 0, scanned = 0, max_cow = 0, trades_of_total = 0;
  bool newest_whole = true;
  bool operator==(const Seen&) const = default;
};

Seen read_snapshot(const Reader& r) {
  Seen s;
  auto total = r.node(NodeRef{"State", "TOTAL"});
  s.k = static_cast<std::uint64_t>(total->props.integer("cow").value_or(0));  // 0, the default, is not stored: absent
  auto stats = r.stats();
  s.states = stats.nodes["State"];
  s.partnerships = stats.edges["PARTNERSHIP"];
  s.trades = stats.edges["TRADE"];
  r.scan("State", [&](const Node& n) {
    ++s.scanned;
    s.max_cow = std::max(s.max_cow, static_cast<std::uint64_t>(n.props.integer("cow").value_or(0)));
    return true;
  });
  r.out_edges(total->id, [&](const Edge&) {
    ++s.trades_of_total;
    return true;
  });
  if (s.k > 0) {
    auto a = r.node(NodeRef{"State", key(s.k, "a")});
    auto b = r.node(NodeRef{"State", key(s.k, "b")});
    s.newest_whole = a && b && r.neighbors(a->id, {.edge_types = {"PARTNERSHIP"}}).size() == 1 &&
                     r.find("total " + std::to_string(s.k)).size() == 1;
  }
  s.newest_whole =
      s.newest_whole && !r.node(NodeRef{"State", key(s.k + 1, "a")}) && !r.node(NodeRef{"State", key(s.k + 1, "b")});
  return s;
}

// The problems of a summary, as text; empty when it keeps the invariant.
std::string violations(const Seen& s) {
  std::string out;
  if (s.states != 2 * s.k + 1) out += fmt::format(" {} States for k={};", s.states, s.k);
  if (s.scanned != s.states) out += fmt::format(" scanned {} States, stats say {};", s.scanned, s.states);
  if (s.partnerships != s.k) out += fmt::format(" {} PARTNERSHIP for k={};", s.partnerships, s.k);
  if (s.trades != s.k || s.trades_of_total != s.k) out += fmt::format(" {} TRADE for k={};", s.trades, s.k);
  if (s.max_cow != s.k) out += fmt::format(" largest cow {} for k={};", s.max_cow, s.k);
  if (!s.newest_whole) out += fmt::format(" transaction {} not whole (or {} partly there);", s.k, s.k + 1);
  return out;
}

}  // namespace

TEST_CASE("concurrency: readers never see half a transaction and a snapshot does not change under a writer",
          "[reliability][concurrency]") {
  test::TempDir dir;
  Options o;
  o.sync = false;  // visibility, not durability, is under test: commit fast
  auto db = Database::open(dir / "db", o);
  {
    auto txn = db->begin();
    txn->put_node({.type = "State", .key = "TOTAL", .name = "Total", .props = {{"cow", 0}}});
    txn->commit();
  }
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> committed{0};
  std::mutex mu;
  std::vector<std::string> failures;  // Catch assertions are not thread-safe: collected here
  auto fail = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    if (failures.size() < 20) failures.push_back(std::move(what));
  };

  std::thread writer([&] {
    try {
      for (std::uint64_t i = 1; !stop; ++i) {
        write_transaction(*db, i);
        committed = i;
      }
    } catch (const std::exception& e) {
      fail(fmt::format("writer: {}", e.what()));
    }
  });
  constexpr int kReaders = 4;
  std::atomic<std::uint64_t> snapshots{0}, rereads_after_commit{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      try {
        while (!stop) {
          std::uint64_t before = committed;
          auto snap = db->snapshot();
          Seen first = read_snapshot(*snap);
          if (auto v = violations(first); !v.empty()) fail(fmt::format("reader {}:{}", r, v));
          if (first.k < before) fail(fmt::format("reader {}: a new snapshot misses commit {}", r, before));
          // Read the same snapshot again once the writer has committed more: nothing changes.
          auto wait_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
          while (committed <= first.k + 1 && !stop && std::chrono::steady_clock::now() < wait_until) {
            std::this_thread::yield();
          }
          bool writer_moved = committed > first.k + 1;
          Seen second = read_snapshot(*snap);
          if (!(second == first)) {
            fail(fmt::format("reader {}: the snapshot changed from k={} to k={}", r, first.k, second.k));
          }
          ++snapshots;
          if (writer_moved) ++rereads_after_commit;
        }
      } catch (const std::exception& e) {
        fail(fmt::format("reader {}: {}", r, e.what()));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  writer.join();
  for (auto& t : readers) t.join();

  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  INFO(committed << " transactions, " << snapshots << " snapshots read twice");
  CHECK(committed > 10);
  CHECK(snapshots > 10);
  CHECK(rereads_after_commit > 0);  // some second reads really happened after later commits
  fmt::print(stderr, "concurrency test: {} transactions committed; {} snapshots read twice ({} across later commits)\n",
             committed.load(), snapshots.load(), rereads_after_commit.load());
  // And the final state is consistent.
  auto report = db->check();
  CHECK(report.clean());
  auto last = read_snapshot(*db->snapshot());
  CHECK(violations(last).empty());
  CHECK(last.k == committed);
}

TEST_CASE("concurrency: a second transaction in the same process waits for the first", "[reliability][concurrency]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto first = db->begin();
  first->put_node({.type = "State", .key = "ONE"});
  std::atomic<bool> second_began{false};
  std::thread t([&] {
    auto second = db->begin();
    second_began = true;
    // It began after the first committed, so it reads the first's node.
    if (second->node(NodeRef{"State", "ONE"})) second->put_node({.type = "State", .key = "TWO"});
    second->commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(second_began);
  first->commit();
  first.reset();
  t.join();
  CHECK(second_began);
  CHECK(db->snapshot()->node(NodeRef{"State", "TWO"}));
}
