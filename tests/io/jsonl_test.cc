#include <catch2/catch.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

std::string parse_error(const std::string& line) {
  try {
    parse_line(line);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a node line parses into its parts", "[jsonl]") {
  auto v = parse_line(
      R"({"node":"State","key":"PRK","name":"North Korea","aliases":["DPRK"],"valid":{"from":"1948-09-09"},"props":{"cow":731},"sources":[{"doc":"d","locator":"p1","quote":"q"}]})");
  auto& n = std::get<NodeInput>(v);
  CHECK(n.type == "State");
  CHECK(n.key == "PRK");
  CHECK(n.aliases == std::vector<std::string>{"DPRK"});
  CHECK(n.valid->from == Date::parse("1948-09-09"));
  CHECK_FALSE(n.valid->to);
  CHECK(n.props["cow"] == 731);
  CHECK(n.sources.at(0) == Citation{"d", "p1", "q"});
}

TEST_CASE("an edge line parses its ends as Type:key", "[jsonl]") {
  auto v = parse_line(R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:prk-chn-1961","valid":{"from":"1961-09-10"}})");
  auto& e = std::get<EdgeInput>(v);
  CHECK(e.from == NodeRef{"State", "PRK"});
  CHECK(e.to == NodeRef{"Treaty", "prk-chn-1961"});
  CHECK(e.valid->from == Date::parse("1961-09-10"));
}

TEST_CASE("malformed lines are refused with the field and the reason", "[jsonl]") {
  CHECK_THAT(parse_error(R"({"node":"State")"), Catch::Contains("malformed JSON at column"));
  CHECK_THAT(parse_error("[1]"), Catch::Contains("expected a JSON object"));
  CHECK_THAT(parse_error(R"({"key":"X"})"), Catch::Contains("exactly one of"));
  CHECK_THAT(parse_error(R"({"node":"State","edge":"X","key":"X"})"), Catch::Contains("exactly one of"));
  CHECK_THAT(parse_error(R"({"node":"State"})"), Catch::Contains("missing field 'key'"));
  CHECK_THAT(parse_error(R"({"node":"State","key":7})"), Catch::Contains("field 'key': expected a string"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","nme":"x"})"),
             Catch::Contains("unknown field 'nme'") && Catch::Contains("did you mean 'name'"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","valid":{"form":"2000"}})"), Catch::Contains("unknown field 'form'"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","valid":{"from":"0000-13-45"}})"),
             Catch::Contains("valid.from") && Catch::Contains("year must be"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","aliases":"DPRK"})"), Catch::Contains("aliases"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","sources":[{"locator":"p"}]})"),
             Catch::Contains("sources[0]") && Catch::Contains("missing field 'doc'"));
  CHECK_THAT(parse_error(R"({"edge":"PARTY_TO","from":"PRK","to":"Treaty:x"})"),
             Catch::Contains("field 'from'") && Catch::Contains("Type:key"));
  CHECK_THAT(parse_error("{\"node\":\"State\",\"key\":\"\xff\"}"), Catch::Contains("malformed JSON"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"A","key":"B"})"), Catch::Contains("duplicate field 'key'"));
  CHECK_THAT(parse_error(R"({"node":"State","key":"A","props":{"cow":1,"cow":2}})"),
             Catch::Contains("duplicate field 'cow'"));
}

TEST_CASE("import, dump, import into an empty database, dump: identical bytes", "[jsonl]") {
  test::TempDir dir;
  test::write_file(dir / "a.jsonl", test::kSmallData);
  auto db1 = Database::open(dir / "db1");
  import_files(*db1, {dir / "a.jsonl"});
  std::string first = test::dump_of(*db1);
  test::write_file(dir / "dump.jsonl", first);
  auto db2 = Database::open(dir / "db2");
  import_files(*db2, {dir / "dump.jsonl"});
  CHECK(test::dump_of(*db2) == first);
  // The dump holds every line of the input (in another order).
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(lines(first).size() == lines(test::kSmallData).size());
}

TEST_CASE("importing a file twice changes nothing", "[jsonl]") {
  test::TempDir dir;
  test::write_file(dir / "a.jsonl", test::kSmallData);
  auto db = Database::open(dir / "db");
  import_files(*db, {dir / "a.jsonl"});
  auto once = test::dump_of(*db);
  auto stats = db->snapshot()->stats();
  import_files(*db, {dir / "a.jsonl"});
  CHECK(test::dump_of(*db) == once);
  CHECK(db->snapshot()->stats().edges == stats.edges);
}

TEST_CASE("a file whose last line is bad leaves the database exactly as before", "[jsonl]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::write_file(dir / "good.jsonl", test::kSmallData);
  import_files(*db, {dir / "good.jsonl"});
  auto before = test::dump_of(*db);
  std::string bad = std::string(R"({"node":"State","key":"USA","name":"United States"})") + "\n" +
                    R"({"edge":"PARTY_TO","from":"State:USA","to":"Treaty:prk-chn-1961"})" + "\n" +
                    R"({"edge":"PARTY_TO","from":"State:PKR","to":"Treaty:prk-chn-1961"})" + "\n";
  test::write_file(dir / "bad.jsonl", bad);
  try {
    import_files(*db, {dir / "bad.jsonl"});
    FAIL("the bad file was imported");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::StartsWith((dir / "bad.jsonl").string() + ":3: "));
    CHECK_THAT(e.what(), Catch::Contains("no node State:PKR"));
  }
  CHECK(test::dump_of(*db) == before);
}

TEST_CASE("files import one transaction each, or all in one", "[jsonl]") {
  test::TempDir dir;
  test::write_file(dir / "a.jsonl", R"({"node":"State","key":"A"})" "\n");
  test::write_file(dir / "b.jsonl", R"({"node":"State","key":"B"})" "\n" R"({"node":"Nope","key":"B"})" "\n");
  {
    auto db = Database::open(dir / "db1");
    CHECK_THROWS(import_files(*db, {dir / "a.jsonl", dir / "b.jsonl"}));
    auto snap = db->snapshot();
    CHECK(snap->node(NodeRef{"State", "A"}));       // its own transaction: kept
    CHECK_FALSE(snap->node(NodeRef{"State", "B"}));  // the bad file: none of it
  }
  {
    auto db = Database::open(dir / "db2");
    ImportOptions one;
    one.single_transaction = true;
    CHECK_THROWS(import_files(*db, {dir / "a.jsonl", dir / "b.jsonl"}, one));
    CHECK_FALSE(db->snapshot()->node(NodeRef{"State", "A"}));
  }
  {
    auto db = Database::open(dir / "db3");
    CHECK_THROWS_WITH(import_files(*db, {dir / "missing.jsonl"}), Catch::Contains("cannot open"));
  }
}

TEST_CASE("blank lines and CRLF line ends are accepted, and line numbers count them", "[jsonl]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  std::istringstream in("{\"node\":\"State\",\"key\":\"A\"}\r\n\n   \n{\"node\":\"State\",\"key\":\"B\",\"x\":1}\n");
  auto txn = db->begin();
  CHECK_THROWS_WITH(import_jsonl(*txn, in, "mem"), Catch::StartsWith("mem:4: unknown field 'x'"));
}

TEST_CASE("a number too large for a double is a malformed line, not a crash", "[jsonl]") {
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","props":{"cow":1e400}})"), Catch::Contains("malformed JSON"));
}

TEST_CASE("a Document citing a Document whose key sorts later still dumps in an importable order", "[jsonl]") {
  test::TempDir dir;
  test::write_file(dir / "d.jsonl", R"({"node":"Document","key":"z-original","name":"Original"})" "\n"
                                    R"({"node":"Document","key":"a-review","name":"Review","sources":[{"doc":"z-original"}]})" "\n");
  auto db1 = Database::open(dir / "db1");
  import_files(*db1, {dir / "d.jsonl"});
  std::string dump = test::dump_of(*db1);
  CHECK_THAT(dump, Catch::StartsWith(R"({"node":"Document","key":"z-original")"));
  test::write_file(dir / "dump.jsonl", dump);
  auto db2 = Database::open(dir / "db2");
  CHECK_NOTHROW(import_files(*db2, {dir / "dump.jsonl"}));
  CHECK(test::dump_of(*db2) == dump);
}
