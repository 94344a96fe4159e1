// The exporters (include/entente/export.h), each checked by a real reader of its format:
// GraphML by NetworkX, DOT and pictures by Graphviz, the CSV files by an RFC 4180 parser and
// the rules of neo4j-admin import and GraphFrames; the panel against facts of the bundled data.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "entente/export.h"
#include "io/export_helpers.h"

using namespace entente;
using test::Table;

namespace {

// A database holding the bundled dataset.
struct Bundled : test::Loaded {
  Bundled() : test::Loaded(test::bundled_data()) {}
};

std::uint64_t total(const std::map<std::string, std::uint64_t>& counts) {
  std::uint64_t n = 0;
  for (const auto& [type, c] : counts) n += c;
  return n;
}

// Reads a GraphML file with NetworkX and returns what it saw, as JSON: node and edge counts,
// the attributes of one node, and the type NetworkX gave each of them.
nlohmann::json networkx_read(const test::TempDir& dir, const std::filesystem::path& graphml, const std::string& node) {
  auto script = dir / "read_graphml.py";
  test::write_file(script, R"(import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
attrs = dict(g.nodes[sys.argv[2]]) if sys.argv[2] in g else {}
edge_types = sorted({d.get("type") for _, _, d in g.edges(data=True)})
print(json.dumps({"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "attrs": attrs,
                  "py_types": {k: type(v).__name__ for k, v in attrs.items()}, "edge_types": edge_types}))
)");
  auto r = test::run_shell(
      dir, std::string(test::kPython) + " '" + script.string() + "' '" + graphml.string() + "' '" + node + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

std::string graphml_of(const Reader& reader, const ExportOptions& options = {}) {
  std::ostringstream out;
  export_graphml(reader, out, options);
  return out.str();
}

// The dyad-year rows of a panel whose state1 and state2 are a and b, by year.
std::map<int, std::map<std::string, std::string>> dyad(const Table& t, const std::string& a, const std::string& b) {
  std::map<int, std::map<std::string, std::string>> out;
  for (const auto& row : t.rows) {
    if (row.at("state1") == a && row.at("state2") == b) out[std::stoi(row.at("year"))] = row;
  }
  return out;
}

std::map<std::string, std::string> state_row(const Table& t, int year, const std::string& state) {
  for (const auto& row : t.rows) {
    if (row.at("year") == std::to_string(year) && row.at("state") == state) return row;
  }
  return {};
}

// The panel of the reader as two tables.
struct Panel {
  Table state_year, dyad_year;
  PanelSummary summary;
};
Panel panel_of(const Reader& reader, const PanelOptions& options) {
  std::ostringstream sy, dy;
  Panel p;
  p.summary = export_panel(reader, sy, dy, options);
  test::TempDir dir;
  test::write_file(dir / "s.csv", sy.str());
  test::write_file(dir / "d.csv", dy.str());
  bool ok_s = false, ok_d = false;
  p.state_year = test::read_table(dir / "s.csv", &ok_s);
  p.dyad_year = test::read_table(dir / "d.csv", &ok_d);
  REQUIRE(ok_s);
  REQUIRE(ok_d);
  return p;
}

// Custom types whose property names collide with built-in ones and with the fixed columns.
const char* kGaugeSchema = R"(@0xd3a1c5e7f9b20486;
using M = import "/entente/meta.capnp";
struct Gauge $M.node("Gauge") {
  number @0 :Int32;
  goldstein @1 :Int64;
  key @2 :Text;
  id @3 :Text;
  tags @4 :List(Text);
  days @5 :List(M.Date);
  big @6 :UInt32;
}
)";

}  // namespace

// ------------------------------------------------------------------ GraphML

TEST_CASE("export: GraphML of the bundled data reads in NetworkX with every node, edge and typed attribute",
          "[export][graphml]") {
  Bundled b;
  test::TempDir dir;
  if (!test::have_networkx(dir)) {
    WARN("/usr/bin/python3 with networkx is missing: the GraphML is not read back");
    SUCCEED();
    return;
  }
  auto file = dir / "all.graphml";
  test::write_file(file, graphml_of(*b.snap));
  auto stats = b.snap->stats();
  auto j = networkx_read(dir, file, "State:PRK");
  CHECK(j["nodes"] == total(stats.nodes));
  CHECK(j["edges"] == total(stats.edges));
  auto a = j["attrs"];
  CHECK(a["type"] == "State");
  CHECK(a["key"] == "PRK");
  CHECK(a["name"] == "Democratic People's Republic of Korea");
  CHECK(a["valid_from"] == "1948-09-09");
  CHECK(a["cow"] == 731);
  CHECK(j["py_types"]["cow"] == "int");  // declared attr.type="int"
  CHECK(nlohmann::json::parse(a["aliases"].get<std::string>()) == nlohmann::json{"North Korea", "DPRK", "the North"});

  // A list property as JSON text, an edge type list with every type.
  auto t = networkx_read(dir, file, "Treaty:rus-prk-2024");
  CHECK(nlohmann::json::parse(t["attrs"]["obligations"].get<std::string>()) ==
        nlohmann::json{"defense", "consultation"});
  CHECK(t["attrs"]["termination_notice_months"] == 12);
  CHECK(t["attrs"]["valid_from"] == "2024-12-04");
  std::vector<std::string> types;
  for (const auto& [type, n] : stats.edges) {
    if (n) types.push_back(type);
  }
  CHECK(t["edge_types"].get<std::vector<std::string>>() == types);

  // A double and a boolean.
  auto text = graphml_of(*b.snap);
  CHECK_THAT(text, Catch::Contains(R"(attr.name="goldstein" attr.type="double")"));
  CHECK_THAT(text, Catch::Contains(R"(attr.name="public" attr.type="boolean")"));
}

TEST_CASE("export: --at and --types keep the nodes valid that day and the edges between kept nodes",
          "[export][graphml]") {
  Bundled b;
  test::TempDir dir;
  Date at = Date::parse("2024-12-31");
  ExportOptions options{at, {"State", "Treaty", "PARTY_TO"}};
  // What the export must hold, counted through the API.
  std::set<NodeId> kept;
  for (const char* type : {"State", "Treaty"}) {
    b.snap->scan(type, [&](const Node& n) {
      if (n.valid_at(at)) kept.insert(n.id);
      return true;
    });
  }
  std::size_t edges = 0;
  for (NodeId id : kept) {
    b.snap->out_edges(id, [&](const Edge& e) {
      edges += e.type == "PARTY_TO" && kept.count(e.to) && e.valid_at(at);
      return true;
    });
  }
  REQUIRE(kept.size() > 5);
  REQUIRE(edges >= 4);  // PRK and CHN to the 1961 treaty, PRK and RUS to the 2024 one
  auto text = graphml_of(*b.snap, options);
  CHECK_THAT(text, !Catch::Contains("Treaty:rus-prk-2000"));  // ended 2024-12-04
  CHECK_THAT(text, !Catch::Contains("State:SUN"));            // ended 1991
  CHECK_THAT(text, !Catch::Contains("Agreement:"));
  CHECK_THAT(text, !Catch::Contains(">HOLDS_OFFICE<"));
  if (!test::have_networkx(dir)) {
    WARN("/usr/bin/python3 with networkx is missing: the GraphML is not read back");
    return;
  }
  auto file = dir / "part.graphml";
  test::write_file(file, text);
  auto j = networkx_read(dir, file, "Treaty:rus-prk-2024");
  CHECK(j["nodes"] == kept.size());
  CHECK(j["edges"] == edges);
  CHECK(j["edge_types"] == nlohmann::json{"PARTY_TO"});
  CHECK(j["attrs"]["type"] == "Treaty");
}

TEST_CASE("export: an unknown type name is refused with a suggestion", "[export]") {
  Bundled b;
  std::ostringstream out;
  try {
    export_graphml(*b.snap, out, {std::nullopt, {"Sate"}});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    CHECK_THAT(e.what(), Catch::Contains("unknown type 'Sate'") && Catch::Contains("did you mean 'State'"));
  }
}

TEST_CASE("export: GraphML escapes markup and drops what XML cannot hold", "[export][graphml]") {
  test::Loaded l(
      R"({"node":"State","key":"A&B","name":"<Tom & \"Jerry's\">","props":{"capital":"tab\there, bell\u0007"}}
{"node":"State","key":"C","name":"C"}
{"edge":"PARTNERSHIP","from":"State:A&B","to":"State:C","props":{"level":"a < b"}}
)");
  auto text = graphml_of(*l.snap);
  CHECK_THAT(text, Catch::Contains("&lt;Tom &amp; &quot;Jerry&apos;s&quot;&gt;"));
  CHECK_THAT(text, Catch::Contains("id=\"State:A&amp;B\""));
  CHECK_THAT(text, !Catch::Contains("\x07"));
  test::TempDir dir;
  if (!test::have_networkx(dir)) {
    WARN("/usr/bin/python3 with networkx is missing: the GraphML is not read back");
    return;
  }
  auto file = dir / "esc.graphml";
  test::write_file(file, text);
  auto j = networkx_read(dir, file, "State:A&B");
  CHECK(j["nodes"] == 2);
  CHECK(j["edges"] == 1);
  CHECK(j["attrs"]["name"] == "<Tom & \"Jerry's\">");
  CHECK(j["attrs"]["capital"] == "tab\there, bell\xEF\xBF\xBD");
}

TEST_CASE("export: a property name used with two types gets one wider type, and fixed names are prefixed",
          "[export][graphml][neo4j]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  db->add_types(kGaugeSchema, "gauge.capnp");
  test::load(*db, R"({"node":"Document","key":"d","props":{"number":"89"}}
{"node":"Event","key":"e","props":{"goldstein":-2.5}}
{"node":"Gauge","key":"g","props":{"number":7,"goldstein":9000000000,"key":"inner","id":"x","tags":["a;b","c"],"days":["1961","2024-06-19"],"big":4000000000}}
)");
  auto snap = db->snapshot();
  auto text = graphml_of(*snap);
  CHECK_THAT(text, Catch::Contains(R"(attr.name="number" attr.type="string")"));     // Text and Int32
  CHECK_THAT(text, Catch::Contains(R"(attr.name="goldstein" attr.type="double")"));  // Float64 and Int64
  CHECK_THAT(text, Catch::Contains(R"(attr.name="prop_key" attr.type="string")"));
  CHECK_THAT(text, Catch::Contains(R"(attr.name="big" attr.type="long")"));

  auto files = export_neo4j(*snap, dir / "neo");
  bool widths = false;
  auto gauge = test::read_table(dir / "neo" / "nodes_Gauge.csv", &widths);
  CHECK(widths);
  CHECK(gauge.header == test::CsvRow{"id:ID", ":LABEL", "key:string", "name:string", "aliases:string[]",
                                     "valid_from:date", "valid_to:date", "number:int", "goldstein:long",
                                     "prop_key:string", "prop_id:string", "tags:string[]", "days:date[]", "big:long"});
  REQUIRE(gauge.rows.size() == 1);
  CHECK(gauge.rows[0]["key:string"] == "g");
  CHECK(gauge.rows[0]["prop_key:string"] == "inner");
  CHECK(gauge.rows[0]["tags:string[]"] == "a,b;c");  // ';' separates elements, so one inside becomes ','
  CHECK(gauge.rows[0]["days:date[]"] == "1961;2024-06-19");
  CHECK(gauge.rows[0]["goldstein:long"] == "9000000000");
}

// ------------------------------------------------------------------ DOT and pictures

TEST_CASE("export: DOT of the bundled data is drawn by Graphviz", "[export][dot]") {
  Bundled b;
  test::TempDir dir;
  std::ostringstream out;
  export_dot(*b.snap, out, {Date::parse("2024-12-31"), {"State", "Treaty", "PARTY_TO"}});
  auto text = out.str();
  CHECK_THAT(text, Catch::StartsWith("digraph"));
  CHECK_THAT(text, Catch::Contains(R"("State:PRK" [label="Democratic People's Republic\nof Korea")"));
  CHECK_THAT(text, Catch::Contains(R"("State:PRK" -> "Treaty:rus-prk-2024" [label="PARTY_TO")"));
  CHECK_THAT(text, Catch::Contains("fillcolor=\"#9ecae1\""));  // a State's colour
  if (!test::have_dot(dir)) {
    WARN("Graphviz dot is not on PATH: the DOT is not drawn");
    return;
  }
  test::write_file(dir / "g.dot", text);
  auto r = test::run_shell(dir, "dot -Tsvg '" + (dir / "g.dot").string() + "'");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("<svg") && Catch::Contains("PARTY_TO"));
}

TEST_CASE("export: DOT escapes quotes and backslashes in names and keys", "[export][dot]") {
  test::Loaded l(R"({"node":"State","key":"Q\"1","name":"say \"hi\" \\ back"}
{"node":"State","key":"B","name":"B"}
{"edge":"PARTNERSHIP","from":"State:Q\"1","to":"State:B","props":{"level":"x"}}
)");
  std::ostringstream out;
  export_dot(*l.snap, out);
  CHECK_THAT(out.str(), Catch::Contains(R"("State:Q\"1" [label="say \"hi\" \\ back")"));
  test::TempDir dir;
  if (!test::have_dot(dir)) {
    WARN("Graphviz dot is not on PATH: the DOT is not drawn");
    return;
  }
  test::write_file(dir / "g.dot", out.str());
  auto r = test::run_shell(dir, "dot -Tsvg '" + (dir / "g.dot").string() + "'");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("say &quot;hi&quot; \\ back"));
}

TEST_CASE("export: pictures of an ego network, the blocs and a visits timeline render to SVG", "[export][render]") {
  Bundled b;
  test::TempDir dir;
  if (!test::have_dot(dir)) {
    WARN("Graphviz dot is not on PATH: nothing is rendered");
    SUCCEED();
    return;
  }
  auto svg = [&](const std::string& dot, const std::string& name) {
    auto file = dir / name;
    render_graphviz(dot, file);
    auto text = test::read_file(file);
    CHECK((text.starts_with("<?xml") || text.starts_with("<svg")));
    CHECK_THAT(text, Catch::Contains("</svg>"));
    // Graphviz writes '-' in text as "&#45;".
    for (auto at = text.find("&#45;"); at != std::string::npos; at = text.find("&#45;", at)) text.replace(at, 5, "-");
    return text;
  };
  auto ego = svg(dot_neighborhood(*b.snap, "State:PRK", 1, Date::parse("2024-12-31")), "ego.svg");
  CHECK_THAT(ego, Catch::Contains("Kim Jong Un") && Catch::Contains("HOLDS_OFFICE x3"));
  CHECK_THAT(ego, !Catch::Contains("Union of Soviet"));  // gone by 2024

  auto blocs = svg(dot_blocs(*b.snap, Date::parse("1975-12-31")), "blocs.svg");
  CHECK_THAT(blocs, Catch::Contains("Bloc 1: 3 states, 2 treaties") && Catch::Contains("Union of Soviet Socialist"));

  auto timeline = svg(dot_timeline(*b.snap, "Person:putin"), "timeline.svg");
  CHECK_THAT(timeline, Catch::Contains("Visits by Vladimir Putin, 2000-2024: 8 visits"));
  CHECK_THAT(timeline, Catch::Contains("2024-06-19 to 2024-06-20") && Catch::Contains("fifth visit there"));
  CHECK_THAT(timeline, Catch::Contains(">2013<") || Catch::Contains(">2014<"));  // a year on the axis

  auto png = dir / "timeline.png";
  render_graphviz(dot_timeline(*b.snap, "putin"), png);
  CHECK(test::read_file(png).substr(1, 3) == "PNG");
}

TEST_CASE("export: the timeline puts the visits in date order, left to right", "[export][render]") {
  Bundled b;
  auto dot = dot_timeline(*b.snap, "Person:putin");
  std::regex mark(R"re(mark_(\d+) \[.*pos="(-?[0-9.]+),0!")re");
  std::vector<double> xs;
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), mark); it != std::sregex_iterator(); ++it) {
    xs.push_back(std::stod((*it)[2]));
  }
  REQUIRE(xs.size() == 8);
  for (std::size_t i = 1; i < xs.size(); ++i) CHECK(xs[i] >= xs[i - 1] + 100);  // apart, even on the same day
  CHECK_THAT(dot, Catch::Contains("2000-07-19 to 2000-07-20\\nNorth Korea\\nfirst visit there"));
  CHECK_THROWS_WITH(dot_timeline(*b.snap, "State:PRK"), Catch::Contains("not a Person"));
}

TEST_CASE("export: render_graphviz reports dot's own error and leaves no file", "[export][render]") {
  test::TempDir dir;
  if (!test::have_dot(dir)) {
    WARN("Graphviz dot is not on PATH");
    SUCCEED();
    return;
  }
  auto out = dir / "bad.svg";
  try {
    render_graphviz("digraph { a -> ; }", out);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kIO);
    CHECK_THAT(e.what(), Catch::Contains("Graphviz dot failed") && Catch::Contains("syntax error"));
  }
  CHECK(!std::filesystem::exists(out));
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator{}) <= 2);
  CHECK_THROWS_WITH(render_graphviz("digraph {}", dir / "x.gif"), Catch::Contains("use .svg, .png or .pdf"));
}

// ------------------------------------------------------------------ neo4j-admin import

TEST_CASE("export: neo4j CSV files follow neo4j-admin's header syntax, ends resolve, import.sh names them all",
          "[export][neo4j]") {
  Bundled b;
  test::TempDir dir;
  auto files = export_neo4j(*b.snap, dir / "neo");
  auto stats = b.snap->stats();
  REQUIRE(files.back().filename() == "import.sh");
  std::string script = test::read_file(files.back());
  CHECK_THAT(script, Catch::Contains("neo4j-admin database import full") && Catch::Contains("--array-delimiter=\";\""));

  // Each column header: name[:type], where the type is one neo4j-admin knows.
  std::regex column(
      R"(^([A-Za-z_][A-Za-z0-9_]*)?(:(ID|LABEL|START_ID|END_ID|TYPE|int|long|double|boolean|string|date)(\[\])?)?$)");
  std::regex date(R"(^\d{4}(-\d{2}(-\d{2})?)?$)"), integer(R"(^-?\d+$)"), number(R"(^-?\d+(\.\d+)?([eE][-+]?\d+)?$)");
  std::set<std::string> ids;
  std::vector<std::pair<std::string, std::string>> ends;
  std::size_t nodes = 0, relationships = 0;
  for (const auto& file : files) {
    if (file.extension() != ".csv") continue;
    INFO(file.filename().string());
    bool node_file = file.filename().string().starts_with("nodes_");
    CHECK_THAT(script,
               Catch::Contains(std::string(node_file ? "--nodes=" : "--relationships=") + file.filename().string()));
    bool widths = false;
    Table t = test::read_table(file, &widths);
    CHECK(widths);  // every row has the header's number of columns
    for (const auto& h : t.header) {
      INFO(h);
      CHECK(std::regex_match(h, column));
    }
    for (const auto& row : t.rows) {
      for (const auto& [h, value] : row) {
        if (value.empty()) continue;
        INFO(h << " = " << value);
        auto type = h.substr(h.find(':') + 1);
        auto values = std::vector<std::string>{value};
        if (type.ends_with("[]")) {
          type.resize(type.size() - 2);
          values.clear();
          std::stringstream s(value);
          for (std::string one; std::getline(s, one, ';');) values.push_back(one);
        }
        for (const auto& v : values) {
          if (type == "date") CHECK(std::regex_match(v, date));
          if (type == "int" || type == "long") CHECK(std::regex_match(v, integer));
          if (type == "double") CHECK(std::regex_match(v, number));
          if (type == "boolean") CHECK((v == "true" || v == "false"));
        }
      }
      if (node_file) {
        CHECK(ids.insert(row.at("id:ID")).second);  // ids are unique across the files
        CHECK(row.at("id:ID") == row.at(":LABEL") + ":" + row.at("key:string"));
        ++nodes;
      } else {
        ends.emplace_back(row.at(":START_ID"), row.at(":END_ID"));
        CHECK("relationships_" + row.at(":TYPE") + ".csv" == file.filename().string());
        ++relationships;
      }
    }
  }
  CHECK(nodes == total(stats.nodes));
  CHECK(relationships == total(stats.edges));
  for (const auto& [from, to] : ends) {
    CHECK(ids.count(from));
    CHECK(ids.count(to));
  }

  // The typed columns the brief's examples name, and an array.
  auto states = test::read_table(dir / "neo" / "nodes_State.csv");
  CHECK(std::count(states.header.begin(), states.header.end(), "cow:int") == 1);
  CHECK(std::count(states.header.begin(), states.header.end(), "aliases:string[]") == 1);
  for (const auto& row : states.rows) {
    if (row.at("id:ID") == "State:PRK") {
      CHECK(row.at("aliases:string[]") == "North Korea;DPRK;the North");
      CHECK(row.at("cow:int") == "731");
    }
  }
  auto treaties = test::read_table(dir / "neo" / "nodes_Treaty.csv");
  CHECK(std::count(treaties.header.begin(), treaties.header.end(), "signed:date") == 1);
  CHECK(std::count(treaties.header.begin(), treaties.header.end(), "obligations:string[]") == 1);
  auto events = test::read_table(dir / "neo" / "nodes_Event.csv");
  CHECK(std::count(events.header.begin(), events.header.end(), "goldstein:double") == 1);
}

// ------------------------------------------------------------------ GraphFrames

TEST_CASE("export: GraphFrames vertices have unique ids and every edge's src and dst is one", "[export][graphframes]") {
  Bundled b;
  test::TempDir dir;
  auto files = export_graphframes(*b.snap, dir / "gf", {Date::parse("2024-12-31"), {}});
  REQUIRE(files.size() == 2);
  bool widths_v = false, widths_e = false;
  auto v = test::read_table(dir / "gf" / "vertices.csv", &widths_v);
  auto e = test::read_table(dir / "gf" / "edges.csv", &widths_e);
  CHECK(widths_v);
  CHECK(widths_e);
  CHECK(v.header == test::CsvRow{"id", "type", "key", "name", "aliases", "valid_from", "valid_to", "props"});
  CHECK(e.header == test::CsvRow{"src", "dst", "relationship", "key", "valid_from", "valid_to", "props"});
  std::set<std::string> ids;
  for (const auto& row : v.rows) {
    CHECK(ids.insert(row.at("id")).second);
    if (!row.at("props").empty()) CHECK(nlohmann::json::parse(row.at("props")).is_object());
  }
  CHECK(ids.count("State:PRK"));
  CHECK(!ids.count("State:SUN"));  // not valid on the day
  REQUIRE(!e.rows.empty());
  for (const auto& row : e.rows) {
    CHECK(ids.count(row.at("src")));
    CHECK(ids.count(row.at("dst")));
  }
  bool found = false;
  for (const auto& row : e.rows) {
    if (row.at("relationship") == "PARTNERSHIP" && row.at("src") == "State:RUS" && row.at("dst") == "State:PRK") {
      found = true;
      CHECK(!row.at("valid_from").empty());
      CHECK(nlohmann::json::parse(row.at("props")).contains("level"));
    }
  }
  CHECK(found);
}

// ------------------------------------------------------------------ panel

TEST_CASE("panel: the rows the CSV export writes, through callbacks, with the obligations from the schema", "[export][panel]") {
  Bundled b;
  CHECK(obligations() == std::vector<std::string>{"defense", "offense", "neutrality", "non_aggression", "consultation"});
  std::size_t states = 0, dyads = 0;
  std::vector<std::string> prk_rus_2024;  // the treaties of the dyad (PRK, RUS) in 2024
  std::vector<bool> prk_rus_obligations;
  panel(
      *b.snap, {2023, 2024},
      [&](const StateYear& s) {
        ++states;
        CHECK(s.allies.size() == obligations().size());
        CHECK(s.allies_any >= *std::max_element(s.allies.begin(), s.allies.end()));
      },
      [&](const DyadYear& d) {
        ++dyads;
        CHECK(d.state1->key < d.state2->key);  // undirected
        CHECK(d.obligations.size() == obligations().size());
        if (d.year == 2024 && d.state1->key == "PRK" && d.state2->key == "RUS") {
          prk_rus_2024 = d.treaties;
          prk_rus_obligations = d.obligations;
        }
      });
  auto csv = panel_of(*b.snap, {2023, 2024});
  CHECK(states == csv.summary.state_years);
  CHECK(dyads == csv.summary.dyad_years);
  CHECK(prk_rus_2024 == std::vector<std::string>{"rus-prk-2024"});
  REQUIRE(prk_rus_obligations.size() == 5);
  CHECK(prk_rus_obligations[0]);  // defense, by Article 4
  CHECK_THROWS_WITH(panel(*b.snap, {2024, 2023}, [](const StateYear&) {}, [](const DyadYear&) {}),
                    Catch::Contains("must run forward"));
}

TEST_CASE("export: panel dyad-years carry the treaties in force on the day with their obligations", "[export][panel]") {
  Bundled b;
  auto p = panel_of(*b.snap, {1960, 2024});
  CHECK(p.dyad_year.header == test::CsvRow{"year", "ccode1", "ccode2", "state1", "state2", "defense", "offense",
                                           "neutrality", "non_aggression", "consultation", "treaties", "visits_1to2",
                                           "visits_2to1", "trade_value", "trade_unit", "trade_currency",
                                           "trade_qualifier"});
  CHECK(p.summary.dyad_years == p.dyad_year.rows.size());

  // China and North Korea: allied by the 1961 treaty from 1961 on.
  auto chn_prk = dyad(p.dyad_year, "CHN", "PRK");
  for (int year : {1961, 1970, 2000, 2024}) {
    INFO(year);
    REQUIRE(chn_prk.count(year));
    CHECK(chn_prk[year]["defense"] == "1");
    CHECK(chn_prk[year]["treaties"] == "prk-chn-1961");
    CHECK(chn_prk[year]["ccode1"] == "710");
    CHECK(chn_prk[year]["ccode2"] == "731");
  }
  CHECK(!chn_prk.count(1960));  // in force 1961-09-10

  // North Korea and the USSR, then Russia (its continuator, party from 1991-12-26) until
  // the 1961 treaty ended on 1996-09-10; the 2000 treaty (consultation) to 2024-12-04; the
  // 2024 treaty (defense, consultation) from then, with Putin's visit of June 2024.
  auto prk_sun = dyad(p.dyad_year, "PRK", "SUN");
  CHECK(prk_sun[1970]["defense"] == "1");
  CHECK(!prk_sun.count(1991));  // the USSR was gone on 1991-12-31
  auto prk_rus = dyad(p.dyad_year, "PRK", "RUS");
  CHECK(prk_rus[1995]["defense"] == "1");
  CHECK(prk_rus[1995]["treaties"] == "sun-prk-1961");
  CHECK(!prk_rus.count(1996));
  CHECK(prk_rus[2010]["defense"] == "0");
  CHECK(prk_rus[2010]["consultation"] == "1");
  CHECK(prk_rus[2010]["treaties"] == "rus-prk-2000");
  auto y2024 = prk_rus.at(2024);
  CHECK(y2024["defense"] == "1");
  CHECK(y2024["consultation"] == "1");
  CHECK(y2024["offense"] == "0");
  CHECK(y2024["treaties"] == "rus-prk-2024");
  CHECK(y2024["ccode1"] == "731");
  CHECK(y2024["ccode2"] == "365");
  CHECK(y2024["visits_1to2"] == "0");
  CHECK(y2024["visits_2to1"] == "1");             // Putin in Pyongyang, 19 June 2024
  CHECK(prk_rus.at(2023)["visits_1to2"] == "1");  // Kim at Vostochny, September 2023
  CHECK(prk_rus.at(2000)["visits_2to1"] == "1");  // Putin in Pyongyang, July 2000

  // Trade where known, and a dyad with only visits.
  auto rus_vnm = dyad(p.dyad_year, "RUS", "VNM");
  CHECK(rus_vnm.at(2023)["trade_value"] == "3.6");
  CHECK(rus_vnm.at(2023)["trade_unit"] == "billion");
  CHECK(rus_vnm.at(2023)["trade_currency"] == "USD");
  CHECK(rus_vnm.at(2023)["defense"] == "0");
  CHECK(rus_vnm.at(2024)["visits_1to2"] == "1");
  CHECK(rus_vnm.at(2001)["visits_1to2"] == "1");
  CHECK(!rus_vnm.count(2002));  // nothing that year: no row

  // Undirected: state1 < state2, each pair once a year.
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& row : p.dyad_year.rows) {
    CHECK(row.at("state1") < row.at("state2"));
    CHECK(seen.insert({row.at("year"), row.at("state1"), row.at("state2")}).second);
  }
}

TEST_CASE("export: panel on another day of the year reads the treaties in force then", "[export][panel]") {
  Bundled b;
  auto p = panel_of(*b.snap, {2024, 2024, 6, 30});
  auto prk_rus = dyad(p.dyad_year, "PRK", "RUS").at(2024);
  CHECK(prk_rus["defense"] == "0");  // signed 19 June, in force 4 December
  CHECK(prk_rus["consultation"] == "1");
  CHECK(prk_rus["treaties"] == "rus-prk-2000");
  CHECK(state_row(p.state_year, 2024, "PRK")["allies_defense"] == "1");
}

TEST_CASE("export: panel state-years count allies by obligation and visits made and received", "[export][panel]") {
  Bundled b;
  auto p = panel_of(*b.snap, {1970, 2024});
  CHECK(p.state_year.header == test::CsvRow{"year", "ccode", "state", "name", "allies_defense", "allies_offense",
                                            "allies_neutrality", "allies_non_aggression", "allies_consultation",
                                            "allies_any", "visits_made", "visits_received"});
  auto prk = state_row(p.state_year, 2024, "PRK");
  CHECK(prk["ccode"] == "731");
  CHECK(prk["allies_defense"] == "2");  // China and Russia
  CHECK(prk["allies_consultation"] == "1");
  CHECK(prk["allies_offense"] == "0");
  CHECK(prk["allies_any"] == "2");
  CHECK(prk["visits_received"] == "1");
  CHECK(prk["visits_made"] == "0");
  auto rus = state_row(p.state_year, 2024, "RUS");
  CHECK(rus["visits_made"] == "3");  // China, North Korea, Vietnam
  CHECK(rus["allies_defense"] == "1");
  CHECK(state_row(p.state_year, 2023, "VNM")["visits_received"] == "2");  // Biden, Xi
  CHECK(state_row(p.state_year, 1970, "PRK")["allies_defense"] == "2");   // China and the USSR
  CHECK(state_row(p.state_year, 1970, "RUS").empty());                    // not yet a state
  CHECK(state_row(p.state_year, 1970, "UKR").empty());
  // Every state existing on the day, every year.
  std::size_t expected = 0;
  for (int year = 1970; year <= 2024; ++year) {
    b.snap->scan("State", [&](const Node& s) {
      expected += s.valid_at(Date(year, 12, 31));
      return true;
    });
  }
  CHECK(p.state_year.rows.size() == expected);
}

TEST_CASE("export: panel --all-dyads writes every pair, and --directed both orders", "[export][panel]") {
  Bundled b;
  auto all = panel_of(*b.snap, {2024, 2024, 12, 31, false, true});
  std::size_t states = 0;
  b.snap->scan("State", [&](const Node& s) {
    states += s.valid_at(Date(2024, 12, 31));
    return true;
  });
  CHECK(all.dyad_year.rows.size() == states * (states - 1) / 2);
  auto directed = panel_of(*b.snap, {2024, 2024, 12, 31, true, true});
  CHECK(directed.dyad_year.rows.size() == states * (states - 1));
  auto rus_prk = dyad(directed.dyad_year, "RUS", "PRK").at(2024);
  CHECK(rus_prk["defense"] == "1");
  CHECK(rus_prk["visits_1to2"] == "1");
  CHECK(rus_prk["visits_2to1"] == "0");
  auto che_jpn = dyad(all.dyad_year, "CHE", "JPN").at(2024);
  CHECK(che_jpn["defense"] == "0");
  CHECK(che_jpn["treaties"] == "");
}

TEST_CASE("export: panel obligations: a member's own override the treaty's, and no validity is not in force",
          "[export][panel]") {
  test::Loaded l(R"({"node":"State","key":"AAA","props":{"cow":1}}
{"node":"State","key":"BBB"}
{"node":"State","key":"CCC","valid":{"from":"1950","to":"2000"}}
{"node":"Treaty","key":"t1","valid":{"from":"1990"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"never","props":{"signed":"1990","obligations":["offense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:t1","props":{"obligations":["neutrality"]}}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:t1","valid":{"from":"1990","to":"1995"}}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:t1"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:never"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:never"}
)");
  auto undirected = panel_of(*l.snap, {1989, 2001});
  auto ab = dyad(undirected.dyad_year, "AAA", "BBB");
  CHECK(!ab.count(1989));  // not yet in force
  REQUIRE(ab.count(1990));
  CHECK(ab[1990]["defense"] == "1");     // BBB's, the treaty's
  CHECK(ab[1990]["neutrality"] == "1");  // AAA's own
  CHECK(ab[1990]["offense"] == "0");     // the treaty never in force
  CHECK(ab[1990]["treaties"] == "t1");
  CHECK(ab[1990]["ccode1"] == "1");
  CHECK(ab[1990]["ccode2"] == "");
  CHECK(!ab.count(1995));  // BBB's membership ended on 1995-01-01
  auto ac = dyad(undirected.dyad_year, "AAA", "CCC");
  CHECK(ac.count(1999));
  CHECK(!ac.count(2000));  // CCC gone on 2000-01-01

  auto directed = panel_of(*l.snap, {1990, 1990, 12, 31, true});
  auto a_b = dyad(directed.dyad_year, "AAA", "BBB").at(1990);
  auto b_a = dyad(directed.dyad_year, "BBB", "AAA").at(1990);
  CHECK(a_b["defense"] == "0");  // AAA's own obligation is neutrality
  CHECK(a_b["neutrality"] == "1");
  CHECK(b_a["defense"] == "1");
  CHECK(b_a["neutrality"] == "0");
  CHECK(state_row(directed.state_year, 1990, "AAA")["allies_defense"] == "2");  // either member's

  CHECK_THROWS_WITH(panel_of(*l.snap, {2001, 1990}), Catch::Contains("must run forward"));
  // Into a directory: an export that fails leaves the files it would replace as they were,
  // and no directory it made (it once left two empty files behind).
  test::TempDir out;
  CHECK_THROWS_WITH(export_panel(*l.snap, out / "made", {2001, 1990}), Catch::Contains("must run forward"));
  CHECK_FALSE(std::filesystem::exists(out / "made"));
  test::write_file(out / "state_year.csv", "earlier\n");
  CHECK_THROWS(export_panel(*l.snap, out.path(), {2001, 1990}));
  CHECK(test::read_file(out / "state_year.csv") == "earlier\n");
  CHECK(std::distance(std::filesystem::directory_iterator(out.path()), {}) == 1);
  export_panel(*l.snap, out.path(), {1990, 1991});
  CHECK(test::read_file(out / "state_year.csv").rfind("year,", 0) == 0);
  CHECK(std::distance(std::filesystem::directory_iterator(out.path()), {}) == 2);
  std::ostringstream s, d;
  CHECK_THROWS_WITH(export_panel(*l.snap, s, d, {1990, 1991, 2, 30}), Catch::Contains("02-30 is not a day"));
  // February 29 reads as the 28th in other years.
  CHECK(panel_of(*l.snap, {1990, 1992, 2, 29}).state_year.rows.size() == 9);
}

// Issue 17: peacesciencer and COW's dyad-year files count a state-year, and an alliance in a
// dyad-year, when it holds on any day of the year; entente read one day and lacked 2.1% of
// those dyad-years. And a state in a COW gap had state-years.
TEST_CASE("export: panel --day any counts what holds on some day of the year, one row per ccode", "[export][panel]") {
  test::Loaded l(R"({"node":"State","key":"AAA","valid":{"from":"1900"},"props":{"cow":1}}
{"node":"State","key":"BBB","valid":[{"from":"1900","to":"1939-09-28"},{"from":"1945-06-28"}],"props":{"cow":2}}
{"node":"State","key":"SUN","valid":{"from":"1922-12-30","to":"1991-12-26"},"props":{"cow":365}}
{"node":"State","key":"RUS","valid":{"from":"1991-12-26"},"props":{"cow":365}}
{"node":"Treaty","key":"spring","valid":{"from":"1990-02-01","to":"1990-06-01"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:spring"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:spring"}
{"node":"Treaty","key":"long","valid":{"from":"1980"},"props":{"obligations":["consultation"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:long"}
{"edge":"PARTY_TO","from":"State:SUN","to":"Treaty:long","valid":{"to":"1991-12-26"}}
{"edge":"PARTY_TO","from":"State:RUS","to":"Treaty:long","valid":{"from":"1991-12-26"}}
{"node":"Treaty","key":"apart","valid":{"from":"1930"},"props":{"obligations":["neutrality"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:apart","valid":{"from":"1935-06-01"}}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:apart","valid":{"to":"1935-06-01"}}
)");
  PanelOptions any{1930, 1995};
  any.any_day = true;
  auto a = panel_of(*l.snap, any);
  auto d = panel_of(*l.snap, {1930, 1995});  // December 31

  // A treaty in force from February to June: an alliance on any day, not on December 31.
  CHECK(dyad(a.dyad_year, "AAA", "BBB").at(1990)["defense"] == "1");
  CHECK(dyad(a.dyad_year, "AAA", "BBB").at(1990)["treaties"] == "spring");
  CHECK_FALSE(dyad(d.dyad_year, "AAA", "BBB").count(1990));
  // Memberships of one treaty that never meet on one day: no alliance, on any day either.
  CHECK_FALSE(dyad(a.dyad_year, "AAA", "BBB").count(1935));

  // A state in a gap has no state-year; one holding on some day of the year has one.
  CHECK(state_row(a.state_year, 1939, "BBB").size() > 0);   // to 1939-09-27
  CHECK(state_row(d.state_year, 1939, "BBB").empty());      // gone by December 31
  CHECK(state_row(a.state_year, 1942, "BBB").empty());
  CHECK(state_row(d.state_year, 1942, "BBB").empty());
  CHECK(state_row(a.state_year, 1945, "BBB").size() > 0);

  // 1991: the USSR to December 25, Russia from the 26th. One row for ccode 365, the state
  // there at the end of the year, holding the USSR's alliance of that year.
  auto rows_of = [](const Table& t, int year, const std::string& code) {
    int n = 0;
    for (const auto& row : t.rows) n += row.at("year") == std::to_string(year) && row.at("ccode") == code;
    return n;
  };
  for (int year = 1930; year <= 1995; ++year) {
    INFO(year);
    CHECK(rows_of(a.state_year, year, "365") == (year >= 1923 ? 1 : 0));
    CHECK(rows_of(d.state_year, year, "365") == 1);
  }
  CHECK(state_row(a.state_year, 1991, "RUS")["ccode"] == "365");
  CHECK(state_row(a.state_year, 1991, "SUN").empty());
  CHECK(state_row(a.state_year, 1990, "SUN")["allies_consultation"] == "1");
  CHECK(dyad(a.dyad_year, "AAA", "RUS").at(1991)["consultation"] == "1");
  CHECK_FALSE(dyad(a.dyad_year, "AAA", "SUN").count(1991));
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& row : a.dyad_year.rows) {
    INFO(row.at("year") << " " << row.at("state1") << " " << row.at("state2"));
    CHECK(seen.insert({row.at("year"), row.at("ccode1"), row.at("ccode2")}).second);
  }
}
