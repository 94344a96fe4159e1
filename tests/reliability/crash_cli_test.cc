// The command killed with SIGKILL at seeded moments in each of its writes: a transactional
// import, an import with --commit-every, a bulk import, schema --add, backup and restore.
// After every kill the database (or backup) is whole: all of the operation or none (a prefix
// of whole batches for --commit-every), checked clean. Each test counts the kills that
// landed while the command ran.
//
// ENTENTE_CRASH_CLI_KILLS sets the kills per operation (default 4, so 24 in `make test`;
// `make crash-test` runs 40 each, 240 in all).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "entente/entente.h"
#include "test_util.h"

extern char** environ;

using namespace entente;
namespace fs = std::filesystem;

namespace {

const std::string kBundled = std::string(ENTENTE_DATA_DIR) + "/putin-visits-2024.jsonl";
const std::string kBench = std::string(ENTENTE_TESTS_DIR) + "/fixtures/bench-2000.jsonl";

int kills_per_operation() {
  const char* env = std::getenv("ENTENTE_CRASH_CLI_KILLS");
  int n = env && *env ? std::atoi(env) : 0;
  return n > 0 ? n : 4;
}

// Runs `entente ARGS`; kills it after `delay` when it still runs. Returns whether the kill
// landed mid-operation (the process was running) and its exit status otherwise.
std::pair<bool, int> run_and_kill(const std::vector<std::string>& args, std::chrono::microseconds delay,
                                  const fs::path& out) {
  std::vector<std::string> argv = {ENTENTE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  auto until = std::chrono::steady_clock::now() + delay;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (waitpid(pid, &status, WNOHANG) == pid) return {false, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  ::kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return {true, -1};
  return {false, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// How long the command takes when left alone (its exit status must be 0).
std::chrono::microseconds time_of(const std::vector<std::string>& args, const fs::path& out) {
  auto t0 = std::chrono::steady_clock::now();
  auto [killed, status] = run_and_kill(args, std::chrono::seconds(300), out);
  INFO(test::read_file(out));
  REQUIRE_FALSE(killed);
  REQUIRE(status == 0);
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
}


std::uint64_t total(const std::map<std::string, std::uint64_t>& m) {
  std::uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

// Kills `entente ARGS(i)` at seeded moments over its whole run; `prepare(i)` makes the state
// before run i, `verify(i, finished)` checks it after. Returns the kills that landed.
int crash_operation(const std::string& name, const std::function<void(int)>& prepare,
                    const std::function<std::vector<std::string>(int)>& args,
                    const std::function<void(int, bool)>& verify, const fs::path& out) {
  prepare(-1);
  auto duration = time_of(args(-1), out);
  verify(-1, true);
  const int kills = kills_per_operation();
  std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(name) & 0xffffffu));
  std::uniform_int_distribution<long> at(0, std::max<long>(1, static_cast<long>(duration.count() * 9 / 10)));
  int landed = 0;
  for (int i = 0; i < kills; ++i) {
    INFO(name << ", kill " << i + 1 << " of " << kills);
    prepare(i);
    auto [killed, status] = run_and_kill(args(i), std::chrono::microseconds(at(rng)), out);
    INFO(test::read_file(out));
    if (killed) {
      ++landed;
    } else {
      CHECK(status == 0);
    }
    verify(i, !killed);
  }
  fmt::print(stderr, "crash through the command, {}: {} kills, {} landed mid-operation ({} ms a run)\n", name, kills,
             landed, duration.count() / 1000);
  return landed;
}

}  // namespace

TEST_CASE("crash: the command killed mid-write leaves every database whole", "[reliability][crash_cli]") {
  test::TempDir dir;
  const auto out = dir / "out.txt";
  const auto base = dir / "base";
  {
    auto db = Database::open(base);
    std::ifstream in(kBundled);
    auto txn = db->begin();
    import_jsonl(*txn, in, kBundled);
    txn->commit();
  }
  const auto base_stats = test::open_read_only(base)->snapshot()->stats();
  const auto work = [&](int i) { return dir / fmt::format("work{}", i + 1); };
  auto fresh_copy = [&](int i) {
    fs::remove_all(work(i));
    fs::copy(base, work(i), fs::copy_options::recursive);
  };
  int total_kills = 0, total_landed = 0;
  auto count = [&](int landed) {
    total_kills += kills_per_operation();
    total_landed += landed;
    CHECK(landed * 2 >= kills_per_operation());  // most kills land while the command runs
  };

  // A transactional import: all of the file or none of it.
  std::uint64_t nodes_after = 0;
  count(crash_operation(
      "import", fresh_copy, [&](int i) { return std::vector<std::string>{"import", "-q", "--db", work(i).string(), kBench}; },
      [&](int i, bool finished) {
        auto db = test::open_read_only(work(i));
        REQUIRE(db->check().clean());
        auto n = total(db->snapshot()->stats().nodes);
        if (i < 0) nodes_after = n;
        if (finished) CHECK(n == nodes_after);
        CHECK((n == total(base_stats.nodes) || n == nodes_after));
      },
      out));

  // --commit-every 50 over 600 rows: whole batches, in order.
  {
    std::string csv = "type,key,name\n";
    for (int r = 0; r < 600; ++r) csv += fmt::format("State,CE{:04},Batch state {}\n", r, r);
    test::write_file(dir / "states.csv", csv);
  }
  count(crash_operation(
      "import --commit-every", fresh_copy,
      [&](int i) {
        return std::vector<std::string>{"import", "-q", "--format", "csv", "--commit-every", "50",
                                        "--db", work(i).string(), (dir / "states.csv").string()};
      },
      [&](int i, bool finished) {
        auto db = test::open_read_only(work(i));
        REQUIRE(db->check().clean());
        auto snap = db->snapshot();
        int present = 0;
        for (int r = 0; r < 600; ++r) present += snap->node(NodeRef{"State", fmt::format("CE{:04}", r)}) ? 1 : 0;
        // A prefix of whole batches: the first `present` rows exist, no later one.
        CHECK(present % 50 == 0);
        if (present < 600) CHECK_FALSE(snap->node(NodeRef{"State", fmt::format("CE{:04}", present)}));
        if (present > 0) CHECK(snap->node(NodeRef{"State", fmt::format("CE{:04}", present - 1)}));
        if (finished) CHECK(present == 600);
      },
      out));

  // A bulk import into a new directory: nothing, an empty database, or all of it.
  count(crash_operation(
      "import --bulk", [&](int i) { fs::remove_all(work(i)); },
      [&](int i) { return std::vector<std::string>{"import", "-q", "--bulk", "--db", work(i).string(), kBench}; },
      [&](int i, bool finished) {
        if (!fs::exists(work(i))) {
          CHECK_FALSE(finished);
          return;
        }
        auto db = test::open_read_only(work(i));
        REQUIRE(db->check().clean());
        auto n = total(db->snapshot()->stats().nodes);
        CHECK((n == 0 || n == 808));
        if (finished) CHECK(n == 808);
      },
      out));

  // schema --add: the type is there or not, and the database checks clean.
  test::write_file(dir / "summit.capnp", R"(@0xd1f1a8e4c2b3a5b0;
using M = import "/entente/meta.capnp";
struct Summit $M.node("Summit") { venue @0 :Text; }
)");
  count(crash_operation(
      "schema --add", fresh_copy,
      [&](int i) { return std::vector<std::string>{"schema", "--db", work(i).string(), "--add", (dir / "summit.capnp").string()}; },
      [&](int i, bool finished) {
        auto db = test::open_read_only(work(i));
        REQUIRE(db->check().clean());
        bool has = db->snapshot()->type("Summit").has_value();
        if (finished) CHECK(has);
        CHECK(total(db->snapshot()->stats().nodes) == total(base_stats.nodes));
      },
      out));

  // backup: no backup, or one that verifies and holds the database.
  const auto base_dump = test::dump_of(*test::open_read_only(base));
  count(crash_operation(
      "backup", [&](int) {},
      [&](int i) { return std::vector<std::string>{"backup", "--db", base.string(), "--to", (dir / fmt::format("b{}", i + 1)).string()}; },
      [&](int i, bool finished) {
        auto b = dir / fmt::format("b{}", i + 1);
        CHECK(test::dump_of(*test::open_read_only(base)) == base_dump);
        if (!fs::exists(b)) {
          CHECK_FALSE(finished);
          return;
        }
        CHECK_NOTHROW(Database::verify_backup(b));
        CHECK(test::dump_of(*test::open_read_only(b)) == base_dump);
      },
      out));

  // restore: no database, or the whole backup.
  count(crash_operation(
      "restore", [&](int) {},
      [&](int i) { return std::vector<std::string>{"restore", "--from", (dir / "b0").string(), "--db", (dir / fmt::format("r{}", i + 1)).string()}; },
      [&](int i, bool finished) {
        auto r = dir / fmt::format("r{}", i + 1);
        if (!fs::exists(r)) {
          CHECK_FALSE(finished);
          return;
        }
        auto db = test::open_read_only(r);
        CHECK(db->check().clean());
        CHECK(test::dump_of(*db) == base_dump);
      },
      out));
  fmt::print(stderr, "crash through the command: {} kills, {} landed mid-operation, 0 databases damaged\n", total_kills,
             total_landed);
  CHECK(total_landed >= total_kills / 2);
}
