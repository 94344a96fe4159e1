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

// Issue 17: the Russia-DPRK treaty of 2000, valid from "2000" and signed on 2000-02-09, was in
// force on 2000-01-15, before it was signed. A partial valid.from that holds the signature
// ($validFromNotBefore on Treaty.signed and Agreement.signed) is stored as the signature.
TEST_CASE("a partial valid.from before a treaty's signature is clamped to the signature", "[validation][time]") {
  test::Loaded l(std::string(test::kSmallData) + R"(
{"node":"Treaty","key":"month","valid":{"from":"2001-03"},"props":{"signed":"2001-03-20"}}
{"node":"Treaty","key":"month-signed","valid":{"from":"2001"},"props":{"signed":"2001-05"}}
{"node":"Treaty","key":"day","valid":{"from":"2002-01-01"},"props":{"signed":"2002-02-01"}}
{"node":"Treaty","key":"other-year","valid":{"from":"2003"},"props":{"signed":"2002-12-30"}}
{"node":"Treaty","key":"later-year","valid":{"from":"2004"},"props":{"signed":"2005-01-10"}}
{"node":"Treaty","key":"unsigned","valid":{"from":"2006"}}
{"node":"Agreement","key":"mou","valid":{"from":"2007"},"props":{"signed":"2007-06-19"}}
{"edge":"PARTY_TO","from":"State:RUS","to":"Treaty:month"}
)");
  auto from_of = [&](const char* type, const char* key) {
    auto n = l.snap->node(NodeRef{type, key});
    REQUIRE(n);
    REQUIRE(n->valid);
    REQUIRE(n->valid->from);
    return n->valid->from->str();
  };
  CHECK(from_of("Treaty", "rus-prk-2000") == "2000-02-09");
  CHECK(from_of("Treaty", "month") == "2001-03-20");
  CHECK(from_of("Treaty", "month-signed") == "2001-05");
  CHECK(from_of("Treaty", "day") == "2002-01-01");  // a full date stands (check reports it)
  CHECK(from_of("Treaty", "other-year") == "2003");
  CHECK(from_of("Treaty", "later-year") == "2004");  // the signature is not within "2004"
  CHECK(from_of("Treaty", "unsigned") == "2006");
  CHECK(from_of("Agreement", "mou") == "2007-06-19");

  auto via = [](const char* treaty) {
    return [treaty](const Ally& a) {
      return std::any_of(a.chain.begin(), a.chain.end(), [&](const AllianceLink& l) { return l.treaty.key == treaty; });
    };
  };
  auto t = l.snap->node(NodeRef{"Treaty", "rus-prk-2000"});
  CHECK_FALSE(t->valid_at(Date::parse("2000-01-15")));
  CHECK(t->valid_at(Date::parse("2000-02-09")));
  // Allies follow: on 2000-01-15 Russia is not North Korea's ally through the 2000 treaty.
  auto links = allies(*l.snap, "State:PRK", {.at = Date::parse("2000-01-15"), .obligations = {"consultation"}});
  auto later = allies(*l.snap, "State:PRK", {.at = Date::parse("2000-02-09"), .obligations = {"consultation"}});
  CHECK(std::any_of(later.begin(), later.end(), via("rus-prk-2000")));
  CHECK(std::none_of(links.begin(), links.end(), via("rus-prk-2000")));
  // The in-memory topology holds the stored validity, also when the node was written in the
  // same transaction as the traversal.
  auto txn = l.db->begin();
  txn->put_node({"Treaty", "late", "", {}, Interval{Date::parse("2008"), std::nullopt}, Props::parse(R"({"signed":"2008-10-01","obligations":["defense"]})"), {}});
  txn->put_edge({"PARTY_TO", {"State", "PRK"}, {"Treaty", "late"}, "", std::nullopt, Props::object(), {}});
  txn->put_edge({"PARTY_TO", {"State", "CHN"}, {"Treaty", "late"}, "", std::nullopt, Props::object(), {}});
  auto in_txn = allies(*txn, "State:PRK", {.at = Date::parse("2008-06-01")});
  CHECK(std::none_of(in_txn.begin(), in_txn.end(), via("late")));
  auto after = allies(*txn, "State:PRK", {.at = Date::parse("2008-10-01")});
  CHECK(std::any_of(after.begin(), after.end(), via("late")));
}

TEST_CASE("a write with two faults names the missing node or document before the properties", "[validation]") {
  // The checks that read the database (an edge's ends, the cited documents) come before the
  // properties' encoding, as they always have, though the record is now encoded first.
  Fixture f;
  f.refused([](Transaction& t) { t.put_edge(edge("PARTY_TO", "State:PRKK", "Treaty:prk-chn-1961", R"({"x":1})")); },
            ErrorKind::kNotFound, "from: no node State:PRKK");
  auto n = node("State", "X", R"({"iso":"X"})");
  n.sources = {Citation{"no-such-document", "", ""}};
  f.refused([&](Transaction& t) { t.put_node(n); }, ErrorKind::kNotFound, "no Document node 'no-such-document'");
  // One fault: the properties'.
  f.refused([](Transaction& t) { t.put_edge(edge("PARTY_TO", "State:PRK", "Treaty:prk-chn-1961", R"({"x":1})")); },
            ErrorKind::kInvalid, "unknown property 'x'");
}
