// Backups: Database::backup copies a consistent state (an exact prefix of the committed
// transactions) while a writer and readers go on; Database::restore refuses to overwrite
// anything and refuses what is not a database.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "entente/entente.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;
namespace fs = std::filesystem;

namespace {

std::string key(std::uint64_t i, const char* end) { return "B" + std::to_string(i) + "-" + end; }

// Transaction i: nodes B{i}-a, B{i}-b, an edge between them, State:LAST's cow set to i.
void write_transaction(Database& db, std::uint64_t i) {
  auto txn = db.begin();
  const std::string n = std::to_string(i);
  txn->put_node({.type = "State", .key = key(i, "a"), .name = "Backup " + n + " a", .props = {{"cow", i}}});
  txn->put_node({.type = "State", .key = key(i, "b"), .name = "Backup " + n + " b", .props = {{"cow", i}}});
  txn->put_edge({.type = "PARTNERSHIP",
                 .from = {"State", key(i, "a")},
                 .to = {"State", key(i, "b")},
                 .props = {{"level", "txn " + n}}});
  txn->put_node({.type = "State", .key = "LAST", .aliases = {"last " + n}, .props = {{"cow", i}}});
  txn->commit();
}

// The k of a database holding exactly transactions 1..k, each whole (Catch assertions).
std::uint64_t prefix_length(const Database& db) {
  auto snap = db.snapshot();
  auto last = snap->node(NodeRef{"State", "LAST"});
  std::uint64_t k = last ? last->props.json("cow").get<std::uint64_t>() : 0;
  INFO("k = " << k);
  auto stats = snap->stats();
  CHECK(stats.nodes["State"] == (last ? 2 * k + 1 : 0));
  CHECK(stats.edges["PARTNERSHIP"] == k);
  for (std::uint64_t i = 1; i <= k; ++i) {
    INFO("transaction " << i);
    auto a = snap->node(NodeRef{"State", key(i, "a")});
    REQUIRE(a);
    CHECK(snap->node(NodeRef{"State", key(i, "b")}));
    auto out = snap->neighbors(a->id, {.direction = Direction::kOut});
    REQUIRE(out.size() == 1);
    CHECK(out[0].node.key == key(i, "b"));
  }
  CHECK_FALSE(snap->node(NodeRef{"State", key(k + 1, "a")}));
  CHECK_FALSE(snap->node(NodeRef{"State", key(k + 1, "b")}));
  return k;
}

// Read-only: a backup opened for writing is changed, and then no longer verifies.
std::unique_ptr<Database> open_existing(const fs::path& p) { return test::open_read_only(p); }

}  // namespace

TEST_CASE("backup: a backup of an idle database restores to the same dump", "[reliability][backup]") {
  test::TempDir dir;
  std::string dump;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    dump = test::dump_of(*db);
    db->backup(dir / "backup");
  }
  // The backup is itself a database, and restores to one.
  CHECK(test::dump_of(*open_existing(dir / "backup")) == dump);
  Database::restore(dir / "backup", dir / "restored");
  Options writable;
  writable.create_if_missing = false;
  auto restored = Database::open(dir / "restored", writable);
  CHECK(test::dump_of(*restored) == dump);
  CHECK(restored->check().clean());
  // The restored database is independent of the backup: writing one leaves the other.
  {
    auto txn = restored->begin();
    txn->put_node({.type = "State", .key = "NEW"});
    txn->commit();
  }
  CHECK(test::dump_of(*open_existing(dir / "backup")) == dump);
}

TEST_CASE("backup: a backup taken while a writer commits holds exactly a prefix of its transactions",
          "[reliability][backup]") {
  test::TempDir dir;
  Options fast;
  fast.sync = false;
  auto db = Database::open(dir / "db", fast);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> committed{0}, reads{0};
  std::mutex mu;
  std::vector<std::string> failures;
  auto fail = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    failures.push_back(std::move(what));
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
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      try {
        while (!stop) {
          auto snap = db->snapshot();
          auto last = snap->node(NodeRef{"State", "LAST"});
          std::uint64_t k = last ? last->props.json("cow").get<std::uint64_t>() : 0;
          if (snap->stats().edges["PARTNERSHIP"] != k) fail("a reader saw half a transaction");
          ++reads;
        }
      } catch (const std::exception& e) {
        fail(fmt::format("reader: {}", e.what()));
      }
    });
  }
  struct Taken {
    fs::path path;
    std::uint64_t before, after;  // commits returned before the backup began, and when it ended
  };
  std::vector<Taken> backups;
  for (int b = 0; b < 5; ++b) {
    auto wait_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::uint64_t target = committed + 20;
    while (committed < target && std::chrono::steady_clock::now() < wait_until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    Taken t{dir / fmt::format("backup{}", b), committed, 0};
    db->backup(t.path);
    t.after = committed;
    backups.push_back(t);
  }
  stop = true;
  writer.join();
  for (auto& t : readers) t.join();
  for (const auto& f : failures) UNSCOPED_INFO(f);
  REQUIRE(failures.empty());
  CHECK(reads > 0);

  for (const auto& t : backups) {
    INFO(t.path.filename().string() << ": " << t.before << " commits before it began, " << t.after << " when it ended");
    auto restored_dir = t.path.string() + "-restored";
    Database::restore(t.path, restored_dir);
    auto restored = open_existing(restored_dir);
    auto report = restored->check();
    for (const auto& p : report.problems) UNSCOPED_INFO(p.where << ": " << p.reason);
    CHECK(report.clean());
    std::uint64_t k = prefix_length(*restored);
    CHECK(k >= t.before);     // everything committed before the backup began is in it
    CHECK(k <= t.after + 1);  // and nothing after it ended, but the commit then in flight:
                              // written, its commit() not yet returned to the writer thread
  }
  fmt::print(stderr, "backup test: {} backups taken while {} transactions were committed\n", backups.size(),
             committed.load());
}

TEST_CASE("backup: into an existing directory is refused", "[reliability][backup]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  fs::create_directories(dir / "taken");
  test::write_file(dir / "taken" / "notes.txt", "mine");  // an empty directory would do
  try {
    db->backup(dir / "taken");
    FAIL("backed up into an existing directory");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    CHECK_THAT(e.what(), Catch::Contains("already exists"));
  }
}

TEST_CASE("backup: restore into an existing directory is refused and leaves it as it was", "[reliability][backup]") {
  test::TempDir dir;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    db->backup(dir / "backup");
  }
  // An existing database, an empty directory, a file: none is overwritten.
  std::string dump;
  {
    auto other = Database::open(dir / "other");
    auto txn = other->begin();
    txn->put_node({.type = "State", .key = "OTHER"});
    txn->commit();
    dump = test::dump_of(*other);
  }
  fs::create_directories(dir / "empty");
  test::write_file(dir / "file", "keep me");
  for (const char* target : {"other", "file"}) {
    INFO(target);
    try {
      Database::restore(dir / "backup", dir / target);
      FAIL("restored over an existing " << target);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kInvalid);
      CHECK_THAT(e.what(), Catch::Contains("already exists"));
    }
  }
  CHECK(test::dump_of(*open_existing(dir / "other")) == dump);
  CHECK(test::read_file(dir / "file") == "keep me");
  // An empty directory (a mount point, say) takes the restore.
  Database::restore(dir / "backup", dir / "empty");
  CHECK(open_existing(dir / "empty")->check().clean());
}

TEST_CASE("backup: restore of a directory that is not a database is refused and creates nothing",
          "[reliability][backup]") {
  test::TempDir dir;
  fs::create_directories(dir / "notes");
  test::write_file(dir / "notes" / "readme.txt", "not a database");
  {
    // A RocksDB database that is not an entente one: no format version.
    auto store = storage::Store::open(dir / "rocks", {});
    auto batch = store->batch();
    batch->put(storage::Cf::kNodes, "x", "y");
    store->commit(*batch);
  }
  struct Case {
    const char* from;
    ErrorKind kind;
    const char* message;
  };
  for (auto [from, kind, message] : {Case{"notes", ErrorKind::kNotFound, "no backup at"},
                                     Case{"missing", ErrorKind::kNotFound, "no backup at"},
                                     Case{"rocks", ErrorKind::kCorruption, "not an entente database"}}) {
    INFO(from);
    auto to = dir / (std::string(from) + "-restored");
    try {
      Database::restore(dir / from, to);
      FAIL("restored " << from);
    } catch (const Error& e) {
      CHECK(e.kind() == kind);
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
    CHECK_FALSE(fs::exists(to));
  }
}
