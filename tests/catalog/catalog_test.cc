#include <catch2/catch.hpp>

#include <algorithm>

#include "catalog/catalog.h"
#include "entente/entente.h"
#include "entente/error.h"
#include "test_util.h"

using namespace entente;
using catalog::Catalog;

TEST_CASE("the built-in catalog holds the geopolitical types of DESIGN.md", "[catalog]") {
  auto c = Catalog::builtin();
  for (const char* n : {"State", "Person", "Organization", "Treaty", "Agreement", "Visit", "Event", "Document"}) {
    INFO(n);
    REQUIRE(c->find(n));
    CHECK_FALSE(c->find(n)->is_edge);
  }
  for (const char* n : {"HOLDS_OFFICE", "PARTY_TO", "MEMBER_OF", "VISITOR", "HOST", "MET", "PRODUCED", "REPLACES",
                        "SUCCEEDS", "PARTNERSHIP", "TRADE", "ARMS_TRANSFER", "STANCE"}) {
    INFO(n);
    REQUIRE(c->find(n));
    CHECK(c->find(n)->is_edge);
  }
  const auto* party = c->find("PARTY_TO");
  CHECK(party->from == std::vector<std::string>{"State", "Organization"});
  CHECK(party->to == std::vector<std::string>{"Treaty", "Agreement"});
  CHECK(c->find("STANCE")->to.empty());  // any node type
  const auto* treaty = c->find("Treaty");
  REQUIRE(treaty->prop("termination_notice_months"));
  CHECK(treaty->prop("termination_notice_months")->type_name == "UInt16");
  CHECK(treaty->prop("signed")->type_name == "Date");
  CHECK(treaty->prop("obligations")->type_name == "List(Obligation)");
  CHECK(c->find("Visit")->prop("start")->required);
  CHECK_FALSE(c->find("Visit")->prop("city")->required);
}

TEST_CASE("type tags are distinct and resolve back", "[catalog]") {
  auto c = Catalog::builtin();
  for (const auto& t : c->types()) CHECK(&c->by_tag(t.tag) == &t);
  CHECK_THROWS_AS(c->by_tag(9999), Error);
}

TEST_CASE("a catalog survives serialization", "[catalog]") {
  auto c = Catalog::builtin();
  auto d = Catalog::deserialize(c->serialize());
  REQUIRE(d->types().size() == c->types().size());
  for (std::size_t i = 0; i < c->types().size(); ++i) {
    CHECK(d->types()[i].name == c->types()[i].name);
    CHECK(d->types()[i].tag == c->types()[i].tag);
    CHECK(d->types()[i].props.size() == c->types()[i].props.size());
  }
  CHECK(d->serialize() == c->serialize());
  CHECK_THROWS_AS(Catalog::deserialize("garbage!"), Error);
}

static const char* kSummit = R"(
@0xd1f1a8e4c2b3a596;
using M = import "/entente/meta.capnp";
struct Summit $M.node("Summit") $M.doc("A summit meeting") {
  venue @0 :Text $M.required;
  day @1 :M.Date;
}
struct Attended $M.edge((name = "ATTENDED", from = ["Person"], to = ["Summit"])) {
  role @0 :Text;
}
)";

TEST_CASE("user types are added from Cap'n Proto text", "[catalog]") {
  auto c = Catalog::builtin()->with_file("summit.capnp", kSummit);
  REQUIRE(c->find("Summit"));
  CHECK(c->find("Summit")->prop("venue")->required);
  CHECK(c->find("Summit")->prop("day")->type_name == "Date");
  CHECK(c->find("ATTENDED")->from == std::vector<std::string>{"Person"});
  CHECK(c->find("State"));  // the built-in types stay
  auto again = c->with_file("summit.capnp", kSummit);  // adding the same file is a no-op
  CHECK(again->types().size() == c->types().size());
  auto stored = Catalog::deserialize(c->serialize());
  CHECK(stored->find("Summit")->tag == c->find("Summit")->tag);
}

TEST_CASE("a bad schema file is refused with the reason", "[catalog]") {
  auto base = Catalog::builtin();
  CHECK_THROWS_WITH(base->with_file("x.capnp", "@0xd1f1a8e4c2b3a597;\nstruct X { a @0 :Text; }"),
                    Catch::Contains("no struct annotated"));
  // A syntax error names the file and the line.
  CHECK_THROWS_WITH(base->with_file("x.capnp", "@0xd1f1a8e4c2b3a598;\nstruct X { a @0 :Text }"),
                    Catch::Contains("x.capnp:2"));
  CHECK_THROWS_WITH(base->with_file("x.capnp", "@0xd1f1a8e4c2b3a598;\nstruct X { a @0 :Nope; }"),
                    Catch::Contains("Nope"));
  CHECK_THROWS_WITH(base->with_file("x.capnp", R"(@0xd1f1a8e4c2b3a599;
using M = import "/entente/meta.capnp";
struct X $M.node("State") { a @0 :Text; })"),
                    Catch::Contains("defined twice"));
  CHECK_THROWS_WITH(base->with_file("x.capnp", R"(@0xd1f1a8e4c2b3a59a;
using M = import "/entente/meta.capnp";
struct X $M.node("X") { a @0 :Data; })"),
                    Catch::Contains("not supported"));
}

TEST_CASE("an edge type whose ends name no node type is refused", "[catalog]") {
  CHECK_THROWS_WITH(Catalog::builtin()->with_file("x.capnp", R"(@0xd1f1a8e4c2b3a59b;
using M = import "/entente/meta.capnp";
struct X $M.edge((name = "X", from = ["Stat"], to = ["State"])) {}
)"),
                    Catch::Contains("'Stat' is not a node type") && Catch::Contains("did you mean 'State'"));
}

// The not-in-force rule is the $inForceOnly annotation of a type, read by every read on a
// date: a user type can have it too, and an edge type cannot.
TEST_CASE("a node type annotated inForceOnly holds at no date without a validity, wherever it is read",
          "[catalog]") {
  static const char* kAccord = R"(
@0xd1f1a8e4c2b3a5a0;
using M = import "/entente/meta.capnp";
struct Accord $M.node("Accord") $M.inForceOnly { title @0 :Text; }
struct Joins $M.edge((name = "JOINS", from = ["State"], to = ["Accord"])) { note @0 :Text; }
)";
  CHECK(Catalog::builtin()->find("Treaty")->in_force_only);
  CHECK(Catalog::builtin()->find("Agreement")->in_force_only);
  CHECK_FALSE(Catalog::builtin()->find("State")->in_force_only);

  test::TempDir dir;
  auto db = Database::open(dir / "db");
  db->add_types(kAccord, "accord.capnp");
  {
    auto txn = db->begin();
    txn->put_node({.type = "State", .key = "PRK", .name = "North Korea"});
    txn->put_node({.type = "Accord", .key = "unratified", .name = "Unratified"});
    txn->put_node({.type = "Accord", .key = "ratified", .name = "Ratified",
                   .valid = Interval{Date::parse("2000"), std::nullopt}});
    txn->put_edge({.type = "JOINS", .from = {"State", "PRK"}, .to = {"Accord", "unratified"}});
    txn->put_edge({.type = "JOINS", .from = {"State", "PRK"}, .to = {"Accord", "ratified"}});
    txn->commit();
  }
  auto snap = db->snapshot();
  auto types = snap->types();
  auto accord = std::find_if(types.begin(), types.end(), [](const TypeInfo& t) { return t.name == "Accord"; });
  REQUIRE(accord != types.end());
  CHECK(accord->in_force_only);
  const Date d = Date::parse("2010-01-01");
  auto unratified = snap->node(NodeRef{"Accord", "unratified"});
  REQUIRE(unratified);
  CHECK(unratified->in_force_only);
  CHECK_FALSE(unratified->valid_at(d));
  CHECK(unratified->spells().empty());
  CHECK(snap->node(NodeRef{"State", "PRK"})->valid_at(d));  // a State without validity holds
  // On a date the adjacency reads (and the topology, once built) and the query language
  // skip it.
  const NodeId prk = snap->resolve("State:PRK").id;
  for (bool topology : {false, true}) {
    if (topology) snap->load_topology();
    std::vector<std::string> reached;
    snap->adjacent(prk, {{"JOINS"}, Direction::kOut, d}, [&](const Reader::Step& s) {
      reached.push_back(snap->node(s.node)->key);
      return true;
    });
    CHECK(reached == std::vector<std::string>{"ratified"});
  }
  auto r = query(*snap, "MATCH (s:State)-[:JOINS]->(a:Accord) RETURN a.key AT DATE date('2010-01-01')");
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0][0].str() == "ratified");

  CHECK_THROWS_WITH(Catalog::builtin()->with_file("bad.capnp", R"(
@0xd1f1a8e4c2b3a5a1;
using M = import "/entente/meta.capnp";
struct Bad $M.edge((name = "BAD")) $M.inForceOnly { note @0 :Text; }
)"),
                    Catch::Contains("$inForceOnly marks a node type"));
}
