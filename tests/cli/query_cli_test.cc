// End-to-end tests of `entente query` (formats, parameters, EXPLAIN, exit statuses) and
// `entente shell` (a scripted session on standard input), on the bundled dataset.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "cli/run.h"

using namespace entente;
using test::entente_cmd;

namespace {

struct Bundled {
  test::TempDir dir;
  std::string db;
  Bundled() : db((dir / "db").string()) {
    auto r = entente_cmd(dir, "import --db '" + db + "' '" ENTENTE_DATA_DIR "/putin-visits-2024.jsonl'");
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  test::Run query(const std::string& rest) { return entente_cmd(dir, "query --db '" + db + "' " + rest); }
  test::Run entente_cmd_env(const std::string& script, const std::string& rest, const std::string& hist) {
    auto in = dir / "script.txt";
    test::write_file(in, script);
    // The history goes to a file of the test, not the user's home.
    return test::entente_cmd(dir, "shell --db '" + db + "' " + rest, in.string(), "ENTENTE_HISTORY='" + hist + "'");
  }
};

const char* kTreatiesDuringVisits =
    "'MATCH (v:Visit)-[:PRODUCED]->(t:Treaty)<-[:PARTY_TO]-(s:State) "
    "RETURN s.key AS state, t.key AS treaty, v.start AS from, v.end AS to ORDER BY state'";

}  // namespace

TEST_CASE("query cli: a table with a header, one line a row and the count", "[cli][query]") {
  Bundled b;
  auto r = b.query(kTreatiesDuringVisits);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out ==
        "state | treaty       | from       | to\n"
        "------+--------------+------------+-----------\n"
        "PRK   | rus-prk-2024 | 2024-06-19 | 2024-06-19\n"
        "RUS   | rus-prk-2024 | 2024-06-19 | 2024-06-19\n"
        "(2 rows)\n");
  CHECK(r.err.empty());
}

TEST_CASE("query cli: --format json gives an array of objects keyed by column", "[cli][query]") {
  Bundled b;
  auto r = b.query(std::string(kTreatiesDuringVisits) + " --format json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["state"] == "PRK");
  CHECK(j[1]["from"] == "2024-06-19");
  // --json is the same.
  CHECK(nlohmann::json::parse(b.query(std::string(kTreatiesDuringVisits) + " --json").out) == j);
  // Nodes come out as interchange-format objects.
  auto n = nlohmann::json::parse(b.query("'MATCH (s:State {key: \"PRK\"}) RETURN s' --format json").out);
  CHECK(n[0]["s"]["node"] == "State");
  CHECK(n[0]["s"]["props"]["capital"] == "Pyongyang");
  // Issue 16: NaN and the infinities came out as null, like a real null.
  auto f = nlohmann::json::parse(b.query("'RETURN 1.0/0 AS inf, -1.0/0 AS ninf, 0.0/0 AS nan, null AS none, 2.5 AS x' --json").out);
  CHECK(f[0]["inf"] == "Infinity");
  CHECK(f[0]["ninf"] == "-Infinity");
  CHECK(f[0]["nan"] == "NaN");
  CHECK(f[0]["none"].is_null());
  CHECK(f[0]["x"] == 2.5);
}

TEST_CASE("query cli: --format csv quotes fields and leaves null empty", "[cli][query]") {
  Bundled b;
  auto r = b.query("'MATCH (s:State {key: \"JPN\"}) RETURN s.name AS name, \"a,b\" AS text, s.gw_code AS gw' --format csv");
  REQUIRE(r.status == 0);
  CHECK(r.out == "name,text,gw\nJapan,\"a,b\",\n");
}

// Issue 17: lists came out as Python's repr ("['a', 'b']") and infinities as "Infinity";
// CSV readers (pandas, R's read.csv) expect ';'-joined text and empty cells for missing.
TEST_CASE("query cli: --format csv joins lists with semicolons and leaves NaN and infinities empty", "[cli][query]") {
  Bundled b;
  auto r = b.query("\"RETURN ['a', 'b,c'] AS l, [1, null, 2.5] AS n, 1.0/0 AS inf, -1.0/0 AS ninf, 0.0/0 AS nan, "
                   "[] AS none, {a: 1} AS m, date('2024-06-19') AS d, 1.5 AS f\" --format csv");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == "l,n,inf,ninf,nan,none,m,d,f\n\"a;b,c\",1;;2.5,,,,,\"{\"\"a\"\":1}\",2024-06-19,1.5\n");
  // A treaty's obligations, a list property, as a CSV user reads them.
  auto o = b.query("\"MATCH (t:Treaty {key: 'rus-prk-2024'}) RETURN t.obligations AS o\" --format csv");
  INFO(o.err);
  CHECK(o.out == "o\ndefense;consultation\n");
}

TEST_CASE("query cli: --param values are JSON when they parse, else text", "[cli][query]") {
  Bundled b;
  auto r = b.query("'MATCH (s:State) WHERE s.key IN $keys AND s.cow > $cow RETURN s.key AS k ORDER BY k' "
                   "--param 'keys=[\"PRK\",\"KOR\",\"CHN\"]' --param cow=720 --format csv");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == "k\nKOR\nPRK\n");
  auto d = b.query("'MATCH (s:State {key: $code})-[:PARTY_TO]->(t:Treaty) RETURN t.key AS t ORDER BY t AT DATE date($d)' "
                   "-p code=PRK -p d=2010-01-01 --format csv");
  INFO(d.err);
  CHECK(d.out == "t\nprk-chn-1961\nrus-prk-2000\n");
}

TEST_CASE("query cli: EXPLAIN prints the plan", "[cli][query]") {
  Bundled b;
  auto r = b.query("'EXPLAIN MATCH (t:Treaty)<-[:PARTY_TO]-(s:State {key: \"PRK\"}) RETURN t.name'");
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith(" 1. NodeByKey") && Catch::Contains("Expand") && Catch::Contains("Return"));
}

TEST_CASE("query cli: a query error exits 1 with line and column on stderr", "[cli][query]") {
  Bundled b;
  auto r = b.query("'MATCH (s:Sate) RETURN s'");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "entente: line 1:10: unknown label 'Sate' (did you mean 'State'?)\n");
  auto syntax = b.query("'MATCH (s:State RETURN s'");
  CHECK(syntax.status == 1);
  CHECK_THAT(syntax.err, Catch::Contains("line 1:16: expected ')' to close the node pattern, found 'RETURN'"));
  auto missing = b.query("'RETURN $x'");
  CHECK(missing.status == 1);
  CHECK_THAT(missing.err, Catch::Contains("missing parameter $x"));
}

TEST_CASE("query cli: usage errors exit 2", "[cli][query]") {
  Bundled b;
  CHECK(b.query("'RETURN 1' --format xml").status == 2);
  auto r = b.query("'RETURN 1' --param novalue");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("name=value"));
  test::TempDir dir;
  CHECK(entente_cmd(dir, "query 'RETURN 1'").status == 2);  // no --db
  CHECK(entente_cmd(dir, "query --db '" + (dir / "none").string() + "' 'RETURN 1'").status == 1);  // no database
}

TEST_CASE("query cli: the query may come from standard input", "[cli][query]") {
  Bundled b;
  auto in = b.dir / "q.txt";
  test::write_file(in, "MATCH (p:Person {key: 'putin'})\nRETURN p.name AS name\n");
  auto r = entente_cmd(b.dir, "query --db '" + b.db + "' - --format csv", in.string());
  CHECK(r.status == 0);
  CHECK(r.out == "name\nVladimir Putin\n");
}

TEST_CASE("shell: a scripted session runs multi-line statements and survives errors", "[cli][query]") {
  Bundled b;
  auto hist = (b.dir / "history").string();
  auto r = b.entente_cmd_env(
      "MATCH (s:State {key: 'PRK'})\n"
      "RETURN s.name AS name;\n"
      ":format csv\n"
      "MATCH (s:Sate) RETURN s;\n"
      "MATCH (v:Visit)-[:HOST]->(h:State {key: 'VNM'})\n"
      "  RETURN count(*) AS visits;\n"
      ":param code=RUS\n"
      "MATCH (s:State {key: $code}) RETURN s.capital AS capital;\n"
      ":nonsense\n"
      ":quit\n"
      "RETURN 'not reached';\n",
      "", hist);
  CHECK(r.out ==
        "name\n"
        "-------------------------------------\n"
        "Democratic People's Republic of Korea\n"
        "(1 row)\n"
        "visits\n7\n"
        "capital\nMoscow\n");
  CHECK_THAT(r.err, Catch::Contains("error: line 1:10: unknown label 'Sate' (did you mean 'State'?)"));
  CHECK_THAT(r.err, Catch::Contains("unknown command ':nonsense'"));
  CHECK(r.status == 1);  // a statement failed
  // Each statement went to the history file, on one line.
  auto h = test::read_file(hist);
  CHECK_THAT(h, Catch::Contains("MATCH (s:State {key: 'PRK'}) RETURN s.name AS name;"));
  CHECK_THAT(h, !Catch::Contains("not reached"));
}

TEST_CASE("shell: :help, :schema and :history, and a clean session exits 0", "[cli][query]") {
  Bundled b;
  auto hist = (b.dir / "history").string();
  auto r = b.entente_cmd_env(":help\n:schema Treaty\nRETURN 1 AS one;\n:history\n", "--format csv", hist);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains(":schema [TYPE]"));
  CHECK_THAT(r.out, Catch::Contains("(:Treaty)  signed Date"));
  CHECK_THAT(r.out, Catch::Contains("one\n1\n"));
  CHECK_THAT(r.out, Catch::Contains("   1  RETURN 1 AS one;"));
  // The last statement may omit its ';' at the end of input.
  auto last = b.entente_cmd_env("RETURN 2 AS two", "--format csv", hist);
  CHECK(last.status == 0);
  CHECK(last.out == "two\n2\n");
}

TEST_CASE("shell: several statements on one line, :param NAME => EXPR, :timing, and :help lists the procedures",
          "[cli][query]") {
  Bundled b;
  auto hist = (b.dir / "history").string();
  auto r = b.entente_cmd_env(
      "RETURN 1 AS one; RETURN 'a;b' AS semi; RETURN\n"
      "  3 AS three;\n"
      ":param d => date('2024-12-31')\n"
      ":param code => toUpper('prk')\n"
      "MATCH (s:State {key: $code}) RETURN s.key AS key, $d AS d;\n"
      ":param bad => 1 +\n"
      ":timing\n"
      "RETURN 4 AS four;\n"
      ":help\n",
      "--format csv", hist);
  CHECK_THAT(r.out, Catch::StartsWith("one\n1\nsemi\na;b\nthree\n3\nkey,d\nPRK,2024-12-31\ntiming on\nfour\n4\ntime: "));
  CHECK_THAT(r.out, Catch::Contains("allies(state, at"));
  CHECK_THAT(r.err, Catch::Contains("error: :param bad => 1 +: column "));
  CHECK_THAT(r.err, Catch::Contains("expected an expression"));
  CHECK(r.status == 1);
}

TEST_CASE("query cli: --timeout and --memory-limit stop a runaway query with exit 1 and name the limit", "[cli][query]") {
  Bundled b;
  auto slow = b.query("--timeout 0.001 'UNWIND range(1, 1000000) AS a UNWIND range(1, 1000000) AS b RETURN count(*)'");
  CHECK(slow.status == 1);
  CHECK_THAT(slow.err, Catch::Contains("query stopped: time limit of 1 ms reached"));
  auto big = b.query("--memory-limit 1M 'MATCH (a), (b) RETURN a, b ORDER BY a.key'");
  CHECK(big.status == 1);
  CHECK_THAT(big.err, Catch::Contains("query stopped: memory limit of 1 MiB reached"));
  auto bad = b.query("--memory-limit lots 'RETURN 1'");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("'lots' is not a size"));
  auto fine = b.query("--timeout 30 --memory-limit 512M --format csv 'RETURN 1 AS one'");
  CHECK(fine.status == 0);
  CHECK(fine.out == "one\n1\n");
}

// Columns are as wide as their widest cell on a terminal: a wide character (CJK) takes two
// columns, a combining mark none, so that the bars line up.
TEST_CASE("query cli: table columns line up with wide and combining characters", "[cli][query]") {
  Bundled b;
  auto r = b.query("\"RETURN '北朝鲜' AS name, 1 AS n UNION ALL RETURN 'Vie\xcc\x82\xcc\xa3t' AS name, 2 AS n\"");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out ==
        "name   | n\n"
        "-------+--\n"
        "北朝鲜 | 1\n"
        "Vie\xcc\x82\xcc\xa3t   | 2\n"
        "(2 rows)\n");
}
