// The bulk load's fast line reader (io/jsonl_fast.h) reads a line exactly as parse_line
// does, or declines it: every line it reads and encodes gives the same record bytes, the
// same names and the same ends as the long way (parse_line, the checks, encode_node or
// encode_edge), and every line the long way refuses, it declines.
#include <catch2/catch.hpp>

#include <fstream>

#include "catalog/catalog.h"
#include "entente/error.h"
#include "entente/interchange.h"
#include "graph/records.h"
#include "graph/validate.h"
#include "io/jsonl_fast.h"

using namespace entente;

namespace {

// A line read one way: its record, its folded names and its ends ("" for a node).
struct Reading {
  std::string record;
  std::vector<std::string> names;
  std::string from, to;
  bool operator==(const Reading&) const = default;
};

std::optional<Reading> the_long_way(const catalog::Catalog& catalog, std::string_view line) {
  try {
    auto parsed = parse_line(line);
    if (auto* n = std::get_if<NodeInput>(&parsed)) {
      const auto& type = graph::check_node(catalog, *n);
      return Reading{graph::encode_node(type, *n), graph::folded_names(n->name, n->aliases), "", ""};
    }
    auto& e = std::get<EdgeInput>(parsed);
    const auto& type = graph::check_edge(catalog, e);
    return Reading{graph::encode_edge(type, 0, 0, e), {}, e.from.str(), e.to.str()};
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<Reading> the_fast_way(const catalog::Catalog& catalog, graph::LineReader& reader, std::string_view line) {
  std::string padded(line);
  padded.append(64, ' ');
  graph::LineView view;
  if (!reader.read(std::string_view(padded.data(), line.size()), padded.size(), view)) return std::nullopt;
  try {
    if (view.is_node) {
      const auto& type = graph::check_node(catalog, view.node);
      auto record = graph::encode_view(type, view.node);
      if (!record) return std::nullopt;
      return Reading{*record, graph::folded_names(view.node.name, view.node.aliases), "", ""};
    }
    const auto& type = graph::check_edge(catalog, view.edge);
    auto record = graph::encode_view(type, view.edge);
    if (!record) return std::nullopt;
    auto ref = [](const graph::RefView& r) { return fmt::format("{}:{}", r.type, r.key); };
    return Reading{*record, {}, ref(view.edge.from), ref(view.edge.to)};
  } catch (const Error&) {
    return std::nullopt;
  }
}

enum class Expect { kFast, kLongWayOnly, kRefused };

// Checks the line both ways; returns whether the fast reader took it.
bool agree(const catalog::Catalog& catalog, graph::LineReader& reader, std::string_view line) {
  INFO(line);
  auto slow = the_long_way(catalog, line);
  auto fast = the_fast_way(catalog, reader, line);
  if (fast) {
    REQUIRE(slow);
    CHECK(*fast == *slow);
  }
  return fast.has_value();
}

}  // namespace

TEST_CASE("the fast reader reads the bundled data set as parse_line does", "[jsonl][bulk]") {
  auto catalog = catalog::Catalog::builtin();
  auto reader = make_fast_line_reader();
  const std::filesystem::path bundled = std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl";
  std::ifstream in(bundled);
  REQUIRE(in);
  std::string line;
  std::size_t lines = 0, fast = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    if (agree(*catalog, *reader, line)) ++fast;
  }
  REQUIRE(lines > 100);
  // Treaties with articles (a list of structs) and a few others go the long way.
  CHECK(fast * 10 >= lines * 8);
}

TEST_CASE("the fast reader takes the common lines and declines the rest", "[jsonl][bulk]") {
  auto catalog = catalog::Catalog::builtin();
  auto reader = make_fast_line_reader();
  const std::vector<std::pair<std::string, Expect>> cases = {
      // Read fast, to the same bytes.
      {R"({"node":"State","key":"S000","name":"Solurri Republic","aliases":["Neno"],"valid":{"from":"1834-09-20"},"props":{"iso3":"S000"}})", Expect::kFast},
      {R"({"props":{"cow":731,"iso3":"PRK"},"key":"PRK","node":"State","name":"North Korea"})", Expect::kFast},
      {R"({"node":"State","key":"X","props":{"gw_code":-5,"cow":2147483647}})", Expect::kFast},
      {R"({"node":"State","key":"S1","props":{"cow":null,"capital":"Ulan Bator"}})", Expect::kFast},
      {R"({"node":"Treaty","key":"t1","valid":{"from":"1961","to":"1996-09-10"},"props":{"signed":"1961-07-11","obligations":["defense","non_aggression"],"termination_notice_months":12}})", Expect::kFast},
      {R"({"node":"Event","key":"e1","props":{"goldstein":-2.5,"date":"2024-06"}})", Expect::kFast},
      {R"({"node":"Event","key":"e2","props":{"goldstein":3}})", Expect::kFast},
      {R"({"node":"Agreement","key":"a1","props":{"public":false}})", Expect::kFast},
      {R"({"node":"Person","key":"p\u00e9","name":"K\u00f6nig \"Zog\"","aliases":["A","a","B"]})", Expect::kFast},
      {R"({"node":"Document","key":"d1","sources":[{"doc":"d1","locator":"p. 3","quote":"line one\nline two"}]})", Expect::kFast},
      {R"({"node":"Visit","key":"v1","props":{"start":"2024-06-19","end":"2024-06-20","city":"Pyongyang"}})", Expect::kFast},
      {R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:t1","valid":{"from":"1961-09-10"}})", Expect::kFast},
      {R"({"edge":"PARTY_TO","from":"State:a:b","to":"Treaty:t1","key":"k"})", Expect::kFast},
      {R"(  {"edge":"VISITOR","from":"Visit:v1","to":"Person:p1"}  )", Expect::kFast},
      {R"({"edge":"TRADE","from":"State:RUS","to":"State:PRK","valid":{"from":"2023","to":"2024"},"props":{"year":2023,"value":34400000,"currency":"USD"}})", Expect::kFast},
      // Read the long way: what the fast reader does not take, though it is good.
      {R"({"node":"State","key":"S1","name":null})", Expect::kLongWayOnly},
      {R"({"node":"State","key":"S1","props":null})", Expect::kLongWayOnly},
      {R"({"node":"State","key":"S1","valid":{"from":null}})", Expect::kLongWayOnly},
      {R"({"node":"Treaty","key":"t2","props":{"articles":[{"number":"4","obligations":["defense"]}]}})", Expect::kLongWayOnly},
      {R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:t1","key":null})", Expect::kLongWayOnly},
      // Refused both ways.
      {R"({"node":"State","key":"S1","key":"S2"})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"cow":1,"cow":2}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","colour":"red"})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"colour":"red"}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"cow":1.5}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"cow":"731"}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"cow":2147483648}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"cow":18446744073709551616}})", Expect::kRefused},
      {R"({"node":"Treaty","key":"t","props":{"termination_notice_months":-1}})", Expect::kRefused},
      {R"({"node":"Treaty","key":"t","props":{"obligations":["nonAggression"]}})", Expect::kRefused},
      {R"({"node":"Treaty","key":"t","props":{"obligations":"defense"}})", Expect::kRefused},
      {R"({"node":"Event","key":"e","props":{"goldstein":1e400}})", Expect::kRefused},
      {R"({"node":"Event","key":"e","props":{"date":"2024-13-01"}})", Expect::kRefused},
      {R"({"node":"Visit","key":"v"})", Expect::kRefused},
      {R"({"node":"State","key":"S1","valid":{"from":"2000","to":"1990"}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","valid":{"from":"2000","until":"2010"}})", Expect::kRefused},
      {R"({"node":"State","key":""})", Expect::kRefused},
      {R"({"node":"State","key":"a\u0001b"})", Expect::kRefused},
      {R"({"node":"State","key":"S1","aliases":[""]})", Expect::kRefused},
      {R"({"node":"State","key":"S1","props":{"capital":"a\u0000b"}})", Expect::kRefused},
      {R"({"node":"State","key":"S1","sources":[{"locator":"p. 1"}]})", Expect::kRefused},
      {R"({"node":"Nation","key":"S1"})", Expect::kRefused},
      {R"({"node":"State","edge":"PARTY_TO","key":"S1"})", Expect::kRefused},
      {R"({"node":"State","key":"S1"} trailing)", Expect::kRefused},
      {R"({"node":"State","key":"S1",})", Expect::kRefused},
      {R"({"node":"State","key":"\ud800"})", Expect::kRefused},
      {R"({"edge":"PARTY_TO","from":"PRK","to":"Treaty:t1"})", Expect::kRefused},
      {R"({"edge":"PARTY_TO","from":"State:PRK","to":"State:CHN"})", Expect::kRefused},
      {R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:t1","name":"x"})", Expect::kRefused},
      {R"([1,2,3])", Expect::kRefused},
      {"{\"node\":\"State\",\"key\":\"\xff\"}", Expect::kRefused},
  };
  for (const auto& [line, expect] : cases) {
    INFO(line);
    bool fast = agree(*catalog, *reader, line);
    bool slow = the_long_way(*catalog, line).has_value();
    CHECK(fast == (expect == Expect::kFast));
    CHECK(slow == (expect != Expect::kRefused));
  }
}

TEST_CASE("the fast reader writes every property kind where its slot lies, as the dynamic API does", "[jsonl][bulk]") {
  // props_from_json_dom writes scalars, enums, texts, dates and lists straight into the
  // struct (catalog::PropSlot); a type with one field of each kind, and one with an
  // explicit default (which goes through the dynamic API), must give the long way's bytes.
  auto catalog = catalog::Catalog::builtin()->with_file("kinds.capnp", R"(
@0xc6a3b1f2e4d59781;
using M = import "/entente/meta.capnp";
enum Mood { calm @0; veryAngry @1; sad @2; }
struct Kinds $M.node("Kinds") {
  b @0 :Bool;  i8 @1 :Int8;  i16 @2 :Int16;  i32 @3 :Int32;  i64 @4 :Int64;
  u8 @5 :UInt8;  u16 @6 :UInt16;  u32 @7 :UInt32;  u64 @8 :UInt64;
  f32 @9 :Float32;  f64 @10 :Float64;  mood @11 :Mood;  text @12 :Text;  day @13 :M.Date;
  bools @14 :List(Bool);  i8s @15 :List(Int8);  u16s @16 :List(UInt16);  i64s @17 :List(Int64);
  f32s @18 :List(Float32);  f64s @19 :List(Float64);  moods @20 :List(Mood);  texts @21 :List(Text);
  b2 @22 :Bool;  withDefault @23 :Int32 = 7;
}
)");
  auto reader = make_fast_line_reader();
  const std::vector<std::pair<std::string, bool>> cases = {
      {R"({"node":"Kinds","key":"k1","props":{"b":true,"i8":-128,"i16":-300,"i32":-70000,"i64":-9000000000,"u8":255,"u16":65535,"u32":4294967295,"u64":18446744073709551615,"f32":1.5,"f64":-2.25e10,"mood":"very_angry","text":"t\u00e9xt","day":"2024-06-19","bools":[true,false,true],"i8s":[1,-2],"u16s":[7],"i64s":[-1,2,3],"f32s":[0.1,2],"f64s":[3.5],"moods":["sad","calm"],"texts":["a","","c"],"b2":true}})", true},
      {R"({"node":"Kinds","key":"k2","props":{"b2":true,"b":false,"mood":"calm","day":"1961-07","texts":[],"f64s":[]}})", true},
      {R"({"node":"Kinds","key":"k3","props":{"u64":0,"i8":127,"f32":3,"i64s":[9223372036854775807]}})", true},
      {R"({"node":"Kinds","key":"k4","props":{"with_default":3}})", true},
      {R"({"node":"Kinds","key":"k5","props":{"i8":128}})", false},
      {R"({"node":"Kinds","key":"k6","props":{"u8":-1}})", false},
      {R"({"node":"Kinds","key":"k7","props":{"mood":"veryAngry"}})", false},
      {R"({"node":"Kinds","key":"k8","props":{"moods":["calm","glad"]}})", false},
      {R"({"node":"Kinds","key":"k9","props":{"bools":[true,1]}})", false},
      {R"({"node":"Kinds","key":"k10","props":{"texts":["a\u0000"]}})", false},
      {R"({"node":"Kinds","key":"k11","props":{"b":"true"}})", false},
      {R"({"node":"Kinds","key":"k12","props":{"day":"2024-02-30"}})", false},
  };
  for (const auto& [line, good] : cases) {
    INFO(line);
    bool fast = agree(*catalog, *reader, line);
    CHECK(fast == good);
    CHECK(the_long_way(*catalog, line).has_value() == good);
  }
}
