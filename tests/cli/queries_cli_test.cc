// End-to-end tests of the entente command's query subcommands (allies, path, blocs,
// centrality, neighborhood, visits, officeholders, offices, treaties) on the bundled dataset.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/run.h"

using namespace entente;
using test::entente_cmd;

namespace {

// A database holding the bundled dataset (data/putin-visits-2024.jsonl).
struct Bundled {
  test::TempDir dir;
  std::string db;
  Bundled() : db((dir / "db").string()) {
    auto r = entente_cmd(dir, "import --db '" + db + "' '" ENTENTE_DATA_DIR "/putin-visits-2024.jsonl'");
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  test::Run on_db(const std::string& sub, const std::string& rest = "") {
    return entente_cmd(dir, sub + " --db '" + db + "' " + rest);
  }
  // Runs with --json, requires success, and parses the output.
  nlohmann::json json(const std::string& sub, const std::string& rest) {
    auto r = on_db(sub, rest + " --json");
    INFO(sub << " " << rest << "\n" << r.err);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);
  }
  // `visits --json`: the listed visits (the object's "visits"), its coverage checked present.
  nlohmann::json visits(const std::string& rest) {
    auto j = json("visits", rest);
    REQUIRE(j.is_object());
    REQUIRE(j["coverage"].is_array());
    return j["visits"];
  }
};

// The "key" of each element of a JSON array, sorted.
std::vector<std::string> keys_of(const nlohmann::json& array) {
  std::vector<std::string> out;
  for (const auto& e : array) out.push_back(e["key"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

using Keys = std::vector<std::string>;

// The element of a JSON array whose "key" is `key` (null when none).
nlohmann::json find_key(const nlohmann::json& array, const std::string& key) {
  for (const auto& e : array) {
    if (e["key"] == key) return e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("queries cli: every query subcommand has --help, exit 0", "[cli][queries]") {
  test::TempDir dir;
  for (const char* sub : {"allies", "path", "blocs", "centrality", "neighborhood", "visits", "officeholders", "offices",
                          "treaties"}) {
    INFO(sub);
    auto r = entente_cmd(dir, std::string(sub) + " --help");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("--db") && Catch::Contains("--json"));
  }
  CHECK_THAT(entente_cmd(dir, "--help").out, Catch::Contains("allies") && Catch::Contains("treaties"));
}

TEST_CASE("queries cli: allies of North Korea on each date, with the treaty", "[cli][queries]") {
  Bundled b;
  CHECK(keys_of(b.json("allies", "State:PRK --at 1975-01-01")) == Keys{"State:CHN", "State:SUN"});
  CHECK(keys_of(b.json("allies", "State:PRK --at 2010-01-01")) == Keys{"State:CHN"});
  CHECK(keys_of(b.json("allies", "State:PRK --at 2024-07-01")) == Keys{"State:CHN"});
  CHECK(keys_of(b.json("allies", "State:PRK --at 2024-07-01 --include-signed")) == Keys{"State:CHN", "State:RUS"});
  CHECK(keys_of(b.json("allies", "PRK --at 2024-12-31")) == Keys{"State:CHN", "State:RUS"});

  // The evidence: the treaty, its status, the articles and the sources.
  auto j = b.json("allies", "'North Korea' --at 2024-12-31");
  auto rus = find_key(j, "State:RUS");
  REQUIRE(rus.is_object());
  CHECK(rus["hops"] == 1);
  REQUIRE(rus["chain"].size() == 1);
  const auto& link = rus["chain"][0];
  CHECK(link["from"]["key"] == "State:PRK");
  CHECK(link["to"]["key"] == "State:RUS");
  CHECK(link["treaty"]["key"] == "Treaty:rus-prk-2024");
  CHECK(link["treaty"]["signed"] == "2024-06-19");
  CHECK(link["treaty"]["valid"]["from"] == "2024-12-04");
  CHECK(link["status"] == "in force");
  CHECK(link["obligations"] == nlohmann::json::array({"defense"}));
  REQUIRE(!link["articles"].empty());
  CHECK(link["articles"][0]["number"] == "4");
  CHECK(!link["sources"].empty());
  CHECK(link["sources"][0].contains("doc"));

  auto signed_only = find_key(b.json("allies", "PRK --at 2024-07-01 --include-signed"), "State:RUS");
  REQUIRE(signed_only.is_object());
  CHECK(signed_only["chain"][0]["status"] == "signed, not in force");

  // The obligations asked for: consultation makes Russia an ally in 2010 (the 2000 treaty).
  CHECK(keys_of(b.json("allies", "PRK --at 2010-01-01 --obligation consultation")) == Keys{"State:RUS"});
  CHECK(keys_of(b.json("allies", "PRK --at 2010-01-01 --obligation consultation --obligation defense")) ==
        Keys{"State:CHN", "State:RUS"});

  auto r = b.on_db("allies", "PRK --at 2024-12-31");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("State:CHN") && Catch::Contains("State:RUS"));
  CHECK_THAT(r.out, Catch::Contains("Treaty:prk-chn-1961") && Catch::Contains("Treaty:rus-prk-2024"));
  CHECK_THAT(r.out, Catch::Contains("article II: ") && Catch::Contains("article 4: "));
  CHECK_THAT(r.out, Catch::Contains("in force [2024-12-04, open)") && Catch::Contains("signed 2024-06-19"));
  CHECK_THAT(r.out, Catch::Contains("source:"));
  // Articles are shortened to 100 characters (not bytes), "..." included, cut at a
  // character's start.
  CHECK_THAT(r.out, Catch::Contains("..."));
  std::istringstream lines(r.out);
  int shortened = 0;
  for (std::string line; std::getline(lines, line);) {
    auto at = line.find("article ");
    if (at == std::string::npos || line.find(": ", at) == std::string::npos) continue;
    std::string summary = line.substr(line.find(": ", at) + 2);
    std::size_t chars = 0;
    for (char ch : summary) chars += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
    INFO(summary);
    CHECK(chars <= 100);
    if (summary.ends_with("...")) ++shortened;
  }
  CHECK(shortened > 0);

  // Allies of allies: nothing further in the bundled data, and still the same direct allies.
  CHECK(keys_of(b.json("allies", "PRK --at 2024-12-31 --hops 2")) == Keys{"State:CHN", "State:RUS"});
}

// Issue 17: reversed ranges were accepted and answered "0 visits from 2025, before 2023" or
// "no states"; they exit 1 (a data error, like a state that does not exist) and say why.
TEST_CASE("queries cli: a range that runs backwards or holds no day is refused", "[cli][queries]") {
  Bundled b;
  struct Case {
    std::string sub, args, message;
  };
  for (const auto& c : std::vector<Case>{
           {"visits", "--from 2025 --to 2023", "visits: the range from 2025 to 2023 holds no day"},
           {"visits", "--from 2024 --to 2024", "from 2024 to 2024 holds no day"},
           {"visits", "--from 2024-06 --to 2024", "from 2024-06 to 2024 holds no day"},
           {"centrality", "--network visits --from 2025 --to 2023", "centrality: the range from 2025 to 2023"},
           {"centrality", "--network trade --from 2024-02-01 --to 2024-01-31", "holds no day"},
           {"export", "--format panel -o p --from-year 2002 --to-year 2001", "the years must run forward"},
       }) {
    INFO(c.sub << " " << c.args);
    auto r = b.on_db(c.sub, c.args);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
  }
  // The same ranges the right way round answer.
  CHECK(b.on_db("visits", "--from 2023 --to 2025").status == 0);
  CHECK(b.on_db("centrality", "--network visits --from 2023 --to 2025").status == 0);
}

TEST_CASE("queries cli: allies errors", "[cli][queries]") {
  Bundled b;
  auto r = b.on_db("allies", "State:XYZ --at 2024-12-31");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("State:XYZ"));
  r = b.on_db("allies", "PRK --at 2024-12-31 --obligation friendship");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("friendship"));
  r = b.on_db("allies", "PRK");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("--at"));
  r = b.on_db("allies", "PRK --at 2024-02-30");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("not a date"));
  CHECK(b.on_db("allies", "PRK --at 2024-12-31 --hops 0").status == 2);
  CHECK(b.on_db("allies", "--at 2024-12-31").status == 2);
  // Not a state.
  CHECK(b.on_db("allies", "Person:putin --at 2024-12-31").status == 1);
}

TEST_CASE("queries cli: path between South Korea and Russia", "[cli][queries]") {
  Bundled b;
  auto j = b.json("path", "KOR RUS --at 2024-12-31");
  REQUIRE(j.is_array());
  REQUIRE(!j.empty());
  CHECK(j.front()["from"]["key"] == "State:KOR");
  CHECK(j.back()["to"]["key"] == "State:RUS");
  for (std::size_t i = 0; i + 1 < j.size(); ++i) CHECK(j[i]["to"]["key"] == j[i + 1]["from"]["key"]);
  for (const auto& step : j) {
    CHECK(step["edge"].contains("edge"));
    CHECK(step["reversed"].is_boolean());
  }

  auto r = b.on_db("path", "'South Korea' Russia --at 2024-12-31");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("State:KOR (Republic of Korea)") && Catch::Contains("State:RUS (Russian Federation)"));
  CHECK_THAT(r.out, Catch::Contains("->"));

  // No REPLACES edge reaches a state: no connection, and that is not an error.
  r = b.on_db("path", "KOR RUS --via REPLACES");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("no connection"));
  CHECK(b.json("path", "KOR RUS --via REPLACES").empty());

  CHECK(b.on_db("path", "KOR State:XYZ").status == 1);
  CHECK(b.on_db("path", "KOR RUS --via PARTY").status == 1);
  CHECK(b.on_db("path", "KOR RUS --at 2024-99").status == 2);
  CHECK(b.on_db("path", "KOR").status == 2);
}

TEST_CASE("queries cli: path --temporal, steps on dates that never go back", "[cli][queries][time]") {
  Bundled b;
  auto j = b.json("path", "KOR RUS --temporal --via MEMBER_OF");
  REQUIRE(j.is_array());
  REQUIRE(!j.empty());
  CHECK(j.front()["from"]["key"] == "State:KOR");
  CHECK(j.back()["to"]["key"] == "State:RUS");
  std::string last;
  for (const auto& step : j) {
    REQUIRE(step.contains("taken"));
    if (step["taken"].is_string()) {
      CHECK(step["taken"].get<std::string>() >= last);  // ISO dates: text order is date order
      last = step["taken"].get<std::string>();
    }
  }
  auto r = b.on_db("path", "KOR RUS --temporal --via MEMBER_OF --from 2024-01-01");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("leaving on 2024-01-01 or later") && Catch::Contains("arriving"));
  r = b.on_db("path", "KOR RUS --temporal --via REPLACES");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("no time-respecting connection"));
  // --from needs --temporal, which excludes --at.
  CHECK(b.on_db("path", "KOR RUS --from 2024-01-01").status == 2);
  CHECK(b.on_db("path", "KOR RUS --temporal --at 2024-01-01").status == 2);
  CHECK(b.on_db("path", "KOR RUS --temporal --from 2024-13").status == 2);
}

TEST_CASE("queries cli: blocs on 2024-12-31", "[cli][queries]") {
  Bundled b;
  auto j = b.json("blocs", "--at 2024-12-31");
  REQUIRE(!j.empty());
  bool found = false;
  for (const auto& bloc : j) {
    auto states = keys_of(bloc["states"]);
    auto has = [&](const char* k) { return std::find(states.begin(), states.end(), k) != states.end(); };
    if (has("State:PRK") && has("State:CHN") && has("State:RUS")) {
      found = true;
      auto treaties = keys_of(bloc["treaties"]);
      CHECK(std::find(treaties.begin(), treaties.end(), "Treaty:rus-prk-2024") != treaties.end());
      CHECK(std::find(treaties.begin(), treaties.end(), "Treaty:prk-chn-1961") != treaties.end());
    }
  }
  CHECK(found);
  CHECK(j[0]["number"] == 1);

  auto r = b.on_db("blocs", "--at 2024-12-31");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("1. 3 states") && Catch::Contains("State:PRK") && Catch::Contains("Treaty:rus-prk-2024"));

  CHECK(b.on_db("blocs", "").status == 2);
  CHECK(b.on_db("blocs", "--at 2024-12-31 --obligation alliance").status == 2);
  CHECK(b.on_db("blocs", "--at yesterday").status == 2);
}

TEST_CASE("queries cli: centrality", "[cli][queries]") {
  Bundled b;
  auto j = b.json("centrality", "--network alliances --at 2024-12-31");
  REQUIRE(!j.empty());
  CHECK(j[0]["key"] == "State:PRK");
  CHECK(j[0]["rank"] == 1);
  CHECK(j[0]["partners"] == 2);
  CHECK(j[0]["score"] == 2.0);
  CHECK(b.json("centrality", "--network alliances --at 2024-12-31 --limit 1").size() == 1);
  CHECK(b.json("centrality", "--network alliances --at 2024-12-31 --measure betweenness")[0]["key"] == "State:PRK");

  // Putin's 2024 trips: to China, North Korea and Vietnam.
  j = b.json("centrality", "--network visits --from 2024 --to 2025");
  REQUIRE(!j.empty());
  CHECK(j[0]["key"] == "State:RUS");
  CHECK(j[0]["partners"] == 3);

  auto r = b.on_db("centrality", "--network alliances --at 2024-12-31");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("rank") && Catch::Contains("State:PRK"));

  CHECK(b.on_db("centrality", "--network alliances").status == 2);
  CHECK(b.on_db("centrality", "--network friendship --at 2024").status == 2);
  CHECK(b.on_db("centrality", "--network visits --at 2024 --from 2023").status == 2);
  CHECK(b.on_db("centrality", "--network alliances --at 2024 --measure closeness").status == 2);
  CHECK(b.on_db("centrality", "--at 2024").status == 2);
}

TEST_CASE("queries cli: neighborhood by hops", "[cli][queries]") {
  Bundled b;
  auto j = b.json("neighborhood", "PRK --hops 1 --at 2024-12-31");
  REQUIRE(!j.empty());
  CHECK(j[0]["key"] == "State:PRK");
  CHECK(j[0]["hops"] == 0);
  CHECK(j[0]["via"].is_null());
  auto treaty = find_key(j, "Treaty:rus-prk-2024");
  REQUIRE(treaty.is_object());
  CHECK(treaty["hops"] == 1);
  CHECK(treaty["via"]["edge"]["edge"] == "PARTY_TO");
  CHECK(find_key(j, "Treaty:rus-prk-2000").is_null());  // terminated on 2024-12-04
  for (const auto& n : j) CHECK(n["hops"].get<int>() <= 1);

  auto r = b.on_db("neighborhood", "PRK --hops 1 --at 2024-12-31");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("0 hops:") && Catch::Contains("1 hop:") && Catch::Contains("via State:PRK -PARTY_TO-> "));

  CHECK(b.on_db("neighborhood", "PRK").status == 2);
  CHECK(b.on_db("neighborhood", "PRK --hops -1").status == 2);
  CHECK(b.on_db("neighborhood", "State:XYZ --hops 1").status == 1);
}

TEST_CASE("queries cli: the commands that walk the graph take --timeout and --memory-limit, exit 1 past them",
          "[cli][queries]") {
  Bundled b;
  struct Case {
    const char* sub;
    const char* rest;
    const char* walk;
  };
  for (const auto& c : {Case{"neighborhood", "PRK --hops 3", "neighborhood"},
                        Case{"visits", "--visitor Putin", "visits"},
                        Case{"allies", "RUS --at 2024-12-31 --hops 3", "allies"},
                        Case{"render", "--around PRK --hops 2 -o out.dot", "neighborhood"}}) {
    INFO(c.sub << " " << c.rest);
    auto r = b.on_db(c.sub, std::string(c.rest) + " --memory-limit 16");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains(std::string(c.walk) + " stopped: memory limit of 16 bytes reached by "));
    auto fine = b.on_db(c.sub, std::string(c.rest) + " --timeout 600 --memory-limit 1G");
    CHECK(fine.status == 0);
  }
  for (const char* sub : {"neighborhood", "path", "blocs", "centrality", "allies", "visits", "render"}) {
    auto help = entente_cmd(b.dir, std::string(sub) + " --help");
    CHECK_THAT(help.out, Catch::Contains("--timeout") && Catch::Contains("--memory-limit"));
  }
  CHECK(b.on_db("path", "PRK VNM --memory-limit lots").status == 2);
}

TEST_CASE("queries cli: Putin's visits to Vietnam, numbered", "[cli][queries]") {
  Bundled b;
  // With --json, the coverage of what the ordinals count comes with the visits.
  auto whole = b.json("visits", "--visitor putin --host VNM");
  REQUIRE(whole["coverage"].size() == 1);
  CHECK(whole["coverage"][0]["source"] == "curated");
  CHECK(whole["coverage"][0]["first_year"] == 2001);
  CHECK(whole["coverage"][0]["last_year"] == 2024);
  CHECK(whole["coverage"][0]["visits"] == 5);
  auto j = b.visits("--visitor putin --host VNM");
  REQUIRE(j.size() == 5);
  const auto& last = j.back();
  CHECK(last["key"] == "Visit:putin-vnm-2024");
  CHECK(last["start"] == "2024-06-19");
  CHECK(last["end"] == "2024-06-20");
  CHECK(last["visitor"]["key"] == "Person:putin");
  CHECK(last["host"]["key"] == "State:VNM");
  CHECK(last["number"] == 5);
  CHECK(last["number_in_office"] == 5);
  CHECK(last["previous"] == "2017-11-10");
  CHECK(last["gap_days"].get<long long>() > 6 * 365);
  CHECK(keys_of(last["met"]) == Keys{"Person:nguyen-phu-trong", "Person:pham-minh-chinh", "Person:to-lam",
                                     "Person:tran-thanh-man"});
  CHECK(last["produced"].size() == 12);
  CHECK(j.front()["number"] == 1);
  CHECK(j.front()["previous"].is_null());
  for (std::size_t i = 0; i < j.size(); ++i) CHECK(j[i]["number"] == static_cast<int>(i) + 1);

  auto r = b.on_db("visits", "--visitor putin --host VNM");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("5 visits"));
  CHECK_THAT(r.out, Catch::Contains("2024-06-19..2024-06-20") && Catch::Contains("Hanoi"));
  CHECK_THAT(r.out, Catch::Contains("5th recorded visit to Vietnam, fifth as President of the Russian Federation"));
  CHECK_THAT(r.out, Catch::Contains("first recorded since 2017"));
  CHECK_THAT(r.out, Catch::Contains("To Lam"));
  // Issue 17: the ordinals were printed as facts; they say what they counted.
  CHECK_THAT(r.out, Catch::Contains("Ordinals count the visits recorded here: curated 2001–2024 (5 visits)."));

  // Numbering counts every visit, whatever the filters.
  j = b.visits("--visitor putin --from 2024 --to 2025");
  CHECK(keys_of(j) == Keys{"Visit:putin-chn-2024", "Visit:putin-prk-2024", "Visit:putin-vnm-2024"});
  CHECK(find_key(j, "Visit:putin-vnm-2024")["number"] == 5);
  CHECK(keys_of(b.visits("--met to-lam")) == Keys{"Visit:putin-vnm-2024"});
}

TEST_CASE("queries cli: Putin's visits to Pyongyang, 24 years apart", "[cli][queries]") {
  Bundled b;
  auto j = b.visits("--visitor putin --host PRK");
  REQUIRE(j.size() == 2);
  CHECK(j[1]["key"] == "Visit:putin-prk-2024");
  CHECK(j[1]["number"] == 2);
  CHECK(j[1]["previous"] == "2000-07-19");
  CHECK(j[1]["gap_days"].get<long long>() > 23 * 365);
  auto r = b.on_db("visits", "--visitor putin --host 'North Korea'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("first in 24 years"));
  CHECK_THAT(r.out, Catch::Contains("2nd recorded visit to North Korea"));
}

TEST_CASE("queries cli: visits between two leaders", "[cli][queries]") {
  Bundled b;
  auto j = b.visits("--between putin kim-jong-un");
  REQUIRE(j.size() == 3);
  CHECK(j[0]["key"] == "Visit:kim-rus-2019");
  CHECK(j[1]["key"] == "Visit:kim-rus-2023");
  CHECK(j[1]["number"] == 2);
  CHECK(j[2]["key"] == "Visit:putin-prk-2024");
  auto r = b.on_db("visits", "--between putin 'Kim Jong Un'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("Visit:kim-rus-2023") && Catch::Contains("Visit:putin-prk-2024"));
}

TEST_CASE("queries cli: visits errors", "[cli][queries]") {
  Bundled b;
  CHECK(b.on_db("visits", "--visitor putin --from 2024-13").status == 2);
  CHECK(b.on_db("visits", "--visitor putin --between putin kim-jong-un").status == 2);
  CHECK(b.on_db("visits", "--between putin").status == 2);
  auto r = b.on_db("visits", "--visitor Person:nobody");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("Person:nobody"));
  CHECK(b.on_db("visits", "--between putin Person:nobody").status == 1);
}

TEST_CASE("queries cli: visits imported from ICEWS, with and without a person as visitor", "[cli][queries][import]") {
  Bundled b;
  auto r = b.on_db("import", "-q -f icews '" ENTENTE_TESTS_DIR "/fixtures/import/icews.tab'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  // Kim Yong-chol, a person: listed by name, numbered.
  r = b.on_db("visits", "--host USA --from 2018 --to 2019");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("Kim Yong-chol to United States, Washington (visit)") &&
                        Catch::Contains("1st recorded visit to United States"));
  CHECK_THAT(r.out, Catch::Contains("Ordinals count the visits recorded here: ") &&
                        Catch::Contains("ICEWS Coded Event Data 2018 ("));
  // A ministry is no person: no visitor, and the summary says who came.
  r = b.on_db("visits", "--host PRK --from 2018 --to 2019");
  CHECK_THAT(r.out, Catch::Contains("(no visitor recorded) to") &&
                        Catch::Contains("Foreign Affairs (Russia) visits North Korea (CAMEO 042)"));
  auto j = b.visits("--host PRK --from 2018 --to 2019");
  REQUIRE(j.size() == 1);
  CHECK(j[0]["visitor"].is_null());
}

TEST_CASE("queries cli: officeholders and offices", "[cli][queries]") {
  Bundled b;
  auto j = b.json("officeholders", "VNM --at 2024-06-20");
  std::vector<std::string> people;
  for (const auto& t : j) people.push_back(t["person"]["key"]);
  CHECK(std::find(people.begin(), people.end(), "Person:to-lam") != people.end());
  for (const auto& t : j) CHECK(t["of"]["key"] == "State:VNM");

  j = b.json("officeholders", "VNM --at 2024-06-20 --office president");
  REQUIRE(j.size() == 1);
  CHECK(j[0]["person"]["key"] == "Person:to-lam");
  CHECK(j[0]["office"] == "President");
  CHECK(j[0]["valid"]["from"] == "2024-05-22");
  CHECK(!j[0]["sources"].empty());

  auto r = b.on_db("officeholders", "Vietnam --at 2024-06-20");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("To Lam") && Catch::Contains("President"));

  CHECK(b.on_db("officeholders", "VNM").status == 2);
  CHECK(b.on_db("officeholders", "VNM --at 2024-06-31").status == 2);
  CHECK(b.on_db("officeholders", "State:XYZ --at 2024").status == 1);

  j = b.json("offices", "putin");
  REQUIRE(j.size() == 4);
  CHECK(j[0]["office"] == "Acting President");
  CHECK(j[0]["of"]["key"] == "State:RUS");
  CHECK(j[3]["office"] == "President");
  CHECK(j[3]["valid"]["from"] == "2012-05-07");
  r = b.on_db("offices", "'Vladimir Putin'");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("Prime Minister") && Catch::Contains("[2012-05-07, open)"));
  CHECK(b.on_db("offices", "Person:nobody").status == 1);
  CHECK(b.on_db("offices", "").status == 2);
}

TEST_CASE("queries cli: North Korea's treaties on 2024-12-31", "[cli][queries]") {
  Bundled b;
  auto j = b.json("treaties", "PRK --at 2024-12-31");
  auto old = find_key(j, "Treaty:rus-prk-2000");
  auto now = find_key(j, "Treaty:rus-prk-2024");
  REQUIRE(old.is_object());
  REQUIRE(now.is_object());
  CHECK(old["status"] == "terminated");
  CHECK(now["status"] == "in force");
  CHECK(keys_of(now["replaces"]) == Keys{"Treaty:rus-prk-2000"});
  CHECK(keys_of(old["replaced_by"]) == Keys{"Treaty:rus-prk-2024"});
  CHECK(keys_of(now["parties"]) == Keys{"State:PRK", "State:RUS"});
  CHECK(now["signed"] == "2024-06-19");
  CHECK(now["valid"]["from"] == "2024-12-04");
  CHECK(find_key(j, "Treaty:prk-chn-1961")["status"] == "in force");

  // Between two states.
  CHECK(keys_of(b.json("treaties", "PRK RUS --at 2024-12-31")) ==
        Keys{"Treaty:rus-prk-2000", "Treaty:rus-prk-2024", "Treaty:sun-prk-1961"});

  auto r = b.on_db("treaties", "PRK --at 2024-12-31");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("replaces: Treaty:rus-prk-2000"));
  CHECK_THAT(r.out, Catch::Contains("replaced by: Treaty:rus-prk-2024"));
  CHECK_THAT(r.out, Catch::Contains("status:   terminated") && Catch::Contains("status:   in force"));

  // Issue 17: the status printed the query date where the reader takes it for the date of
  // signature or termination ("terminated on 2000-01-01"); it prints the real dates.
  auto then = b.on_db("treaties", "PRK --at 2000-01-01");
  CHECK_THAT(then.out, Catch::Contains("status:   terminated on 1996-09-10 (status on 2000-01-01)"));
  CHECK_THAT(then.out, Catch::Contains("status:   in force on 2000-01-01 (since 1961-09-10)"));
  CHECK_THAT(then.out, Catch::Contains("status:   not yet signed on 2000-01-01 (signed on 2024-06-19)"));
  CHECK_THAT(then.out, !Catch::Contains("terminated on 2000-01-01"));

  CHECK(b.on_db("treaties", "State:XYZ").status == 1);
  CHECK(b.on_db("treaties", "PRK --at 31-12-2024").status == 2);
}

TEST_CASE("queries cli: get shows a treaty's period in force on PARTY_TO lines only", "[cli][queries]") {
  Bundled b;
  auto r = b.on_db("get", "Treaty:rus-prk-2024");
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("<- PARTY_TO State:RUS (Russian Federation)  in force [2024-12-04, open)"));
  // A PRODUCED edge with no validity holds always; it does not follow the treaty.
  CHECK_THAT(r.out, Catch::Contains("<- PRODUCED Visit:putin-prk-2024 (Vladimir Putin's state visit to the DPRK, June 2024)  always"));
}

TEST_CASE("queries cli: allies lists each cited document and place once", "[cli][queries]") {
  Bundled b;
  auto r = b.on_db("allies", "PRK --at 2024-12-31");
  REQUIRE(r.status == 0);
  auto first = r.out.find("source:      pism-89-2024 (Findings of the Kim-Putin Summit, para 1)");
  REQUIRE(first != std::string::npos);
  auto rus = r.out.find("State:RUS");
  CHECK(r.out.find("source:      pism-89-2024 (Findings of the Kim-Putin Summit, para 1)", std::max(first, rus) + 1) ==
        std::string::npos);
}
