// Limits on the questions that walk the graph (allies, visits, paths, blocs, centrality,
// neighbourhoods), and on the procedures a query calls: past a bound, each stops with
// Error(kLimit) naming it.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "algo/bounded.h"
#include "entente/entente.h"
#include "io/export_helpers.h"
#include "test_util.h"

using namespace entente;

namespace {

// The message of the kLimit error f throws; fails the test when it throws none, or another.
std::string limit_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kLimit);
    return e.what();
  }
  FAIL("no error");
  return {};
}

const Date kDay = Date::parse("2024-12-31");

// A budget whose time has run out: the first step a walk takes stops it.
Budget expired(const char* what) {
  Budget b = algo::walk_budget({.timeout = std::chrono::seconds(60)}, what);
  b.expire();
  return b;
}

}  // namespace

TEST_CASE("limits: a walk past its time limit stops with an error naming the limit and the walk", "[algo]") {
  test::Loaded db(test::bundled_data());
  const Reader& r = *db.snap;
  // Each walk, given a budget whose deadline has passed, stops at its first step.
  CHECK_THAT(limit_error([&] {
               auto b = expired("neighborhood");
               algo::neighborhood(r, "State:PRK", 3, std::nullopt, b);
             }),
             Catch::Equals("neighborhood stopped: time limit of 60 s reached (narrow it: fewer hops, a date, or fewer "
                           "edge types, or raise it with --timeout)"));
  CHECK_THAT(limit_error([&] {
               auto b = expired("shortest path");
               algo::shortest_path(r, "State:PRK", "State:VNM", {}, std::nullopt, b);
             }),
             Catch::StartsWith("shortest path stopped: time limit of 60 s reached"));
  CHECK_THAT(limit_error([&] {
               auto b = expired("temporal path");
               algo::temporal_path(r, "State:PRK", "State:VNM", {}, std::nullopt, b);
             }),
             Catch::StartsWith("temporal path stopped: time limit of 60 s reached"));
  CHECK_THAT(limit_error([&] {
               auto b = expired("blocs");
               algo::blocs(r, kDay, {"defense"}, b);
             }),
             Catch::StartsWith("blocs stopped: time limit"));
  CHECK_THAT(limit_error([&] {
               auto b = expired("centrality");
               algo::centrality(r, {.network = Network::kVisits, .from = Date(2000)}, b);
             }),
             Catch::StartsWith("centrality stopped: time limit"));
  CHECK_THAT(limit_error([&] {
               auto b = expired("allies");
               algo::allies(r, "State:PRK", {.at = kDay}, b);
             }),
             Catch::StartsWith("allies stopped: time limit"));
  CHECK_THAT(limit_error([&] {
               auto b = expired("visits");
               algo::visits(r, {.visitor = "Person:putin"}, b);
             }),
             Catch::StartsWith("visits stopped: time limit"));
  // With time left, the same walks answer.
  Budget ample = algo::walk_budget({.timeout = std::chrono::seconds(600)}, "neighborhood");
  CHECK(algo::neighborhood(r, "State:PRK", 1, std::nullopt, ample).size() > 1);
  CHECK(neighborhood(r, "State:PRK", 1, std::nullopt, {.timeout = std::chrono::seconds(600)}).size() > 1);
}

TEST_CASE("limits: a walk holding more than its memory limit stops, naming what held it", "[algo]") {
  test::Loaded db(test::bundled_data());
  const Reader& r = *db.snap;
  const Limits tiny{.memory_limit = 1024};
  CHECK_THAT(limit_error([&] { (void)neighborhood(r, "State:PRK", 3, std::nullopt, tiny); }),
             Catch::Equals("neighborhood stopped: memory limit of 1 KiB reached by the nodes reached (narrow it: fewer "
                           "hops, a date, or fewer edge types, or raise it with --memory-limit)"));
  CHECK_THAT(limit_error([&] { (void)visits(r, {}, tiny); }), Catch::StartsWith("visits stopped: memory limit of 1 KiB"));
  CHECK_THAT(limit_error([&] { (void)allies(r, "State:RUS", {.at = kDay, .hops = 3}, {.memory_limit = 16}); }),
             Catch::Contains("by the allies found"));
  CHECK_THAT(limit_error([&] { (void)dot_neighborhood(r, "State:PRK", 2, std::nullopt, tiny); }),
             Catch::StartsWith("neighborhood stopped: memory limit"));
  // Within a limit that holds them, the answers are those given without one.
  const Limits ample{.memory_limit = 64ull << 20};
  CHECK(neighborhood(r, "State:PRK", 3, std::nullopt, ample).size() == neighborhood(r, "State:PRK", 3).size());
  CHECK(visits(r, {}, ample).size() == visits(r, {}).size());
  CHECK(blocs(r, kDay, {"defense"}, ample).size() == blocs(r, kDay).size());
}

TEST_CASE("limits: a procedure runs within its query's limits, and frees what it held when it returns", "[algo][query]") {
  test::Loaded db(test::bundled_data());
  const Reader& r = *db.snap;
  QueryLimits tiny{.memory_limit = 512};
  try {
    (void)query(r, "CALL visits('Person:putin') YIELD visit RETURN count(*)", {}, tiny);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kLimit);
    // The query's message, not prefixed with the call's place as other errors of a call are.
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("query stopped: memory limit of 512 bytes reached by the visits"));
  }
  // A procedure called once per row holds its walk only while it runs: the walks of 200
  // rows together would pass a limit that one of them fits in twenty times over.
  Budget once;
  CHECK_FALSE(algo::blocs(r, kDay, {"defense"}, once).empty());
  const std::uint64_t one = once.held();
  REQUIRE(one > 0);
  auto n = query(r, "UNWIND range(1, 200) AS i CALL blocs(date('2024-12-31')) YIELD bloc RETURN count(*) AS n", {},
                 {.memory_limit = 20 * one});
  CHECK(n.rows.at(0).at(0).as_int() == 200 * static_cast<std::int64_t>(algo::blocs(r, kDay, {"defense"}, once).size()));
}
