// The query API beyond what case files express: streaming, EXPLAIN, statement ends, values
// as JSON, and hostile input (deep nesting, long patterns).
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "query/bind/binder.h"
#include "query/exec/executor.h"
#include "query/parse/parser.h"
#include "query/plan/plan.h"
#include "test_util.h"

using namespace entente;
using test::Loaded;

namespace {

// The error a query stops with, checking its kind (kInvalid; kLimit for a limit passed).
std::string error_of(const Reader& r, const std::string& text, const Params& params = {},
                     const QueryLimits& limits = {}, ErrorKind kind = ErrorKind::kInvalid) {
  try {
    (void)query(r, text, params, limits);
  } catch (const Error& e) {
    CHECK(e.kind() == kind);
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("query api: a query nested 1000 levels deep is refused with an error, not a crash", "[query]") {
  Loaded db(test::kSmallData);
  std::string parens = "RETURN " + std::string(1000, '(') + "1" + std::string(1000, ')');
  CHECK_THAT(error_of(*db.snap, parens), Catch::Contains("nested deeper than the limit of 200"));
  std::string nots = "RETURN ";
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  nots += "true";
  CHECK_THAT(error_of(*db.snap, nots), Catch::Contains("nested deeper than the limit of 200"));
  std::string minus = "RETURN " + std::string(1000, '-') + "1";
  CHECK_THAT(error_of(*db.snap, minus), Catch::Contains("nested deeper"));
  std::string lists = "RETURN " + std::string(1000, '[') + std::string(1000, ']');
  CHECK_THAT(error_of(*db.snap, lists), Catch::Contains("nested deeper"));
  std::string sum = "RETURN 1";
  for (int i = 0; i < 5000; ++i) sum += " + 1";
  CHECK_THAT(error_of(*db.snap, sum), Catch::Contains("nested deeper"));
  std::string chain = "RETURN 1";
  for (int i = 0; i < 5000; ++i) chain += " AND true";
  CHECK_THAT(error_of(*db.snap, chain), Catch::Contains("nested deeper"));
  std::string props = "MATCH (n) RETURN n";
  for (int i = 0; i < 5000; ++i) props += ".x";
  CHECK_THAT(error_of(*db.snap, props), Catch::Contains("nested deeper"));
  std::string path = "MATCH (a)";
  for (int i = 0; i < 5000; ++i) path += "-->()";
  CHECK_THAT(error_of(*db.snap, path + " RETURN a"), Catch::Contains("longer than the limit"));
  // Just under the limit works.
  std::string ok = "RETURN " + std::string(150, '(') + "1" + std::string(150, ')') + " AS one";
  CHECK(query(*db.snap, ok).rows.at(0).at(0).as_int() == 1);
}

TEST_CASE("query api: streaming stops when the row callback returns false", "[query]") {
  Loaded db(test::kSmallData);
  std::vector<std::string> columns;
  int rows = 0;
  query(
      *db.snap, "MATCH (s:State) RETURN s.key AS key", {}, [&](const std::vector<std::string>& c) { columns = c; },
      [&](const std::vector<Value>&) { return ++rows < 2; });
  CHECK(columns == std::vector<std::string>{"key"});
  CHECK(rows == 2);
}

TEST_CASE("query api: explain names the starting point and each step", "[query]") {
  Loaded db(test::kSmallData);
  std::string by_key = explain(*db.snap, "MATCH (s:State {key: 'PRK'})-[:PARTY_TO]->(t:Treaty) RETURN t.key");
  CHECK_THAT(by_key, Catch::Contains("NodeByKey") && Catch::Contains("Expand") && Catch::Contains("Return"));
  // The key lookup is chosen over a type scan even when the keyed node is written last.
  std::string reversed = explain(*db.snap, "MATCH (t:Treaty)<-[:PARTY_TO]-(s:State {key: 'PRK'}) RETURN t.key");
  CHECK_THAT(reversed, Catch::StartsWith(" 1. NodeByKey"));
  CHECK_THAT(reversed, !Catch::Contains("NodeScan"));
  // EXPLAIN through query() gives the plan as rows.
  auto r = query(*db.snap, "EXPLAIN MATCH (s:State) WHERE s.name = 'China' RETURN s");
  REQUIRE(r.columns == std::vector<std::string>{"plan"});
  CHECK_THAT(r.rows.at(0).at(0).as_string(), Catch::Contains("NodeByName"));
}

TEST_CASE("query api: statement_complete sees a statement end outside strings and comments", "[query]") {
  CHECK(statement_complete("RETURN 1;"));
  CHECK(statement_complete("MATCH (n)\nRETURN n ;  \n"));
  CHECK_FALSE(statement_complete("RETURN 1"));
  CHECK_FALSE(statement_complete("RETURN 'a;"));
  CHECK_FALSE(statement_complete("RETURN 'a;'"));
  CHECK(statement_complete("RETURN 'a;';"));
  CHECK_FALSE(statement_complete("RETURN 1 // ;"));
  CHECK_FALSE(statement_complete("RETURN 1 /* ; */"));
  CHECK(statement_complete("RETURN 'it\\'s';"));
}

TEST_CASE("query api: values print for tables and as JSON", "[query]") {
  Loaded db(test::kSmallData);
  auto r = query(*db.snap,
                 "MATCH (s:State {key: 'PRK'})-[p:PARTY_TO]->(t:Treaty {key: 'rus-prk-2024'}) "
                 "RETURN s, p, t.signed AS signed, [1, 'a', null] AS l, {k: 2.5} AS m, 170.0 AS f");
  REQUIRE(r.rows.size() == 1);
  const auto& row = r.rows[0];
  CHECK(row[0].str() == "State:PRK (Democratic People's Republic of Korea)");
  CHECK(row[1].str() == "[PARTY_TO State:PRK->Treaty:rus-prk-2024]");
  CHECK(row[2].type() == Value::Type::kDate);
  CHECK(row[2].to_json() == "2024-06-19");
  CHECK(row[3].str() == "[1, 'a', null]");
  CHECK(row[4].str() == "{k: 2.5}");
  CHECK(row[5].str() == "170.0");
  auto node = row[0].to_json();
  CHECK(node["node"] == "State");
  CHECK(node["key"] == "PRK");
  CHECK(node["props"]["cow"] == 731);
  auto edge = row[1].to_json();
  CHECK(edge["edge"] == "PARTY_TO");
  CHECK(edge["to"] == "Treaty:rus-prk-2024");
}

TEST_CASE("query api: parameters of every JSON type", "[query]") {
  Loaded db(test::kSmallData);
  Params p{{"keys", Value(Value::List{Value("PRK"), Value("CHN")})}, {"n", Value(1)}, {"d", Value("2024-12-31")}};
  auto r = query(*db.snap,
                 "MATCH (s:State) WHERE s.key IN $keys RETURN s.key AS k ORDER BY k LIMIT $n AT DATE date($d)", p);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0][0].as_string() == "CHN");
  CHECK_THAT(error_of(*db.snap, "RETURN $missing", p), Catch::Contains("missing parameter $missing"));
}

namespace {

// The statements of docs/query.md's ```cypher blocks: separated by blank lines, comment
// lines dropped.
std::vector<std::string> documented_queries() {
  std::ifstream in(std::filesystem::path(ENTENTE_DATA_DIR) / ".." / "docs" / "query.md");
  REQUIRE(in);
  std::vector<std::string> out;
  std::string line, current;
  bool in_block = false;
  auto flush = [&] {
    if (current.find_first_not_of(" \n") != std::string::npos) out.push_back(current);
    current.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      flush();
      in_block = line == "```cypher";
      continue;
    }
    if (!in_block) continue;
    if (line.find_first_not_of(' ') == std::string::npos) {
      flush();
    } else if (line.rfind("//", 0) != 0) {
      current += line + "\n";
    }
  }
  return out;
}

std::string bundled_data() {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(ENTENTE_DATA_DIR)) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream f(e.path());
    all += std::string(std::istreambuf_iterator<char>(f), {});
  }
  return all;
}

}  // namespace

TEST_CASE("query docs: every query shown in docs/query.md runs on the bundled data and returns rows", "[query]") {
  auto queries = documented_queries();
  REQUIRE(queries.size() >= 8);
  Loaded db(bundled_data());
  for (const auto& q : queries) {
    INFO(q);
    QueryResult result;
    REQUIRE_NOTHROW(result = query(*db.snap, q));
    CHECK_FALSE(result.rows.empty());
  }
}

// A pointer other than a C string does not become a Value (it would have become a Boolean).
static_assert(std::is_constructible_v<Value, const char*>);
static_assert(std::is_constructible_v<Value, bool>);
static_assert(!std::is_constructible_v<Value, const std::string*>);
static_assert(!std::is_constructible_v<Value, const Node*>);
static_assert(!std::is_constructible_v<Value, int*>);

TEST_CASE("query api: a C string is a string value, a Boolean a Boolean", "[query]") {
  CHECK(Value("PRK").type() == Value::Type::kString);
  CHECK(Value(true).type() == Value::Type::kBool);
  const char* p = "CHN";
  CHECK(Value(p).as_string() == "CHN");
}

namespace {

std::string limit_error_of(const Reader& r, const std::string& text, const QueryLimits& limits) {
  return error_of(r, text, {}, limits, ErrorKind::kLimit);
}

}  // namespace

TEST_CASE("query api: a query past its time limit stops with an error naming the limit", "[query]") {
  Loaded db(bundled_data());
  // Unbounded it would make 10^12 rows; the step limit would stop it after seconds.
  QueryLimits limits;
  limits.timeout = std::chrono::milliseconds(1);
  CHECK_THAT(limit_error_of(*db.snap, "UNWIND range(1, 1000000) AS a UNWIND range(1, 1000000) AS b RETURN count(*)", limits),
             Catch::Contains("query stopped: time limit of 1 ms reached"));
  // A sort that holds every row of a cartesian product, too.
  CHECK_THAT(limit_error_of(*db.snap, "MATCH (a), (b), (c) RETURN a.key, b.key, c.key ORDER BY a.key", limits),
             Catch::Contains("time limit of 1 ms"));
  // Without a limit, the same kind of query answers.
  auto r = query(*db.snap, "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b RETURN count(*) AS n");
  CHECK(r.rows.at(0).at(0).as_int() == 1000000);
}

TEST_CASE("query api: a query holding more rows than its memory limit stops, and frees what it held", "[query]") {
  Loaded db(bundled_data());
  QueryLimits limits;
  limits.memory_limit = 1 << 20;
  // ORDER BY over a cartesian product: 126^2 rows of two nodes each, held to be sorted.
  CHECK_THAT(limit_error_of(*db.snap, "MATCH (a), (b) RETURN a, b ORDER BY a.key, b.key", limits),
             Catch::Contains("query stopped: memory limit of 1 MiB reached by the rows held"));
  CHECK_THAT(limit_error_of(*db.snap, "MATCH (a), (b) RETURN DISTINCT a, b", limits), Catch::Contains("memory limit of 1 MiB"));
  CHECK_THAT(limit_error_of(*db.snap, "MATCH (a), (b) RETURN a.key, collect(b) AS all", limits),
             Catch::Contains("memory limit of 1 MiB"));
  // The rows returned count too.
  CHECK_THAT(limit_error_of(*db.snap, "MATCH (a), (b) RETURN a, b", limits),
             Catch::Contains("memory limit of 1 MiB reached by the rows of the result"));
  // A query within the limit answers; a subquery run for every row releases what it held.
  auto r = query(*db.snap,
                 "MATCH (a), (b) WITH a, b LIMIT 5000 "
                 "RETURN count(*) AS n, sum(COUNT { MATCH (a)--(x) RETURN DISTINCT x ORDER BY x.key }) AS s",
                 {}, limits);
  CHECK(r.rows.at(0).at(0).as_int() == 5000);
}

TEST_CASE("query api: a prepared query runs many times with new parameters, on a later snapshot, from several threads",
          "[query]") {
  Loaded db(bundled_data());
  auto visits = prepare(*db.snap, "MATCH (v:Visit)-[:HOST]->(h:State {key: $host}) WHERE v.start >= $since "
                                  "RETURN count(v) AS visits");
  CHECK(visits.columns() == std::vector<std::string>{"visits"});
  CHECK(visits.parameters() == std::vector<std::string>{"host", "since"});
  CHECK_THAT(visits.explain(), Catch::Contains("NodeByKey") && Catch::Contains("key = $host"));
  auto count = [&](const Reader& r, const char* host, const char* since) {
    return visits.run(r, {{"host", Value(host)}, {"since", Value(Date::parse(since))}}).rows.at(0).at(0).as_int();
  };
  // The same answers as the query with its values written in.
  auto direct = [&](const Reader& r, const char* host, const char* since) {
    return query(r, fmt::format("MATCH (v:Visit)-[:HOST]->(h:State {{key: '{}'}}) WHERE v.start >= date('{}') "
                                       "RETURN count(v) AS visits",
                                       host, since))
        .rows.at(0)
        .at(0)
        .as_int();
  };
  for (const char* host : {"PRK", "VNM", "CHN", "USA"}) {
    for (const char* since : {"1990", "2024"}) {
      INFO(host << " " << since);
      CHECK(count(*db.snap, host, since) == direct(*db.snap, host, since));
    }
  }
  CHECK(count(*db.snap, "VNM", "1990") > count(*db.snap, "VNM", "2024"));
  // A parameter left out is named when it runs.
  try {
    visits.run(*db.snap, {{"host", Value("PRK")}});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    CHECK_THAT(std::string(e.what()), Catch::Contains("missing parameter $since"));
  }
  // A later snapshot sees a later write.
  const auto before = count(*db.snap, "PRK", "1990");
  test::load(*db.db, R"({"node":"Visit","key":"test-visit","props":{"start":"2030-01-01"}}
{"edge":"HOST","from":"Visit:test-visit","to":"State:PRK"})");
  auto later = db.db->snapshot();
  CHECK(count(*later, "PRK", "1990") == before + 1);
  CHECK(count(*db.snap, "PRK", "1990") == before);
  // Several threads run it at once, each on its own snapshot with its own parameters.
  std::vector<std::thread> threads;
  std::vector<std::int64_t> got(4, -1);
  const char* hosts[] = {"PRK", "VNM", "CHN", "USA"};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto own = db.db->snapshot();
      for (int i = 0; i < 20; ++i) got[static_cast<std::size_t>(t)] = count(*own, hosts[t], "1990");
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) CHECK(got[static_cast<std::size_t>(t)] == direct(*later, hosts[t], "1990"));
}

TEST_CASE("query api: PROFILE runs the query and gives each operator's rows and time", "[query]") {
  Loaded db(bundled_data());
  auto r = query(*db.snap,
                 "PROFILE MATCH (s:State) WHERE EXISTS { (s)-[:MEMBER_OF]->(:Organization {key: 'nato'}) } "
                 "RETURN s.key ORDER BY s.key");
  REQUIRE(r.columns == std::vector<std::string>{"plan"});
  std::vector<std::string> lines;
  for (const auto& row : r.rows) lines.push_back(row.at(0).as_string());
  REQUIRE(lines.size() == 8);
  // The 12 states scanned, 3 kept by the subquery, 3 returned; the subquery's operators ran
  // once per state (12 checks) and found NATO for 3.
  CHECK_THAT(lines[0], Catch::Matches(R"( 1\. NodeScan +\(s:State\)  \(every State\)  \[12 rows, \d+\.\d{3} ms\])"));
  CHECK_THAT(lines[1], Catch::Contains("Filter") && Catch::Contains("[3 rows, "));
  CHECK_THAT(lines[2], Catch::Contains("Return") && Catch::Contains("[3 rows, "));
  CHECK_THAT(lines[5], Catch::Contains("NodeCheck") && Catch::Contains("[12 rows, "));
  CHECK_THAT(lines[6], Catch::Contains("Expand") && Catch::Contains("[3 rows, "));
  CHECK_THAT(lines[7], Catch::Matches(R"(3 rows in \d+\.\d{3} ms)"));
  // An operator given no rows passes none on; a sub-plan never run says so; a prepared
  // PROFILE runs again with new parameters.
  auto p = prepare(*db.snap, "PROFILE MATCH (s:State {key: $k})-[:MEMBER_OF]->(o) RETURN o.key, COUNT { (o)--() } AS n");
  auto none = p.run(*db.snap, {{"k", Value("XXX")}});
  CHECK_THAT(none.rows.at(1).at(0).as_string(), Catch::Contains("Expand") && Catch::Contains("[0 rows, "));
  CHECK_THAT(none.rows.at(4).at(0).as_string(), Catch::Contains("[not run]"));
  CHECK_THAT(none.rows.back().at(0).as_string(), Catch::StartsWith("0 rows in "));
  auto some = p.run(*db.snap, {{"k", Value("USA")}});
  CHECK_THAT(some.rows.at(1).at(0).as_string(), Catch::Contains("Expand") && !Catch::Contains("[0 rows"));
}

TEST_CASE("query api: the binder reads the parsed tree and builds its own, so one parse binds many times", "[query]") {
  Loaded db(bundled_data());
  const ql::Schema schema(*db.snap);
  const ql::ast::Query parsed =
      ql::parse("MATCH (s:State)-[:PARTY_TO]->(t:Treaty) WHERE t.key STARTS WITH $prefix WITH s, count(t) AS n "
                "RETURN s.key AS state, n, [x IN range(1, n) | x * 2] AS evens ORDER BY state");
  const Params first{{"prefix", Value("rus-prk")}};
  // Bound twice, with the parameters' types and without (as prepare() binds): each bound
  // tree is its own, with its slots and the function table's indexes, and runs alone.
  auto a = ql::plan::make_plan(std::make_shared<const ql::bound::Query>(ql::bind(parsed, schema, &first)));
  auto b = ql::plan::make_plan(std::make_shared<const ql::bound::Query>(ql::bind(parsed, schema, nullptr)));
  CHECK(a.query->slots == b.query->slots);
  CHECK(a.query->params == std::vector<std::string>{"prefix"});
  auto rows_of = [&](const ql::plan::Plan& plan, const Params& params) {
    std::vector<std::string> out;
    ql::exec::run(*db.snap, schema, *plan.query, plan, ql::param_values(*plan.query, params),
                  [&](const std::vector<Value>& row) {
                    out.push_back(row.at(0).str() + " " + row.at(1).str() + " " + row.at(2).str());
                    return true;
                  });
    return out;
  };
  const std::vector<std::string> expected{"PRK 2 [2, 4]", "RUS 2 [2, 4]"};
  CHECK(rows_of(a, first) == expected);
  CHECK(rows_of(b, first) == expected);
  CHECK(rows_of(b, {{"prefix", Value("prk-chn")}}) == std::vector<std::string>{"CHN 1 [2]", "PRK 1 [2]"});
  // A type error found by the binder with the parameters' types leaves the parsed tree as it was.
  const Params wrong{{"prefix", Value(1)}};
  CHECK_THROWS_WITH(ql::bind(parsed, schema, &wrong), Catch::Contains("type mismatch"));
  CHECK(rows_of(ql::plan::make_plan(std::make_shared<const ql::bound::Query>(ql::bind(parsed, schema, &first))), first) ==
        expected);
}
