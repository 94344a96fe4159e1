// Visits (numbering, gaps, filters, reciprocal visits), their wording (describe_gap,
// ordinal), offices, and treaty status and succession.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

using Keys = std::vector<std::string>;

using Loaded = test::Loaded;

Keys visit_keys(const std::vector<VisitInfo>& visits) {
  Keys out;
  for (const auto& v : visits) out.push_back(v.visit.key);
  return out;
}

const VisitInfo& find_visit(const std::vector<VisitInfo>& visits, const std::string& key) {
  auto it = std::find_if(visits.begin(), visits.end(), [&](const VisitInfo& v) { return v.visit.key == key; });
  REQUIRE(it != visits.end());
  return *it;
}

std::int64_t days_between(const char* a, const char* b) { return Date::parse(b).days() - Date::parse(a).days(); }

// Ana Leader of Aland: President [2000-05-07, 2008-05-07), Prime Minister
// [2008-05-08, 2012-05-07), President again from 2012-05-07; Dmitri Deputy is President
// [2008-05-07, 2012-05-07). Ana visits Borduria five times (the 2010 visit as Prime
// Minister; the 2006 one dated to the month only) and Carpania once; Bo Host, Borduria's
// President, visits Aland once, in 2009, and meets her; she meets him in 2001 and 2013.
const char* kLeaders = R"jsonl({"node":"Document","key":"bio","name":"Official biographies"}
{"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"Person","key":"ana","name":"Ana Leader"}
{"node":"Person","key":"bo","name":"Bo Host"}
{"node":"Person","key":"dmitri","name":"Dmitri Deputy"}
{"node":"Treaty","key":"ab-2013","name":"Aland-Borduria Treaty of 2013","props":{"signed":"2013-11-12"}}
{"node":"Visit","key":"ana-bbb-2001","name":"Ana Leader's state visit to Borduria","props":{"start":"2001-03-01","end":"2001-03-02","city":"Bordville"}}
{"node":"Visit","key":"ana-bbb-2006","name":"Ana Leader's summit visit to Borduria","props":{"start":"2006-11"}}
{"node":"Visit","key":"ana-bbb-2010","name":"Ana Leader's visit to Borduria as Prime Minister","props":{"start":"2010-06-15"}}
{"node":"Visit","key":"ana-bbb-2013","name":"Ana Leader's official visit to Borduria","props":{"start":"2013-11-12"}}
{"node":"Visit","key":"ana-bbb-2017","name":"Ana Leader's summit visit to Borduria","props":{"start":"2017-11-10","end":"2017-11-11"}}
{"node":"Visit","key":"ana-ccc-2005","name":"Ana Leader's visit to Carpania","props":{"start":"2005-05-05"}}
{"node":"Visit","key":"bo-aaa-2009","name":"Bo Host's visit to Aland","props":{"start":"2009-02-01"}}
{"edge":"HOLDS_OFFICE","from":"Person:ana","to":"State:AAA","valid":{"from":"2000-05-07","to":"2008-05-07"},"props":{"office":"President"},"sources":[{"doc":"bio"}]}
{"edge":"HOLDS_OFFICE","from":"Person:ana","to":"State:AAA","valid":{"from":"2008-05-08","to":"2012-05-07"},"props":{"office":"Prime Minister"}}
{"edge":"HOLDS_OFFICE","from":"Person:ana","to":"State:AAA","valid":{"from":"2012-05-07"},"props":{"office":"President"}}
{"edge":"HOLDS_OFFICE","from":"Person:dmitri","to":"State:AAA","valid":{"from":"2008-05-07","to":"2012-05-07"},"props":{"office":"President"}}
{"edge":"HOLDS_OFFICE","from":"Person:bo","to":"State:BBB","valid":{"from":"1995"},"props":{"office":"President"}}
{"edge":"VISITOR","from":"Visit:ana-bbb-2001","to":"Person:ana","props":{"office":"President"}}
{"edge":"HOST","from":"Visit:ana-bbb-2001","to":"State:BBB","props":{"city":"Bordville"}}
{"edge":"MET","from":"Visit:ana-bbb-2001","to":"Person:bo","props":{"office":"President"}}
{"edge":"VISITOR","from":"Visit:ana-bbb-2006","to":"Person:ana","props":{"office":"President"}}
{"edge":"HOST","from":"Visit:ana-bbb-2006","to":"State:BBB"}
{"edge":"VISITOR","from":"Visit:ana-bbb-2010","to":"Person:ana","props":{"office":"Prime Minister"}}
{"edge":"HOST","from":"Visit:ana-bbb-2010","to":"State:BBB"}
{"edge":"VISITOR","from":"Visit:ana-bbb-2013","to":"Person:ana","props":{"office":"President"}}
{"edge":"HOST","from":"Visit:ana-bbb-2013","to":"State:BBB"}
{"edge":"MET","from":"Visit:ana-bbb-2013","to":"Person:bo","props":{"office":"President"}}
{"edge":"PRODUCED","from":"Visit:ana-bbb-2013","to":"Treaty:ab-2013"}
{"edge":"VISITOR","from":"Visit:ana-bbb-2017","to":"Person:ana","props":{"office":"President"}}
{"edge":"HOST","from":"Visit:ana-bbb-2017","to":"State:BBB"}
{"edge":"VISITOR","from":"Visit:ana-ccc-2005","to":"Person:ana","props":{"office":"President"}}
{"edge":"HOST","from":"Visit:ana-ccc-2005","to":"State:CCC"}
{"edge":"VISITOR","from":"Visit:bo-aaa-2009","to":"Person:bo","props":{"office":"President"}}
{"edge":"HOST","from":"Visit:bo-aaa-2009","to":"State:AAA"}
{"edge":"MET","from":"Visit:bo-aaa-2009","to":"Person:ana","props":{"office":"Prime Minister"}}
)jsonl";

}  // namespace

TEST_CASE("visits: in time order, each numbered among the visitor's visits to that host", "[visits]") {
  Loaded l(kLeaders);
  auto v = visits(*l.snap, {.visitor = "Person:ana", .host = "State:BBB"});
  CHECK(visit_keys(v) == Keys{"ana-bbb-2001", "ana-bbb-2006", "ana-bbb-2010", "ana-bbb-2013", "ana-bbb-2017"});
  REQUIRE(v.size() == 5);
  for (int i = 0; i < 5; ++i) {
    INFO(v[i].visit.key);
    CHECK(v[i].number == i + 1);
    CHECK(v[i].visitor.key == "ana");
    CHECK(v[i].host.key == "BBB");
  }
  // The visit to Carpania between 2001 and 2006 is numbered on its own.
  auto c = visits(*l.snap, {.visitor = "Person:ana", .host = "State:CCC"});
  REQUIRE(c.size() == 1);
  CHECK(c[0].number == 1);
  CHECK_FALSE(c[0].previous);
}

TEST_CASE("visits: the visitor and host may be named, and either left out", "[visits]") {
  Loaded l(kLeaders);
  CHECK(visits(*l.snap, {.visitor = "Ana Leader", .host = "Borduria"}).size() == 5);
  CHECK(visits(*l.snap, {.visitor = "Person:ana"}).size() == 6);
  CHECK(visit_keys(visits(*l.snap, {.host = "State:AAA"})) == Keys{"bo-aaa-2009"});
  auto all = visits(*l.snap, {});
  CHECK(visit_keys(all) == Keys{"ana-bbb-2001", "ana-ccc-2005", "ana-bbb-2006", "bo-aaa-2009", "ana-bbb-2010",
                                "ana-bbb-2013", "ana-bbb-2017"});
}

TEST_CASE("visits: number_in_office counts only visits made in the same office", "[visits]") {
  Loaded l(kLeaders);
  auto v = visits(*l.snap, {.visitor = "Person:ana", .host = "State:BBB"});
  REQUIRE(v.size() == 5);
  CHECK(v[0].office == "President");
  CHECK(v[0].number_in_office == 1);
  CHECK(v[1].number_in_office == 2);
  CHECK(v[2].office == "Prime Minister");
  CHECK(v[2].number_in_office == 1);
  CHECK(v[3].office == "President");
  CHECK(v[3].number_in_office == 3);
  CHECK(v[4].number == 5);
  CHECK(v[4].number_in_office == 4);
}

TEST_CASE("visits: each carries the start of the previous visit to that host and the gap in days", "[visits]") {
  Loaded l(kLeaders);
  auto v = visits(*l.snap, {.visitor = "Person:ana", .host = "State:BBB"});
  REQUIRE(v.size() == 5);
  CHECK_FALSE(v[0].previous);
  CHECK_FALSE(v[0].gap_days);
  REQUIRE(v[1].previous);
  CHECK(*v[1].previous == Date::parse("2001-03-01"));
  // A partial start stands for its first day: 2006-11 is 2006-11-01.
  REQUIRE(v[1].gap_days);
  CHECK(*v[1].gap_days == 2071);
  CHECK(*v[1].gap_days == days_between("2001-03-01", "2006-11-01"));
  REQUIRE(v[2].previous);
  CHECK(*v[2].previous == Date::parse("2006-11"));
  CHECK(v[2].gap_days == days_between("2006-11-01", "2010-06-15"));
  CHECK(v[3].gap_days == days_between("2010-06-15", "2013-11-12"));
  CHECK(v[4].gap_days == days_between("2013-11-12", "2017-11-10"));
}

TEST_CASE("visits: from is inclusive, to exclusive, and numbering still counts every visit", "[visits][time]") {
  Loaded l(kLeaders);
  auto v = visits(*l.snap, {.visitor = "Person:ana",
                            .host = "State:BBB",
                            .from = Date::parse("2010-06-15"),
                            .to = Date::parse("2017-11-10")});
  CHECK(visit_keys(v) == Keys{"ana-bbb-2010", "ana-bbb-2013"});
  REQUIRE(v.size() == 2);
  CHECK(v[0].number == 3);
  CHECK(v[1].number == 4);
  REQUIRE(v[0].previous);
  CHECK(*v[0].previous == Date::parse("2006-11"));  // from the visit the filter left out
  CHECK(visit_keys(visits(*l.snap, {.visitor = "Person:ana", .host = "State:BBB", .from = Date::parse("2017-11-11")}))
            .empty());
  CHECK(visit_keys(visits(*l.snap, {.visitor = "Person:ana", .host = "State:BBB", .to = Date::parse("2006")})) ==
        Keys{"ana-bbb-2001"});
}

TEST_CASE("visits: who was met and what was signed come with each visit, met filters", "[visits]") {
  Loaded l(kLeaders);
  auto v = visits(*l.snap, {.visitor = "Person:ana", .host = "State:BBB"});
  const auto& v2013 = find_visit(v, "ana-bbb-2013");
  REQUIRE(v2013.met.size() == 1);
  CHECK(v2013.met[0].key == "bo");
  REQUIRE(v2013.produced.size() == 1);
  CHECK(v2013.produced[0].key == "ab-2013");
  CHECK(find_visit(v, "ana-bbb-2006").met.empty());
  auto met = visits(*l.snap, {.visitor = "Person:ana", .met = "Person:bo"});
  CHECK(visit_keys(met) == Keys{"ana-bbb-2001", "ana-bbb-2013"});
  // Numbering still counts all of Ana's visits to Borduria.
  REQUIRE(met.size() == 2);
  CHECK(met[1].number == 4);
}

TEST_CASE("reciprocal_visits: each leader's visits where they met the other, in time order", "[visits]") {
  Loaded l(kLeaders);
  auto r = reciprocal_visits(*l.snap, "Person:ana", "Person:bo");
  CHECK(visit_keys(r) == Keys{"ana-bbb-2001", "bo-aaa-2009", "ana-bbb-2013"});
  REQUIRE(r.size() == 3);
  CHECK(r[1].visitor.key == "bo");
  CHECK(r[1].host.key == "AAA");
  CHECK(r[1].number == 1);
  // The same visits whichever leader is named first.
  CHECK(visit_keys(reciprocal_visits(*l.snap, "Bo Host", "Ana Leader")) == visit_keys(r));
  CHECK(reciprocal_visits(*l.snap, "Person:ana", "Person:dmitri").empty());
}

TEST_CASE("visits: an unknown visitor or host is an error", "[visits][errors]") {
  Loaded l(kLeaders);
  CHECK_THROWS_AS(visits(*l.snap, {.visitor = "Person:nobody"}), Error);
  CHECK_THROWS_AS(visits(*l.snap, {.host = "State:XXX"}), Error);
  CHECK_THROWS_AS(reciprocal_visits(*l.snap, "Person:ana", "Person:nobody"), Error);
}

TEST_CASE("describe_gap: whole years from a year on, then months, then days", "[visits][wording]") {
  // Whole years of 365.2425 days, else months (30.436875 days), else days (docs/queries.md).
  // Whether the fraction is rounded or dropped is left open, so only cases where both agree
  // are checked: not 3652 days (9.9988 years, though ten calendar years hold 3652 or 3653
  // days), nor 8736 days (2000-07-19 to 2024-06-19, Putin's gap between his DPRK visits:
  // 23.92 years, "24 years" in the brief).
  CHECK(describe_gap(3653) == "10 years");  // 2000-01-01 to 2010-01-01
  CHECK(describe_gap(7305) == "20 years");  // 2000-01-01 to 2020-01-01
  CHECK(describe_gap(100) == "3 months");
  CHECK(describe_gap(45) == "1 month");
  CHECK(describe_gap(10) == "10 days");
  CHECK(describe_gap(2) == "2 days");
}

TEST_CASE("ordinal: words up to tenth, then figures with their suffix", "[visits][wording]") {
  CHECK(ordinal(1) == "first");
  CHECK(ordinal(2) == "second");
  CHECK(ordinal(3) == "third");
  CHECK(ordinal(5) == "fifth");
  CHECK(ordinal(10) == "tenth");
  CHECK(ordinal(11) == "11th");
  CHECK(ordinal(12) == "12th");
  CHECK(ordinal(13) == "13th");
  CHECK(ordinal(21) == "21st");
  CHECK(ordinal(22) == "22nd");
  CHECK(ordinal(23) == "23rd");
  CHECK(ordinal(111) == "111th");
}

namespace {

Keys holders(const Loaded& l, const char* of, const char* day, std::string_view office = {}) {
  Keys out;
  for (const auto& t : officeholders(*l.snap, of, Date::parse(day), office)) out.push_back(t.person.key + " " + t.office);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("officeholders: who held an office on a date, ends exclusive", "[offices][time]") {
  Loaded l(kLeaders);
  CHECK(holders(l, "State:AAA", "2008-05-06") == Keys{"ana President"});
  CHECK(holders(l, "State:AAA", "2008-05-07") == Keys{"dmitri President"});
  CHECK(holders(l, "State:AAA", "2008-05-08") == Keys{"ana Prime Minister", "dmitri President"});
  CHECK(holders(l, "State:AAA", "2012-05-07") == Keys{"ana President"});
  CHECK(holders(l, "State:AAA", "1999-01-01").empty());
  auto terms = officeholders(*l.snap, "Aland", Date::parse("2010-01-01"), "minister");
  REQUIRE(terms.size() == 1);
  CHECK(terms[0].person.key == "ana");
  CHECK(terms[0].of.key == "AAA");
  CHECK(terms[0].edge.type == "HOLDS_OFFICE");
}

TEST_CASE("officeholders: the office is matched by a part of its title, ignoring case", "[offices]") {
  Loaded l(kLeaders);
  CHECK(holders(l, "State:AAA", "2010-01-01", "president") == Keys{"dmitri President"});
  CHECK(holders(l, "State:AAA", "2010-01-01", "PRIME") == Keys{"ana Prime Minister"});
  CHECK(holders(l, "State:AAA", "2010-01-01", "king").empty());
}

TEST_CASE("offices: a person's offices over time, by start, with the edge's validity and sources", "[offices]") {
  Loaded l(kLeaders);
  auto terms = offices(*l.snap, "Person:ana");
  REQUIRE(terms.size() == 3);
  CHECK(terms[0].office == "President");
  CHECK(terms[1].office == "Prime Minister");
  CHECK(terms[2].office == "President");
  for (const auto& t : terms) CHECK(t.of.key == "AAA");
  REQUIRE(terms[0].edge.valid);
  CHECK(terms[0].edge.valid->from == Date::parse("2000-05-07"));
  CHECK(terms[0].edge.valid->to == Date::parse("2008-05-07"));
  CHECK(terms[0].edge.sources.at(0).doc == "bio");
  REQUIRE(terms[2].edge.valid);
  CHECK_FALSE(terms[2].edge.valid->to);
  CHECK_THROWS_AS(offices(*l.snap, "Person:nobody"), Error);
}

namespace {

// Three successive treaties between AAA and BBB, each replacing the one before, and one
// between AAA and CCC signed but never in force.
const char* kTreaties = R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"Treaty","key":"ab-1961","name":"Treaty of 1961","valid":{"from":"1961-09-10","to":"1996-09-10"},"props":{"signed":"1961-07-06","obligations":["defense"]}}
{"node":"Treaty","key":"ab-2000","name":"Treaty of 2000","valid":{"from":"2000-10-17","to":"2024-12-04"},"props":{"signed":"2000-02-09","obligations":["consultation"]}}
{"node":"Treaty","key":"ab-2024","name":"Treaty of 2024","valid":{"from":"2024-12-04"},"props":{"signed":"2024-06-19","obligations":["defense"]}}
{"node":"Treaty","key":"ac-1990","name":"Treaty never in force","props":{"signed":"1990-05-01"}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-1961"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-1961"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-2000"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-2000"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-2024"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-2024"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ac-1990"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:ac-1990"}
{"edge":"REPLACES","from":"Treaty:ab-2024","to":"Treaty:ab-2000"}
{"edge":"REPLACES","from":"Treaty:ab-2000","to":"Treaty:ab-1961"}
)jsonl";

Keys treaty_keys(const std::vector<TreatyStatus>& ts) {
  Keys out;
  for (const auto& t : ts) out.push_back(t.treaty.key);
  return out;
}

Keys node_keys(const std::vector<Node>& nodes) {
  Keys out;
  for (const auto& n : nodes) out.push_back(n.key);
  return out;
}

// The status of one of AAA's treaties on a date (or, without one, as of now).
std::string status(const Loaded& l, const std::string& treaty, std::optional<Date> at) {
  for (const auto& t : treaties(*l.snap, "State:AAA", {}, at)) {
    if (t.treaty.key == treaty) return std::string(state_name(t.status));
  }
  return "(not listed)";
}

std::string status_on(const Loaded& l, const std::string& treaty, const char* day) {
  return status(l, treaty, Date::parse(day));
}

}  // namespace

TEST_CASE("treaties: a state's treaties by signature date, or those between two states", "[treaties]") {
  Loaded l(kTreaties);
  CHECK(treaty_keys(treaties(*l.snap, "State:AAA")) == Keys{"ab-1961", "ac-1990", "ab-2000", "ab-2024"});
  CHECK(treaty_keys(treaties(*l.snap, "State:AAA", "State:BBB")) == Keys{"ab-1961", "ab-2000", "ab-2024"});
  CHECK(treaty_keys(treaties(*l.snap, "Aland", "Carpania")) == Keys{"ac-1990"});
  CHECK(treaties(*l.snap, "State:BBB", "State:CCC").empty());
  auto ab = treaties(*l.snap, "State:BBB", "State:AAA");
  REQUIRE_FALSE(ab.empty());
  Keys parties = node_keys(ab[0].parties);
  std::sort(parties.begin(), parties.end());
  CHECK(parties == Keys{"AAA", "BBB"});
}

TEST_CASE("treaties: status on a date: not yet signed, signed, in force, terminated", "[treaties][time]") {
  Loaded l(kTreaties);
  CHECK(status_on(l, "ab-2024", "2024-06-18") == "not yet signed");
  CHECK(status_on(l, "ab-2024", "2024-06-19") == "signed");
  CHECK(status_on(l, "ab-2024", "2024-12-03") == "signed");
  CHECK(status_on(l, "ab-2024", "2024-12-04") == "in force");
  CHECK(status_on(l, "ab-2000", "2000-02-08") == "not yet signed");
  CHECK(status_on(l, "ab-2000", "2000-06-01") == "signed");
  CHECK(status_on(l, "ab-2000", "2024-12-03") == "in force");
  CHECK(status_on(l, "ab-2000", "2024-12-04") == "terminated");
  CHECK(status_on(l, "ab-1961", "1996-09-10") == "terminated");
  CHECK(status_on(l, "ac-1990", "1990-04-30") == "not yet signed");
  CHECK(status_on(l, "ac-1990", "2020-01-01") == "signed");
}

TEST_CASE("treaties: without a date, status is as of now", "[treaties]") {
  Loaded l(kTreaties);
  CHECK(status(l, "ab-2024", std::nullopt) == "in force");
  CHECK(status(l, "ab-2000", std::nullopt) == "terminated");
  CHECK(status(l, "ab-1961", std::nullopt) == "terminated");
  CHECK(status(l, "ac-1990", std::nullopt) == "signed");
}

TEST_CASE("treaties: REPLACES chains are followed both ways, nearest first", "[treaties]") {
  Loaded l(kTreaties);
  auto ts = treaties(*l.snap, "State:AAA", "State:BBB", Date::parse("2024-12-31"));
  REQUIRE(treaty_keys(ts) == Keys{"ab-1961", "ab-2000", "ab-2024"});
  CHECK(node_keys(ts[2].replaces) == Keys{"ab-2000", "ab-1961"});
  CHECK(ts[2].replaced_by.empty());
  CHECK(node_keys(ts[1].replaces) == Keys{"ab-1961"});
  CHECK(node_keys(ts[1].replaced_by) == Keys{"ab-2024"});
  CHECK(ts[0].replaces.empty());
  CHECK(node_keys(ts[0].replaced_by) == Keys{"ab-2000", "ab-2024"});
}

TEST_CASE("treaties: an unknown state is an error", "[treaties][errors]") {
  Loaded l(kTreaties);
  CHECK_THROWS_AS(treaties(*l.snap, "State:XXX"), Error);
  CHECK_THROWS_AS(treaties(*l.snap, "State:AAA", "State:XXX"), Error);
}

// Issue 17: ordinals ("1st") were printed as facts; visit_coverage says which data sets the
// numbers counted, so the command can say "1st recorded" and where the records came from.
TEST_CASE("visits: coverage names the data sets and curated records an ordinal counts", "[visits]") {
  test::Loaded l(R"({"node":"Document","key":"us-oh","name":"U.S. Department of State, Office of the Historian"}
{"node":"Document","key":"a-brief","name":"A brief"}
{"node":"State","key":"USA","name":"United States"}
{"node":"State","key":"GBR","name":"United Kingdom"}
{"node":"State","key":"FRA","name":"France"}
{"node":"Person","key":"p","name":"A Leader"}
{"node":"Visit","key":"v1","props":{"start":"1957-03-20"},"sources":[{"doc":"us-oh"}]}
{"node":"Visit","key":"v2","props":{"start":"1961-06-01"},"sources":[{"doc":"us-oh"},{"doc":"a-brief"}]}
{"node":"Visit","key":"v3","props":{"start":"2024-05-01"},"sources":[{"doc":"a-brief"}]}
{"node":"Visit","key":"v4","props":{"start":"2025-01-01"}}
{"node":"Visit","key":"v5","props":{"start":"1990-01-01"},"sources":[{"doc":"us-oh"}]}
{"edge":"VISITOR","from":"Visit:v1","to":"Person:p"}
{"edge":"VISITOR","from":"Visit:v2","to":"Person:p"}
{"edge":"VISITOR","from":"Visit:v3","to":"Person:p"}
{"edge":"VISITOR","from":"Visit:v4","to":"Person:p"}
{"edge":"VISITOR","from":"Visit:v5","to":"Person:p"}
{"edge":"HOST","from":"Visit:v1","to":"State:GBR"}
{"edge":"HOST","from":"Visit:v2","to":"State:GBR"}
{"edge":"HOST","from":"Visit:v3","to":"State:GBR"}
{"edge":"HOST","from":"Visit:v4","to":"State:GBR"}
{"edge":"HOST","from":"Visit:v5","to":"State:FRA"}
)");
  // Listing only the 2024 visit: its number counts all four to the United Kingdom.
  auto listed = visits(*l.snap, {.visitor = "Person:p", .host = "State:GBR", .from = Date::parse("2024")});
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].number == 3);
  auto c = visit_coverage(*l.snap, listed);
  REQUIRE(c.size() == 2);
  CHECK(c[0].source == "U.S. Department of State, Office of the Historian");
  CHECK(c[0].first_year == 1957);
  CHECK(c[0].last_year == 1961);
  CHECK(c[0].visits == 2);
  CHECK(c[1].source == "curated");  // the brief-only and the uncited visit
  CHECK(c[1].first_year == 2024);
  CHECK(c[1].last_year == 2025);
  CHECK(c[1].visits == 2);
  CHECK(visit_coverage(*l.snap, {}).empty());
}
