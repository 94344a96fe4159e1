// Bounds on one question: a query, or a built-in question that walks the graph (allies,
// visits, paths, neighbourhoods, blocs, centrality).
//
//   auto found = entente::neighborhood(*snap, "PRK", 3, day, {.timeout = std::chrono::seconds(5)});
//
// Passing a bound stops the question, within a second, with Error(ErrorKind::kLimit) whose
// message names the bound: "query stopped: time limit of 5 s reached", "neighborhood
// stopped: memory limit of 512 MiB reached by the nodes reached". Nothing is returned then.
#pragma once

#include <chrono>
#include <cstdint>

namespace entente {

struct Limits {
  // The time the question may take. 0: no limit.
  std::chrono::milliseconds timeout{0};
  // An estimate of the bytes the question holds at once, in the structures that grow with
  // what it finds: for a query, the rows held by sorting, grouping, DISTINCT, collect() and
  // UNION, and the rows query() returns; for a walk, the nodes it has reached and the
  // answer it builds. Not the database's caches or the in-memory topology, which are shared
  // by every question. 0: no limit.
  std::uint64_t memory_limit = 0;
};

}  // namespace entente
