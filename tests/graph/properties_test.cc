// Properties: a node's or edge's properties read from its record, typed, without JSON.
#include <catch2/catch.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

// kSmallData, a TRADE edge and two agreements: integer, float, text and Boolean properties.
struct Loaded : test::Loaded {
  Loaded()
      : test::Loaded(std::string(test::kSmallData) +
                     R"({"edge":"TRADE","from":"State:CHN","to":"State:PRK","valid":{"from":"2023","to":"2024"},"props":{"year":2023,"value":2.3,"unit":"billion"}}
{"node":"Agreement","key":"secret","name":"a secret agreement","props":{"signed":"2024-06-19","public":false}}
{"node":"Agreement","key":"open","name":"an open agreement","props":{"signed":"2024-06-19"}}
)") {}
};

}  // namespace

TEST_CASE("properties read typed from the record", "[props][reader]") {
  Loaded l;
  auto snap = l.db->snapshot();
  auto t = snap->node(NodeRef{"Treaty", "rus-prk-2024"}).value();
  CHECK(t.props.kind("signed") == PropertyKind::kDate);
  CHECK(t.props.date("signed") == Date::parse("2024-06-19"));
  CHECK(t.props.text("signed") == "2024-06-19");  // a date as its ISO text
  CHECK(t.props.integer("termination_notice_months") == 12);
  CHECK(t.props.number("termination_notice_months") == 12.0);  // an integer reads as a number too
  CHECK(t.props.texts("obligations") == std::vector<std::string>{"defense"});
  CHECK(t.props.kind("articles") == PropertyKind::kList);
  CHECK(t.props.json("articles").at(0).at("number") == "4");
  // Set properties, in the type's order; others are unset.
  CHECK(t.props.names() == std::vector<std::string>{"signed", "obligations", "articles", "termination_notice_months"});
  CHECK(t.props.has("signed"));
  CHECK_FALSE(t.props.has("place"));
  CHECK_FALSE(t.props.text("place"));
  CHECK(t.props.json("place").is_null());
  CHECK(t.props.kind("place") == PropertyKind::kText);
  // A name the type does not have reads as unset.
  CHECK(t.props.kind("colour") == PropertyKind::kNone);
  CHECK_FALSE(t.props.has("colour"));
  CHECK_FALSE(t.props.text("colour"));
  CHECK(t.props.texts("colour").empty());
  // The JSON form is the interchange format's, as written.
  CHECK(t.props.to_json() == Props::parse(R"({"signed":"2024-06-19","obligations":["defense"],
      "articles":[{"number":"4","obligations":["defense"],"summary":"immediate military assistance"}],
      "termination_notice_months":12})"));

  auto prk = snap->node(NodeRef{"State", "PRK"}).value();
  CHECK(prk.props.integer("cow") == 731);
  CHECK(prk.props.text("iso3") == "PRK");
  CHECK(prk.props.kind("cow") == PropertyKind::kInteger);

  // Edge properties: an integer, a float, a text.
  auto trade = snap->neighbors(prk.id, {{"TRADE"}, Direction::kIn, std::nullopt}).at(0).edge;
  CHECK(trade.props.integer("year") == 2023);
  CHECK(trade.props.number("value") == 2.3);
  CHECK(trade.props.text("unit") == "billion");
  CHECK_FALSE(trade.props.has("currency"));

  // A Boolean at its default (true) is unset; false is set.
  CHECK(snap->node(NodeRef{"Agreement", "secret"})->props.boolean("public") == false);
  CHECK_FALSE(snap->node(NodeRef{"Agreement", "open"})->props.boolean("public"));
}

TEST_CASE("a typed read of another kind of property is an error naming it", "[props][reader]") {
  Loaded l;
  auto t = l.db->snapshot()->node(NodeRef{"Treaty", "rus-prk-2024"}).value();
  CHECK_THROWS_WITH(t.props.integer("signed"), Catch::Contains("property 'signed' of Treaty is a date (Date), not an integer"));
  CHECK_THROWS_WITH(t.props.date("obligations"), Catch::Contains("'obligations'") && Catch::Contains("not a date"));
  CHECK_THROWS_WITH(t.props.text("termination_notice_months"), Catch::Contains("not a text"));
  CHECK_THROWS_WITH(t.props.texts("articles"), Catch::Contains("a list of structures, not of texts"));
  CHECK_THROWS_WITH(t.props.boolean("signed"), Catch::Contains("not a Boolean"));
  bool threw = false;
  try {
    (void)t.props.integer("signed");
  } catch (const Error& e) {
    threw = true;
    CHECK(e.kind() == ErrorKind::kInvalid);
  }
  CHECK(threw);
}

TEST_CASE("properties outlive their snapshot and database, and read any number of times", "[props][reader]") {
  Properties props;
  CHECK(props.empty());
  CHECK(props.names().empty());
  CHECK(props.to_json() == Props::object());
  CHECK_FALSE(props.text("signed"));
  {
    Loaded l;
    props = l.db->snapshot()->node(NodeRef{"Treaty", "prk-chn-1961"})->props;
  }
  // The database is closed and its directory removed: the view holds the record's words and its catalog.
  CHECK_FALSE(props.empty());
  // Each read opens the record afresh: many reads do not exhaust a reader's traversal limit.
  for (int i = 0; i < 20000; ++i) REQUIRE(props.date("signed") == Date::parse("1961-07-11"));
  CHECK(props.texts("obligations") == std::vector<std::string>{"defense"});
  // Equality is by values.
  Loaded again;
  auto same = again.db->snapshot()->node(NodeRef{"Treaty", "prk-chn-1961"})->props;
  CHECK(same == props);
  CHECK_FALSE(same == again.db->snapshot()->node(NodeRef{"Treaty", "rus-prk-2000"})->props);
}
