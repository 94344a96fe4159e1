// The treaties of a state (or between two), their status on a date, and REPLACES chains.
#include <algorithm>
#include <set>

#include "common/error.h"
#include "entente/questions.h"

namespace entente {

std::string_view state_name(TreatyState state) {
  switch (state) {
    case TreatyState::kInForce: return "in force";
    case TreatyState::kSigned: return "signed";
    case TreatyState::kNotYetSigned: return "not yet signed";
    case TreatyState::kTerminated: return "terminated";
    case TreatyState::kNotInForce: return "not in force";
  }
  return "unknown";
}
namespace {

std::optional<Date> signed_date(const Node& t) {
  auto s = t.props.text("signed");
  if (!s) return std::nullopt;
  return Date::parse(*s);
}

TreatyState status_on(const Node& t, const std::optional<Date>& at) {
  auto signed_at = signed_date(t);
  if (!at) {
    if (t.valid) return t.valid->to ? TreatyState::kTerminated : TreatyState::kInForce;
    return TreatyState::kSigned;
  }
  if (t.valid && t.valid->contains(*at)) return TreatyState::kInForce;
  if (t.valid && t.valid->to && !before(*at, *t.valid->to)) return TreatyState::kTerminated;
  if (signed_at && before(*at, *signed_at)) return TreatyState::kNotYetSigned;
  return signed_at ? TreatyState::kSigned : TreatyState::kNotInForce;
}

// Follows REPLACES edges one way from a treaty, nearest first, stopping at a cycle.
std::vector<Node> chain(const Reader& reader, const Node& start, Direction dir) {
  std::vector<Node> out;
  std::set<NodeId> seen{start.id};
  Node at = start;
  for (;;) {
    auto next = reader.neighbors(at.id, {{"REPLACES"}, dir, std::nullopt});
    if (next.empty() || !seen.insert(next.front().node.id).second) break;
    at = next.front().node;
    out.push_back(at);
  }
  return out;
}

std::vector<Node> parties(const Reader& reader, const Node& treaty) {
  std::vector<Node> out;
  for (auto& n : reader.neighbors(treaty.id, {{"PARTY_TO"}, Direction::kIn, std::nullopt})) {
    if (std::none_of(out.begin(), out.end(), [&](const Node& p) { return p.id == n.node.id; })) out.push_back(n.node);
  }
  std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) { return a.name < b.name; });
  return out;
}

}  // namespace

std::vector<TreatyStatus> treaties(const Reader& reader, std::string_view a, std::string_view b, std::optional<Date> at) {
  Node sa = reader.resolve(a);
  std::optional<Node> sb;
  if (!b.empty()) sb = reader.resolve(b);
  std::vector<TreatyStatus> out;
  std::set<NodeId> seen;
  for (const auto& n : reader.neighbors(sa.id, {{"PARTY_TO"}, Direction::kOut, std::nullopt, {"Treaty"}})) {
    if (n.node.type != "Treaty" || !seen.insert(n.node.id).second) continue;
    TreatyStatus t{n.node, parties(reader, n.node), status_on(n.node, at), {}, {}};
    if (sb && std::none_of(t.parties.begin(), t.parties.end(), [&](const Node& p) { return p.id == sb->id; })) continue;
    t.replaces = chain(reader, n.node, Direction::kOut);
    t.replaced_by = chain(reader, n.node, Direction::kIn);
    out.push_back(std::move(t));
  }
  auto key = [](const TreatyStatus& t) {
    auto s = signed_date(t.treaty);
    if (!s && t.treaty.valid && t.treaty.valid->from) s = t.treaty.valid->from;
    return std::make_tuple(s ? s->first_day() : 0u, t.treaty.key);
  };
  std::sort(out.begin(), out.end(), [&](const TreatyStatus& x, const TreatyStatus& y) { return key(x) < key(y); });
  return out;
}

}  // namespace entente
