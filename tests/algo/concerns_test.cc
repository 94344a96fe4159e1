// data_concerns and `entente check`'s concerns: what intact records say that cannot be so.
#include <catch2/catch.hpp>

#include <algorithm>

#include "cli/run.h"
#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

// kSmallData (clean) and a record of each concern, beside cases that must not be reported.
const std::string kConcerns = std::string(test::kSmallData) + R"(
{"node":"Treaty","key":"early","name":"In force before it was signed","valid":{"from":"1999-12-01"},"props":{"signed":"2000-02-09"}}
{"node":"Treaty","key":"early-year","valid":{"from":"2004"},"props":{"signed":"2005-01-10"}}
{"node":"Agreement","key":"early-mou","valid":{"from":"2006-01-01"},"props":{"signed":"2006-02-01"}}
{"node":"Treaty","key":"members","valid":{"from":"1950-01-01","to":"1960-01-01"},"props":{"signed":"1949-12-01"}}
{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:members","valid":{"from":"1950-06-01","to":"1959-01-01"}}
{"edge":"PARTY_TO","from":"State:CHN","to":"Treaty:members","valid":{"from":"1949-06-01","to":"1955-01-01"}}
{"edge":"PARTY_TO","from":"State:RUS","to":"Treaty:members","valid":{"from":"1955-01-01"}}
{"node":"Person","key":"a","name":"Leader A"}
{"node":"Person","key":"b","name":"Leader B"}
{"node":"Person","key":"c","name":"Leader C"}
{"edge":"HOLDS_OFFICE","from":"Person:a","to":"State:PRK","valid":{"from":"1990-01-01","to":"1994-07-08"},"props":{"office":"President"}}
{"edge":"HOLDS_OFFICE","from":"Person:b","to":"State:PRK","valid":{"from":"1994-07-08","to":"2011-12-17"},"props":{"office":"president"}}
{"edge":"HOLDS_OFFICE","from":"Person:c","to":"State:PRK","valid":{"from":"2011-12-01"},"props":{"office":"President"}}
{"edge":"HOLDS_OFFICE","from":"Person:a","to":"State:PRK","valid":{"from":"1980-01-01","to":"1999-01-01"},"props":{"office":"Premier"}}
{"edge":"HOLDS_OFFICE","from":"Person:c","to":"State:CHN","props":{"office":"President"}}
)";

bool has(const std::vector<Problem>& all, const std::string& where, const std::string& reason) {
  return std::any_of(all.begin(), all.end(), [&](const Problem& p) {
    return p.where == where && p.reason.find(reason) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("data concerns: treaties before signature, members outside the treaty, two holders of one office",
          "[concerns]") {
  test::Loaded clean(test::kSmallData);
  CHECK(data_concerns(*clean.snap).empty());

  test::Loaded l(kConcerns);
  auto all = data_concerns(*l.snap);
  for (const auto& c : all) UNSCOPED_INFO(c.where << ": " << c.reason);
  CHECK(has(all, "Treaty:early", "in force from 1999-12-01, before its signature on 2000-02-09"));
  CHECK(has(all, "Treaty:early-year", "in force from 2004, before its signature on 2005-01-10"));
  CHECK(has(all, "Agreement:early-mou", "before its signature on 2006-02-01"));
  // rus-prk-2000 ("2000", signed 2000-02-09) was clamped when written: no concern.
  CHECK_FALSE(has(all, "Treaty:rus-prk-2000", ""));
  CHECK(has(all, "PARTY_TO State:CHN -> Treaty:members",
            "bound [1949-06-01, 1955-01-01), outside the treaty's period in force [1950-01-01, 1960-01-01)"));
  CHECK(has(all, "PARTY_TO State:RUS -> Treaty:members", "bound [1955-01-01, open)"));
  CHECK_FALSE(has(all, "PARTY_TO State:PRK -> Treaty:members", ""));
  // a's and b's terms meet at 1994-07-08 (half-open: no common day); b's and c's overlap.
  CHECK(has(all, "State:PRK (president)", "held by Person:b [1994-07-08, 2011-12-17) and by Person:c [2011-12-01, open)"));
  CHECK_FALSE(has(all, "State:PRK (President)", "Person:a"));
  CHECK(std::count_if(all.begin(), all.end(), [](const Problem& p) { return p.where.rfind("State:", 0) == 0; }) == 1);
  CHECK(all.size() == 6);
  CHECK(data_concerns(*l.snap, 2).size() == 2);
}

TEST_CASE("data concerns: a state's ties that hold only while it does not exist", "[concerns][spells]") {
  test::Loaded l(R"({"node":"State","key":"POL","name":"Poland","valid":[{"from":"1918-11-11","to":"1939-09-29"},{"from":"1945-06-28"}]}
{"node":"Organization","key":"sys","name":"System"}
{"node":"Treaty","key":"t","valid":{"from":"1900"}}
{"edge":"PARTY_TO","from":"State:POL","to":"Treaty:t","valid":{"from":"1941-01-01","to":"1944-01-01"}}
{"edge":"MEMBER_OF","from":"State:POL","to":"Organization:sys","valid":{"from":"1910","to":"1915"}}
{"edge":"MEMBER_OF","from":"State:POL","to":"Organization:sys","valid":{"from":"1939-01-01","to":"1941-01-01"}}
{"node":"Person","key":"p","name":"Someone"}
{"edge":"HOLDS_OFFICE","from":"Person:p","to":"State:POL","valid":{"from":"1940","to":"1945"},"props":{"office":"President"}}
)");
  auto all = data_concerns(*l.snap);
  for (const auto& c : all) UNSCOPED_INFO(c.where << ": " << c.reason);
  CHECK(has(all, "PARTY_TO State:POL -> Treaty:t",
            "it holds [1941-01-01, 1944-01-01), while State:POL does not exist (it exists [1918-11-11, 1939-09-29) "
            "and [1945-06-28, open))"));
  CHECK(has(all, "MEMBER_OF State:POL -> Organization:sys", "it holds [1910, 1915)"));
  CHECK(has(all, "HOLDS_OFFICE Person:p -> State:POL", "it holds [1940, 1945)"));
  // A tie that holds on some day the state exists is no concern.
  CHECK_FALSE(has(all, "MEMBER_OF State:POL -> Organization:sys", "[1939-01-01, 1941-01-01)"));
  CHECK(all.size() == 3);
}

TEST_CASE("check prints data concerns, and the database stays clean unless --strict", "[concerns][cli]") {
  test::TempDir dir;
  auto file = dir / "concerns.jsonl";
  test::write_file(file, kConcerns);
  auto db = (dir / "db").string();
  REQUIRE(test::entente_cmd(dir, "import --db '" + db + "' '" + file.string() + "'").status == 0);
  auto r = test::entente_cmd(dir, "check --db '" + db + "'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("concern: Treaty:early: in force from 1999-12-01, before its signature on 2000-02-09"));
  CHECK_THAT(r.out, Catch::Contains("clean: the records are intact; 6 data concerns"));
  CHECK(test::entente_cmd(dir, "check --db '" + db + "' --strict").status == 1);
  auto j = nlohmann::json::parse(test::entente_cmd(dir, "check --db '" + db + "' --json").out);
  CHECK(j["clean"] == true);
  CHECK(j["concerns"].size() == 6);
  CHECK(j["concerns"][0]["where"] == "Treaty:early");
}
