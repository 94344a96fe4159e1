// A node that holds on several spells (issue 17: Poland existed in 1942 because a state's
// validity was the hull of its COW spells): gaps in records, reads, traversals, the
// interchange format and the checks.
#include <catch2/catch.hpp>

#include <sstream>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;
using test::TempDir;

namespace {

Interval iv(const char* from, const char* to) {
  return Interval{*from ? std::optional<Date>(Date::parse(from)) : std::nullopt,
                  *to ? std::optional<Date>(Date::parse(to)) : std::nullopt};
}

// Poland with COW's two spells, Britain always, and a treaty both are party to.
const char* kPoland = R"({"node":"State","key":"POL","name":"Poland","valid":[{"from":"1945-06-28"},{"from":"1918-11-11","to":"1939-09-28"}]}
{"node":"State","key":"GBR","name":"United Kingdom","valid":{"from":"1816"}}
{"node":"Treaty","key":"t","name":"A treaty","valid":{"from":"1920"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:POL","to":"Treaty:t"}
{"edge":"PARTY_TO","from":"State:GBR","to":"Treaty:t"}
)";

std::vector<std::string> parties_on(const Reader& r, const char* date) {
  auto t = r.resolve("Treaty:t");
  std::vector<std::string> out;
  for (const auto& n : r.neighbors(t.id, {{"PARTY_TO"}, Direction::kIn, Date::parse(date)})) out.push_back(n.node.key);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("spells: united in any order, their hull the validity, the stretches between the gaps", "[spells]") {
  NodeInput n{.type = "State", .key = "POL"};
  n.set_spells({iv("1945-06-28", ""), iv("1918-11-11", "1939-09-28"), iv("1920", "1930")});
  REQUIRE(n.valid);
  CHECK(n.valid->str() == "[1918-11-11, open)");
  REQUIRE(n.gaps.size() == 1);
  CHECK(n.gaps[0].str() == "[1939-09-28, 1945-06-28)");

  // Touching spells are one; an open end swallows what follows.
  n.set_spells({iv("1900", "1910"), iv("1910", "1920")});
  CHECK(n.valid->str() == "[1900, 1920)");
  CHECK(n.gaps.empty());
  n.set_spells({iv("", "1930"), iv("1950", "1960"), iv("1925", "")});
  CHECK(n.valid->str() == "[always, open)");
  CHECK(n.gaps.empty());

  CHECK_THROWS_WITH(n.set_spells({iv("1900", "1910"), iv("1945", "1940")}),
                    Catch::Contains("valid[1]: 'to' (1940) must be after 'from' (1945)"));
  CHECK_THROWS_WITH(n.set_spells({}), Catch::Contains("no spells"));

  CHECK(unite({iv("1950", "1960"), iv("1900", "1910"), iv("1905", "1950")}) == std::vector<Interval>{iv("1900", "1960")});
  CHECK(intersect(iv("1900", "1950"), iv("1940", "")) == iv("1940", "1950"));
  CHECK_FALSE(intersect(iv("1900", "1950"), iv("1950", "")));
}

TEST_CASE("spells: a node does not hold in its gaps, through the record, the index and the topology", "[spells]") {
  for (auto mode : {TopologyMode::kOff, TopologyMode::kOnTraversal}) {
    INFO("topology mode " << static_cast<int>(mode));
    TempDir dir;
    Options o;
    o.topology = mode;
    auto db = Database::open(dir / "db", o);
    test::load(*db, kPoland);
    auto snap = db->snapshot();
    auto pol = snap->node(NodeRef{"State", "POL"});
    REQUIRE(pol);
    CHECK(pol->valid->str() == "[1918-11-11, open)");
    REQUIRE(pol->gaps.size() == 1);
    CHECK(pol->gaps[0].str() == "[1939-09-28, 1945-06-28)");
    CHECK(pol->valid_at(Date::parse("1939-09-27")));
    CHECK_FALSE(pol->valid_at(Date::parse("1939-09-28")));
    CHECK_FALSE(pol->valid_at(Date::parse("1942")));
    CHECK(pol->valid_at(Date::parse("1945-06-28")));
    CHECK(pol->valid_during(iv("1939", "1940")));
    CHECK_FALSE(pol->valid_during(iv("1942", "1943")));
    CHECK(pol->valid_during(iv("1945", "1946")));
    CHECK(pol->spells() == std::vector<Interval>{iv("1918-11-11", "1939-09-28"), iv("1945-06-28", "")});

    // Traversals on a date skip the node in its gap, from the index and from memory alike.
    for (int pass = 0; pass < 2; ++pass) {
      INFO("pass " << pass);
      CHECK(parties_on(*snap, "1930") == std::vector<std::string>{"GBR", "POL"});
      CHECK(parties_on(*snap, "1942") == std::vector<std::string>{"GBR"});
      CHECK(parties_on(*snap, "1950") == std::vector<std::string>{"GBR", "POL"});
      auto found = query(*snap, "MATCH (s:State)-[:PARTY_TO]->(:Treaty {key:'t'}) RETURN s.key ORDER BY s.key AT DATE date('1942-01-01')");
      REQUIRE(found.rows.size() == 1);
      CHECK(found.rows[0][0].as_string() == "GBR");
      if (mode == TopologyMode::kOff) break;
      REQUIRE(snap->load_topology());
    }

    // allies: refused in the gap, naming both spells; answered on either side of it.
    CHECK_THROWS_WITH(allies(*snap, "State:POL", {Date::parse("1942-01-01")}),
                      Catch::Contains("State:POL (Poland) did not exist on 1942-01-01 (it existed "
                                      "[1918-11-11, 1939-09-28) and [1945-06-28, open))"));
    CHECK(allies(*snap, "State:POL", {Date::parse("1950-01-01")}).size() == 1);
    // Britain's answer agrees: Poland is not its ally while it does not exist.
    CHECK(allies(*snap, "State:GBR", {Date::parse("1942-01-01")}).empty());
    CHECK(db->check().clean());
  }
}

TEST_CASE("spells: a dump writes them as a list, and reads back the same", "[spells]") {
  test::Loaded a(kPoland);
  std::string dump = test::dump_of(*a.db);
  CHECK_THAT(dump, Catch::Contains(
                       R"("valid":[{"from":"1918-11-11","to":"1939-09-28"},{"from":"1945-06-28"}])"));
  CHECK_THAT(dump, Catch::Contains(R"("key":"GBR","name":"United Kingdom","valid":{"from":"1816"})"));
  test::Loaded b(dump);
  CHECK(test::dump_of(*b.db) == dump);
  // Imported again: unchanged.
  std::istringstream in(dump);
  auto txn = a.db->begin();
  import_jsonl(*txn, in, "again");
  CHECK(txn->node_counts().updated == 0);
  CHECK(txn->node_counts().unchanged == 3);
  txn->commit();
}

TEST_CASE("spells: writes refuse gaps without validity, unbounded, out of order or outside it", "[spells]") {
  TempDir dir;
  auto db = Database::open(dir / "db");
  auto txn = db->begin();
  NodeInput n{.type = "State", .key = "X"};
  n.gaps = {iv("1940", "1945")};
  CHECK_THROWS_WITH(txn->put_node(n), Catch::Contains("gaps: a node with gaps needs a validity"));
  n.valid = iv("1900", "");
  n.gaps = {iv("1940", "")};
  CHECK_THROWS_WITH(txn->put_node(n), Catch::Contains("gaps[0]: a gap needs both 'from' and 'to'"));
  n.gaps = {iv("1950", "1960"), iv("1940", "1945")};
  CHECK_THROWS_WITH(txn->put_node(n), Catch::Contains("gaps[1]: [1940, 1945) must begin after gaps[0] ends (1960)"));
  n.gaps = {iv("1940", "1945"), iv("1945", "1950")};
  CHECK_THROWS_WITH(txn->put_node(n), Catch::Contains("gaps[1]"));
  n.gaps = {iv("1900", "1945")};
  CHECK_THROWS_WITH(txn->put_node(n), Catch::Contains("gaps[0]: [1900, 1945) must begin after valid.from (1900)"));
  n.valid = iv("1900", "1950");
  n.gaps = {iv("1940", "1950")};
  CHECK_THROWS_WITH(txn->put_node(n), Catch::Contains("must end before valid.to (1950)"));
  n.gaps = {iv("1940", "1945")};
  CHECK_NOTHROW(txn->put_node(n));

  // The interchange format: an edge has one interval; a node's list must hold a spell.
  auto refused = [&](const std::string& line) {
    std::istringstream in(line);
    try {
      import_jsonl(*txn, in, "bad.jsonl");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused(R"({"edge":"TRADE","from":"State:X","to":"State:X","valid":[{"from":"1900"}]})"),
             Catch::Contains("bad.jsonl:1") && Catch::Contains("an edge holds one interval"));
  CHECK_THAT(refused(R"({"node":"State","key":"Y","valid":[]})"), Catch::Contains("an empty list of spells"));
  CHECK_THAT(refused(R"({"node":"State","key":"Y","valid":[{"from":"1900","to":"1910"},{"from":"1950","to":"1940"}]})"),
             Catch::Contains("valid[1]: 'to' (1940) must be after 'from' (1950)"));
  CHECK_THAT(refused(R"({"node":"State","key":"Y","valid":[{"from":"1900"},{"since":"1950"}]})"),
             Catch::Contains("field 'valid[1]': unknown field 'since'"));
}

TEST_CASE("spells: a path through a state waits out its gap", "[spells]") {
  test::Loaded l(R"({"node":"State","key":"A","valid":{"from":"1900"}}
{"node":"State","key":"B","valid":[{"from":"1900","to":"1940"},{"from":"1945"}]}
{"node":"State","key":"C","valid":{"from":"1900"}}
{"edge":"SUCCEEDS","from":"State:A","to":"State:B","valid":{"from":"1938"}}
{"edge":"SUCCEEDS","from":"State:B","to":"State:C","valid":{"from":"1941","to":"1960"}}
)");
  auto path = temporal_path(*l.snap, "State:A", "State:C", {"SUCCEEDS"}, Date::parse("1938"));
  REQUIRE(path);
  REQUIRE(path->taken.size() == 2);
  CHECK(path->taken[0]->str() == "1938-01-01");
  CHECK(path->taken[1]->str() == "1945-01-01");  // not 1941: B did not exist then
  // Starting inside the gap: B is first reached when it exists again.
  auto later = temporal_path(*l.snap, "State:A", "State:B", {"SUCCEEDS"}, Date::parse("1942"));
  REQUIRE(later);
  CHECK(later->taken[0]->str() == "1945-01-01");
}
