// entente::allies: treaty allies of a state on a date, with their evidence.
//
// Each case loads a few hand-written JSON Lines into a fresh database. States are
// fictional (AAA Aland, BBB Borduria, ...) except where the case is about history
// (the USSR and Russia).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

using Keys = std::vector<std::string>;

struct Loaded : test::Loaded {
  using test::Loaded::Loaded;
  std::vector<Ally> allies(const char* state, AllyQuery q) const { return entente::allies(*snap, state, q); }
  // The allies' keys, sorted.
  Keys keys(const char* state, AllyQuery q) const {
    Keys out;
    for (const auto& a : allies(state, q)) out.push_back(a.state.key);
    std::sort(out.begin(), out.end());
    return out;
  }
  Keys keys_on(const char* state, const char* day) const { return keys(state, {.at = Date::parse(day)}); }
};

const Ally* find_ally(const std::vector<Ally>& allies, const std::string& key) {
  for (const auto& a : allies) {
    if (a.state.key == key) return &a;
  }
  return nullptr;
}

std::vector<std::string> article_numbers(const AllianceLink& link) {
  std::vector<std::string> out;
  for (const auto& a : link.articles) out.push_back(a.value("number", ""));
  std::sort(out.begin(), out.end());
  return out;
}

// AAA and BBB, party to a defense treaty in force [1961-09-10, 1996-09-10).
const char* kPair = R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"Treaty","key":"ab-1961","name":"Aland-Borduria Treaty of Mutual Assistance","valid":{"from":"1961-09-10","to":"1996-09-10"},"props":{"signed":"1961-07-06","obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-1961"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-1961"}
)jsonl";

}  // namespace

TEST_CASE("allies: the day a treaty enters into force counts, the day it ends does not", "[allies][time]") {
  Loaded l(kPair);
  CHECK(l.keys_on("State:AAA", "1961-09-09").empty());
  CHECK(l.keys_on("State:AAA", "1961-09-10") == Keys{"BBB"});
  CHECK(l.keys_on("State:AAA", "1996-09-09") == Keys{"BBB"});
  CHECK(l.keys_on("State:AAA", "1996-09-10").empty());
}

TEST_CASE("allies: alliance is mutual, and the asked state is not its own ally", "[allies]") {
  Loaded l(kPair);
  CHECK(l.keys_on("State:AAA", "1980-01-01") == Keys{"BBB"});
  CHECK(l.keys_on("State:BBB", "1980-01-01") == Keys{"AAA"});
}

TEST_CASE("allies: the state may be named by Type:key, key, name or alias", "[allies]") {
  Loaded l(kPair);
  CHECK(l.keys_on("Borduria", "1980-01-01") == Keys{"AAA"});
  CHECK(l.keys_on("borduria", "1980-01-01") == Keys{"AAA"});
  CHECK(l.keys_on("BBB", "1980-01-01") == Keys{"AAA"});
}

TEST_CASE("allies: a partial date stands for its first day, in the data and in the query", "[allies][time]") {
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"Treaty","key":"ab","name":"Aland-Borduria Treaty","valid":{"from":"1961","to":"1970-06"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab"}
)jsonl");
  // "1961" = 1961-01-01; "1970-06" = 1970-06-01 (exclusive end).
  CHECK(l.keys_on("State:AAA", "1960-12-31").empty());
  CHECK(l.keys_on("State:AAA", "1961-01-01") == Keys{"BBB"});
  CHECK(l.keys_on("State:AAA", "1961") == Keys{"BBB"});
  CHECK(l.keys_on("State:AAA", "1970-05-31") == Keys{"BBB"});
  CHECK(l.keys_on("State:AAA", "1970-06-01").empty());
  CHECK(l.keys_on("State:AAA", "1970-06").empty());
  CHECK(l.keys_on("State:AAA", "1970") == Keys{"BBB"});  // 1970-01-01
}

TEST_CASE("allies: a member's own obligations on its PARTY_TO edge override the treaty's", "[allies][obligations]") {
  // The treaty carries only consultation, but AAA has taken on defense: the pair is allied
  // when either member carries an asked obligation, so AAA and BBB are defense allies.
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"Treaty","key":"ab","name":"Aland-Borduria Treaty","valid":{"from":"1990"},"props":{"obligations":["consultation"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab","props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab"}
)jsonl");
  AllyQuery q{.at = Date::parse("2000-01-01")};  // asks defense (the default)
  auto from_a = l.allies("State:AAA", q);
  REQUIRE(from_a.size() == 1);
  CHECK(from_a[0].state.key == "BBB");
  const auto& link = from_a[0].chain.at(0);
  CHECK(link.treaty.key == "ab");
  CHECK(link.obligations == std::vector<std::string>{"defense"});
  CHECK(link.from_obligations == std::vector<std::string>{"defense"});
  CHECK(link.to_obligations == std::vector<std::string>{"consultation"});
  CHECK(l.keys("State:BBB", q) == Keys{"AAA"});
  // Asking consultation: BBB carries it (from the treaty), so they are allied that way too.
  CHECK(l.keys("State:AAA", {.at = Date::parse("2000-01-01"), .obligations = {"consultation"}}) == Keys{"BBB"});
  // Neither carries neutrality.
  CHECK(l.keys("State:AAA", {.at = Date::parse("2000-01-01"), .obligations = {"neutrality"}}).empty());
}

TEST_CASE("allies: an override can also take an obligation away from a member", "[allies][obligations]") {
  // A defense treaty whose two members each declare consultation only: neither carries
  // defense, so they are not defense allies; one member keeping the treaty's defense
  // obligation would be enough.
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"Treaty","key":"abc","name":"Tripartite Treaty","valid":{"from":"1990"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:abc","props":{"obligations":["consultation"]}}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:abc","props":{"obligations":["consultation"]}}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:abc"}
)jsonl");
  CHECK(l.keys_on("State:AAA", "2000-01-01") == Keys{"CCC"});
  CHECK(l.keys_on("State:BBB", "2000-01-01") == Keys{"CCC"});
  CHECK(l.keys_on("State:CCC", "2000-01-01") == Keys{"AAA", "BBB"});
  // Asking consultation, AAA carries it, which is enough with either partner.
  CHECK(l.keys("State:AAA", {.at = Date::parse("2000-01-01"), .obligations = {"consultation"}}) == Keys{"BBB", "CCC"});
}

TEST_CASE("allies: the USSR and Russia are two states, never both allies on one date", "[allies][time]") {
  // The USSR's membership ends on 1991-12-26 and Russia's, as its continuator, starts then.
  Loaded l(R"jsonl({"node":"State","key":"PRK","name":"Democratic People's Republic of Korea","aliases":["North Korea"],"valid":{"from":"1948-09-09"}}
{"node":"State","key":"SUN","name":"Union of Soviet Socialist Republics","aliases":["USSR"],"valid":{"from":"1922-12-30","to":"1991-12-26"}}
{"node":"State","key":"RUS","name":"Russian Federation","aliases":["Russia"],"valid":{"from":"1991-12-26"}}
{"node":"Treaty","key":"sun-prk-1961","name":"Treaty of Friendship, Cooperation and Mutual Assistance","valid":{"from":"1961-09-10","to":"1996-09-10"},"props":{"signed":"1961-07-06","obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:SUN","to":"Treaty:sun-prk-1961","valid":{"from":"1961-09-10","to":"1991-12-26"}}
{"edge":"PARTY_TO","from":"State:RUS","to":"Treaty:sun-prk-1961","valid":{"from":"1991-12-26"},"props":{"role":"continuator of the USSR"}}
{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:sun-prk-1961"}
{"edge":"SUCCEEDS","from":"State:RUS","to":"State:SUN"}
)jsonl");
  CHECK(l.keys_on("North Korea", "1990-01-01") == Keys{"SUN"});
  CHECK(l.keys_on("North Korea", "1991-12-25") == Keys{"SUN"});
  CHECK(l.keys_on("North Korea", "1991-12-26") == Keys{"RUS"});
  CHECK(l.keys_on("North Korea", "1995-01-01") == Keys{"RUS"});
  CHECK(l.keys_on("North Korea", "1996-09-10").empty());
  for (const char* day : {"1961-09-10", "1975-01-01", "1991-12-25", "1991-12-26", "1992-01-01", "1996-09-09"}) {
    INFO("on " << day);
    CHECK(l.keys_on("State:PRK", day).size() == 1);
  }
  CHECK(l.keys_on("State:RUS", "1995-01-01") == Keys{"PRK"});
  CHECK(l.keys_on("State:SUN", "1990-01-01") == Keys{"PRK"});
}

TEST_CASE("allies: a treaty signed but not in force counts only with include_signed", "[allies][signed]") {
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"Treaty","key":"ab-never","name":"Treaty never ratified","props":{"signed":"1990-05-01","obligations":["defense"]}}
{"node":"Treaty","key":"ac-2024","name":"Treaty in force from December","valid":{"from":"2024-12-04"},"props":{"signed":"2024-06-19","obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-never"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-never"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ac-2024"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:ac-2024"}
)jsonl");
  CHECK(l.keys_on("State:AAA", "2024-07-01").empty());
  auto with_signed = l.allies("State:AAA", {.at = Date::parse("2024-07-01"), .include_signed = true});
  REQUIRE(with_signed.size() == 2);
  for (const auto& a : with_signed) {
    INFO(a.state.key);
    REQUIRE_FALSE(a.chain.empty());
    CHECK_FALSE(a.chain.front().in_force);
  }
  // Once in force, it counts without include_signed, and says so.
  auto in_force = l.allies("State:AAA", {.at = Date::parse("2024-12-04")});
  REQUIRE(in_force.size() == 1);
  CHECK(in_force[0].state.key == "CCC");
  CHECK(in_force[0].chain.at(0).in_force);
}

TEST_CASE("allies: include_signed counts neither a treaty not yet signed nor one that has ended", "[allies][signed]") {
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"Treaty","key":"ab-never","name":"Treaty never ratified","props":{"signed":"1990-05-01","obligations":["defense"]}}
{"node":"Treaty","key":"ac-old","name":"Treaty that lapsed","valid":{"from":"1961-09-10","to":"1996-09-10"},"props":{"signed":"1961-07-06","obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-never"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-never"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ac-old"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:ac-old"}
)jsonl");
  // 1980: ab-never is not yet signed; ac-old is in force.
  CHECK(l.keys("State:AAA", {.at = Date::parse("1980-01-01"), .include_signed = true}) == Keys{"CCC"});
  // 2000: ab-never is signed (not in force); ac-old has terminated, which is not "signed".
  CHECK(l.keys("State:AAA", {.at = Date::parse("2000-01-01"), .include_signed = true}) == Keys{"BBB"});
}

TEST_CASE("allies: a PARTY_TO edge whose own validity has ended no longer counts", "[allies][time]") {
  // The treaty stays in force; BBB withdrew on 2000-01-01.
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"Treaty","key":"abc","name":"Tripartite Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:abc"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:abc","valid":{"to":"2000"}}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:abc"}
)jsonl");
  CHECK(l.keys_on("State:AAA", "1999-12-31") == Keys{"BBB", "CCC"});
  CHECK(l.keys_on("State:AAA", "2000-01-01") == Keys{"CCC"});
  CHECK(l.keys_on("State:BBB", "2000-01-01").empty());
}

TEST_CASE("allies: a PARTY_TO edge with no validity follows its treaty", "[allies][time]") {
  Loaded l(kPair);
  CHECK(l.keys_on("State:BBB", "1950-01-01").empty());
  CHECK(l.keys_on("State:BBB", "1970-01-01") == Keys{"AAA"});
  CHECK(l.keys_on("State:BBB", "2000-01-01").empty());
}

namespace {

// AAA -ab- BBB -bc- CCC -cd- DDD, and AAA -ae- EEE -eb- BBB (a second route to BBB).
// bc is in force [1950, 2000); the others from 1950.
const char* kChain = R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"State","key":"DDD","name":"Drusselstein"}
{"node":"State","key":"EEE","name":"Elbonia"}
{"node":"Treaty","key":"ab","name":"Aland-Borduria Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"bc","name":"Borduria-Carpania Treaty","valid":{"from":"1950","to":"2000"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"cd","name":"Carpania-Drusselstein Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"ae","name":"Aland-Elbonia Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"eb","name":"Elbonia-Borduria Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:bc"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:bc"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:cd"}
{"edge":"PARTY_TO","from":"State:DDD","to":"Treaty:cd"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ae"}
{"edge":"PARTY_TO","from":"State:EEE","to":"Treaty:ae"}
{"edge":"PARTY_TO","from":"State:EEE","to":"Treaty:eb"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:eb"}
)jsonl";

}  // namespace

TEST_CASE("allies: hops = 2 finds an ally of an ally, with the two-link chain", "[allies][hops]") {
  Loaded l(kChain);
  CHECK(l.keys("State:AAA", {.at = Date::parse("1990-01-01")}) == Keys{"BBB", "EEE"});
  auto two = l.allies("State:AAA", {.at = Date::parse("1990-01-01"), .hops = 2});
  // Ordered by hops, then name: Borduria, Elbonia (1 hop), Carpania (2 hops). BBB, reachable
  // directly and through EEE, is reported once, at 1 hop; AAA itself is not its own ally.
  REQUIRE(two.size() == 3);
  CHECK(two[0].state.key == "BBB");
  CHECK(two[0].hops == 1);
  CHECK(two[1].state.key == "EEE");
  CHECK(two[1].hops == 1);
  CHECK(two[2].state.key == "CCC");
  CHECK(two[2].hops == 2);
  const auto& chain = two[2].chain;
  REQUIRE(chain.size() == 2);
  CHECK(chain[0].from.key == "AAA");
  CHECK(chain[0].to.key == "BBB");
  CHECK(chain[0].treaty.key == "ab");
  CHECK(chain[1].from.key == "BBB");
  CHECK(chain[1].to.key == "CCC");
  CHECK(chain[1].treaty.key == "bc");
  // DDD is three hops away.
  CHECK_FALSE(find_ally(two, "DDD"));
  auto three = l.allies("State:AAA", {.at = Date::parse("1990-01-01"), .hops = 3});
  const Ally* ddd = find_ally(three, "DDD");
  REQUIRE(ddd);
  CHECK(ddd->hops == 3);
  CHECK(ddd->chain.size() == 3);
}

TEST_CASE("allies: every hop must hold on the date, a chain through an ended treaty is not followed", "[allies][hops][time]") {
  Loaded l(kChain);
  // bc ended on 2000-01-01: CCC is no longer an ally of an ally of AAA, nor is DDD at 3 hops,
  // although cd, the last link, is still in force.
  CHECK(l.keys("State:AAA", {.at = Date::parse("2010-01-01"), .hops = 2}) == Keys{"BBB", "EEE"});
  CHECK(l.keys("State:AAA", {.at = Date::parse("2010-01-01"), .hops = 3}) == Keys{"BBB", "EEE"});
  CHECK(l.keys("State:AAA", {.at = Date::parse("1999-12-31"), .hops = 3}) == Keys{"BBB", "CCC", "DDD", "EEE"});
}

TEST_CASE("allies: the evidence names the treaty, the articles creating the asked obligations and the sources",
          "[allies][evidence]") {
  Loaded l(R"jsonl({"node":"Document","key":"text","name":"The treaty text"}
{"node":"Document","key":"brief","name":"A brief"}
{"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"Treaty","key":"ab-2024","name":"Treaty on Comprehensive Strategic Partnership","valid":{"from":"2024-12-04"},"props":{"signed":"2024-06-19","obligations":["defense","consultation"],"articles":[{"number":"3","obligations":["consultation"],"summary":"talks without delay"},{"number":"4","obligations":["defense"],"summary":"military assistance"},{"number":"8","obligations":[],"summary":"joint measures"}]},"sources":[{"doc":"text","locator":"Article 4"}]}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-2024","sources":[{"doc":"brief","locator":"para 1"}]}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-2024"}
)jsonl");
  auto allies = l.allies("State:AAA", {.at = Date::parse("2024-12-31")});
  REQUIRE(allies.size() == 1);
  REQUIRE(allies[0].chain.size() == 1);
  const auto& link = allies[0].chain[0];
  CHECK(link.from.key == "AAA");
  CHECK(link.to.key == "BBB");
  CHECK(link.treaty.key == "ab-2024");
  CHECK(link.in_force);
  CHECK(link.obligations == std::vector<std::string>{"defense"});
  CHECK(article_numbers(link) == Keys{"4"});
  CHECK(std::find(link.sources.begin(), link.sources.end(), Citation{"text", "Article 4", ""}) != link.sources.end());
  // The PARTY_TO edges' citations come along.
  CHECK(std::find(link.sources.begin(), link.sources.end(), Citation{"brief", "para 1", ""}) != link.sources.end());

  // Asking for two obligations gives the articles of both, not article 8 (none).
  auto both = l.allies("State:AAA", {.at = Date::parse("2024-12-31"), .obligations = {"defense", "consultation"}});
  REQUIRE(both.size() == 1);
  const auto& link2 = both[0].chain.at(0);
  CHECK(article_numbers(link2) == Keys{"3", "4"});
  auto obligations = link2.obligations;
  std::sort(obligations.begin(), obligations.end());
  CHECK(obligations == std::vector<std::string>{"consultation", "defense"});
}

TEST_CASE("allies: with hops = 1 the chain lists every treaty linking the pair", "[allies][evidence]") {
  Loaded l(R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"Treaty","key":"ab-1","name":"First Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"ab-2","name":"Second Treaty","valid":{"from":"1960"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-1"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-1"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:ab-2"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:ab-2"}
)jsonl");
  auto allies = l.allies("State:AAA", {.at = Date::parse("1970-01-01")});
  REQUIRE(allies.size() == 1);  // one ally, however many treaties
  Keys treaties;
  for (const auto& link : allies[0].chain) treaties.push_back(link.treaty.key);
  std::sort(treaties.begin(), treaties.end());
  CHECK(treaties == Keys{"ab-1", "ab-2"});
  auto earlier = l.allies("State:AAA", {.at = Date::parse("1955-01-01")});
  REQUIRE(earlier.size() == 1);
  REQUIRE(earlier[0].chain.size() == 1);
  CHECK(earlier[0].chain[0].treaty.key == "ab-1");
}

TEST_CASE("allies: an unknown state, an unknown obligation or a missing date is an error", "[allies][errors]") {
  Loaded l(kPair);
  auto snap = l.db->snapshot();
  CHECK_THROWS_AS(allies(*snap, "State:XXX", {.at = Date::parse("1980-01-01")}), Error);
  CHECK_THROWS_AS(allies(*snap, "Atlantis", {.at = Date::parse("1980-01-01")}), Error);
  CHECK_THROWS_AS(allies(*snap, "State:AAA", {.at = Date::parse("1980-01-01"), .obligations = {"attack"}}), Error);
  CHECK_THROWS_AS(allies(*snap, "State:AAA", AllyQuery{}), Error);
}

// Issue 17: allies of a state that did not exist on the date answered as if it did (and
// asymmetrically with its partners' answers); it is refused, naming the successor.
TEST_CASE("allies refuses a state that did not exist on the date, naming its successor", "[allies][time]") {
  test::Loaded l(R"({"node":"State","key":"SUN","name":"Union of Soviet Socialist Republics","aliases":["USSR"],"valid":{"from":"1922-12-30","to":"1991-12-26"}}
{"node":"State","key":"RUS","name":"Russian Federation","valid":{"from":"1991-12-26"}}
{"node":"State","key":"PRK","name":"North Korea","valid":{"from":"1948-09-09"}}
{"edge":"SUCCEEDS","from":"State:RUS","to":"State:SUN","valid":{"from":"1991-12-26"}}
)");
  auto refused = [&](const char* state, const char* at, const std::string& message) {
    try {
      (void)allies(*l.snap, state, {.at = Date::parse(at)});
      FAIL("answered for " << state << " on " << at);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kNotFound);
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  };
  refused("State:SUN", "2000-01-01",
          "allies: State:SUN (Union of Soviet Socialist Republics) did not exist on 2000-01-01 (it existed "
          "[1922-12-30, 1991-12-26)); its successor State:RUS (Russian Federation) did");
  refused("State:RUS", "1980-01-01", "its predecessor State:SUN (Union of Soviet Socialist Republics) did");
  refused("State:PRK", "1945-08-15", "State:PRK (North Korea) did not exist on 1945-08-15");
  CHECK(allies(*l.snap, "State:SUN", {.at = Date::parse("1980-01-01")}).empty());
  CHECK(allies(*l.snap, "State:RUS", {.at = Date::parse("2000-01-01")}).empty());
}
