// What `Database::check()` finds: each broken invariant, with the record it concerns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entente {

struct Problem {
  std::string where;   // "node record 12 (State:PRK)", "adj entry of edge 7", "meta next_node_id"
  std::string reason;  // what is wrong
};

struct CheckReport {
  // What was read.
  std::uint64_t nodes = 0;
  std::uint64_t edges = 0;
  std::uint64_t adjacency = 0;  // adjacency entries
  std::uint64_t keys = 0;       // key index entries
  std::uint64_t names = 0;      // name index entries
  std::vector<Problem> problems;
  // Problems left out of `problems` once it held Options::max_problems.
  std::uint64_t more_problems = 0;

  bool clean() const { return problems.empty(); }
};

}  // namespace entente
