// End-to-end tests of `entente check`, `entente backup` and `entente restore`, and of the
// command while another process (or this one) holds the database for writing.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/run.h"
#include "entente/entente.h"
#include "storage/keys.h"
#include "storage/store.h"

extern char** environ;

using namespace entente;
using test::entente_cmd;

namespace {

struct Cli {
  test::TempDir dir;
  std::string db;
  Cli() : db((dir / "db").string()) {
    test::write_file(dir / "small.jsonl", test::kSmallData);
    auto r = entente_cmd(dir, "import --db '" + db + "' '" + (dir / "small.jsonl").string() + "'");
    REQUIRE(r.status == 0);
  }
  test::Run on_db(const std::string& sub, const std::string& rest = "") {
    return entente_cmd(dir, sub + " --db '" + db + "' " + rest);
  }
  test::Run run(const std::string& args) { return entente_cmd(dir, args); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  // Deletes the key index entry of State:CHN through the storage layer; returns its node id.
  std::uint64_t break_key_index() {
    auto store = storage::Store::open(db, {.create_if_missing = false});
    auto batch = store->batch();
    std::string doomed;
    std::uint64_t id = 0;
    batch->scan(storage::Cf::kKeys, "", [&](std::string_view k, std::string_view v) {
      if (k.substr(4) == "CHN") {
        doomed = k;
        id = keys::decode_id(v);
      }
      return true;
    });
    REQUIRE(id != 0);
    batch->del(storage::Cf::kKeys, doomed);
    store->commit(*batch);
    return id;
  }
};

// crash_child writing the database in another process, stopped with SIGKILL.
class Writer {
 public:
  explicit Writer(const std::string& db, const std::filesystem::path& err_file) {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string program = ENTENTE_CRASH_CHILD, arg = db;
    char* argv[] = {program.data(), arg.data(), nullptr};
    int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
    REQUIRE(rc == 0);
  }
  ~Writer() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    close(out_);
  }
  // Waits (up to 30 s) until the writer has acknowledged `n` more transactions; false if it ended.
  bool wait_for_acks(int n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (n > 0 && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t got = read(out_, buf, sizeof buf);
      if (got <= 0) return false;
      for (ssize_t i = 0; i < got; ++i) {
        if (buf[i] != '\n') {
          pending_ += buf[i];
          continue;
        }
        if (pending_.rfind("ack ", 0) == 0) --n;
        pending_.clear();
      }
    }
    return n <= 0;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string pending_;
};

}  // namespace

TEST_CASE("cli check: a clean database prints the counts read and 'clean', exit 0", "[cli][reliability]") {
  Cli c;
  auto r = c.on_db("check");
  CHECK(r.status == 0);
  CHECK(r.out ==
        "read 8 nodes, 9 edges, 18 adjacency entries, 8 key index entries, 12 name index entries\n"
        "clean\n");
  CHECK(r.err.empty());
  r = c.on_db("check", "--json");
  CHECK(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["clean"] == true);
  CHECK(j["read"]["nodes"] == 8);
  CHECK(j["read"]["adjacency"] == 18);
  CHECK(j["problems"].empty());
}

TEST_CASE("cli check: each problem is printed as 'where: reason', exit 1", "[cli][reliability]") {
  Cli c;
  auto chn = c.break_key_index();
  auto r = c.on_db("check");
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Contains("read 8 nodes, 9 edges, 18 adjacency entries, 7 key index entries"));
  CHECK_THAT(r.out,
             Catch::Contains(fmt::format("node record {} (State:CHN): the key index has no entry for it\n", chn)));
  CHECK_THAT(r.out, Catch::EndsWith("\n1 problem\n"));
  r = c.on_db("check", "--json");
  CHECK(r.status == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["clean"] == false);
  REQUIRE(j["problems"].size() == 1);
  CHECK(j["problems"][0]["where"] == fmt::format("node record {} (State:CHN)", chn));
  CHECK(j["problems"][0]["reason"] == "the key index has no entry for it");
}

TEST_CASE("cli check --repair: rebuilds the indexes, reports what is left", "[cli][reliability]") {
  Cli c;
  c.break_key_index();
  auto r = c.on_db("check", "--repair");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("found 1 problem; rebuilt the key, name and adjacency indexes"));
  CHECK_THAT(r.out, Catch::EndsWith("clean\n"));
  CHECK(c.on_db("check").status == 0);
  CHECK(c.on_db("get", "State:CHN").status == 0);

  // A damaged record stays: exit 1, and it is named.
  {
    auto store = storage::Store::open(c.db, {.create_if_missing = false});
    auto batch = store->batch();
    batch->put(storage::Cf::kNodes, keys::id(1), std::string(16, '\x42'));
    store->commit(*batch);
  }
  r = c.on_db("check", "--repair --json");
  CHECK(r.status == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["repaired"] == true);
  CHECK(j["clean"] == false);
  bool named = false;
  for (const auto& p : j["problems"]) named = named || p["where"] == "node record 1";
  CHECK(named);
  r = c.on_db("check", "--repair");
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Contains("\nnode record 1: ") && Catch::Contains("the record is damaged"));
  CHECK_THAT(r.out, Catch::Contains(" remain"));
}

TEST_CASE("cli check: errors", "[cli][reliability]") {
  test::TempDir dir;
  auto r = entente_cmd(dir, "check --db '" + (dir / "none").string() + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("no entente database"));
  r = entente_cmd(dir, "check --db '" + (dir / "none").string() + "' --repair");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("no entente database"));
  CHECK_FALSE(std::filesystem::exists(dir / "none" / "CURRENT"));  // --repair creates nothing
  CHECK(entente_cmd(dir, "check").status == 2);
  CHECK(entente_cmd(dir, "check --help").status == 0);
}

TEST_CASE("cli backup and restore: the restored database dumps the same", "[cli][reliability]") {
  Cli c;
  auto dump = c.on_db("dump").out;
  auto r = c.on_db("backup", "--to '" + c.path("bk") + "'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("backed up " + c.db + " to " + c.path("bk") + ": "));
  r = c.run("restore --from '" + c.path("bk") + "' --db '" + c.path("restored") + "'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("restored " + c.path("bk") + " to " + c.path("restored") + ": ") &&
                        Catch::Contains("every checksum verified"));
  r = c.run("dump --db '" + c.path("restored") + "'");
  CHECK(r.status == 0);
  CHECK(r.out == dump);
  CHECK(c.run("check --db '" + c.path("restored") + "'").status == 0);
}

TEST_CASE("cli backup and restore: errors exit 1 and change nothing", "[cli][reliability]") {
  Cli c;
  std::filesystem::create_directories(c.dir / "taken");
  test::write_file(c.dir / "taken" / "notes.txt", "mine");  // an empty directory would be used
  auto r = c.on_db("backup", "--to '" + c.path("taken") + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("already exists"));
  r = c.run("backup --db '" + c.path("none") + "' --to '" + c.path("bk") + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("no entente database"));
  CHECK_FALSE(std::filesystem::exists(c.dir / "bk"));
  CHECK_FALSE(std::filesystem::exists(c.dir / "none"));

  REQUIRE(c.on_db("backup", "--to '" + c.path("bk") + "'").status == 0);
  r = c.run("restore --from '" + c.path("bk") + "' --db '" + c.db + "'");  // over the live database
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("already exists"));
  r = c.run("restore --from '" + c.path("taken") + "' --db '" + c.path("new") + "'");  // not a database
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("no backup at"));
  CHECK_FALSE(std::filesystem::exists(c.dir / "new"));
  CHECK(c.run("restore --db x").status == 2);
  CHECK(c.run("backup --db x").status == 2);
  CHECK(c.on_db("check").status == 0);
}

TEST_CASE("cli: while this process holds the database for writing, writers are refused naming LOCK, readers work",
          "[cli][reliability]") {
  Cli c;
  auto held = Database::open(c.db);
  auto r = c.on_db("import", "'" + (c.dir / "small.jsonl").string() + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("is open for writing by another process"));
  CHECK_THAT(r.err, Catch::Contains("(lock file " + c.db + "/LOCK)"));
  r = c.on_db("check", "--repair");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("/LOCK"));
  r = c.on_db("backup", "--to '" + c.path("bk") + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("/LOCK"));
  CHECK_FALSE(std::filesystem::exists(c.dir / "bk"));

  r = c.on_db("stats", "--json");
  CHECK(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["nodes"]["State"] == 3);
  CHECK(c.on_db("check").status == 0);
  CHECK(c.on_db("get", "'North Korea'").status == 0);

  held.reset();  // released: writing works again
  CHECK(c.on_db("import", "'" + (c.dir / "small.jsonl").string() + "'").status == 0);
}

TEST_CASE("cli: while another process commits, import is refused naming LOCK, stats and check read a consistent state",
          "[cli][reliability]") {
  test::TempDir dir;
  const std::string db = (dir / "db").string();
  Writer writer(db, dir / "writer-stderr.txt");
  INFO("writer stderr: " << test::read_file(dir / "writer-stderr.txt"));
  REQUIRE(writer.wait_for_acks(1));
  test::write_file(dir / "one.jsonl", R"({"node":"State","key":"ONE"})"
                                      "\n");
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    auto r = entente_cmd(dir, "import --db '" + db + "' '" + (dir / "one.jsonl").string() + "'");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("(lock file " + db + "/LOCK)"));

    r = entente_cmd(dir, "stats --db '" + db + "' --json");
    CHECK(r.status == 0);
    INFO(r.out << r.err);
    if (r.status == 0) {
      auto j = nlohmann::json::parse(r.out);
      std::uint64_t states = j["nodes"]["State"], trades = j["edges"]["TRADE"],
                    partnerships = j["edges"]["PARTNERSHIP"];
      CHECK(states == 2 * trades + 1);  // whole transactions only (see crash_child.cc)
      CHECK(partnerships == trades);
    }
    r = entente_cmd(dir, "check --db '" + db + "'");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::EndsWith("clean\n"));
    REQUIRE(writer.wait_for_acks(3));  // it goes on committing
  }
}
