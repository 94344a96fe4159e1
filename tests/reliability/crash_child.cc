// The child of tests/reliability/crash_test.cc (and of the cross-process CLI tests): opens a
// database and commits transactions until it is killed, acknowledging each one on stdout
// ("ack i", flushed) after commit() returns.
//
//   entente_crash_child DIR [PAUSE_MS]
//
// PAUSE_MS (default 0): a pause after each acknowledgement, for tests that read beside it.
//
// Transaction i (from 1) writes, all or nothing:
//   State:T{i}-a   name "Transaction {i} a", alias "t{i}a", props {cow: i}
//   State:T{i}-b   name "Transaction {i} b", props {cow: i}
//   PARTNERSHIP    T{i}-a -> T{i}-b, valid from 2000-01-01, props {level: "txn {i}"}
//   TRADE          State:COUNTER -> T{i}-a, props {year: 2024, value: i}
//   State:COUNTER  name "Counter", alias "at {i}", props {cow: i}   (every transaction updates it)
//   State:T{i-1}-b renamed "Transaction {i-1} b (followed)"       (an update of the previous one)
//   State:T{i-W}-a and State:T{i-W}-b removed, with their edges, when i > W (kWindow below)
// So a database holding transactions 1..k holds the nodes and edges of the last min(k, W) of
// them: 2 min(k, W) + 1 State nodes, min(k, W) PARTNERSHIP and TRADE edges; COUNTER's cow is k.
// (The window keeps the database small, so that checking it after each of a thousand kills
// takes the same time.) The child starts after the last committed transaction: it prints
// "start k" first. Exit status 2 on an error (printed on stderr); it never ends otherwise.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <exception>
#include <string>

#include "entente/entente.h"

using namespace entente;

namespace {

constexpr std::uint64_t kWindow = 50;  // also in crash_test.cc

std::string key(std::uint64_t i, const char* end) { return "T" + std::to_string(i) + "-" + end; }

void commit_transaction(Database& db, std::uint64_t i) {
  auto txn = db.begin();
  const std::string n = std::to_string(i);
  txn->put_node({.type = "State",
                 .key = key(i, "a"),
                 .name = "Transaction " + n + " a",
                 .aliases = {"t" + n + "a"},
                 .props = {{"cow", i}}});
  txn->put_node({.type = "State", .key = key(i, "b"), .name = "Transaction " + n + " b", .props = {{"cow", i}}});
  txn->put_edge({.type = "PARTNERSHIP",
                 .from = {"State", key(i, "a")},
                 .to = {"State", key(i, "b")},
                 .valid = Interval{Date::parse("2000-01-01"), std::nullopt},
                 .props = {{"level", "txn " + n}}});
  txn->put_node({.type = "State", .key = "COUNTER", .name = "Counter", .aliases = {"at " + n}, .props = {{"cow", i}}});
  txn->put_edge({.type = "TRADE",
                 .from = {"State", "COUNTER"},
                 .to = {"State", key(i, "a")},
                 .props = {{"year", 2024}, {"value", static_cast<double>(i)}}});
  if (i > 1) {
    const std::string p = std::to_string(i - 1);
    txn->put_node({.type = "State",
                   .key = key(i - 1, "b"),
                   .name = "Transaction " + p + " b (followed)",
                   .props = {{"cow", i - 1}}});
  }
  if (i > kWindow) {
    txn->remove_node({"State", key(i - kWindow, "a")});
    txn->remove_node({"State", key(i - kWindow, "b")});
  }
  txn->commit();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s DIR [PAUSE_MS]\n", argv[0]);
    return 2;
  }
  const int pause_ms = argc == 3 ? std::atoi(argv[2]) : 0;
  try {
    auto db = Database::open(argv[1]);
    std::uint64_t last = 0;
    if (auto counter = db->snapshot()->node(NodeRef{"State", "COUNTER"}))
      last = counter->props.json("cow").get<std::uint64_t>();
    std::printf("start %llu\n", static_cast<unsigned long long>(last));
    std::fflush(stdout);
    for (std::uint64_t i = last + 1;; ++i) {
      commit_transaction(*db, i);
      std::printf("ack %llu\n", static_cast<unsigned long long>(i));
      std::fflush(stdout);
      if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_child: %s\n", e.what());
    return 2;
  }
}
