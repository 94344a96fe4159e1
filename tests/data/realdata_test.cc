// Issue 17's agreement checks on the field's real files (../shared/data, read-only; each case
// skips where it is absent): entente's answers against independent readings of the raw rows.
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
  auto col = [&](const char* name) {
    auto it = std::find(h.begin(), h.end(), name);
    REQUIRE(it != h.end());
    return static_cast<std::size_t>(it - h.begin());
  };
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
