// Who held which office on a date, and a person's offices over time.
#include <algorithm>

#include "common/error.h"
#include "common/text.h"
#include "entente/questions.h"

namespace entente {

std::vector<OfficeTerm> officeholders(const Reader& reader, std::string_view of, Date at, std::string_view office) {
  Node body = reader.resolve(of);
  if (body.type != "State" && body.type != "Organization") {
    throw invalid("officeholders: {} is a {}, not a State or Organization", body.ref().str(), body.type);
  }
  std::string wanted = text::fold(office);
  std::vector<OfficeTerm> out;
  for (const auto& n : reader.neighbors(body.id, {{"HOLDS_OFFICE"}, Direction::kIn, at})) {
    std::string title = n.edge.props.text("office").value_or("");
    if (!wanted.empty() && text::fold(title).find(wanted) == std::string::npos) continue;
    out.push_back({n.node, body, title, n.edge});
  }
  std::sort(out.begin(), out.end(), [](const OfficeTerm& a, const OfficeTerm& b) {
    return std::tie(a.office, a.person.name) < std::tie(b.office, b.person.name);
  });
  return out;
}

std::vector<OfficeTerm> offices(const Reader& reader, std::string_view person) {
  Node p = reader.resolve(person);
  if (p.type != "Person") throw invalid("offices: {} is a {}, not a Person", p.ref().str(), p.type);
  std::vector<OfficeTerm> out;
  for (const auto& n : reader.neighbors(p.id, {{"HOLDS_OFFICE"}, Direction::kOut, std::nullopt})) {
    out.push_back({p, n.node, n.edge.props.text("office").value_or(""), n.edge});
  }
  auto start = [](const OfficeTerm& t) {
    return t.edge.valid && t.edge.valid->from ? std::optional<Date>(*t.edge.valid->from) : std::nullopt;
  };
  std::stable_sort(out.begin(), out.end(), [&](const OfficeTerm& a, const OfficeTerm& b) {
    auto sa = start(a), sb = start(b);
    if (sa.has_value() != sb.has_value()) return !sa.has_value();  // "always" first
    if (sa && *sa != *sb) return *sa < *sb;
    return a.office < b.office;
  });
  return out;
}

}  // namespace entente
