// The queries on the bundled dataset (data/putin-visits-2024.jsonl) answer what the PISM
// brief and the public record say.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "entente/entente.h"
#include "entente/queries.h"  // the old name of questions.h, kept for one release: it must still compile
#include "test_util.h"

using namespace entente;

namespace {

using Keys = std::vector<std::string>;

struct Bundled {
  test::TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir / "db");
  std::unique_ptr<Snapshot> snap;
  Bundled() {
    import_files(*db, {std::filesystem::path(ENTENTE_DATA_DIR "/putin-visits-2024.jsonl")});
    snap = db->snapshot();
  }
  std::vector<Ally> allies_of(const char* state, const char* day, bool include_signed = false) const {
    return allies(*snap, state, {.at = Date::parse(day), .include_signed = include_signed});
  }
  Keys ally_keys(const char* state, const char* day, bool include_signed = false) const {
    Keys out;
    for (const auto& a : allies_of(state, day, include_signed)) out.push_back(a.state.key);
    std::sort(out.begin(), out.end());
    return out;
  }
};

const Ally* find_ally(const std::vector<Ally>& allies, const std::string& key) {
  for (const auto& a : allies) {
    if (a.state.key == key) return &a;
  }
  return nullptr;
}

const AllianceLink* find_link(const Ally& ally, const std::string& treaty) {
  for (const auto& link : ally.chain) {
    if (link.treaty.key == treaty) return &link;
  }
  return nullptr;
}

const TreatyStatus* find_treaty(const std::vector<TreatyStatus>& ts, const std::string& key) {
  for (const auto& t : ts) {
    if (t.treaty.key == key) return &t;
  }
  return nullptr;
}

Keys keys_of(const std::vector<Node>& nodes) {
  Keys out;
  for (const auto& n : nodes) out.push_back(n.key);
  return out;
}

}  // namespace

TEST_CASE("bundled: North Korea's treaty allies over time", "[bundled][allies]") {
  Bundled b;
  // The 1961 treaties with the USSR and China.
  CHECK(b.ally_keys("State:PRK", "1975-01-01") == Keys{"CHN", "SUN"});
  // Russia as the USSR's continuator, until the Soviet treaty lapsed on 1996-09-10.
  CHECK(b.ally_keys("State:PRK", "1995-01-01") == Keys{"CHN", "RUS"});
  // The 2000 treaty carries consultation only.
  CHECK(b.ally_keys("State:PRK", "2010-01-01") == Keys{"CHN"});
  // The 2024 treaty is signed on 2024-06-19 and in force from 2024-12-04.
  CHECK(b.ally_keys("State:PRK", "2024-07-01") == Keys{"CHN"});
  CHECK(b.ally_keys("State:PRK", "2024-07-01", true) == Keys{"CHN", "RUS"});
  CHECK(b.ally_keys("North Korea", "2024-12-31") == Keys{"CHN", "RUS"});
}

TEST_CASE("bundled: the Russia link of 2024 rests on Article 4 of the treaty", "[bundled][allies][evidence]") {
  Bundled b;
  auto signed_only = b.allies_of("State:PRK", "2024-07-01", true);
  const Ally* rus_signed = find_ally(signed_only, "RUS");
  REQUIRE(rus_signed);
  const AllianceLink* pending = find_link(*rus_signed, "rus-prk-2024");
  REQUIRE(pending);
  CHECK_FALSE(pending->in_force);

  auto allies = b.allies_of("State:PRK", "2024-12-31");
  const Ally* rus = find_ally(allies, "RUS");
  REQUIRE(rus);
  const AllianceLink* link = find_link(*rus, "rus-prk-2024");
  REQUIRE(link);
  CHECK(link->in_force);
  Keys articles;
  for (const auto& a : link->articles) articles.push_back(a.value("number", ""));
  CHECK(std::find(articles.begin(), articles.end(), "4") != articles.end());
  CHECK(std::find(articles.begin(), articles.end(), "8") == articles.end());  // no ATOP obligation
  bool cites_text = std::any_of(link->sources.begin(), link->sources.end(),
                                [](const Citation& c) { return c.doc == "kcna-treaty-2024"; });
  CHECK(cites_text);
  // The replaced 2000 treaty, which ended on 2024-12-04, is no part of the evidence.
  CHECK_FALSE(find_link(*rus, "rus-prk-2000"));
}

TEST_CASE("bundled: Putin's fifth visit to Vietnam as president, his first since 2017", "[bundled][visits]") {
  Bundled b;
  auto v = visits(*b.snap, {.visitor = "Person:putin", .host = "State:VNM"});
  REQUIRE(v.size() == 5);
  CHECK(v.front().visit.key == "putin-vnm-2001");
  const auto& last = v.back();
  CHECK(last.visit.key == "putin-vnm-2024");
  CHECK(last.number == 5);
  CHECK(last.number_in_office == 5);
  REQUIRE(last.previous);
  CHECK(last.previous->year() == 2017);
  CHECK(ordinal(last.number) == "fifth");
}

TEST_CASE("bundled: Putin's first visit to North Korea in 24 years", "[bundled][visits]") {
  Bundled b;
  auto v = visits(*b.snap, {.visitor = "Vladimir Putin", .host = "North Korea"});
  REQUIRE(v.size() == 2);
  CHECK(v[0].visit.key == "putin-prk-2000");
  CHECK(v[1].visit.key == "putin-prk-2024");
  CHECK(v[1].number == 2);
  REQUIRE(v[1].previous);
  CHECK(*v[1].previous == Date::parse("2000-07-19"));
  REQUIRE(v[1].gap_days);
  // 2000-07-19 to 2024-06-19: 8736 days, 23.9 years; "24 years" in the brief.
  CHECK(*v[1].gap_days > 8700);
  CHECK(*v[1].gap_days < 8800);
  CHECK_THAT(describe_gap(*v[1].gap_days), Catch::Matches("2[34] years"));
}

TEST_CASE("bundled: Kim Jong Un and Putin visited each other", "[bundled][visits]") {
  Bundled b;
  auto r = reciprocal_visits(*b.snap, "Person:putin", "Person:kim-jong-un");
  Keys keys;
  for (const auto& v : r) keys.push_back(v.visit.key);
  CHECK(keys == Keys{"kim-rus-2019", "kim-rus-2023", "putin-prk-2024"});
  // Kim's 2023 visit is his second recorded to Russia: the 2019 Vladivostok summit came first.
  REQUIRE(r.size() == 3);
  CHECK(r[1].number == 2);
  CHECK(r[0].number == 1);
}

// Issue 17: the bundled data had no Vietnamese office holders for 2017, the year of Putin's
// APEC visit to Da Nang.
TEST_CASE("bundled: Vietnam's office holders at Putin's 2017 visit", "[bundled][offices]") {
  Bundled b;
  Keys keys;
  for (const auto& t : officeholders(*b.snap, "State:VNM", Date::parse("2017-11-10"))) keys.push_back(t.person.key);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == Keys{"nguyen-xuan-phuc", "tran-dai-quang"});
  Keys party;
  for (const auto& t : officeholders(*b.snap, "Organization:cpv", Date::parse("2017-11-10"))) party.push_back(t.person.key);
  CHECK(party == Keys{"nguyen-phu-trong"});
  // From 2016 on, every day has a President and a Prime Minister, except the month between
  // Tran Dai Quang's death (2018-09-21) and Nguyen Phu Trong's election (2018-10-23).
  for (const char* d : {"2016-04-07", "2018-09-20", "2018-10-23", "2021-04-05", "2023-01-17", "2024-06-20"}) {
    INFO(d);
    auto president = officeholders(*b.snap, "State:VNM", Date::parse(d), "President");
    auto premier = officeholders(*b.snap, "State:VNM", Date::parse(d), "Prime Minister");
    CHECK(president.size() == 1);
    CHECK(premier.size() == 1);
  }
}

TEST_CASE("bundled: the leaders Putin met in Hanoi held office then", "[bundled][offices]") {
  Bundled b;
  Keys keys;
  for (const auto& t : officeholders(*b.snap, "State:VNM", Date::parse("2024-06-20"))) keys.push_back(t.person.key);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == Keys{"pham-minh-chinh", "to-lam", "tran-thanh-man"});
  auto president = officeholders(*b.snap, "State:RUS", Date::parse("2024-06-19"), "president");
  REQUIRE(president.size() == 1);
  CHECK(president[0].person.key == "putin");
  auto terms = offices(*b.snap, "Person:putin");
  REQUIRE(terms.size() == 4);
  CHECK(terms[0].office == "Acting President");
  CHECK(terms[2].office == "Prime Minister (Chairman of the Government)");
}

TEST_CASE("bundled: North Korea, China and Russia form one bloc at the end of 2024", "[bundled][blocs]") {
  Bundled b;
  auto blocs2024 = blocs(*b.snap, Date::parse("2024-12-31"));
  auto it = std::find_if(blocs2024.begin(), blocs2024.end(), [](const Bloc& bloc) {
    return std::any_of(bloc.states.begin(), bloc.states.end(), [](const Node& n) { return n.key == "PRK"; });
  });
  REQUIRE(it != blocs2024.end());
  Keys states = keys_of(it->states);
  std::sort(states.begin(), states.end());
  CHECK(states == Keys{"CHN", "PRK", "RUS"});
  Keys treaties = keys_of(it->treaties);
  std::sort(treaties.begin(), treaties.end());
  CHECK(treaties == Keys{"prk-chn-1961", "rus-prk-2024"});
  // In 2010 Russia was not a defense ally.
  auto blocs2010 = blocs(*b.snap, Date::parse("2010-01-01"));
  REQUIRE(blocs2010.size() == 1);
  Keys states2010 = keys_of(blocs2010[0].states);
  std::sort(states2010.begin(), states2010.end());
  CHECK(states2010 == Keys{"CHN", "PRK"});
}

TEST_CASE("bundled: North Korea is the hub of the alliance network at the end of 2024", "[bundled][centrality]") {
  Bundled b;
  auto ranked = centrality(*b.snap, {.network = Network::kAlliances, .at = Date::parse("2024-12-31")});
  REQUIRE_FALSE(ranked.empty());
  CHECK(ranked[0].state.key == "PRK");
  CHECK(ranked[0].partners == 2);
}

TEST_CASE("bundled: the 2024 treaty is in force and replaces the 2000 treaty, which has terminated",
          "[bundled][treaties]") {
  Bundled b;
  auto ts = treaties(*b.snap, "State:PRK", {}, Date::parse("2024-12-31"));
  const TreatyStatus* t2000 = find_treaty(ts, "rus-prk-2000");
  const TreatyStatus* t2024 = find_treaty(ts, "rus-prk-2024");
  REQUIRE(t2000);
  REQUIRE(t2024);
  CHECK(t2000->status == TreatyState::kTerminated);
  CHECK(t2024->status == TreatyState::kInForce);
  CHECK(keys_of(t2024->replaces) == Keys{"rus-prk-2000"});
  CHECK(keys_of(t2000->replaced_by) == Keys{"rus-prk-2024"});
  const TreatyStatus* chn = find_treaty(ts, "prk-chn-1961");
  REQUIRE(chn);
  CHECK(chn->status == TreatyState::kInForce);
  const TreatyStatus* sun = find_treaty(ts, "sun-prk-1961");
  REQUIRE(sun);
  CHECK(sun->status == TreatyState::kTerminated);
  // On the day of signature, the 2024 treaty is signed, not yet in force.
  auto june = treaties(*b.snap, "State:PRK", "State:RUS", Date::parse("2024-06-19"));
  const TreatyStatus* signed2024 = find_treaty(june, "rus-prk-2024");
  REQUIRE(signed2024);
  CHECK(signed2024->status == TreatyState::kSigned);
}

TEST_CASE("bundled: Russia reaches China through North Korea, by the treaties of the day", "[bundled][path]") {
  Bundled b;
  // 2024: by the 2024 treaty (or the 2000 joint declaration, an Agreement also in force) and
  // the China-DPRK treaty.
  auto path = shortest_path(*b.snap, "State:RUS", "State:CHN", {"PARTY_TO"}, Date::parse("2024-12-31"));
  REQUIRE(path.size() == 4);
  CHECK(path[0].from.key == "RUS");
  CHECK(path[1].to.key == "PRK");
  CHECK(path[2].to.key == "prk-chn-1961");
  CHECK(path[3].to.key == "CHN");
  // 1993: only by the Soviet treaty, which Russia continued from 1991-12-26.
  auto early = shortest_path(*b.snap, "State:RUS", "State:CHN", {"PARTY_TO"}, Date::parse("1993-01-01"));
  REQUIRE(early.size() == 4);
  CHECK(early[0].to.key == "sun-prk-1961");
  CHECK(early[1].to.key == "PRK");
}
