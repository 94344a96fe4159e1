// Every write is validated; a refused write changes nothing.
#include <catch2/catch.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir / "db");
  std::string before;
  Fixture() {
    test::load(*db, test::kSmallData);
    before = test::dump_of(*db);
  }
  // Runs a write that must fail; checks its kind and message, and that the transaction
  // stays usable and nothing was written.
  void refused(const std::function<void(Transaction&)>& write, ErrorKind kind, const std::string& message) {
    auto txn = db->begin();
    auto writes = txn->writes();
    try {
      write(*txn);
      FAIL("the write was accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == kind);
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
    CHECK(txn->writes() == writes);
    txn->commit();
    CHECK(test::dump_of(*db) == before);
  }
};

NodeInput node(const char* type, const char* key, const char* props = "{}") {
  return {type, key, "", {}, std::nullopt, Props::parse(props), {}};
}

EdgeInput edge(const char* type, const char* from, const char* to, const char* props = "{}") {
  return {type, NodeRef::parse(from), NodeRef::parse(to), "", std::nullopt, Props::parse(props), {}};
}

}  // namespace

TEST_CASE("an unknown node or edge type is refused with a suggestion", "[validation]") {
  Fixture f;
  f.refused([](Transaction& t) { t.put_node(node("Stat", "X")); }, ErrorKind::kInvalid, "did you mean 'State'");
  f.refused([](Transaction& t) { t.put_edge(edge("PARTY", "State:PRK", "Treaty:prk-chn-1961")); },
            ErrorKind::kInvalid, "did you mean 'PARTY_TO'");
  f.refused([](Transaction& t) { t.put_node(node("PARTY_TO", "X")); }, ErrorKind::kInvalid, "unknown node type");
}

TEST_CASE("an unknown property or a value of the wrong type is refused", "[validation]") {
  Fixture f;
  f.refused([](Transaction& t) { t.put_node(node("State", "X", R"({"iso":"X"})")); }, ErrorKind::kInvalid,
            "unknown property 'iso' of State");
  f.refused([](Transaction& t) { t.put_node(node("State", "X", R"({"cow":"731"})")); }, ErrorKind::kInvalid,
            "expected an integer");
  f.refused([](Transaction& t) { t.put_edge(edge("TRADE", "State:RUS", "State:PRK", R"({"year":2023,"value":"x"})")); },
            ErrorKind::kInvalid, "expected a number");
}

TEST_CASE("a missing required property is refused", "[validation]") {
  Fixture f;
  f.refused([](Transaction& t) { t.put_node(node("Visit", "v1", R"({"city":"Hanoi"})")); }, ErrorKind::kInvalid,
            "Visit requires property 'start'");
  f.refused([](Transaction& t) { t.put_edge(edge("PARTNERSHIP", "State:RUS", "State:PRK")); }, ErrorKind::kInvalid,
            "requires property 'level'");
}

TEST_CASE("an edge whose ends have the wrong types is refused", "[validation]") {
  Fixture f;
  f.refused([](Transaction& t) { t.put_edge(edge("PARTY_TO", "Treaty:prk-chn-1961", "State:PRK")); },
            ErrorKind::kInvalid, "cannot be the from end of PARTY_TO");
  f.refused([](Transaction& t) { t.put_edge(edge("REPLACES", "Treaty:rus-prk-2024", "State:PRK")); },
            ErrorKind::kInvalid, "cannot be the to end of REPLACES");
}

TEST_CASE("a dangling edge end is refused with the nearest key", "[validation]") {
  Fixture f;
  f.refused([](Transaction& t) { t.put_edge(edge("PARTY_TO", "State:PKR", "Treaty:prk-chn-1961")); },
            ErrorKind::kNotFound, "no node State:PKR (did you mean State:PRK?)");
  f.refused([](Transaction& t) { t.put_edge(edge("PARTY_TO", "State:PRK", "Treaty:nothing")); },
            ErrorKind::kNotFound, "no node Treaty:nothing");
}

TEST_CASE("bad keys, names, intervals and citations are refused", "[validation]") {
  Fixture f;
  f.refused([](Transaction& t) { t.put_node(node("State", "")); }, ErrorKind::kInvalid, "key must not be empty");
  f.refused([](Transaction& t) { t.put_node(node("State", "A\nB")); }, ErrorKind::kInvalid, "control characters");
  f.refused([](Transaction& t) { t.put_node(node("State", "\xff")); }, ErrorKind::kInvalid, "not valid UTF-8");
  f.refused(
      [](Transaction& t) {
        auto n = node("State", "X");
        n.aliases = {""};
        t.put_node(n);
      },
      ErrorKind::kInvalid, "alias must not be empty");
  f.refused(
      [](Transaction& t) {
        auto n = node("State", "X");
        n.valid = Interval{Date::parse("2000"), Date::parse("1990")};
        t.put_node(n);
      },
      ErrorKind::kInvalid, "must be after");
  f.refused(
      [](Transaction& t) {
        auto n = node("State", "X");
        n.sources = {{"no-such-doc", "", ""}};
        t.put_node(n);
      },
      ErrorKind::kNotFound, "no Document node 'no-such-doc'");
  f.refused(
      [](Transaction& t) {
        auto e = edge("REPLACES", "Treaty:rus-prk-2024", "Treaty:prk-chn-1961");
        e.sources = {{"nope", "", ""}};
        t.put_edge(e);
      },
      ErrorKind::kNotFound, "no Document node 'nope'");
}
