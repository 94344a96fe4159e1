// What `Database::check()` finds: each broken invariant, with the record it concerns; each
// file that is missing, of the wrong size or fails its checksums; each record count per
// type that does not match the records read.
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
  std::uint64_t history = 0;    // history entries: commits logged, versions kept (format 6)
  // Every problem found, up to `problem_limit`; the rest are counted in `more_problems`.
  std::vector<Problem> problems;
  std::uint64_t more_problems = 0;
  std::uint64_t problem_limit = 0;

  std::uint64_t problem_count() const { return problems.size() + more_problems; }
  bool clean() const { return problems.empty() && more_problems == 0; }
};

}  // namespace entente
