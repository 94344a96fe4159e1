// The bundled dataset (data/) loads and states what the brief states.
#include <catch2/catch.hpp>

#include <set>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

struct Bundled {
  test::TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir / "db");
  std::unique_ptr<Snapshot> snap;
  Bundled() {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(ENTENTE_DATA_DIR)) {
      if (e.path().extension() == ".jsonl") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE_FALSE(files.empty());
    import_files(*db, files);
    snap = db->snapshot();
  }
  std::vector<Neighbor> at(const char* node, const char* edge, Direction dir, std::optional<Date> when = {}) {
    return snap->neighbors(snap->resolve(node).id, {{edge}, dir, when});
  }
};

}  // namespace

TEST_CASE("data: the bundled dataset dumps and re-imports to the same bytes", "[data]") {
  Bundled b;
  std::string dump = test::dump_of(*b.db);
  test::write_file(b.dir / "dump.jsonl", dump);
  auto db2 = Database::open(b.dir / "db2");
  import_files(*db2, {b.dir / "dump.jsonl"});
  CHECK(test::dump_of(*db2) == dump);
}

TEST_CASE("data: Putin's five presidential visits to Vietnam, the last in June 2024", "[data]") {
  Bundled b;
  std::vector<std::string> starts;
  for (const auto& v : b.at("Person:putin", "VISITOR", Direction::kIn)) {
    auto host = b.snap->neighbors(v.node.id, {{"HOST"}, Direction::kOut, {}});
    REQUIRE(host.size() == 1);
    if (host[0].node.key == "VNM") starts.push_back(v.node.props.json("start"));
  }
  std::sort(starts.begin(), starts.end());
  REQUIRE(starts.size() == 5);
  CHECK(starts.back().starts_with("2024-06"));
  CHECK(starts[3].starts_with("2017"));
}

TEST_CASE("data: Putin's visits to Pyongyang in 2000 and 2024, 24 years apart", "[data]") {
  Bundled b;
  std::vector<std::string> starts;
  for (const auto& v : b.at("Person:putin", "VISITOR", Direction::kIn)) {
    auto host = b.snap->neighbors(v.node.id, {{"HOST"}, Direction::kOut, {}});
    if (host.at(0).node.key == "PRK") starts.push_back(v.node.props.json("start"));
  }
  std::sort(starts.begin(), starts.end());
  REQUIRE(starts.size() == 2);
  CHECK(starts[0].starts_with("2000-07"));
  CHECK(starts[1].starts_with("2024-06-19"));
  for (const char* visit : {"Visit:kim-rus-2023", "Visit:putin-chn-2024", "Visit:biden-vnm-2023", "Visit:xi-vnm-2023"}) {
    INFO(visit);
    CHECK(b.snap->resolve(visit).props.has("start"));
  }
}

TEST_CASE("data: the 2024 treaty, its articles 4 and 8, its entry into force, and what it replaced", "[data]") {
  Bundled b;
  auto t = b.snap->resolve("Treaty:rus-prk-2024");
  CHECK(t.props.json("signed") == "2024-06-19");
  CHECK(t.props.json("termination_notice_months") == 12);
  std::set<std::string> articles;
  for (const auto& a : t.props.json("articles")) articles.insert(a["number"]);
  CHECK(articles.count("4") == 1);
  CHECK(articles.count("8") == 1);
  CHECK(t.valid_at(Date::parse("2024-12-31")));
  CHECK_FALSE(t.valid_at(Date::parse("2024-06-20")));  // signed, not yet in force
  auto replaced = b.at("Treaty:rus-prk-2024", "REPLACES", Direction::kOut);
  REQUIRE(replaced.size() == 1);
  CHECK(replaced[0].node.key == "rus-prk-2000");
  CHECK(b.at("Treaty:rus-prk-2024", "RESEMBLES", Direction::kOut).size() == 2);
  auto parties = b.at("Treaty:rus-prk-2024", "PARTY_TO", Direction::kIn);
  CHECK(parties.size() == 2);
}

TEST_CASE("data: North Korea's treaties in force on 2010-01-01 and 2024-12-31", "[data][time]") {
  Bundled b;
  auto keys = [&](const char* when) {
    std::set<std::string> out;
    for (const auto& n : b.at("State:PRK", "PARTY_TO", Direction::kOut, Date::parse(when))) {
      if (n.node.type == "Treaty") out.insert(n.node.key);
    }
    return out;
  };
  CHECK(keys("2010-01-01") == std::set<std::string>{"prk-chn-1961", "rus-prk-2000"});
  CHECK(keys("2024-12-31") == std::set<std::string>{"prk-chn-1961", "rus-prk-2024"});
  CHECK(keys("1970-01-01") == std::set<std::string>{"prk-chn-1961", "sun-prk-1961"});
}

TEST_CASE("data: the 11 agreements signed in Hanoi", "[data]") {
  Bundled b;
  int hanoi = 0;
  for (const auto& p : b.at("Visit:putin-vnm-2024", "PRODUCED", Direction::kOut)) {
    if (p.node.key.starts_with("hanoi-2024-")) ++hanoi;
  }
  CHECK(hanoi == 11);
}

TEST_CASE("data: trade figures for 2023 and the stances", "[data]") {
  Bundled b;
  auto trade = b.at("State:VNM", "TRADE", Direction::kOut);
  bool russia = false;
  for (const auto& t : trade) {
    if (t.node.key == "RUS") {
      russia = true;
      CHECK(t.edge.props.json("value") == 3.6);
      CHECK(t.edge.props.json("year") == 2023);
    }
  }
  CHECK(russia);
  CHECK(trade.size() == 4);
  CHECK(b.snap->stats().edges.at("STANCE") >= 5);
  CHECK(b.snap->stats().edges.at("ARMS_TRANSFER") >= 3);
}

TEST_CASE("data: the brief is cited", "[data]") {
  Bundled b;
  auto doc = b.snap->resolve("Document:pism-89-2024");
  CHECK(doc.props.json("published") == "2024-06-21");
  std::size_t citing = 0;
  for (const char* type : {"Treaty", "Visit", "Agreement", "Event"}) {
    b.snap->scan(type, [&](const Node& n) {
      for (const auto& s : n.sources) citing += s.doc == "pism-89-2024";
      return true;
    });
  }
  CHECK(citing >= 10);
}
