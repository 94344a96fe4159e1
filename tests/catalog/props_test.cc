#include <catch2/catch.hpp>

#include <capnp/message.h>

#include "catalog/props.h"
#include "entente/error.h"

using namespace entente;
using catalog::Catalog;

namespace {

// Converts JSON to the type's struct and back.
Props round_trip(const char* type, const Props& in) {
  auto c = Catalog::builtin();
  const auto* t = c->find(type);
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::DynamicStruct>(t->schema);
  catalog::props_from_json(*t, in, root);
  return catalog::props_to_json(root.asReader());
}

std::string error_of(const char* type, const Props& in) {
  try {
    round_trip(type, in);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("properties round-trip through the typed struct", "[props]") {
  Props treaty = Props::parse(R"({"signed":"1961-07","obligations":["defense","non_aggression"],
    "articles":[{"number":"4","obligations":["defense"],"summary":"assistance"}],
    "termination_notice_months":12,"duration":"indefinite"})");
  CHECK(round_trip("Treaty", treaty) == treaty);
  Props trade = Props::parse(R"({"year":2023,"value":3.6,"currency":"USD","unit":"billion"})");
  CHECK(round_trip("TRADE", trade) == trade);
}

TEST_CASE("a property equal to its default is left out", "[props]") {
  CHECK(round_trip("State", Props::parse(R"({"cow":0})")).empty());
  CHECK(round_trip("State", Props::parse(R"({"iso3":""})")) == Props::parse(R"({"iso3":""})"));  // given, kept
  CHECK(round_trip("Agreement", Props::parse(R"({"public":true})")).empty());
  CHECK(round_trip("Agreement", Props::parse(R"({"public":false})")) == Props::parse(R"({"public":false})"));
  CHECK(round_trip("State", Props::parse(R"({"cow":null})")).empty());
  // A required property is written even at its default: "supports" is StanceKind's 0.
  CHECK(round_trip("STANCE", Props::parse(R"({"stance":"supports"})")) == Props::parse(R"({"stance":"supports"})"));
}

TEST_CASE("property errors name the property and the reason", "[props]") {
  CHECK_THAT(error_of("State", Props::parse(R"({"iso":"PRK"})")),
             Catch::Contains("unknown property 'iso' of State") && Catch::Contains("did you mean 'iso3'"));
  CHECK_THAT(error_of("State", Props::parse(R"({"cow":"731"})")),
             Catch::Contains("'cow'") && Catch::Contains("expected an integer, got a string"));
  CHECK_THAT(error_of("State", Props::parse(R"({"cow":1e3})")), Catch::Contains("expected an integer"));
  CHECK_THAT(error_of("State", Props::parse(R"({"cow":3000000000})")), Catch::Contains("out of range"));
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"termination_notice_months":-1})")), Catch::Contains("out of range"));
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"signed":"1961-02-30"})")), Catch::Contains("no such day"));
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"signed":1961})")), Catch::Contains("expected a string"));
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"obligations":"defense"})")), Catch::Contains("expected an array"));
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"obligations":["defence"]})")),
             Catch::Contains("did you mean 'defense'"));
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"articles":[{"numbr":"4"}]})")),
             Catch::Contains("unknown property 'numbr'"));
  CHECK_THAT(error_of("Agreement", Props::parse(R"({"public":"yes"})")), Catch::Contains("expected true or false"));
  CHECK_THAT(error_of("TRADE", Props::parse(R"({"year":2023})")), Catch::Contains("requires property 'value'"));
  CHECK_THAT(error_of("State", Props::parse(R"({"iso3":"a\u0000b"})")), Catch::Contains("NUL"));
  CHECK_THAT(error_of("State", Props::parse(R"([1,2])")), Catch::Contains("expected an object"));
  // camelCase is not a second spelling of a property.
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"terminationNoticeMonths":12})")),
             Catch::Contains("unknown property"));
}

TEST_CASE("an enum value has one spelling, snake_case", "[props]") {
  CHECK_THAT(error_of("Treaty", Props::parse(R"({"obligations":["nonAggression"]})")), Catch::Contains("is not one of"));
  CHECK(round_trip("Treaty", Props::parse(R"({"obligations":["non_aggression"]})"))["obligations"][0] == "non_aggression");
}

TEST_CASE("required properties of nested structs are enforced", "[props]") {
  auto c = Catalog::builtin()->with_file("n.capnp", R"(@0xd1f1a8e4c2b3a5c1;
using M = import "/entente/meta.capnp";
struct Part { x @0 :Int32 $M.required; y @1 :Text; }
struct Whole $M.node("Whole") { part @0 :Part; }
)");
  const auto* t = c->find("Whole");
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::DynamicStruct>(t->schema);
  CHECK_THROWS_WITH(catalog::props_from_json(*t, Props::parse(R"({"part":{"y":"a"}})"), root),
                    Catch::Contains("property 'part': Part requires property 'x'"));
  CHECK_THROWS_WITH(catalog::props_from_json(*t, Props::parse(R"({"part":{"z":1}})"), root),
                    Catch::Contains("property 'part': unknown property 'z' of Part"));
}

TEST_CASE("a stored date of 0 reads as no date", "[props]") {
  auto c = Catalog::builtin();
  const auto* t = c->find("Treaty");
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::DynamicStruct>(t->schema);
  root.init("signed").as<capnp::DynamicStruct>().set("ymd", 0u);
  CHECK(catalog::props_to_json(root.asReader()).empty());
}
