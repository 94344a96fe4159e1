// The importer framework (io/importer.h): a table format declares its layout and maps a
// row; read_table does the header, the row checks, the units of writes and the errors'
// places. Tested with a small format of its own, written here.
#include <sstream>

#include <catch2/catch.hpp>

#include "entente/entente.h"
#include "io/importer.h"
#include "test_util.h"

using namespace entente;
using entente::test::TempDir;

namespace {

// A toy format: one State per row, "-9" for a missing value, and a row naming the
// Antarctic left out on purpose.
struct Toy {
  TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir.path() / "db");
  FormatImportOptions options;
  FormatImportStats stats;
  std::vector<std::string> seen;  // what the mapping read, row by row

  void run(const std::string& text) {
    io::ImportContext ctx(*db, options, stats);
    ctx.begin_file("toy.csv", "toy.csv", text.size());
    std::istringstream in(text);
    const io::TableLayout layout{.required = {"key", "name", "year"}, .missing = {"-9"}};
    io::read_table(ctx, in, layout, [&](const io::TableRecord& row) {
      if (row.text("key") == "ATA") throw io::LeftOut{"not a state"};
      NodeInput n{.type = "State", .key = row.required("key"), .name = row.text("name")};
      auto year = row.integer("year");
      auto founded = row.date("year", "month", "day");  // "month" and "day": optional columns
      if (founded) n.valid = Interval{founded, std::nullopt};
      seen.push_back(fmt::format("{}:{}:{}:{}", row.line(), n.key, year ? std::to_string(*year) : "-",
                                 founded ? founded->str() : "-"));
      ctx.txn().put_node(n);
    });
    ctx.finish();
  }
};

}  // namespace

TEST_CASE("read_table maps rows by column name, reads missing codes as blank and optional columns as absent",
          "[import]") {
  Toy t;
  t.run("key,name,year,month\nPRK,North Korea,1948,9\nVNM,Viet Nam,-9,\n\nATA,Antarctica,1959,\n");
  CHECK(t.seen == std::vector<std::string>{"2:PRK:1948:1948-09", "3:VNM:-:-"});
  CHECK(t.stats.rows == 3);
  CHECK(t.stats.skipped == 1);  // the Antarctic, left out by the format
  REQUIRE(t.stats.skipped_rows.size() == 1);
  CHECK(t.stats.skipped_rows[0].where == "toy.csv:5");
  CHECK(t.stats.skipped_rows[0].reason == "not a state");
  auto snap = t.db->snapshot();
  CHECK(snap->node(NodeRef{"State", "PRK"}));
  CHECK_FALSE(snap->node(NodeRef{"State", "ATA"}));
}

TEST_CASE("read_table's errors name the file, the line and the column, and nothing of the file is written",
          "[import]") {
  SECTION("a required column missing from the header") {
    Toy t;
    CHECK_THROWS_WITH(t.run("key,name,yaer\nPRK,North Korea,1948\n"),
                      Catch::Contains("toy.csv:1: no column 'year'") && Catch::Contains("did you mean 'yaer'"));
    CHECK(t.seen.empty());
  }
  SECTION("a row of the wrong width") {
    Toy t;
    CHECK_THROWS_WITH(t.run("key,name,year\nPRK,North Korea,1948\nVNM,Viet Nam\n"),
                      Catch::Contains("toy.csv:3: 2 fields where the header has 3"));
    CHECK_FALSE(t.db->snapshot()->node(NodeRef{"State", "PRK"}));  // one transaction: nothing written
  }
  SECTION("a blank required field, a malformed number, bytes that are not UTF-8") {
    for (auto [text, message] : std::vector<std::pair<std::string, std::string>>{
             {"key,name,year\n,North Korea,1948\n", "toy.csv:2: column 'key' is blank"},
             {"key,name,year\nPRK,North Korea,19x8\n", "toy.csv:2: column 'year': '19x8' is not"},
             {"key,name,year\nPRK,North \xff Korea,1948\n", "toy.csv:2: field 2 is not valid UTF-8"}}) {
      Toy t;
      CHECK_THROWS_WITH(t.run(text), Catch::Contains(message));
    }
  }
  SECTION("with skip_bad_rows, a bad row is left out whole and the rest imported") {
    Toy t;
    t.options.skip_bad_rows = true;
    t.run("key,name,year\nPRK,North Korea,1948\n,Nobody,2000\nVNM,Viet Nam,1976\n");
    CHECK(t.stats.skipped == 1);
    REQUIRE(t.stats.skipped_rows.size() == 1);
    CHECK(t.stats.skipped_rows[0].where == "toy.csv:3");
    CHECK(t.seen.size() == 2);
  }
}
