// The bulk load (import_bulk): the same database as the transactional import, all or
// nothing, bounded memory (sorted runs on disk).
#include <unistd.h>

#include <map>

#include <catch2/catch.hpp>

#include "common/coding.h"
#include "storage/adj_run.h"
#include "storage/store.h"
#include "cli/run.h"
#include "test_util.h"

using namespace entente;
using entente::test::TempDir;

namespace {

// Every entry of every column family, as text: two databases with the same contents
// (records, indexes, ids, counters, catalog) give the same string.
std::string contents(const std::filesystem::path& path) {
  auto store = storage::Store::open(path, {.create_if_missing = false, .read_only = true});
  auto view = store->snapshot();
  std::string out;
  for (auto cf : {storage::Cf::kNodes, storage::Cf::kEdges, storage::Cf::kAdj, storage::Cf::kKeys,
                  storage::Cf::kNames, storage::Cf::kMeta}) {
    out += storage::cf_name(cf);
    out += '\n';
    if (cf == storage::Cf::kAdj) {
      // Each node's runs merged: the transactional import writes a node's ops in several
      // commits' parts, the bulk load in one run, and both must give the same adjacency.
      std::map<std::uint64_t, std::vector<std::string>> runs;
      view->scan(cf, "", [&](std::string_view k, std::string_view v) {
        REQUIRE(k.size() == keys::kRunKeySize);
        runs[coding::get_u64(k.data())].emplace_back(v);
        return true;
      });
      for (const auto& [node, values] : runs) {
        keys::RunMerger m(node);
        for (const auto& v : values) m.add(v);
        auto merged = m.finish();
        keys::RunWriter w;
        if (merged.has_head) w.head(merged.head);
        for (const auto& a : merged.arcs) w.arc(a);
        out += std::to_string(node) + " -> " + w.bytes() + "\n";
      }
      continue;
    }
    view->scan(cf, "", [&](std::string_view k, std::string_view v) {
      out.append(k);
      out += " -> ";
      out.append(v);
      out += '\n';
      return true;
    });
  }
  return out;
}

std::filesystem::path fixture(const char* name) { return std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" / name; }

// Imports `files` both ways; checks that the dumps, the stored bytes and check() agree.
void same_both_ways(const std::vector<std::filesystem::path>& files, const BulkImportOptions& options = {},
                    const Options& txn_options = {}) {
  TempDir dir;
  {
    auto db = Database::open(dir / "txn", txn_options);
    ImportOptions io;
    io.single_transaction = true;
    import_files(*db, files, io);
  }
  ImportStats stats;
  {
    auto db = Database::open(dir / "bulk");
    stats = import_bulk(*db, files, options);
  }
  auto txn_db = Database::open(dir / "txn");
  auto bulk_db = Database::open(dir / "bulk");
  CHECK(stats.nodes + stats.edges > 0);
  CHECK(test::dump_of(*bulk_db) == test::dump_of(*txn_db));
  CHECK(bulk_db->check().clean());
  txn_db.reset();
  bulk_db.reset();
  CHECK(contents(dir / "bulk") == contents(dir / "txn"));
  CHECK(!std::filesystem::exists(dir.path() / ("bulk.bulk-" + std::to_string(::getpid()))));
}

}  // namespace

TEST_CASE("bulk import gives the transactional import's database (bundled data)", "[bulk]") {
  same_both_ways({std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl"});
}

TEST_CASE("bulk import gives the transactional import's database (synthetic graph)", "[bulk]") {
  same_both_ways({fixture("bench-2000.jsonl")});
}

TEST_CASE("bulk import in little memory sorts in runs on disk and gives the same database", "[bulk]") {
  // 64 KiB keeps 1,365 edges' adjacency in memory (48 KiB at 36 bytes an edge): the first
  // file's 1,192 edges fit, and the second file's 237 pass the limit, so the adjacency moves
  // into the external sort midway, which then spills runs of 1,024 entries.
  BulkImportOptions o;
  o.memory = 64 << 10;
  o.threads = 3;
  same_both_ways({fixture("bench-2000.jsonl"), std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl"}, o);
}

TEST_CASE("a transactional import past its memory (spilled to runs) gives the bulk import's database", "[bulk][spill]") {
  Options small;
  small.transaction_kb = 32;
  same_both_ways({fixture("bench-2000.jsonl"), std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl"}, {},
                 small);
}

TEST_CASE("bulk import refuses a database that holds nodes", "[bulk]") {
  test::Loaded l(test::kSmallData);
  TempDir dir;
  test::write_file(dir / "more.jsonl", R"({"node":"State","key":"FRA","name":"France"})" "\n");
  auto before = test::dump_of(*l.db);
  l.snap.reset();
  try {
    import_bulk(*l.db, {dir / "more.jsonl"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kConflict);
    CHECK_THAT(e.what(), Catch::Contains("new or empty database"));
  }
  CHECK(test::dump_of(*l.db) == before);
}

TEST_CASE("a bad line fails the bulk import naming file and line, and writes nothing", "[bulk]") {
  TempDir dir;
  auto db = Database::open(dir / "db");
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"{\"node\":\"State\",\"key\":\"A\"}\n\n{\"node\":\"Stat\",\"key\":\"B\"}\n", "in.jsonl:3: unknown node type 'Stat'"},
      {"{\"node\":\"State\",\"key\":\"A\"}\n{\"edge\":\"SUCCEEDS\",\"from\":\"State:A\",\"to\":\"State:B\"}\n"
       "{\"node\":\"State\",\"key\":\"B\"}\n",
       "in.jsonl:2: to: no node State:B"},
      {"{\"node\":\"State\",\"key\":\"A\"}\n{\"node\":\"State\",\"key\":\"A\",\"name\":\"again\"}\n",
       "in.jsonl:2: node State:A repeats"},
      {"{\"node\":\"State\",\"key\":\"A\"}\n{\"node\":\"State\",\"key\":\"B\"}\n"
       "{\"edge\":\"SUCCEEDS\",\"from\":\"State:A\",\"to\":\"State:B\"}\n"
       "{\"edge\":\"SUCCEEDS\",\"from\":\"State:A\",\"to\":\"State:B\"}\n",
       "in.jsonl:4: edge SUCCEEDS"},
      {"{\"node\":\"State\",\"key\":\"A\",\"sources\":[{\"doc\":\"d\"}]}\n{\"node\":\"Document\",\"key\":\"d\"}\n",
       "in.jsonl:1: sources: no Document node 'd'"},
      {"{\"node\":\"State\",\"key\":\"A\"}\n{\"node\":\"State\",\"key\":\"B\"}\n{\"node\":\"State\",\"key\":", "in.jsonl:3: malformed JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    test::write_file(dir / "in.jsonl", c.text);
    try {
      import_bulk(*db, {dir / "in.jsonl"});
      FAIL("no error");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::StartsWith((dir / c.message).string()));
    }
    CHECK(test::dump_of(*db).empty());
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      CHECK_THAT(entry.path().filename().string(), !Catch::Contains(".bulk-"));
    }
  }
  // And afterwards a good file loads.
  test::write_file(dir / "in.jsonl", test::kSmallData);
  import_bulk(*db, {dir / "in.jsonl"});
  CHECK(db->check().clean());
}

TEST_CASE("a repeated edge is refused naming both lines, whether the adjacency is in memory or sorted on disk",
          "[bulk]") {
  // 1,500 edges: past the 1,365 that 64 KiB keeps in memory. The edge on line 1512 is
  // repeated either early, before edge 20 (both kept in memory at the default; at 64 KiB
  // both kept in memory, then moved into the sort), or last (the first moved into the
  // sort, the second sorted).
  auto lines = [](int repeat_at) {
    std::string text;
    for (int i = 0; i < 1501; ++i) text += fmt::format("{{\"node\":\"State\",\"key\":\"S{}\"}}\n", i);
    for (int i = 0; i < 1500; ++i) {
      if (i == repeat_at) text += "{\"edge\":\"SUCCEEDS\",\"from\":\"State:S10\",\"to\":\"State:S11\"}\n";
      text += fmt::format("{{\"edge\":\"SUCCEEDS\",\"from\":\"State:S{}\",\"to\":\"State:S{}\"}}\n", i, i + 1);
    }
    return text;
  };
  struct Case {
    int repeat_at;
    std::size_t memory;
    int line;  // the repeat's line
  };
  // Edge i is on line 1502 + i, or 1503 + i after the repeat.
  for (const Case& c : {Case{20, std::size_t{256} << 20, 1522}, Case{20, std::size_t{64} << 10, 1522},
                        Case{1499, std::size_t{64} << 10, 3001}}) {
    INFO("repeat before edge " << c.repeat_at << ", memory " << c.memory);
    TempDir dir;
    test::write_file(dir / "in.jsonl", lines(c.repeat_at));
    auto db = Database::open(dir / "db");
    BulkImportOptions o;
    o.memory = c.memory;
    try {
      import_bulk(*db, {dir / "in.jsonl"}, o);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) == fmt::format("{}:{}: edge SUCCEEDS from State:S10 to State:S11 repeats {}:1512 (the bulk "
                                                 "import takes each edge once: import without --bulk, or remove the repeat)",
                                                 (dir / "in.jsonl").string(), c.line, (dir / "in.jsonl").string()));
    }
    CHECK(test::dump_of(*db).empty());
  }
}

TEST_CASE("entente import --bulk loads a file, then check is clean", "[bulk][cli]") {
  TempDir dir;
  auto db = (dir / "db").string();
  auto r = test::entente_cmd(dir, "import --bulk --db '" + db + "' '" + fixture("bench-2000.jsonl").string() + "'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("imported 1 file (bulk): 2000 lines"));
  r = test::entente_cmd(dir, "check --db '" + db + "'");
  CHECK(r.status == 0);
  r = test::entente_cmd(dir, "import --bulk --db '" + db + "' '" + fixture("bench-2000.jsonl").string() + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("new or empty database"));
}

TEST_CASE("bulk import reads a file of several blocks alike from its path (mapped) and from standard input", "[bulk][cli]") {
  // A file is read where it lies in memory (mapped), standard input through a buffer;
  // blocks of 4 MiB end at a newline either way. 6 MiB of lines, blank and CRLF ones among
  // them, with and without a last newline, and a bad last line: both ways must count the
  // same lines, load the same database and name the same line.
  const std::string padding(180, 'x');
  std::string text;
  int lines = 0;
  for (int i = 0; i < 32000; ++i) {
    text += fmt::format("{{\"node\":\"State\",\"key\":\"S{}\",\"name\":\"{} {}\"}}{}\n", i, padding, i, i % 1000 == 7 ? "\r" : "");
    ++lines;
    if (i % 5000 == 3) {
      text += "\n";
      ++lines;
    }
  }
  REQUIRE(text.size() > (std::size_t{6} << 20));
  for (const bool last_newline : {true, false}) {
    INFO("last newline: " << last_newline);
    TempDir dir;
    const std::string body = last_newline ? text : text.substr(0, text.size() - 1);
    test::write_file(dir / "in.jsonl", body);
    auto by_path = test::entente_cmd(dir, "import --bulk -q --db '" + (dir / "a").string() + "' '" + (dir / "in.jsonl").string() + "'");
    REQUIRE(by_path.status == 0);
    auto by_stdin = test::entente_cmd(dir, "import --bulk -q --db '" + (dir / "b").string() + "' -", (dir / "in.jsonl").string());
    REQUIRE(by_stdin.status == 0);
    {
      auto a = Database::open(dir / "a", {.read_only = true});
      auto b = Database::open(dir / "b", {.read_only = true});
      CHECK(a->snapshot()->stats().nodes.at("State") == 32000);
      CHECK(test::dump_of(*a) == test::dump_of(*b));
    }
    test::write_file(dir / "bad.jsonl", body + (last_newline ? "" : "\n") + "{\"node\":\"State\",\"key\":\"S1\"}");
    by_path = test::entente_cmd(dir, "import --bulk --db '" + (dir / "c").string() + "' '" + (dir / "bad.jsonl").string() + "'");
    by_stdin = test::entente_cmd(dir, "import --bulk --db '" + (dir / "d").string() + "' -", (dir / "bad.jsonl").string());
    CHECK(by_path.status == 1);
    CHECK(by_stdin.status == 1);
    CHECK_THAT(by_path.err, Catch::Contains(fmt::format("bad.jsonl:{}: node State:S1 repeats", lines + 1)));
    CHECK_THAT(by_stdin.err, Catch::Contains(fmt::format("<stdin>:{}: node State:S1 repeats", lines + 1)));
  }
}
