// entente's side of the independent probe (bench/probe/README.md): asks the four kinds of
// question of the graph-core issue through the query language of an installed entente, for
// the samples the driver chose, and prints each answer and the latencies as JSON.
//
//   entente-probe DB SAMPLES.json
//
// SAMPLES.json: {"date": "2000-01-01", "states": ["S001", ...], "pairs": [["S001", "S020"], ...]}.
// Only the public API is used (include/entente), as any program linking the library would.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <entente/entente.h>

namespace {

using Clock = std::chrono::steady_clock;

// A question: its text, and how its answer is read from the result (one integer).
struct Kind {
  std::string name;
  std::string text;
  bool pairs;  // asked of a pair of states ($a, $b), else of one state ($k)
  // The answer: the number of rows, or the first row's first value.
  bool count_rows;
};

std::vector<Kind> kinds(const std::string& date) {
  const std::string at = " AT DATE date('" + date + "')";
  return {
      {"q_1hop", "MATCH (s:State {key: $k})-[:PARTY_TO]->(t:Treaty) RETURN t.key" + at, false, true},
      {"q_2hop", "MATCH (s:State {key: $k})-[:PARTY_TO]->(:Treaty)<-[:PARTY_TO]-(o:State) WHERE o <> s RETURN DISTINCT o.key" + at, false, true},
      {"q_reach4", "MATCH (a:State {key: $k})-[:PARTY_TO*1..4]-(b) WHERE b <> a RETURN count(DISTINCT b)" + at, false, false},
      {"q_shortest_path",
       "MATCH p = shortestPath((a:State {key: $a})-[:PARTY_TO*..8]-(b:State {key: $b})) RETURN length(p)" + at, true, false},
  };
}

std::int64_t answer(const entente::QueryResult& r, bool count_rows) {
  if (count_rows) return static_cast<std::int64_t>(r.rows.size());
  if (r.rows.empty() || r.rows[0].empty() || r.rows[0][0].is_null()) return -1;  // no path
  return r.rows[0][0].as_int();
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: entente-probe DB SAMPLES.json\n");
    return 2;
  }
  try {
    nlohmann::json samples = nlohmann::json::parse(std::ifstream(argv[2]));
    entente::Options options;
    options.read_only = true;
    options.topology = entente::TopologyMode::kAtOpen;  // a long-running process
    auto db = entente::Database::open(argv[1], options);
    auto snap = db->snapshot();
    nlohmann::json out = nlohmann::json::object();
    for (const auto& kind : kinds(samples["date"].get<std::string>())) {
      std::vector<entente::Params> params;
      if (kind.pairs) {
        for (const auto& p : samples["pairs"]) params.push_back({{"a", entente::Value(p[0].get<std::string>())}, {"b", entente::Value(p[1].get<std::string>())}});
      } else {
        for (const auto& s : samples["states"]) params.push_back({{"k", entente::Value(s.get<std::string>())}});
      }
      // One pass to warm the caches, then three timed passes; every answer of the first is kept.
      std::vector<std::int64_t> answers;
      for (const auto& p : params) answers.push_back(answer(entente::query(*snap, kind.text, p), kind.count_rows));
      std::vector<double> us;
      for (int pass = 0; pass < 3; ++pass) {
        for (std::size_t i = 0; i < params.size(); ++i) {
          auto t = Clock::now();
          auto r = entente::query(*snap, kind.text, params[i]);
          us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
          if (answer(r, kind.count_rows) != answers[i]) {
            std::fprintf(stderr, "entente-probe: %s gave two answers for sample %zu\n", kind.name.c_str(), i);
            return 1;
          }
        }
      }
      out[kind.name] = {{"median_us", percentile(us, 0.5)}, {"p90_us", percentile(us, 0.9)}, {"answers", answers}};
    }
    std::printf("%s\n", out.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "entente-probe: %s\n", e.what());
    return 1;
  }
  return 0;
}
