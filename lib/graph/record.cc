// The functions of the public record.h: NodeRef::parse, Node::valid_at, and the JSON form
// of nodes and edges that the interchange format, query results and --json share.
#include "entente/record.h"

#include "common/error.h"
#include "graph/topology.h"

namespace entente {

NodeRef NodeRef::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    throw invalid("'{}' is not a node reference: expected Type:key, e.g. State:PRK", text);
  }
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

bool Node::valid_at(const Date& d) const {
  if (valid) return valid->contains(d);
  return graph::holds_without_validity(type);
}

namespace {

nlohmann::ordered_json interval_json(const Interval& iv) {
  nlohmann::ordered_json v = nlohmann::ordered_json::object();
  if (iv.from) v["from"] = iv.from->str();
  if (iv.to) v["to"] = iv.to->str();
  return v;
}

}  // namespace

nlohmann::ordered_json to_json(const std::vector<Citation>& sources) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& c : sources) {
    nlohmann::ordered_json j = {{"doc", c.doc}};
    if (!c.locator.empty()) j["locator"] = c.locator;
    if (!c.quote.empty()) j["quote"] = c.quote;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json to_json(const Node& n) {
  nlohmann::ordered_json j = {{"node", n.type}, {"key", n.key}};
  if (!n.name.empty()) j["name"] = n.name;
  if (!n.aliases.empty()) j["aliases"] = n.aliases;
  if (n.valid) j["valid"] = interval_json(*n.valid);
  if (!n.props.empty()) j["props"] = n.props;
  if (!n.sources.empty()) j["sources"] = to_json(n.sources);
  return j;
}

nlohmann::ordered_json to_json(const Edge& e) {
  nlohmann::ordered_json j = {{"edge", e.type}, {"from", e.from_ref.str()}, {"to", e.to_ref.str()}};
  if (!e.key.empty()) j["key"] = e.key;
  if (e.valid) j["valid"] = interval_json(*e.valid);
  if (!e.props.empty()) j["props"] = e.props;
  if (!e.sources.empty()) j["sources"] = to_json(e.sources);
  return j;
}

}  // namespace entente
