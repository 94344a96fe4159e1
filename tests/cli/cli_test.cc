// End-to-end tests of the entente command: every subcommand, its output and its errors.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli/run.h"

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
  test::Run run(const std::string& args) { return entente_cmd(dir, args); }
  test::Run on_db(const std::string& sub, const std::string& rest = "") {
    return entente_cmd(dir, sub + " --db '" + db + "' " + rest);
  }
};

}  // namespace

TEST_CASE("cli: every subcommand has --help, exit 0", "[cli]") {
  test::TempDir dir;
  for (const char* sub : {"import", "dump", "stats", "get", "neighbors", "schema"}) {
    INFO(sub);
    auto r = entente_cmd(dir, std::string(sub) + " --help");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("--db"));
  }
  CHECK(entente_cmd(dir, "--help").status == 0);
}

TEST_CASE("cli: usage errors exit 2", "[cli]") {
  test::TempDir dir;
  CHECK(entente_cmd(dir, "").status == 2);
  CHECK(entente_cmd(dir, "frobnicate").status == 2);
  auto r = entente_cmd(dir, "stats");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("--db"));
  Cli c;
  CHECK(c.on_db("neighbors", "State:PRK --dir sideways").status == 2);
  r = c.on_db("neighbors", "State:PRK --at 2024-13-01");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("not a date"));
}

TEST_CASE("cli: import reports what it loaded", "[cli]") {
  Cli c;
  auto r = c.on_db("import", "--json '" + (c.dir / "small.jsonl").string() + "'");
  CHECK(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["nodes"] == 8);
  CHECK(j["edges"] == 9);
  r = c.on_db("import", "'" + (c.dir / "small.jsonl").string() + "'");
  CHECK_THAT(r.out, Catch::Contains("imported 1 file: 17 lines, 8 nodes, 9 edges"));
  r = entente_cmd(c.dir, "import --db '" + c.db + "' -", (c.dir / "small.jsonl").string());
  CHECK(r.status == 0);
}

TEST_CASE("cli: a bad import exits 1, names file and line, and changes nothing", "[cli]") {
  Cli c;
  auto before = c.on_db("dump").out;
  struct Case {
    const char* line;
    const char* message;
  };
  for (auto [line, message] : {
           Case{R"({"node":"State","key":"X")", "malformed JSON"},
           Case{R"({"node":"Stat","key":"X"})", "unknown node type 'Stat' (did you mean 'State'?)"},
           Case{R"({"node":"State","key":"X","props":{"population":5}})", "unknown property 'population'"},
           Case{R"({"node":"State","key":"X","props":{"cow":"x"}})", "expected an integer"},
           Case{R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:nope"})", "no node Treaty:nope"},
       }) {
    INFO(line);
    test::write_file(c.dir / "bad.jsonl", std::string(R"({"node":"State","key":"NEW"})") + "\n" + line + "\n");
    auto r = c.on_db("import", "'" + (c.dir / "bad.jsonl").string() + "'");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("bad.jsonl:2: ") && Catch::Contains(message));
    CHECK(c.on_db("dump").out == before);
  }
  auto r = c.on_db("import", "'" + (c.dir / "missing.jsonl").string() + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("missing.jsonl: cannot open"));
}

TEST_CASE("cli: dump output re-imports to the same dump", "[cli]") {
  Cli c;
  auto first = c.on_db("dump");
  REQUIRE(first.status == 0);
  test::write_file(c.dir / "dump.jsonl", first.out);
  auto r = c.run("import --db '" + (c.dir / "db2").string() + "' '" + (c.dir / "dump.jsonl").string() + "'");
  REQUIRE(r.status == 0);
  CHECK(c.run("dump --db '" + (c.dir / "db2").string() + "'").out == first.out);
  CHECK_THAT(first.out, Catch::StartsWith(R"({"node":"Document","key":"brief")"));
}

TEST_CASE("cli: stats counts by type", "[cli]") {
  Cli c;
  auto r = c.on_db("stats");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("State") && Catch::Contains("PARTY_TO"));
  auto j = nlohmann::json::parse(c.on_db("stats", "--json").out);
  CHECK(j["nodes"]["State"] == 3);
  CHECK(j["edges"]["PARTY_TO"] == 7);
  CHECK(c.run("stats --db '" + (c.dir / "none").string() + "'").status == 1);
}

TEST_CASE("cli: get shows a node, its properties, sources and edges", "[cli]") {
  Cli c;
  auto r = c.on_db("get", "Treaty:rus-prk-2024");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("Treaty on Comprehensive Strategic Partnership"));
  CHECK_THAT(r.out, Catch::Contains("termination_notice_months: 12"));
  CHECK_THAT(r.out, Catch::Contains("source: brief (para 5)"));
  CHECK_THAT(r.out, Catch::Contains("-> REPLACES Treaty:rus-prk-2000"));
  CHECK_THAT(r.out, Catch::Contains("<- PARTY_TO State:PRK"));
  // A PARTY_TO edge with no validity follows the treaty, from either side.
  CHECK_THAT(r.out, Catch::Contains("(Democratic People's Republic of Korea)  in force [2024-12-04, open)"));
  r = c.on_db("get", "'north korea' --json");
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["node"]["key"] == "PRK");
  CHECK(j["edges"].size() == 5);
  r = c.on_db("get", "State:PKR");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("no node State:PKR (did you mean State:PRK?)"));
}

TEST_CASE("cli: neighbors by edge type, direction and date", "[cli]") {
  Cli c;
  auto r = c.on_db("neighbors", "PRK --edge PARTY_TO --dir out --at 2010-01-01 --json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& n : j) keys.push_back(n["node"]["key"]);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"prk-chn-1961", "rus-prk-2000"});
  r = c.on_db("neighbors", "PRK --edge PARTY_TO --at 2024-12-31");
  CHECK_THAT(r.out, Catch::Contains("rus-prk-2024") && !Catch::Contains("rus-prk-2000"));
  CHECK_THAT(r.out, Catch::Contains("2 neighbours"));
  r = c.on_db("neighbors", "PRK --edge PARTY");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("did you mean 'PARTY_TO'"));
}

TEST_CASE("cli: schema lists types and adds user types", "[cli]") {
  Cli c;
  auto r = c.on_db("schema");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("node Treaty") && Catch::Contains("edge PARTY_TO (State|Organization -> Treaty|Agreement)"));
  auto j = nlohmann::json::parse(c.on_db("schema", "Visit --json").out);
  CHECK(j[0]["properties"][0]["name"] == "start");
  CHECK(j[0]["properties"][0]["required"] == true);
  test::write_file(c.dir / "summit.capnp", R"(@0xd1f1a8e4c2b3a5b0;
using M = import "/entente/meta.capnp";
struct Summit $M.node("Summit") { venue @0 :Text; }
)");
  r = c.on_db("schema", "--add '" + (c.dir / "summit.capnp").string() + "'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("added 1 type: Summit"));
  test::write_file(c.dir / "broken.capnp", "struct {");
  r = c.on_db("schema", "--add '" + (c.dir / "broken.capnp").string() + "'");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("broken.capnp"));
  CHECK(c.on_db("schema", "Nope").status == 1);
}

TEST_CASE("cli: log lists each commit with its message and changes", "[cli][history]") {
  Cli c;
  const std::string fix = R"({"node":"State","key":"RUS","name":"Russia","valid":{"from":"1991-12-25"},"props":{"cow":365}})";
  test::write_file(c.dir / "fix.jsonl", fix + "\n");
  auto r = c.on_db("import", "-q -m 'end of the USSR' '" + (c.dir / "fix.jsonl").string() + "'");
  REQUIRE(r.status == 0);
  // The same file again changes nothing: not logged.
  REQUIRE(c.on_db("import", "-q '" + (c.dir / "fix.jsonl").string() + "'").status == 0);
  r = c.on_db("log", "--json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["commit"] == 1);
  CHECK(j[0]["message"] == "import " + (c.dir / "small.jsonl").string());
  CHECK(j[0]["nodes"]["created"] == 8);
  CHECK(j[0]["edges"]["created"] == 9);
  CHECK(j[1]["commit"] == 2);
  CHECK(j[1]["message"] == "end of the USSR");
  CHECK(j[1]["nodes"]["replaced"] == 1);
  CHECK(j[1]["nodes"]["created"] == 0);
  CHECK(j[1]["time"].get<std::string>().size() == 27);
  r = c.on_db("log");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("#2"));
  CHECK_THAT(r.out, Catch::Contains("~1"));
  CHECK_THAT(r.out, Catch::Contains("end of the USSR"));
}

TEST_CASE("cli: --as-of reads the database as it stood after a commit", "[cli][history]") {
  Cli c;  // commit 1: the small data
  const std::string fix =
      R"({"node":"Treaty","key":"rus-prk-2024","name":"Treaty on Comprehensive Strategic Partnership","valid":{"from":"2025-01-01"},"props":{"signed":"2024-06-19","obligations":["defense"]}})";
  test::write_file(c.dir / "fix.jsonl", fix + "\n");
  REQUIRE(c.on_db("import", "-q -m 'entry into force moved' '" + (c.dir / "fix.jsonl").string() + "'").status == 0);
  auto ally_keys = [&](const std::string& extra) {
    auto r = c.on_db("allies", "PRK --at 2024-12-31 --json " + extra);
    REQUIRE(r.status == 0);
    std::vector<std::string> keys;
    for (const auto& a : nlohmann::json::parse(r.out)) keys.push_back(a["key"].get<std::string>());
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  CHECK(ally_keys("") == std::vector<std::string>{"State:CHN"});
  CHECK(ally_keys("--as-of '#1'") == std::vector<std::string>{"State:CHN", "State:RUS"});
  CHECK(ally_keys("--as-of '#2'") == std::vector<std::string>{"State:CHN"});
  // The dump as of commit 1 is the file imported then, as the present dump is today's.
  auto then = c.on_db("dump", "--as-of '#1'");
  REQUIRE(then.status == 0);
  test::TempDir other;
  REQUIRE(entente_cmd(other, "import -q --db '" + (other / "db").string() + "' '" + (c.dir / "small.jsonl").string() + "'")
              .status == 0);
  CHECK(then.out == entente_cmd(other, "dump --db '" + (other / "db").string() + "'").out);
  CHECK(then.out != c.on_db("dump").out);
  // By time: a time before the first commit is the empty database.
  CHECK(c.on_db("stats", "--json --as-of 2001-01-01").out.find("\"Treaty\":0") != std::string::npos);
  auto bad = c.on_db("get", "Treaty:rus-prk-2024 --as-of '#5'");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("no commit #5"));
  bad = c.on_db("get", "Treaty:rus-prk-2024 --as-of yesterday");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("neither a commit"));
  // The query language's own AS OF.
  const std::string in_force = "MATCH (:State {key: 'PRK'})-[:PARTY_TO]->(t:Treaty) RETURN count(t) AS n AT DATE date('2024-12-31')";
  auto q = c.on_db("query", "\"" + in_force + " AS OF COMMIT 1\" --format csv");
  CHECK(q.status == 0);
  CHECK(q.out == "n\n2\n");
  CHECK(c.on_db("query", "\"" + in_force + "\" --format csv").out == "n\n1\n");
}

TEST_CASE("cli: history and diff", "[cli][history]") {
  Cli c;  // commit 1
  test::write_file(c.dir / "fix.jsonl",
                   R"({"node":"State","key":"RUS","name":"Russia","valid":{"from":"1991-12-25"},"props":{"cow":365}})"
                   "\n"
                   R"({"delete":{"edge":"PARTNERSHIP","from":"State:RUS","to":"State:PRK","valid":{"from":"2024-06-19"}}})"
                   "\n");
  REQUIRE(c.on_db("import", "-q '" + (c.dir / "fix.jsonl").string() + "'").status == 0);  // commit 2
  auto h = c.on_db("history", "State:RUS --json");
  REQUIRE(h.status == 0);
  auto j = nlohmann::json::parse(h.out);
  REQUIRE(j["versions"].size() == 2);
  CHECK(j["versions"][0]["recorded"] == 1);
  CHECK(j["versions"][0]["until"] == 2);
  CHECK(j["versions"][0]["record"]["name"] == "Russian Federation");
  CHECK(j["versions"][1]["until"].is_null());
  h = c.on_db("history", "State:RUS");
  CHECK_THAT(h.out, Catch::Contains("#1 to #2") && Catch::Contains("#2 on (current)"));
  auto d = c.on_db("diff", "--from '#1' --to '#2'");
  REQUIRE(d.status == 0);
  CHECK(d.out ==
        R"({"delete":{"edge":"PARTNERSHIP","from":"State:RUS","to":"State:PRK","valid":{"from":"2024-06-19"}}})"
        "\n"
        R"({"node":"State","key":"RUS","name":"Russia","valid":{"from":"1991-12-25"},"props":{"cow":365}})"
        "\n");
  CHECK_THAT(d.err, Catch::Contains("nodes +0 ~1 -0, edges +0 ~0 -1"));
  CHECK(c.on_db("diff", "--from '#1'").out == d.out);  // --to: the last
  CHECK(c.on_db("diff", "--from '#2' --to '#1'").status == 1);
  CHECK(c.on_db("history", "State:XYZ").status == 1);
}
