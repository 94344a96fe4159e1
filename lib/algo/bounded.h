// The built-in questions within a Budget (common/budget.h): the public functions of
// entente/questions.h make one from their Limits; the query language's procedures pass the
// query's own, so that CALL allies(...) counts against the query's deadline and memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/budget.h"
#include "entente/questions.h"

namespace entente::algo {

// A walk's budget: "<what> stopped: time limit of 60 s reached (narrow it: ...".
Budget walk_budget(const Limits& limits, std::string_view what);

// Estimates of the bytes a record read holds, for memory limits: its strings, and a
// allowance for its properties.
inline std::uint64_t approx_bytes(const Node& n) {
  std::uint64_t b = sizeof(Node) + n.type.capacity() + n.key.capacity() + n.name.capacity() + 256;
  for (const auto& a : n.aliases) b += sizeof(std::string) + a.capacity();
  return b;
}
inline std::uint64_t approx_bytes(const Edge& e) { return sizeof(Edge) + e.type.capacity() + e.key.capacity() + 128; }

std::vector<Ally> allies(const Reader& reader, std::string_view state, const AllyQuery& q, Budget& budget);
std::vector<VisitInfo> visits(const Reader& reader, const VisitQuery& q, Budget& budget);
std::vector<PathStep> shortest_path(const Reader& reader, std::string_view a, std::string_view b,
                                    const std::vector<std::string>& via, std::optional<Date> at, Budget& budget);
std::optional<TemporalPath> temporal_path(const Reader& reader, std::string_view a, std::string_view b,
                                          const std::vector<std::string>& via, std::optional<Date> from,
                                          Budget& budget);
std::vector<Bloc> blocs(const Reader& reader, Date at, const std::vector<std::string>& obligations, Budget& budget);
std::vector<Ranked> centrality(const Reader& reader, const NetworkQuery& q, Budget& budget);
std::vector<Reached> neighborhood(const Reader& reader, std::string_view start, int hops, std::optional<Date> at,
                                  Budget& budget);

}  // namespace entente::algo
