// What the data says that cannot be so, although every record is intact: a treaty in force
// before its signature, a member bound outside its treaty's period in force, two holders of
// one office at once, a state's ties that hold only while it does not exist
// (docs/reliability.md, "Data concerns").
#include <algorithm>

#include <fmt/format.h>

#include "common/text.h"
#include "entente/questions.h"

namespace entente {
namespace {

// The first day of an interval's start and end as comparable numbers: no start is the
// earliest, no end the latest.
std::uint32_t start_of(const std::optional<Interval>& v) { return v && v->from ? v->from->first_day() : 0u; }
std::uint32_t end_of(const std::optional<Interval>& v) { return v && v->to ? v->to->first_day() : ~0u; }

std::string span(const std::optional<Interval>& v) { return v ? v->str() : "always"; }

class Concerns {
 public:
  explicit Concerns(std::size_t limit) : limit_(limit) {}

  void add(std::string where, std::string reason) {
    if (out_.size() < limit_) out_.push_back({std::move(where), std::move(reason)});
  }
  std::vector<Problem> take() { return std::move(out_); }

 private:
  std::size_t limit_;
  std::vector<Problem> out_;
};

// Treaties and agreements: in force before the signature; members bound outside the
// period in force.
void check_treaties(const Reader& reader, std::string_view type, Concerns& out) {
  reader.scan(type, [&](const Node& t) {
    auto signed_at = t.props.date("signed");
    if (signed_at && t.valid && t.valid->from && before(*t.valid->from, *signed_at)) {
      out.add(t.ref().str(), fmt::format("in force from {}, before its signature on {}", t.valid->from->str(),
                                         signed_at->str()));
    }
    if (!t.valid) return true;  // never in force: its members' dates bind nothing
    for (const auto& m : reader.neighbors(t.id, {{"PARTY_TO"}, Direction::kIn, std::nullopt})) {
      if (!m.edge.valid) continue;  // follows the treaty's period
      if (start_of(m.edge.valid) < start_of(t.valid) || end_of(m.edge.valid) > end_of(t.valid)) {
        out.add(fmt::format("PARTY_TO {} -> {}", m.node.ref().str(), t.ref().str()),
                fmt::format("the member is bound {}, outside the {}'s period in force {}", span(m.edge.valid),
                            text::fold(type), span(t.valid)));
      }
    }
    return true;
  });
}

// Two persons holding one office of one state or organization on the same day.
void check_offices(const Reader& reader, std::string_view type, Concerns& out) {
  reader.scan(type, [&](const Node& body) {
    struct Term {
      std::string office;  // folded
      std::uint32_t from, to;
      Node person;
      std::optional<Interval> valid;
      std::string title;
    };
    std::vector<Term> terms;
    for (const auto& n : reader.neighbors(body.id, {{"HOLDS_OFFICE"}, Direction::kIn, std::nullopt})) {
      if (!n.edge.valid) continue;  // a term of unknown dates overlaps nothing it can be held to
      std::string title = n.edge.props.text("office").value_or("");
      terms.push_back({text::fold(title), start_of(n.edge.valid), end_of(n.edge.valid), n.node, n.edge.valid, title});
    }
    std::sort(terms.begin(), terms.end(),
              [](const Term& a, const Term& b) { return std::tie(a.office, a.from, a.to) < std::tie(b.office, b.from, b.to); });
    for (std::size_t i = 0; i < terms.size(); ++i) {
      for (std::size_t j = i + 1; j < terms.size() && terms[j].office == terms[i].office && terms[j].from < terms[i].to;
           ++j) {
        if (terms[j].person.id == terms[i].person.id) continue;
        out.add(fmt::format("{} ({})", body.ref().str(), terms[i].title),
                fmt::format("held by {} {} and by {} {} at once", terms[i].person.ref().str(), span(terms[i].valid),
                            terms[j].person.ref().str(), span(terms[j].valid)));
      }
    }
    return true;
  });
}

// A State's dated ties (PARTY_TO, MEMBER_OF, an office of it) that hold only while the
// State does not exist: outside its validity or within one of its gaps (a COW member row
// dated before the state entered the state system).
void check_states(const Reader& reader, Concerns& out) {
  reader.scan("State", [&](const Node& s) {
    if (!s.valid) return true;
    auto tie = [&](const Neighbor& n, const std::string& what) {
      if (!n.edge.valid || s.valid_during(*n.edge.valid)) return;
      std::vector<std::string> spells;
      for (const auto& sp : s.spells()) spells.push_back(sp.str());
      out.add(what, fmt::format("it holds {}, while {} does not exist (it exists {})", n.edge.valid->str(),
                                s.ref().str(), fmt::join(spells, " and ")));
    };
    for (const auto& n : reader.neighbors(s.id, {{"PARTY_TO", "MEMBER_OF"}, Direction::kOut, std::nullopt})) {
      tie(n, fmt::format("{} {} -> {}", n.edge.type, s.ref().str(), n.node.ref().str()));
    }
    for (const auto& n : reader.neighbors(s.id, {{"HOLDS_OFFICE"}, Direction::kIn, std::nullopt})) {
      tie(n, fmt::format("HOLDS_OFFICE {} -> {}", n.node.ref().str(), s.ref().str()));
    }
    return true;
  });
}

}  // namespace

std::vector<Problem> data_concerns(const Reader& reader, std::size_t limit) {
  Concerns out(limit);
  for (const auto& t : reader.types()) {
    if (t.in_force_only) check_treaties(reader, t.name, out);
  }
  for (auto type : {"State", "Organization"}) check_offices(reader, type, out);
  check_states(reader, out);
  return out.take();
}

}  // namespace entente
