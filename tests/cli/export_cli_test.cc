// End-to-end tests of `entente export` and `entente render` on the bundled dataset.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <string>

#include "cli/run.h"
#include "io/export_helpers.h"

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
  test::Run run(const std::string& sub, const std::string& rest) {
    return entente_cmd(dir, sub + " --db '" + db + "' " + rest);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("export cli: export and render have --help naming every option and panel column", "[export][cli]") {
  test::TempDir dir;
  auto e = entente_cmd(dir, "export --help");
  CHECK(e.status == 0);
  for (const char* word :
       {"--format",    "--at",        "--types",        "--output",        "--from-year",    "--to-year", "--day",
        "--directed",  "--all-dyads", "graphml",        "graphframes",     "neo4j",          "panel",     "ccode1",
        "visits_1to2", "trade_value", "allies_defense", "visits_received", "non_aggression", "treaties"}) {
    INFO(word);
    CHECK_THAT(e.out, Catch::Contains(word));
  }
  auto r = entente_cmd(dir, "render --help");
  CHECK(r.status == 0);
  for (const char* word :
       {"--around", "--hops", "--at", "--blocs", "--timeline", "--visitor", "--obligation", ".svg"}) {
    INFO(word);
    CHECK_THAT(r.out, Catch::Contains(word));
  }
  CHECK_THAT(entente_cmd(dir, "--help").out, Catch::Contains("export") && Catch::Contains("render"));
}

TEST_CASE("export cli: usage errors exit 2 and say why", "[export][cli]") {
  Bundled b;
  struct Case {
    std::string sub, args, message;
  };
  for (const auto& c : std::vector<Case>{
           {"export", "", "--format is required"},
           {"export", "--format csv", "--format"},
           {"export", "--format neo4j", "give -o DIR"},
           {"export", "--format panel -o p", "needs --from-year and --to-year"},
           {"export", "--format panel -o p --from-year 2000 --to-year 2001 --at 2000", "does not apply"},
           {"export", "--format panel -o p --from-year 2000 --to-year 2001 --day 13-01", "not a day of the year"},
           {"export", "--format graphml --from-year 2000", "applies to --format panel only"},
           {"export", "--format dot --at 2024-13", "not a date"},
           {"render", "-o x.svg", "exactly one of"},
           {"render", "-o x.svg --blocs --timeline --visitor putin", "exactly one of"},
           {"render", "-o x.gif --blocs --at 2024", "extension"},
           {"render", "-o x.svg --blocs", "needs a date"},
           {"render", "-o x.svg --timeline", "needs --visitor"},
           {"render", "-o x.svg --blocs --at 2024 --hops 2", "applies to --around only"},
       }) {
    INFO(c.sub << " " << c.args);
    auto r = b.run(c.sub, c.args);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
  }
  // Refused options write nothing: no directory "p" made, no empty files left in it.
  auto years = b.run("export", "--format panel -o p --from-year 2002 --to-year 2001");
  CHECK(years.status == 1);
  CHECK_THAT(years.err, Catch::Contains("the years must run forward"));
  CHECK_FALSE(std::filesystem::exists(b.dir / "p"));
}

TEST_CASE("export cli: data errors exit 1 and name the reason", "[export][cli]") {
  Bundled b;
  auto t = b.run("export", "--format graphml --types State,Treety");
  CHECK(t.status == 1);
  CHECK_THAT(t.err, Catch::Contains("unknown type 'Treety'") && Catch::Contains("did you mean 'Treaty'"));
  auto n = b.run("render", "--around State:PKR -o '" + b.path("x.svg") + "'");
  CHECK(n.status == 1);
  CHECK_THAT(n.err, Catch::Contains("no node State:PKR"));
  auto d = entente_cmd(b.dir, "export --db '" + b.path("nothing") + "' --format dot");
  CHECK(d.status == 1);
  // Without Graphviz on PATH: a clear message, and no picture.
  auto g = test::run_shell(b.dir, "PATH=/nonexistent '" ENTENTE_BIN "' render --db '" + b.db +
                                      "' --blocs --at 2024-12-31 -o '" + b.path("blocs.svg") + "'");
  CHECK(g.status == 1);
  CHECK_THAT(g.err, Catch::Contains("'dot' program is not on PATH") && Catch::Contains("graphviz"));
  CHECK(!std::filesystem::exists(b.path("blocs.svg")));
}

TEST_CASE("export cli: graphml to stdout and dot to a file", "[export][cli]") {
  Bundled b;
  auto g = b.run("export", "--format graphml");
  REQUIRE(g.status == 0);
  CHECK_THAT(g.out, Catch::StartsWith("<?xml") && Catch::Contains("</graphml>"));
  CHECK(count(g.out, "<node id=") == 130);
  CHECK(count(g.out, "<edge id=") == 237);
  auto at = b.run("export", "--format graphml --at 2024-12-31 --types State");
  REQUIRE(at.status == 0);
  CHECK(count(at.out, "<node id=") == 11);             // the states existing that day; the USSR is not
  CHECK_THAT(at.out, !Catch::Contains(">SUCCEEDS<"));  // an edge to the USSR, gone with it
  auto d = b.run("export", "--format dot -o '" + b.path("g.dot") + "' --types State,Treaty,PARTY_TO");
  REQUIRE(d.status == 0);
  CHECK_THAT(d.out, Catch::Contains("wrote"));
  auto text = test::read_file(b.path("g.dot"));
  CHECK_THAT(text, Catch::Contains("-> \"Treaty:prk-chn-1961\" [label=\"PARTY_TO\""));
  if (!test::have_dot(b.dir)) {
    WARN("Graphviz dot is not on PATH: the DOT is not drawn");
    return;
  }
  auto svg = test::run_shell(b.dir, "dot -Tsvg '" + b.path("g.dot") + "'");
  CHECK(svg.status == 0);
  CHECK_THAT(svg.out, Catch::Contains("<svg"));
}

TEST_CASE("export cli: neo4j and graphframes write their files into -o DIR", "[export][cli]") {
  Bundled b;
  auto n = b.run("export", "--format neo4j -o '" + b.path("neo") + "'");
  INFO(n.err);
  REQUIRE(n.status == 0);
  CHECK_THAT(n.out, Catch::Contains("wrote 24 files") && Catch::Contains("import.sh"));
  auto script = b.path("neo/import.sh");
  struct stat st {};
  REQUIRE(::stat(script.c_str(), &st) == 0);
  CHECK((st.st_mode & S_IXUSR) != 0);
  auto text = test::read_file(script);
  CHECK_THAT(text, Catch::Contains("neo4j-admin database import full") && Catch::Contains("--nodes=nodes_State.csv") &&
                       Catch::Contains("--relationships=relationships_PARTY_TO.csv") &&
                       Catch::Contains("--array-delimiter=\";\""));
  auto sh = test::run_shell(b.dir, "sh -n '" + script + "'");  // the script parses as shell
  CHECK(sh.status == 0);

  auto g = b.run("export", "--format graphframes --at 2024-12-31 -o '" + b.path("gf") + "'");
  REQUIRE(g.status == 0);
  CHECK(std::filesystem::exists(b.path("gf/vertices.csv")));
  CHECK(std::filesystem::exists(b.path("gf/edges.csv")));
}

TEST_CASE("export cli: panel writes state_year.csv and dyad_year.csv", "[export][cli][panel]") {
  Bundled b;
  auto r = b.run("export", "--format panel --from-year 2023 --to-year 2024 -o '" + b.path("panel") + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("state_year.csv (22 rows)"));  // 11 states each year
  bool widths = false;
  auto dy = test::read_table(b.path("panel/dyad_year.csv"), &widths);
  CHECK(widths);
  bool found = false;
  for (const auto& row : dy.rows) {
    if (row.at("year") == "2024" && row.at("state1") == "PRK" && row.at("state2") == "RUS") {
      found = true;
      CHECK(row.at("defense") == "1");
      CHECK(row.at("treaties") == "rus-prk-2024");
    }
  }
  CHECK(found);
  auto directed = b.run(
      "export", "--format panel --from-year 2024 --to-year 2024 --day 06-30 --directed -o '" + b.path("panel2") + "'");
  REQUIRE(directed.status == 0);
  auto dy2 = test::read_table(b.path("panel2/dyad_year.csv"));
  bool both = false;
  for (const auto& row : dy2.rows) {
    if (row.at("state1") == "RUS" && row.at("state2") == "PRK") both = row.at("defense") == "0";  // not yet in force
  }
  CHECK(both);

  // --day any: 1991 holds the USSR's last days and Russia's first; one row for ccode 365.
  auto any = b.run("export", "--format panel --from-year 1991 --to-year 1991 --day any -o '" + b.path("panel3") + "'");
  INFO(any.err);
  REQUIRE(any.status == 0);
  auto sy3 = test::read_table(b.path("panel3/state_year.csv"));
  int soviet = 0;
  for (const auto& row : sy3.rows) soviet += row.at("ccode") == "365";
  CHECK(soviet == 1);
  auto bad = b.run("export", "--format panel --from-year 1991 --to-year 1991 --day anytime -o '" + b.path("panel4") + "'");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.err, Catch::Contains("'anytime' is not a day of the year (MM-DD) nor 'any'"));
}

TEST_CASE("export cli: render draws an ego network, the blocs and a timeline", "[export][cli][render]") {
  Bundled b;
  auto dot = b.run("render", "--timeline --visitor Person:putin -o '" + b.path("t.dot") + "'");
  REQUIRE(dot.status == 0);
  CHECK_THAT(test::read_file(b.path("t.dot")), Catch::Contains("layout=neato") && Catch::Contains("fifth visit there"));
  if (!test::have_dot(b.dir)) {
    WARN("Graphviz dot is not on PATH: nothing is rendered");
    return;
  }
  struct Case {
    std::string args, file, label;
  };
  for (const auto& c : std::vector<Case>{
           {"--around State:PRK --hops 2 --at 2024-12-31", "ego.svg", "Kim Jong Un"},
           {"--blocs --at 2024-12-31", "blocs.svg", "Bloc 1: 3 states"},
           {"--timeline --visitor putin", "timeline.svg", "first visit there"},
       }) {
    INFO(c.args);
    auto r = b.run("render", c.args + " -o '" + b.path(c.file) + "'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto svg = test::read_file(b.path(c.file));
    CHECK((svg.starts_with("<?xml") || svg.starts_with("<svg")));
    CHECK_THAT(svg, Catch::Contains("</svg>") && Catch::Contains(c.label));
  }
  auto png = b.run("render", "--blocs --at 1975 -o '" + b.path("blocs.png") + "'");
  REQUIRE(png.status == 0);
  CHECK(test::read_file(b.path("blocs.png")).substr(1, 3) == "PNG");
}
