// Issue 17's agreement checks on the field's real files (../shared/data, read-only; each case
// skips where it is absent): entente's answers against independent readings of the raw rows.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <catch2/catch.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;
using entente::test::TempDir;

namespace {

// The rows of a plain CSV file (no quoted commas: true of the ATOP files), header first.
std::vector<std::vector<std::string>> csv_rows(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::istringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    out.push_back(std::move(f));
  }
  return out;
}

// The index of the header's column `name` (the test fails when there is none).
std::size_t column(const std::vector<std::string>& header, const char* name) {
  auto it = std::find(header.begin(), header.end(), name);
  REQUIRE(it != header.end());
  return static_cast<std::size_t>(it - header.begin());
}

}  // namespace

TEST_CASE("real data: every ATOP member row is a PARTY_TO edge, and a fresh import updates nothing",
          "[realdata][import]") {
  auto file = test::shared_data("atop/atop_v4.01_member_level.csv");
  if (file.empty()) {
    WARN("../shared/data/atop is not here: skipped");
    return;
  }
  // Independently: the member rows, and the (alliance, member, entry) triples they hold.
  auto rows = csv_rows(file);
  REQUIRE(rows.size() > 1);
  const auto& h = rows[0];
  auto col = [&](const char* name) { return column(h, name); };
  const auto c_id = col("atopid"), c_member = col("member");
  std::set<std::string> alliances;
  std::map<std::string, int> rows_per_member;  // "atopid member" -> rows
  for (std::size_t i = 1; i < rows.size(); ++i) {
    alliances.insert(rows[i][c_id]);
    ++rows_per_member[rows[i][c_id] + " " + rows[i][c_member]];
  }

  TempDir dir;
  auto db = Database::open(dir / "db");
  auto stats = import_format(*db, "atop", {file});
  CHECK(stats.rows == rows.size() - 1);
  CHECK(stats.skipped == 0);
  CHECK(stats.edges.updated + stats.edges.unchanged + stats.nodes.updated + stats.nodes.unchanged == 0);
  auto snap = db->snapshot();
  auto r = query(*snap, "MATCH (s:State)-[p:PARTY_TO]->(t:Treaty) RETURN count(p) AS edges, count(DISTINCT t) AS t");
  REQUIRE(r.rows.size() == 1);
  CHECK(static_cast<std::size_t>(r.rows[0][1].as_int()) == alliances.size());
  // A row is one edge, or more where its member's code spans two states (COW 365: the USSR,
  // then Russia; 255: Germany, split at unification): never fewer.
  CHECK(static_cast<std::size_t>(r.rows[0][0].as_int()) >= rows.size() - 1);
  // Each alliance-member pair has at least as many edges as it has rows (the phases of
  // alliance 3610 for Romania, among the seven that used to collapse).
  std::map<std::string, int> edges_per_member;
  snap->scan("Treaty", [&](const Node& t) {
    for (const auto& n : snap->neighbors(t.id, {{"PARTY_TO"}, Direction::kIn, std::nullopt})) {
      auto cow = n.node.props.integer("cow");
      auto id = t.props.integer("atop_id");
      if (cow && id) ++edges_per_member[std::to_string(*id) + " " + std::to_string(*cow)];
    }
    return true;
  });
  int short_pairs = 0;
  for (const auto& [pair, count] : rows_per_member) {
    auto it = edges_per_member.find(pair);
    if (it != edges_per_member.end() && it->second < count) {
      UNSCOPED_INFO(pair << ": " << count << " rows, " << it->second << " edges");
      ++short_pairs;
    }
  }
  CHECK(short_pairs == 0);
  CHECK(edges_per_member["3610 360"] == 3);  // 1968-1992, and phases 2 and 3 from 1993-01-01
  // Importing again changes nothing.
  snap.reset();
  auto again = import_format(*db, "atop", {file});
  CHECK(again.edges.created + again.edges.updated == 0);
  CHECK(again.nodes.created + again.nodes.updated == 0);
}

// The state system: a state holds on its COW spells (Poland not in 1942, Austria not in
// 1943), and the state-years of the panel under --day any are COW's, read independently
// from the raw rows: a ccode-year for every year a spell touches.
TEST_CASE("real data: states hold on their COW spells, and the any-day state-years are COW's", "[realdata][import]") {
  auto states = test::shared_data("cow/states2016.csv");
  if (states.empty()) {
    WARN("../shared/data/cow is not here: skipped");
    return;
  }
  auto rows = csv_rows(states);
  REQUIRE(rows.size() > 1);
  const auto& h = rows[0];
  auto col = [&](const char* name) { return column(h, name); };
  const auto c_code = col("ccode"), c_sy = col("styear"), c_ey = col("endyear");
  std::set<std::pair<std::string, int>> truth;  // (ccode, year)
  for (std::size_t i = 1; i < rows.size(); ++i) {
    for (int y = std::stoi(rows[i][c_sy]); y <= std::stoi(rows[i][c_ey]); ++y) truth.insert({rows[i][c_code], y});
  }

  TempDir dir;
  auto db = Database::open(dir / "db");
  import_format(*db, "cow-states", {states});
  auto snap = db->snapshot();
  auto pol = snap->node(NodeRef{"State", "POL"});
  auto aut = snap->node(NodeRef{"State", "AUT"});
  REQUIRE(pol);
  REQUIRE(aut);
  CHECK_FALSE(pol->valid_at(Date::parse("1942-01-01")));
  CHECK(pol->valid_at(Date::parse("1950-01-01")));
  CHECK_FALSE(aut->valid_at(Date::parse("1943-01-01")));
  CHECK(aut->valid_at(Date::parse("1960-01-01")));

  PanelOptions o{1816, 2016};
  o.any_day = true;
  std::ostringstream sy, dy;
  export_panel(*snap, sy, dy, o);
  std::set<std::pair<std::string, int>> got;
  std::istringstream in(sy.str());
  std::string line;
  std::getline(in, line);  // header: year,ccode,state,name,...
  std::size_t rows_written = 0;
  while (std::getline(in, line)) {
    auto comma = line.find(','), second = line.find(',', comma + 1);
    got.insert({line.substr(comma + 1, second - comma - 1), std::stoi(line.substr(0, comma))});
    ++rows_written;
  }
  CHECK(rows_written == got.size());  // one row per ccode and year
  std::vector<std::pair<std::string, int>> missing, extra;
  std::set_difference(truth.begin(), truth.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), truth.begin(), truth.end(), std::back_inserter(extra));
  CHECK(missing.empty());
  CHECK(extra.empty());
  CHECK(got.size() == truth.size());
}

// West Germany's WEU membership (COW alliance 218, coded open-ended under 260) carries to
// unified Germany: in 2008 Germany and the Netherlands share it beside NATO.
TEST_CASE("real data: Germany's WEU membership continues past 1990", "[realdata][import]") {
  auto states = test::shared_data("cow/states2016.csv");
  auto alliances = test::shared_data("cow/alliance_v4.1_by_member.csv");
  if (states.empty() || alliances.empty()) {
    WARN("../shared/data/cow is not here: skipped");
    return;
  }
  TempDir dir;
  auto db = Database::open(dir / "db");
  import_format(*db, "cow-states", {states});
  import_format(*db, "cow-alliances", {alliances});
  auto snap = db->snapshot();
  AllyQuery q;
  q.at = Date::parse("2008-06-01");
  q.obligations = {"defense", "neutrality", "non_aggression", "consultation"};
  std::set<std::string> treaties;
  for (const auto& a : allies(*snap, "State:DEU", q)) {
    if (a.state.key != "NLD") continue;
    for (const auto& link : a.chain) treaties.insert(link.treaty.key);
  }
  CHECK(treaties.count("cow-218") == 1);
  CHECK(treaties.size() >= 2);  // NATO too
}

// The Office of the Historian's visits: one Person per leader across the spellings.
TEST_CASE("real data: King Hussein and King Abdullah II are one person each in the Historian's visits",
          "[realdata][import]") {
  auto dir_in = test::shared_data("us-history/visits");
  if (dir_in.empty()) {
    WARN("../shared/data/us-history is not here: skipped");
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir_in)) files.push_back(f.path());
  std::sort(files.begin(), files.end());
  // Independently: the records naming each king, as the files write them.
  std::map<std::string, int> written;
  for (const auto& f : files) {
    std::string text = test::read_file(f);
    for (const char* name : {"<visitor>King Hussein</visitor>", "<visitor>King Hussein I</visitor>",
                             "<visitor>King Abdullah II</visitor>", "<visitor>King Abdullah II bin Al-Hussein</visitor>",
                             "<visitor>King Abdullah II ibn Al Hussein</visitor>"}) {
      for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) ++written[name];
    }
  }
  TempDir dir;
  auto db = Database::open(dir / "db");
  import_format(*db, "us-visits", files);
  auto snap = db->snapshot();
  auto hussein = visits(*snap, {"Person:us-hussein-bin-talal", "State:USA", std::nullopt, std::nullopt, ""});
  CHECK(static_cast<int>(hussein.size()) ==
        written["<visitor>King Hussein</visitor>"] + written["<visitor>King Hussein I</visitor>"]);
  CHECK_FALSE(snap->node(NodeRef{"Person", "us-hussein-i"}));
  auto abdullah = visits(*snap, {"Person:us-abdullah-ii-bin-al-hussein", "State:USA", std::nullopt, std::nullopt, ""});
  CHECK(static_cast<int>(abdullah.size()) >= written["<visitor>King Abdullah II</visitor>"] +
                                                written["<visitor>King Abdullah II bin Al-Hussein</visitor>"] +
                                                written["<visitor>King Abdullah II ibn Al Hussein</visitor>"]);
  CHECK_FALSE(snap->node(NodeRef{"Person", "us-abdullah-ii"}));
  CHECK_FALSE(snap->node(NodeRef{"Person", "us-abdullah-ii-ibn-al-hussein"}));
}
