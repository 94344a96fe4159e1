// Shared pieces of the alliance questions: which obligations a member carries, and the
// direct alliance links of a state on a date; the state a visitor travelled for.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/questions.h"

namespace entente::algo {

// Throws Error(kInvalid) for a name that is not an obligation.
void check_obligations(const std::vector<std::string>& obligations);

// A member's obligations: those on its PARTY_TO edge where given, else the treaty's.
std::vector<std::string> member_obligations(const Edge& party_to, const Node& treaty);

// True when the treaty holds on d; false when include_signed and it was signed by d but is
// not (yet) in force; nullopt otherwise (no alliance on d).
std::optional<bool> alliance_in_force(const Node& treaty, const Date& d, bool include_signed);

// Every direct alliance link from `state` on q.at (one per treaty and ally).
std::vector<AllianceLink> direct_links(const Reader& reader, const Node& state, const AllyQuery& q);

// Throws Error(kNotFound) when `state` did not exist on `at` (its validity does not hold
// it), naming its successor or predecessor (SUCCEEDS edges) that did: "allies: State:SUN
// (USSR) did not exist on 2000-01-01 (it existed [1922-12-30, 1991-12-26)); its successor
// State:RUS (Russian Federation) did". `what` names the question.
void require_existing(const Reader& reader, const Node& state, const Date& at, std::string_view what);

// Throws Error(kInvalid) when a [from, to) range holds no day: from is not before to. `what`
// names the question ("visits", "centrality").
void check_range(const std::optional<Date>& from, const std::optional<Date>& to, std::string_view what);

// The State a visitor travelled for: the State whose office the person held on `at` (the
// visit's first day; a HOLDS_OFFICE edge and a State both valid then), the first found.
std::optional<Node> visitor_state(const Reader& reader, const Node& person, Date at);

}  // namespace entente::algo
